// uv's dependency-metadata entries from uv.toml and [tool.uv] of a pyproject.toml.
#include <catch2/catch.hpp>

#include "ptinstall/config/dependency_metadata.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;

TEST_CASE("dependency-metadata: entries of uv.toml and [tool.uv], as METADATA", "[dependency_metadata]") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml",
                          "[[dependency-metadata]]\nname = \"Flash_Attn\"\nversion = \"2.6.3\"\n"
                          "requires-dist = [\"torch\", \"einops; python_version >= '3.9'\"]\n"
                          "requires-python = \">=3.9\"\nprovides-extras = [\"test\"]\n"
                          "[[dependency-metadata]]\nname = \"apex\"\n");
  auto entries = config::read_dependency_metadata(dir.path() / "uv.toml");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].name == "Flash_Attn");
  CHECK(entries[0].version == std::optional<std::string>("2.6.3"));
  CHECK(entries[0].metadata_text("2.6.3") ==
        "Metadata-Version: 2.2\nName: Flash_Attn\nVersion: 2.6.3\nRequires-Python: >=3.9\nProvides-Extra: test\n"
        "Requires-Dist: torch\nRequires-Dist: einops; python_version >= '3.9'\n");
  CHECK_FALSE(entries[1].version);
  CHECK(entries[1].metadata_text("1.0") == "Metadata-Version: 2.2\nName: apex\nVersion: 1.0\n");

  util::write_file_atomic(dir.path() / "pyproject.toml",
                          "[project]\nname = \"x\"\nversion = \"1\"\n"
                          "[[tool.uv.dependency-metadata]]\nname = \"apex\"\nrequires-dist = [\"torch\"]\n");
  auto py = config::read_dependency_metadata(dir.path() / "pyproject.toml");
  REQUIRE(py.size() == 1);
  CHECK(py[0].requires_dist == std::vector<std::string>{"torch"});
  CHECK(config::read_dependency_metadata(dir.path() / "missing.toml").empty());

  auto error_of = [&](const std::string& text) {
    util::write_file_atomic(dir.path() / "bad.toml", text);
    try {
      config::read_dependency_metadata(dir.path() / "bad.toml");
    } catch (const util::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("dependency-metadata = 3\n"), Catch::Contains("`dependency-metadata` must be an array of tables"));
  CHECK_THAT(error_of("[[dependency-metadata]]\nversion = \"1\"\n"), Catch::Contains("entry 1 has no valid `name`"));
  CHECK_THAT(error_of("[[dependency-metadata]]\nname = \"a\"\nversion = \"one\"\n"),
             Catch::Contains("dependency-metadata `a`: `version` is not a version"));
  CHECK_THAT(error_of("[[dependency-metadata]]\nname = \"a\"\nrequires-dist = \"torch\"\n"),
             Catch::Contains("`requires-dist` must be a list of strings"));
  CHECK_THAT(error_of("[[dependency-metadata]]\nname = \"a\"\nrequires_dist = []\n"),
             Catch::Contains("unknown key `requires_dist`"));
}
