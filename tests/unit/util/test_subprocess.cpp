#include <catch2/catch.hpp>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
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
