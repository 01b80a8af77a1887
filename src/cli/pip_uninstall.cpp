// `ptinstall pip uninstall NAME... [-r FILE]`: RECORD-driven removal (also of what pip installed), all
// packages in one transaction, with uv's summary. Names that are not installed are skipped with a
// warning. -y is accepted (nothing is ever asked).
#include <chrono>

#include "command.hpp"
#include "environment.hpp"
#include "install_support.hpp"
#include "ptinstall/ops/uninstaller.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::cli {

int run_pip_uninstall(Invocation& inv) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto names = ops::uninstall_names(inv.args, inv.settings.get_list("requirement"));
  if (names.empty())
    throw util::Error(util::ErrorKind::Usage, "no packages to uninstall", "give the names of installed packages, or -r FILE");
  const bool dry_run = inv.settings.flag("dry-run");
  python::Environment env = target_environment(inv, true);
  std::optional<util::FileLock> lock;
  if (!dry_run) lock.emplace(lock_environment(env));

  auto selection = ops::select_installed(env, names);
  for (const auto& name : selection.not_installed) util::log::warn("Skipping " + name + " as it is not installed");
  if (selection.victims.empty()) return 0;
  if (dry_run) {
    util::log::info("Would uninstall " + packages(selection.victims.size()));
  } else {
    ops::uninstall(env, selection.victims);
    util::log::info("Uninstalled " + packages(selection.victims.size()) + " in " + format_elapsed(Clock::now() - start));
  }
  for (const auto& v : selection.victims) util::log::info(" - " + v.normalized + "==" + v.version);
  return 0;
}

}  // namespace ptinstall::cli
