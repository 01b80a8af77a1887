#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "ptinstall/spec/tags.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;
using ptinstall::util::Error;

namespace {

TagEnvironment linux_env(int major, int minor, std::string arch = "x86_64", std::pair<int, int> glibc = {2, 28}) {
  TagEnvironment e;
  e.py_major = major;
  e.py_minor = minor;
  e.os = "linux";
  e.arch = std::move(arch);
  e.glibc = glibc;
  return e;
}

std::vector<std::string> strings(const std::vector<Tag>& tags) {
  std::vector<std::string> out;
  for (const auto& t : tags) out.push_back(t.to_string());
  return out;
}

std::size_t index_of(const std::vector<std::string>& v, const std::string& s) {
  auto it = std::find(v.begin(), v.end(), s);
  REQUIRE(it != v.end());
  return static_cast<std::size_t>(it - v.begin());
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("Tag parses and prints one triple") {
  auto t = Tag::parse("cp312-abi3-manylinux_2_28_x86_64");
  CHECK(t.interpreter == "cp312");
  CHECK(t.abi == "abi3");
  CHECK(t.platform == "manylinux_2_28_x86_64");
  CHECK(t.to_string() == "cp312-abi3-manylinux_2_28_x86_64");
  CHECK(t == Tag{"cp312", "abi3", "manylinux_2_28_x86_64"});
  CHECK_FALSE(t == Tag{"cp312", "abi3", "manylinux_2_17_x86_64"});
  for (const char* bad : {"", "py3", "py3-none", "py3-none-any-x", "py3--any", "-none-any", "py3-none-"})
    CHECK_THROWS_AS(Tag::parse(bad), Error);
  CHECK_THROWS_AS(Tag::parse("py2.py3-none-any"), Error);
}

TEST_CASE("compressed tag sets expand interpreters x abis x platforms") {
  CHECK(strings(parse_tag_set("py2.py3-none-any")) == std::vector<std::string>{"py2-none-any", "py3-none-any"});
  CHECK(strings(parse_tag_set("cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64")) ==
        std::vector<std::string>{"cp312-cp312-manylinux_2_27_x86_64", "cp312-cp312-manylinux_2_28_x86_64"});
  auto four = parse_tag_set("cp39-abi3-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64");
  REQUIRE(four.size() == 4);
  CHECK(four[1].platform == "manylinux1_x86_64");
  auto cartesian = parse_tag_set("py2.py3-none.abi3-any.linux_x86_64");
  CHECK(strings(cartesian) == std::vector<std::string>{"py2-none-any", "py2-none-linux_x86_64", "py2-abi3-any",
                                                       "py2-abi3-linux_x86_64", "py3-none-any", "py3-none-linux_x86_64",
                                                       "py3-abi3-any", "py3-abi3-linux_x86_64"});
  CHECK(parse_tag_set("py3.py3-none-any").size() == 1);  // duplicates dropped
  for (const char* bad : {"py3-none", "py3..py2-none-any", "py3-none-any.", ".py3-none-any", "a-b-c-d"})
    CHECK_THROWS_AS(parse_tag_set(bad), Error);
}

TEST_CASE("manylinux tags on x86_64 go down to 2_5 with legacy aliases right after their twin") {
  auto p = platform_tags(linux_env(3, 12, "x86_64", {2, 17}));
  std::vector<std::string> expected{"manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux_2_16_x86_64",
                                    "manylinux_2_15_x86_64", "manylinux_2_14_x86_64", "manylinux_2_13_x86_64",
                                    "manylinux_2_12_x86_64", "manylinux2010_x86_64",  "manylinux_2_11_x86_64",
                                    "manylinux_2_10_x86_64", "manylinux_2_9_x86_64",  "manylinux_2_8_x86_64",
                                    "manylinux_2_7_x86_64",  "manylinux_2_6_x86_64",  "manylinux_2_5_x86_64",
                                    "manylinux1_x86_64",     "linux_x86_64"};
  CHECK(p == expected);
}

TEST_CASE("manylinux tags on i686 include all legacy aliases; other arches stop at 2_17") {
  auto i686 = platform_tags(linux_env(3, 11, "i686", {2, 31}));
  CHECK(i686.front() == "manylinux_2_31_i686");
  CHECK(i686.back() == "linux_i686");
  CHECK(contains(i686, "manylinux1_i686"));
  CHECK(index_of(i686, "manylinux2010_i686") == index_of(i686, "manylinux_2_12_i686") + 1);

  auto arm = platform_tags(linux_env(3, 12, "aarch64", {2, 28}));
  CHECK(arm.size() == 12 + 1 + 1);  // 2_28..2_17, manylinux2014, linux
  CHECK(arm[0] == "manylinux_2_28_aarch64");
  CHECK(arm[11] == "manylinux_2_17_aarch64");
  CHECK(arm[12] == "manylinux2014_aarch64");
  CHECK(arm[13] == "linux_aarch64");
  CHECK_FALSE(contains(arm, "manylinux_2_16_aarch64"));

  for (std::string arch : {"armv7l", "ppc64", "ppc64le", "s390x", "riscv64", "loongarch64"}) {
    auto tags = platform_tags(linux_env(3, 12, arch, {2, 17}));
    CHECK(tags == std::vector<std::string>{"manylinux_2_17_" + arch, "manylinux2014_" + arch, "linux_" + arch});
  }
}

TEST_CASE("glibc older than the manylinux floor and unknown arches give only linux_<arch>") {
  CHECK(platform_tags(linux_env(3, 12, "aarch64", {2, 16})) == std::vector<std::string>{"linux_aarch64"});
  CHECK(platform_tags(linux_env(3, 12, "x86_64", {2, 4})) == std::vector<std::string>{"linux_x86_64"});
  CHECK(platform_tags(linux_env(3, 12, "sparc64", {2, 36})) == std::vector<std::string>{"linux_sparc64"});
  auto e = linux_env(3, 12);
  e.glibc.reset();
  CHECK(platform_tags(e) == std::vector<std::string>{"linux_x86_64"});
}

TEST_CASE("linux arch aliases are normalised") {
  CHECK(platform_tags(linux_env(3, 12, "arm64", {2, 17})).front() == "manylinux_2_17_aarch64");
  CHECK(platform_tags(linux_env(3, 12, "AMD64", {2, 17})).front() == "manylinux_2_17_x86_64");
  CHECK(platform_tags(linux_env(3, 12, "i386", {2, 17})).front() == "manylinux_2_17_i686");
}

TEST_CASE("a future glibc major searches older majors from minor 50") {
  auto p = platform_tags(linux_env(3, 12, "x86_64", {3, 1}));
  CHECK(p[0] == "manylinux_3_1_x86_64");
  CHECK(p[1] == "manylinux_3_0_x86_64");
  CHECK(p[2] == "manylinux_2_50_x86_64");
  CHECK(p.back() == "linux_x86_64");
  CHECK(p.size() == 2 + 46 + 3 + 1);  // 3_1,3_0; 2_50..2_5; three aliases; linux
}

TEST_CASE("musllinux tags count down to minor 0, after manylinux and before linux") {
  auto e = linux_env(3, 12);
  e.glibc.reset();
  e.musl = {1, 2};
  CHECK(platform_tags(e) == std::vector<std::string>{"musllinux_1_2_x86_64", "musllinux_1_1_x86_64",
                                                     "musllinux_1_0_x86_64", "linux_x86_64"});
  e.glibc = {2, 17};
  auto both = platform_tags(e);
  CHECK(index_of(both, "manylinux1_x86_64") < index_of(both, "musllinux_1_2_x86_64"));
  CHECK(both.back() == "linux_x86_64");
}

TEST_CASE("macOS 11+ on arm64: newest major first, then universal2 for 10.16 down to 10.4") {
  TagEnvironment e;
  e.py_major = 3;
  e.py_minor = 12;
  e.os = "macos";
  e.arch = "arm64";
  e.macos = {14, 2};
  auto p = platform_tags(e);
  std::vector<std::string> head{"macosx_14_0_arm64", "macosx_14_0_universal2", "macosx_13_0_arm64",
                                "macosx_13_0_universal2", "macosx_12_0_arm64", "macosx_12_0_universal2",
                                "macosx_11_0_arm64", "macosx_11_0_universal2", "macosx_10_16_universal2"};
  REQUIRE(p.size() == 8 + 13);
  CHECK(std::vector<std::string>(p.begin(), p.begin() + 9) == head);
  CHECK(p.back() == "macosx_10_4_universal2");
  CHECK_FALSE(contains(p, "macosx_10_9_arm64"));
  e.arch = "aarch64";  // alias
  CHECK(platform_tags(e) == p);
}

TEST_CASE("macOS on x86_64 includes fat formats, 10.x releases down to 10.4") {
  TagEnvironment e;
  e.os = "macos";
  e.arch = "x86_64";
  e.macos = {10, 15};
  auto p = platform_tags(e);
  CHECK(std::vector<std::string>(p.begin(), p.begin() + 6) ==
        std::vector<std::string>{"macosx_10_15_x86_64", "macosx_10_15_intel", "macosx_10_15_fat64",
                                 "macosx_10_15_fat32", "macosx_10_15_universal2", "macosx_10_15_universal"});
  CHECK(p.size() == 12 * 6);  // 10.15 .. 10.4
  CHECK(p.back() == "macosx_10_4_universal");
  e.macos = {12, 6};
  auto p12 = platform_tags(e);
  CHECK(p12.front() == "macosx_12_0_x86_64");
  CHECK(contains(p12, "macosx_11_0_intel"));
  CHECK(contains(p12, "macosx_10_9_x86_64"));
  CHECK(p12.size() == 2 * 6 + 13 * 6);
  e.macos.reset();  // defaults to 13.0, uv's oldest non-EOL release
  CHECK(platform_tags(e).front() == "macosx_13_0_x86_64");
}

TEST_CASE("Windows and unknown systems") {
  TagEnvironment e;
  e.os = "windows";
  for (auto [arch, tag] : std::vector<std::pair<std::string, std::string>>{
           {"x86_64", "win_amd64"}, {"AMD64", "win_amd64"}, {"x86", "win32"}, {"i686", "win32"},
           {"arm64", "win_arm64"}, {"aarch64", "win_arm64"}}) {
    e.arch = arch;
    CHECK(platform_tags(e) == std::vector<std::string>{tag});
  }
  e.os = "plan9";
  CHECK(platform_tags(e).empty());
  auto any_only = SupportedTags::for_environment(e);
  for (const auto& t : any_only.ordered()) CHECK(t.platform == "any");
}

TEST_CASE("CPython ranking follows packaging.sys_tags") {
  auto env = linux_env(3, 12, "x86_64", {2, 28});
  auto platforms = platform_tags(env);
  const std::size_t P = platforms.size();
  REQUIRE(P == 24 + 3 + 1);
  auto s = SupportedTags::for_environment(env);
  auto v = strings(s.ordered());
  // cp312 abi, abi3, none; abi3 for cp311..cp32; py312, py3, py311..py30 per platform; then -any.
  CHECK(v.size() == 13 * P + 14 * P + 1 + 14);
  CHECK(v[0] == "cp312-cp312-manylinux_2_28_x86_64");
  CHECK(v[P - 1] == "cp312-cp312-linux_x86_64");  // linux_<arch> last within each block (packaging 23)
  CHECK(v[P] == "cp312-abi3-manylinux_2_28_x86_64");
  CHECK(v[2 * P] == "cp312-none-manylinux_2_28_x86_64");
  CHECK(v[3 * P] == "cp311-abi3-manylinux_2_28_x86_64");
  CHECK(v[13 * P - 1] == "cp32-abi3-linux_x86_64");
  CHECK(v[13 * P] == "py312-none-manylinux_2_28_x86_64");
  CHECK(v[14 * P] == "py3-none-manylinux_2_28_x86_64");
  CHECK(v[15 * P] == "py311-none-manylinux_2_28_x86_64");
  CHECK(v[27 * P] == "cp312-none-any");
  CHECK(v[27 * P + 1] == "py312-none-any");
  CHECK(v[27 * P + 2] == "py3-none-any");
  CHECK(v.back() == "py30-none-any");
  CHECK_FALSE(contains(v, "cp31-abi3-linux_x86_64"));
  CHECK_FALSE(contains(v, "cp313-cp313-linux_x86_64"));
  // priority() agrees with the order.
  for (std::size_t i = 0; i < v.size(); i += 37) CHECK(s.priority(Tag::parse(v[i])) == i);
}

TEST_CASE("old CPython ABIs: 3.7 has the m flag, 2.7 has mu and no abi3") {
  auto e37 = linux_env(3, 7);
  e37.abi_flags = "m";
  auto v = strings(SupportedTags::for_environment(e37).ordered());
  CHECK(v[0] == "cp37-cp37m-manylinux_2_28_x86_64");
  CHECK(contains(v, "cp36-abi3-manylinux1_x86_64"));
  auto e27 = linux_env(2, 7, "x86_64", {2, 17});
  e27.abi_flags = "mu";
  auto v27 = strings(SupportedTags::for_environment(e27).ordered());
  CHECK(v27[0] == "cp27-cp27mu-manylinux_2_17_x86_64");
  for (const auto& t : v27) CHECK(t.find("abi3") == std::string::npos);
  CHECK(contains(v27, "py2-none-any"));
  CHECK(v27.back() == "py20-none-any");
}

TEST_CASE("debug builds also accept the non-debug ABI from 3.8; free-threaded builds get no abi3") {
  auto d = linux_env(3, 12, "x86_64", {2, 17});
  d.abi_flags = "d";
  auto v = strings(SupportedTags::for_environment(d).ordered());
  auto P = platform_tags(d).size();
  CHECK(v[0] == "cp312-cp312d-manylinux_2_17_x86_64");
  CHECK(v[P] == "cp312-cp312-manylinux_2_17_x86_64");
  CHECK(v[2 * P] == "cp312-abi3-manylinux_2_17_x86_64");

  auto t = linux_env(3, 13, "x86_64", {2, 17});
  t.abi_flags = "t";
  auto vt = strings(SupportedTags::for_environment(t).ordered());
  CHECK(vt[0] == "cp313-cp313t-manylinux_2_17_x86_64");
  CHECK(vt[P] == "cp313-none-manylinux_2_17_x86_64");
  for (const auto& tag : vt) CHECK(tag.find("abi3") == std::string::npos);

  auto td = t;
  td.abi_flags = "td";
  auto vtd = strings(SupportedTags::for_environment(td).ordered());
  CHECK(vtd[0] == "cp313-cp313td-manylinux_2_17_x86_64");
  CHECK(vtd[P] == "cp313-cp313t-manylinux_2_17_x86_64");
}

TEST_CASE("PyPy uses generic tags then pp3-none-any") {
  auto e = linux_env(3, 10, "x86_64", {2, 17});
  e.implementation = "pp";
  e.abi = "pypy310_pp73";
  auto s = SupportedTags::for_environment(e);
  auto v = strings(s.ordered());
  auto P = platform_tags(e).size();
  CHECK(v[0] == "pp310-pypy310_pp73-manylinux_2_17_x86_64");
  CHECK(v[P] == "pp310-none-manylinux_2_17_x86_64");
  CHECK(v[2 * P] == "py310-none-manylinux_2_17_x86_64");
  CHECK(contains(v, "pp3-none-any"));
  CHECK(index_of(v, "pp3-none-any") + 1 == index_of(v, "py310-none-any"));
  CHECK_FALSE(contains(v, "cp310-abi3-linux_x86_64"));
}

TEST_CASE("priority lookups: unsupported, case-insensitive, best of several, duplicates") {
  TagEnvironment mac;
  mac.py_major = 3;
  mac.py_minor = 12;
  mac.os = "macos";
  mac.arch = "arm64";
  mac.macos = {14, 0};
  auto s = SupportedTags::for_environment(mac);
  // Real torch macOS wheel: torch-2.9.1-cp312-none-macosx_11_0_arm64.whl
  CHECK(s.is_supported(Tag::parse("cp312-none-macosx_11_0_arm64")));
  CHECK_FALSE(s.is_supported(Tag::parse("cp312-cp312-manylinux_2_28_x86_64")));
  CHECK_FALSE(s.is_supported(Tag::parse("cp313-cp313-macosx_11_0_arm64")));
  CHECK(s.priority(Tag::parse("CP312-CP312-MACOSX_14_0_ARM64")) == 0u);
  auto a = s.priority(Tag::parse("py3-none-any"));
  auto b = s.priority(Tag::parse("cp312-abi3-macosx_11_0_arm64"));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*b < *a);
  CHECK(s.best_priority(parse_tag_set("py2.py3-none-any")) == a);
  CHECK(s.best_priority({Tag::parse("cp27-cp27m-win32"), Tag::parse("cp312-abi3-macosx_11_0_arm64")}) == b);
  CHECK_FALSE(s.best_priority({Tag::parse("cp27-cp27m-win32")}).has_value());
  CHECK_FALSE(s.best_priority({}).has_value());

  auto linux217 = SupportedTags::for_environment(linux_env(3, 12, "x86_64", {2, 17}));
  CHECK_FALSE(linux217.is_supported(Tag::parse("cp312-cp312-manylinux_2_28_x86_64")));
  CHECK(linux217.is_supported(Tag::parse("cp312-cp312-manylinux2014_x86_64")));

  auto custom = SupportedTags::from_ordered({Tag::parse("py3-none-any"), Tag::parse("cp312-none-any"),
                                             Tag::parse("py3-none-any")});
  CHECK(custom.size() == 3);
  CHECK(custom.priority(Tag::parse("py3-none-any")) == 0u);
  CHECK(custom.priority(Tag::parse("cp312-none-any")) == 1u);
}
