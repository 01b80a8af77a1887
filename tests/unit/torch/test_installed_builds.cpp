#include <catch2/catch.hpp>

#include "ptinstall/torch/installed_builds.hpp"

using namespace ptinstall::torch;

namespace {

IndexPlan plan_of(std::initializer_list<std::string_view> names) {
  IndexPlan p;
  for (auto n : names) p.indexes.push_back({find_backend(n), "https://download.pytorch.org/whl/" + std::string(n)});
  return p;
}

std::vector<std::string> names(const std::vector<const Backend*>& bs) {
  std::vector<std::string> out;
  for (const auto* b : bs) out.emplace_back(b->name);
  return out;
}

}  // namespace

TEST_CASE("the build a local version label names") {
  CHECK(backend_of_version("2.9.1+cu128")->name == "cu128");
  CHECK(backend_of_version("2.9.1+cpu")->name == "cpu");
  CHECK(backend_of_version("2.9.1+rocm6.4")->name == "rocm6.4");
  CHECK(backend_of_version("2.9.1+rocm6.2.4")->name == "rocm6.2.4");
  CHECK(backend_of_version("2.9.1+xpu")->name == "xpu");
  CHECK(backend_of_version("2.9.1") == nullptr);          // PyPI's torch: not judged
  CHECK(backend_of_version("2.9.1+git1234") == nullptr);  // a local build
  CHECK(backend_of_version("2.9.1+cu127") == nullptr);    // no such backend
  CHECK(backend_of_version("not a version") == nullptr);
}

TEST_CASE("the backends a routed package may come from") {
  CHECK(names(selected_backends(plan_of({"cu128"}))) == std::vector<std::string>{"cu128"});
  CHECK(names(selected_backends(plan_of({"cpu"}))) == std::vector<std::string>{"cpu"});
  // The cpu fallback of a GPU list does not count.
  CHECK(names(selected_backends(plan_of({"cu129", "cu128", "cu126", "cpu"}))) ==
        std::vector<std::string>{"cu129", "cu128", "cu126"});
  CHECK(names(selected_backends(plan_of({"rocm6.4", "rocm6.3", "cpu"}))) == std::vector<std::string>{"rocm6.4", "rocm6.3"});
  CHECK(names(selected_backends(plan_of({"xpu"}))) == std::vector<std::string>{"xpu"});
}

TEST_CASE("installed builds the backend does not select") {
  std::vector<InstalledBuild> have = {{"torch", "2.9.1+cpu"}, {"torchvision", "0.24.1+cu126"},
                                      {"triton", "3.5.1"},     {"jinja2", "3.1.6"},
                                      {"numpy", "2.2.6+cpu"}};  // not routed: never judged
  auto auto_cuda = selected_backends(plan_of({"cu129", "cu128", "cu126", "cpu"}));
  auto off = builds_not_selected(have, auto_cuda);
  REQUIRE(off.size() == 1);
  CHECK(off[0].name == "torch");
  auto explicit_cu128 = selected_backends(plan_of({"cu128"}));
  off = builds_not_selected(have, explicit_cu128);
  REQUIRE(off.size() == 2);
  CHECK(off[1].name == "torchvision");
  CHECK(builds_not_selected(have, selected_backends(plan_of({"cpu"}))).size() == 1);  // torchvision +cu126
  CHECK(builds_not_selected({{"torch", "2.9.1"}}, explicit_cu128).empty());
}

TEST_CASE("a mixed family") {
  CHECK(mixed_family({{"torch", "2.9.1+cu128"}, {"torchvision", "0.24.1+cu128"}, {"torchaudio", "2.9.1"}}).empty());
  // Triton carries no label and is not part of the family.
  CHECK(mixed_family({{"torch", "2.9.1+cu128"}, {"triton", "3.5.1+cu126"}}).empty());
  auto mixed = mixed_family({{"torchvision", "0.24.1+cu126"}, {"torch", "2.9.1+cu128"}, {"torchaudio", "2.9.1+cu128"}});
  REQUIRE(mixed.size() == 3);
  CHECK(mixed[0].name == "torch");
  CHECK(describe_mixed_family(mixed) == "torchvision 0.24.1+cu126 beside torch 2.9.1+cu128");
  auto no_torch = mixed_family({{"torchvision", "0.24.1+cpu"}, {"torchaudio", "2.9.1+cu126"}});
  CHECK(describe_mixed_family(no_torch) == "torchvision 0.24.1+cpu beside torchaudio 2.9.1+cu126");
}
