// `ptinstall pip check`: missing and incompatible dependencies of the installed distributions, as
// pip reports them (also wheels whose tags this interpreter does not support), plus Requires-Python mismatches (as uv checks)
// and, beyond both, a mixed PyTorch family (torchvision +cu126 beside torch +cu128); exit code 1 when broken.
#include <cstdio>

#include "command.hpp"
#include "environment.hpp"
#include "ptinstall/install/inspect.hpp"
#include "ptinstall/util/log.hpp"
#include "strict_check.hpp"

namespace ptinstall::cli {

int run_pip_check(Invocation& inv) {
  python::Environment env = target_environment(inv, false);
  auto dists = install::scan_visible(install::inspection_dirs(env));
  EnvironmentCheck check = check_environment(dists, env.interpreter());
  for (const auto& w : check.warnings) util::log::warn(w);
  std::string text;
  for (const auto& line : check.problems) text += line + "\n";
  const bool ok = check.problems.empty() && check.warnings.empty();  // unreadable metadata fails it too
  if (ok) text += "No broken requirements found.\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  return ok ? 0 : 1;
}

}  // namespace ptinstall::cli
