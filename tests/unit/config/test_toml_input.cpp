#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "ptinstall/config/toml_input.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;
using config::TomlInput;
namespace fs = std::filesystem;

TEST_CASE("pylock file names (PEP 751)") {
  CHECK(config::is_pylock_name("pylock.toml"));
  CHECK(config::is_pylock_name("/a/b/pylock.dev.toml"));
  CHECK(config::is_pylock_name("pylock.spam-1.toml"));
  CHECK_FALSE(config::is_pylock_name("pylock.a.b.toml"));
  CHECK_FALSE(config::is_pylock_name("pylock..toml"));
  CHECK_FALSE(config::is_pylock_name("mylock.toml"));
  CHECK_FALSE(config::is_pylock_name("pylock.txt"));
  CHECK_FALSE(config::is_pylock_name("pyproject.toml"));
}

TEST_CASE("a .toml input is a project or a lock, never nothing") {
  util::TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path() / name) << text;
    return dir.path() / name;
  };
  CHECK(config::classify_toml_input(write("pyproject.toml", "[tool.black]\n")) == TomlInput::Pyproject);
  CHECK(config::classify_toml_input(write("proj.toml", "[project]\nname = 'x'\n")) == TomlInput::Pyproject);
  CHECK(config::classify_toml_input(write("groups.toml", "[dependency-groups]\ndev = []\n")) == TomlInput::Pyproject);
  CHECK(config::classify_toml_input(write("pylock.toml", "")) == TomlInput::Pylock);
  CHECK(config::classify_toml_input(write("my.lock.toml", "lock-version = '1.0'\n")) == TomlInput::Pylock);
  auto other = write("settings.toml", "[tool.black]\nline-length = 1\n");
  CHECK_THROWS_WITH(config::classify_toml_input(other),
                    Catch::Contains("settings.toml is neither a pyproject.toml nor a pylock.toml"));
  CHECK_THROWS_WITH(config::classify_toml_input(write("bad.toml", "[x\n")), Catch::Contains("bad.toml:1: invalid TOML"));
  CHECK_THROWS_WITH(config::classify_toml_input(dir.path() / "missing.toml"), Catch::Contains("does not exist"));
}
