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
// - `xpu` (Intel GPUs, the namespace of the published `provider_variant_xpu`): device_ip = the GPU's
//   device IP (GT GMDID, "20.1.0"), then the IP of the base platform it runs code of (20.2.0 -> 20.1.0),
//   as that plugin lists them. The plugin asks Level Zero for the IP; /sys gives only the PCI device
//   id, which does not determine it, so the IP comes from PTINSTALL_XPU_DEVICE_IP (`ocloc ids bmg`
//   prints it); without it there are no xpu properties.
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
// `xpu_device_ip`: PTINSTALL_XPU_DEVICE_IP ("" when unset); a malformed one is a usage error.
spec::SupportedProperties native_variant_properties(const Detection& detection, TargetOs os, std::string_view machine,
                                                    const std::filesystem::path& root, std::string_view xpu_device_ip = {});

// The Intel device IPs whose code a GPU with `ip` runs, best first: itself, then its base platform's.
std::vector<std::string> xpu_compatible_device_ips(std::string_view ip);

// x86-64 psABI level (1..4) from the `flags` line of /proc/cpuinfo; 0 when unknown.
int x86_64_level(std::string_view cpuinfo);
// The CUDA version (X.Y) a driver runs at most on `os`, from the driver tables; nullopt when none.
std::optional<std::string> max_cuda_for_driver(std::string_view driver, TargetOs os);

}  // namespace ptinstall::torch
