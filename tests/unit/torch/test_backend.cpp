#include <catch2/catch.hpp>

#include <set>

#include "ptinstall/torch/backend.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::torch;
using ptinstall::util::Error;

namespace {

// The reference's list of values (uv 0.12.5), written out independently of the table in backend.cpp.
const std::vector<std::string> kCuda = {"cu132", "cu130", "cu129", "cu128", "cu126", "cu125", "cu124", "cu123", "cu122",
                                        "cu121", "cu120", "cu118", "cu117", "cu116", "cu115", "cu114", "cu113", "cu112",
                                        "cu111", "cu110", "cu102", "cu101", "cu100", "cu92",  "cu91",  "cu90",  "cu80"};
const std::vector<std::string> kRocm = {"rocm7.2", "rocm7.1", "rocm7.0", "rocm6.4", "rocm6.3", "rocm6.2.4", "rocm6.2",
                                        "rocm6.1", "rocm6.0", "rocm5.7", "rocm5.6", "rocm5.5", "rocm5.4.2", "rocm5.4",
                                        "rocm5.3", "rocm5.2", "rocm5.1.1", "rocm4.2", "rocm4.1", "rocm4.0.1"};

}  // namespace

TEST_CASE("every value of the reference is accepted, and nothing else is in the table") {
  std::set<std::string> expected(kCuda.begin(), kCuda.end());
  expected.insert(kRocm.begin(), kRocm.end());
  expected.insert("cpu");
  expected.insert("xpu");
  std::set<std::string> table;
  for (const auto& b : all_backends()) table.emplace(b.name);
  CHECK(table == expected);
  CHECK(all_backends().size() == expected.size());

  for (const auto& v : expected) {
    BackendMode m = parse_backend(v);
    CHECK_FALSE(m.automatic);
    REQUIRE(m.backend);
    CHECK(m.backend->name == v);
    CHECK(m.to_string() == v);
  }
  BackendMode a = parse_backend("auto");
  CHECK(a.automatic);
  CHECK(a.backend == nullptr);
  CHECK(a.to_string() == "auto");
}

TEST_CASE("families and versions of each backend") {
  for (const auto& name : kCuda) {
    const Backend* b = find_backend(name);
    REQUIRE(b);
    CHECK(b->family == Family::Cuda);
    // cu128 -> 12.8, cu92 -> 9.2, cu80 -> 8.0: the digits with a dot before the last one.
    std::string digits = name.substr(2);
    std::string expected = digits.substr(0, digits.size() - 1) + "." + digits.substr(digits.size() - 1);
    CHECK(cuda_version(*b) == expected);
    CHECK_FALSE(rocm_version(*b));
  }
  for (const auto& name : kRocm) {
    const Backend* b = find_backend(name);
    REQUIRE(b);
    CHECK(b->family == Family::Rocm);
    CHECK(rocm_version(*b) == name.substr(4));
    CHECK_FALSE(cuda_version(*b));
  }
  CHECK(cpu_backend().name == "cpu");
  CHECK(cpu_backend().family == Family::Cpu);
  CHECK(xpu_backend().name == "xpu");
  CHECK(xpu_backend().family == Family::Xpu);
  CHECK_FALSE(cuda_version(cpu_backend()));
  CHECK_FALSE(rocm_version(xpu_backend()));
  CHECK(to_string(Family::Rocm) == "rocm");
}

TEST_CASE("unknown values are errors that list the valid ones") {
  for (std::string bad : {"cu127", "cu131", "rocm5.1", "CU128", "Auto", "cuda", "cu128 ", "", "cu", "rocm", "gpu", "metal"}) {
    INFO(bad);
    try {
      parse_backend(bad, "UV_TORCH_BACKEND");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) == "invalid value `" + bad + "` for UV_TORCH_BACKEND");
      std::string hint = e.hint();
      CHECK(hint.find("auto, cpu, cu132") != std::string::npos);
      for (const auto& v : valid_backend_values()) CHECK(hint.find(v) != std::string::npos);
      CHECK(e.exit_code() == 2);
    }
  }
  CHECK(valid_backend_values().front() == "auto");
  CHECK(valid_backend_values().size() == all_backends().size() + 1);
}

TEST_CASE("index URLs from a base and a channel") {
  const Backend& cu128 = *find_backend("cu128");
  CHECK(index_url(cu128) == "https://download.pytorch.org/whl/cu128");
  CHECK(index_url(cu128, kDefaultIndexBase, Channel::Test) == "https://download.pytorch.org/whl/test/cu128");
  CHECK(index_url(cu128, kDefaultIndexBase, Channel::Nightly) == "https://download.pytorch.org/whl/nightly/cu128");
  CHECK(index_url(*find_backend("rocm6.2.4")) == "https://download.pytorch.org/whl/rocm6.2.4");
  CHECK(index_url(cpu_backend()) == "https://download.pytorch.org/whl/cpu");
  CHECK(index_url(xpu_backend(), "https://mirror.example/pytorch/whl//", Channel::Nightly) ==
        "https://mirror.example/pytorch/whl/nightly/xpu");
}

TEST_CASE("channels parse") {
  CHECK(parse_channel("stable") == Channel::Stable);
  CHECK(parse_channel("test") == Channel::Test);
  CHECK(parse_channel("nightly") == Channel::Nightly);
  CHECK_THROWS_AS(parse_channel("Nightly"), Error);
  CHECK_THROWS_AS(parse_channel("preview"), Error);
  try {
    parse_channel("preview");
  } catch (const Error& e) {
    CHECK(e.kind() == ptinstall::util::ErrorKind::Usage);  // exit code 2, as before kinds
    CHECK(e.exit_code() == 2);
  }
  CHECK(to_string(Channel::Test) == "test");
}

TEST_CASE("reverse mapping: every backend, every channel, default and mirror bases") {
  const std::vector<std::string> bases = {std::string(kDefaultIndexBase), "http://artifactory.local/api/pypi/torch/",
                                          "https://mirror.example/whl"};
  for (const auto& base : bases)
    for (Channel ch : {Channel::Stable, Channel::Test, Channel::Nightly})
      for (const auto& b : all_backends()) {
        std::string url = index_url(b, base, ch);
        INFO(url);
        for (const std::string& variant : {url, url + "/"}) {
          auto origin = backend_from_index_url(variant, base);
          REQUIRE(origin);
          CHECK(origin->backend->name == b.name);
          CHECK(origin->channel == ch);
        }
      }
}

TEST_CASE("reverse mapping rejects what is no PyTorch index") {
  CHECK_FALSE(backend_from_index_url("https://pypi.org/simple"));
  CHECK_FALSE(backend_from_index_url("https://download.pytorch.org/whl"));
  CHECK_FALSE(backend_from_index_url("https://download.pytorch.org/whl/cu127"));
  CHECK_FALSE(backend_from_index_url("https://download.pytorch.org/whl/cu128/torch"));
  CHECK_FALSE(backend_from_index_url("https://download.pytorch.org/whl/beta/cu128"));
  CHECK_FALSE(backend_from_index_url("https://download.pytorch.org/whlcu128"));
  CHECK_FALSE(backend_from_index_url("https://mirror.example/whl/cu128"));  // mirror not named
  // The default base is always known; host and scheme compare case-insensitively, paths do not.
  auto o = backend_from_index_url("HTTPS://Download.PyTorch.org/whl/nightly/rocm6.4/", "https://mirror.example/whl");
  REQUIRE(o);
  CHECK(o->backend->name == "rocm6.4");
  CHECK(o->channel == Channel::Nightly);
  CHECK_FALSE(backend_from_index_url("https://download.pytorch.org/WHL/cu128"));
}
