// uv's no-op fast path: when the installed distributions already satisfy the requirements and
// everything they reach, no index is asked and nothing is resolved.
#pragma once
#include <cstddef>
#include <optional>
#include <vector>

#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/ops/inputs.hpp"
#include "ptinstall/ops/target.hpp"

namespace ptinstall::ops {

// The number of installed distributions the requirements reach when the environment satisfies them
// and the answer cannot differ from a resolution's; nullopt when a resolution is needed.
// `capability_cache`: Services::capability_cache() (the compute capability remembered this boot).
std::optional<std::size_t> already_satisfied(const PipOptions& options, const ResolveInputs& inputs,
                                             const Target& target, const std::vector<install::InstalledDist>& installed,
                                             bool no_deps, const std::filesystem::path& capability_cache = {});

}  // namespace ptinstall::ops
