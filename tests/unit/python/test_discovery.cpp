#include <catch2/catch.hpp>
#include <filesystem>

#include "ptinstall/python/discovery.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "python_test_support.hpp"

using namespace ptinstall;
using python::DiscoverySource;
using python::PythonRequest;
namespace fs = std::filesystem;

namespace {

// A fake virtual environment: pyvenv.cfg and a fake bin/python3 of `version`.
fs::path make_venv(const fs::path& dir, const std::string& version) {
  test::write_text(dir / "pyvenv.cfg", "home = /usr/bin\n");
  test::make_fake_python(dir / "bin" / "python3", version, dir, true);
  return dir;
}

}  // namespace

TEST_CASE("parse_python_request", "[python][discovery]") {
  auto r = python::parse_python_request("3.12");
  CHECK(r.kind == PythonRequest::Kind::Version);
  CHECK(r.version == std::vector<int>{3, 12});
  CHECK(python::parse_python_request("3").version == std::vector<int>{3});
  CHECK(python::parse_python_request("3.12.1").version == std::vector<int>{3, 12, 1});
  CHECK(python::parse_python_request("python3.12").version == std::vector<int>{3, 12});
  CHECK(python::parse_python_request("python3").version == std::vector<int>{3});
  CHECK(python::parse_python_request("cpython3.11").version == std::vector<int>{3, 11});
  CHECK(python::parse_python_request("cpython@3.11").version == std::vector<int>{3, 11});
  CHECK(python::parse_python_request("cp312").version == std::vector<int>{3, 12});
  CHECK(python::parse_python_request(" 3.10 ").version == std::vector<int>{3, 10});
  auto any = python::parse_python_request("python");
  CHECK(any.kind == PythonRequest::Kind::Name);
  CHECK(any.name == "python3");
  auto pypy = python::parse_python_request("pypy3");
  CHECK(pypy.kind == PythonRequest::Kind::Name);
  CHECK(pypy.name == "pypy3");
  for (const char* path : {"/usr/bin/python3", "./venv", "../x/python", "~/envs/a", ".venv", "bin/python"}) {
    INFO(path);
    auto p = python::parse_python_request(path);
    CHECK(p.kind == PythonRequest::Kind::Path);
    CHECK(p.path == fs::path(path));
  }
  CHECK_THROWS_AS(python::parse_python_request(""), util::Error);
  CHECK_THROWS_AS(python::parse_python_request("   "), util::Error);
}

TEST_CASE("version requests match by prefix", "[python][discovery]") {
  python::InterpreterInfo info;
  info.major = 3, info.minor = 12, info.micro = 1;
  CHECK(python::parse_python_request("3").matches(info));
  CHECK(python::parse_python_request("3.12").matches(info));
  CHECK(python::parse_python_request("3.12.1").matches(info));
  CHECK_FALSE(python::parse_python_request("3.12.2").matches(info));
  CHECK_FALSE(python::parse_python_request("3.1").matches(info));
  CHECK_FALSE(python::parse_python_request("2").matches(info));
}

TEST_CASE("find_environment: VIRTUAL_ENV, then CONDA_PREFIX, then .venv upward", "[python][discovery]") {
  util::TempDir tmp;
  fs::path root = tmp.path();
  fs::path project = root / "project";
  fs::path deep = project / "src" / "pkg";
  fs::create_directories(deep);
  make_venv(project / ".venv", "3.11.4");
  make_venv(root / "active", "3.12.1");
  make_venv(root / "conda", "3.10.2");

  SECTION("VIRTUAL_ENV wins") {
    auto ctx = test::fake_context(deep, {{"VIRTUAL_ENV", (root / "active").string()},
                                         {"CONDA_PREFIX", (root / "conda").string()}});
    auto d = python::find_environment({}, ctx);
    CHECK(d.source == DiscoverySource::VirtualEnv);
    CHECK(d.origin == root / "active");
    CHECK(d.interpreter.version == "3.12.1");
  }
  SECTION("a relative VIRTUAL_ENV is taken from the working directory") {
    auto ctx = test::fake_context(root, {{"VIRTUAL_ENV", "active"}});
    CHECK(python::find_environment({}, ctx).interpreter.version == "3.12.1");
  }
  SECTION("an empty VIRTUAL_ENV counts as unset") {
    auto ctx = test::fake_context(deep, {{"VIRTUAL_ENV", ""}});
    CHECK(python::find_environment({}, ctx).source == DiscoverySource::DotVenv);
  }
  SECTION("CONDA_PREFIX next") {
    auto ctx = test::fake_context(deep, {{"CONDA_PREFIX", (root / "conda").string()}});
    auto d = python::find_environment({}, ctx);
    CHECK(d.source == DiscoverySource::CondaPrefix);
    CHECK(d.interpreter.version == "3.10.2");
  }
  SECTION("conda's base environment is not a target by itself") {
    auto ctx = test::fake_context(deep, {{"CONDA_PREFIX", (root / "conda").string()}, {"CONDA_DEFAULT_ENV", "base"}});
    CHECK(python::find_environment({}, ctx).source == DiscoverySource::DotVenv);
  }
  SECTION(".venv in a parent of the working directory") {
    auto ctx = test::fake_context(deep, {});
    auto d = python::find_environment({}, ctx);
    CHECK(d.source == DiscoverySource::DotVenv);
    CHECK(d.origin == project / ".venv");
    CHECK(d.interpreter.version == "3.11.4");
    CHECK(d.interpreter.is_venv);
  }
  SECTION(".venv in the working directory itself") {
    auto ctx = test::fake_context(project, {});
    CHECK(python::find_environment({}, ctx).origin == project / ".venv");
  }
  SECTION("the nearest .venv wins") {
    make_venv(deep / ".venv", "3.9.1");
    auto ctx = test::fake_context(deep, {});
    CHECK(python::find_environment({}, ctx).interpreter.version == "3.9.1");
  }
  SECTION("VIRTUAL_ENV without an interpreter is an error naming it") {
    fs::create_directories(root / "broken");
    auto ctx = test::fake_context(deep, {{"VIRTUAL_ENV", (root / "broken").string()}});
    try {
      python::find_environment({}, ctx);
      FAIL("expected an error");
    } catch (const util::Error& e) {
      CHECK(std::string(e.what()).find("VIRTUAL_ENV") != std::string::npos);
      CHECK(std::string(e.what()).find((root / "broken").string()) != std::string::npos);
      CHECK(e.hint().find("ptinstall venv") != std::string::npos);
    }
  }
  SECTION("no environment at all: an error with a hint") {
    auto ctx = test::fake_context(root / "active" / "bin", {});
    fs::path elsewhere = root / "elsewhere";
    fs::create_directories(elsewhere);
    ctx.cwd = elsewhere;
    try {
      python::find_environment({}, ctx);
      FAIL("expected an error");
    } catch (const util::Error& e) {
      CHECK(std::string(e.what()) == "no virtual environment found");
      CHECK(e.hint().find("ptinstall venv") != std::string::npos);
      CHECK(e.hint().find("--system") != std::string::npos);
    }
  }
}

TEST_CASE("find_environment: --system takes the first non-venv python3 on PATH", "[python][discovery]") {
  util::TempDir tmp;
  fs::path root = tmp.path();
  make_venv(root / "venv", "3.12.1");
  test::make_fake_python(root / "sys1" / "python3", "3.11.2", "/usr");
  test::make_fake_python(root / "sys2" / "python3", "3.10.0", "/opt");
  make_venv(root / "project" / ".venv", "3.9.0");
  std::string path = (root / "venv" / "bin").string() + ":" + (root / "empty").string() + ":" + (root / "sys1").string() +
                     ":" + (root / "sys2").string();
  auto ctx = test::fake_context(root / "project", {{"PATH", path}, {"VIRTUAL_ENV", (root / "venv").string()}});
  python::DiscoveryRequest req;
  req.system = true;
  auto d = python::find_environment(req, ctx);
  CHECK(d.source == DiscoverySource::System);
  CHECK(d.interpreter.version == "3.11.2");
  CHECK(d.origin == root / "sys1" / "python3");

  // venv creation takes the first python3 even when it belongs to a venv (it uses its base).
  auto first = python::find_system_interpreter(ctx, true);
  CHECK(first.interpreter.version == "3.12.1");
  CHECK(first.interpreter.is_venv);

  auto none = test::fake_context(root, {{"PATH", (root / "empty").string()}});
  CHECK_THROWS_WITH(python::find_environment(req, none), Catch::Contains("no python3 found on PATH"));
}

TEST_CASE("find_environment: --python paths", "[python][discovery]") {
  util::TempDir tmp;
  fs::path root = tmp.path();
  make_venv(root / "envs" / "a", "3.8.10");
  test::make_fake_python(root / "bin" / "python3.13", "3.13.0", "/opt/py");
  auto ctx = test::fake_context(root, {{"VIRTUAL_ENV", (root / "ignored").string()}});
  python::DiscoveryRequest req;

  req.python = (root / "envs" / "a").string();
  auto d = python::find_environment(req, ctx);
  CHECK(d.source == DiscoverySource::PythonFlag);
  CHECK(d.interpreter.version == "3.8.10");

  req.python = "envs/a";  // relative to the working directory
  CHECK(python::find_environment(req, ctx).interpreter.version == "3.8.10");

  req.python = (root / "bin" / "python3.13").string();
  CHECK(python::find_environment(req, ctx).interpreter.version == "3.13.0");

  req.python = (root / "nothing").string();
  CHECK_THROWS_WITH(python::find_environment(req, ctx), Catch::Contains("does not exist"));

  fs::create_directories(root / "plain");
  req.python = (root / "plain").string();
  CHECK_THROWS_WITH(python::find_environment(req, ctx), Catch::Contains("no python interpreter found in"));
}

TEST_CASE("find_environment: --python versions search environments, PATH, then pyenv", "[python][discovery]") {
  util::TempDir tmp;
  fs::path root = tmp.path();
  test::make_fake_python(root / "path1" / "python3", "3.11.2", "/usr");
  test::make_fake_python(root / "path1" / "python3.11", "3.11.2", "/usr");
  test::make_fake_python(root / "path2" / "python3.12", "3.12.3", "/opt/312");
  test::make_fake_python(root / "pyenv" / "versions" / "3.9.18" / "bin" / "python3", "3.9.18", root / "pyenv/versions/3.9.18");
  test::make_fake_python(root / "pyenv" / "versions" / "3.9.7" / "bin" / "python3", "3.9.7", root / "pyenv/versions/3.9.7");
  test::make_fake_python(root / "pyenv" / "versions" / "3.12.0" / "bin" / "python3", "3.12.0", root / "pyenv/versions/3.12.0");
  make_venv(root / "project" / ".venv", "3.10.4");
  std::map<std::string, std::string> vars = {
      {"PATH", (root / "path1").string() + ":" + (root / "path2").string()}, {"PYENV_ROOT", (root / "pyenv").string()}};
  auto ctx = test::fake_context(root / "project", vars);
  auto find = [&](const std::string& request) {
    python::DiscoveryRequest req;
    req.python = request;
    return python::find_environment(req, ctx);
  };

  CHECK(find("3.12").interpreter.version == "3.12.3");  // PATH before pyenv
  CHECK(find("python3.12").interpreter.version == "3.12.3");
  CHECK(find("3.12.0").interpreter.version == "3.12.0");  // only pyenv has it
  CHECK(find("3.11").interpreter.version == "3.11.2");
  CHECK(find("3.9").interpreter.version == "3.9.18");     // newest pyenv version first
  CHECK(find("3.9.7").interpreter.version == "3.9.7");
  CHECK(find("3.10").interpreter.version == "3.10.4");    // the project's .venv matches
  CHECK(find("3.10").source == DiscoverySource::DotVenv);
  CHECK(find("3").interpreter.version == "3.10.4");       // environments come first
  CHECK_THROWS_WITH(find("3.7"), Catch::Contains("no interpreter found for Python 3.7"));

  SECTION("with --system the environments are skipped") {
    python::DiscoveryRequest req;
    req.python = "3";
    req.system = true;
    CHECK(python::find_environment(req, ctx).interpreter.version == "3.11.2");
  }
  SECTION("interpreters that fail are skipped") {
    test::write_text(root / "path0" / "python3.12", "#!/bin/sh\nexit 127\n", true);
    auto ctx2 = test::fake_context(root / "project", {{"PATH", (root / "path0").string() + ":" + vars["PATH"]},
                                                      {"PYENV_ROOT", vars["PYENV_ROOT"]}});
    python::DiscoveryRequest req;
    req.python = "3.12";
    CHECK(python::find_environment(req, ctx2).interpreter.version == "3.12.3");
  }
}

TEST_CASE("pyenv_root", "[python][discovery]") {
  util::TempDir tmp;
  CHECK(python::pyenv_root(test::fake_context(tmp.path(), {{"PYENV_ROOT", "/x/pyenv"}})) == fs::path("/x/pyenv"));
  fs::create_directories(tmp.path() / ".pyenv" / "versions");
  CHECK(python::pyenv_root(test::fake_context(tmp.path(), {{"HOME", tmp.path().string()}, {"PATH", "/nonexistent"}})) ==
        tmp.path() / ".pyenv");
  CHECK_FALSE(python::pyenv_root(test::fake_context(tmp.path(), {{"PATH", "/nonexistent"}})));
}

TEST_CASE("environment_executable", "[python][discovery]") {
  util::TempDir tmp;
  CHECK_FALSE(python::environment_executable(tmp.path()));
  test::write_text(tmp.path() / "bin" / "python", "#!/bin/sh\n", true);
  CHECK(python::environment_executable(tmp.path()) == tmp.path() / "bin" / "python");
  test::write_text(tmp.path() / "bin" / "python3", "#!/bin/sh\n", true);
  CHECK(python::environment_executable(tmp.path()) == tmp.path() / "bin" / "python3");
  test::write_text(tmp.path() / "other" / "bin" / "python3", "not executable");
  CHECK_FALSE(python::environment_executable(tmp.path() / "other"));
}

TEST_CASE("find_system_interpreter on the real PATH", "[python][discovery]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  auto ctx = python::DiscoveryContext::from_process();
  auto d = python::find_system_interpreter(ctx);
  CHECK(d.interpreter.major == 3);
  CHECK_FALSE(d.interpreter.is_venv);
}
