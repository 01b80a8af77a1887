// Which packages `--torch-backend` sends to the PyTorch indexes, and which of them must agree on
// the CUDA version. Names are uv 0.12.5's (uv-torch backend.rs `applies_to`, resolver system.rs);
// see docs/torch-backend.md.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ptinstall/torch/backend.hpp"

namespace ptinstall::torch {

// The 22 routed names (PEP 503-normalised), sorted.
std::span<const std::string_view> routed_packages();
// True when `name` (any spelling: Torch_Vision, torch.vision) normalises to a routed name.
bool is_routed(std::string_view name);

// Routed packages that get a `system:cuda==X.Y` dependency from the index their version came from
// (uv #13179), so e.g. torch +cu121 cannot be combined with torchvision +cu118. Triton variants
// are excluded (uv #15449).
std::span<const std::string_view> cuda_consistency_packages();
bool needs_cuda_consistency(std::string_view name);

// The CUDA version ("12.8") of a PyTorch index URL (under `base` or the default base), nullopt for
// cpu, ROCm, xpu and URLs that are no PyTorch index.
std::optional<std::string> cuda_version_of(std::string_view index_url, std::string_view base = kDefaultIndexBase);

}  // namespace ptinstall::torch
