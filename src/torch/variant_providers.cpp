#include "ptinstall/torch/variant_providers.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "ptinstall/spec/version.hpp"
#include "ptinstall/torch/backend.hpp"
#include "ptinstall/torch/driver_tables.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::torch {
namespace {

// CUDA compute capabilities that exist (for the `_virtual` list and lower minors of `_real`).
constexpr ComputeCapability kKnownCapabilities[] = {
    {5, 0}, {5, 2}, {5, 3}, {6, 0}, {6, 1}, {6, 2}, {7, 0}, {7, 2}, {7, 5}, {8, 0}, {8, 6},
    {8, 7}, {8, 8}, {8, 9}, {9, 0}, {10, 0}, {10, 1}, {10, 3}, {11, 0}, {12, 0}, {12, 1}};

std::string sm(ComputeCapability c) { return std::to_string(c.major) + std::to_string(c.minor); }

// Intel GT GMDIDs derived from a base platform (device code built for the base runs on them), as the
// published provider_variant_xpu's device table gives them (Lunar Lake and Battlemage G31 on
// Battlemage G21, Meteor Lake H on Meteor Lake U, Alchemist G11/G12 on G10, Panther Lake and Nova
// Lake variants on Panther Lake H).
constexpr std::pair<std::string_view, std::string_view> kXpuBasePlatform[] = {
    {"20.4.4", "20.1.0"}, {"20.2.0", "20.1.0"}, {"12.71.4", "12.70.4"}, {"12.57.0", "12.55.8"},
    {"12.56.5", "12.55.8"}, {"30.5.4", "30.0.4"}, {"30.4.4", "30.0.4"}, {"30.3.1", "30.0.4"},
    {"30.1.0", "30.0.4"}};

bool is_device_ip(std::string_view s) {
  int parts = 0;
  for (auto p : util::split(s, '.')) {
    if (p.empty() || p.size() > 4 || p.find_first_not_of("0123456789") != std::string_view::npos) return false;
    ++parts;
  }
  return parts == 3;
}

}  // namespace

std::vector<std::string> xpu_compatible_device_ips(std::string_view ip) {
  std::vector<std::string> out{std::string(ip)};
  for (const auto& [derived, base] : kXpuBasePlatform)
    if (derived == ip) out.emplace_back(base);
  return out;
}

int x86_64_level(std::string_view cpuinfo) {
  std::set<std::string, std::less<>> flags;
  for (auto line : util::split(cpuinfo, '\n')) {
    if (line.rfind("flags", 0) != 0) continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    for (auto f : util::split(line.substr(colon + 1), ' '))
      if (!f.empty()) flags.emplace(util::trim(f));
    break;  // the first CPU speaks for all
  }
  if (flags.empty()) return 0;
  auto all = [&](std::initializer_list<std::string_view> need) {
    for (auto n : need)
      if (!flags.count(n)) return false;
    return true;
  };
  // x86-64 psABI microarchitecture levels (lzcnt is "abm" in /proc/cpuinfo).
  if (!all({"lm", "cmov", "cx8", "fpu", "fxsr", "mmx", "syscall", "sse2"})) return 0;
  if (!all({"cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"})) return 1;
  if (!all({"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"})) return 2;
  if (!all({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"})) return 3;
  return 4;
}

std::optional<std::string> max_cuda_for_driver(std::string_view driver, TargetOs os) {
  auto v = spec::Version::parse(std::string(util::trim(driver)));
  if (!v) return std::nullopt;
  auto backends = cuda_backends_for_driver(*v, os);
  if (backends.empty()) return std::nullopt;
  return cuda_version(*backends.front());
}

spec::SupportedProperties native_variant_properties(const Detection& detection, TargetOs os, std::string_view machine,
                                                    const std::filesystem::path& root, std::string_view xpu_device_ip) {
  spec::SupportedProperties out;
  const Accelerator& a = detection.accelerator;
  if (!xpu_device_ip.empty()) {
    std::string ip(util::trim(xpu_device_ip));
    if (!is_device_ip(ip))
      throw util::Error(util::ErrorKind::Usage, "invalid value `" + ip + "` for PTINSTALL_XPU_DEVICE_IP",
                        "an Intel GPU's device IP (GT GMDID) such as 20.1.0; `ocloc ids bmg` prints it");
    std::string from = "PTINSTALL_XPU_DEVICE_IP";
    if (a.kind == AcceleratorKind::Xpu) from += ", Intel GPU (" + a.source + ")";
    out.add("xpu", "device_ip", xpu_compatible_device_ips(ip), from);
  }
  if (a.kind == AcceleratorKind::Cuda) {
    std::string from = "NVIDIA driver " + a.cuda_driver + " (" + a.source + ")";
    if (auto cuda = max_cuda_for_driver(a.cuda_driver, os)) {
      auto dot = cuda->find('.');
      int major = std::stoi(cuda->substr(0, dot));
      int minor = dot == std::string::npos ? 0 : std::stoi(cuda->substr(dot + 1));
      std::vector<std::string> lower, upper;
      for (int M = major; M >= 11; --M)
        for (int m = (M == major ? minor : 9); m >= 0; --m) lower.push_back(std::to_string(M) + "." + std::to_string(m));
      for (int M = major; M <= 15; ++M)
        for (int m = (M == major ? minor : 0); m <= (M == 15 ? 20 : 9); ++m)
          upper.push_back(std::to_string(M) + "." + std::to_string(m));
      out.add("nvidia", "cuda_version_lower_bound", lower, from);
      out.add("nvidia", "cuda_version_upper_bound", upper, from);
    }
    if (a.compute_capability) {
      ComputeCapability cc = *a.compute_capability;
      std::vector<std::string> archs{sm(cc) + "_real"};
      for (auto it = std::rbegin(kKnownCapabilities); it != std::rend(kKnownCapabilities); ++it)
        if (it->major == cc.major && it->minor < cc.minor) archs.push_back(sm(*it) + "_real");
      archs.push_back(sm(cc) + "_virtual");
      for (auto it = std::rbegin(kKnownCapabilities); it != std::rend(kKnownCapabilities); ++it)
        if (*it < cc) archs.push_back(sm(*it) + "_virtual");
      out.add("nvidia", "sm_arch", archs, from + ", compute capability " + cc.to_string());
    }
  } else if (a.kind == AcceleratorKind::Amd) {
    std::string from = "AMD GPU " + a.amd_arch + " (" + a.source + ")";
    out.add("amd", "gfx_arch", {a.amd_arch}, from);
    std::vector<std::string> rocm;
    for (const Backend* b : rocm_backends_for_architecture(a.amd_arch))
      if (auto v = rocm_version(*b)) rocm.push_back(*v);
    if (!rocm.empty()) out.add("amd", "rocm_version", rocm, from);
  }
  if (machine == "x86_64" || machine == "amd64") {
    std::ifstream in(root / "proc/cpuinfo");
    std::ostringstream ss;
    if (in) ss << in.rdbuf();
    if (int level = x86_64_level(ss.str()); level > 0) {
      std::vector<std::string> levels;
      for (int l = level; l >= 1; --l) levels.push_back("v" + std::to_string(l));
      out.add("x86_64", "level", levels, "/proc/cpuinfo");
    }
  }
  return out;
}

}  // namespace ptinstall::torch
