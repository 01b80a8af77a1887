#include <catch2/catch.hpp>

#include "ptinstall/ops/torch_builds.hpp"
#include "ptinstall/torch/backend.hpp"

using namespace ptinstall;

namespace {

ops::TorchRouting routing(std::string mode, std::initializer_list<std::string_view> selected,
                          std::string origin = "--torch-backend", std::string cuda_driver = "") {
  ops::TorchRouting r;
  r.active = true;
  r.backend = std::move(mode);
  r.origin = std::move(origin);
  if (!cuda_driver.empty()) {
    torch::Accelerator acc;
    acc.kind = torch::AcceleratorKind::Cuda;
    acc.cuda_driver = std::move(cuda_driver);
    r.accelerator = acc;
  }
  for (auto n : selected) r.selected.push_back(torch::find_backend(n));
  return r;
}

}  // namespace

TEST_CASE("the installed-build warning") {
  std::vector<torch::InstalledBuild> cpu = {{"torch", "2.9.1+cpu"}, {"triton", "3.5.1"}};
  auto autor = routing("auto", {"cu129", "cu128", "cu126", "cu118"}, "--torch-backend", "550.144.03");
  CHECK(ops::installed_build_warning(autor, cpu) ==
        "torch 2.9.1+cpu is installed, but --torch-backend=auto selects cu129, cu128 and 2 more (NVIDIA driver "
        "550.144.03); to switch: ptinstall pip install --torch-backend=auto --reinstall-package torch torch");
  // From the environment, the command sets the variable.
  auto env = routing("cu128", {"cu128"}, "UV_TORCH_BACKEND");
  CHECK(ops::installed_build_warning(env, cpu) ==
        "torch 2.9.1+cpu is installed, but UV_TORCH_BACKEND=cu128 selects cu128; to switch: UV_TORCH_BACKEND=cu128 "
        "ptinstall pip install --reinstall-package torch torch");
  // Nothing to say: the builds agree, or carry no label.
  CHECK_FALSE(ops::installed_build_warning(autor, {{"torch", "2.9.1+cu126"}, {"torchvision", "0.24.1+cu126"}}));
  CHECK_FALSE(ops::installed_build_warning(autor, {{"torch", "2.9.1"}}));
  CHECK_FALSE(ops::installed_build_warning(ops::TorchRouting{}, cpu));
}

TEST_CASE("a mixed family: the members that differ from torch switch") {
  std::vector<torch::InstalledBuild> mixed = {{"torch", "2.9.1+cu128"}, {"torchaudio", "2.9.1+cu128"},
                                              {"torchvision", "0.24.1+cu126"}};
  auto autor = routing("auto", {"cu129", "cu128", "cu126"});
  CHECK(ops::builds_to_switch(autor, mixed) == std::set<std::string>{"torchvision"});
  CHECK(ops::installed_build_warning(autor, mixed) ==
        "torchvision 0.24.1+cu126 beside torch 2.9.1+cu128 (a mixed PyTorch family); to switch: ptinstall pip "
        "install --torch-backend=auto --reinstall-package torchvision torchvision");
  // Under an explicit backend every member off it switches, torch included.
  auto cu126 = routing("cu126", {"cu126"});
  CHECK(ops::builds_to_switch(cu126, mixed) == std::set<std::string>{"torch", "torchaudio"});
}

TEST_CASE("routed builds of an environment") {
  std::vector<install::InstalledDist> env(3);
  env[0].normalized = "torch", env[0].version = "2.9.1+cpu";
  env[1].normalized = "numpy", env[1].version = "2.2.6";
  env[2].normalized = "torchvision", env[2].version = "0.24.1+cpu";
  auto b = ops::routed_builds(env);
  REQUIRE(b.size() == 2);
  CHECK(b[0].name == "torch");
  CHECK(b[1].version == "0.24.1+cpu");
}

TEST_CASE("an installed torch without kernels for the GPU") {
  auto v100 = routing("auto", {"cu129", "cu128", "cu126"}, "--torch-backend", "NVIDIA driver 580.65.06");
  v100.machine = "x86_64";
  std::vector<torch::InstalledBuild> newest = {{"torch", "2.11.0+cu128"}};
  CHECK_FALSE(ops::installed_build_warning(v100, newest));  // the compute capability is unknown: not judged
  v100.compute_capability = torch::ComputeCapability{7, 0};
  CHECK(ops::builds_to_switch(v100, newest) == std::set<std::string>{"torch"});
  CHECK(ops::installed_build_warning(v100, newest) ==
        "torch 2.11.0+cu128 has no kernels for this GPU: torch 2.11 and later on cu128 is built for sm_75 sm_80 sm_86 "
        "sm_90 sm_100 sm_120, not for the GPU's sm_70 (pytorch/pytorch#175253, #172352, #182250: Volta dropped from "
        "CUDA 12.8 builds in 2.11); to switch: ptinstall pip install --torch-backend=auto --reinstall-package torch torch");
  CHECK_FALSE(ops::installed_build_warning(v100, {{"torch", "2.10.0+cu128"}}));
}
