#include <catch2/catch.hpp>

#include "ptinstall/build/build_system.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;

namespace {

std::filesystem::path tree_with(const util::TempDir& dir, std::initializer_list<std::pair<const char*, const char*>> files) {
  for (const auto& [name, text] : files) util::write_file_atomic(dir.path() / name, text);
  return dir.path();
}

}  // namespace

TEST_CASE("declared_project_name: pyproject's [project].name, even with a dynamic version", "[build]") {
  util::TempDir d;
  auto t = tree_with(d, {{"pyproject.toml", "[project]\nname = \"Flash-Attn\"\ndynamic = [\"version\"]\n"},
                         {"setup.py", "setup(name='other')\n"}});
  CHECK(build::declared_project_name(t) == "Flash-Attn");
  CHECK_FALSE(build::static_project_name(t).has_value());
}

TEST_CASE("declared_project_name: an sdist's PKG-INFO", "[build]") {
  util::TempDir d;
  auto t = tree_with(d, {{"PKG-INFO", "Metadata-Version: 2.1\nName: apex\nVersion: 0.1\n"}, {"setup.py", ""}});
  CHECK(build::declared_project_name(t) == "apex");
}

TEST_CASE("declared_project_name: setup.cfg's [metadata] name", "[build]") {
  util::TempDir d;
  auto t = tree_with(d, {{"setup.cfg", "[options]\nname = nope\n\n[metadata]\n# comment\nname = mmcv-lite\nversion = 1\n"},
                         {"setup.py", "from setuptools import setup\nsetup()\n"}});
  CHECK(build::declared_project_name(t) == "mmcv-lite");
}

TEST_CASE("declared_project_name: the one name literal of setup.py", "[build]") {
  util::TempDir d;
  SECTION("one literal (repeated the same way counts once)") {
    auto t = tree_with(d, {{"setup.py", "PACKAGE_NAME = 'x'\nsetup(\n    name = \"flash_attn\",\n    version=v,\n)\n"
                                        "# name='flash-attn' again\n"}});
    CHECK(build::declared_project_name(t) == "flash_attn");
  }
  SECTION("a variable, or two different literals: unknown") {
    auto t = tree_with(d, {{"setup.py", "setup(name=PACKAGE_NAME, ext_modules=[Ext(name='a._C'), Ext(name='b')])\n"}});
    CHECK_FALSE(build::declared_project_name(t).has_value());
  }
  SECTION("comparisons and other words are not assignments") {
    auto t = tree_with(d, {{"setup.py", "if name == 'x': pass\nfilename='y.txt'\nsetup(name='real')\n"}});
    CHECK(build::declared_project_name(t) == "real");
  }
  SECTION("nothing declared") {
    auto t = tree_with(d, {{"setup.py", "setup()\n"}});
    CHECK_FALSE(build::declared_project_name(t).has_value());
  }
}
