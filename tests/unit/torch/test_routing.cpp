#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "ptinstall/torch/routing.hpp"

using namespace ptinstall::torch;

TEST_CASE("the 22 routed names of the reference, exactly") {
  const std::set<std::string> expected = {
      "fbgemm-gpu", "fbgemm-gpu-genai", "pytorch-triton", "pytorch-triton-rocm", "pytorch-triton-xpu", "torch",
      "torch-tensorrt", "torchao", "torcharrow", "torchaudio", "torchcodec", "torchcsprng", "torchdistx", "torchrec",
      "torchserve", "torchtext", "torchtune", "torchvision", "triton", "triton-rocm", "triton-xpu", "xformers"};
  std::set<std::string> table(routed_packages().begin(), routed_packages().end());
  CHECK(table == expected);
  CHECK(routed_packages().size() == 22);
  CHECK(std::is_sorted(routed_packages().begin(), routed_packages().end()));
  for (const auto& n : expected) CHECK(is_routed(n));
}

TEST_CASE("routing matches normalised names, exactly") {
  CHECK(is_routed("Torch"));
  CHECK(is_routed("TorchVision"));
  CHECK(is_routed("fbgemm_gpu"));
  CHECK(is_routed("FBGEMM.GPU-genai"));
  CHECK(is_routed("pytorch_triton__rocm"));
  CHECK(is_routed("torch_tensorrt"));
  // Not routed: the CUDA libraries, generic dependencies, removed and pyx-only names, prefixes.
  for (auto n : {"nvidia-cublas-cu12", "nvidia-cudnn-cu12", "numpy", "jinja2", "sympy", "filelock", "torchdata",
                 "torch-model-archiver", "torch-tb-profiler", "vllm", "flash-attn", "torch-scatter", "deepspeed",
                 "torchvision2", "torc", "pytorch", "triton-nightly", ""}) {
    INFO(n);
    CHECK_FALSE(is_routed(n));
  }
}

TEST_CASE("the CUDA consistency list: routed, without triton variants") {
  const std::set<std::string> expected = {"torch", "torchvision", "torchaudio", "torchao", "torchcodec", "torchrec",
                                          "torch-tensorrt", "fbgemm-gpu", "fbgemm-gpu-genai", "torcharrow",
                                          "torchcsprng", "torchdistx", "torchtext", "torchtune"};
  std::set<std::string> table(cuda_consistency_packages().begin(), cuda_consistency_packages().end());
  CHECK(table == expected);
  CHECK(std::is_sorted(cuda_consistency_packages().begin(), cuda_consistency_packages().end()));
  for (auto n : cuda_consistency_packages()) CHECK(is_routed(n));
  for (auto n : {"triton", "pytorch-triton", "pytorch-triton-rocm", "pytorch-triton-xpu", "triton-rocm", "triton-xpu",
                 "xformers", "torchserve", "numpy"}) {
    INFO(n);
    CHECK_FALSE(needs_cuda_consistency(n));
  }
  CHECK(needs_cuda_consistency("Torch_Vision") == false);  // torch-vision is not torchvision
  CHECK(needs_cuda_consistency("TorchVision"));
}

TEST_CASE("cuda_version_of an index") {
  CHECK(cuda_version_of("https://download.pytorch.org/whl/cu128") == "12.8");
  CHECK(cuda_version_of("https://download.pytorch.org/whl/cu92/") == "9.2");
  CHECK(cuda_version_of("https://download.pytorch.org/whl/nightly/cu130") == "13.0");
  CHECK(cuda_version_of("https://mirror.example/whl/test/cu118", "https://mirror.example/whl") == "11.8");
  CHECK_FALSE(cuda_version_of("https://download.pytorch.org/whl/cpu"));
  CHECK_FALSE(cuda_version_of("https://download.pytorch.org/whl/rocm6.4"));
  CHECK_FALSE(cuda_version_of("https://download.pytorch.org/whl/xpu"));
  CHECK_FALSE(cuda_version_of("https://pypi.org/simple"));
  for (const auto& b : all_backends())
    CHECK(cuda_version_of(index_url(b)) == cuda_version(b));
}
