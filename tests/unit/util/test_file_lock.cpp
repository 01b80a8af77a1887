#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/file_lock.hpp"
#include "ptinstall/util/fs.hpp"
#include "support/errors.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST_CASE("FileLock: one holder at a time", "[util][file_lock]") {
  util::TempDir tmp;
  fs::path path = tmp.path() / "sub" / "dir" / "x.lock";
  auto first = util::FileLock::acquire(path, "x");
  CHECK(first.held());
  CHECK(first.path() == path);
  CHECK(fs::exists(path));  // parents created
  CHECK_FALSE(util::FileLock::try_acquire(path).has_value());
  CHECK_THROWS_WITH(util::FileLock::acquire(path, "the thing", 50ms), Catch::Contains("timed out") && Catch::Contains("the thing"));
  CHECK(test::error_kind([&] { util::FileLock::acquire(path, "the thing", 10ms); }) == "environment");
  first.release();
  CHECK_FALSE(first.held());
  auto second = util::FileLock::try_acquire(path);
  REQUIRE(second.has_value());
  CHECK(second->held());
}

TEST_CASE("FileLock: moving keeps the lock, destruction frees it", "[util][file_lock]") {
  util::TempDir tmp;
  fs::path path = tmp.path() / "x.lock";
  {
    auto a = util::FileLock::acquire(path, "x");
    util::FileLock b = std::move(a);
    CHECK_FALSE(a.held());
    CHECK(b.held());
    CHECK_FALSE(util::FileLock::try_acquire(path).has_value());
    auto c = util::FileLock::acquire(tmp.path() / "y.lock", "y");
    c = std::move(b);  // y is released, x moves over
    CHECK(util::FileLock::try_acquire(tmp.path() / "y.lock").has_value());
    CHECK_FALSE(util::FileLock::try_acquire(path).has_value());
  }
  CHECK(util::FileLock::try_acquire(path).has_value());
}

TEST_CASE("FileLock: a waiter gets the lock when the holder lets go", "[util][file_lock]") {
  util::TempDir tmp;
  fs::path path = tmp.path() / "x.lock";
  auto holder = util::FileLock::acquire(path, "x");
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    holder.release();
  });
  auto start = std::chrono::steady_clock::now();
  auto waiter = util::FileLock::acquire(path, "x", 10s);
  releaser.join();
  CHECK(waiter.held());
  CHECK(std::chrono::steady_clock::now() - start >= 90ms);
}

TEST_CASE("FileLock: another process is excluded", "[util][file_lock]") {
  util::TempDir tmp;
  fs::path path = tmp.path() / "x.lock";
  auto lock = util::FileLock::acquire(path, "x");
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    bool got = false;
    try {
      got = util::FileLock::try_acquire(path).has_value();
    } catch (...) {
      _exit(2);
    }
    _exit(got ? 1 : 0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("FileLock: an unwritable place is an error", "[util][file_lock]") {
  CHECK_THROWS_AS(util::FileLock::acquire("/proc/ptinstall-no/x.lock", "x", 10ms), util::Error);
  CHECK(test::error_kind([] { util::FileLock::acquire("/proc/ptinstall-no/x.lock", "x", 10ms); }) == "io");
}

TEST_CASE("FileLock: the holder's pid is in the lock file and in the timeout error", "[util][file_lock]") {
  util::TempDir tmp;
  fs::path path = tmp.path() / "p.lock";
  auto holder = util::FileLock::acquire(path, "x");
  CHECK(util::read_file(path) == std::to_string(::getpid()) + "\n");
  std::string hint;
  std::string msg = test::error_message([&] { util::FileLock::acquire(path, "the environment at /env", 20ms); }, &hint);
  CHECK(msg == "timed out waiting for the lock on the environment at /env (" + path.string() + ", held by process " +
                   std::to_string(::getpid()) + ")");
  CHECK(hint.find("PTINSTALL_LOCK_TIMEOUT") != std::string::npos);
}

TEST_CASE("FileLock: the default timeout is a setting", "[util][file_lock]") {
  util::TempDir tmp;
  fs::path path = tmp.path() / "d.lock";
  auto holder = util::FileLock::acquire(path, "x");
  auto old = util::FileLock::default_timeout();
  util::FileLock::set_default_timeout(30ms);
  auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS(util::FileLock::acquire(path, "x"));
  util::FileLock::set_default_timeout(old);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
}
