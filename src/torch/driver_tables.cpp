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

// TORCH_CUDA_ARCH_LIST of PyTorch's release wheels (x86_64), by backend and torch release. The lists
// change between releases of one index (cu128 had sm_70 in 2.8-2.10 and lost it in 2.11), so each
// row covers a range of releases (major.minor, both ends included; an empty `last` is open: the
// newest list is assumed to hold for later releases until known otherwise). Sources, read 2026-12-07:
// - pytorch/pytorch RELEASE.md "PyTorch CUDA Support Matrix", as quoted in pytorch/pytorch#175253
//   (the 2.9/2.10 matrix it replaced and the 2.11 one), #172352 and #172663 (2.11 RFCs),
//   dev-discuss.pytorch.org/t/3290 "Dropping Volta support from CUDA-12.8 binaries for release 2.11",
//   and pytorch/pytorch#182250 (torch 2.11+cu128 is sm_75..sm_120 only);
// - .ci/manywheel/build_cuda.sh of 2.8 ("7.0;7.5;8.0;8.6;9.0;10.0;12.0" for 12.8) and 2.10 (12.6 alone
//   keeps Maxwell/Pascal), as quoted in jhj0517/Whisper-WebUI#653, and pytorch/pytorch#158700 (the
//   12.8 arch list sm_70..sm_120);
// - pytorch/pytorch#188443: release/2.12's build_cuda.sh has "12.9) 7.5;8.0;8.6;9.0;10.0;12.0", and
//   2.13's TORCH_CUDA_ARCH_LIST_TABLE gives 13.0/13.2 x86_64 {75,80,86,90,100,120};
// - pytorch/pytorch#146265 and bitsandbytes#1715: the first 12.8 builds (2.7) dropped sm_50/sm_60 and
//   (as far as can be told) sm_70, which 2.8 put back; so 2.7's sm_70 is marked "7.0?".
// An architecture written "X.Y?" may or may not be in the build: it counts as present (unverified
// data never excludes anything). A row marked uncertain (old releases, from memory) never excludes.
// On aarch64 the script drops 5.0, 6.0, 7.0, 7.5 and 8.6; 13.x adds 11.0 (Jetson Thor): for 13.0/13.2
// that gives 8.0, 9.0, 10.0, 11.0, 12.0, as pytorch/pytorch#178665 (the 2.12 RFC, quoted in
// Comfy-Org/ComfyUI#16438) and #188443 (2.13's table) give it.
struct ArchRow {
  std::string_view backend;
  std::string_view first, last;  // torch releases, major.minor
  std::string_view list;
  std::string_view source;
  bool uncertain;
};
constexpr std::string_view kMatrix =
    "pytorch/pytorch RELEASE.md support matrix (2.9-2.11, pytorch/pytorch#175253, #172663)";
constexpr std::string_view kCu128Volta =
    "pytorch/pytorch#175253, #172352, #182250: Volta dropped from CUDA 12.8 builds in 2.11";
constexpr std::string_view kCu128Old = "build_cuda.sh of 2.8 and RELEASE.md of 2.9-2.10 (pytorch/pytorch#175253, #158700)";
constexpr std::string_view kCu128First = "pytorch/pytorch#146265, bitsandbytes#1715 (sm_70 not verified)";
constexpr std::string_view kBuildScript = "pytorch/pytorch .ci/manywheel/build_cuda.sh (PyTorch 2.8-2.9 releases)";
constexpr std::string_view kRelease212 = "pytorch/pytorch#188443 (release/2.12 build_cuda.sh, release/2.13 tables)";
constexpr std::string_view kOlderScript = "pytorch/pytorch .ci/manywheel/build_cuda.sh of older releases, from memory";
constexpr std::string_view kCu129Volta =
    "pytorch/pytorch#172598 (Volta out of the 12.8 and 12.9 builds, on main 2026-01-16 per #172680, before the 2.11 "
    "branch), #185269 (a 2.11 cu129 build exists); +PTX not verified";
constexpr std::string_view kCu129Ten =
    "2.10 was branched before pytorch/pytorch#172598; rapidsai/rmm#2541 installs torch==2.10.0+cu129; Maxwell/Pascal "
    "out of 12.9 builds since 2.8 (dev-discuss.pytorch.org/t/3128); sm_70 not verified";
constexpr std::array<ArchRow, 14> kArchRows = {{
    {"cu132", "2.12", "", "7.5;8.0;8.6;9.0;10.0;12.0", kRelease212, false},
    {"cu130", "2.9", "", "7.5;8.0;8.6;9.0;10.0;12.0+PTX", kMatrix, false},
    {"cu129", "2.12", "", "7.5;8.0;8.6;9.0;10.0;12.0", kRelease212, false},
    {"cu129", "2.11", "2.11", "7.5;8.0;8.6;9.0;10.0;12.0+PTX?", kCu129Volta, false},
    {"cu129", "2.10", "2.10", "7.0?;7.5;8.0;8.6;9.0;10.0;12.0+PTX", kCu129Ten, false},
    {"cu129", "2.8", "2.9", "7.0;7.5;8.0;8.6;9.0;10.0;12.0+PTX", kBuildScript, false},
    {"cu128", "2.11", "", "7.5;8.0;8.6;9.0;10.0;12.0", kCu128Volta, false},
    {"cu128", "2.8", "2.10", "7.0;7.5;8.0;8.6;9.0;10.0;12.0", kCu128Old, false},
    {"cu128", "2.7", "2.7", "7.0?;7.5;8.0;8.6;9.0;10.0;12.0", kCu128First, false},
    {"cu126", "2.6", "", "5.0;6.0;7.0;7.5;8.0;8.6;9.0", kMatrix, false},
    // PyTorch 2.4-2.6 and 2.1-2.5: believed to be the 12.6 list.
    {"cu124", "2.4", "2.6", "5.0;6.0;7.0;7.5;8.0;8.6;9.0", kOlderScript, true},
    {"cu121", "2.1", "2.5", "5.0;6.0;7.0;7.5;8.0;8.6;9.0", kOlderScript, true},
    // PyTorch 2.0-2.7 (cu118) and 1.13-2.0 (cu117): Kepler sm_37 still included.
    {"cu118", "2.0", "2.7", "3.7;5.0;6.0;7.0;7.5;8.0;8.6;9.0", kOlderScript, true},
    {"cu117", "1.13", "2.0", "3.7;5.0;6.0;7.0;7.5;8.0;8.6", kOlderScript, true},
}};

std::vector<CudaArch> parse_arch_list(std::string_view list) {
  std::vector<CudaArch> out;
  for (auto part : util::split(list, ';')) {
    CudaArch arch;
    if (!part.empty() && part.back() == '?') arch.maybe = true, part.remove_suffix(1);
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

namespace {

CudaArchInfo info_of(const ArchRow& row, const Backend& backend, std::string_view machine) {
  CudaArchInfo info{parse_arch_list(row.list), row.source, row.uncertain, std::string(row.first), std::string(row.last)};
  std::string m = util::to_lower(machine);
  if (m == "aarch64" || m == "arm64") {
    std::erase_if(info.archs, [](const CudaArch& a) {
      return a.cc < ComputeCapability{8, 0} || a.cc == ComputeCapability{8, 6};
    });
    if ((backend.name == "cu130" || backend.name == "cu132") && !info.archs.empty())
      info.archs.insert(info.archs.end() - 1, CudaArch{{11, 0}, false});
  }
  return info;
}

// major.minor of a torch version as a comparable pair; "2.10" > "2.9".
std::pair<int, int> release_of(std::string_view text) {
  auto v = spec::Version::parse(text);
  if (!v || v->release().empty()) return {0, 0};
  const auto& r = v->release();
  return {static_cast<int>(r[0]), r.size() > 1 ? static_cast<int>(r[1]) : 0};
}

}  // namespace

std::vector<CudaArchInfo> cuda_arch_releases(const Backend& backend, std::string_view machine) {
  std::vector<CudaArchInfo> out;
  for (const auto& row : kArchRows)
    if (row.backend == backend.name) out.push_back(info_of(row, backend, machine));
  return out;  // newest first
}

std::optional<CudaArchInfo> cuda_arch_list(const Backend& backend, std::string_view machine) {
  auto all = cuda_arch_releases(backend, machine);
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::optional<CudaArchInfo> cuda_arch_list_for(const Backend& backend, const spec::Version& torch,
                                               std::string_view machine) {
  const auto& r = torch.release();
  std::pair<int, int> v{r.empty() ? 0 : static_cast<int>(r[0]), r.size() > 1 ? static_cast<int>(r[1]) : 0};
  for (const auto& info : cuda_arch_releases(backend, machine)) {
    if (v < release_of(info.first)) continue;
    if (!info.last.empty() && release_of(info.last) < v) continue;
    return info;
  }
  return std::nullopt;
}

std::string CudaArchInfo::releases() const {
  if (last.empty()) return first + " and later";
  if (first == last) return first;
  return first + " to " + last;
}

std::optional<std::string> build_lacks_kernels(const Backend& backend, const spec::Version& torch,
                                               std::string_view machine, ComputeCapability gpu) {
  auto info = cuda_arch_list_for(backend, torch, machine);
  if (!info || info->uncertain || arch_list_runs_on(info->archs, gpu)) return std::nullopt;
  return "torch " + info->releases() + " on " + std::string(backend.name) + " is built for " +
         arch_list_to_string(info->archs) + ", not for the GPU's " + gpu.sm() + " (" + std::string(info->source) + ")";
}

bool arch_list_runs_on(const std::vector<CudaArch>& archs, ComputeCapability gpu) {
  for (const auto& a : archs) {  // an unverified ("maybe") architecture counts as present
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
    if (a.maybe) out += "?";
  }
  return out;
}

}  // namespace ptinstall::torch
