// `ptinstall pip check`: missing and incompatible dependencies of the installed distributions, as
// pip reports them (also wheels whose tags this interpreter does not support), plus Requires-Python mismatches (as uv checks); exit code 1 when broken.
#include <cstdio>

#include "command.hpp"
#include "environment.hpp"
#include "ptinstall/install/inspect.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::cli {

int run_pip_check(Invocation& inv) {
  python::Environment env = target_environment(inv, false);
  auto dists = install::scan_visible(install::inspection_dirs(env));
  const auto& py = env.interpreter();
  auto tags = spec::SupportedTags::for_environment(py.tag_environment());
  auto result = install::check_packages(dists, py.marker_environment(), py.version, &tags);
  for (const auto& w : result.warnings) util::log::warn(w);
  std::string text;
  for (const auto& line : result.problems) text += line + "\n";
  if (result.ok()) text += "No broken requirements found.\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  return result.ok() ? 0 : 1;
}

}  // namespace ptinstall::cli
