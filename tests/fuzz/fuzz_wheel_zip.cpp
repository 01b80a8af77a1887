// Fuzz harness for wheel archives (the zip a server or a local path hands us): the input is unpacked
// into a wheel cache twice, by the one-thread streaming extractor (downloads) and by the parallel
// seekable one (big files), and the central directory reader is run on it alone. Any input either
// unpacks or throws util::Error, and:
// - nothing is written outside the staging directory (the sandbox around the caches stays as made),
//   and a refused wheel leaves no staging directory behind (no partial cache entry);
// - an accepted wheel's tree holds regular files and directories only, exactly the files its RECORD
//   lists, each with RECORD's sha256 and size (checked here again, independently of verify_tree);
// - where both extractors accept an input, they agree on what it holds (where only one accepts, the
//   input's header copies disagree: see the end).
// Every wheel may unpack to 1 MiB at most here, so that a zip bomb costs no time.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <unistd.h>

#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/install/wheel_extract.hpp"
#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "fuzz_wheel_zip: %s\n", why.c_str());
  std::abort();
}

// The input in small reads (a download's chunks do not follow entry boundaries), with random access.
class MemorySource : public install::ByteSource {
 public:
  explicit MemorySource(std::string_view data) : data_(data) {}
  std::size_t read(void* buffer, std::size_t size) override {
    std::size_t n = std::min({size, data_.size() - pos_, std::size_t{1000}});
    std::copy_n(data_.data() + pos_, n, static_cast<char*>(buffer));
    pos_ += n;
    return n;
  }
  std::optional<std::string> read_at(std::uint64_t offset, std::size_t size) override {
    if (offset > data_.size() || size > data_.size() - offset) return std::nullopt;
    return std::string(data_.substr(offset, size));
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

// In memory where there is a tmpfs: every input creates, renames and removes a few directories and
// files, ten times faster there than on a disk (2000 inputs: 1.5 s instead of 20 s on a busy machine).
fs::path scratch() {
  if (::access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
  return fs::temp_directory_path();
}

// sandbox/d1/d2/d3/{input.whl,stream/,parallel/}: an entry escaping its staging directory by up to
// six `..` lands in a directory this harness checks.
struct Sandbox {
  util::TempDir top{scratch(), "ptinstall-fuzz-wheel-zip-"};
  fs::path deep = top.path() / "d1" / "d2" / "d3";
  fs::path input = deep / "input.whl";
  std::optional<install::Cache> stream_cache, parallel_cache;
  Sandbox() {
    fs::create_directories(deep);
    stream_cache = install::Cache::at(deep / "stream");
    parallel_cache = install::Cache::at(deep / "parallel");
  }
};

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

void expect_only(const fs::path& dir, const std::set<std::string>& allowed) {
  for (const auto& name : names_in(dir))
    if (!allowed.count(name)) fail("unexpected `" + name + "` in " + dir.string());
}

// Files of an accepted tree by relative path -> sha256 (urlsafe b64), checked against its RECORD.
std::map<std::string, std::string> check_tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  std::string record_path;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    auto st = it->symlink_status();
    std::string rel = fs::relative(it->path(), root).generic_string();
    if (fs::is_directory(st)) continue;
    if (!fs::is_regular_file(st)) fail("not a regular file in an accepted wheel: " + rel);
    util::Sha256 h;
    h.update(util::read_file(it->path()));
    files[rel] = h.urlsafe_b64_nopad();
    auto slash = rel.find('/');
    if (slash != std::string::npos && rel.substr(slash) == "/RECORD" && rel.size() > 17 &&
        rel.compare(slash - 10, 10, ".dist-info") == 0)
      record_path = rel;
  }
  if (record_path.empty()) fail("an accepted wheel has no RECORD");
  auto rows = spec::parse_record(util::read_file(root / record_path));
  std::map<std::string, const spec::RecordEntry*> listed;
  for (const auto& r : rows) listed[r.path] = &r;
  for (const auto& [path, hash] : files) {
    if (path == record_path) continue;
    auto it = listed.find(path);
    if (it == listed.end()) fail("accepted, but `" + path + "` is not in RECORD");
    if (it->second->hash != "sha256=" + hash && it->second->hash.rfind("sha256=", 0) == 0)
      fail("accepted, but `" + path + "` does not match its RECORD hash");
    if (it->second->size && *it->second->size != fs::file_size(root / path))
      fail("accepted, but `" + path + "` does not match its RECORD size");
  }
  for (const auto& [path, row] : listed)
    if (path != record_path && !files.count(path)) fail("accepted, but RECORD's `" + path + "` is missing");
  return files;
}

struct Outcome {
  std::optional<install::UnpackedWheel> wheel;
  std::string error;
};

// After one extractor: nothing stray around or inside the cache; the entry's tree, which is removed.
std::optional<std::map<std::string, std::string>> settle(const Sandbox& box, const install::Cache& cache,
                                                         const Outcome& out) {
  fs::path wheels = cache.root() / "wheels-v1";
  std::optional<std::map<std::string, std::string>> tree;
  if (out.wheel) {
    expect_only(wheels, {out.wheel->sha256});
    tree = check_tree(out.wheel->dir);
    fs::remove_all(out.wheel->dir);
  } else if (fs::exists(wheels)) {
    expect_only(wheels, {});  // a refused wheel leaves no staging directory
  }
  expect_only(cache.root(), {".lock", "wheels-v1"});
  expect_only(box.deep, {"input.whl", "stream", "parallel"});
  expect_only(box.deep.parent_path(), {"d3"});
  expect_only(box.deep.parent_path().parent_path(), {"d2"});
  expect_only(box.top.path(), {"d1"});
  return tree;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (util::log::configure(-2, false), true);
  (void)quiet;
  static Sandbox box;
  install::set_max_unpacked_bytes(1 << 20);
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // The end records and the central directory alone, the input being the whole file.
  try {
    MemorySource whole(bytes);
    auto cd = install::detail::central_directory_bytes(
        bytes, bytes.size(), "fuzz.whl", [&](std::uint64_t o, std::size_t n) { return whole.read_at(o, n); });
    if (cd) install::detail::parse_central_directory(*cd, "fuzz.whl");
  } catch (const util::Error&) {
  }

  Outcome streamed, parallel;
  try {
    install::WheelCache cache(*box.stream_cache);
    MemorySource source(bytes);
    streamed.wheel = cache.unpack_stream(source, "fuzz.whl");
  } catch (const util::Error& e) {
    streamed.error = e.what();
  }
  {
    std::ofstream out(box.input, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) fail("cannot write " + box.input.string());
  }
  try {
    install::WheelCacheOptions options;
    options.parallel_min_bytes = 0;
    options.parallel_threads = 2;
    install::WheelCache cache(*box.parallel_cache, options);
    parallel.wheel = cache.unpack_local(box.input, "fuzz.whl");
    if (parallel.wheel->threads != 2) fail("the parallel extractor was not used");
  } catch (const util::Error& e) {
    parallel.error = e.what();
  }
  auto a = settle(box, *box.stream_cache, streamed);
  auto b = settle(box, *box.parallel_cache, parallel);
  // Accepting and refusing may differ where a zip's copies of a header field disagree (a local
  // header's CRC or sizes before a data descriptor, the central directory's): libarchive's streaming
  // and seekable readers trust different copies. The accepted tree still matched RECORD's sha256s and
  // the directory's sizes (above); FUZZ_WHEEL_ZIP_REPORT=1 prints each such input's two answers.
  if (a.has_value() != b.has_value() && std::getenv("FUZZ_WHEEL_ZIP_REPORT"))
    std::fprintf(stderr, "DISAGREE %s | %s\n", streamed.error.c_str(), parallel.error.c_str());
  if (a && b && (*a != *b || streamed.wheel->sha256 != parallel.wheel->sha256))
    fail("the extractors accepted different trees");
  return 0;
}
