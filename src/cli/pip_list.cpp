// `ptinstall pip list`: the installed distributions of the target environment, as pip prints them
// (--format columns|freeze|json; -v adds location and installer; --exclude, --exclude-editable,
// --not-required).
#include <cstdio>

#include "command.hpp"
#include "environment.hpp"
#include "ptinstall/install/inspect.hpp"
#include "ptinstall/spec/marker.hpp"

namespace ptinstall::cli {

int run_pip_list(Invocation& inv) {
  auto format = install::parse_list_format(inv.settings.get_or("format", "columns"));
  python::Environment env = target_environment(inv, false);
  auto dirs = install::inspection_dirs(env);
  auto dists = install::scan_visible(dirs);
  install::ListOptions options;
  options.excludes = inv.settings.get_list("exclude");
  options.exclude_editable = inv.settings.flag("exclude-editable");
  options.only_editable = inv.settings.flag("list-editable");
  options.not_required = inv.settings.flag("not-required");
  options.search_dirs = dirs;
  auto entries = install::list_entries(dists, options, env.interpreter().marker_environment());
  std::string text = install::format_list(entries, format, inv.settings.count("verbose") > 0);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace ptinstall::cli
