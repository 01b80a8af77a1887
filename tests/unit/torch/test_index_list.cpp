#include <catch2/catch.hpp>

#include <algorithm>

#include "ptinstall/torch/index_list.hpp"

using namespace ptinstall::torch;

namespace {

std::vector<std::string> names(const IndexPlan& plan) {
  std::vector<std::string> out;
  for (const auto& e : plan.indexes) out.emplace_back(e.backend->name);
  return out;
}

Accelerator cuda(std::string driver, std::optional<ComputeCapability> cc = std::nullopt) {
  Accelerator a;
  a.kind = AcceleratorKind::Cuda;
  a.cuda_driver = std::move(driver);
  a.compute_capability = cc;
  return a;
}

Accelerator amd(std::string arch) {
  Accelerator a;
  a.kind = AcceleratorKind::Amd;
  a.amd_arch = std::move(arch);
  return a;
}

Accelerator xpu() {
  Accelerator a;
  a.kind = AcceleratorKind::Xpu;
  return a;
}

IndexOptions on(TargetOs os) {
  IndexOptions o;
  o.os = os;
  return o;
}

using V = std::vector<std::string>;
const BackendMode kAuto{true, nullptr};

}  // namespace

TEST_CASE("an explicit backend is exactly one index, whatever was detected") {
  for (const auto& b : all_backends()) {
    BackendMode mode{false, &b};
    for (TargetOs os : {TargetOs::Linux, TargetOs::Windows, TargetOs::Macos}) {
      IndexPlan plan = plan_indexes(mode, cuda("580"), on(os));
      REQUIRE(plan.indexes.size() == 1);
      CHECK(plan.indexes[0].backend == &b);
      CHECK(plan.indexes[0].url == index_url(b));
      CHECK(plan.skipped.empty());
    }
  }
}

TEST_CASE("auto without an accelerator: cpu") {
  IndexPlan plan = plan_indexes(kAuto, Accelerator{}, on(TargetOs::Linux));
  CHECK(names(plan) == V{"cpu"});
  CHECK(plan.indexes[0].url == "https://download.pytorch.org/whl/cpu");
}

TEST_CASE("auto with an NVIDIA driver: every allowed index newest first, then cpu") {
  IndexPlan plan = plan_indexes(kAuto, cuda("550.144.03"), on(TargetOs::Linux));
  auto n = names(plan);
  REQUIRE(n.size() == 26);  // the reference's example: cu129 ... cu80, cpu
  CHECK(n.front() == "cu129");
  CHECK(n[n.size() - 2] == "cu80");
  CHECK(n.back() == "cpu");
  CHECK(names(plan_indexes(kAuto, cuda("580.65.06"), on(TargetOs::LinuxMusl))).front() == "cu132");
  CHECK(names(plan_indexes(kAuto, cuda("527.41"), on(TargetOs::Windows))).front() == "cu118");
  CHECK(names(plan_indexes(kAuto, cuda("527.41"), on(TargetOs::Linux))).front() == "cu129");
  CHECK(names(plan_indexes(kAuto, cuda("370"), on(TargetOs::Linux))) == V{"cpu"});
  CHECK(names(plan_indexes(kAuto, cuda("580"), on(TargetOs::Macos))) == V{"cpu"});
  CHECK(names(plan_indexes(kAuto, cuda("580"), on(TargetOs::Other))) == V{"cpu"});
}

TEST_CASE("auto skips CUDA indexes without kernels for the GPU") {
  SECTION("GTX 1080 Ti (sm_61), uv #14742") {
    IndexPlan plan = plan_indexes(kAuto, cuda("580.65.06", ComputeCapability{6, 1}), on(TargetOs::Linux));
    auto n = names(plan);
    CHECK(n.front() == "cu126");
    for (auto gone : {"cu132", "cu130", "cu129", "cu128"}) CHECK(std::find(n.begin(), n.end(), gone) == n.end());
    REQUIRE(plan.skipped.size() == 4);
    CHECK(plan.skipped[0].backend->name == "cu132");
    CHECK(plan.skipped[0].reason.find("sm_61") != std::string::npos);
    CHECK(plan.skipped[0].reason == "built for sm_75 sm_80 sm_86 sm_90 sm_100 sm_120, not for the GPU's sm_61");
    // cu128 changed between releases: every one of them is named. 2.7's sm_70 is unverified ("?"), but
    // counted as present it still does not run sm_61.
    CHECK(plan.skipped[3].reason ==
          "no torch release on it is built for the GPU's sm_61: torch 2.11 and later for sm_75 sm_80 sm_86 sm_90 "
          "sm_100 sm_120; torch 2.8 to 2.10 for sm_70 sm_75 sm_80 sm_86 sm_90 sm_100 sm_120; torch 2.7 for sm_70? "
          "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120");
    CHECK(plan.limited.empty());
    CHECK(n.back() == "cpu");
  }
  SECTION("RTX 5090 (sm_120)") {
    IndexPlan plan = plan_indexes(kAuto, cuda("575.51.03", ComputeCapability{12, 0}), on(TargetOs::Linux));
    auto n = names(plan);
    CHECK(n[0] == "cu129");
    CHECK(n[1] == "cu128");
    CHECK(std::find(n.begin(), n.end(), "cu126") == n.end());
    // The lists of cu124 ... cu117 are uncertain (from memory): they exclude nothing, and a note says so.
    for (auto kept : {"cu124", "cu121", "cu118", "cu117"}) CHECK(std::find(n.begin(), n.end(), kept) != n.end());
    CHECK(std::count_if(plan.notes.begin(), plan.notes.end(), [](const std::string& s) {
            return s.find("uncertain data excludes nothing") != std::string::npos;
          }) == 4);
    REQUIRE(plan.skipped.size() == 1);
    CHECK(plan.skipped[0].backend->name == "cu126");
  }
  SECTION("V100 (sm_70): cu128 kept for torch 2.8 to 2.10, cu132/cu130 skipped") {
    IndexPlan plan = plan_indexes(kAuto, cuda("580.65.06", ComputeCapability{7, 0}), on(TargetOs::Linux));
    auto n = names(plan);
    CHECK(n[0] == "cu129");
    CHECK(n[1] == "cu128");
    CHECK(n[2] == "cu126");
    REQUIRE(plan.skipped.size() == 2);
    CHECK(plan.skipped[0].backend->name == "cu132");
    CHECK(plan.skipped[1].backend->name == "cu130");
    // cu129: 2.12 and 2.11 lack sm_70 (2.11 since pytorch/pytorch#172598), 2.8 to 2.10 run.
    REQUIRE(plan.limited.size() == 3);
    CHECK(plan.limited[0].backend->name == "cu129");
    CHECK(plan.limited[0].reason.find("torch 2.12 and later is built for sm_75") == 0);
    CHECK(plan.limited[1].backend->name == "cu129");
    CHECK(plan.limited[1].reason.find("torch 2.11 is built for sm_75") == 0);
    CHECK(plan.limited[1].reason.find("; torch 2.10, 2.8 to 2.9 from it runs") != std::string::npos);
    CHECK(plan.limited[2].backend->name == "cu128");
    CHECK(plan.limited[2].reason ==
          "torch 2.11 and later is built for sm_75 sm_80 sm_86 sm_90 sm_100 sm_120, not for the GPU's sm_70 "
          "(pytorch/pytorch#175253, #172352, #182250: Volta dropped from CUDA 12.8 builds in 2.11); torch 2.8 to "
          "2.10, 2.7 from it runs");
  }
  SECTION("A100 (sm_80) and H100 (sm_90): nothing skipped or limited") {
    for (auto cc : {ComputeCapability{8, 0}, ComputeCapability{9, 0}}) {
      IndexPlan plan = plan_indexes(kAuto, cuda("580.65.06", cc), on(TargetOs::Linux));
      CHECK(names(plan).front() == "cu132");
      CHECK(plan.skipped.empty());
      CHECK(plan.limited.empty());
    }
  }
  SECTION("the check can be turned off") {
    IndexOptions o = on(TargetOs::Linux);
    o.check_compute_capability = false;
    IndexPlan plan = plan_indexes(kAuto, cuda("580", ComputeCapability{6, 1}), o);
    CHECK(names(plan).front() == "cu132");
    CHECK(plan.skipped.empty());
  }
  SECTION("aarch64 lists: Jetson Thor (sm_110) keeps cu130") {
    IndexOptions o = on(TargetOs::Linux);
    o.machine = "aarch64";
    IndexPlan plan = plan_indexes(kAuto, cuda("580", ComputeCapability{11, 0}), o);
    CHECK(names(plan).front() == "cu132");
    CHECK(names(plan)[1] == "cu130");
    CHECK(std::find_if(plan.skipped.begin(), plan.skipped.end(),
                       [](const SkippedIndex& s) { return s.backend->name == "cu128"; }) != plan.skipped.end());
  }
}

TEST_CASE("auto with an AMD GPU") {
  CHECK(names(plan_indexes(kAuto, amd("gfx1100"), on(TargetOs::Linux))) ==
        V{"rocm7.2", "rocm7.1", "rocm7.0", "rocm6.4", "rocm6.3", "rocm6.2.4", "rocm6.2", "rocm6.1", "rocm6.0", "cpu"});
  CHECK(names(plan_indexes(kAuto, amd("gfx1151"), on(TargetOs::Linux))) == V{"rocm7.2", "cpu"});
  CHECK(names(plan_indexes(kAuto, amd("gfx1100"), on(TargetOs::Windows))) == V{"cpu"});
  CHECK(names(plan_indexes(kAuto, amd("gfx1100"), on(TargetOs::Macos))) == V{"cpu"});
}

TEST_CASE("auto with an Intel GPU: xpu alone") {
  CHECK(names(plan_indexes(kAuto, xpu(), on(TargetOs::Linux))) == V{"xpu"});
  CHECK(names(plan_indexes(kAuto, xpu(), on(TargetOs::Windows))) == V{"xpu"});
  CHECK(names(plan_indexes(kAuto, xpu(), on(TargetOs::LinuxMusl))) == V{"cpu"});
  CHECK(names(plan_indexes(kAuto, xpu(), on(TargetOs::Macos))) == V{"cpu"});
}

TEST_CASE("mirror base and channel apply to every URL") {
  IndexOptions o = on(TargetOs::Linux);
  o.base = "https://mirror.example/pytorch/";
  o.channel = Channel::Nightly;
  IndexPlan plan = plan_indexes(kAuto, cuda("580"), o);
  for (const auto& e : plan.indexes)
    CHECK(e.url == "https://mirror.example/pytorch/nightly/" + std::string(e.backend->name));
  CHECK(plan.indexes.back().url == "https://mirror.example/pytorch/nightly/cpu");
}
