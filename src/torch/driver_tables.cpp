#include "ptinstall/torch/driver_tables.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "ptinstall/spec/version.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::torch {
namespace {

// NVIDIA CUDA release notes, "minimum required driver for CUDA minor version compatibility"
// (Table 2 Linux / Table 1 Windows), as used by uv 0.12.5 (crates/uv-torch/src/accelerator.rs,
// LINUX_CUDA_DRIVERS / WINDOWS_CUDA_VERSIONS), which copied light-the-torch `_cb.py`.
constexpr std::array<CudaDriverRow, 27> kLinuxCuda = {{
    {"cu132", "580"},       {"cu130", "580"},
    {"cu129", "525.60.13"}, {"cu128", "525.60.13"}, {"cu126", "525.60.13"}, {"cu125", "525.60.13"},
    {"cu124", "525.60.13"}, {"cu123", "525.60.13"}, {"cu122", "525.60.13"}, {"cu121", "525.60.13"},
    {"cu120", "525.60.13"},
    {"cu118", "450.80.02"}, {"cu117", "450.80.02"}, {"cu116", "450.80.02"}, {"cu115", "450.80.02"},
    {"cu114", "450.80.02"}, {"cu113", "450.80.02"}, {"cu112", "450.80.02"}, {"cu111", "450.80.02"},
    {"cu110", "450.36.06"},
    {"cu102", "440.33"},    {"cu101", "418.39"},    {"cu100", "410.48"},
    {"cu92", "396.26"},     {"cu91", "390.46"},     {"cu90", "384.81"},     {"cu80", "375.26"},
}};

constexpr std::array<CudaDriverRow, 27> kWindowsCuda = {{
    {"cu132", "580"},    {"cu130", "580"},
    {"cu129", "528.33"}, {"cu128", "528.33"}, {"cu126", "528.33"}, {"cu125", "528.33"},
    {"cu124", "528.33"}, {"cu123", "528.33"}, {"cu122", "528.33"}, {"cu121", "528.33"},
    {"cu120", "528.33"},
    {"cu118", "452.39"}, {"cu117", "452.39"}, {"cu116", "452.39"}, {"cu115", "452.39"},
    {"cu114", "452.39"}, {"cu113", "452.39"}, {"cu112", "452.39"}, {"cu111", "452.39"},
    {"cu110", "451.22"},
    {"cu102", "441.22"}, {"cu101", "418.96"}, {"cu100", "411.31"},
    {"cu92", "398.26"},  {"cu91", "391.29"},  {"cu90", "385.54"},  {"cu80", "376.51"},
}};

// uv 0.12.5 accelerator.rs AmdGpuArchitecture, in enum order (oldest first).
constexpr std::array<std::string_view, 14> kAmdArchs = {
    "gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx950", "gfx1030",
    "gfx1100", "gfx1101", "gfx1102", "gfx1150", "gfx1151", "gfx1200", "gfx1201",
};

// uv 0.12.5 accelerator.rs LINUX_AMD_GPU_DRIVERS (from torch.cuda.get_arch_list() of each wheel).
const std::vector<AmdRow>& amd_table() {
  static const std::vector<AmdRow> table = {
      {"rocm7.2", {"gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx950", "gfx1030", "gfx1100", "gfx1101",
                   "gfx1102", "gfx1150", "gfx1151", "gfx1200", "gfx1201"}},
      {"rocm7.1", {"gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx950", "gfx1030", "gfx1100", "gfx1101",
                   "gfx1102", "gfx1200", "gfx1201"}},
      {"rocm7.0", {"gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx950", "gfx1030", "gfx1100", "gfx1101",
                   "gfx1102", "gfx1200", "gfx1201"}},
      {"rocm6.4", {"gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx1030", "gfx1100", "gfx1101", "gfx1102",
                   "gfx1200", "gfx1201"}},
      {"rocm6.3", {"gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx1030", "gfx1100", "gfx1101", "gfx1102",
                   "gfx1200", "gfx1201"}},
      {"rocm6.2.4", {"gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx1030", "gfx1100", "gfx1101", "gfx1102",
                     "gfx1200", "gfx1201"}},
      {"rocm6.2", {"gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx1030", "gfx1100"}},
      {"rocm6.1", {"gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx1030", "gfx1100", "gfx1101"}},
      {"rocm6.0", {"gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx1030", "gfx1100"}},
  };
  return table;
}

// TORCH_CUDA_ARCH_LIST of PyTorch's release wheels, x86_64, from pytorch/pytorch
// .ci/manywheel/build_cuda.sh as of the 2.8 and 2.9 releases:
//   12.6: "5.0;6.0;7.0;7.5;8.0;8.6;9.0"
//   12.8: "7.0;7.5;8.0;8.6;9.0;10.0;12.0"   (sm_50/sm_60 removed; sm_70 kept, pytorch #157517)
//   12.9: "7.0;7.5;8.0;8.6;9.0;10.0;12.0+PTX"
//   13.0: "7.5;8.0;8.6;9.0;10.0;12.0+PTX"   (aarch64 adds 11.0; CUDA 13 cannot build for < sm_75)
// On aarch64 the script drops 5.0, 6.0, 7.0, 7.5 and 8.6.
// An index holds several releases; a list describes the newest ones (e.g. 2.7's cu128 wheels are
// believed to lack sm_70), so a GPU that passes may still miss kernels in an old release.
struct ArchRow {
  std::string_view backend;
  std::string_view list;
  std::string_view source;
  bool uncertain;
};
constexpr std::string_view kBuildScript = "pytorch/pytorch .ci/manywheel/build_cuda.sh (PyTorch 2.8-2.9 releases)";
constexpr std::string_view kOlderScript = "pytorch/pytorch .ci/manywheel/build_cuda.sh of older releases, from memory";
constexpr std::array<ArchRow, 9> kArchRows = {{
    // cu132 is newer than the script that was read: assumed to follow 13.0 (CUDA 13's floor is sm_75).
    {"cu132", "7.5;8.0;8.6;9.0;10.0;12.0+PTX", "assumed equal to cu130 (not checked)", true},
    {"cu130", "7.5;8.0;8.6;9.0;10.0;12.0+PTX", kBuildScript, false},
    {"cu129", "7.0;7.5;8.0;8.6;9.0;10.0;12.0+PTX", kBuildScript, false},
    {"cu128", "7.0;7.5;8.0;8.6;9.0;10.0;12.0", kBuildScript, false},
    {"cu126", "5.0;6.0;7.0;7.5;8.0;8.6;9.0", kBuildScript, false},
    // PyTorch 2.4-2.6 and 2.1-2.5: believed to be the 12.6 list.
    {"cu124", "5.0;6.0;7.0;7.5;8.0;8.6;9.0", kOlderScript, true},
    {"cu121", "5.0;6.0;7.0;7.5;8.0;8.6;9.0", kOlderScript, true},
    // PyTorch 2.0-2.7 (cu118) and 1.13-2.0 (cu117): Kepler sm_37 still included.
    {"cu118", "3.7;5.0;6.0;7.0;7.5;8.0;8.6;9.0", kOlderScript, true},
    {"cu117", "3.7;5.0;6.0;7.0;7.5;8.0;8.6", kOlderScript, true},
}};

std::vector<CudaArch> parse_arch_list(std::string_view list) {
  std::vector<CudaArch> out;
  for (auto part : util::split(list, ';')) {
    CudaArch arch;
    if (part.size() > 4 && part.substr(part.size() - 4) == "+PTX") arch.ptx = true, part.remove_suffix(4);
    if (auto cc = ComputeCapability::parse(part)) arch.cc = *cc, out.push_back(arch);
  }
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

}  // namespace

std::string_view to_string(TargetOs os) {
  switch (os) {
    case TargetOs::Linux: return "linux";
    case TargetOs::LinuxMusl: return "musllinux";
    case TargetOs::Windows: return "windows";
    case TargetOs::Macos: return "macos";
    case TargetOs::Other: return "other";
  }
  return "other";
}

std::optional<TargetOs> parse_target_os(std::string_view value) {
  std::string v = util::to_lower(util::trim(value));
  if (v.empty()) return std::nullopt;
  if (contains(v, "musl")) return TargetOs::LinuxMusl;
  if (v == "linux" || contains(v, "manylinux") || contains(v, "linux-gnu") || v.rfind("linux_", 0) == 0)
    return TargetOs::Linux;
  if (v == "windows" || v == "win" || contains(v, "windows") || v.rfind("win_", 0) == 0 || v == "win32")
    return TargetOs::Windows;
  if (v == "macos" || v == "darwin" || contains(v, "apple-darwin") || v.rfind("macosx", 0) == 0) return TargetOs::Macos;
  if (v == "other" || v == "freebsd" || v == "android" || v == "ios" || contains(v, "pyodide") ||
      contains(v, "android") || contains(v, "freebsd") || contains(v, "apple-ios") || contains(v, "emscripten"))
    return TargetOs::Other;
  return std::nullopt;
}

TargetOs host_target_os() {
#if defined(_WIN32)
  return TargetOs::Windows;
#elif defined(__APPLE__)
  return TargetOs::Macos;
#elif defined(__linux__) && !defined(__GLIBC__)
  return TargetOs::LinuxMusl;
#elif defined(__linux__)
  return TargetOs::Linux;
#else
  return TargetOs::Other;
#endif
}

std::span<const CudaDriverRow> linux_cuda_drivers() { return kLinuxCuda; }
std::span<const CudaDriverRow> windows_cuda_drivers() { return kWindowsCuda; }

std::vector<const Backend*> cuda_backends_for_driver(const spec::Version& driver, TargetOs os) {
  std::span<const CudaDriverRow> table;
  if (os == TargetOs::Linux || os == TargetOs::LinuxMusl) table = kLinuxCuda;
  else if (os == TargetOs::Windows) table = kWindowsCuda;
  std::vector<const Backend*> out;
  for (const auto& row : table)
    if (driver >= spec::Version::from_string(row.min_driver)) out.push_back(find_backend(row.backend));
  return out;
}

std::span<const std::string_view> amd_architectures() { return kAmdArchs; }

std::optional<std::size_t> amd_architecture_rank(std::string_view arch) {
  for (std::size_t i = 0; i < kAmdArchs.size(); ++i)
    if (kAmdArchs[i] == arch) return i;
  return std::nullopt;
}

std::span<const AmdRow> linux_amd_table() { return amd_table(); }

std::vector<const Backend*> rocm_backends_for_architecture(std::string_view arch) {
  std::vector<const Backend*> out;
  for (const auto& row : amd_table())
    if (std::find(row.archs.begin(), row.archs.end(), arch) != row.archs.end()) out.push_back(find_backend(row.backend));
  return out;
}

std::optional<ComputeCapability> ComputeCapability::parse(std::string_view text) {
  text = util::trim(text);
  auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= text.size()) return std::nullopt;
  ComputeCapability cc;
  auto major = text.substr(0, dot), minor = text.substr(dot + 1);
  auto r1 = std::from_chars(major.data(), major.data() + major.size(), cc.major);
  auto r2 = std::from_chars(minor.data(), minor.data() + minor.size(), cc.minor);
  if (r1.ec != std::errc() || r1.ptr != major.data() + major.size()) return std::nullopt;
  if (r2.ec != std::errc() || r2.ptr != minor.data() + minor.size()) return std::nullopt;
  if (cc.major <= 0 || cc.major > 99 || cc.minor < 0 || cc.minor > 9) return std::nullopt;
  return cc;
}

std::string ComputeCapability::to_string() const { return std::to_string(major) + "." + std::to_string(minor); }
std::string ComputeCapability::sm() const { return "sm_" + std::to_string(major) + std::to_string(minor); }

std::optional<CudaArchInfo> cuda_arch_list(const Backend& backend, std::string_view machine) {
  for (const auto& row : kArchRows) {
    if (row.backend != backend.name) continue;
    CudaArchInfo info{parse_arch_list(row.list), row.source, row.uncertain};
    std::string m = util::to_lower(machine);
    if (m == "aarch64" || m == "arm64") {
      std::erase_if(info.archs, [](const CudaArch& a) {
        return a.cc < ComputeCapability{8, 0} || a.cc == ComputeCapability{8, 6};
      });
      if (backend.name == "cu130" || backend.name == "cu132")
        info.archs.insert(info.archs.end() - 1, CudaArch{{11, 0}, false});
    }
    return info;
  }
  return std::nullopt;
}

bool arch_list_runs_on(const std::vector<CudaArch>& archs, ComputeCapability gpu) {
  for (const auto& a : archs) {
    if (a.cc.major == gpu.major && a.cc.minor <= gpu.minor) return true;
    if (a.ptx && a.cc <= gpu) return true;
  }
  return false;
}

std::string arch_list_to_string(const std::vector<CudaArch>& archs) {
  std::string out;
  for (const auto& a : archs) {
    if (!out.empty()) out += ' ';
    out += a.cc.sm();
    if (a.ptx) out += "+PTX";
  }
  return out;
}

}  // namespace ptinstall::torch
