// `pip uninstall`: which projects the arguments and -r files name, which installed distributions
// that means, and their removal in one transaction (RECORD-driven, also for what pip installed).
#pragma once
#include <string>
#include <vector>

#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/python/environment.hpp"

namespace ptinstall::ops {

// pip accepts requirement syntax here and only looks at the name; in -r files a wheel path or URL
// stands for the project its file name names. Throws util::Error (Usage) for a line that names none.
std::vector<std::string> uninstall_names(const std::vector<std::string>& args,
                                         const std::vector<std::string>& requirement_files);

struct UninstallSelection {
  std::vector<install::InstalledDist> victims;  // sorted by name, each once
  std::vector<std::string> not_installed;       // names given that nothing installed matches
};
UninstallSelection select_installed(const python::Environment& env, const std::vector<std::string>& names);

// Removes every victim in one transaction (all or nothing).
void uninstall(const python::Environment& env, const std::vector<install::InstalledDist>& victims);

}  // namespace ptinstall::ops
