#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/link.hpp"
#include "ptinstall/util/thread_pool.hpp"

using namespace ptinstall::util;
namespace stdfs = std::filesystem;

namespace {
std::string slurp(const stdfs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
void spit(const stdfs::path& p, const std::string& s, mode_t mode = 0644) {
  std::ofstream(p, std::ios::binary) << s;
  ::chmod(p.c_str(), mode);
}
mode_t mode_of(const stdfs::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_mode;
}
}  // namespace

TEST_CASE("parse_link_mode", "[util][link]") {
  CHECK(parse_link_mode("clone") == LinkMode::Clone);
  CHECK(parse_link_mode("hardlink") == LinkMode::Hardlink);
  CHECK(parse_link_mode("copy") == LinkMode::Copy);
  CHECK(parse_link_mode("symlink") == LinkMode::Symlink);
  for (auto m : {LinkMode::Clone, LinkMode::Hardlink, LinkMode::Copy, LinkMode::Symlink})
    CHECK(parse_link_mode(to_string(m)) == m);
  CHECK_THROWS_AS(parse_link_mode("reflink"), Error);
  CHECK_THROWS_AS(parse_link_mode(""), Error);
  CHECK_THROWS_WITH(parse_link_mode("Copy"), Catch::Contains("invalid link mode `Copy`"));
}

TEST_CASE("each link primitive places the content and keeps the mode", "[util][link]") {
  TempDir tmp;
  auto src = tmp.path() / "src";
  std::string content(200000, 'x');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + i % 26);
  spit(src, content, 0755);

  SECTION("copy") {
    REQUIRE(try_copy(src, tmp.path() / "c") == 0);
    CHECK(slurp(tmp.path() / "c") == content);
    CHECK((mode_of(tmp.path() / "c") & 0777) == 0755);
    struct stat a {}, b {};
    ::stat(src.c_str(), &a);
    ::stat((tmp.path() / "c").c_str(), &b);
    CHECK(a.st_ino != b.st_ino);
  }
  SECTION("hardlink shares the inode") {
    REQUIRE(try_hardlink(src, tmp.path() / "h") == 0);
    struct stat a {}, b {};
    ::stat(src.c_str(), &a);
    ::stat((tmp.path() / "h").c_str(), &b);
    CHECK(a.st_ino == b.st_ino);
  }
  SECTION("symlink") {
    REQUIRE(try_symlink(src, tmp.path() / "s") == 0);
    CHECK(S_ISLNK(mode_of(tmp.path() / "s")));
    CHECK(slurp(tmp.path() / "s") == content);
  }
  SECTION("clone either works or reports an unsupported errno and leaves nothing") {
    int e = try_clone(src, tmp.path() / "k");
    if (e == 0) {
      CHECK(slurp(tmp.path() / "k") == content);
      CHECK((mode_of(tmp.path() / "k") & 0777) == 0755);
    } else {
      CHECK(!stdfs::exists(tmp.path() / "k"));
    }
  }
  SECTION("an existing destination is an error, not an overwrite") {
    spit(tmp.path() / "d", "old");
    CHECK(try_copy(src, tmp.path() / "d") == EEXIST);
    CHECK(try_hardlink(src, tmp.path() / "d") == EEXIST);
    CHECK(slurp(tmp.path() / "d") == "old");
  }
  SECTION("a missing source") {
    CHECK(try_copy(tmp.path() / "nope", tmp.path() / "x") == ENOENT);
    CHECK(!stdfs::exists(tmp.path() / "x"));
  }
  SECTION("an empty file") {
    spit(tmp.path() / "empty", "", 0600);
    REQUIRE(try_copy(tmp.path() / "empty", tmp.path() / "e2") == 0);
    CHECK(stdfs::file_size(tmp.path() / "e2") == 0);
    CHECK((mode_of(tmp.path() / "e2") & 0777) == 0600);
  }
}

TEST_CASE("Linker falls back from clone and remembers the mode", "[util][link]") {
  TempDir tmp;
  auto src = tmp.path() / "src";
  spit(src, "hello", 0644);
  Linker linker;  // default: clone
  CHECK(linker.requested() == LinkMode::Clone);
  LinkMode first = linker.link(src, tmp.path() / "a");
  CHECK((first == LinkMode::Clone || first == LinkMode::Hardlink));
  CHECK(linker.current() == first);
  CHECK(slurp(tmp.path() / "a") == "hello");
  CHECK(linker.link(src, tmp.path() / "b") == first);
}

TEST_CASE("Linker across filesystems falls back to copy", "[util][link]") {
  // /dev/shm is a tmpfs on Linux; the temp dir is normally on another filesystem.
  if (!stdfs::is_directory("/dev/shm")) return;
  TempDir tmp;
  TempDir shm("/dev/shm");
  struct stat a {}, b {};
  ::stat(tmp.path().c_str(), &a);
  ::stat(shm.path().c_str(), &b);
  if (a.st_dev == b.st_dev) return;
  auto src = tmp.path() / "src";
  spit(src, "data", 0755);
  for (auto requested : {LinkMode::Clone, LinkMode::Hardlink}) {
    Linker linker(requested);
    auto dst = shm.path() / (std::string(to_string(requested)) + "-out");
    CHECK(linker.link(src, dst) == LinkMode::Copy);
    CHECK(linker.current() == LinkMode::Copy);
    CHECK(slurp(dst) == "data");
    CHECK((mode_of(dst) & 0777) == 0755);
  }
}

TEST_CASE("Linker reports real errors with both paths", "[util][link]") {
  TempDir tmp;
  spit(tmp.path() / "src", "x");
  Linker linker(LinkMode::Copy);
  CHECK_THROWS_WITH(linker.link(tmp.path() / "src", tmp.path() / "missing-dir" / "f"),
                    Catch::Contains("failed to copy") && Catch::Contains("missing-dir"));
  Linker sym(LinkMode::Symlink);
  spit(tmp.path() / "exists", "y");
  CHECK_THROWS_AS(sym.link(tmp.path() / "src", tmp.path() / "exists"), Error);
}

TEST_CASE("parallel_for runs every index and rethrows the first error after all finished", "[util][thread_pool]") {
  ThreadPool pool(4);
  CHECK(pool.size() == 4);
  std::atomic<int> sum{0};
  parallel_for(&pool, 100, [&](size_t i) { sum += static_cast<int>(i); });
  CHECK(sum == 4950);
  std::atomic<int> ran{0};
  CHECK_THROWS_WITH(parallel_for(&pool, 20,
                                 [&](size_t i) {
                                   ++ran;
                                   if (i == 7) throw Error("boom");
                                 }),
                    "boom");
  CHECK(ran == 20);
  int serial = 0;
  parallel_for(nullptr, 3, [&](size_t) { ++serial; });
  CHECK(serial == 3);
}
