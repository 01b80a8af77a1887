#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/tags.hpp"
#include "python_test_support.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

namespace {

// The real interpreter's facts, queried once for the file (running Python is not free).
const python::InterpreterInfo& real_info() {
  static const python::InterpreterInfo info = python::query_interpreter(test::real_python());
  return info;
}

// A copy of the real interpreter is a distinct file with its own mtime, so touching it is safe.
fs::path copy_of_real_python(const fs::path& dir) {
  fs::create_directories(dir);
  fs::path exe = dir / "python3";
  fs::copy_file(test::real_python(), exe);
  return exe;
}

}  // namespace

TEST_CASE("querying a real interpreter reports its facts", "[python][interpreter]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  const auto& info = real_info();
  CHECK(info.major == 3);
  CHECK(info.minor >= 6);
  CHECK(info.version.rfind(std::to_string(info.major) + "." + std::to_string(info.minor), 0) == 0);
  CHECK(info.short_version() == std::to_string(info.major) + "." + std::to_string(info.minor));
  CHECK(info.display_name() == info.implementation_display + " " + info.version);
  CHECK(info.implementation_name == "cpython");
  CHECK(info.cache_tag == "cpython-" + std::to_string(info.major) + std::to_string(info.minor));
  CHECK(info.queried_path == fs::path(test::real_python()));
  CHECK(fs::exists(info.executable));
  CHECK(fs::exists(info.base_executable));
  CHECK(fs::equivalent(info.base_executable, info.executable));
  CHECK_FALSE(info.paths.purelib.empty());
  CHECK_FALSE(info.paths.scripts.empty());
  CHECK(fs::is_directory(info.stdlib));
  CHECK(info.pointer_bits == static_cast<int>(sizeof(void*) * 8));
  CHECK_FALSE(info.sysconfig_platform.empty());
  CHECK_FALSE(info.sys_path.empty());

  // Every PEP 508 marker, with values that agree with the rest of the answer.
  for (const char* key : {"python_version", "python_full_version", "os_name", "sys_platform", "platform_release",
                          "platform_system", "platform_version", "platform_machine",
                          "platform_python_implementation", "implementation_name", "implementation_version"})
    CHECK(info.markers.count(key) == 1);
  CHECK(info.markers.at("python_version") == info.short_version());
  CHECK(info.markers.at("python_full_version") == info.version);
  CHECK(info.markers.at("implementation_name") == "cpython");
  CHECK(info.markers.at("platform_python_implementation") == "CPython");
#ifdef __linux__
  CHECK(info.markers.at("sys_platform") == "linux");
  CHECK(info.markers.at("os_name") == "posix");
  CHECK(info.markers.at("platform_system") == "Linux");
  CHECK((info.glibc_version.empty() != info.musl_version.empty()));
  if (!info.glibc_version.empty()) CHECK(python::parse_major_minor(info.glibc_version).has_value());
  CHECK(info.macos_version.empty());
#endif
  // The SOABI names the version: cpython-311-x86_64-linux-gnu.
  CHECK(info.soabi.find("cpython-" + std::to_string(info.major) + std::to_string(info.minor)) == 0);
}

TEST_CASE("scheme templates give pip's --prefix and venv layouts", "[python][interpreter]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  const auto& info = real_info();
  REQUIRE_FALSE(info.placeholder.empty());
  auto p = info.prefix_paths("/opt/pfx");
  std::string xy = info.short_version();
  CHECK(p.purelib == fs::path("/opt/pfx/lib/python" + xy + "/site-packages"));
  CHECK(p.scripts == fs::path("/opt/pfx/bin"));
  CHECK(p.data == fs::path("/opt/pfx"));
  CHECK(p.include.string().rfind("/opt/pfx/include/python" + xy, 0) == 0);
  auto v = info.venv_paths("/work/.venv");
  CHECK(v.purelib == fs::path("/work/.venv/lib/python" + xy + "/site-packages"));
  CHECK(v.scripts == fs::path("/work/.venv/bin"));
  // Nothing of the placeholder survives.
  for (const auto& path : {p.purelib, p.platlib, p.scripts, p.data, p.include, v.purelib, v.platlib})
    CHECK(path.string().find("__ptinstall") == std::string::npos);
}

TEST_CASE("InterpreterInfo survives a JSON round trip", "[python][interpreter]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  const auto& info = real_info();
  auto again = python::InterpreterInfo::from_json(info.to_json());
  CHECK(again.executable == info.executable);
  CHECK(again.version == info.version);
  CHECK(again.markers == info.markers);
  CHECK(again.paths == info.paths);
  CHECK(again.prefix_template == info.prefix_template);
  CHECK(again.venv_template == info.venv_template);
  CHECK(again.externally_managed == info.externally_managed);
  CHECK(again.glibc_version == info.glibc_version);
  CHECK(again.sys_path == info.sys_path);
  CHECK(again.to_json() == info.to_json());
}

TEST_CASE("from_json rejects what is not a query answer", "[python][interpreter]") {
  CHECK_THROWS_AS(python::InterpreterInfo::from_json("not json"), util::Error);
  CHECK_THROWS_AS(python::InterpreterInfo::from_json("[1, 2]"), util::Error);
  CHECK_THROWS_AS(python::InterpreterInfo::from_json("{}"), util::Error);
  CHECK_THROWS_AS(python::InterpreterInfo::from_json(R"({"result": "success"})"), util::Error);
  CHECK_THROWS_WITH(
      python::InterpreterInfo::from_json(R"({"result": "error", "kind": "unsupported_python_version", "version": "2.7.18"})"),
      Catch::Contains("python 2.7.18 is not supported"));
}

TEST_CASE("parse_major_minor", "[python][interpreter]") {
  CHECK(python::parse_major_minor("2.36") == std::make_pair(2, 36));
  CHECK(python::parse_major_minor("1.2.4") == std::make_pair(1, 2));
  CHECK(python::parse_major_minor("14") == std::make_pair(14, 0));
  CHECK(python::parse_major_minor("10.15.7") == std::make_pair(10, 15));
  CHECK_FALSE(python::parse_major_minor(""));
  CHECK_FALSE(python::parse_major_minor("x.1"));
  CHECK_FALSE(python::parse_major_minor("2."));
  CHECK_FALSE(python::parse_major_minor("2-3"));
}

TEST_CASE("the interpreter cache: hit, invalidation on change, corrupt entries", "[python][interpreter][cache]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  util::TempDir tmp;
  fs::path cache = tmp.path() / "cache";
  fs::path exe = copy_of_real_python(tmp.path() / "bin");
  python::QueryOptions opts{cache};
  fs::path entry = python::interpreter_cache_path(cache, exe);
  CHECK(entry.parent_path() == cache / "interpreter-v1");
  CHECK(entry.extension() == ".json");
  CHECK_FALSE(fs::exists(entry));

  auto first = python::query_interpreter(exe, opts);
  REQUIRE(fs::exists(entry));
  CHECK(first.executable == exe);

  SECTION("a hit answers from the entry without running the interpreter") {
    // Plant a recognisable value in the entry: a hit returns it, a re-query would not.
    std::string text = util::read_file(entry);
    auto pos = text.find("\"platform_release\":\"");
    REQUIRE(pos != std::string::npos);
    text.insert(pos + std::string("\"platform_release\":\"").size(), "planted-");
    util::write_file_atomic(entry, text);
    auto hit = python::query_interpreter(exe, opts);
    CHECK(hit.markers.at("platform_release").rfind("planted-", 0) == 0);
    CHECK(hit.queried_path == exe);
    CHECK(hit.version == first.version);
  }

  SECTION("a changed mtime makes it query again") {
    std::string text = util::read_file(entry);
    auto pos = text.find("\"platform_release\":\"");
    text.insert(pos + std::string("\"platform_release\":\"").size(), "planted-");
    util::write_file_atomic(entry, text);
    fs::last_write_time(exe, fs::last_write_time(exe) - std::chrono::hours(1));
    auto again = python::query_interpreter(exe, opts);
    CHECK(again.markers.at("platform_release").rfind("planted-", 0) != 0);
    // And the entry was rewritten for the new mtime: now a hit.
    CHECK(util::read_file(entry).find("planted-") == std::string::npos);
  }

  SECTION("a changed size makes it query again") {
    std::string text = util::read_file(entry);
    auto pos = text.find("\"platform_release\":\"");
    text.insert(pos + std::string("\"platform_release\":\"").size(), "planted-");
    util::write_file_atomic(entry, text);
    auto mtime = fs::last_write_time(exe);
    {
      std::ofstream out(exe, std::ios::app | std::ios::binary);
      out << '\0';  // ELF files tolerate trailing bytes
    }
    fs::last_write_time(exe, mtime);
    auto again = python::query_interpreter(exe, opts);
    CHECK(again.markers.at("platform_release").rfind("planted-", 0) != 0);
  }

  SECTION("a corrupt entry is replaced by a fresh query") {
    for (std::string garbage : {std::string("{not json"), std::string(""), std::string("{\"path\": 1}"),
                                std::string("[]")}) {
      util::write_file_atomic(entry, garbage);
      auto again = python::query_interpreter(exe, opts);
      CHECK(again.version == first.version);
      CHECK(again.executable == exe);
      CHECK(util::read_file(entry) != garbage);
    }
  }

  SECTION("another path to the same interpreter has its own entry") {
    fs::path link = tmp.path() / "bin" / "python-link";
    fs::create_symlink(exe, link);
    CHECK(python::interpreter_cache_path(cache, link) != entry);
    auto via_link = python::query_interpreter(link, opts);
    CHECK(via_link.version == first.version);
    CHECK(fs::exists(python::interpreter_cache_path(cache, link)));
  }
}

TEST_CASE("a wrapper that runs another interpreter is not cached", "[python][interpreter][cache]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  util::TempDir tmp;
  fs::path shim = tmp.path() / "shim" / "python3";
  test::write_text(shim, "#!/bin/sh\nexec " + test::real_python() + " \"$@\"\n", true);
  fs::path cache = tmp.path() / "cache";
  auto info = python::query_interpreter(shim, python::QueryOptions{cache});
  CHECK(info.queried_path == shim);
  CHECK(info.executable != shim);
  CHECK_FALSE(fs::exists(python::interpreter_cache_path(cache, shim)));
}

TEST_CASE("query failures are errors naming the path", "[python][interpreter]") {
  util::TempDir tmp;
  CHECK_THROWS_WITH(python::query_interpreter(tmp.path() / "missing"), Catch::Contains("does not exist"));
  fs::path bad = tmp.path() / "bad";
  test::write_text(bad, "#!/bin/sh\necho oops >&2\nexit 3\n", true);
  CHECK_THROWS_WITH(python::query_interpreter(bad), Catch::Contains(bad.string()) && Catch::Contains("oops"));
  fs::path noise = tmp.path() / "noise";
  test::write_text(noise, "#!/bin/sh\necho hello\n", true);
  CHECK_THROWS_AS(python::query_interpreter(noise), util::Error);
  fs::path py2 = tmp.path() / "py2";
  test::write_text(py2, "#!/bin/sh\necho '{\"result\": \"error\", \"kind\": \"unsupported_python_version\", \"version\": \"2.7.18\"}'\n", true);
  CHECK_THROWS_WITH(python::query_interpreter(py2), Catch::Contains("2.7.18 is not supported"));
}

TEST_CASE("a module in the working directory cannot shadow the script's imports", "[python][interpreter]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  util::TempDir tmp;
  test::write_text(tmp.path() / "json.py", "raise SystemExit('shadowed')\n");
  auto old = fs::current_path();
  fs::current_path(tmp.path());
  auto info = python::query_interpreter(test::real_python());
  fs::current_path(old);
  CHECK(info.major == 3);
}

TEST_CASE("every pyenv CPython answers the query", "[python][interpreter][pyenv]") {
  const char* home = std::getenv("HOME");
  fs::path versions = std::getenv("PYENV_ROOT") ? fs::path(std::getenv("PYENV_ROOT")) / "versions"
                                                : fs::path(home ? home : "/nonexistent") / ".pyenv" / "versions";
  std::error_code ec;
  int seen = 0;
  for (const auto& dir : fs::directory_iterator(versions, ec)) {
    fs::path exe = dir.path() / "bin" / "python3";
    if (!fs::exists(exe)) continue;
    ++seen;
    INFO(exe.string());
    auto info = python::query_interpreter(exe);
    CHECK(info.major == 3);
    CHECK(dir.path().filename().string().rfind(info.version, 0) == 0);
    CHECK(info.base_executable.filename() == "python" + info.short_version());
    CHECK(info.prefix_paths("/p").purelib == fs::path("/p/lib/python" + info.short_version() + "/site-packages"));
    CHECK(info.markers.at("python_full_version") == info.version);
    CHECK_FALSE(info.is_venv);
    CHECK_FALSE(info.externally_managed.has_value());
  }
  if (seen == 0) SUCCEED("no pyenv versions here");
}

TEST_CASE("conversions to the spec layer", "[python][interpreter][spec]") {
  if (test::real_python().empty()) { WARN("no python3: skipped"); return; }
  const auto& info = real_info();
  auto markers = info.marker_environment();
  CHECK(markers.values.size() == 11);
  CHECK(markers.get("python_version") == info.short_version());
  CHECK(markers.get("sys_platform") == info.markers.at("sys_platform"));

  auto tags = info.tag_environment();
  CHECK(tags.implementation == "cp");
  CHECK(tags.py_major == info.major);
  CHECK(tags.py_minor == info.minor);
  CHECK(tags.abi_flags == info.abiflags);
  CHECK(tags.abi.empty());
#ifdef __linux__
  CHECK(tags.os == "linux");
  CHECK(tags.arch == info.markers.at("platform_machine"));
  CHECK(tags.glibc == python::parse_major_minor(info.glibc_version));
  CHECK_FALSE(tags.macos);
  // The interpreter supports its own cpXY ABI on its own platform.
  auto supported = spec::SupportedTags::for_environment(tags);
  std::string cp = "cp" + std::to_string(info.major) + std::to_string(info.minor);
  CHECK(supported.priority(spec::Tag{cp, cp + info.abiflags, "linux_" + tags.arch}).has_value());
  CHECK(supported.priority(spec::Tag{"py3", "none", "any"}).has_value());
#endif
}

TEST_CASE("tag_environment for other implementations and platforms", "[python][interpreter][spec]") {
  python::InterpreterInfo pypy;
  pypy.implementation_name = "pypy";
  pypy.major = 3, pypy.minor = 10;
  pypy.ext_suffix = ".pypy310-pp73-x86_64-linux-gnu.so";
  pypy.sysconfig_platform = "linux-x86_64";
  pypy.markers = {{"sys_platform", "linux"}, {"platform_machine", "x86_64"}};
  pypy.glibc_version = "2.31";
  auto t = pypy.tag_environment();
  CHECK(t.implementation == "pp");
  CHECK(t.abi == "pypy310_pp73");
  CHECK(t.arch == "x86_64");
  CHECK(t.glibc == std::make_pair(2, 31));

  python::InterpreterInfo x32 = pypy;
  x32.implementation_name = "cpython";
  x32.pointer_bits = 32;
  CHECK(x32.tag_environment().arch == "i686");
  CHECK(x32.tag_environment().abi.empty());

  python::InterpreterInfo ft;
  ft.implementation_name = "cpython";
  ft.major = 3, ft.minor = 13;
  ft.gil_disabled = true;
  ft.abiflags = "t";
  CHECK(ft.tag_environment().abi_flags == "t");
  ft.abiflags = "";
  CHECK(ft.tag_environment().abi_flags == "t");

  python::InterpreterInfo mac;
  mac.implementation_name = "cpython";
  mac.sysconfig_platform = "macosx-11.0-arm64";
  mac.markers = {{"sys_platform", "darwin"}, {"platform_machine", "arm64"}};
  mac.macos_version = "14.2.1";
  auto m = mac.tag_environment();
  CHECK(m.os == "macos");
  CHECK(m.arch == "arm64");
  CHECK(m.macos == std::make_pair(14, 2));
  CHECK_FALSE(m.glibc);
}
