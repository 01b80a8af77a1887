#include <catch2/catch.hpp>

#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "ptinstall/install/transaction.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/install/wheel_installer.hpp"
#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/link.hpp"
#include "ptinstall/util/thread_pool.hpp"
#include "unit/install/wheel_builder.hpp"

using namespace ptinstall;
using namespace ptinstall::install;
using test::WheelSpec;
using test::ZipItem;

namespace {

int mode_of(const fs::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_mode & 0777;
}

// path -> "mode:content" of every file and "dir" of every directory under root.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = e.path().lexically_relative(root).string();
    if (e.is_directory()) out[rel] = "dir";
    else out[rel] = std::to_string(mode_of(e.path())) + ":" + util::read_file(e.path());
  }
  return out;
}

struct Env {
  util::TempDir tmp;
  InstallScheme scheme;
  Cache cache = Cache::at(tmp.path() / "cache");
  WheelCache wheels{cache};
  Env() {
    fs::path v = tmp.path() / "venv";
    scheme.purelib = v / "lib/python3.11/site-packages";
    scheme.platlib = v / "lib64/python3.11/site-packages";
    scheme.scripts = v / "bin";
    scheme.data = v;
    scheme.headers = v / "include/site/python3.11";
    scheme.python = v / "bin/python";
    scheme.python_major = 3;
    scheme.python_minor = 11;
    fs::create_directories(scheme.purelib);
    fs::create_directories(scheme.platlib);
    fs::create_directories(scheme.scripts);
  }
  fs::path venv() const { return tmp.path() / "venv"; }
  WheelInfo unpack(const WheelSpec& w) {
    fs::create_directories(tmp.path() / "wheels");
    auto path = test::build_wheel(tmp.path() / "wheels", w);
    auto u = wheels.unpack_file(path);
    fs::remove(path);
    return WheelInfo::read(u.dir, path.filename().string());
  }
  InstalledWheel install(const WheelSpec& w, InstallOptions opts = {}, util::LinkMode mode = util::LinkMode::Clone) {
    auto info = unpack(w);
    util::Linker linker(mode);
    Transaction tx(scheme.roots());
    auto old = find_installed({scheme.purelib, scheme.platlib}, info.name);
    auto r = install_wheel(info, scheme, linker, tx, opts, old);
    tx.commit();
    return r;
  }
  std::map<std::string, spec::RecordEntry> record(const std::string& dist_info, bool plat = false) {
    std::map<std::string, spec::RecordEntry> out;
    for (auto& e : spec::parse_record(util::read_file((plat ? scheme.platlib : scheme.purelib) / dist_info / "RECORD")))
      out[e.path] = e;
    return out;
  }
};

WheelSpec demo(const std::string& version = "1.0") {
  WheelSpec w;
  w.version = version;
  w.files = {
      {"demo/__init__.py", "VERSION = '" + version + "'\n"},
      {"demo/cli.py", "def main():\n    return 0\n"},
      {"demo/tool.sh", "#!/bin/sh\n", 0755},
      {"demo-" + version + ".data/scripts/run-demo", "#!python\nprint('run')\n", 0755},
      {"demo-" + version + ".data/scripts/plain.sh", "#!/bin/sh\necho plain\n", 0755},
      {"demo-" + version + ".data/headers/demo.h", "int demo;\n"},
      {"demo-" + version + ".data/data/share/demo/readme.txt", "data\n"},
      {"demo-" + version + ".data/platlib/demo_ext.py", "EXT = 1\n"},
  };
  w.entry_points = "[console_scripts]\ndemo = demo.cli:main\n[gui_scripts]\ndemo-gui = demo.cli:main\n[other]\nx = y:z\n";
  return w;
}

}  // namespace

TEST_CASE("shebang follows distlib", "[install][scripts]") {
  CHECK(shebang("/venv/bin/python") == "#!/venv/bin/python\n");
  CHECK(shebang("/my venv/bin/python") == "#!/bin/sh\n'''exec' \"/my venv/bin/python\" \"$0\" \"$@\"\n' '''\n");
  std::string p124 = "/" + std::string(123, 'a');  // 124 + "#!" + "\n" = 127: still simple
  CHECK(shebang(p124) == "#!" + p124 + "\n");
  std::string p125 = "/" + std::string(124, 'a');
  CHECK(shebang(p125) == "#!/bin/sh\n'''exec' " + p125 + " \"$0\" \"$@\"\n' '''\n");
  // A relocatable environment (uv's trampoline): the interpreter next to the script, wherever it is.
  CHECK(shebang("/venv/bin/python", true) ==
        "#!/bin/sh\n'''exec' \"$(dirname -- \"$(realpath -- \"$0\")\")\"/'python' \"$0\" \"$@\"\n' '''\n");
}

TEST_CASE("launcher text is pip's", "[install][scripts]") {
  CHECK(launcher_script("pkg.cli", "main") ==
        "# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom pkg.cli import main\nif __name__ == '__main__':\n"
        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n");
  CHECK(launcher_script("m", "Cls.run").find("from m import Cls\n") != std::string::npos);
  CHECK(launcher_script("m", "Cls.run").find("sys.exit(Cls.run())") != std::string::npos);
  CHECK_THROWS_WITH(launcher_script("m", ""), Catch::Contains("a callable suffix is required"));
}

TEST_CASE("console_script_specs special-cases pip and easy_install like pip", "[install][scripts]") {
  using V = std::vector<std::pair<std::string, std::string>>;
  CHECK(console_script_specs({{"pip", "pip._internal:main"}, {"pip3", "x:y"}, {"pip3.9", "x:y"}, {"other", "o:m"}}, 3, 11) ==
        V{{"pip", "pip._internal:main"}, {"pip3", "pip._internal:main"}, {"pip3.11", "pip._internal:main"}, {"other", "o:m"}});
  CHECK(console_script_specs({{"easy_install", "s:m"}, {"easy_install-3.6", "s:m"}}, 3, 12) ==
        V{{"easy_install", "s:m"}, {"easy_install-3.12", "s:m"}});
  CHECK(console_script_specs({{"tool", "t:m"}}, 3, 8) == V{{"tool", "t:m"}});
}

TEST_CASE("install a wheel with every part", "[install][installer]") {
  Env env;
  InstallOptions opts;
  opts.requested = true;
  opts.direct_url_json = R"({"archive_info": {}, "url": "file:///w/demo-1.0-py3-none-any.whl"})";
  auto r = env.install(demo(), opts);
  const auto& pure = env.scheme.purelib;
  CHECK(r.name == "demo");
  CHECK(r.version == "1.0");
  CHECK(r.lib_dir == pure.lexically_normal());
  CHECK(util::read_file(pure / "demo/__init__.py") == "VERSION = '1.0'\n");
  CHECK(mode_of(pure / "demo/tool.sh") & 0100);
  CHECK_FALSE(mode_of(pure / "demo/__init__.py") & 0111);
  // .data
  CHECK(util::read_file(env.scheme.scripts / "run-demo") == "#!" + env.scheme.python.string() + "\nprint('run')\n");
  CHECK(mode_of(env.scheme.scripts / "run-demo") & 0100);
  CHECK(util::read_file(env.scheme.scripts / "plain.sh") == "#!/bin/sh\necho plain\n");
  CHECK(util::read_file(env.scheme.headers / "demo/demo.h") == "int demo;\n");
  CHECK(util::read_file(env.venv() / "share/demo/readme.txt") == "data\n");
  CHECK(util::read_file(env.scheme.platlib / "demo_ext.py") == "EXT = 1\n");
  CHECK_FALSE(fs::exists(pure / "demo-1.0.data"));
  // launchers
  std::string launcher = util::read_file(env.scheme.scripts / "demo");
  CHECK(launcher == "#!" + env.scheme.python.string() + "\n" + launcher_script("demo.cli", "main"));
  const int mask = [] { mode_t m = umask(0); umask(m); return static_cast<int>(m); }();
  CHECK(mode_of(env.scheme.scripts / "demo") == ((0666 & ~mask) | 0555));
  CHECK(fs::exists(env.scheme.scripts / "demo-gui"));
  CHECK_FALSE(fs::exists(env.scheme.scripts / "x"));
  // dist-info
  fs::path di = pure / "demo-1.0.dist-info";
  CHECK(util::read_file(di / "INSTALLER") == "ptinstall\n");
  CHECK(fs::exists(di / "REQUESTED"));
  CHECK(util::read_file(di / "direct_url.json") == *opts.direct_url_json);
  auto rec = env.record("demo-1.0.dist-info");
  CHECK(rec.count("demo/__init__.py"));
  CHECK(rec["demo/__init__.py"].hash == spec::record_hash("VERSION = '1.0'\n"));
  CHECK(rec.count("../../../bin/demo"));
  CHECK(rec["../../../bin/demo"].hash == spec::record_hash(launcher));
  CHECK(rec["../../../bin/run-demo"].hash == spec::record_hash(util::read_file(env.scheme.scripts / "run-demo")));
  CHECK(rec.count("../../../include/site/python3.11/demo/demo.h"));
  CHECK(rec.count("../../../share/demo/readme.txt"));
  CHECK(rec.count("../../../lib64/python3.11/site-packages/demo_ext.py"));
  CHECK(rec.count("demo-1.0.dist-info/INSTALLER"));
  CHECK(rec.count("demo-1.0.dist-info/REQUESTED"));
  CHECK(rec.count("demo-1.0.dist-info/direct_url.json"));
  CHECK(rec["demo-1.0.dist-info/RECORD"].hash.empty());
  // Every RECORD row with a hash matches the file on disk.
  for (auto& [path, e] : rec) {
    if (e.hash.empty()) continue;
    INFO(path);
    CHECK(spec::record_hash(util::read_file(pure / path)) == e.hash);
    CHECK(e.size == fs::file_size(pure / path));
  }
  // Rows are sorted, like pip's.
  auto rows = spec::parse_record(util::read_file(di / "RECORD"));
  CHECK(std::is_sorted(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.path < b.path; }));
  CHECK(r.python_files.size() == 3);  // __init__.py, cli.py, demo_ext.py
}

TEST_CASE("Root-Is-Purelib: false goes to platlib", "[install][installer]") {
  Env env;
  auto w = demo();
  w.wheel_meta = "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n";
  auto r = env.install(w);
  CHECK(r.lib_dir == env.scheme.platlib.lexically_normal());
  CHECK(fs::exists(env.scheme.platlib / "demo/__init__.py"));
  CHECK(fs::exists(env.scheme.platlib / "demo-1.0.dist-info/RECORD"));
  auto rec = env.record("demo-1.0.dist-info", true);
  CHECK(rec.count("../../../bin/demo"));
  CHECK(rec.count("demo_ext.py"));
}

TEST_CASE("unsupported and broken wheels", "[install][installer]") {
  Env env;
  auto w = demo();
  w.wheel_meta = "Wheel-Version: 2.0\nRoot-Is-Purelib: true\n";
  CHECK_THROWS_WITH(env.install(w), Catch::Contains("Wheel-Version 2.0, which is not supported"));
  w = demo();
  w.files.push_back({"demo-1.0.data/bogus/x", "x"});
  CHECK_THROWS_WITH(env.install(w), Catch::Contains("unknown scheme key `bogus`"));
  // Nothing of the failed installs is left.
  CHECK(fs::is_empty(env.scheme.purelib));
  CHECK(fs::is_empty(env.scheme.scripts));
  w = demo();
  w.entry_points = "[console_scripts]\nbad = demo.cli\n";
  CHECK_THROWS_WITH(env.install(w), Catch::Contains("callable suffix"));
  CHECK(fs::is_empty(env.scheme.purelib));
}

TEST_CASE("entry point wrappers in .data/scripts are skipped", "[install][installer]") {
  Env env;
  auto w = demo();
  w.files.push_back({"demo-1.0.data/scripts/demo", "#!python\n# setuptools wrapper\n", 0755});
  w.files.push_back({"demo-1.0.data/scripts/demo-script.py", "x\n", 0755});
  env.install(w);
  CHECK(util::read_file(env.scheme.scripts / "demo").find("from demo.cli import main") != std::string::npos);
  CHECK_FALSE(fs::exists(env.scheme.scripts / "demo-script.py"));
}

TEST_CASE("upgrades replace the old distribution completely", "[install][installer]") {
  Env env;
  auto v1 = demo("1.0");
  v1.files.push_back({"demo/old_only.py", "OLD = 1\n"});
  v1.files.push_back({"demo/sub/gone.py", "G = 1\n"});
  env.install(v1);
  const auto& pure = env.scheme.purelib;
  // Bytecode of the old files, as an interpreter would leave it.
  fs::create_directories(pure / "demo/__pycache__");
  util::write_file_atomic(pure / "demo/__pycache__/old_only.cpython-311.pyc", "pyc");
  util::write_file_atomic(pure / "demo/__pycache__/old_only.cpython-311.opt-1.pyc", "pyc");
  util::write_file_atomic(pure / "demo/__pycache__/cli.cpython-311.pyc", "pyc");
  util::write_file_atomic(pure / "demo/__pycache__/unrelated.cpython-311.pyc", "keep");
  fs::create_directories(pure / "demo/sub/__pycache__");
  util::write_file_atomic(pure / "demo/sub/__pycache__/gone.cpython-311.pyc", "pyc");

  auto v2 = demo("2.0");
  v2.entry_points = "[console_scripts]\ndemo2 = demo.cli:main\n";
  env.install(v2);
  CHECK(util::read_file(pure / "demo/__init__.py") == "VERSION = '2.0'\n");
  CHECK_FALSE(fs::exists(pure / "demo-1.0.dist-info"));
  CHECK(fs::exists(pure / "demo-2.0.dist-info/RECORD"));
  CHECK_FALSE(fs::exists(pure / "demo/old_only.py"));
  CHECK_FALSE(fs::exists(pure / "demo/__pycache__/old_only.cpython-311.pyc"));
  CHECK_FALSE(fs::exists(pure / "demo/__pycache__/old_only.cpython-311.opt-1.pyc"));
  CHECK_FALSE(fs::exists(pure / "demo/__pycache__/cli.cpython-311.pyc"));  // stale bytecode of a replaced file
  CHECK(fs::exists(pure / "demo/__pycache__/unrelated.cpython-311.pyc"));
  CHECK_FALSE(fs::exists(pure / "demo/sub"));  // emptied directories are pruned
  CHECK_FALSE(fs::exists(env.scheme.scripts / "demo-gui"));
  CHECK_FALSE(fs::exists(env.scheme.scripts / "demo"));
  CHECK(fs::exists(env.scheme.scripts / "demo2"));
  CHECK(fs::exists(env.scheme.purelib));
  CHECK(fs::exists(env.scheme.scripts));
  auto installed = scan_installed({pure, env.scheme.platlib});
  REQUIRE(installed.size() == 1);
  CHECK(installed[0].version == "2.0");
  CHECK(installed[0].installer == "ptinstall");
  // No backups are left anywhere.
  for (auto& e : fs::recursive_directory_iterator(env.venv()))
    CHECK(e.path().filename().string().find(".ptinstall-") == std::string::npos);
}

TEST_CASE("reinstalling the same version keeps it intact", "[install][installer]") {
  Env env;
  env.install(demo("1.0"));
  auto before = snapshot(env.venv());
  env.install(demo("1.0"));
  CHECK(snapshot(env.venv()) == before);
}

TEST_CASE("a failure half-way leaves the environment as it was", "[install][installer][transaction]") {
  for (util::LinkMode mode : {util::LinkMode::Clone, util::LinkMode::Copy, util::LinkMode::Hardlink}) {
    for (int n : {0, 1, 3, 6, 9, 12}) {
      Env env;
      auto v1 = demo("1.0");
      v1.files.push_back({"demo/old_only.py", "OLD = 1\n"});
      env.install(v1);
      util::write_file_atomic(env.scheme.purelib / "unrelated.py", "u");
      auto before = snapshot(env.venv());
      auto info = env.unpack(demo("2.0"));
      ::setenv("PTINSTALL_FAULT_INJECT", ("after-files:" + std::to_string(n)).c_str(), 1);
      {
        util::Linker linker(mode);
        Transaction tx(env.scheme.roots());
        ::unsetenv("PTINSTALL_FAULT_INJECT");
        auto old = find_installed({env.scheme.purelib}, "demo");
        CHECK_THROWS_WITH(install_wheel(info, env.scheme, linker, tx, {}, old), Catch::Contains("injected failure"));
      }  // rolled back here
      INFO("mode " << util::to_string(mode) << ", fail after " << n);
      CHECK(snapshot(env.venv()) == before);
    }
  }
}

TEST_CASE("explicit rollback after a complete install", "[install][transaction]") {
  Env env;
  env.install(demo("1.0"));
  auto before = snapshot(env.venv());
  auto info = env.unpack(demo("2.0"));
  util::Linker linker;
  Transaction tx(env.scheme.roots());
  install_wheel(info, env.scheme, linker, tx, {}, find_installed({env.scheme.purelib}, "demo"));
  CHECK(snapshot(env.venv()) != before);
  tx.rollback();
  CHECK(snapshot(env.venv()) == before);
}

TEST_CASE("Transaction basics", "[install][transaction]") {
  util::TempDir tmp;
  fs::path root = tmp.path() / "root";
  fs::create_directories(root);
  util::write_file_atomic(root / "a.txt", "A");
  util::write_file_atomic(root / "d/b.txt", "B");
  auto before = snapshot(root);
  {
    Transaction tx({root});
    tx.prepare(root / "a.txt");  // moved aside
    util::write_file_atomic(root / "a.txt", "A2");
    tx.created(root / "a.txt");
    tx.prepare(root / "new/deep/c.txt");
    util::write_file_atomic(root / "new/deep/c.txt", "C");
    tx.created(root / "new/deep/c.txt");
    CHECK(tx.remove(root / "d/b.txt"));
    CHECK_FALSE(tx.remove(root / "missing"));
    CHECK_FALSE(fs::exists(root / "d/b.txt"));
    CHECK(tx.placed() == 2);
  }
  CHECK(snapshot(root) == before);
  {
    Transaction tx({root});
    tx.prepare(root / "a.txt");
    util::write_file_atomic(root / "a.txt", "A3");
    tx.created(root / "a.txt");
    tx.remove(root / "d/b.txt");
    tx.commit();
    CHECK(tx.committed());
  }
  CHECK(util::read_file(root / "a.txt") == "A3");
  CHECK_FALSE(fs::exists(root / "d"));  // emptied and pruned
  CHECK(fs::exists(root));              // a root is never pruned
  CHECK(std::distance(fs::directory_iterator(root), fs::directory_iterator()) == 1);
}

TEST_CASE("uninstall removes what RECORD lists, bytecode and the dist-info", "[install][uninstall]") {
  Env env;
  env.install(demo("1.0"), {});
  const auto& pure = env.scheme.purelib;
  fs::create_directories(pure / "demo/__pycache__");
  util::write_file_atomic(pure / "demo/__pycache__/cli.cpython-311.pyc", "pyc");
  util::write_file_atomic(pure / "other.py", "keep");
  auto found = find_installed({pure, env.scheme.platlib}, "DEMO");
  REQUIRE(found.size() == 1);
  CHECK(found[0].name == "demo");
  auto files = installed_files(found[0]);
  CHECK(std::find(files.begin(), files.end(), (pure / "demo/__pycache__/cli.cpython-311.pyc").lexically_normal()) != files.end());
  {
    Transaction tx(env.scheme.roots());
    CHECK(uninstall(found[0], tx) > 5);
    tx.commit();
  }
  CHECK_FALSE(fs::exists(pure / "demo"));
  CHECK_FALSE(fs::exists(pure / "demo-1.0.dist-info"));
  CHECK_FALSE(fs::exists(env.scheme.scripts / "demo"));
  CHECK_FALSE(fs::exists(env.scheme.platlib / "demo_ext.py"));
  CHECK_FALSE(fs::exists(env.venv() / "share"));
  CHECK_FALSE(fs::exists(env.scheme.headers / "demo"));
  CHECK(fs::exists(pure / "other.py"));
  CHECK(scan_installed({pure}).empty());
}

TEST_CASE("uninstall without RECORD refuses", "[install][uninstall]") {
  util::TempDir tmp;
  fs::create_directories(tmp.path() / "x-1.0.dist-info");
  util::write_file_atomic(tmp.path() / "x-1.0.dist-info/METADATA", "Name: x\nVersion: 1.0\n\nbody\n");
  auto found = scan_installed({tmp.path()});
  REQUIRE(found.size() == 1);
  CHECK(found[0].version == "1.0");
  CHECK_THROWS_WITH(installed_files(found[0]), Catch::Contains("no RECORD file"));
}

TEST_CASE("scan_installed reads dist-info and egg-info", "[install][uninstall]") {
  util::TempDir tmp;
  auto site = tmp.path();
  fs::create_directories(site / "Foo_Bar-2.0.dist-info");
  util::write_file_atomic(site / "Foo_Bar-2.0.dist-info/METADATA", "Metadata-Version: 2.1\r\nName: Foo.Bar\r\nVersion: 2.0\r\n\r\n");
  util::write_file_atomic(site / "Foo_Bar-2.0.dist-info/INSTALLER", "pip\n");
  fs::create_directories(site / "legacy-0.1-py3.11.egg-info");
  util::write_file_atomic(site / "legacy-0.1-py3.11.egg-info/PKG-INFO", "Metadata-Version: 1.0\nName: legacy\nVersion: 0.1\n");
  util::write_file_atomic(site / "single-1.0.egg-info", "Metadata-Version: 1.0\nName: single\nVersion: 1.0\n");
  fs::create_directories(site / "nometa-3.0.dist-info");
  auto all = scan_installed({site, site});  // duplicates are ignored
  REQUIRE(all.size() == 4);
  CHECK(all[0].normalized == "foo-bar");
  CHECK(all[0].name == "Foo.Bar");
  CHECK(all[0].installer == "pip");
  CHECK(all[1].normalized == "legacy");
  CHECK(all[1].egg_info);
  CHECK(all[2].normalized == "nometa");
  CHECK(all[2].version == "3.0");
  CHECK(all[3].normalized == "single");
  CHECK(find_installed({site}, "foo_bar").size() == 1);
}

TEST_CASE("a module moving between projects in one transaction survives", "[install][transaction]") {
  Env env;
  auto a1 = demo("1.0");
  a1.files.push_back({"shared_mod.py", "OWNER = 'demo'\n"});
  env.install(a1);
  WheelSpec b;
  b.name = "other";
  b.files = {{"shared_mod.py", "OWNER = 'other'\n"}};
  auto info_b = env.unpack(b);
  auto info_a2 = env.unpack(demo("2.0"));
  util::Linker linker;
  Transaction tx(env.scheme.roots());
  // The new owner first, then the old owner's upgrade (which no longer ships the module).
  install_wheel(info_b, env.scheme, linker, tx, {}, {});
  install_wheel(info_a2, env.scheme, linker, tx, {}, find_installed({env.scheme.purelib}, "demo"));
  tx.commit();
  CHECK(util::read_file(env.scheme.purelib / "shared_mod.py") == "OWNER = 'other'\n");
}

TEST_CASE("uninstall never deletes outside the environment", "[install][uninstall]") {
  Env env;
  env.install(demo("1.0"));
  fs::path outside = env.tmp.path() / "precious.txt";
  util::write_file_atomic(outside, "keep me");
  fs::path di = env.scheme.purelib / "demo-1.0.dist-info";
  std::string record = util::read_file(di / "RECORD");
  util::write_file_atomic(di / "RECORD", record + "../../../../precious.txt,,\r\n" + outside.string() + ",,\r\n");
  auto found = find_installed({env.scheme.purelib}, "demo");
  REQUIRE(found.size() == 1);
  {
    Transaction tx(env.scheme.roots());
    uninstall(found[0], tx);
    tx.commit();
  }
  CHECK(util::read_file(outside) == "keep me");
  CHECK_FALSE(fs::exists(env.scheme.purelib / "demo"));
}

TEST_CASE("a path placed twice in one transaction rolls back to its original state", "[install][transaction]") {
  util::TempDir tmp;
  fs::path root = tmp.path();
  util::write_file_atomic(root / "existing.txt", "orig");
  auto before = snapshot(root);
  {
    Transaction tx({root});
    for (int i = 0; i < 2; ++i) {
      for (auto name : {"new.txt", "existing.txt"}) {
        tx.prepare(root / name);
        util::write_file_atomic(root / name, "v" + std::to_string(i));
        tx.created(root / name);
      }
    }
    CHECK(util::read_file(root / "existing.txt") == "v1");
  }
  CHECK(snapshot(root) == before);
}

TEST_CASE("wheels sharing files install in parallel; the later wheel in install order owns the file",
          "[install][transaction][parallel]") {
  Env env;
  // Like the nvidia-*-cu12 wheels: each ships nvidia/__init__.py (identical) and its own subpackage,
  // and (to check the ordering rule) a shared file whose content differs per wheel.
  const int n = 6;
  std::vector<WheelInfo> infos;
  for (int i = 0; i < n; ++i) {
    WheelSpec w;
    w.name = "nv" + std::to_string(i);
    w.files = {{"nvidia/__init__.py", ""},
               {"nvidia/nv" + std::to_string(i) + "/__init__.py", "X = " + std::to_string(i) + "\n"},
               {"nvidia/shared/notes.txt", "from " + std::to_string(i) + "\n"}};
    infos.push_back(env.unpack(w));
  }
  auto before = snapshot(env.venv());
  util::ThreadPool pool(4);
  for (int round = 0; round < 20; ++round) {
    const bool fail = round % 2 == 1;
    {
      Transaction tx(env.scheme.roots());
      util::Linker linker(util::LinkMode::Copy);
      util::parallel_for(&pool, n, [&](std::size_t i) {
        InstallOptions opts;
        opts.order = i;
        install_wheel(infos[i], env.scheme, linker, tx, opts);
      });
      if (!fail) tx.commit();
    }
    if (fail) {
      CHECK(snapshot(env.venv()) == before);  // rolled back, shared files included
      continue;
    }
    CHECK(util::read_file(env.scheme.purelib / "nvidia/shared/notes.txt") ==
          "from " + std::to_string(n - 1) + "\n");
    for (int i = 0; i < n; ++i) {
      CHECK(fs::exists(env.scheme.purelib / ("nvidia/nv" + std::to_string(i)) / "__init__.py"));
      // Every wheel's RECORD lists the shared files, with the hash of its own content (as pip).
      auto rec = env.record("nv" + std::to_string(i) + "-1.0.dist-info");
      REQUIRE(rec.count("nvidia/__init__.py") == 1);
      REQUIRE(rec.count("nvidia/shared/notes.txt") == 1);
      CHECK(rec["nvidia/shared/notes.txt"].hash ==
            "sha256=" + util::sha256_urlsafe_b64_nopad("from " + std::to_string(i) + "\n"));
    }
    // Uninstall everything for the next round (uninstalling one keeps nothing the others need: as
    // with pip, removing nv0 removes the shared nvidia/__init__.py too).
    Transaction tx(env.scheme.roots());
    for (int i = 0; i < n; ++i)
      for (auto& d : find_installed({env.scheme.purelib}, "nv" + std::to_string(i))) uninstall(d, tx);
    tx.commit();
    CHECK(snapshot(env.venv()) == before);
  }
}

TEST_CASE("what a killed process changed is rolled back by the next transaction", "[install][transaction]") {
  util::TempDir tmp;
  fs::path root = tmp.path() / "site";
  fs::create_directories(root / "pkg");
  util::write_file_atomic(root / "pkg/replaced.py", "old replaced");
  util::write_file_atomic(root / "pkg/half.py", "old half");
  util::write_file_atomic(root / "pkg/removed.py", "old removed");
  util::write_file_atomic(root / "keep.txt", "keep");
  auto before = snapshot(root);
  // The child process changes the environment and dies (no commit, no destructor, no rollback).
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    Transaction tx({root});
    // Announced in one batch first (as install_wheel does), so the "new file" record of replaced.py
    // comes before its backup record: the rollback must still end with the original.
    tx.will_create({root / "pkg/replaced.py", root / "new/deep/file.py"});
    tx.prepare(root / "pkg/replaced.py");  // moved aside, replaced by a new file
    util::write_file_atomic(root / "pkg/replaced.py", "new replaced");
    tx.created(root / "pkg/replaced.py");
    tx.prepare(root / "new/deep/file.py");  // new directories and a new file
    util::write_file_atomic(root / "new/deep/file.py", "new");
    tx.created(root / "new/deep/file.py");
    tx.prepare(root / "new/deep/unlisted.py");  // killed right after creating it, before created()
    util::write_file_atomic(root / "new/deep/unlisted.py", "new");
    tx.prepare(root / "pkg/half.py");  // moved aside, killed before the new file was written
    tx.remove(root / "pkg/removed.py");
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  auto hidden = [&] {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(root))
      if (e.path().filename().string().front() == '.') out.push_back(e.path().filename().string());
    return out;
  };
  CHECK(hidden().size() == 4);  // three backups and the journal
  CHECK_FALSE(fs::exists(root / "pkg/half.py"));
  // A stray file named like a backup but not in the journal is not ours to touch.
  util::write_file_atomic(root / ".other.ptinstall-zzzzzzzz~", "not listed");
  {
    Transaction tx({root});
    CHECK(hidden() == std::vector<std::string>{".other.ptinstall-zzzzzzzz~"});
    tx.commit();
  }
  fs::remove(root / ".other.ptinstall-zzzzzzzz~");
  CHECK(snapshot(root) == before);  // exactly as before the killed run
  CHECK(Transaction::recover_interrupted({root}) == 0);  // nothing left to do
}

TEST_CASE("a process killed while committing has its commit finished", "[install][transaction]") {
  util::TempDir tmp;
  fs::path root = tmp.path();
  util::write_file_atomic(root / "a.txt", "old");
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    Transaction tx({root});
    tx.prepare(root / "a.txt");
    util::write_file_atomic(root / "a.txt", "new");
    tx.created(root / "a.txt");
    // What commit() writes first; then the kill.
    std::string rec("C\0\0\0", 4);
    std::FILE* f = std::fopen(Transaction::journal_path(root).c_str(), "ab");
    std::fwrite(rec.data(), 1, rec.size(), f);
    std::fclose(f);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  Transaction tx({root});
  tx.commit();
  CHECK(util::read_file(root / "a.txt") == "new");
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator(root)) names.push_back(e.path().filename().string());
  CHECK(names == std::vector<std::string>{"a.txt"});
}

TEST_CASE("a committed or rolled back transaction leaves no journal", "[install][transaction]") {
  util::TempDir tmp;
  fs::path root = tmp.path();
  util::write_file_atomic(root / "a.txt", "a");
  for (bool commit : {false, true}) {
    Transaction tx({root});
    tx.prepare(root / "a.txt");
    CHECK(fs::exists(Transaction::journal_path(root)));
    util::write_file_atomic(root / "a.txt", "b");
    tx.created(root / "a.txt");
    if (commit) tx.commit();
    else tx.rollback();
    CHECK_FALSE(fs::exists(Transaction::journal_path(root)));
    CHECK(util::read_file(root / "a.txt") == (commit ? "b" : "a"));
  }
}

TEST_CASE("place tries first, then makes parents or room only when the call says so", "[install][transaction]") {
  util::TempDir tmp;
  fs::path root = tmp.path() / "root";
  fs::create_directories(root);
  util::write_file_atomic(root / "old.txt", "OLD");
  util::write_file_atomic(root / "surprise.txt", "S");
  auto before = snapshot(root);
  auto writer = [](const fs::path& p, std::string text, int* calls) {
    return [p, text, calls] {
      ++*calls;
      int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
      if (fd < 0) return errno;
      CHECK(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
      ::close(fd);
      return 0;
    };
  };
  {
    Transaction tx({root});
    int calls = 0;
    // A missing parent: ENOENT, the directories are made, the second call succeeds.
    CHECK(tx.place(root / "a/b/new.txt", writer(root / "a/b/new.txt", "N", &calls)));
    CHECK(calls == 2);
    // An existing file that was not announced: moved aside (a backup, journaled before the rename)
    // before the first call.
    calls = 0;
    CHECK(tx.place(root / "old.txt", writer(root / "old.txt", "NEW", &calls)));
    CHECK(calls == 1);
    CHECK(util::read_file(root / "old.txt") == "NEW");
    // Placed again in the same transaction (lower order first, then higher): no backup of our own file.
    calls = 0;
    CHECK(tx.place(root / "old.txt", writer(root / "old.txt", "NEWER", &calls), 5));
    CHECK(util::read_file(root / "old.txt") == "NEWER");
    // A lower order than the one that placed the path is skipped without calling.
    calls = 0;
    CHECK_FALSE(tx.place(root / "old.txt", writer(root / "old.txt", "LOWER", &calls), 1));
    CHECK(calls == 0);
    // Other errors are thrown with the path.
    CHECK_THROWS_WITH(tx.place(root / "x", [] { return EACCES; }), Catch::Contains("failed to create") &&
                                                                       Catch::Contains("Permission denied"));
    // Announced as new (will_create): tried straight away; here a file is there after all, so
    // EEXIST, moved aside, second call.
    tx.will_create({root / "surprise.txt"});
    calls = 0;
    CHECK(tx.place(root / "surprise.txt", writer(root / "surprise.txt", "S2", &calls)));
    CHECK(calls == 2);
    // A callback that keeps failing with ENOENT ends in an error, not a loop.
    CHECK_THROWS_WITH(tx.place(root / "y", [] { return ENOENT; }), Catch::Contains("No such file"));
    CHECK(tx.placed() == 6);  // every attempt counts (the fault-injection knob), skipped ones do not
  }
  CHECK(snapshot(root) == before);  // rolled back: new file, directories and backup undone
}

TEST_CASE("generated files come from the store as hard links, identical to written ones", "[install][installer]") {
  Env env;
  fs::path store = env.tmp.path() / "cache/generated-v1";
  InstallOptions opts;
  opts.requested = true;
  opts.generated_store = store;
  auto r = env.install(demo(), opts, util::LinkMode::Hardlink);
  fs::path di = env.scheme.purelib / "demo-1.0.dist-info";
  CHECK(util::read_file(di / "INSTALLER") == "ptinstall\n");
  CHECK(util::read_file(di / "REQUESTED").empty());
  struct stat st {};
  REQUIRE(::stat((di / "INSTALLER").c_str(), &st) == 0);
  CHECK(st.st_nlink == 2);  // the environment's entry and the store's
  const int mask = [] { mode_t m = umask(0); umask(m); return static_cast<int>(m); }();
  CHECK(static_cast<int>(st.st_mode & 07777) == (0666 & ~mask));
  REQUIRE(::stat((env.scheme.scripts / "demo").c_str(), &st) == 0);
  CHECK((st.st_mode & 0100) != 0);  // a launcher keeps its executable mode through the store
  auto linked = snapshot(env.venv());
  CHECK(std::distance(fs::directory_iterator(store), fs::directory_iterator()) >= 4);

  // Reinstalled without a store: the same bytes and modes, written this time.
  InstallOptions plain_opts;
  plain_opts.requested = true;
  env.install(demo(), plain_opts, util::LinkMode::Hardlink);
  CHECK(snapshot(env.venv()) == linked);
  REQUIRE(::stat((di / "INSTALLER").c_str(), &st) == 0);
  CHECK(st.st_nlink == 1);

  // With copies asked for, nothing is linked from the store.
  Env copy;
  InstallOptions copy_opts;
  copy_opts.generated_store = copy.tmp.path() / "cache/generated-v1";
  copy.install(demo(), copy_opts, util::LinkMode::Copy);
  REQUIRE(::stat((copy.scheme.purelib / "demo-1.0.dist-info/INSTALLER").c_str(), &st) == 0);
  CHECK(st.st_nlink == 1);
  (void)r;
}

TEST_CASE("a big wheel links on several threads: complete RECORD, and all-or-nothing", "[install][installer]") {
  auto big = [](const std::string& version) {
    WheelSpec w = demo(version);
    for (int d = 0; d < 30; ++d)
      for (int f = 0; f < 50; ++f)
        w.files.push_back({"demo/sub" + std::to_string(d) + "/m" + std::to_string(f) + ".py", "# " + version + "\n"});
    return w;
  };
  Env env;
  auto r = env.install(big("1.0"), {}, util::LinkMode::Hardlink);
  CHECK(r.python_files.size() >= 1500);
  auto record = env.record("demo-1.0.dist-info");
  for (int d = 0; d < 30; ++d)
    for (int f = 0; f < 50; ++f) {
      std::string rel = "demo/sub" + std::to_string(d) + "/m" + std::to_string(f) + ".py";
      REQUIRE(record.count(rel));
      CHECK(util::read_file(env.scheme.purelib / rel) == "# 1.0\n");
    }
  // An upgrade that fails after 900 files (spread over the threads) leaves 1.0 exactly as it was.
  auto before = snapshot(env.venv());
  auto info = env.unpack(big("2.0"));
  ::setenv("PTINSTALL_FAULT_INJECT", "after-files:900", 1);
  {
    util::Linker linker(util::LinkMode::Hardlink);
    Transaction tx(env.scheme.roots());
    ::unsetenv("PTINSTALL_FAULT_INJECT");
    auto old = find_installed({env.scheme.purelib}, "demo");
    CHECK_THROWS_WITH(install_wheel(info, env.scheme, linker, tx, {}, old), Catch::Contains("injected failure"));
  }
  CHECK(snapshot(env.venv()) == before);
}
