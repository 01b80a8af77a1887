#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ptinstall/ops/universal_space.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/spec/version.hpp"

using namespace ptinstall;
using ops::PythonRange;
using ops::UniversalPlatform;

namespace {

std::vector<std::string> texts(const std::vector<spec::Version>& vs) {
  std::vector<std::string> out;
  for (const auto& v : vs) out.push_back(v.to_string());
  return out;
}

const std::vector<UniversalPlatform> kPlatforms = {
    {"x86_64-manylinux_2_28", "linux", "x86_64"},   {"aarch64-manylinux_2_28", "linux", "aarch64"},
    {"x86_64-apple-darwin", "darwin", "x86_64"},    {"aarch64-apple-darwin", "darwin", "arm64"},
    {"x86_64-pc-windows-msvc", "win32", "AMD64"}};

std::vector<std::vector<bool>> grid(std::size_t ranges, const std::vector<std::vector<int>>& rows) {
  std::vector<std::vector<bool>> out;
  for (const auto& r : rows) {
    std::vector<bool> row(ranges);
    for (std::size_t i = 0; i < ranges; ++i) row[i] = r[i] != 0;
    out.push_back(row);
  }
  return out;
}

}  // namespace

TEST_CASE("python_split_points: where a marker can change its value") {
  using spec::Marker;
  CHECK(texts(ops::python_split_points(Marker::parse("python_version < '3.10'"))) == std::vector<std::string>{"3.10"});
  CHECK(texts(ops::python_split_points(Marker::parse("python_version >= '3.9'"))) == std::vector<std::string>{"3.9"});
  CHECK(texts(ops::python_split_points(Marker::parse("python_version <= '3.9'"))) == std::vector<std::string>{"3.10"});
  CHECK(texts(ops::python_split_points(Marker::parse("python_version > '3.9'"))) == std::vector<std::string>{"3.10"});
  CHECK(texts(ops::python_split_points(Marker::parse("python_version == '3.8'"))) ==
        std::vector<std::string>{"3.8", "3.9"});
  CHECK(texts(ops::python_split_points(Marker::parse("python_full_version >= '3.8.1'"))) ==
        std::vector<std::string>{"3.8.1"});
  CHECK(texts(ops::python_split_points(Marker::parse("'3.12' > python_version and sys_platform == 'linux'"))) ==
        std::vector<std::string>{"3.12"});
  CHECK(ops::python_split_points(Marker::parse("python_version == '3.*'")).empty());
  CHECK(ops::python_split_points(Marker::parse("sys_platform == 'win32'")).empty());
  CHECK(texts(ops::python_split_points(Marker::parse("python_version in '3.8 3.9'"))) ==
        std::vector<std::string>{"3.8", "3.9", "3.9", "3.10"});
}

TEST_CASE("python_axis: requires-python bounds and splits inside them") {
  auto axis = ops::python_axis(spec::SpecifierSet::parse(">=3.8,<3.13"), spec::Version::from_string("3.11"));
  CHECK(axis.lo.to_string() == "3.8");
  REQUIRE(axis.hi);
  CHECK(axis.hi->to_string() == "3.13");
  CHECK_FALSE(axis.split_at(spec::Version::from_string("3.8")));   // the lower bound itself
  CHECK_FALSE(axis.split_at(spec::Version::from_string("3.13")));  // at or past the upper bound
  CHECK_FALSE(axis.split_at(spec::Version::from_string("3.7")));
  CHECK(axis.split_at(spec::Version::from_string("3.10")));
  CHECK_FALSE(axis.split_at(spec::Version::from_string("3.10.0")));  // the same version
  CHECK(axis.split_at(spec::Version::from_string("3.9")));
  auto ranges = axis.ranges();
  REQUIRE(ranges.size() == 3);
  CHECK(ranges[0].lo.to_string() == "3.8");
  CHECK(ranges[0].hi->to_string() == "3.9");
  CHECK(ranges[2].lo.to_string() == "3.10");
  CHECK(ranges[2].hi->to_string() == "3.13");

  auto none = ops::python_axis(spec::SpecifierSet(), spec::Version::from_string("3.12"));
  CHECK(none.lo.to_string() == "3.12");
  CHECK_FALSE(none.hi);
  CHECK(ops::python_axis(spec::SpecifierSet::parse(">3.9"), spec::Version::from_string("3.12")).lo.to_string() == "3.10");
  CHECK(ops::python_axis(spec::SpecifierSet::parse("~=3.9.2"), spec::Version::from_string("3.12")).lo.to_string() ==
        "3.9.2");
}

TEST_CASE("cells_marker: the shortest marker for a set of platform x Python cells") {
  std::vector<PythonRange> one = {{spec::Version::from_string("3.9"), std::nullopt}};
  // Everywhere: no marker.
  CHECK(ops::cells_marker(kPlatforms, one, grid(1, {{1}, {1}, {1}, {1}, {1}})) == "");
  // One system, both machines.
  CHECK(ops::cells_marker(kPlatforms, one, grid(1, {{1}, {1}, {0}, {0}, {0}})) == "sys_platform == 'linux'");
  // Every system but one.
  CHECK(ops::cells_marker(kPlatforms, one, grid(1, {{1}, {1}, {1}, {1}, {0}})) == "sys_platform != 'win32'");
  CHECK(ops::cells_marker(kPlatforms, one, grid(1, {{0}, {0}, {0}, {0}, {1}})) == "sys_platform == 'win32'");
  // One machine of a system.
  CHECK(ops::cells_marker(kPlatforms, one, grid(1, {{1}, {0}, {0}, {0}, {0}})) ==
        "sys_platform == 'linux' and platform_machine == 'x86_64'");
  CHECK(ops::cells_marker(kPlatforms, one, grid(1, {{0}, {1}, {0}, {1}, {1}})) ==
        "sys_platform == 'win32' or sys_platform == 'linux' and platform_machine == 'aarch64' or sys_platform == "
        "'darwin' and platform_machine == 'arm64'");

  std::vector<PythonRange> three = {{spec::Version::from_string("3.8"), spec::Version::from_string("3.10")},
                                    {spec::Version::from_string("3.10"), spec::Version::from_string("3.12")},
                                    {spec::Version::from_string("3.12"), std::nullopt}};
  CHECK(ops::cells_marker(kPlatforms, three, grid(3, {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}})) ==
        "python_version < '3.10'");
  CHECK(ops::cells_marker(kPlatforms, three, grid(3, {{0, 1, 1}, {0, 1, 1}, {0, 1, 1}, {0, 1, 1}, {0, 1, 1}})) ==
        "python_version >= '3.10'");
  CHECK(ops::cells_marker(kPlatforms, three, grid(3, {{0, 1, 0}, {0, 1, 0}, {0, 1, 0}, {0, 1, 0}, {0, 1, 0}})) ==
        "python_version >= '3.10' and python_version < '3.12'");
  CHECK(ops::cells_marker(kPlatforms, three, grid(3, {{1, 0, 1}, {1, 0, 1}, {1, 0, 1}, {1, 0, 1}, {1, 0, 1}})) ==
        "python_version < '3.10' or python_version >= '3.12'");
  // Linux everywhere, the others from 3.10: grouped by ranges it is shorter.
  CHECK(ops::cells_marker(kPlatforms, three, grid(3, {{1, 1, 1}, {1, 1, 1}, {0, 1, 1}, {0, 1, 1}, {0, 1, 1}})) ==
        "sys_platform == 'linux' or python_version >= '3.10'");
  // Windows only before 3.10.
  CHECK(ops::cells_marker(kPlatforms, three, grid(3, {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {1, 0, 0}})) ==
        "sys_platform == 'win32' and python_version < '3.10'");
  // A full version bound is written as python_full_version.
  std::vector<PythonRange> full = {{spec::Version::from_string("3.8"), spec::Version::from_string("3.8.1")},
                                   {spec::Version::from_string("3.8.1"), std::nullopt}};
  CHECK(ops::cells_marker(kPlatforms, full, grid(2, {{0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}})) ==
        "python_full_version >= '3.8.1'");
}

TEST_CASE("cells_marker: cells outside the environments count as makes the marker shorter") {
  std::vector<PythonRange> one = {{spec::Version::from_string("3.9"), std::nullopt}};
  auto in = grid(1, {{1}, {1}, {1}, {1}, {0}});
  auto dont_care = grid(1, {{0}, {0}, {0}, {0}, {1}});
  CHECK(ops::cells_marker(kPlatforms, one, in, dont_care) == "");
  auto linux_only = grid(1, {{1}, {1}, {0}, {0}, {0}});
  CHECK(ops::cells_marker(kPlatforms, one, linux_only, dont_care) == "sys_platform == 'linux'");
}

TEST_CASE("marker_and / marker_or: parentheses where needed, empty means always") {
  CHECK(ops::marker_and({"a == '1'", "", "b == '2' or c == '3'"}) == "a == '1' and (b == '2' or c == '3')");
  CHECK(ops::marker_and({"", "x == '1'"}) == "x == '1'");
  CHECK(ops::marker_or({"a == '1' and b == '2'", "c == '3'"}) == "a == '1' and b == '2' or c == '3'");
  CHECK(ops::marker_or({"a == '1'", ""}) == "");
  CHECK(ops::marker_and({"(a == '1' or b == '2')", "c == '3'"}) == "(a == '1' or b == '2') and c == '3'");
}

TEST_CASE("cells_marker: platforms and ranges outside entirely are dropped from the marker") {
  std::vector<PythonRange> two = {{spec::Version::from_string("3.8"), spec::Version::from_string("3.10")},
                                  {spec::Version::from_string("3.10"), std::nullopt}};
  // Environments: Linux from 3.10. native 2.0 on Linux x86_64 there.
  auto in = grid(2, {{0, 1}, {0, 0}, {0, 0}, {0, 0}, {0, 0}});
  auto dont_care = grid(2, {{1, 0}, {1, 0}, {1, 1}, {1, 1}, {1, 1}});
  CHECK(ops::cells_marker(kPlatforms, two, in, dont_care) ==
        "sys_platform == 'linux' and platform_machine == 'x86_64'");
}

TEST_CASE("implementation_names: implementations a marker compares, as implementation_name spellings") {
  auto names = [](const char* m) { return ops::implementation_names(spec::Marker::parse(m)); };
  CHECK(names("implementation_name == 'pypy'") == std::vector<std::string>{"pypy"});
  CHECK(names("platform_python_implementation == 'CPython'") == std::vector<std::string>{"cpython"});
  CHECK(names("platform_python_implementation != 'PyPy' and sys_platform == 'linux'") == std::vector<std::string>{"pypy"});
  CHECK(names("implementation_name in 'pypy graalpy'") == std::vector<std::string>{"pypy", "graalpy"});
  CHECK(names("platform_python_implementation == 'GraalVM'") == std::vector<std::string>{"graalpy"});
  CHECK(names("sys_platform == 'linux' and python_version < '3.10'").empty());
}

TEST_CASE("implementation_parts: the first part holds CPython; the rest of the implementations is a part") {
  auto parts = ops::implementation_parts({});
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].marker.empty());
  CHECK(parts[0].implementation_name == "cpython");

  // Only PyPy named: CPython stands for every implementation but PyPy.
  parts = ops::implementation_parts({"pypy"});
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].implementation_name == "cpython");
  CHECK(parts[0].marker == "implementation_name != 'pypy'");
  CHECK(parts[1].implementation_name == "pypy");
  CHECK(parts[1].platform_python_implementation == "PyPy");
  CHECK(parts[1].marker == "implementation_name == 'pypy'");

  // CPython named: the others are a part of their own, resolved as an implementation named "other".
  parts = ops::implementation_parts({"cpython"});
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].marker == "implementation_name == 'cpython'");
  CHECK(parts[1].implementation_name == "other");
  CHECK(parts[1].marker == "implementation_name != 'cpython'");

  parts = ops::implementation_parts({"pypy", "cpython", "pypy"});
  REQUIRE(parts.size() == 3);
  CHECK(parts[2].marker == "implementation_name != 'cpython' and implementation_name != 'pypy'");
}
