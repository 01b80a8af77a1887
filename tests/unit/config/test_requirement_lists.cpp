// uv's override-dependencies / constraint-dependencies / build-constraint-dependencies lists.
#include <catch2/catch.hpp>

#include "ptinstall/config/requirement_lists.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;

TEST_CASE("requirement lists of uv.toml and [tool.uv]", "[requirement_lists]") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml", "override-dependencies = [\"numpy<2\", \"torch==2.9.1; sys_platform == 'linux'\"]\n");
  auto list = config::read_requirement_list(dir.path() / "uv.toml", "override-dependencies");
  REQUIRE(list.size() == 2);
  CHECK(list[1].to_string() == "torch==2.9.1; sys_platform == \"linux\"");
  CHECK(config::read_requirement_list(dir.path() / "uv.toml", "constraint-dependencies").empty());
  util::write_file_atomic(dir.path() / "pyproject.toml",
                          "[project]\nname = \"x\"\nversion = \"1\"\n[tool.uv]\nconstraint-dependencies = [\"grpcio<1.65\"]\n");
  CHECK(config::read_requirement_list(dir.path() / "pyproject.toml", "constraint-dependencies").size() == 1);
  CHECK(config::read_requirement_list(dir.path() / "missing.toml", "override-dependencies").empty());
  util::write_file_atomic(dir.path() / "bad.toml", "build-constraint-dependencies = \"setuptools\"\n");
  CHECK_THROWS_WITH(config::read_requirement_list(dir.path() / "bad.toml", "build-constraint-dependencies"),
                    Catch::Contains("bad.toml: `build-constraint-dependencies` must be a list of requirements"));
  util::write_file_atomic(dir.path() / "bad.toml", "override-dependencies = [\"numpy <<< 2\"]\n");
  CHECK_THROWS_WITH(config::read_requirement_list(dir.path() / "bad.toml", "override-dependencies"),
                    Catch::Contains("bad.toml: `override-dependencies`: "));
}
