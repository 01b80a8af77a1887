#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ptinstall/torch/variant_providers.hpp"

using namespace ptinstall::torch;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string>& values(const ptinstall::spec::SupportedProperties& p, const std::string& ns,
                                       const std::string& feature) {
  static const std::vector<std::string> none;
  const auto* features = p.find(ns);
  if (!features) return none;
  for (const auto& f : *features)
    if (f.name == feature) return f.values;
  return none;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

TEST_CASE("x86-64 levels from /proc/cpuinfo flags") {
  std::string v1 = "flags\t\t: fpu cx8 cmov mmx fxsr sse2 syscall lm\n";
  std::string v2 = "flags\t\t: fpu cx8 cmov mmx fxsr sse2 syscall lm cx16 lahf_lm popcnt sse4_1 sse4_2 ssse3\n";
  std::string v3 = "processor: 0\nflags\t\t: fpu cx8 cmov mmx fxsr sse2 syscall lm cx16 lahf_lm popcnt sse4_1 sse4_2 ssse3 "
                   "avx avx2 bmi1 bmi2 f16c fma abm movbe xsave\n";
  std::string v4 = v3.substr(0, v3.size() - 1) + " avx512f avx512bw avx512cd avx512dq avx512vl\n";
  CHECK(x86_64_level("") == 0);
  CHECK(x86_64_level(v1) == 1);
  CHECK(x86_64_level(v2) == 2);
  CHECK(x86_64_level(v3) == 3);
  CHECK(x86_64_level(v4) == 4);
}

TEST_CASE("the driver's CUDA version comes from the --torch-backend driver table") {
  // 570.x runs CUDA 12.8 on Linux (cu128's minimum driver is 525.60.13 for minor-version compatibility,
  // so the newest backend the table allows is what the provider reports).
  auto cuda = max_cuda_for_driver("580.65.06", TargetOs::Linux);
  REQUIRE(cuda);
  CHECK_FALSE(max_cuda_for_driver("300.1", TargetOs::Linux));
  CHECK_FALSE(max_cuda_for_driver("580.65.06", TargetOs::Macos));
}

TEST_CASE("nvidia properties: CUDA bounds and sm_arch with _real and _virtual") {
  Detection d;
  d.accelerator.kind = AcceleratorKind::Cuda;
  d.accelerator.cuda_driver = "580.65.06";
  d.accelerator.source = "nvidia-smi";
  d.accelerator.compute_capability = ComputeCapability{8, 6};
  auto p = native_variant_properties(d, TargetOs::Linux, "aarch64", "/nonexistent");
  auto cuda = *max_cuda_for_driver("580.65.06", TargetOs::Linux);
  const auto& lower = values(p, "nvidia", "cuda_version_lower_bound");
  REQUIRE_FALSE(lower.empty());
  CHECK(lower.front() == cuda);  // the newest CUDA the driver runs is preferred
  CHECK(has(lower, "11.0"));
  CHECK(values(p, "nvidia", "cuda_version_upper_bound").front() == cuda);
  const auto& sm = values(p, "nvidia", "sm_arch");
  REQUIRE(sm.size() > 3);
  CHECK(sm[0] == "86_real");
  CHECK(sm[1] == "80_real");  // a cubin for 8.0 runs on 8.6
  CHECK(sm[2] == "86_virtual");
  CHECK(has(sm, "75_virtual"));
  CHECK_FALSE(has(sm, "90_real"));
  CHECK_FALSE(has(sm, "75_real"));
  CHECK(p.find("x86_64") == nullptr);  // aarch64: no x86_64 provider
  CHECK(p.source.at("nvidia").find("580.65.06") != std::string::npos);
}

TEST_CASE("amd properties and the x86_64 level from a fake root") {
  Detection d;
  d.accelerator.kind = AcceleratorKind::Amd;
  d.accelerator.amd_arch = "gfx942";
  d.accelerator.source = "rocm_agent_enumerator";
  fs::path root = fs::temp_directory_path() / "ptinstall-test-variant-root";
  fs::create_directories(root / "proc");
  std::ofstream(root / "proc/cpuinfo") << "flags\t\t: fpu cx8 cmov mmx fxsr sse2 syscall lm cx16 lahf_lm popcnt "
                                          "sse4_1 sse4_2 ssse3\n";
  auto p = native_variant_properties(d, TargetOs::Linux, "x86_64", root);
  CHECK(values(p, "amd", "gfx_arch") == std::vector<std::string>{"gfx942"});
  CHECK_FALSE(values(p, "amd", "rocm_version").empty());
  CHECK(values(p, "x86_64", "level") == std::vector<std::string>{"v2", "v1"});
  CHECK(p.find("nvidia") == nullptr);
  fs::remove_all(root);
}

TEST_CASE("variant providers: xpu device_ip from PTINSTALL_XPU_DEVICE_IP, with its base platform") {
  Detection d;
  CHECK(xpu_compatible_device_ips("20.2.0") == std::vector<std::string>{"20.2.0", "20.1.0"});
  CHECK(xpu_compatible_device_ips("20.1.0") == std::vector<std::string>{"20.1.0"});
  CHECK(xpu_compatible_device_ips("12.56.5") == std::vector<std::string>{"12.56.5", "12.55.8"});
  auto p = native_variant_properties(d, TargetOs::Linux, "aarch64", "/nonexistent", "20.4.4");
  const auto* xpu = p.find("xpu");
  REQUIRE(xpu);
  REQUIRE(xpu->size() == 1);
  CHECK((*xpu)[0].name == "device_ip");
  CHECK((*xpu)[0].values == std::vector<std::string>{"20.4.4", "20.1.0"});
  CHECK(p.source["xpu"] == "PTINSTALL_XPU_DEVICE_IP");
  // None given: no xpu properties (the PCI id does not give the device IP).
  CHECK(native_variant_properties(d, TargetOs::Linux, "aarch64", "/nonexistent").find("xpu") == nullptr);
  CHECK_THROWS_WITH(native_variant_properties(d, TargetOs::Linux, "aarch64", "/nonexistent", "bmg"),
                    Catch::Contains("invalid value `bmg` for PTINSTALL_XPU_DEVICE_IP"));
}
