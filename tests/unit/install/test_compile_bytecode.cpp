#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "ptinstall/install/compile_bytecode.hpp"
#include "ptinstall/install/transaction.hpp"
#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/subprocess.hpp"

using namespace ptinstall;
using namespace ptinstall::install;

namespace {

// path -> content of every file and "dir" of every directory under root.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = e.path().lexically_relative(root).string();
    out[rel] = e.is_directory() ? "dir" : util::read_file(e.path());
  }
  return out;
}

// A site-packages with one installed distribution "pkg" whose .py files are to be compiled, a
// __pycache__ that exists (with a stale .pyc of old.py written by an import and a foreign file) and
// a subpackage without one.
struct Site {
  util::TempDir tmp;
  fs::path root = tmp.path() / "site";
  InstallScheme scheme;
  std::vector<InstalledWheel> wheels;
  Site() {
    fs::create_directories(root / "pkg/__pycache__");
    fs::create_directories(root / "pkg/sub");
    fs::create_directories(root / "pkg-1.0.dist-info");
    util::write_file_atomic(root / "pkg/__init__.py", "X = 1\n");
    util::write_file_atomic(root / "pkg/old.py", "Y = 2\n");
    util::write_file_atomic(root / "pkg/sub/mod.py", "Z = 3\n");
    util::write_file_atomic(root / "pkg/__pycache__/old.tag-1.pyc", "stale");
    util::write_file_atomic(root / "pkg/__pycache__/other.tag-0.pyc", "foreign");
    util::write_file_atomic(root / "pkg-1.0.dist-info/RECORD", "pkg/__init__.py,,\n");
    scheme.purelib = scheme.platlib = scheme.scripts = scheme.data = scheme.headers = root;
    scheme.cache_tag = "tag-1";
    InstalledWheel w;
    w.name = "pkg";
    w.version = "1.0";
    w.lib_dir = root;
    w.dist_info_dir = root / "pkg-1.0.dist-info";
    w.python_files = {root / "pkg/__init__.py", root / "pkg/old.py", root / "pkg/sub/mod.py"};
    wheels.push_back(w);
  }
  // A stand-in for the interpreter: a shell script running `body`.
  void fake_python(const std::string& body) {
    scheme.python = tmp.path() / "python";
    util::write_file_atomic(scheme.python, "#!/bin/sh\ncat >/dev/null\n" + body);
    ::chmod(scheme.python.c_str(), 0755);
  }
};

}  // namespace

TEST_CASE("a process killed while the compiler runs is rolled back with the compiler's files",
          "[install][compile_bytecode][transaction]") {
  Site s;
  auto before = snapshot(s.root);
  // The compiler writes every .pyc (one of them over the stale one), a new __pycache__ with a
  // half-written temporary file in it, then ptinstall (its parent) dies: no commit, no rollback.
  s.fake_python("cd " + s.root.string() +
                "\n"
                "echo new > pkg/__pycache__/__init__.tag-1.pyc\n"
                "echo new > pkg/__pycache__/old.tag-1.pyc\n"
                "mkdir pkg/sub/__pycache__\n"
                "echo new > pkg/sub/__pycache__/mod.tag-1.pyc\n"
                "echo half > pkg/sub/__pycache__/mod.tag-1.pyc.140234\n"
                "kill -9 $PPID\n");
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    Transaction tx({s.root});
    try {
      compile_bytecode(s.wheels, s.scheme, tx);
    } catch (...) {
    }
    ::_exit(0);  // not reached when the kill came
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  CHECK(fs::exists(s.root / "pkg/sub/__pycache__/mod.tag-1.pyc"));
  CHECK(fs::exists(Transaction::journal_path(s.root)));
  {
    Transaction tx({s.root});  // the next run
    tx.commit();
  }
  CHECK(snapshot(s.root) == before);
}

TEST_CASE("bytecode compilation: written .pyc files join the RECORD and the transaction", "[install][compile_bytecode]") {
  std::string python = util::find_on_path("python3");
  if (python.empty()) {
    WARN("no python3: skipped");
    return;
  }
  Site s;
  fs::remove(s.root / "pkg/__pycache__/old.tag-1.pyc");
  auto before = snapshot(s.root);
  s.scheme.python = python;
  {
    util::ProcessOptions po;
    auto r = util::run_process({python, "-c", "import sys; print(sys.implementation.cache_tag)"}, po);
    REQUIRE(r);
    s.scheme.cache_tag = std::string(r->out.substr(0, r->out.find('\n')));
  }
  const std::string tag = s.scheme.cache_tag;
  for (bool commit : {false, true}) {
    auto wheels = s.wheels;
    Transaction tx({s.root});
    CHECK(compile_bytecode(wheels, s.scheme, tx) == 3);
    CHECK(fs::exists(s.root / "pkg/__pycache__" / ("old." + tag + ".pyc")));
    CHECK(fs::exists(s.root / "pkg/sub/__pycache__" / ("mod." + tag + ".pyc")));
    std::vector<std::string> paths;
    for (auto& row : spec::parse_record(util::read_file(s.root / "pkg-1.0.dist-info/RECORD"))) paths.push_back(row.path);
    CHECK(paths == std::vector<std::string>{"pkg/__init__.py", "pkg/__pycache__/__init__." + tag + ".pyc",
                                            "pkg/__pycache__/old." + tag + ".pyc",
                                            "pkg/sub/__pycache__/mod." + tag + ".pyc"});
    CHECK(wheels[0].files.size() == 3);
    if (commit) {
      tx.commit();
      CHECK(fs::exists(s.root / "pkg/sub/__pycache__" / ("mod." + tag + ".pyc")));
    } else {
      tx.rollback();
      util::write_file_atomic(s.root / "pkg-1.0.dist-info/RECORD", "pkg/__init__.py,,\n");  // rewritten in place
      CHECK(snapshot(s.root) == before);
    }
  }
}

TEST_CASE("bytecode compilation: a failing compiler's files go on rollback", "[install][compile_bytecode]") {
  Site s;
  auto before = snapshot(s.root);
  s.fake_python("cd " + s.root.string() +
                "\n"
                "mkdir pkg/sub/__pycache__\n"
                "echo new > pkg/sub/__pycache__/mod.tag-1.pyc\n"
                "echo new > pkg/__pycache__/old.tag-1.pyc\n"
                "echo broken >&2\nexit 1\n");
  Transaction tx({s.root});
  CHECK_THROWS_WITH(compile_bytecode(s.wheels, s.scheme, tx), Catch::Contains("broken"));
  tx.rollback();
  CHECK(snapshot(s.root) == before);
}

TEST_CASE("bytecode compilation: no cache tag, no compilation", "[install][compile_bytecode]") {
  Site s;
  s.scheme.cache_tag.clear();
  s.scheme.python = s.tmp.path() / "missing-python";  // would fail if run
  Transaction tx({s.root});
  CHECK(compile_bytecode(s.wheels, s.scheme, tx) == 0);
  tx.commit();
}
