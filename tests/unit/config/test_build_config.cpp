// extra-build-dependencies from uv.toml and [tool.uv] of a pyproject.toml.
#include <catch2/catch.hpp>

#include "ptinstall/config/build_config.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;

TEST_CASE("extra-build-dependencies: strings and match-runtime tables, by normalised name") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml",
                          "[extra-build-dependencies]\n"
                          "Flash_Attn = [\"packaging>=22\", { requirement = \"torch\", match-runtime = true }]\n"
                          "deepspeed = [{ requirement = \"torch>=2\" }]\n");
  auto deps = config::read_extra_build_dependencies(dir.path() / "uv.toml");
  REQUIRE(deps.size() == 2);
  const auto& fa = deps.at("flash-attn");
  REQUIRE(fa.size() == 2);
  CHECK(fa[0].requirement.to_string() == "packaging>=22");
  CHECK_FALSE(fa[0].match_runtime);
  CHECK(fa[1].requirement.name == "torch");
  CHECK(fa[1].match_runtime);
  CHECK_FALSE(deps.at("deepspeed")[0].match_runtime);

  util::write_file_atomic(dir.path() / "pyproject.toml",
                          "[project]\nname = \"x\"\nversion = \"1\"\n"
                          "[tool.uv.extra-build-dependencies]\napex = [\"torch\"]\n");
  auto py = config::read_extra_build_dependencies(dir.path() / "pyproject.toml");
  REQUIRE(py.count("apex"));
  // A file without the table, or no file at all: nothing.
  util::write_file_atomic(dir.path() / "other.toml", "index-url = \"https://x/simple\"\n");
  CHECK(config::read_extra_build_dependencies(dir.path() / "other.toml").empty());
  CHECK(config::read_extra_build_dependencies(dir.path() / "missing.toml").empty());
  // Malformed entries name the file and the package.
  util::write_file_atomic(dir.path() / "bad.toml", "[extra-build-dependencies]\nfoo = [{ match-runtime = true }]\n");
  CHECK_THROWS_WITH(config::read_extra_build_dependencies(dir.path() / "bad.toml"),
                    Catch::Contains("bad.toml") && Catch::Contains("foo") && Catch::Contains("no `requirement`"));
  util::write_file_atomic(dir.path() / "bad2.toml", "[extra-build-dependencies]\nfoo = [\"not a requirement!\"]\n");
  CHECK_THROWS_WITH(config::read_extra_build_dependencies(dir.path() / "bad2.toml"), Catch::Contains("foo"));
}

TEST_CASE("config-settings tables: strings and lists; absent is nullopt") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml", "config-settings = { editable_mode = \"compat\", flags = [\"-a\", \"-b\"] }\n");
  auto cs = config::read_config_settings(dir.path() / "uv.toml");
  REQUIRE(cs);
  CHECK(cs->at("editable_mode") == std::vector<std::string>{"compat"});
  CHECK(cs->at("flags") == std::vector<std::string>{"-a", "-b"});
  util::write_file_atomic(dir.path() / "pyproject.toml", "[tool.uv.config-settings]\nkey = \"v\"\n");
  REQUIRE(config::read_config_settings(dir.path() / "pyproject.toml"));
  util::write_file_atomic(dir.path() / "none.toml", "no-build = true\n");
  CHECK_FALSE(config::read_config_settings(dir.path() / "none.toml"));
  util::write_file_atomic(dir.path() / "bad.toml", "config-settings = { n = 1 }\n");
  CHECK_THROWS_WITH(config::read_config_settings(dir.path() / "bad.toml"), Catch::Contains("config-settings.n"));
}

TEST_CASE("config-settings-package and extra-build-variables: per-package tables by normalised name") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml",
                          "[config-settings-package]\nNumPy = { editable_mode = \"compat\", flags = [\"a\", \"b\"] }\n"
                          "[extra-build-variables]\nFlash_Attn = { FLASH_ATTENTION_SKIP_CUDA_BUILD = \"TRUE\" }\n");
  auto cs = config::read_config_settings_package(dir.path() / "uv.toml");
  REQUIRE(cs.count("numpy"));
  CHECK(cs.at("numpy").at("editable_mode") == std::vector<std::string>{"compat"});
  CHECK(cs.at("numpy").at("flags") == std::vector<std::string>{"a", "b"});
  auto vars = config::read_extra_build_variables(dir.path() / "uv.toml");
  CHECK(vars.at("flash-attn").at("FLASH_ATTENTION_SKIP_CUDA_BUILD") == "TRUE");
  util::write_file_atomic(dir.path() / "pyproject.toml",
                          "[project]\nname = \"x\"\nversion = \"1\"\n[tool.uv.extra-build-variables]\napex = { A = \"1\" }\n");
  CHECK(config::read_extra_build_variables(dir.path() / "pyproject.toml").at("apex").at("A") == "1");
  CHECK(config::read_config_settings_package(dir.path() / "missing.toml").empty());
  util::write_file_atomic(dir.path() / "bad.toml", "[extra-build-variables]\nfoo = { A = [\"x\"] }\n");
  CHECK_THROWS_WITH(config::read_extra_build_variables(dir.path() / "bad.toml"),
                    Catch::Contains("extra-build-variables.foo.A: values are strings"));
  util::write_file_atomic(dir.path() / "bad.toml", "config-settings-package = { foo = 1 }\n");
  CHECK_THROWS_WITH(config::read_config_settings_package(dir.path() / "bad.toml"),
                    Catch::Contains("config-settings-package.foo is not a table"));
}
