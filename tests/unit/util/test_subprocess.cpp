#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/subprocess.hpp"

using namespace ptinstall::util;

TEST_CASE("run_process captures stdout, stderr and the exit code") {
  auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  REQUIRE(r);
  CHECK(r->out == "out\n");
  CHECK(r->err == "err\n");
  CHECK(r->exit_code == 3);
}

TEST_CASE("run_process feeds stdin and passes environment overrides") {
  ProcessOptions opts;
  opts.stdin_data = std::string(200000, 'x');  // larger than a pipe buffer
  opts.env_overrides["PT_TEST_VAR"] = "hello";
  auto r = run_process({"sh", "-c", "wc -c; echo $PT_TEST_VAR"}, opts);
  REQUIRE(r);
  CHECK(r->out == "200000\nhello\n");
}

TEST_CASE("run_process reports a program that cannot start") {
  CHECK_FALSE(run_process({"ptinstall-no-such-program-xyz"}));
}

TEST_CASE("run_process kills a child that outlives its timeout, with what it started") {
  using namespace std::chrono;
  ProcessOptions opts;
  opts.timeout = milliseconds(300);
  // The shell's `sleep` child inherits the pipes: killing only the shell would leave them open.
  auto start = steady_clock::now();
  auto r = run_process({"sh", "-c", "echo before; sleep 30; echo after"}, opts);
  auto took = steady_clock::now() - start;
  REQUIRE(r);
  CHECK(r->timed_out);
  CHECK(r->out == "before\n");  // what came before the deadline is kept
  CHECK(r->exit_code == 128 + 9);  // SIGKILL
  CHECK(took >= milliseconds(300));
  CHECK(took < seconds(10));

  // The group went: a background `sleep` of the shell is killed too (gone, or a zombie waiting for
  // init to reap it).
  r = run_process({"sh", "-c", "sleep 30 & echo $!; wait"}, opts);
  REQUIRE(r);
  CHECK(r->timed_out);
  std::string pid(trim(r->out));
  REQUIRE_FALSE(pid.empty());
  auto alive = [&] {
    auto stat = try_read_file("/proc/" + pid + "/stat");
    if (!stat) return false;
    auto close = stat->rfind(')');
    return close == std::string::npos || stat->size() < close + 3 || (*stat)[close + 2] != 'Z';
  };
  for (int i = 0; i < 200 && alive(); ++i) std::this_thread::sleep_for(milliseconds(10));
  CHECK_FALSE(alive());

  // A child that closes its output and keeps running is caught by the deadline too.
  r = run_process({"sh", "-c", "exec >/dev/null 2>&1; sleep 30"}, opts);
  REQUIRE(r);
  CHECK(r->timed_out);
}

TEST_CASE("run_process within its timeout is an ordinary run") {
  ProcessOptions opts;
  opts.timeout = std::chrono::seconds(20);
  auto r = run_process({"sh", "-c", "echo hi; exit 4"}, opts);
  REQUIRE(r);
  CHECK_FALSE(r->timed_out);
  CHECK(r->out == "hi\n");
  CHECK(r->exit_code == 4);
  CHECK_FALSE(run_process({"sh", "-c", "exit 0"})->timed_out);
}

TEST_CASE("write_file_atomic and TempDir") {
  fs::path kept;
  {
    TempDir dir;
    kept = dir.path();
    write_file_atomic(dir.path() / "a" / "b.txt", "content");
    CHECK(read_file(dir.path() / "a" / "b.txt") == "content");
    write_file_atomic(dir.path() / "a" / "b.txt", "new");
    CHECK(read_file(dir.path() / "a" / "b.txt") == "new");
    CHECK_FALSE(try_read_file(dir.path() / "missing"));
    CHECK_THROWS_AS(read_file(dir.path() / "missing"), Error);
  }
  CHECK_FALSE(fs::exists(kept));
}
