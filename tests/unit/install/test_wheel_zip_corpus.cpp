// The wheel_zip fuzz harness's seed corpus (tests/fuzz/corpus/wheel_zip/, written by
// tests/fuzz/make_wheel_zip_seeds.py) read by both extractors: each good-* seed unpacks, and each
// lying one is refused with the error its lie deserves, nothing committed, nothing left behind.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "support/errors.hpp"
#include "support/paths.hpp"

using namespace ptinstall;
using namespace ptinstall::install;

namespace {

size_t count_entries(const fs::path& p) {
  if (!fs::exists(p)) return 0;
  return static_cast<size_t>(std::distance(fs::directory_iterator(p), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("the wheel_zip seeds: good ones unpack, lying ones are refused", "[install][cache][fuzz]") {
  // What each refused seed's message says (either text where the extractors word it differently:
  // the parallel one reads entries from the central directory, the streaming one from local headers).
  const std::map<std::string, std::vector<std::string>> refused = {
      // libarchive inflates these small entries in one block and reports the size with it: refused
      // before a byte is written (a big entry is stopped at its declared size by TreeWriter::write).
      {"lie-usize-small", {"truncated or corrupt at `demo/__init__.py` (ZIP uncompressed data is wrong size (read 25, expected 4))"}},
      {"lie-usize-bomb", {"truncated or corrupt at `demo/bomb.bin` (ZIP uncompressed data is wrong size (read 65536, expected 100))"}},
      {"lie-usize-bomb-descriptor", {"it unpacks to more than 32768 bytes"}},
      {"lie-csize", {"is invalid"}},
      {"lie-crc-deflated", {"truncated or corrupt at `demo/__init__.py`"}},
      {"lie-crc-stored", {"truncated or corrupt at `demo/__init__.py`"}},
      {"lie-crc-descriptor", {"truncated or corrupt at `demo/__init__.py`"}},
      {"traversal-dotdot", {"unsafe path in the archive: `../evil.py`"}},
      {"traversal-absolute", {"unsafe path in the archive: `/tmp/evil.py`"}},
      {"traversal-inner", {"unsafe path in the archive: `demo/../../evil.py`"}},
      {"traversal-backslash", {"unsafe path in the archive: `../evil.py`"}},  // libarchive reads `\\` as `/`
      {"traversal-local-name", {"is invalid"}},
      {"symlink", {"links are not allowed in wheels: `demo/link`"}},
      {"duplicate", {"duplicate entry `demo/__init__.py`"}},
      {"cd-extra-name", {"`demo/ghost.py` is in the central directory but not in the archive", "bad central directory entry"}},
      {"cd-missing-name", {"`demo/__init__.py` is not in the zip's central directory",
                           "RECORD lists `demo/__init__.py`, which is not in the wheel"}},
      {"record-phantom", {"RECORD lists `demo/ghost.py`, which is not in the wheel"}},
      {"record-unlisted", {"`demo/__init__.py` is not listed in RECORD"}},
      {"truncated-central", {"is invalid"}},
      {"truncated-eocd", {"is invalid"}},
      {"truncated-data", {"is invalid"}},
      {"zip64-bad-locator", {"is invalid"}},
      {"zip64-bad-extra", {"is invalid"}},
      {"empty", {"is invalid"}},
      {"not-a-zip", {"is invalid"}},
  };
  const bool parallel = GENERATE(false, true);
  INFO("parallel " << parallel);
  util::TempDir tmp;
  WheelCacheOptions options;
  if (parallel) {
    options.parallel_min_bytes = 0;
    options.parallel_threads = 2;
  }
  WheelCache wc(Cache::at(tmp.path() / "cache"), options);
  set_max_unpacked_bytes(32768);  // the bomb seeds inflate to 64 KiB
  struct Restore {
    ~Restore() { set_max_unpacked_bytes(16ULL << 30); }
  } restore;
  fs::path corpus = fs::path(test::source_dir()) / "tests/fuzz/corpus/wheel_zip";
  REQUIRE(fs::is_directory(corpus));
  size_t good = 0, bad = 0;
  for (const auto& e : fs::directory_iterator(corpus)) {
    std::string name = e.path().filename().string();
    INFO(name);
    fs::path whl = tmp.path() / "demo-1.0-py3-none-any.whl";
    fs::copy_file(e.path(), whl, fs::copy_options::overwrite_existing);
    if (name.rfind("good-", 0) == 0) {
      UnpackedWheel u = wc.unpack_local(whl, name);
      CHECK(util::read_file(u.dir / "demo/__init__.py") == "def main():\n    return 0\n");
      CHECK(fs::exists(u.dir / "demo-1.0.dist-info/RECORD"));
      fs::remove_all(u.dir);
      ++good;
    } else {
      auto it = refused.find(name);
      REQUIRE(it != refused.end());  // every seed has its expectation here
      std::string message = test::error_message([&] { wc.unpack_local(whl, name); });
      CHECK_THAT(message, Catch::StartsWith("wheel " + name + " is invalid: "));
      INFO(message);
      CHECK(std::any_of(it->second.begin(), it->second.end(),
                        [&](const std::string& f) { return message.find(f) != std::string::npos; }));
      ++bad;
    }
    CHECK(count_entries(wc.root()) == 0);  // no staging directory left, nothing committed
  }
  CHECK(good == 7);
  CHECK(bad == refused.size());
}
