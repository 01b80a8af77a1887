#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ptinstall/spec/variant.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;
using ptinstall::util::Error;

namespace {

// The PEP 825 example (blas_lapack and x86_64), extended with an nvidia namespace.
const char* kIndexJson = R"({
  "$schema": "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json",
  "default-priorities": {
    "namespace": ["nvidia", "x86_64", "blas_lapack"],
    "feature": {"blas_lapack": ["library"]},
    "property": {"blas_lapack": {"library": ["mkl", "openblas"]}}
  },
  "variants": {
    "x8664v3_openblas": {"blas_lapack": {"library": ["openblas"]}, "x86_64": {"level": ["v3"]}},
    "x8664v4_mkl": {"blas_lapack": {"library": ["mkl"]}, "x86_64": {"level": ["v4"]}},
    "x8664v3": {"x86_64": {"level": ["v3"]}},
    "cuda12.8": {"nvidia": {"cuda_version_lower_bound": ["12.8"], "sm_arch": ["80_real", "86_real", "90_real"]}},
    "cuda13.0": {"nvidia": {"cuda_version_lower_bound": ["13.0"], "sm_arch": ["90_real", "120_real"]}},
    "null": {}
  }
})";

SupportedProperties machine(std::vector<std::pair<std::string, std::vector<std::string>>> nvidia,
                            std::vector<std::string> levels, std::vector<std::string> blas) {
  SupportedProperties s;
  for (auto& [f, v] : nvidia) s.add("nvidia", f, v, "test");
  if (!levels.empty()) s.add("x86_64", "level", levels, "test");
  if (!blas.empty()) s.add("blas_lapack", "library", blas, "test");
  return s;
}

}  // namespace

TEST_CASE("variant properties parse with free whitespace around ::") {
  auto p = VariantProperty::parse("nvidia::sm_arch ::  120_real");
  REQUIRE(p);
  CHECK(p->ns == "nvidia");
  CHECK(p->feature == "sm_arch");
  CHECK(p->value == "120_real");
  CHECK(p->to_string() == "nvidia :: sm_arch :: 120_real");
  CHECK_FALSE(VariantProperty::parse("nvidia :: sm_arch"));
  CHECK_FALSE(VariantProperty::parse("Nvidia :: sm_arch :: 1"));
  CHECK_FALSE(VariantProperty::parse("nvidia :: sm.arch :: 1"));  // '.' only in values
  CHECK(VariantProperty::parse("x86_64 :: level :: v3"));
}

TEST_CASE("schema versions from the $schema URL") {
  auto v = variant_schema_version("https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json");
  REQUIRE(v);
  CHECK(v->major == 0);
  CHECK(v->minor == 1);
  CHECK(v->patch == 1);
  CHECK(variant_schema_version("https://x/v1.0.0.json")->major == 1);
  CHECK_FALSE(variant_schema_version("https://x/schema.json"));
}

TEST_CASE("variants.json parses; malformed files are refused with the reason") {
  auto m = VariantMetadata::parse(kIndexJson, "foo-1.0-variants.json");
  CHECK(m.schema_supported());
  CHECK(m.namespace_priorities == std::vector<std::string>{"nvidia", "x86_64", "blas_lapack"});
  CHECK(m.variants.size() == 6);
  CHECK(m.variants.at("cuda12.8").at("nvidia").at("sm_arch").size() == 3);

  for (const char* bad : {"[]", "{", R"({"$schema": "https://x/v0.1.0.json"})",
                          R"({"variants": {"A": {}}, "default-priorities": {"namespace": []}})",
                          R"({"variants": {"a": {"ns": {"f": ["v"]}}}, "default-priorities": {"namespace": []}})",
                          R"({"variants": {"a": {"ns": {"f": []}}}, "default-priorities": {"namespace": ["ns"]}})",
                          R"({"variants": {"null": {"ns": {"f": ["v"]}}}, "default-priorities": {"namespace": ["ns"]}})"}) {
    INFO(bad);
    CHECK_THROWS_AS(VariantMetadata::parse(bad, "x-variants.json"), Error);
  }
  CHECK_THROWS_WITH(VariantMetadata::parse(R"({"variants": {"a": {"ns": {"f": ["v"]}}}})", "x-variants.json"),
                    Catch::Contains("missing from default-priorities.namespace"));

  // An unknown major is no error: the caller ignores the variants with a warning.
  auto future = VariantMetadata::parse(R"({"$schema": "https://x/v7.0.0.json", "whatever": 1})", "x");
  CHECK_FALSE(future.schema_supported());
}

TEST_CASE("PEP 825 ordering: table of machines and the order they give") {
  auto meta = VariantMetadata::parse(kIndexJson, "foo-1.0-variants.json");
  std::vector<std::string> all = {"x8664v3_openblas", "x8664v4_mkl", "x8664v3", "cuda12.8", "cuda13.0", "null"};
  struct Row {
    const char* what;
    SupportedProperties sup;
    std::vector<std::string> order;
  };
  std::vector<Row> rows = {
      {"CPU only, no x86_64 or blas provider: null alone", machine({}, {}, {}), {"null"}},
      {"x86-64-v3 without blas: the label without blas", machine({}, {"v3", "v2", "v1"}, {}), {"x8664v3", "null"}},
      // Same best x86_64 key (v3) and a blas key after it: the longer list wins the prefix tie.
      {"v3 + openblas", machine({}, {"v3", "v2", "v1"}, {"openblas"}), {"x8664v3_openblas", "x8664v3", "null"}},
      // v4 beats v3 on the first key already.
      {"v4 + mkl and openblas", machine({}, {"v4", "v3", "v2", "v1"}, {"openblas", "mkl"}),
       {"x8664v4_mkl", "x8664v3_openblas", "x8664v3", "null"}},
      // nvidia is the first namespace: any nvidia variant beats any x86_64 one.
      {"CUDA 13 driver, sm_120",
       machine({{"cuda_version_lower_bound", {"13.0", "12.9", "12.8"}}, {"sm_arch", {"120_real"}}}, {"v3", "v2", "v1"}, {}),
       {"cuda13.0", "x8664v3", "null"}},
      {"CUDA 12.8 driver, sm_86 (13.0 needs a newer driver and has no sm_86)",
       machine({{"cuda_version_lower_bound", {"12.8", "12.6"}}, {"sm_arch", {"86_real", "80_real"}}}, {}, {}),
       {"cuda12.8", "null"}},
      {"CUDA 13 driver, sm_90: both build for it, the newer lower bound is preferred",
       machine({{"cuda_version_lower_bound", {"13.0", "12.9", "12.8"}}, {"sm_arch", {"90_real"}}}, {}, {}),
       {"cuda13.0", "cuda12.8", "null"}},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    auto o = order_variants(meta, all, effective_properties(meta, {}, row.sup));
    CHECK(o.labels == row.order);
  }
}

TEST_CASE("ties: equal properties fall back to the label; null is last even against an empty variant") {
  auto meta = VariantMetadata::parse(R"({
    "$schema": "https://x/v0.1.1.json",
    "default-priorities": {"namespace": ["ns"]},
    "variants": {"b": {"ns": {"f": ["1"]}}, "a": {"ns": {"f": ["1"]}}, "empty": {}, "null": {}}
  })", "x");
  SupportedProperties s;
  s.add("ns", "f", {"1"}, "test");
  auto o = order_variants(meta, {"null", "empty", "b", "a"}, s);
  CHECK(o.labels == std::vector<std::string>{"a", "b", "empty", "null"});
}

TEST_CASE("default-priorities.property reorders supported values only") {
  auto meta = VariantMetadata::parse(R"({
    "$schema": "https://x/v0.1.1.json",
    "default-priorities": {"namespace": ["ns"], "property": {"ns": {"f": ["z", "x"]}}},
    "variants": {"vx": {"ns": {"f": ["x"]}}, "vy": {"ns": {"f": ["y"]}}, "vz": {"ns": {"f": ["z"]}}}
  })", "x");
  SupportedProperties s;
  s.add("ns", "f", {"y", "x"}, "test");  // the machine prefers y, has no z
  auto o = order_variants(meta, {"vx", "vy", "vz"}, s);
  CHECK(o.labels == std::vector<std::string>{"vx", "vy"});  // x first: the package's priority
  REQUIRE(o.unsupported.count("vz"));
  CHECK(o.unsupported.at("vz") == "needs ns :: f :: z; this machine has y, x");
}

TEST_CASE("unsupported variants say which property was missing") {
  auto meta = VariantMetadata::parse(kIndexJson, "x");
  SupportedProperties s = machine({{"cuda_version_lower_bound", {"13.0", "12.8"}}, {"sm_arch", {"86_real"}}}, {}, {});
  auto o = order_variants(meta, {"cuda13.0", "x8664v3", "gone"}, effective_properties(meta, {}, s));
  CHECK(o.labels.empty());
  CHECK(o.unsupported.at("cuda13.0") == "needs nvidia :: sm_arch :: 90_real or nvidia :: sm_arch :: 120_real; "
                                        "this machine has 86_real");
  CHECK_THAT(o.unsupported.at("x8664v3"), Catch::Contains("no provider for namespace `x86_64`"));
  CHECK(o.unsupported.at("gone") == "not listed in the variants metadata");
}

TEST_CASE("PEP 850 provider order: static-properties, then the user's list, then native") {
  auto meta = VariantMetadata::parse(R"({
    "$schema": "https://x/v0.2.0.json",
    "default-priorities": {"namespace": ["nvidia", "openmp"]},
    "providers": {"openmp": {"static-properties": {"runtime": ["gnu", "llvm"]}},
                  "nvidia": {"requires": ["nvidia-variant-provider>=0.1"], "plugin-api": "nvidia_variant_provider.plugin:NvidiaVariantPlugin"}},
    "variants": {"gnu": {"openmp": {"runtime": ["gnu"]}}, "llvm": {"openmp": {"runtime": ["llvm"]}},
                 "cu": {"nvidia": {"sm_arch": ["90_real"]}}}
  })", "x");
  CHECK(meta.providers.at("nvidia").requires_.size() == 1);
  SupportedProperties native;
  native.add("nvidia", "sm_arch", {"86_real"}, "nvidia-smi");
  native.add("openmp", "runtime", {"llvm"}, "native");  // static-properties win over it
  SupportedProperties user = parse_user_properties("# target machine\nnvidia :: sm_arch :: 90_real\n\n", "props.txt");
  auto eff = effective_properties(meta, user, native);
  CHECK(eff.source.at("openmp") == "static-properties");
  CHECK(eff.source.at("nvidia") == "props.txt");
  auto o = order_variants(meta, {"gnu", "llvm", "cu"}, eff);
  CHECK(o.labels == std::vector<std::string>{"cu", "gnu", "llvm"});
  // Without the user's list the native provider decides: sm_86 has no kernel in `cu`.
  auto o2 = order_variants(meta, {"gnu", "llvm", "cu"}, effective_properties(meta, {}, native));
  CHECK(o2.labels == std::vector<std::string>{"gnu", "llvm"});
  CHECK_THROWS_WITH(parse_user_properties("nvidia :: sm_arch\n", "props.txt"), Catch::Contains("props.txt:1"));
}

TEST_CASE("abi_dependency: compatible, the build for the newest release first") {
  auto meta = VariantMetadata::parse(R"({
    "$schema": "https://x/v0.2.0.json", "default-priorities": {"namespace": ["nvidia"]},
    "variants": {"t28": {"abi_dependency": {"torch": ["2.8"]}}, "t210": {"abi_dependency": {"torch": ["2.10"]}},
                 "t29": {"abi_dependency": {"torch": ["2.9"]}},
                 "t210cu": {"abi_dependency": {"torch": ["2.10"]}, "nvidia": {"sm_arch": ["90_real"]}},
                 "bad": {"abi_dependency": {"torch": ["2.x"]}}}
  })", "x");
  auto o = order_variants(meta, {"t28", "t29", "t210", "bad"}, {});
  CHECK(o.labels == std::vector<std::string>{"t210", "t29", "t28"});
  CHECK_THAT(o.unsupported.at("bad"), Catch::Contains("not a release"));
  // A listed namespace ranks before abi_dependency.
  SupportedProperties s;
  s.add("nvidia", "sm_arch", {"90_real"}, "test");
  CHECK(order_variants(meta, {"t210", "t210cu"}, s).labels == std::vector<std::string>{"t210cu", "t210"});
  CHECK(abi_dependency_specifier("2.9") == "==2.9.*");
  CHECK(is_abi_dependency_value("2"));
  CHECK(is_abi_dependency_value("2.0.0"));
  CHECK_FALSE(is_abi_dependency_value("2.0.0.1"));
  CHECK_FALSE(is_abi_dependency_value("2.9rc1"));
}

TEST_CASE("variants: to_json reads back to the same metadata, pruned to the labels asked for") {
  auto m = VariantMetadata::parse(R"({"$schema": "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json",
    "default-priorities": {"namespace": ["nvidia", "x86_64"], "feature": {"nvidia": ["sm_arch"]}},
    "providers": {"x86_64": {"static-properties": {"level": ["v3", "v2"]}}},
    "variants": {"cuda12.8": {"nvidia": {"sm_arch": ["80_real", "90_real"]}}, "v3": {"x86_64": {"level": ["v3"]}},
                 "null": {}}})",
                                        "t");
  auto back = VariantMetadata::parse(m.to_json(), "back");
  CHECK(back.schema == m.schema);
  CHECK(back.namespace_priorities == m.namespace_priorities);
  CHECK(back.feature_priorities == m.feature_priorities);
  CHECK(back.variants == m.variants);
  REQUIRE(back.providers.count("x86_64"));
  CHECK(back.providers.at("x86_64").static_properties == m.providers.at("x86_64").static_properties);
  auto pruned = VariantMetadata::parse(m.to_json({"cuda12.8", "null"}), "pruned");
  CHECK(pruned.variants.size() == 2);
  CHECK(pruned.variants.count("v3") == 0);
}
