#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "support/errors.hpp"
#include "unit/install/wheel_builder.hpp"

using namespace ptinstall;
using namespace ptinstall::install;
using test::WheelSpec;
using test::ZipItem;

namespace {

WheelSpec sample() {
  WheelSpec w;
  w.files = {
      {"demo/__init__.py", "VALUE = 1\n"},
      {"demo/tool.sh", "#!/bin/sh\necho hi\n", 0755},
      {"demo/data/big.bin", std::string(300000, 'z')},
      {"demo-1.0.data/scripts/run", "#!python\nprint('run')\n", 0755},
  };
  return w;
}

int mode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

std::string listing(const fs::path& root) {
  std::vector<std::string> out;
  for (auto& e : fs::recursive_directory_iterator(root)) out.push_back(e.path().lexically_relative(root).string());
  std::sort(out.begin(), out.end());
  std::string s;
  for (auto& x : out) s += x + "\n";
  return s;
}

// Every test of unpack_file runs against both extractors: the one-thread streaming one (the default
// for small wheels) and the parallel one, forced for any size with a few threads.
WheelCacheOptions options_for(bool parallel, unsigned threads = 3) {
  WheelCacheOptions o;
  if (parallel) {
    o.parallel_min_bytes = 0;
    o.parallel_threads = threads;
  }
  return o;
}

size_t count_entries(const fs::path& p) {
  if (!fs::exists(p)) return 0;
  return static_cast<size_t>(std::distance(fs::directory_iterator(p), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("default_cache_dir", "[install][cache]") {
  auto none = [](const char*) -> const char* { return nullptr; };
  CHECK(default_cache_dir(std::string("/x/y"), none) == fs::path("/x/y"));
  CHECK(default_cache_dir(std::nullopt, [](const char* n) -> const char* {
          return std::string(n) == "XDG_CACHE_HOME" ? "/xdg" : std::string(n) == "HOME" ? "/home/u" : nullptr;
        }) == fs::path("/xdg/ptinstall"));
  CHECK(default_cache_dir(std::nullopt, [](const char* n) -> const char* {
          return std::string(n) == "HOME" ? "/home/u" : nullptr;
        }) == fs::path("/home/u/.cache/ptinstall"));
  // A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
  CHECK(default_cache_dir(std::nullopt, [](const char* n) -> const char* {
          return std::string(n) == "XDG_CACHE_HOME" ? "rel" : std::string(n) == "HOME" ? "/h" : nullptr;
        }) == fs::path("/h/.cache/ptinstall"));
}

TEST_CASE("a temporary cache is removed with its last copy", "[install][cache]") {
  fs::path root;
  {
    Cache c = Cache::temporary();
    root = c.root();
    CHECK(c.is_temporary());
    CHECK(fs::is_directory(root));
    Cache copy = c;
  }
  CHECK(!fs::exists(root));
}

TEST_CASE("unpack a wheel into the cache", "[install][cache]") {
  util::TempDir tmp;
  auto whl = test::build_wheel(tmp.path(), sample());
  Cache cache = Cache::at(tmp.path() / "cache");
  WheelCache wc(cache);
  auto u = wc.unpack_file(whl);
  CHECK_FALSE(u.cached);
  CHECK(u.sha256 == util::sha256_file(whl).hex());
  CHECK(u.size == fs::file_size(whl));
  CHECK(u.dir == tmp.path() / "cache" / "wheels-v1" / u.sha256);
  CHECK(util::read_file(u.dir / "demo/__init__.py") == "VALUE = 1\n");
  CHECK(util::read_file(u.dir / "demo/data/big.bin") == std::string(300000, 'z'));
  CHECK(mode_of(u.dir / "demo/tool.sh") & 0111);
  CHECK_FALSE(mode_of(u.dir / "demo/__init__.py") & 0111);
  CHECK(mode_of(u.dir / "demo-1.0.data/scripts/run") & 0100);
  CHECK(fs::exists(u.dir / "demo-1.0.dist-info/RECORD"));
  CHECK(wc.lookup(u.sha256) == u.dir);
  CHECK_FALSE(wc.lookup(std::string(64, '0')));
  // No temporary directories are left behind.
  for (auto& e : fs::directory_iterator(wc.root())) CHECK(e.path().filename().string().rfind(".tmp-", 0) != 0);

  SECTION("a second unpack answers from the cache without re-hashing") {
    auto again = wc.unpack_file(whl);
    CHECK(again.cached);
    CHECK(again.dir == u.dir);
  }
  SECTION("a changed file at the same path is unpacked again") {
    auto spec2 = sample();
    spec2.files[0].content = "VALUE = 2\n";
    fs::remove(whl);
    test::build_wheel(tmp.path(), spec2);
    auto u2 = wc.unpack_file(whl);
    CHECK_FALSE(u2.cached);
    CHECK(u2.sha256 != u.sha256);
    CHECK(util::read_file(u2.dir / "demo/__init__.py") == "VALUE = 2\n");
  }
  SECTION("the same wheel at another path reuses the entry") {
    fs::copy_file(whl, tmp.path() / "copy.whl");
    auto u3 = wc.unpack_file(tmp.path() / "copy.whl");
    CHECK(u3.dir == u.dir);
    CHECK(u3.cached);  // another process (or path) committed first: ours is dropped
    CHECK(listing(u.dir) == listing(u3.dir));
  }
}

TEST_CASE("unpack from fed chunks on another thread", "[install][cache]") {
  util::TempDir tmp;
  auto whl = test::build_wheel(tmp.path(), sample());
  std::string bytes = util::read_file(whl);
  Cache cache = Cache::at(tmp.path() / "cache");
  WheelCache wc(cache);
  ChunkPipe pipe(1000);  // small capacity: the producer really waits for the consumer
  std::thread producer([&] {
    for (size_t i = 0; i < bytes.size(); i += 777) pipe.feed(bytes.data() + i, std::min<size_t>(777, bytes.size() - i));
    pipe.close();
  });
  auto u = wc.unpack_stream(pipe, "demo-1.0-py3-none-any.whl", util::sha256_hex(bytes));
  producer.join();
  CHECK(u.sha256 == util::sha256_hex(bytes));
  CHECK(util::read_file(u.dir / "demo/__init__.py") == "VALUE = 1\n");
  CHECK(mode_of(u.dir / "demo/tool.sh") & 0111);
}

TEST_CASE("a producer failure reaches the unpacker and nothing is committed", "[install][cache]") {
  util::TempDir tmp;
  auto whl = test::build_wheel(tmp.path(), sample());
  std::string bytes = util::read_file(whl);
  WheelCache wc(Cache::at(tmp.path() / "cache"));
  ChunkPipe pipe;
  pipe.feed(bytes.data(), 100);
  pipe.fail(std::make_exception_ptr(util::Error("connection reset")));
  CHECK_THROWS_WITH(wc.unpack_stream(pipe, "x.whl"), "connection reset");
  CHECK(count_entries(wc.root()) == 0);
}

TEST_CASE("an expected hash that differs commits nothing", "[install][cache]") {
  util::TempDir tmp;
  auto whl = test::build_wheel(tmp.path(), sample());
  WheelCache wc(Cache::at(tmp.path() / "cache"));
  FileSource src(whl);
  CHECK_THROWS_WITH(wc.unpack_stream(src, "demo.whl", std::string(64, 'a')), Catch::Contains("hash mismatch for demo.whl"));
  CHECK(count_entries(wc.root()) == 0);
  std::string actual = util::sha256_file(whl).hex();
  auto unpack_wrong = [&] { wc.unpack_local(whl, "demo.whl", std::string(64, 'a')); };
  CHECK(test::error_message(unpack_wrong) ==
        "hash mismatch for demo.whl: expected sha256:" + std::string(64, 'a') + ", got sha256:" + actual);
  CHECK(test::error_kind(unpack_wrong) == "hash");
  WheelCache par(Cache::at(tmp.path() / "cache"), options_for(true));
  CHECK_THROWS_WITH(par.unpack_local(whl, "demo.whl", std::string(64, 'a')), Catch::Contains("hash mismatch for demo.whl"));
  CHECK(count_entries(wc.root()) == 0);
  // A known hash (computed while downloading) is trusted for the commit and checked against the expected one.
  CHECK_THROWS_WITH(par.unpack_local(whl, "demo.whl", std::string(64, 'a'), std::string(64, 'b')),
                    Catch::Contains("hash mismatch for demo.whl"));
  CHECK(count_entries(wc.root()) == 0);
}

TEST_CASE("invalid wheels are rejected and nothing is committed", "[install][cache]") {
  bool parallel = GENERATE(false, true);
  INFO("parallel " << parallel);
  util::TempDir tmp;
  WheelCache wc(Cache::at(tmp.path() / "cache"), options_for(parallel));
  auto check_rejected = [&](const WheelSpec& w, const std::string& fragment) {
    auto whl = test::build_wheel(tmp.path(), w);
    INFO(fragment);
    CHECK_THROWS_WITH(wc.unpack_file(whl), Catch::Contains("is invalid") && Catch::Contains(fragment));
    CHECK(test::error_kind([&] { wc.unpack_file(whl); }) == "wheel");
    CHECK(count_entries(wc.root()) == 0);
    fs::remove(whl);
  };
  SECTION("a RECORD hash mismatch names the file") {
    auto w = sample();
    w.tamper = "demo/__init__.py";
    check_rejected(w, "hash of `demo/__init__.py` does not match RECORD");
  }
  SECTION("a RECORD size mismatch") {
    auto w = sample();
    w.wrong_size = "demo/tool.sh";
    check_rejected(w, "size of `demo/tool.sh` does not match RECORD");
  }
  SECTION("a file missing from RECORD") {
    auto w = sample();
    w.unrecorded = {"demo/data/big.bin"};
    check_rejected(w, "`demo/data/big.bin` is not listed in RECORD");
  }
  SECTION("RECORD naming a file the wheel lacks") {
    auto w = sample();
    w.phantom = {"demo/ghost.py"};
    check_rejected(w, "RECORD lists `demo/ghost.py`, which is not in the wheel");
  }
  SECTION("unpacking past max_unpacked_bytes") {
    auto w = sample();  // 300,000 bytes in demo/data/big.bin alone
    set_max_unpacked_bytes(200000);
    try {
      check_rejected(w, "it unpacks to more than 200000 bytes");
    } catch (...) {
      set_max_unpacked_bytes(16ULL << 30);
      throw;
    }
    set_max_unpacked_bytes(16ULL << 30);
  }
  SECTION("no RECORD at all") {
    auto w = sample();
    w.record = false;
    check_rejected(w, "no .dist-info/RECORD");
  }
  SECTION("zip-slip with ..") {
    auto w = sample();
    w.files.push_back({"demo/../../evil.py", "x"});
    check_rejected(w, "unsafe path");
    CHECK(!fs::exists(tmp.path() / "evil.py"));
    CHECK(!fs::exists(tmp.path() / "cache" / "evil.py"));
  }
  SECTION("an absolute path") {
    auto w = sample();
    w.files.push_back({"/tmp/ptinstall-evil-abs.py", "x"});
    check_rejected(w, "unsafe path");
    CHECK(!fs::exists("/tmp/ptinstall-evil-abs.py"));
  }
  SECTION("a symlink entry") {
    auto w = sample();
    w.files.push_back({"demo/link", "", 0777, ZipItem::Symlink, "/etc/passwd"});
    check_rejected(w, "links are not allowed");
  }
  SECTION("a hardlink entry") {
    auto w = sample();
    w.files.push_back({"demo/hard", "", 0644, ZipItem::Hardlink, "demo/__init__.py"});
    check_rejected(w, "");
  }
  SECTION("a backslash path") {
    auto w = sample();
    w.files.push_back({"demo\\..\\..\\evil.py", "x"});
    check_rejected(w, "unsafe path");
  }
  SECTION("a duplicate entry") {
    auto w = sample();
    w.files.push_back({"demo/__init__.py", "VALUE = 2\n"});
    check_rejected(w, "duplicate entry `demo/__init__.py`");
  }
  SECTION("a local header whose name differs from the central directory's") {
    auto w = sample();
    w.files.push_back({"demo/aaaa.py", "A = 1\n"});
    auto whl = test::build_wheel(tmp.path(), w);
    std::string bytes = util::read_file(whl);
    auto at = bytes.find("demo/aaaa.py");  // the first occurrence is the local header's
    REQUIRE(at != std::string::npos);
    bytes[at + 5] = 'b';
    { std::ofstream(whl, std::ios::binary | std::ios::trunc) << bytes; }
    CHECK_THROWS_WITH(wc.unpack_file(whl), Catch::Contains("is invalid") &&
                                               Catch::Contains("`demo/aaaa.py` is in the central directory but not in the archive"));
    CHECK(count_entries(wc.root()) == 0);
  }
}

TEST_CASE("truncated and garbage files are errors with a hint", "[install][cache]") {
  bool parallel = GENERATE(false, true);
  INFO("parallel " << parallel);
  util::TempDir tmp;
  auto whl = test::build_wheel(tmp.path(), sample());
  std::string bytes = util::read_file(whl);
  WheelCache wc(Cache::at(tmp.path() / "cache"), options_for(parallel));
  for (size_t cut : {size_t(0), size_t(10), bytes.size() / 3, bytes.size() / 2, bytes.size() - 30, bytes.size() - 1}) {
    INFO("cut at " << cut);
    auto p = tmp.path() / "cut.whl";
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes.substr(0, cut);
    try {
      wc.unpack_file(p);
      FAIL("no error");
    } catch (const util::Error& e) {
      CHECK(std::string(e.what()).find("cut.whl is invalid") != std::string::npos);
      CHECK(!e.hint().empty());
    }
    CHECK(count_entries(wc.root()) == 0);
  }
  auto p = tmp.path() / "garbage.whl";
  std::ofstream(p, std::ios::binary) << std::string(5000, 'G');
  CHECK_THROWS_WITH(wc.unpack_file(p), Catch::Contains("garbage.whl is invalid"));
  CHECK_THROWS_WITH(wc.unpack_file(tmp.path() / "missing.whl"), Catch::Contains("missing.whl"));
}

TEST_CASE("two unpackers of the same wheel at once both succeed with one entry", "[install][cache]") {
  bool parallel = GENERATE(false, true);
  INFO("parallel " << parallel);
  util::TempDir tmp;
  auto w = sample();
  for (int i = 0; i < 200; ++i) w.files.push_back({"demo/m" + std::to_string(i) + ".py", std::string(1000, 'a' + i % 26)});
  auto whl = test::build_wheel(tmp.path(), w);
  fs::copy_file(whl, tmp.path() / "b.whl");
  Cache cache = Cache::at(tmp.path() / "cache");
  WheelCache a(cache, options_for(parallel)), b(cache, options_for(parallel));
  UnpackedWheel ua, ub;
  std::thread t1([&] { ua = a.unpack_file(whl); });
  std::thread t2([&] { ub = b.unpack_file(tmp.path() / "b.whl"); });
  t1.join();
  t2.join();
  CHECK(ua.dir == ub.dir);
  CHECK(count_entries(a.root()) == 1);
  CHECK(util::read_file(ua.dir / "demo/m5.py") == std::string(1000, 'f'));
}

TEST_CASE("mutated wheels either unpack verified or fail with util::Error", "[install][cache][mutation]") {
  bool parallel = GENERATE(false, true);
  INFO("parallel " << parallel);
  util::TempDir tmp;
  auto whl = test::build_wheel(tmp.path(), sample());
  const std::string good = util::read_file(whl);
  WheelCache wc(Cache::at(tmp.path() / "cache"), options_for(parallel));
  std::mt19937 rng(12345);
  int errors = 0, successes = 0;
  for (int i = 0; i < 300; ++i) {
    std::string bytes = good;
    int kind = i % 3;
    if (kind == 0) {  // flip a few bytes
      for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
    } else if (kind == 1) {  // truncate
      bytes.resize(rng() % bytes.size());
    } else {  // splice in garbage
      size_t at = rng() % bytes.size();
      bytes.insert(at, std::string(1 + rng() % 64, static_cast<char>(rng())));
    }
    auto p = tmp.path() / "m.whl";
    { std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes; }
    try {
      auto u = wc.unpack_file(p);
      // Success means the content verified against RECORD: the files are the original ones.
      CHECK(util::read_file(u.dir / "demo/__init__.py") == "VALUE = 1\n");
      ++successes;
    } catch (const util::Error&) {
      ++errors;
    }
    for (auto& e : fs::directory_iterator(wc.root())) CHECK(e.path().filename().string().rfind(".tmp-", 0) != 0);
  }
  CHECK(errors > 200);
  CHECK(errors + successes == 300);
}

namespace {

// A wheel with many entries of mixed shapes: incompressible and compressible files, empty files,
// executables, explicit directory entries, deep paths, and one big entry placed last (the parallel
// extractor takes the biggest entries first, so a worker must go back to the start afterwards).
WheelSpec many_entries(std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto noise = [&](std::size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
  };
  WheelSpec w;
  w.name = "many";
  w.files.push_back({"many/", "", 0755, ZipItem::Dir});
  for (int i = 0; i < 300; ++i) {
    std::string dir = "many/sub" + std::to_string(i % 37) + "/deeper" + std::to_string(i % 5) + "/";
    if (i % 50 == 0) w.files.push_back({dir, "", 0755, ZipItem::Dir});
    std::string content = i % 3 == 0 ? noise(1000 + rng() % 9000) : std::string(rng() % 20000, static_cast<char>('a' + i % 26));
    int mode = i % 11 == 0 ? 0755 : 0644;
    w.files.push_back({dir + "f" + std::to_string(i) + (i % 4 ? ".py" : ".so"), content, mode});
  }
  w.files.push_back({"many/empty.txt", ""});
  // Big enough to be hashed and written by a helper thread (wheel_extract.cpp, kHelperMinBytes).
  w.files.push_back({"many/lib/libbig.so", noise(5 << 20), 0755});
  return w;
}

struct Tree {
  std::map<std::string, std::pair<std::string, int>> files;  // path -> (sha256, mode)
  std::set<std::string> dirs;
};

Tree read_tree(const fs::path& root) {
  Tree t;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = e.path().lexically_relative(root).string();
    if (e.is_directory()) t.dirs.insert(rel);
    else t.files[rel] = {util::sha256_file(e.path()).hex(), mode_of(e.path())};
  }
  return t;
}

}  // namespace

TEST_CASE("the parallel extractor gives the serial one's tree, modes and hashes", "[install][cache][parallel]") {
  unsigned threads = GENERATE(1u, 2u, 3u, 8u);
  INFO("threads " << threads);
  util::TempDir tmp;
  auto whl = test::build_wheel(tmp.path(), many_entries(7));
  WheelCache serial(Cache::at(tmp.path() / "serial"));
  WheelCache parallel(Cache::at(tmp.path() / "parallel"), options_for(true, threads));
  CHECK(serial.parallel_threads(fs::file_size(whl)) == 1);  // below the default threshold
  CHECK(parallel.parallel_threads(fs::file_size(whl)) == threads);
  auto a = serial.unpack_file(whl);
  auto b = parallel.unpack_file(whl);
  CHECK(a.sha256 == b.sha256);
  CHECK(b.sha256 == util::sha256_file(whl).hex());
  CHECK(b.size == fs::file_size(whl));
  CHECK_FALSE(b.cached);
  Tree ta = read_tree(a.dir), tb = read_tree(b.dir);
  CHECK(ta.files.size() == 305);
  CHECK(ta.dirs == tb.dirs);
  CHECK(ta.files == tb.files);
  CHECK(tb.files["many/lib/libbig.so"].second & 0111);
  CHECK_FALSE(tb.files["many/empty.txt"].second & 0111);
  for (auto& e : fs::directory_iterator(parallel.root())) CHECK(e.path().filename().string().rfind(".tmp-", 0) != 0);

  SECTION("a known hash skips hashing and reuses an existing entry") {
    auto again = parallel.unpack_local(whl, "many.whl", b.sha256, b.sha256);
    CHECK(again.cached);
    CHECK(again.dir == b.dir);
  }
}

TEST_CASE("faults in a wheel with many entries are found by every worker count", "[install][cache][parallel]") {
  unsigned threads = GENERATE(0u, 2u, 5u);  // 0: the streaming path
  INFO("threads " << threads);
  util::TempDir tmp;
  WheelCache wc(Cache::at(tmp.path() / "cache"), options_for(threads > 0, threads));
  auto rejected = [&](const WheelSpec& w, const std::string& fragment) {
    auto whl = test::build_wheel(tmp.path(), w);
    CHECK_THROWS_WITH(wc.unpack_file(whl), Catch::Contains("is invalid") && Catch::Contains(fragment));
    CHECK(count_entries(wc.root()) == 0);
    fs::remove(whl);
  };
  auto w = many_entries(11);
  SECTION("a tampered file in the middle") {
    w.tamper = w.files[150].path;
    rejected(w, "hash of `" + w.files[150].path + "` does not match RECORD");
  }
  SECTION("the big entry tampered") {
    w.tamper = "many/lib/libbig.so";
    rejected(w, "hash of `many/lib/libbig.so` does not match RECORD");
  }
  SECTION("a file missing from RECORD") {
    w.unrecorded = {w.files[250].path};
    rejected(w, "`" + w.files[250].path + "` is not listed in RECORD");
  }
  SECTION("zip-slip near the end") {
    w.files.push_back({"many/../../evil.py", "x"});
    rejected(w, "unsafe path");
    CHECK(!fs::exists(tmp.path() / "evil.py"));
  }
  SECTION("a symlink in the middle") {
    w.files.insert(w.files.begin() + 150, ZipItem{"many/link", "", 0777, ZipItem::Symlink, "/etc/passwd"});
    rejected(w, "links are not allowed");
  }
  SECTION("a duplicate entry") {
    w.files.push_back(w.files[100]);
    rejected(w, "duplicate entry `" + w.files[100].path + "`");
  }
  SECTION("truncated in the middle, or with the end cut off") {
    auto whl = test::build_wheel(tmp.path(), w);
    std::string bytes = util::read_file(whl);
    for (size_t cut : {bytes.size() / 2, bytes.size() - (3 << 20), bytes.size() - 100}) {
      std::ofstream(whl, std::ios::binary | std::ios::trunc) << bytes.substr(0, cut);
      try {
        wc.unpack_file(whl);
        FAIL("no error");
      } catch (const util::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("is invalid"));
        CHECK(!e.hint().empty());
      }
      CHECK(count_entries(wc.root()) == 0);
    }
  }
  SECTION("a corrupted deflate stream in the middle") {
    auto whl = test::build_wheel(tmp.path(), w);
    std::string bytes = util::read_file(whl);
    // Inside the data of the big incompressible entry is too lucky to hit; flip bytes across the first half.
    for (size_t i = 1000; i < bytes.size() / 2; i += 4099) bytes[i] ^= 0x55;
    std::ofstream(whl, std::ios::binary | std::ios::trunc) << bytes;
    CHECK_THROWS_WITH(wc.unpack_file(whl), Catch::Contains("is invalid"));
    CHECK(count_entries(wc.root()) == 0);
  }
}
