// `ptinstall pip freeze`: the installed distributions as requirement lines, as pip writes them
// (`name==version`, `name @ url` for direct URL installs; pip and, before Python 3.12, setuptools,
// wheel and distribute left out unless --all).
#include <cstdio>

#include "command.hpp"
#include "environment.hpp"
#include "inspection_scope.hpp"
#include "ptinstall/install/inspect.hpp"
#include "ptinstall/vcs/git.hpp"

namespace ptinstall::cli {

int run_pip_freeze(Invocation& inv) {
  python::Environment env = target_environment(inv, false);
  auto [dirs, dists] = inspection_scope(inv, env);
  const auto& py = env.interpreter();
  bool suppress_build_backends = py.major < 3 || (py.major == 3 && py.minor < 12);
  std::string text = install::format_freeze(dists, inv.settings.flag("all"), suppress_build_backends,
                                            inv.settings.get_list("exclude"), inv.settings.flag("exclude-editable"), dirs,
                                            vcs::editable_freeze_lines);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace ptinstall::cli
