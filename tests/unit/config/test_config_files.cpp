#include <catch2/catch.hpp>

#include "support/errors.hpp"

#include <cstring>
#include <map>

#include "ptinstall/config/config_files.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;
using namespace ptinstall::config;
namespace fs = std::filesystem;

namespace {
struct Env {
  std::map<std::string, std::string> vars;
  std::function<const char*(const char*)> fn() {
    return [this](const char* n) -> const char* {
      auto it = vars.find(n);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};
}  // namespace

TEST_CASE("uv.toml: [pip] wins over the top level, arrays and booleans are read") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml",
                          "torch-backend = \"cpu\"\nextra-index-url = [\"https://a/simple\"]\noffline = true\n"
                          "[pip]\ntorch-backend = \"cu128\"\n");
  auto file = read_config_file(dir.path() / "uv.toml", Source::ProjectFile);
  Settings s;
  apply_config_files(s, kInstall, {file});
  CHECK(s.get("torch-backend") == "cu128");
  CHECK(s.get_list("extra-index-url") == std::vector<std::string>{"https://a/simple"});
  CHECK(s.flag("offline"));
  CHECK(s.find("torch-backend")->source == Source::ProjectFile);
}

TEST_CASE("pyproject.toml: [tool.ptinstall] > [tool.uv.pip] > [tool.uv]") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "pyproject.toml",
                          "[project]\nname = \"x\"\n[tool.uv]\ntorch-backend = \"cpu\"\nindex-strategy = \"unsafe-best-match\"\n"
                          "link-mode = \"copy\"\n[tool.uv.pip]\ntorch-backend = \"cu126\"\nlink-mode = \"hardlink\"\n"
                          "[tool.ptinstall]\nlink-mode = \"symlink\"\n");
  auto file = read_config_file(dir.path() / "pyproject.toml", Source::ProjectFile);
  Settings s;
  apply_config_files(s, kInstall, {file});
  CHECK(s.get("torch-backend") == "cu126");
  CHECK(s.get("index-strategy") == "unsafe-best-match");
  CHECK(s.get("link-mode") == "symlink");
}

TEST_CASE("wrong types and values are errors with the file and line") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml", "\noffline = \"yes\"\n");
  CHECK_THROWS_WITH(read_config_file(dir.path() / "uv.toml", Source::ProjectFile),
                    Catch::Contains("uv.toml:2: `offline` must be a boolean, not a string"));
  util::write_file_atomic(dir.path() / "uv.toml", "extra-index-url = \"https://x\"\n");
  CHECK_THROWS_WITH(read_config_file(dir.path() / "uv.toml", Source::ProjectFile),
                    Catch::Contains("must be an array of strings"));
  util::write_file_atomic(dir.path() / "uv.toml", "index-strategy = \"best\"\n");
  CHECK_THROWS_WITH(read_config_file(dir.path() / "uv.toml", Source::ProjectFile),
                    Catch::Contains("invalid value `best` for `index-strategy`"));
  util::write_file_atomic(dir.path() / "uv.toml", "offline = \n");
  CHECK_THROWS_WITH(read_config_file(dir.path() / "uv.toml", Source::ProjectFile), Catch::Contains("invalid TOML"));
}

TEST_CASE("project data keys are not settings; uv keys not implemented are skipped (with a warning)") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml",
                          "python-preference = \"managed\"\ndev-dependencies = []\n"
                          "[[index]]\nname = \"pytorch\"\nurl = \"https://x\"\n[sources]\n");
  auto file = read_config_file(dir.path() / "uv.toml", Source::ProjectFile);
  CHECK(file.values.empty());
}

TEST_CASE("a key nobody knows is an error with the file and line, and a suggestion") {
  util::TempDir dir;
  fs::path f = dir.path() / "uv.toml";
  util::write_file_atomic(f, "index-url = \"https://x/simple\"\n\n[pip]\nindex-strategi = \"first-index\"\n");
  std::string hint;
  CHECK(test::error_message([&] { read_config_file(f, Source::ProjectFile); }, &hint) ==
        f.string() + ":4: unknown key `index-strategi` in [pip]");
  CHECK(hint == "did you mean `index-strategy`?");
  CHECK(test::error_kind([&] { read_config_file(f, Source::ProjectFile); }) == "usage");
  util::write_file_atomic(f, "http-timeout = 5\n");  // a ptinstall setting, but only as a variable (as uv)
  CHECK(test::error_message([&] { read_config_file(f, Source::ProjectFile); }) ==
        f.string() + ":1: unknown key `http-timeout` in the top level");
}

TEST_CASE("discovery: nearest project file upward, then user, then system; precedence and list concatenation") {
  util::TempDir dir;
  fs::path project = dir.path() / "proj", sub = project / "a" / "b";
  fs::create_directories(sub);
  util::write_file_atomic(project / "pyproject.toml",
                          "[tool.uv]\nindex-url = \"https://project/simple\"\nextra-index-url = [\"https://p/simple\"]\n");
  util::write_file_atomic(dir.path() / "pyproject.toml", "[tool.uv]\nindex-url = \"https://outer/simple\"\n");
  util::write_file_atomic(dir.path() / "xdg" / "uv" / "uv.toml",
                          "index-url = \"https://user/simple\"\nextra-index-url = [\"https://u/simple\"]\nresolution = \"lowest\"\n");
  util::write_file_atomic(dir.path() / "etc" / "uv" / "uv.toml", "resolution = \"highest\"\nprerelease = \"allow\"\n");
  Env env;
  env.vars["XDG_CONFIG_HOME"] = (dir.path() / "xdg").string();
  Settings s;
  auto files = discover_config_files(s, {sub, env.fn(), dir.path() / "etc"});
  REQUIRE(files.size() == 3);
  CHECK(files[0].path == project / "pyproject.toml");
  CHECK(files[1].source == Source::UserFile);
  CHECK(files[2].source == Source::SystemFile);
  apply_config_files(s, kInstall, files);
  CHECK(s.get("index-url") == "https://project/simple");
  CHECK(s.get_list("extra-index-url") == std::vector<std::string>{"https://p/simple", "https://u/simple"});
  CHECK(s.get("resolution") == "lowest");
  CHECK(s.get("prerelease") == "allow");
}

TEST_CASE("a pyproject.toml without tool config is passed over; command line and env win") {
  util::TempDir dir;
  fs::path project = dir.path() / "proj";
  fs::create_directories(project);
  util::write_file_atomic(project / "pyproject.toml", "[project]\nname = \"x\"\n");
  util::write_file_atomic(dir.path() / "uv.toml", "torch-backend = \"cpu\"\n");
  Env env;
  Settings s;
  s.set("torch-backend", {{"cu128"}, Source::Environment, "UV_TORCH_BACKEND"});
  auto files = discover_config_files(s, {project, env.fn(), dir.path() / "none"});
  REQUIRE(files.size() == 1);
  CHECK(files[0].path == dir.path() / "uv.toml");
  apply_config_files(s, kInstall, files);
  CHECK(s.get("torch-backend") == "cu128");
}

TEST_CASE("--no-config and --config-file") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml", "torch-backend = \"cpu\"\n");
  util::write_file_atomic(dir.path() / "other.toml", "torch-backend = \"xpu\"\n");
  Env env;
  Settings off;
  off.set("no-config", {{"true"}, Source::CommandLine, "--no-config"});
  CHECK(discover_config_files(off, {dir.path(), env.fn(), dir.path()}).empty());
  Settings explicit_file;
  explicit_file.set("config-file", {{(dir.path() / "other.toml").string()}, Source::CommandLine, "--config-file"});
  auto files = discover_config_files(explicit_file, {dir.path(), env.fn(), dir.path()});
  REQUIRE(files.size() == 1);
  CHECK(files[0].values.at(0).second.values.at(0) == "xpu");
  Settings missing;
  missing.set("config-file", {{(dir.path() / "nope.toml").string()}, Source::CommandLine, "--config-file"});
  CHECK_THROWS_WITH(discover_config_files(missing, {dir.path(), env.fn(), dir.path()}), Catch::Contains("does not exist"));
}
