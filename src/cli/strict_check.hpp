// What `pip check` finds in an environment, shared by `pip check` itself and uv's `--strict` (pip
// install, sync, list, freeze, show), which says the same problems as warnings after the command.
#pragma once
#include <string>
#include <vector>

#include "command.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/python/environment.hpp"

namespace ptinstall::cli {

struct EnvironmentCheck {
  std::vector<std::string> problems;  // pip check's lines ("x 1.0 requires y, which is not installed."), then
                                      // a mixed PyTorch family
  std::vector<std::string> warnings;  // distributions that could not be read
};

EnvironmentCheck check_environment(const std::vector<install::InstalledDist>& dists, const python::InterpreterInfo& py);

// --strict: each problem of `dists` as a warning (nothing when the environment is consistent). Under
// --dry-run nothing changed, so there is nothing to check.
void warn_if_strict(const Invocation& inv, const python::Environment& env, const std::vector<install::InstalledDist>& dists);
// The same, scanning the environment's visible distributions first (after an install).
void warn_if_strict(const Invocation& inv, const python::Environment& env);

}  // namespace ptinstall::cli
