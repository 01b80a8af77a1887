// The tables behind `--torch-backend=auto`, as data:
// - NVIDIA's minimum driver for each CUDA backend on Linux and on Windows (the "minimum driver for
//   CUDA minor-version compatibility" of the CUDA release notes, as copied by uv's uv-torch
//   accelerator.rs from light-the-torch `_cb.py`),
// - the AMD GPU architectures each ROCm index was built for (uv's LINUX_AMD_GPU_DRIVERS, made from
//   `torch.cuda.get_arch_list()` of each wheel, uv #14086),
// - the CUDA architectures (sm_XY) PyTorch builds each CUDA backend for (pytorch/pytorch
//   .ci/manywheel/build_cuda.sh; beyond uv, uv #14742).
// Driver versions compare as PEP 440 versions (550.144.03 == 550.144.3).
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/torch/backend.hpp"

namespace ptinstall::spec {
class Version;
}

namespace ptinstall::torch {

// The operating system the packages are for (from --python-platform or the interpreter); it picks
// the table, while the probes always look at the machine we run on.
enum class TargetOs { Linux, LinuxMusl, Windows, Macos, Other };
std::string_view to_string(TargetOs os);
// "linux", "musllinux", "windows", "macos", "other"; also uv's --python-platform spellings
// (x86_64-manylinux_2_28, aarch64-unknown-linux-musl, x86_64-pc-windows-msvc, aarch64-apple-darwin,
// macos, ...). nullopt when nothing matches.
std::optional<TargetOs> parse_target_os(std::string_view value);
// The OS this binary runs on.
TargetOs host_target_os();

struct CudaDriverRow {
  std::string_view backend;     // "cu128"
  std::string_view min_driver;  // "525.60.13"
};
// One row per CUDA backend, newest first.
std::span<const CudaDriverRow> linux_cuda_drivers();
std::span<const CudaDriverRow> windows_cuda_drivers();

// The CUDA backends a driver can run on `os`, newest first (empty for macOS and the rest).
// Musl Linux uses the Linux table.
std::vector<const Backend*> cuda_backends_for_driver(const spec::Version& driver, TargetOs os);

// Known AMD GPU architectures, oldest first (uv's enum order; `min` by this order is the oldest).
std::span<const std::string_view> amd_architectures();
std::optional<std::size_t> amd_architecture_rank(std::string_view arch);  // nullopt: unknown

struct AmdRow {
  std::string_view backend;                // "rocm6.4"
  std::vector<std::string_view> archs;     // gfx names the wheels were built for
};
// ROCm indexes that auto considers, newest first (ROCm <= 5.7 is never chosen).
std::span<const AmdRow> linux_amd_table();
// The ROCm backends built for `arch`, newest first.
std::vector<const Backend*> rocm_backends_for_architecture(std::string_view arch);

// A CUDA compute capability, e.g. 8.6 (sm_86).
struct ComputeCapability {
  int major = 0;
  int minor = 0;
  static std::optional<ComputeCapability> parse(std::string_view text);  // "8.6", " 12.0 "
  std::string to_string() const;      // "8.6"
  std::string sm() const;             // "sm_86"
  auto operator<=>(const ComputeCapability&) const = default;
};

// One entry of TORCH_CUDA_ARCH_LIST: cubins for major.minor, plus PTX when `ptx`. `maybe`: not
// verified to be in the build ("7.0?" in the tables); it counts as present, so it never excludes.
struct CudaArch {
  ComputeCapability cc;
  bool ptx = false;
  bool maybe = false;
};

// The architectures of one backend's builds over a range of torch releases.
struct CudaArchInfo {
  std::vector<CudaArch> archs;
  std::string_view source;  // where the list comes from
  bool uncertain = false;   // reconstructed from memory of older releases: never excludes anything
  std::string first;        // torch releases covered, major.minor ("2.8")
  std::string last;         // "" = and later (the newest list, assumed to hold until known otherwise)
  std::string releases() const;  // "2.8 to 2.10", "2.11 and later", "2.7"
};

// Every known list of `backend` on `machine` ("x86_64", "aarch64"), newest releases first; empty
// when none is known (the backend is then not filtered by compute capability).
std::vector<CudaArchInfo> cuda_arch_releases(const Backend& backend, std::string_view machine = "x86_64");
// The newest of them; nullopt when none is known.
std::optional<CudaArchInfo> cuda_arch_list(const Backend& backend, std::string_view machine = "x86_64");
// The list of the torch release `torch` (its major.minor) on `backend`; nullopt when unknown.
std::optional<CudaArchInfo> cuda_arch_list_for(const Backend& backend, const spec::Version& torch,
                                               std::string_view machine = "x86_64");
// Why torch `torch` from `backend` cannot run on `gpu` (no cubin and no PTX for it), by a list that is
// not uncertain; nullopt when it can, or when nothing certain is known.
std::optional<std::string> build_lacks_kernels(const Backend& backend, const spec::Version& torch,
                                               std::string_view machine, ComputeCapability gpu);

// CUDA's compatibility rule: a cubin for X.Y runs on X.Z with Z >= Y (same major); PTX for X.Y
// is JIT-compiled for any compute capability >= X.Y.
bool arch_list_runs_on(const std::vector<CudaArch>& archs, ComputeCapability gpu);
std::string arch_list_to_string(const std::vector<CudaArch>& archs);  // "sm_70 sm_75 ... sm_120+PTX"

}  // namespace ptinstall::torch
