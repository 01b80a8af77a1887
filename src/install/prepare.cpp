#include "ptinstall/install/prepare.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include "ptinstall/index/find_links.hpp"
#include "ptinstall/install/prepare_ahead.hpp"
#include "ptinstall/install/ranged_download.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/thread_pool.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::install {

namespace {

struct Counters {
  std::atomic<std::size_t> from_cache{0}, downloaded{0}, unpacked{0}, parallel{0};
  std::atomic<std::uint64_t> bytes{0};
  // For PrepareOptions::on_progress: items finished, bytes received (a restarted transfer takes its
  // bytes back).
  std::atomic<std::size_t> done{0};
  std::atomic<std::int64_t> live_bytes{0};
  std::size_t total = 0;
  const PrepareOptions* options = nullptr;
  // Throws (in a transfer's chunk handler, so the transfer stops) once PrepareOptions::cancel is set.
  void received(std::int64_t n) {
    if (n > 0 && options && options->cancel && options->cancel->load())
      throw util::Error(util::ErrorKind::Network, "download cancelled");
    live_bytes += n;
    notify();
  }
  void notify() const {
    if (options && options->on_progress)
      options->on_progress(done.load(), total, static_cast<std::uint64_t>(std::max<std::int64_t>(0, live_bytes.load())));
  }
  // PrepareOptions::on_file.
  void file(const std::string& filename, std::uint64_t received, std::uint64_t size, bool finished) const {
    if (options && options->on_file) options->on_file(filename, received, size, finished);
  }
};

// <cache>/wheel-urls-v1/<sha256(url)[:2]>/<sha256(url)>: the sha256 of the wheel at that URL.
fs::path url_index_entry(const Cache& root, const std::string& url) {
  std::string key = util::sha256_hex(url);
  return root.bucket("wheel-urls-v1") / key.substr(0, 2) / key;
}

// The digests a file may have: the index's, then the --hash values that differ from it.
std::vector<std::string> expected_digests(const ExpectedHashes& e) {
  std::vector<std::string> out;
  if (e.index_sha256) out.push_back(*e.index_sha256);
  for (const auto& r : e.required_sha256)
    if (!e.index_sha256 || r != *e.index_sha256) out.push_back(r);
  return out;
}

// Whether a download of `size` bytes goes to a file, then is unpacked from there by several threads,
// rather than unpacked while it streams in (one thread). Measured with the 1 GB torch-shaped wheel
// of bench big-cold: on 2 busy cores with the index on loopback, streaming took 13.8-19.4 s, the file
// and 2 threads 11.3-14.1 s; on 16 cores, unpacking the file took 14.7 s with one thread, 6.1-6.4 s
// with 4 or 8. On loopback the download costs little next to inflating, so the file wins. In general,
// with D the download time, I the one-thread inflate time and N threads: streaming takes about
// max(D, I) (download and inflate overlap), the file about D + I/N (the hash is computed while the
// file is written, so nothing reads it twice). The file loses at most I/N (a slow network, D >= I)
// and gains up to I - I/N - D (a fast one: a mirror, a CDN in the same cloud, loopback), so it is
// the better bet for big wheels. Small wheels (most wheels) stream: their inflate time is small next
// to the round trips, and streaming keeps them off the disk twice.
// The request for a wheel: never read past the size the index declared (PEP 700), and a body that
// ends before it is cut short (retried, continued where the server allows ranges).
net::Request wheel_request(const PrepareItem& item) {
  net::Request r{item.file.url};
  if (item.file.size)
    r.limit = net::BodyLimit{*item.file.size, "the " + std::to_string(*item.file.size) + " bytes the index declared",
                             "the index and the file it links to disagree; tell the index's maintainers", true};
  return r;
}

bool download_to_file_first(std::optional<std::uint64_t> size, const WheelCache& cache) {
  return size && cache.parallel_threads(*size) > 1;
}

// A download into a file in the cache directory, hashed while written.
struct FileSink {
  std::unique_ptr<util::TempDir> dir;
  fs::path path;
  std::FILE* out = nullptr;
  util::Sha256 hash;
  std::uint64_t written = 0;

  FileSink(const Cache& root, const std::string& filename) {
    dir = std::make_unique<util::TempDir>(root.root(), ".download-");
    path = dir->path() / filename;
    out = std::fopen(path.c_str(), "wb");
    if (!out) throw util::msg::io_failed("create", path);
  }
  ~FileSink() {
    if (out) std::fclose(out);
  }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  void write(std::string_view chunk) {
    if (std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size()) throw util::msg::io_failed("write", path);
    hash.update(chunk);
    written += chunk.size();
  }
  void reset() {
    std::fflush(out);
    std::rewind(out);
    written = 0;
    hash = util::Sha256();
  }
  // Closes the file at its final size; the hash (hex).
  std::string finish() {
    bool failed = std::fclose(out) != 0;
    out = nullptr;
    if (failed) throw util::msg::io_failed("write", path);
    fs::resize_file(path, written);
    return hash.hex();
  }
};

// The download, unpacked while the bytes arrive, or (a big wheel: the index's size or the response's
// Content-Length, see download_to_file_first) written to a file first and unpacked from there by
// several threads. Returns nullopt when a streamed transfer had to start over after bytes were
// consumed (the caller then downloads to a file).
std::optional<UnpackedWheel> stream_unpack(const PrepareItem& item, WheelCache& cache, const Cache& root,
                                           net::HttpClient& client, const std::optional<std::string>& expected,
                                           Counters& counters) {
  ChunkPipe pipe;
  std::atomic<bool> aborted{false}, restarted{false};
  std::atomic<std::uint64_t> fed{0};
  // Where the body goes: decided by on_start (network thread), awaited by this thread.
  enum class Sink { undecided, pipe, file };
  std::mutex mutex;
  std::condition_variable decided;
  Sink sink = Sink::undecided;
  bool finished = false;
  std::unique_ptr<FileSink> file;
  net::StreamHandler handler;
  std::atomic<std::uint64_t> size{item.file.size ? *item.file.size : 0};
  handler.on_start = [&](std::optional<std::uint64_t> announced) {
    if (size == 0 && announced) size = *announced;
    std::lock_guard lock(mutex);
    if (sink != Sink::undecided) return;  // a retry keeps the first choice
    bool to_file = download_to_file_first(item.file.size ? item.file.size : announced, cache);
    if (to_file) file = std::make_unique<FileSink>(root, item.file.filename);
    sink = to_file ? Sink::file : Sink::pipe;
    decided.notify_all();
  };
  handler.on_chunk = [&](std::string_view chunk) {
    if (aborted || restarted)
      throw util::Error(util::ErrorKind::Network, "download of " + item.file.filename + " abandoned");
    fed += chunk.size();
    counters.received(static_cast<std::int64_t>(chunk.size()));
    counters.file(item.file.filename, fed.load(), size.load(), false);
    if (file) file->write(chunk);  // `file` is set on this thread, before the first chunk
    else pipe.feed(chunk.data(), chunk.size());
  };
  handler.on_reset = [&] {
    counters.received(-static_cast<std::int64_t>(fed.load()));
    if (file) {
      file->reset();
      fed = 0;
      return;
    }
    if (fed > 0) restarted = true;
  };
  auto future = client.submit(wheel_request(item), handler);
  net::Response response;
  std::exception_ptr failure;
  std::thread closer([&] {
    try {
      response = future.get();
      if (!response.ok()) net::raise_for_status(response, item.file.url);
    } catch (...) {
      failure = std::current_exception();
    }
    counters.file(item.file.filename, fed.load(), size.load(), true);
    if (failure) pipe.fail(failure);
    else pipe.close();
    std::lock_guard lock(mutex);
    finished = true;
    decided.notify_all();
  });
  {
    std::unique_lock lock(mutex);
    decided.wait(lock, [&] { return sink != Sink::undecided || finished; });
  }
  if (sink == Sink::file) {
    closer.join();
    if (failure) std::rethrow_exception(failure);
    counters.bytes += file->written;
    std::string sha = file->finish();
    return cache.unpack_local(file->path, item.file.filename, expected, sha);
  }
  try {
    UnpackedWheel u = cache.unpack_stream(pipe, item.file.filename, expected);
    closer.join();
    counters.bytes += fed.load();
    return u;
  } catch (...) {
    aborted = true;
    pipe.close();  // a producer blocked on a full pipe returns
    closer.join();
    if (restarted) return std::nullopt;
    throw;
  }
}

// The download to a file in the cache directory (after a streamed transfer had to start over),
// then unpacked from there: by several threads when the wheel is big, else by one.
UnpackedWheel download_then_unpack(const PrepareItem& item, WheelCache& cache, const Cache& root,
                                   net::HttpClient& client, const std::optional<std::string>& expected,
                                   Counters& counters) {
  FileSink file(root, item.file.filename);
  net::StreamHandler handler;
  const std::uint64_t size = item.file.size ? *item.file.size : 0;
  handler.on_chunk = [&](std::string_view chunk) {
    file.write(chunk);
    counters.received(static_cast<std::int64_t>(chunk.size()));
    counters.file(item.file.filename, file.written, size, false);
  };
  handler.on_reset = [&] {
    counters.received(-static_cast<std::int64_t>(file.written));
    file.reset();
  };
  net::Response r;
  try {
    r = client.fetch_streaming(wheel_request(item), handler);
  } catch (...) {
    counters.file(item.file.filename, file.written, size, true);
    throw;
  }
  counters.file(item.file.filename, file.written, size, true);
  net::raise_for_status(r, item.file.url);
  counters.bytes += file.written;
  std::string sha = file.finish();
  return cache.unpack_local(file.path, item.file.filename, expected, sha);
}

// A big wheel whose size the index declared: several ranges at once into a partial file kept in the
// cache (continued from an earlier run), unpacked while it comes in (install/ranged_download.hpp).
// nullopt when another process is downloading the same file (the caller then downloads its own copy).
std::optional<UnpackedWheel> ranged_unpack(const PrepareItem& item, WheelCache& cache, const Cache& root,
                                           net::HttpClient& client, const std::optional<std::string>& expected,
                                           Counters& counters, bool fresh = false) {
  const std::uint64_t size = *item.file.size;
  RangedOptions ro;
  ro.connections = std::max(1u, counters.options->download_ranges);
  ro.piece_bytes = counters.options->range_piece_bytes;
  std::atomic<std::uint64_t> have{0};
  auto on_bytes = [&](std::int64_t delta) {
    have += static_cast<std::uint64_t>(delta);
    counters.received(delta);
    counters.file(item.file.filename, have.load(), size, false);
  };
  auto dl = RangedDownload::open(root, client, item.file.url, size, ro, expected.has_value(), on_bytes);
  if (!dl) return std::nullopt;
  if (fresh) {
    dl->discard();
    dl.reset();
    dl = RangedDownload::open(root, client, item.file.url, size, ro, expected.has_value(), on_bytes);
    if (!dl) return std::nullopt;
  }
  const std::uint64_t resumed = dl->resumed_bytes();
  have = resumed;
  counters.received(static_cast<std::int64_t>(resumed));
  counters.file(item.file.filename, resumed, size, false);
  dl->start();
  UnpackedWheel u;
  try {
    u = cache.unpack_growing(dl->path(), size, *dl, item.file.filename, expected);
  } catch (const util::Error& e) {
    std::exception_ptr download_error = dl->stop();
    counters.file(item.file.filename, have.load(), size, true);
    // A transfer failed: the bytes in stay for the next run. Bad bytes (a hash mismatch, a broken
    // archive) go, and when some came from an earlier run, the download starts over once.
    if (download_error) std::rethrow_exception(download_error);
    if (e.kind() == util::ErrorKind::Network) throw;
    dl->discard();
    if (resumed > 0 && !fresh) {
      util::log::debug(std::string("starting ") + item.file.filename + " over: " + e.what());
      counters.received(-static_cast<std::int64_t>(have.load()));
      dl.reset();
      return ranged_unpack(item, cache, root, client, expected, counters, true);
    }
    throw;
  }
  dl->finish();
  counters.file(item.file.filename, size, size, true);
  counters.bytes += size - resumed;
  if (dl->used_ranges()) util::log::debug("downloaded " + item.file.filename + " in ranges, " + std::to_string(ro.connections) + " at once" +
                                          (resumed ? ", continuing from byte " + std::to_string(resumed) : ""));
  dl->discard();  // the wheel is in the cache now
  return u;
}

// The --hash values must allow the hash the index gives, before anything is fetched.
void check_required_against_index(const PrepareItem& item, const ExpectedHashes& expected) {
  if (expected.index_sha256 && !expected.required_sha256.empty() &&
      std::find(expected.required_sha256.begin(), expected.required_sha256.end(), *expected.index_sha256) ==
          expected.required_sha256.end())
    throw util::msg::hash_mismatch(item.file.filename, expected.required_sha256, *expected.index_sha256,
                                   "the --hash values of " + item.name + " are not the hash the index gives (sha256:" +
                                       *expected.index_sha256 + "); update them");
}

PreparedWheel prepare_one(const PrepareItem& item, WheelCache& cache, const Cache& root, net::HttpClient& client,
                          Counters& counters) {
  ExpectedHashes expected = expected_hashes(item);
  check_required_against_index(item, expected);
  std::optional<std::string> single = expected.single();
  PreparedWheel out;

  // 1. The cache, by hash or by URL.
  std::optional<std::string> known = single;
  fs::path url_entry = url_index_entry(root, item.file.url);
  if (!known && !item.local_wheel && !index::local_path(item.file.url)) {
    if (auto text = util::try_read_file(url_entry)) known = std::string(util::trim(*text));
  }
  if (known) {
    if (auto dir = cache.lookup(*known)) {
      check_hash(item, expected, *known);
      out.unpacked = UnpackedWheel{*dir, *known, 0, true};
      counters.from_cache++;
      return out;
    }
  }

  // 2. On disk already.
  std::optional<fs::path> local = item.local_wheel;
  if (!local) local = index::local_path(item.file.url);
  if (local) {
    if (single) {
      out.unpacked = cache.unpack_local(*local, item.file.filename, single);
    } else {
      out.unpacked = cache.unpack_file(*local);
    }
    check_hash(item, expected, out.unpacked.sha256);
    if (!out.unpacked.cached) counters.unpacked++;
    else counters.from_cache++;
    if (out.unpacked.threads > 1) counters.parallel++;
    return out;
  }

  // 3. The network.
  std::optional<UnpackedWheel> streamed;
  if (item.file.size && *item.file.size >= counters.options->ranged_min_bytes)
    streamed = ranged_unpack(item, cache, root, client, single, counters);
  if (!streamed) streamed = stream_unpack(item, cache, root, client, single, counters);
  out.unpacked = streamed ? *streamed : download_then_unpack(item, cache, root, client, single, counters);
  check_hash(item, expected, out.unpacked.sha256);
  out.downloaded = true;
  counters.downloaded++;
  counters.unpacked++;
  if (out.unpacked.threads > 1) counters.parallel++;
  try {
    util::write_file_atomic(url_entry, out.unpacked.sha256 + "\n");
  } catch (const util::Error& e) {
    util::log::debug(std::string("could not record the URL of ") + item.file.filename + ": " + e.what());
  }
  return out;
}

}  // namespace

std::optional<std::string> ExpectedHashes::single() const {
  if (index_sha256) return index_sha256;
  if (required_sha256.size() == 1) return required_sha256.front();
  return std::nullopt;
}

ExpectedHashes expected_hashes(const PrepareItem& item) {
  ExpectedHashes e;
  if (auto it = item.file.hashes.find("sha256"); it != item.file.hashes.end()) e.index_sha256 = util::to_lower(it->second);
  for (const auto& h : item.required_hashes) {
    auto colon = h.find(':');
    if (colon == std::string::npos) continue;
    if (util::to_lower(h.substr(0, colon)) != "sha256") {
      util::log::debug("ignoring --hash " + h + " of " + item.name + ": only sha256 is checked");
      continue;
    }
    e.required_sha256.push_back(util::to_lower(h.substr(colon + 1)));
  }
  return e;
}

void check_hash(const PrepareItem& item, const ExpectedHashes& expected, const std::string& actual) {
  bool ok = true;
  if (expected.index_sha256 && *expected.index_sha256 != actual) ok = false;
  if (!expected.required_sha256.empty() &&
      std::find(expected.required_sha256.begin(), expected.required_sha256.end(), actual) ==
          expected.required_sha256.end())
    ok = false;
  if (!ok)
    throw util::msg::hash_mismatch(
        item.file.filename, expected_digests(expected), actual,
        "the file changed on the server or was corrupted in transit, or the --hash values are out of date");
}

std::vector<PreparedWheel> prepare_wheels(const std::vector<PrepareItem>& items, WheelCache& cache, const Cache& root,
                                          net::HttpClient& client, const PrepareOptions& options, PrepareStats* stats) {
  std::vector<PreparedWheel> out(items.size());
  Counters counters;
  counters.total = items.size();
  counters.options = &options;
  counters.notify();
  std::size_t threads = std::max<std::size_t>(1, std::min(items.size(), options.concurrency));
  std::unique_ptr<util::ThreadPool> pool;
  if (items.size() > 1) pool = std::make_unique<util::ThreadPool>(threads);
  try {
    util::parallel_for(pool.get(), items.size(),
                       [&](std::size_t i) {
                         std::optional<PrepareAhead::Taken> ahead;
                         if (options.ahead) ahead = options.ahead->take(items[i]);
                         if (ahead) {
                           // Prepared while resolving, without this item's --hash values: checked here.
                           ExpectedHashes expected = expected_hashes(items[i]);
                           check_required_against_index(items[i], expected);
                           check_hash(items[i], expected, ahead->wheel.unpacked.sha256);
                           out[i] = std::move(ahead->wheel);
                           counters.from_cache += ahead->stats.from_cache;
                           counters.downloaded += ahead->stats.downloaded;
                           counters.unpacked += ahead->stats.unpacked;
                           counters.parallel += ahead->stats.parallel;
                           counters.bytes += ahead->stats.bytes;
                           counters.live_bytes += static_cast<std::int64_t>(ahead->stats.bytes);
                         } else {
                           out[i] = prepare_one(items[i], cache, root, client, counters);
                         }
                         counters.done++;
                         counters.notify();
                       });
  } catch (...) {
    if (stats) *stats = PrepareStats{counters.from_cache, counters.downloaded, counters.unpacked, counters.bytes, counters.parallel};
    throw;
  }
  if (stats) *stats = PrepareStats{counters.from_cache, counters.downloaded, counters.unpacked, counters.bytes, counters.parallel};
  return out;
}

}  // namespace ptinstall::install
