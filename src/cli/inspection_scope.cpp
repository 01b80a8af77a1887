#include "inspection_scope.hpp"

#include <cstdlib>

#include "ptinstall/install/installed_metadata.hpp"
#include "ptinstall/python/venv.hpp"
#include "ptinstall/util/error.hpp"

namespace ptinstall::cli {
namespace fs = std::filesystem;
namespace {

// Whether `path` is `dir` or below it (both made absolute and lexically normal first).
bool under(const fs::path& path, const fs::path& dir) {
  fs::path p = fs::absolute(path).lexically_normal(), d = fs::absolute(dir).lexically_normal();
  auto rel = p.lexically_relative(d);
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

InspectionScope inspection_scope(const Invocation& inv, const python::Environment& env) {
  InspectionScope scope;
  auto paths = inv.settings.get_list("path");
  const bool local = inv.settings.flag("local"), user = inv.settings.flag("user");
  if (!paths.empty()) {
    if (local || user)
      throw util::Error(util::ErrorKind::Usage, "cannot combine --path with --user or --local",
                        "--path already says where to look");
    for (const auto& p : paths) scope.dirs.push_back(fs::absolute(p).lexically_normal());
    scope.dists = install::scan_visible(scope.dirs);
    return scope;
  }
  scope.dirs = install::inspection_dirs(env);
  scope.dists = install::scan_visible(scope.dirs);
  const fs::path user_site = user ? python::user_site_packages(env.interpreter()) : fs::path();
  std::erase_if(scope.dists, [&](const install::InstalledDist& d) {
    if (local && env.is_venv() && !under(d.site_dir, env.root())) return true;
    if (user && (user_site.empty() || !under(d.site_dir, user_site))) return true;
    return false;
  });
  return scope;
}

}  // namespace ptinstall::cli
