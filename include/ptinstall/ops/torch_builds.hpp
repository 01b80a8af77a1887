// Installed PyTorch builds against --torch-backend (beyond uv): the one warning when what is installed
// is not what the backend selects (torch +cpu where `auto` selects CUDA, torch +cu126 under an
// explicit cu128) or the family is mixed (torchvision +cu126 beside torch +cu128), and the packages
// a resolution switches (their installed build is not preferred, so the resolver picks the
// backend's own). Judged from the installed versions' local labels only: no index is asked.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/ops/target.hpp"
#include "ptinstall/torch/installed_builds.hpp"

namespace ptinstall::ops {

// The installed routed packages, as torch::InstalledBuild.
std::vector<torch::InstalledBuild> routed_builds(const std::vector<install::InstalledDist>& installed);

// Installed routed packages whose build the routing does not select, plus the members of a mixed
// family that differ from torch (when torch itself is selected). Normalised names.
std::set<std::string> builds_to_switch(const TorchRouting& routing, const std::vector<torch::InstalledBuild>& builds);

// One warning naming every mismatch and the command that switches them; nullopt when all agree.
std::optional<std::string> installed_build_warning(const TorchRouting& routing,
                                                   const std::vector<torch::InstalledBuild>& builds);

}  // namespace ptinstall::ops
