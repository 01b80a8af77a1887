#include <catch2/catch.hpp>
#include <filesystem>

#include "ptinstall/python/environment.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "python_test_support.hpp"

using namespace ptinstall;
using python::SchemeKind;
namespace fs = std::filesystem;

namespace {

python::InterpreterInfo fake_info(const fs::path& dir, bool is_venv, std::optional<fs::path> marker = std::nullopt) {
  test::make_fake_python(dir / "bin" / "python3", "3.11.4", dir, is_venv, marker);
  return python::query_interpreter(dir / "bin" / "python3");
}

const char* kDebianMarker = R"([externally-managed]
Error=To install Python packages system-wide, try apt install
 python3-xyz, where xyz is the package you are trying to
 install.

 If you wish to install a non-Debian-packaged Python package,
 create a virtual environment using python3 -m venv path/to/venv.
)";

}  // namespace

TEST_CASE("the interpreter's own scheme", "[python][environment]") {
  util::TempDir tmp;
  auto info = fake_info(tmp.path() / "venv", true);
  auto env = python::Environment::open(info);
  CHECK(env.kind() == SchemeKind::Interpreter);
  CHECK(env.is_venv());
  CHECK(env.root() == tmp.path() / "venv");
  CHECK(env.scheme() == info.paths);
  CHECK(env.lock_path() == tmp.path() / "venv" / ".ptinstall.lock");
}

TEST_CASE("--target: everything under the directory, as pip lays it out", "[python][environment]") {
  util::TempDir tmp;
  auto info = fake_info(tmp.path() / "sys", false);
  python::EnvironmentOptions opts;
  opts.target = tmp.path() / "tgt";
  auto env = python::Environment::open(info, opts);
  CHECK(env.kind() == SchemeKind::Target);
  CHECK_FALSE(env.is_venv());
  fs::path t = tmp.path() / "tgt";
  CHECK(env.root() == t);
  CHECK(env.scheme().purelib == t);
  CHECK(env.scheme().platlib == t);
  CHECK(env.scheme().scripts == t / "bin");
  CHECK(env.scheme().data == t);
  CHECK(env.scheme().include == t / "include");
  CHECK(env.lock_path() == t / ".ptinstall.lock");
  CHECK(python::target_scheme("/x") == python::SchemePaths{"/x", "/x", "/x/bin", "/x", "/x/include"});
}

TEST_CASE("--prefix: the interpreter's scheme under the prefix", "[python][environment]") {
  util::TempDir tmp;
  auto info = fake_info(tmp.path() / "sys", false);
  python::EnvironmentOptions opts;
  opts.prefix = tmp.path() / "pfx";
  auto env = python::Environment::open(info, opts);
  fs::path p = tmp.path() / "pfx";
  CHECK(env.kind() == SchemeKind::Prefix);
  CHECK(env.root() == p);
  CHECK(env.scheme().purelib == p / "lib/python3.11/site-packages");
  CHECK(env.scheme().platlib == p / "lib/python3.11/site-packages");
  CHECK(env.scheme().scripts == p / "bin");
  CHECK(env.scheme().data == p);
  CHECK(env.scheme().include == p / "include/python3.11");
  CHECK(env.lock_path() == p / ".ptinstall.lock");
}

TEST_CASE("relative --target and --prefix become absolute", "[python][environment]") {
  util::TempDir tmp;
  auto info = fake_info(tmp.path() / "sys", false);
  python::EnvironmentOptions opts;
  opts.target = "rel/dir";
  auto env = python::Environment::open(info, opts);
  CHECK(env.root().is_absolute());
  CHECK(env.root() == (fs::current_path() / "rel/dir").lexically_normal());
}

TEST_CASE("--target with --prefix is an error", "[python][environment]") {
  util::TempDir tmp;
  auto info = fake_info(tmp.path() / "sys", false);
  python::EnvironmentOptions opts;
  opts.target = "/a";
  opts.prefix = "/b";
  CHECK_THROWS_WITH(python::Environment::open(info, opts), Catch::Contains("--target and --prefix"));
}

TEST_CASE("PEP 668: an externally managed system python is refused", "[python][environment]") {
  util::TempDir tmp;
  fs::path marker = tmp.path() / "sys" / "lib" / "python3.11" / "EXTERNALLY-MANAGED";
  test::write_text(marker, kDebianMarker);
  auto info = fake_info(tmp.path() / "sys", false, marker);
  REQUIRE(info.externally_managed == marker);

  try {
    python::Environment::open(info);
    FAIL("expected a PEP 668 refusal");
  } catch (const util::Error& e) {
    std::string what = e.what();
    CHECK(what.find("externally managed") != std::string::npos);
    CHECK(what.find(marker.string()) != std::string::npos);
    CHECK(what.find("To install Python packages system-wide, try apt install\npython3-xyz") != std::string::npos);
    CHECK(what.find("install.\n\nIf you wish to install a non-Debian-packaged Python package,\ncreate a virtual") !=
          std::string::npos);
    CHECK(e.hint().find("--break-system-packages") != std::string::npos);
    CHECK(e.hint().find("ptinstall venv") != std::string::npos);
    CHECK(e.kind() == util::ErrorKind::Environment);
  }

  python::EnvironmentOptions opts;
  opts.break_system_packages = true;
  CHECK(python::Environment::open(info, opts).kind() == SchemeKind::Interpreter);

  python::EnvironmentOptions readonly;
  readonly.modify = false;
  CHECK_NOTHROW(python::Environment::open(info, readonly));

  python::EnvironmentOptions target;
  target.target = tmp.path() / "t";
  CHECK_NOTHROW(python::Environment::open(info, target));

  python::EnvironmentOptions prefix;
  prefix.prefix = tmp.path() / "p";
  CHECK_NOTHROW(python::Environment::open(info, prefix));

  // A system environment's lock lives in the temporary directory, not in its prefix.
  auto env = python::Environment::open(info, opts);
  CHECK(env.lock_path().parent_path() == fs::temp_directory_path());
  CHECK(env.lock_path().filename().string().rfind("ptinstall-", 0) == 0);
}

TEST_CASE("PEP 668 does not apply inside a venv", "[python][environment]") {
  util::TempDir tmp;
  fs::path marker = tmp.path() / "EXTERNALLY-MANAGED";
  test::write_text(marker, kDebianMarker);
  auto info = fake_info(tmp.path() / "venv", true, marker);
  CHECK_NOTHROW(python::Environment::open(info));
}

TEST_CASE("externally_managed_message", "[python][environment]") {
  CHECK(python::externally_managed_message("[externally-managed]\nError=one line\n", "/usr") == "one line");
  CHECK(python::externally_managed_message("[externally-managed]\nError = first\n  second\n\tthird\n", "/usr") ==
        "first\nsecond\nthird");
  CHECK(python::externally_managed_message("[externally-managed]\r\nError=crlf\r\n", "/usr") == "crlf");
  CHECK(python::externally_managed_message("[externally-managed]\nError=a\n\n b\n\n\n c\n\n[next]\nx=1\n", "/usr") ==
        "a\n\nb\n\n\nc");
  CHECK(python::externally_managed_message("[externally-managed]\nError=a\n\nError2=b\n", "/usr") == "a");
  CHECK(python::externally_managed_message("# comment\n[other]\nError=no\n[externally-managed]\nError=yes\n", "/usr") ==
        "yes");
  // No Error key, an empty one, or no file content: pip's generic text naming the prefix.
  for (const char* text : {"", "[externally-managed]\n", "[externally-managed]\nError=\n", "[other]\nError=x\n"}) {
    INFO(text);
    auto msg = python::externally_managed_message(text, "/usr");
    CHECK(msg.find("The Python environment under /usr is managed externally") == 0);
  }
}

TEST_CASE("Environment::lock excludes a second holder", "[python][environment]") {
  util::TempDir tmp;
  auto info = fake_info(tmp.path() / "venv", true);
  auto env = python::Environment::open(info);
  auto lock = env.lock();
  CHECK(lock.held());
  CHECK(fs::exists(env.lock_path()));
  CHECK_FALSE(util::FileLock::try_acquire(env.lock_path()).has_value());
  lock.release();
  CHECK(util::FileLock::try_acquire(env.lock_path()).has_value());
}

TEST_CASE("the real system python and PEP 668", "[python][environment]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  auto info = python::query_interpreter(test::real_python());
  if (info.is_venv) { WARN("python3 is a venv: skipped"); return; }
  if (info.externally_managed) {
    // Debian and Ubuntu: refused unless asked, with the distributor's text.
    CHECK_THROWS_WITH(python::Environment::open(info), Catch::Contains("externally managed"));
    python::EnvironmentOptions opts;
    opts.break_system_packages = true;
    CHECK_NOTHROW(python::Environment::open(info, opts));
  } else {
    CHECK_NOTHROW(python::Environment::open(info));
  }
}
