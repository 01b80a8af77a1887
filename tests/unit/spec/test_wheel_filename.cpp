#include <catch2/catch.hpp>

#include <string>

#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;
using ptinstall::util::Error;
using ptinstall::util::ErrorKind;

TEST_CASE("simple wheel filename") {
  auto w = WheelFilename::parse("requests-2.32.3-py3-none-any.whl");
  CHECK(w.name == "requests");
  CHECK(w.version == Version::from_string("2.32.3"));
  CHECK(w.version_text == "2.32.3");
  CHECK_FALSE(w.build.has_value());
  CHECK(w.python_tags == std::vector<std::string>{"py3"});
  CHECK(w.abi_tags == std::vector<std::string>{"none"});
  CHECK(w.platform_tags == std::vector<std::string>{"any"});
  REQUIRE(w.tags().size() == 1);
  CHECK(w.tags()[0] == Tag{"py3", "none", "any"});
  CHECK(w.to_string() == "requests-2.32.3-py3-none-any.whl");
}

TEST_CASE("local versions, raw and percent-encoded as in index URLs") {
  auto w = WheelFilename::parse("torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl");
  CHECK(w.version.local() == "cu128");
  CHECK(w.version.to_string() == "2.9.1+cu128");
  CHECK(w.tags() == std::vector<Tag>{{"cp312", "cp312", "manylinux_2_28_x86_64"}});
  auto enc = WheelFilename::parse("torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl");
  CHECK(enc == w);
  CHECK(enc.to_string() == "torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl");
  CHECK(WheelFilename::parse("torch-2.9.1%2bcpu-cp312-cp312-win_amd64.whl").version.local() == "cpu");
  auto rocm = WheelFilename::parse("torch-2.9.1+rocm6.4-cp312-cp312-manylinux_2_28_x86_64.whl");
  CHECK(rocm.version.local() == "rocm6.4");
}

TEST_CASE("legacy capitalised and dotted names are kept as written") {
  auto j = WheelFilename::parse("Jinja2-3.1.4-py3-none-any.whl");
  CHECK(j.name == "Jinja2");
  CHECK(j.normalized_name() == "jinja2");
  auto m = WheelFilename::parse("MarkupSafe-2.1.5-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
  CHECK(m.name == "MarkupSafe");
  CHECK(m.normalized_name() == "markupsafe");
  CHECK(m.platform_tags.size() == 2);
  CHECK(WheelFilename::parse("zope.interface-6.0-cp311-cp311-win_amd64.whl").normalized_name() == "zope-interface");
  CHECK(WheelFilename::parse("nvidia_cublas_cu12-12.8.4.1-py3-none-manylinux_2_27_x86_64.whl").normalized_name() ==
        "nvidia-cublas-cu12");
}

TEST_CASE("build tags") {
  auto w = WheelFilename::parse("foo-1.0-1-py3-none-any.whl");
  REQUIRE(w.build);
  CHECK(w.build->first == 1u);
  CHECK(w.build->second.empty());
  auto x = WheelFilename::parse("foo-1.0-01x-py3-none-any.whl");  // packaging: (1, 'x')
  REQUIRE(x.build);
  CHECK(x.build->first == 1u);
  CHECK(x.build->second == "x");
  CHECK(x.to_string() == "foo-1.0-1x-py3-none-any.whl");
  CHECK(WheelFilename::parse("foo-1.0-20240101custom_build-py3-none-any.whl").build->first == 20240101u);
  // Seven parts: the third is a build tag and must start with a digit.
  CHECK_THROWS_AS(WheelFilename::parse("foo-1.0-x-py3-none-any-null.whl"), Error);
  CHECK_THROWS_MATCHES(WheelFilename::parse("foo-1.0-x-py3-none-any-null.whl"), Error,
                       Catch::Predicate<Error>([](const Error& e) { return e.kind() == ErrorKind::Wheel; }));
  CHECK_THROWS_AS(WheelFilename::parse("foo-1.0-99999999999999999999999-py3-none-any.whl"), Error);
}

TEST_CASE("PEP 825 variant labels") {
  auto v = WheelFilename::parse("torch-2.13.0-cp312-cp312-manylinux_2_28_x86_64-cuda13.0.whl");
  CHECK(v.variant_label == "cuda13.0");
  CHECK(v.is_variant());
  CHECK_FALSE(v.build.has_value());
  CHECK(v.python_tags == std::vector<std::string>{"cp312"});
  CHECK(v.platform_tags == std::vector<std::string>{"manylinux_2_28_x86_64"});
  CHECK(v.to_string() == "torch-2.13.0-cp312-cp312-manylinux_2_28_x86_64-cuda13.0.whl");
  auto n = WheelFilename::parse("numpy-2.3.2-cp313-cp313t-musllinux_1_2_x86_64-null.whl");
  CHECK(n.variant_label == kNullVariantLabel);
  // Build tag and label together (seven parts).
  auto b = WheelFilename::parse("foo-1.0-2rc-py3-none-any-x86_64_v3.whl");
  REQUIRE(b.build.has_value());
  CHECK(b.build->first == 2u);
  CHECK(b.variant_label == "x86_64_v3");
  CHECK(b.to_string() == "foo-1.0-2rc-py3-none-any-x86_64_v3.whl");
  // Six parts, the third not digit-led: a Python tag followed by a label, as the PEP settles it.
  auto six = WheelFilename::parse("foo-1.0-x-py3-none-any.whl");
  CHECK_FALSE(six.build.has_value());
  CHECK(six.python_tags == std::vector<std::string>{"x"});
  CHECK(six.variant_label == "any");
  // Non-variant wheels have no label.
  CHECK_FALSE(WheelFilename::parse("foo-1.0-1-py3-none-any.whl").is_variant());
  // Labels: only 0-9, a-z, '_' and '.'; no length limit since the August 2026 text.
  CHECK(is_valid_variant_label("cu128_sm90.x"));
  CHECK(is_valid_variant_label("averyveryverylonglabelbeyondsixteen"));
  CHECK_FALSE(is_valid_variant_label(""));
  CHECK_FALSE(is_valid_variant_label("CUDA"));
  CHECK_FALSE(is_valid_variant_label("cu+1"));
  for (const char* bad : {"foo-1.0-py3-none-any-CUDA.whl", "foo-1.0-py3-none-any-cu+1.whl",
                          "foo-1.0-1-py3-none-any-.whl"}) {
    INFO(bad);
    CHECK_THROWS_AS(WheelFilename::parse(bad), Error);
  }
  // A digit-led Python tag with a label is rejected (the PEP's rule that removes the ambiguity).
  CHECK_THROWS_WITH(WheelFilename::parse("foo-1.0-1-3py-none-any-null.whl"),
                    Catch::Contains("starts with a digit"));
}

TEST_CASE("compressed tag sets expand") {
  auto w = WheelFilename::parse(
      "triton-3.5.1-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl");
  CHECK(w.tags() == std::vector<Tag>{{"cp312", "cp312", "manylinux_2_27_x86_64"},
                                     {"cp312", "cp312", "manylinux_2_28_x86_64"}});
  auto abi3 = WheelFilename::parse(
      "cryptography-43.0.0-cp39-abi3-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64."
      "manylinux2014_x86_64.whl");
  CHECK(abi3.tags().size() == 4);
  auto universal = WheelFilename::parse("six-1.16.0-py2.py3-none-any.whl");
  CHECK(universal.tags() == std::vector<Tag>{{"py2", "none", "any"}, {"py3", "none", "any"}});
  CHECK(universal.to_string() == "six-1.16.0-py2.py3-none-any.whl");
  auto many = WheelFilename::parse("x-1-cp311.cp312-cp311.cp312-a.b.c.whl");
  CHECK(many.tags().size() == 2 * 2 * 3);
}

TEST_CASE("wheel filenames choose against supported tags") {
  TagEnvironment env;
  env.py_major = 3;
  env.py_minor = 12;
  env.os = "linux";
  env.arch = "x86_64";
  env.glibc = std::pair{2, 17};
  auto s = SupportedTags::for_environment(env);
  auto old = WheelFilename::parse("numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
  auto new_glibc = WheelFilename::parse("torch-2.9.1-cp312-cp312-manylinux_2_28_x86_64.whl");
  auto pure = WheelFilename::parse("six-1.16.0-py2.py3-none-any.whl");
  REQUIRE(s.best_priority(old.tags()));
  CHECK_FALSE(s.best_priority(new_glibc.tags()));
  REQUIRE(s.best_priority(pure.tags()));
  CHECK(*s.best_priority(old.tags()) < *s.best_priority(pure.tags()));
}

TEST_CASE("invalid wheel filenames throw") {
  for (const char* bad : {"foo-1.0-py3-none-any.zip", "foo-1.0-py3-none-any.WHL", "foo-1.0-py3-none.whl",
                          "foo-1.0-py3-none-any-x-y.whl", "foo__bar-1.0-py3-none-any.whl",
                          "foo-bar-1.0-py3-none-any.whl", "foo-not_a_version-py3-none-any.whl",
                          "-1.0-py3-none-any.whl", "foo--py3-none-any.whl", "foo-1.0-py3--any.whl",
                          "foo-1.0-py3-none-any..x.whl", "fo o-1.0-py3-none-any.whl", "foo+x-1.0-py3-none-any.whl",
                          ".whl", "whl", ""}) {
    INFO(bad);
    CHECK_THROWS_AS(WheelFilename::parse(bad), Error);
  }
  try {
    WheelFilename::parse("foo-1.0-py3-none.whl");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).rfind("invalid wheel filename 'foo-1.0-py3-none.whl': ", 0) == 0);
  }
}

TEST_CASE("is_wheel_filename") {
  CHECK(is_wheel_filename("a-1-py3-none-any.whl"));
  CHECK_FALSE(is_wheel_filename("a-1.tar.gz"));
  CHECK_FALSE(is_wheel_filename(".whl"));
  CHECK_FALSE(is_wheel_filename("a.WHL"));
}
