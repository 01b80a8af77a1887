#include "ptinstall/torch/routing.hpp"

#include <algorithm>
#include <array>

#include "ptinstall/spec/name.hpp"

namespace ptinstall::torch {
namespace {

// uv 0.12.5 TorchSource::PyTorch applies_to (the pyx-only additions are not routed here).
constexpr std::array<std::string_view, 22> kRouted = {
    "fbgemm-gpu",  "fbgemm-gpu-genai", "pytorch-triton", "pytorch-triton-rocm", "pytorch-triton-xpu", "torch",
    "torch-tensorrt", "torchao",       "torcharrow",     "torchaudio",          "torchcodec",         "torchcsprng",
    "torchdistx",  "torchrec",         "torchserve",     "torchtext",           "torchtune",          "torchvision",
    "triton",      "triton-rocm",      "triton-xpu",     "xformers",
};

// uv 0.12.5 resolver system.rs: packages with a CUDA "system dependency" (triton variants excluded).
constexpr std::array<std::string_view, 14> kCudaConsistent = {
    "fbgemm-gpu", "fbgemm-gpu-genai", "torch",      "torch-tensorrt", "torchao",  "torcharrow", "torchaudio",
    "torchcodec", "torchcsprng",      "torchdistx", "torchrec",       "torchtext", "torchtune", "torchvision",
};

bool in(std::span<const std::string_view> names, std::string_view name) {
  std::string n = spec::normalize_name(name);
  return std::binary_search(names.begin(), names.end(), std::string_view(n));
}

}  // namespace

std::span<const std::string_view> routed_packages() { return kRouted; }
bool is_routed(std::string_view name) { return in(kRouted, name); }

std::span<const std::string_view> cuda_consistency_packages() { return kCudaConsistent; }
bool needs_cuda_consistency(std::string_view name) { return in(kCudaConsistent, name); }

std::optional<std::string> cuda_version_of(std::string_view index_url, std::string_view base) {
  auto origin = backend_from_index_url(index_url, base);
  if (!origin) return std::nullopt;
  return cuda_version(*origin->backend);
}

}  // namespace ptinstall::torch
