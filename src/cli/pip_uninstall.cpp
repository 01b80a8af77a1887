// `ptinstall pip uninstall NAME... [-r FILE]`: RECORD-driven removal (also of what pip installed), all
// packages in one transaction, with uv's summary. Names that are not installed are skipped with a
// warning. -y is accepted (nothing is ever asked).
#include <algorithm>
#include <chrono>

#include "command.hpp"
#include "environment.hpp"
#include "install_support.hpp"
#include "ptinstall/install/transaction.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::cli {

int run_pip_uninstall(Invocation& inv) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  // pip accepts requirement syntax here and only looks at the name; -r files too (a wheel path or
  // URL in them stands for the project its file name names).
  std::vector<std::string> names;
  for (const auto& arg : inv.args) names.push_back(spec::Requirement::parse(arg).name);
  for (const auto& file : inv.settings.get_list("requirement")) {
    config::RequirementsFile rf;
    config::read_requirements_file(file, rf);
    for (const auto& line : rf.requirements) {
      if (line.requirement) {
        names.push_back(line.requirement->name);
        continue;
      }
      std::string leaf = line.location ? *line.location : line.text;
      leaf = leaf.substr(leaf.find_last_of('/') + 1);
      if (!spec::is_wheel_filename(leaf))
        throw util::Error(line.file + ":" + std::to_string(line.line) + ": cannot tell which project `" + line.text +
                              "` is",
                          "name the project instead of a path or URL", 2);
      names.push_back(spec::WheelFilename::parse(leaf).name);
    }
  }
  if (names.empty())
    throw util::Error("no packages to uninstall", "give the names of installed packages, or -r FILE", 2);
  const bool dry_run = inv.settings.flag("dry-run");
  python::Environment env = target_environment(inv, true);
  std::optional<util::FileLock> lock;
  if (!dry_run) lock.emplace(lock_environment(env));
  const auto dirs = site_dirs(env);

  std::vector<install::InstalledDist> victims;
  for (const auto& name : names) {
    auto found = install::find_installed(dirs, name);
    if (found.empty()) {
      util::log::warn("Skipping " + name + " as it is not installed");
      continue;
    }
    for (auto& d : found)
      if (std::none_of(victims.begin(), victims.end(), [&](const auto& v) { return v.metadata_dir == d.metadata_dir; }))
        victims.push_back(std::move(d));
  }
  if (victims.empty()) return 0;
  std::sort(victims.begin(), victims.end(), [](const auto& a, const auto& b) { return a.normalized < b.normalized; });

  if (dry_run) {
    util::log::info("Would uninstall " + packages(victims.size()));
  } else {
    auto scheme = install_scheme(env);
    install::Transaction tx(scheme.roots());
    for (const auto& v : victims) install::uninstall(v, tx);
    tx.commit();
    util::log::info("Uninstalled " + packages(victims.size()) + " in " + format_elapsed(Clock::now() - start));
  }
  for (const auto& v : victims) util::log::info(" - " + v.normalized + "==" + v.version);
  return 0;
}

}  // namespace ptinstall::cli
