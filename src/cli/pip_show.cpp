// `ptinstall pip show NAME...`: pip's description of installed distributions (--files, -v).
// Names that are not installed give a warning; the exit code is 1 when none was found, like pip.
#include <cstdio>

#include "command.hpp"
#include "environment.hpp"
#include "strict_check.hpp"
#include "ptinstall/install/inspect.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::cli {

int run_pip_show(Invocation& inv) {
  if (inv.args.empty()) throw util::Error("no packages to show", "give the names of installed packages", 2);
  python::Environment env = target_environment(inv, false);
  auto dirs = install::inspection_dirs(env);
  auto dists = install::scan_visible(dirs);
  install::ShowOptions options;
  options.files = inv.settings.flag("files");
  options.verbose = inv.settings.count("verbose") > 0;
  options.search_dirs = dirs;
  auto result = install::show_packages(dists, inv.args, env.interpreter().marker_environment(), options);
  if (!result.missing.empty()) util::log::warn("package(s) not found: " + util::join(result.missing, ", "));
  std::fwrite(result.text.data(), 1, result.text.size(), stdout);
  warn_if_strict(inv, env, dists);
  return result.shown ? 0 : 1;
}

}  // namespace ptinstall::cli
