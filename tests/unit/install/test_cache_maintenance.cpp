#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/time.h>

#include <fstream>

#include "ptinstall/install/cache_maintenance.hpp"
#include "ptinstall/util/file_lock.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;
using namespace ptinstall::install;

namespace {

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// Sets a path's access and modification times to `seconds_ago`.
void age(const fs::path& p, long seconds_ago) {
  struct timeval tv[2];
  gettimeofday(&tv[0], nullptr);
  tv[0].tv_sec -= seconds_ago;
  tv[1] = tv[0];
  REQUIRE(::utimes(p.c_str(), tv) == 0);
}

const std::string kShaA(64, 'a');
const std::string kShaB(64, 'b');

// A cache as ptinstall writes it: two unpacked wheels (jinja2, torch), a URL record of each, a built
// wheel of a local project, index pages and metadata in the HTTP cache.
void populate(const fs::path& root) {
  write(root / "wheels-v1" / kShaA / "jinja2-3.1.6.dist-info" / "METADATA", "Name: jinja2\n");
  write(root / "wheels-v1" / kShaA / "jinja2" / "__init__.py", std::string(1000, 'j'));
  write(root / "wheels-v1" / kShaB / "torch-2.9.1+cpu.dist-info" / "METADATA", "Name: torch\n");
  write(root / "wheels-v1" / kShaB / "torch" / "__init__.py", std::string(5000, 't'));
  write(root / "wheel-urls-v1" / "11" / "11aa", kShaA);
  write(root / "wheel-urls-v1" / "22" / "22bb", kShaB);
  write(root / "built-wheels-v1" / "03" / "03ff" / "hello-1.0-py3-none-any.whl", std::string(300, 'h'));
  write(root / "built-wheels-v1" / "03" / "03ff.lock", "");
  write(root / "http-v1" / "7b" / "7b01.entry", R"({"effective_url":"http://x/simple/jinja2/","body_size":3})");
  write(root / "http-v1" / "7b" / "7b02.entry",
        R"({"effective_url":"http://x/whl/cpu/torch-2.9.1%2Bcpu-cp311-cp311-linux_x86_64.whl.metadata"})");
  write(root / "interpreter-v1" / "abc.json", "{}");
}

std::optional<std::string> package_at(const std::vector<CacheEntry>& entries, const fs::path& p) {
  for (const auto& e : entries)
    if (e.path == p) return e.package;
  return std::nullopt;
}

}  // namespace

TEST_CASE("cache entries are attributed to the package their content names") {
  util::TempDir tmp;
  populate(tmp.path());
  auto entries = list_cache_entries(tmp.path());
  CHECK(entries.size() == 8);
  CHECK(package_at(entries, tmp.path() / "wheels-v1" / kShaA) == "jinja2");
  CHECK(package_at(entries, tmp.path() / "wheels-v1" / kShaB) == "torch");
  CHECK(package_at(entries, tmp.path() / "wheel-urls-v1" / "22" / "22bb") == "torch");
  CHECK(package_at(entries, tmp.path() / "built-wheels-v1" / "03" / "03ff") == "hello");
  CHECK(package_at(entries, tmp.path() / "http-v1" / "7b" / "7b01.entry") == "jinja2");
  CHECK(package_at(entries, tmp.path() / "http-v1" / "7b" / "7b02.entry") == "torch");
  CHECK_FALSE(package_at(entries, tmp.path() / "interpreter-v1" / "abc.json"));
}

TEST_CASE("cache clean PACKAGE removes that package's entries and nothing else") {
  util::TempDir tmp;
  populate(tmp.path());
  auto removed = clean_cache(tmp.path(), {"Torch"});
  CHECK(removed.entries == 3);  // the unpacked wheel, its URL record, the metadata response
  CHECK(removed.bytes == 5000 + 12 + 64 + std::string(R"({"effective_url":"http://x/whl/cpu/torch-2.9.1%2Bcpu-cp311-cp311-linux_x86_64.whl.metadata"})").size());
  CHECK_FALSE(fs::exists(tmp.path() / "wheels-v1" / kShaB));
  CHECK_FALSE(fs::exists(tmp.path() / "wheel-urls-v1" / "22" / "22bb"));
  CHECK(fs::exists(tmp.path() / "wheels-v1" / kShaA));
  CHECK(fs::exists(tmp.path() / "http-v1" / "7b" / "7b01.entry"));
  // The built wheel goes with its lock file.
  clean_cache(tmp.path(), {"hello"});
  CHECK_FALSE(fs::exists(tmp.path() / "built-wheels-v1" / "03" / "03ff"));
  CHECK_FALSE(fs::exists(tmp.path() / "built-wheels-v1" / "03" / "03ff.lock"));
}

TEST_CASE("cache clean without packages empties the cache but keeps the lock file") {
  util::TempDir tmp;
  populate(tmp.path());
  write(tmp.path() / ".lock", "");
  auto usage = cache_usage(tmp.path());
  auto removed = clean_cache(tmp.path(), {});
  CHECK(removed.bytes == usage.bytes);
  std::vector<fs::path> left;
  for (const auto& e : fs::directory_iterator(tmp.path())) left.push_back(e.path().filename());
  CHECK(left == std::vector<fs::path>{".lock"});
}

TEST_CASE("cache prune removes leftovers, other versions' buckets and records of missing wheels") {
  util::TempDir tmp;
  populate(tmp.path());
  write(tmp.path() / "wheels-v0" / "x" / "f", "old");
  write(tmp.path() / "wheels-v1" / ".tmp-1234" / "half", "half");
  write(tmp.path() / "wheel-urls-v1" / "33" / "33cc", std::string(64, 'c'));  // no such wheel
  auto removed = prune_cache(tmp.path(), {});
  CHECK(removed.files == 3);
  CHECK_FALSE(fs::exists(tmp.path() / "wheels-v0"));
  CHECK_FALSE(fs::exists(tmp.path() / "wheels-v1" / ".tmp-1234"));
  CHECK_FALSE(fs::exists(tmp.path() / "wheel-urls-v1" / "33" / "33cc"));
  CHECK(fs::exists(tmp.path() / "wheel-urls-v1" / "11" / "11aa"));
  CHECK(prune_cache(tmp.path(), {}).files == 0);
}

TEST_CASE("cache prune --ci keeps only built wheels and what is not downloaded") {
  util::TempDir tmp;
  populate(tmp.path());
  PruneOptions ci;
  ci.ci = true;
  prune_cache(tmp.path(), ci);
  CHECK(fs::exists(tmp.path() / "built-wheels-v1" / "03" / "03ff" / "hello-1.0-py3-none-any.whl"));
  CHECK(fs::exists(tmp.path() / "interpreter-v1" / "abc.json"));
  CHECK_FALSE(fs::exists(tmp.path() / "wheels-v1" / kShaA));
  CHECK_FALSE(fs::exists(tmp.path() / "http-v1" / "7b" / "7b01.entry"));
}

TEST_CASE("cache prune --max-size removes the least recently used entries first") {
  util::TempDir tmp;
  populate(tmp.path());
  age(tmp.path() / "wheels-v1" / kShaB, 10 * 86400);  // torch: unused for ten days
  age(tmp.path() / "wheels-v1" / kShaA, 86400);
  auto before = cache_usage(tmp.path()).bytes;
  REQUIRE(before > 5000);
  prune_cache(tmp.path(), {.max_size = before - 100});
  CHECK_FALSE(fs::exists(tmp.path() / "wheels-v1" / kShaB));
  CHECK(fs::exists(tmp.path() / "wheels-v1" / kShaA));
  CHECK(cache_usage(tmp.path()).bytes <= before - 100);
  prune_cache(tmp.path(), {.max_size = 0});
  CHECK(cache_usage(tmp.path()).bytes == 0);
}

TEST_CASE("the maintenance lock waits for the cache's users") {
  util::TempDir tmp;
  auto user = util::FileLock::try_acquire_shared(tmp.path() / ".lock");
  REQUIRE(user);
  CHECK(util::FileLock::try_acquire_shared(tmp.path() / ".lock"));  // users share it
  CHECK_FALSE(util::FileLock::try_acquire(tmp.path() / ".lock"));
  CHECK_THROWS(lock_cache_for_maintenance(tmp.path(), std::chrono::milliseconds(50)));
  user->release();
  auto lock = lock_cache_for_maintenance(tmp.path(), std::chrono::milliseconds(50));
  CHECK_FALSE(util::FileLock::try_acquire_shared(tmp.path() / ".lock"));
}

TEST_CASE("sizes are read and written in powers of 1024") {
  CHECK(parse_size("20G") == 20ULL << 30);
  CHECK(parse_size("500M") == 500ULL << 20);
  CHECK(parse_size("1.5GiB") == 3ULL << 29);
  CHECK(parse_size("1024") == 1024);
  CHECK(parse_size("2kb") == 2048);
  CHECK_FALSE(parse_size("2X"));
  CHECK_FALSE(parse_size("G"));
  CHECK_FALSE(parse_size(""));
  CHECK(format_size(12) == "12B");
  CHECK(format_size(1536) == "1.5KiB");
  CHECK(format_size(3ULL << 29) == "1.5GiB");
}
