#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "ptinstall/python/environment.hpp"
#include "ptinstall/python/venv.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/subprocess.hpp"
#include "python_test_support.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

namespace {

const python::InterpreterInfo& real_info() {
  static const python::InterpreterInfo info = python::query_interpreter(test::real_python());
  return info;
}

std::string run_python(const fs::path& python, const std::string& code) {
  auto res = util::run_process({python.string(), "-c", code});
  REQUIRE(res);
  INFO(res->err);
  REQUIRE(res->exit_code == 0);
  return std::string(res->out.substr(0, res->out.find_last_not_of('\n') + 1));
}

}  // namespace

TEST_CASE("create_venv lays out a working environment", "[python][venv]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  util::TempDir tmp;
  const auto& info = real_info();
  python::VenvOptions opts;
  opts.path = tmp.path() / "env";
  auto r = python::create_venv(info, opts);
  fs::path env = tmp.path() / "env";
  std::string xy = info.short_version();

  CHECK(r.path == env);
  CHECK(r.python == env / "bin" / "python");
  CHECK(r.prompt == "env");
  CHECK_FALSE(r.replaced);
  CHECK(fs::is_symlink(env / "bin" / "python"));
  CHECK(fs::read_symlink(env / "bin" / "python") == info.base_executable);
  CHECK(fs::read_symlink(env / "bin" / "python3") == "python");
  CHECK(fs::read_symlink(env / "bin" / ("python" + xy)) == "python");
  CHECK(fs::is_directory(env / "lib" / ("python" + xy) / "site-packages"));
  CHECK(fs::is_directory(env / "include"));
#ifdef __linux__
  if (info.pointer_bits == 64) CHECK(fs::read_symlink(env / "lib64") == "lib");
#endif
  for (const char* script : {"activate", "activate.fish", "activate.csh"}) CHECK(fs::exists(env / "bin" / script));
  CHECK(util::read_file(env / ".gitignore").find("\n*\n") != std::string::npos);

  std::string cfg = util::read_file(env / "pyvenv.cfg");
  CHECK(cfg.find("home = " + info.base_executable.parent_path().string() + "\n") != std::string::npos);
  CHECK(cfg.find("implementation = CPython\n") != std::string::npos);
  CHECK(cfg.find("version_info = " + info.version + "\n") != std::string::npos);
  CHECK(cfg.find("include-system-site-packages = false\n") != std::string::npos);
  CHECK(cfg.find("ptinstall = ") != std::string::npos);
  CHECK(cfg.find("prompt") == std::string::npos);  // only written when given
  CHECK(python::is_venv_dir(env));

  // The environment's python knows it is one.
  CHECK(run_python(env / "bin" / "python", "import sys; print(sys.prefix != sys.base_prefix)") == "True");
  CHECK(fs::equivalent(run_python(env / "bin" / "python3", "import sys; print(sys.prefix)"), env));
  std::string site = run_python(env / "bin" / "python", "import sysconfig; print(sysconfig.get_paths()['purelib'])");
  CHECK(fs::equivalent(site, env / "lib" / ("python" + xy) / "site-packages"));

  // Querying the venv's interpreter resolves back to the base interpreter.
  auto venv_info = python::query_interpreter(env / "bin" / "python");
  CHECK(venv_info.is_venv);
  CHECK(venv_info.base_executable == info.base_executable);
  CHECK(fs::equivalent(venv_info.prefix, env));
  // Whatever the base interpreter says about PEP 668, its venv is ours to change.
  CHECK_NOTHROW(python::Environment::open(venv_info));
  CHECK(python::Environment::open(venv_info).is_venv());

  SECTION("a venv made from a venv's interpreter points at the base") {
    python::VenvOptions o2;
    o2.path = tmp.path() / "second";
    o2.prompt = "custom prompt";
    auto r2 = python::create_venv(venv_info, o2);
    CHECK(fs::read_symlink(tmp.path() / "second" / "bin" / "python") == info.base_executable);
    CHECK(r2.prompt == "custom prompt");
    CHECK(util::read_file(tmp.path() / "second" / "pyvenv.cfg").find("prompt = custom prompt\n") != std::string::npos);
    CHECK(util::read_file(tmp.path() / "second" / "bin" / "activate").find("VIRTUAL_ENV_PROMPT='custom prompt'") !=
          std::string::npos);
  }
  SECTION("an existing venv is replaced, keeping nothing of it") {
    test::write_text(env / "lib" / ("python" + xy) / "site-packages" / "old.py", "");
    auto again = python::create_venv(info, opts);
    CHECK(again.replaced);
    CHECK_FALSE(fs::exists(env / "lib" / ("python" + xy) / "site-packages" / "old.py"));
    CHECK(fs::exists(env / "pyvenv.cfg"));
  }
  SECTION("--clear also replaces it") {
    opts.clear = true;
    CHECK(python::create_venv(info, opts).replaced);
  }
}

TEST_CASE("create_venv refuses a non-empty directory that is not a venv", "[python][venv]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  util::TempDir tmp;
  fs::path dir = tmp.path() / "data";
  test::write_text(dir / "precious.txt", "keep me");
  python::VenvOptions opts;
  opts.path = dir;
  try {
    python::create_venv(real_info(), opts);
    FAIL("expected a refusal");
  } catch (const util::Error& e) {
    CHECK(std::string(e.what()).find("is not a virtual environment") != std::string::npos);
    CHECK(e.hint().find("--clear") != std::string::npos);
  }
  CHECK(fs::exists(dir / "precious.txt"));

  SECTION("a file in the way") {
    test::write_text(tmp.path() / "file", "x");
    opts.path = tmp.path() / "file";
    CHECK_THROWS_WITH(python::create_venv(real_info(), opts), Catch::Contains("not a directory"));
    opts.clear = true;
    python::create_venv(real_info(), opts);
    CHECK(python::is_venv_dir(tmp.path() / "file"));
  }
  SECTION("with --clear its contents go") {
    opts.clear = true;
    auto r = python::create_venv(real_info(), opts);
    CHECK_FALSE(r.replaced);
    CHECK_FALSE(fs::exists(dir / "precious.txt"));
    CHECK(python::is_venv_dir(dir));
  }
  SECTION("an empty directory is fine without --clear") {
    fs::create_directories(tmp.path() / "empty");
    opts.path = tmp.path() / "empty";
    python::create_venv(real_info(), opts);
    CHECK(python::is_venv_dir(tmp.path() / "empty"));
  }
  SECTION("--clear never clears the working directory") {
    auto old = fs::current_path();
    fs::current_path(dir);
    opts.clear = true;
    opts.path = ".";
    CHECK_THROWS_WITH(python::create_venv(real_info(), opts), Catch::Contains("contains the working directory"));
    fs::current_path(old);
    CHECK(fs::exists(dir / "precious.txt"));
  }
}

TEST_CASE("find_pip_wheel prefers the interpreter's bundled pip, newest first", "[python][venv]") {
  util::TempDir tmp;
  python::InterpreterInfo info;
  info.stdlib = tmp.path() / "stdlib";
  fs::path bundled = info.stdlib / "ensurepip" / "_bundled";
  fs::path shared = tmp.path() / "wheels";
  CHECK_FALSE(python::find_pip_wheel(info, {shared}));
  test::write_text(shared / "pip-23.0.1-py3-none-any.whl", "");
  test::write_text(shared / "setuptools-66.1.1-py3-none-any.whl", "");
  CHECK(python::find_pip_wheel(info, {shared}) == shared / "pip-23.0.1-py3-none-any.whl");
  test::write_text(bundled / "pip-9.0.1-py2.py3-none-any.whl", "");
  test::write_text(bundled / "pip-22.0.4-py3-none-any.whl", "");
  test::write_text(bundled / "pip-22.0.10-py3-none-any.whl", "");
  test::write_text(bundled / "__init__.py", "");
  CHECK(python::find_pip_wheel(info, {shared}) == bundled / "pip-22.0.10-py3-none-any.whl");
}

TEST_CASE("activation scripts quote the path and prompt", "[python][venv]") {
  std::string sh = python::activate_sh("/tmp/it's here", "my 'env'");
  CHECK(sh.find("VIRTUAL_ENV='/tmp/it'\\''s here'") != std::string::npos);
  CHECK(sh.find("VIRTUAL_ENV_PROMPT='my '\\''env'\\'''") != std::string::npos);
  CHECK(sh.find("deactivate ()") != std::string::npos);
  std::string fish = python::activate_fish("/tmp/it's\\here", "p");
  CHECK(fish.find("set -gx VIRTUAL_ENV '/tmp/it\\'s\\\\here'") != std::string::npos);
  std::string csh = python::activate_csh("/tmp/bang!", "p");
  CHECK(csh.find("setenv VIRTUAL_ENV '/tmp/bang\\!'") != std::string::npos);
}

TEST_CASE("the bash activation script works and deactivate undoes it", "[python][venv]") {
  std::string bash = util::find_on_path("bash");
  if (bash.empty()) { WARN("no bash: skipped"); return; }
  util::TempDir tmp;
  fs::path env = tmp.path() / "my env";
  test::write_text(env / "bin" / "activate", python::activate_sh(env, "my env"));
  std::string script = "PS1='$ '; PATH=/usr/bin:/bin; export PYTHONHOME=/ph; source \"" + (env / "bin/activate").string() +
                       "\"; echo \"$VIRTUAL_ENV|$VIRTUAL_ENV_PROMPT|${PATH%%:*}|${PYTHONHOME-unset}|$PS1\"; deactivate; "
                       "echo \"${VIRTUAL_ENV-unset}|$PATH|$PYTHONHOME|$PS1\"; type deactivate >/dev/null 2>&1 || echo gone";
  auto res = util::run_process({bash, "--norc", "--noprofile", "-c", script});
  REQUIRE(res);
  INFO(res->err);
  CHECK(res->exit_code == 0);
  CHECK(res->out == env.string() + "|my env|" + (env / "bin").string() + "|unset|(my env) $ \nunset|/usr/bin:/bin|/ph|$ \ngone\n");
}

TEST_CASE("--allow-existing keeps what is there; --relocatable and --system-site-packages in pyvenv.cfg",
          "[python][venv]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  util::TempDir tmp;
  fs::path dir = tmp.path() / "data";
  test::write_text(dir / "precious.txt", "keep me");
  test::write_text(dir / ".gitignore", "mine\n");
  python::VenvOptions opts;
  opts.path = dir;
  opts.allow_existing = true;
  opts.relocatable = true;
  opts.system_site_packages = true;
  auto r = python::create_venv(real_info(), opts);
  CHECK_FALSE(r.replaced);
  CHECK(util::read_file(dir / "precious.txt") == "keep me");
  CHECK(util::read_file(dir / ".gitignore") == "mine\n");
  CHECK(python::venv_is_relocatable(dir));
  CHECK(python::pyvenv_cfg_value(dir, "include-system-site-packages") == "true");
  CHECK(python::pyvenv_cfg_value(dir, "Include-System-Site-Packages") == "true");  // site.py lower-cases keys
  CHECK_FALSE(python::pyvenv_cfg_value(dir, "absent"));
  // Twice over itself: the links and scripts are rewritten, nothing is removed.
  test::write_text(dir / "lib" / "kept.txt", "x");
  python::create_venv(real_info(), opts);
  CHECK(fs::exists(dir / "lib" / "kept.txt"));
  CHECK(fs::read_symlink(dir / "bin" / "python3") == "python");
  // The relocatable activation script finds the environment from its own path.
  std::string sh = python::activate_sh(dir, "p", true);
  CHECK(sh.find("VIRTUAL_ENV=\"$(dirname -- \"$(dirname -- \"$(realpath -- \"$_PTINSTALL_SCRIPT\")\")\")\"") !=
        std::string::npos);
  CHECK(python::activate_sh(dir, "p", false).find("_PTINSTALL_SCRIPT") == std::string::npos);
  CHECK(python::activate_fish(dir, "p", true).find("set -gx VIRTUAL_ENV (dirname (dirname (realpath (status filename))))") !=
        std::string::npos);

  SECTION("a file in the way is still an error") {
    test::write_text(tmp.path() / "file", "x");
    opts.path = tmp.path() / "file";
    CHECK_THROWS_WITH(python::create_venv(real_info(), opts), Catch::Contains("not a directory"));
  }
}

TEST_CASE("the user site: where and when the interpreter imports from it", "[python][venv]") {
  python::InterpreterInfo info;
  info.major = 3;
  info.minor = 12;
  util::TempDir tmp;
  ::setenv("PYTHONUSERBASE", (tmp.path() / "ub").c_str(), 1);
  CHECK(python::user_site_packages(info) == tmp.path() / "ub" / "lib" / "python3.12" / "site-packages");
  ::unsetenv("PYTHONUSERBASE");
  CHECK(python::user_site_enabled(info));  // not a venv
  info.is_venv = true;
  info.prefix = tmp.path();
  test::write_text(tmp.path() / "pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = false\n");
  CHECK_FALSE(python::user_site_enabled(info));
  test::write_text(tmp.path() / "pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = true\n");
  CHECK(python::user_site_enabled(info));
  ::setenv("PYTHONNOUSERSITE", "1", 1);
  CHECK_FALSE(python::user_site_enabled(info));
  ::unsetenv("PYTHONNOUSERSITE");
}
