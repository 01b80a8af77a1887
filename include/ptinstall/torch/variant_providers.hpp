// Native reimplementations of PEP 850 variant providers (no plugin ever runs), fed by the same
// detection as --torch-backend=auto (accelerator.hpp) and the same driver tables:
// - `nvidia`: cuda_version_lower_bound = every CUDA X.Y the driver runs (the newest CUDA backend whose
//   minimum driver it meets, down to 11.0), newest first; cuda_version_upper_bound = X.Y from that
//   CUDA up to 15.20, nearest first; sm_arch = `{MM}{m}_real` for the compute capability and the lower
//   minors of its major (a cubin runs on the same major, newer minor), then `{MM}{m}_virtual` (PTX) for
//   every known capability up to it, best first. With several GPUs the lowest capability is used, as
//   --torch-backend does.
// - `amd`: gfx_arch = the detected architecture; rocm_version = the ROCm versions PyTorch builds for
//   it (the ROCm table of --torch-backend), newest first.
// - `x86_64`: level = v4..v1, the highest the CPU flags of /proc/cpuinfo allow first (x86-64 psABI
//   levels; only on x86_64 machines).
#pragma once
#include <string>
#include <string_view>

#include "ptinstall/spec/variant.hpp"
#include "ptinstall/torch/accelerator.hpp"

namespace ptinstall::torch {

// The properties of the machine from a detection, for `os` and `machine` ("x86_64", "aarch64").
// `root` is where /proc is read (the detection's test seam).
spec::SupportedProperties native_variant_properties(const Detection& detection, TargetOs os, std::string_view machine,
                                                    const std::filesystem::path& root);

// x86-64 psABI level (1..4) from the `flags` line of /proc/cpuinfo; 0 when unknown.
int x86_64_level(std::string_view cpuinfo);
// The CUDA version (X.Y) a driver runs at most on `os`, from the driver tables; nullopt when none.
std::optional<std::string> max_cuda_for_driver(std::string_view driver, TargetOs os);

}  // namespace ptinstall::torch
