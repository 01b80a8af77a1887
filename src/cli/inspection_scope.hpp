// pip's --path, -l/--local and --user for `pip list` and `pip freeze`: which directories are searched
// and which of the distributions found there are shown.
//   --path DIR   only the distributions directly in DIR (repeatable), instead of the interpreter's
//                sys.path; cannot be combined with --local or --user (pip refuses that too)
//   -l/--local   in a virtual environment, only what lies under the environment (not the base
//                interpreter's site-packages that include-system-site-packages = true makes visible);
//                outside one, everything (pip's rule: every path is local then)
//   --user       only what lies in the user site-packages ($PYTHONUSERBASE or ~/.local, then
//                lib/pythonX.Y/site-packages, posix_user's layout)
// Shadowing is decided before the filters, as pip does: a package found first in the environment
// hides its copy in the user or system site even when a filter then leaves it out.
#pragma once
#include <filesystem>
#include <vector>

#include "command.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/python/environment.hpp"

namespace ptinstall::cli {

struct InspectionScope {
  std::vector<std::filesystem::path> dirs;       // searched (also where editable locations are looked up)
  std::vector<install::InstalledDist> dists;     // found and kept
};

InspectionScope inspection_scope(const Invocation& inv, const python::Environment& env);

}  // namespace ptinstall::cli
