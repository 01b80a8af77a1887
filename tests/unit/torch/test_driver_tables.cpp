#include <catch2/catch.hpp>

#include <algorithm>

#include "ptinstall/spec/version.hpp"
#include "ptinstall/torch/driver_tables.hpp"

using namespace ptinstall::torch;
using ptinstall::spec::Version;

namespace {

// "525.60.13" -> "525.60.12.999", "580" -> "579.999": the largest-looking version below it.
std::string just_below(std::string_view v) {
  std::string s(v);
  auto dot = s.rfind('.');
  std::string head = dot == std::string::npos ? "" : s.substr(0, dot + 1);
  unsigned long last = std::stoul(s.substr(dot == std::string::npos ? 0 : dot + 1));
  REQUIRE(last > 0);
  return head + std::to_string(last - 1) + ".999";
}

std::vector<std::string> names(const std::vector<const Backend*>& backends) {
  std::vector<std::string> out;
  for (const auto* b : backends) out.emplace_back(b->name);
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

void check_table(std::span<const CudaDriverRow> table, TargetOs os) {
  // Every row names a known CUDA backend, the rows are newest first, minimums never increase.
  for (std::size_t i = 0; i < table.size(); ++i) {
    const Backend* b = find_backend(table[i].backend);
    REQUIRE(b);
    CHECK(b->family == Family::Cuda);
    if (i > 0) {
      CHECK(Version::from_string(table[i].min_driver) <= Version::from_string(table[i - 1].min_driver));
      CHECK(Version::from_string(b->version) < Version::from_string(find_backend(table[i - 1].backend)->version));
    }
  }
  // Every CUDA backend has a row.
  std::size_t cuda = std::count_if(all_backends().begin(), all_backends().end(),
                                   [](const Backend& b) { return b.family == Family::Cuda; });
  CHECK(table.size() == cuda);

  for (const auto& row : table) {
    INFO(std::string(row.backend) + " >= " + std::string(row.min_driver));
    auto at = names(cuda_backends_for_driver(Version::from_string(row.min_driver), os));
    auto below = names(cuda_backends_for_driver(Version::from_string(just_below(row.min_driver)), os));
    CHECK(has(at, row.backend));
    CHECK_FALSE(has(below, row.backend));
    // At the boundary: exactly the rows whose minimum is at or below it, in table order.
    std::vector<std::string> expected;
    for (const auto& r : table)
      if (Version::from_string(r.min_driver) <= Version::from_string(row.min_driver)) expected.emplace_back(r.backend);
    CHECK(at == expected);
  }
}

}  // namespace

TEST_CASE("Linux driver table, every row at and just below its boundary") { check_table(linux_cuda_drivers(), TargetOs::Linux); }

TEST_CASE("Windows driver table, every row at and just below its boundary") {
  check_table(windows_cuda_drivers(), TargetOs::Windows);
}

TEST_CASE("driver table facts from the reference") {
  auto linux550 = names(cuda_backends_for_driver(Version::from_string("550.144.03"), TargetOs::Linux));
  REQUIRE(linux550.size() == 25);  // cu129 ... cu80; with cpu appended, 26 URLs
  CHECK(linux550.front() == "cu129");
  CHECK(linux550.back() == "cu80");
  CHECK(names(cuda_backends_for_driver(Version::from_string("580.65.06"), TargetOs::Linux)).front() == "cu132");
  // 525.60.13 (Linux minimum for 12.x) is below the Windows minimum 528.33.
  CHECK(names(cuda_backends_for_driver(Version::from_string("525.60.13"), TargetOs::Windows)).front() == "cu118");
  CHECK(names(cuda_backends_for_driver(Version::from_string("528.33"), TargetOs::Windows)).front() == "cu129");
  // Musl Linux uses the Linux table; other systems get nothing.
  CHECK(names(cuda_backends_for_driver(Version::from_string("525.60.13"), TargetOs::LinuxMusl)).front() == "cu129");
  CHECK(cuda_backends_for_driver(Version::from_string("580"), TargetOs::Macos).empty());
  CHECK(cuda_backends_for_driver(Version::from_string("580"), TargetOs::Other).empty());
  CHECK(cuda_backends_for_driver(Version::from_string("375.25"), TargetOs::Linux).empty());
  // PEP 440 comparison: leading zeros do not count, 450.80.02 == 450.80.2.
  CHECK(names(cuda_backends_for_driver(Version::from_string("450.80.2"), TargetOs::Linux)).front() == "cu118");
}

TEST_CASE("AMD table, every row and every architecture") {
  for (const auto& row : linux_amd_table()) {
    const Backend* b = find_backend(row.backend);
    REQUIRE(b);
    CHECK(b->family == Family::Rocm);
    for (auto arch : amd_architectures()) {
      INFO(std::string(row.backend) + " " + std::string(arch));
      bool built = std::find(row.archs.begin(), row.archs.end(), arch) != row.archs.end();
      CHECK(has(names(rocm_backends_for_architecture(arch)), row.backend) == built);
    }
    for (auto arch : row.archs) CHECK(amd_architecture_rank(arch));
  }
}

TEST_CASE("AMD table facts from the reference") {
  using V = std::vector<std::string>;
  CHECK(names(rocm_backends_for_architecture("gfx1150")) == V{"rocm7.2"});
  CHECK(names(rocm_backends_for_architecture("gfx950")) == V{"rocm7.2", "rocm7.1", "rocm7.0"});
  CHECK(names(rocm_backends_for_architecture("gfx1101")) ==
        V{"rocm7.2", "rocm7.1", "rocm7.0", "rocm6.4", "rocm6.3", "rocm6.2.4", "rocm6.1"});
  CHECK(names(rocm_backends_for_architecture("gfx90a")) ==
        V{"rocm7.2", "rocm7.1", "rocm7.0", "rocm6.4", "rocm6.3", "rocm6.2.4", "rocm6.2", "rocm6.1", "rocm6.0"});
  CHECK(names(rocm_backends_for_architecture("gfx1200")) ==
        V{"rocm7.2", "rocm7.1", "rocm7.0", "rocm6.4", "rocm6.3", "rocm6.2.4"});
  CHECK(rocm_backends_for_architecture("gfx000").empty());
  CHECK(rocm_backends_for_architecture("gfx1036").empty());
  CHECK(amd_architectures().size() == 14);
  CHECK(amd_architecture_rank("gfx900") == 0u);
  CHECK(amd_architecture_rank("gfx1201") == 13u);
  CHECK(*amd_architecture_rank("gfx90a") < *amd_architecture_rank("gfx1030"));
  CHECK_FALSE(amd_architecture_rank("GFX900"));
}

TEST_CASE("target OS names") {
  CHECK(parse_target_os("linux") == TargetOs::Linux);
  CHECK(parse_target_os("x86_64-manylinux_2_28") == TargetOs::Linux);
  CHECK(parse_target_os("x86_64-unknown-linux-gnu") == TargetOs::Linux);
  CHECK(parse_target_os("aarch64-unknown-linux-musl") == TargetOs::LinuxMusl);
  CHECK(parse_target_os("x86_64-musllinux_1_2") == TargetOs::LinuxMusl);
  CHECK(parse_target_os("windows") == TargetOs::Windows);
  CHECK(parse_target_os("x86_64-pc-windows-msvc") == TargetOs::Windows);
  CHECK(parse_target_os("macos") == TargetOs::Macos);
  CHECK(parse_target_os("aarch64-apple-darwin") == TargetOs::Macos);
  CHECK(parse_target_os("wasm32-pyodide2024") == TargetOs::Other);
  CHECK(parse_target_os("x86_64-linux-android") == TargetOs::Other);
  CHECK_FALSE(parse_target_os("plan9"));
  CHECK_FALSE(parse_target_os(""));
  for (TargetOs os : {TargetOs::Linux, TargetOs::LinuxMusl, TargetOs::Windows, TargetOs::Macos, TargetOs::Other})
    CHECK(parse_target_os(to_string(os)) == os);
}

TEST_CASE("compute capabilities parse") {
  CHECK(ComputeCapability::parse("8.6") == ComputeCapability{8, 6});
  CHECK(ComputeCapability::parse(" 12.0\r") == ComputeCapability{12, 0});
  CHECK(ComputeCapability::parse("8.6").value().sm() == "sm_86");
  CHECK(ComputeCapability::parse("12.1").value().sm() == "sm_121");
  CHECK(ComputeCapability::parse("10.0").value().to_string() == "10.0");
  for (auto bad : {"", "8", "8.", ".6", "8.6.1", "a.b", "[N/A]", "8.10", "-1.0", "0.5"}) {
    INFO(bad);
    CHECK_FALSE(ComputeCapability::parse(bad));
  }
  CHECK(ComputeCapability{7, 5} < ComputeCapability{8, 0});
  CHECK(ComputeCapability{12, 0} > ComputeCapability{9, 0});
}

TEST_CASE("CUDA compatibility rule") {
  std::vector<CudaArch> list = {{{7, 0}, false}, {{8, 0}, false}, {{9, 0}, true}};
  CHECK(arch_list_runs_on(list, {7, 0}));
  CHECK(arch_list_runs_on(list, {7, 5}));   // sm_70 cubin runs on 7.5
  CHECK(arch_list_runs_on(list, {8, 9}));   // sm_80 cubin runs on 8.9
  CHECK(arch_list_runs_on(list, {12, 0}));  // PTX 9.0 JIT
  CHECK_FALSE(arch_list_runs_on(list, {6, 1}));
  std::vector<CudaArch> no_ptx = {{{7, 0}, false}, {{9, 0}, false}};
  CHECK_FALSE(arch_list_runs_on(no_ptx, {12, 0}));  // no cubin across majors
  CHECK_FALSE(arch_list_runs_on(no_ptx, {8, 6}));
  CHECK(arch_list_to_string(list) == "sm_70 sm_80 sm_90+PTX");
}

TEST_CASE("CUDA architecture lists of the PyTorch builds") {
  auto list = [](std::string_view backend, std::string_view machine = "x86_64") {
    auto info = cuda_arch_list(*find_backend(backend), machine);
    REQUIRE(info);
    return arch_list_to_string(info->archs);
  };
  CHECK(list("cu126") == "sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90");
  // The newest release's list (torch 2.11 dropped Volta from cu128; 2.12's cu129 is the Blackwell set).
  CHECK(list("cu128") == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120");
  CHECK(list("cu129") == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120");
  CHECK(list("cu132") == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120");
  CHECK(list("cu130") == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120+PTX");
  CHECK(list("cu130", "aarch64") == "sm_80 sm_90 sm_100 sm_110 sm_120+PTX");
  CHECK(list("cu126", "aarch64") == "sm_80 sm_90");
  CHECK(list("cu118").find("sm_37") == 0);
  CHECK_FALSE(cuda_arch_list(*find_backend("cu125")));
  CHECK_FALSE(cuda_arch_list(cpu_backend()));
  CHECK_FALSE(cuda_arch_list(*find_backend("rocm6.4")));
  CHECK_FALSE(cuda_arch_list(*find_backend("cu132"))->uncertain);
  CHECK_FALSE(cuda_arch_list(*find_backend("cu128"))->uncertain);
  CHECK(cuda_arch_list(*find_backend("cu118"))->uncertain);
  // The GTX 1080 Ti case (uv #14742): sm_61 runs cu126 builds but not cu128 ones.
  CHECK(arch_list_runs_on(cuda_arch_list(*find_backend("cu126"))->archs, {6, 1}));
  CHECK_FALSE(arch_list_runs_on(cuda_arch_list(*find_backend("cu128"))->archs, {6, 1}));
  // An RTX 5090 (sm_120) needs cu128 or newer.
  CHECK(arch_list_runs_on(cuda_arch_list(*find_backend("cu128"))->archs, {12, 0}));
  CHECK_FALSE(arch_list_runs_on(cuda_arch_list(*find_backend("cu126"))->archs, {12, 0}));
  // DGX Spark (sm_121) runs sm_120 cubins.
  CHECK(arch_list_runs_on(cuda_arch_list(*find_backend("cu128"))->archs, {12, 1}));
}

TEST_CASE("CUDA architecture lists by torch release") {
  using ptinstall::spec::Version;
  auto at = [](std::string_view backend, std::string_view torch) {
    auto info = cuda_arch_list_for(*find_backend(backend), Version::from_string(torch));
    return info ? arch_list_to_string(info->archs) + " [" + info->releases() + "]" : std::string("unknown");
  };
  CHECK(at("cu128", "2.11.0") == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120 [2.11 and later]");
  CHECK(at("cu128", "2.13.1") == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120 [2.11 and later]");
  CHECK(at("cu128", "2.10.0") == "sm_70 sm_75 sm_80 sm_86 sm_90 sm_100 sm_120 [2.8 to 2.10]");
  CHECK(at("cu128", "2.8.0") == "sm_70 sm_75 sm_80 sm_86 sm_90 sm_100 sm_120 [2.8 to 2.10]");
  CHECK(at("cu128", "2.7.1") == "sm_70? sm_75 sm_80 sm_86 sm_90 sm_100 sm_120 [2.7]");
  CHECK(at("cu128", "2.6.0") == "unknown");
  CHECK(at("cu129", "2.9.1") == "sm_70 sm_75 sm_80 sm_86 sm_90 sm_100 sm_120+PTX [2.8 to 2.9]");
  // 2.10 was branched before Volta left the 12.9 builds (sm_70 unverified, so it counts as present);
  // 2.11 was branched after.
  CHECK(at("cu129", "2.10.0") == "sm_70? sm_75 sm_80 sm_86 sm_90 sm_100 sm_120+PTX [2.10]");
  CHECK(at("cu129", "2.11.0") == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120+PTX? [2.11]");
  CHECK_FALSE(build_lacks_kernels(*find_backend("cu129"), Version::from_string("2.10.0"), "x86_64", {7, 0}));
  CHECK(build_lacks_kernels(*find_backend("cu129"), Version::from_string("2.11.0"), "x86_64", {7, 0}));
  CHECK(build_lacks_kernels(*find_backend("cu129"), Version::from_string("2.10.0"), "x86_64", {6, 1}));
  // aarch64, CUDA 13: Ampere 8.0, Hopper, Blackwell with Thor's sm_110 (pytorch/pytorch#178665).
  CHECK(arch_list_to_string(cuda_arch_list_for(*find_backend("cu130"), Version::from_string("2.12.0"), "aarch64")->archs) ==
        "sm_80 sm_90 sm_100 sm_110 sm_120+PTX");
  CHECK(at("cu129", "2.12.0") == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120 [2.12 and later]");
  CHECK(at("cu130", "2.11.0") == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120+PTX [2.9 and later]");
  CHECK(at("cu126", "2.11.0") == "sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90 [2.6 and later]");
  CHECK(at("cu128", "2.11.0.dev20260115") == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120 [2.11 and later]");
  CHECK(at("cu128", "2.10.0+cu128") == "sm_70 sm_75 sm_80 sm_86 sm_90 sm_100 sm_120 [2.8 to 2.10]");
}

TEST_CASE("which torch builds lack kernels for a GPU") {
  using ptinstall::spec::Version;
  auto lacks = [](std::string_view backend, std::string_view torch, ComputeCapability gpu) {
    return build_lacks_kernels(*find_backend(backend), Version::from_string(torch), "x86_64", gpu).has_value();
  };
  // V100 (sm_70): torch 2.11+cu128 has no kernels for it (pytorch/pytorch#182250); 2.10 does.
  CHECK(lacks("cu128", "2.11.0", {7, 0}));
  CHECK_FALSE(lacks("cu128", "2.10.0", {7, 0}));
  CHECK_FALSE(lacks("cu128", "2.7.1", {7, 0}));  // sm_70? unverified: never excludes
  CHECK(lacks("cu130", "2.9.1", {7, 0}));
  CHECK_FALSE(lacks("cu126", "2.11.0", {7, 0}));
  // GTX 1080 Ti (sm_61)
  CHECK(lacks("cu128", "2.7.1", {6, 1}));
  CHECK_FALSE(lacks("cu126", "2.9.1", {6, 1}));
  CHECK_FALSE(lacks("cu118", "2.0.0", {12, 0}));  // uncertain lists exclude nothing
  CHECK_FALSE(lacks("cu129", "2.10.0", {7, 0}));  // unknown release: nothing excluded
  // RTX 5090 (sm_120), A100, H100
  CHECK_FALSE(lacks("cu128", "2.11.0", {12, 0}));
  CHECK(lacks("cu126", "2.11.0", {12, 0}));
  for (auto b : {"cu126", "cu128", "cu129", "cu130", "cu132"}) {
    CHECK_FALSE(lacks(b, "2.12.0", {8, 0}));
    CHECK_FALSE(lacks(b, "2.12.0", {9, 0}));
  }
  auto why = build_lacks_kernels(*find_backend("cu128"), Version::from_string("2.11.0"), "x86_64", {7, 0});
  CHECK(*why ==
        "torch 2.11 and later on cu128 is built for sm_75 sm_80 sm_86 sm_90 sm_100 sm_120, not for the GPU's sm_70 "
        "(pytorch/pytorch#175253, #172352, #182250: Volta dropped from CUDA 12.8 builds in 2.11)");
}

TEST_CASE("driver tables equal the reference's rows") {
  // /work/shared/reference/torch-backend.md section 3, written out independently of driver_tables.cpp.
  struct Group {
    std::vector<std::string> backends;
    std::string linux_min, windows_min;
  };
  const std::vector<Group> groups = {
      {{"cu132", "cu130"}, "580", "580"},
      {{"cu129", "cu128", "cu126", "cu125", "cu124", "cu123", "cu122", "cu121", "cu120"}, "525.60.13", "528.33"},
      {{"cu118", "cu117", "cu116", "cu115", "cu114", "cu113", "cu112", "cu111"}, "450.80.02", "452.39"},
      {{"cu110"}, "450.36.06", "451.22"}, {{"cu102"}, "440.33", "441.22"}, {{"cu101"}, "418.39", "418.96"},
      {{"cu100"}, "410.48", "411.31"},    {{"cu92"}, "396.26", "398.26"},   {{"cu91"}, "390.46", "391.29"},
      {{"cu90"}, "384.81", "385.54"},     {{"cu80"}, "375.26", "376.51"},
  };
  std::vector<std::pair<std::string, std::string>> lin, win;
  for (const auto& g : groups)
    for (const auto& b : g.backends) lin.emplace_back(b, g.linux_min), win.emplace_back(b, g.windows_min);
  std::vector<std::pair<std::string, std::string>> lin_table, win_table;
  for (const auto& r : linux_cuda_drivers()) lin_table.emplace_back(r.backend, r.min_driver);
  for (const auto& r : windows_cuda_drivers()) win_table.emplace_back(r.backend, r.min_driver);
  CHECK(lin_table == lin);
  CHECK(win_table == win);
}
