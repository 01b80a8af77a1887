// `ptinstall pip tree [--depth N] [--prune P] [--package P] [--invert] [--show-version-specifiers]`:
// uv's command over the same scan of the environment as pip list and pip check.
#include <cstdio>

#include "command.hpp"
#include "environment.hpp"
#include "strict_check.hpp"
#include "ptinstall/install/dependency_tree.hpp"
#include "ptinstall/install/inspect.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::cli {

int run_pip_tree(Invocation& inv) {
  const auto& S = inv.settings;
  install::TreeOptions options;
  if (auto d = S.get("depth"); d && !d->empty()) {
    try {
      std::size_t used = 0;
      int depth = std::stoi(*d, &used);
      if (used != d->size() || depth < 0) throw std::invalid_argument(*d);
      options.depth = depth;
    } catch (const std::exception&) {
      throw util::Error(util::ErrorKind::Usage, "invalid value `" + *d + "` for --depth", "a number of levels: 0, 1, 2, ...");
    }
  }
  options.prune = S.get_list("prune");
  options.packages = S.get_list("package");
  options.invert = S.flag("invert");
  options.show_version_specifiers = S.flag("show-version-specifiers");
  options.no_dedupe = S.flag("no-dedupe");
  python::Environment env = target_environment(inv, false);
  auto dists = install::scan_visible(install::inspection_dirs(env));
  auto result = install::format_tree(dists, env.interpreter().marker_environment(), options);
  for (const auto& w : result.warnings) util::log::warn(w);
  std::fwrite(result.text.data(), 1, result.text.size(), stdout);
  warn_if_strict(inv, env, dists);
  return 0;
}

}  // namespace ptinstall::cli
