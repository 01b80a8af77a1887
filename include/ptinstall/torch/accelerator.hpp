// Accelerator detection for `--torch-backend=auto`, in uv's order (first hit wins):
//   1. env PTINSTALL_CUDA_DRIVER_VERSION / UV_CUDA_DRIVER_VERSION
//   2. env PTINSTALL_AMD_GPU_ARCHITECTURE / UV_AMD_GPU_ARCHITECTURE
//   3. /sys/module/nvidia/version
//   4. /proc/driver/nvidia/version
//   5. nvidia-smi --query-gpu=driver_version --format=csv,noheader (first line)
//   6. rocm_agent_enumerator (oldest known gfx architecture)
//   7. Intel display controllers in /sys/bus/pci/devices (class 0x03xxxx, vendor 0x8086)
// plus, beyond uv, the GPUs' compute capability when an NVIDIA driver was found (env
// PTINSTALL_CUDA_COMPUTE_CAPABILITY, else nvidia-smi --query-gpu=compute_cap; the minimum of all GPUs).
// nvidia-smi runs at most once: when probe 5 runs it, the same run answers the compute capability
// (--query-gpu=driver_version,compute_cap), and a driver from the environment (the documented
// escape from a wedged driver) never leads to an nvidia-smi run at all.
// Every probe tried is recorded, so `ptinstall torch-backend` can explain the result.
// The tools (nvidia-smi, rocm_agent_enumerator) run with a time limit (DetectionInputs::tool_timeout):
// one that does not answer in time is killed, a warning names it, and its probe counts as failed.
#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/torch/driver_tables.hpp"

namespace ptinstall::torch {

// Where the probes look: a test seam. Real runs use from_environment().
struct DetectionInputs {
  std::filesystem::path root = "/";  // /sys and /proc are read under this root
  std::string path;                  // PATH used to find nvidia-smi and rocm_agent_enumerator
  std::function<std::optional<std::string>(std::string_view)> getenv;  // environment lookup
  // Longest run of one probe tool. nvidia-smi answers a query in well under a second on a healthy
  // machine (up to a second or two when it has to load the driver state with persistence mode off);
  // when the driver is wedged it blocks forever. 5 seconds is far beyond a healthy answer and still
  // a short delay for an `auto` that then falls back to the next probe.
  std::chrono::milliseconds tool_timeout{5000};
  // Whether nvidia-smi may be asked for the compute capability. Off under --no-torch-compute-check
  // and where only the kind of accelerator matters (the no-op fast path): the capability then comes
  // from PTINSTALL_CUDA_COMPUTE_CAPABILITY or stays unknown. `why_no_capability_query` words why,
  // for the probe record.
  bool query_compute_capability = true;
  std::string why_no_capability_query = "--no-torch-compute-check";
  // Where the compute capabilities that nvidia-smi gave are remembered (--variants: a real
  // nvidia-smi takes 50-500 ms, more than a warm resolve). Used only when the driver came from /sys or
  // /proc, and only while the kernel's boot id (`proc/sys/kernel/random/boot_id` under `root`), the
  // driver version and the NVIDIA PCI devices are those it was written for: a GPU cannot change
  // without a reboot or a driver reload. Empty: nothing is remembered.
  std::filesystem::path capability_cache;

  // root = $PTINSTALL_SYSFS_ROOT or "/", path = $PATH, getenv = std::getenv.
  static DetectionInputs from_environment();
};

enum class ProbeOutcome {
  Found,    // this probe decided the accelerator
  Absent,   // nothing there (file missing, tool not on PATH, variable unset)
  Skipped,  // not run (an earlier probe already decided)
  Failed,   // ran but gave nothing usable (non-zero exit, unknown output); detection went on
  Info,     // extra facts (compute capability) that do not decide the accelerator
};
std::string_view to_string(ProbeOutcome outcome);

struct ProbeRecord {
  std::string probe;     // "env UV_CUDA_DRIVER_VERSION", "/sys/module/nvidia/version", "nvidia-smi ..."
  ProbeOutcome outcome = ProbeOutcome::Absent;
  std::string detail;    // what was found or why nothing was
};

enum class AcceleratorKind { None, Cuda, Amd, Xpu };
std::string_view to_string(AcceleratorKind kind);

struct Accelerator {
  AcceleratorKind kind = AcceleratorKind::None;
  std::string cuda_driver;   // Cuda: the driver version as found, e.g. "550.144.03"
  std::string amd_arch;      // Amd: e.g. "gfx1100"
  std::string source;        // the probe that found it
  std::optional<ComputeCapability> compute_capability;  // Cuda: minimum over all GPUs, when known
  std::vector<ComputeCapability> gpu_compute_capabilities;  // every GPU nvidia-smi listed
};

struct Detection {
  Accelerator accelerator;
  std::vector<ProbeRecord> probes;
};

// Runs the probes. Like uv, a driver version that is present but does not parse, or an AMD
// architecture override that is not known, is an error (util::Error naming the probe).
Detection detect_accelerator(const DetectionInputs& inputs);

// Pieces of the probes, exposed for tests.
std::optional<std::string> parse_proc_driver_version(std::string_view proc_file);  // 2nd "  "-separated field
std::optional<std::string> first_line(std::string_view text);                      // trimmed, non-empty
std::optional<std::string> oldest_known_amd_arch(std::string_view enumerator_output);
// Minimum compute capability over the lines of `nvidia-smi --query-gpu=compute_cap`; lines that do
// not parse are ignored; nullopt when none parses.
std::vector<ComputeCapability> parse_compute_caps(std::string_view output);

}  // namespace ptinstall::torch
