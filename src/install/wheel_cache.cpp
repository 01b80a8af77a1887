#include "ptinstall/install/wheel_cache.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "ptinstall/install/wheel_extract.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/file_lock.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::install {
namespace {

constexpr std::size_t kBlock = 1 << 18;
// How much of the end of the stream is kept to read the zip's central directory afterwards.
constexpr std::size_t kTailWindow = 4 << 20;

using detail::invalid;
using detail::kCorruptHint;

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^ static_cast<std::uint64_t>(::getpid())};
  const char* digits = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 12; ++i) s += digits[rng() % 36];
  return s;
}

// Reads the whole stream through libarchive while hashing it and keeping its tail.
struct StreamState {
  ByteSource* source = nullptr;
  util::Sha256 hash;
  std::uint64_t total = 0;
  std::string tail;  // the last bytes of the stream, at most ~2 * kTailWindow
  std::vector<char> buffer = std::vector<char>(kBlock);
  std::exception_ptr error;
  bool eof = false;

  std::size_t pull() {
    if (eof) return 0;
    std::size_t n = source->read(buffer.data(), buffer.size());
    if (n == 0) {
      eof = true;
      return 0;
    }
    hash.update(buffer.data(), n);
    total += n;
    tail.append(buffer.data(), n);
    if (tail.size() > 2 * kTailWindow) tail.erase(0, tail.size() - kTailWindow);
    return n;
  }
};

la_ssize_t read_callback(struct archive* a, void* data, const void** out) {
  auto* st = static_cast<StreamState*>(data);
  try {
    std::size_t n = st->pull();
    *out = st->buffer.data();
    return static_cast<la_ssize_t>(n);
  } catch (...) {
    st->error = std::current_exception();
    archive_set_error(a, EIO, "read failed");
    return -1;
  }
}

// Extracts the stream into `dest` (which exists and is empty) in one pass and verifies it; throws
// util::Error.
void extract_stream(StreamState& st, const fs::path& dest, std::string_view wheel) {
  struct archive* a = archive_read_new();
  if (!a) throw util::Error("out of memory");
  struct Closer {
    struct archive* a;
    ~Closer() { archive_read_free(a); }
  } closer{a};
  archive_read_support_format_zip_streamable(a);
  if (archive_read_open(a, &st, nullptr, read_callback, nullptr) != ARCHIVE_OK) {
    if (st.error) std::rethrow_exception(st.error);
    invalid(wheel, "not a zip file" + detail::archive_message(a), kCorruptHint);
  }
  auto fail = [&](const std::string& what) {
    if (st.error) std::rethrow_exception(st.error);
    invalid(wheel, what + detail::archive_message(a), kCorruptHint);
  };

  detail::TreeWriter tree(dest, wheel);
  for (;;) {
    struct archive_entry* entry = nullptr;
    int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) fail(tree.empty() ? "not a zip file" : "the zip file is truncated or corrupt");
    tree.write(a, entry, tree.checked_name(entry), fail);
  }
  // Hash whatever follows the last entry (the central directory) too.
  while (st.pull() > 0) {
  }
  if (st.error) std::rethrow_exception(st.error);

  auto cd_bytes = detail::central_directory_bytes(
      st.tail, st.total, wheel, [&](std::uint64_t offset, std::size_t size) { return st.source->read_at(offset, size); });
  if (!cd_bytes) invalid(wheel, "no end of central directory record; the zip file is truncated", kCorruptHint);
  detail::verify_tree(dest, tree, detail::parse_central_directory(*cd_bytes, wheel), wheel);
}

}  // namespace

namespace {
std::atomic<std::uint64_t> g_max_unpacked{16ULL << 30};
}  // namespace

void set_max_unpacked_bytes(std::uint64_t bytes) { g_max_unpacked = bytes; }
std::uint64_t max_unpacked_bytes() { return g_max_unpacked.load(); }

fs::path default_cache_dir(const std::optional<std::string>& explicit_dir, const char* (*getenv_fn)(const char*)) {
  if (explicit_dir && !explicit_dir->empty()) return fs::absolute(*explicit_dir);
  auto get = [&](const char* name) -> const char* { return getenv_fn ? getenv_fn(name) : std::getenv(name); };
  if (const char* xdg = get("XDG_CACHE_HOME"); xdg && *xdg && fs::path(xdg).is_absolute()) return fs::path(xdg) / "ptinstall";
  if (const char* home = get("HOME"); home && *home) return fs::path(home) / ".cache" / "ptinstall";
  return fs::temp_directory_path() / "ptinstall-cache";
}

Cache Cache::at(const fs::path& root) {
  Cache c;
  c.root_ = root;
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec)
    throw util::msg::io_failed("create the cache directory", root, ec.message(),
                               "choose another one with --cache-dir, or use --no-cache");
  // A cache we cannot lock (read-only) is used without the lock, as before the cache commands. The
  // wait for a `cache clean` is bounded like every lock wait (PTINSTALL_LOCK_TIMEOUT).
  try {
    c.lock_ = std::make_shared<util::FileLock>(
        util::FileLock::acquire(root / ".lock", "the cache (ptinstall cache clean/prune)", std::nullopt, true));
  } catch (const util::Error& e) {
    if (e.kind() != util::ErrorKind::Io) throw;
    util::log::debug(std::string("cache lock: ") + e.what());
  }
  return c;
}

Cache Cache::temporary() {
  Cache c;
  c.temp_ = std::make_shared<util::TempDir>(fs::temp_directory_path(), "ptinstall-cache-");
  c.root_ = c.temp_->path();
  return c;
}

FileSource::FileSource(const fs::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw util::msg::io_failed("open", path, std::strerror(errno));
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t FileSource::read(void* buffer, std::size_t size) {
  for (;;) {
    ssize_t n = ::read(fd_, buffer, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw util::msg::io_failed("read", path_, std::strerror(errno));
  }
}

std::optional<std::string> FileSource::read_at(std::uint64_t offset, std::size_t size) {
  std::string out(size, '\0');
  try {
    if (util::pread_full(fd_, out.data(), size, offset, path_) != size) return std::nullopt;
  } catch (const util::Error&) {
    return std::nullopt;
  }
  return out;
}

void ChunkPipe::feed(const void* data, std::size_t size) {
  if (size == 0) return;
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return queued_ < capacity_ || closed_; });
  if (closed_) return;
  chunks_.emplace_back(static_cast<const char*>(data), size);
  queued_ += size;
  cv_.notify_all();
}

void ChunkPipe::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  cv_.notify_all();
}

void ChunkPipe::fail(std::exception_ptr error) {
  std::lock_guard lock(mutex_);
  error_ = error;
  closed_ = true;
  cv_.notify_all();
}

std::size_t ChunkPipe::read(void* buffer, std::size_t size) {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return !chunks_.empty() || closed_; });
  if (chunks_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return 0;
  }
  std::string& front = chunks_.front();
  std::size_t n = std::min(size, front.size() - offset_);
  std::memcpy(buffer, front.data() + offset_, n);
  offset_ += n;
  queued_ -= n;
  if (offset_ == front.size()) {
    chunks_.pop_front();
    offset_ = 0;
  }
  cv_.notify_all();
  return n;
}

WheelCache::WheelCache(const Cache& cache, WheelCacheOptions options)
    : root_(cache.bucket("wheels-v1")), local_index_(cache.bucket("local-v1")), options_(options) {}

std::optional<fs::path> WheelCache::lookup(std::string_view sha256_hex) const {
  fs::path p = root_ / std::string(sha256_hex);
  std::error_code ec;
  if (fs::is_directory(p, ec)) return p;
  return std::nullopt;
}

namespace {

unsigned cores() {
  static const unsigned n = std::max(1u, std::thread::hardware_concurrency());
  return n;
}

// Threads lent to parallel unpacks across the process, beyond the callers' own: one per core less
// one. prepare_wheels unpacks up to 8 wheels at once, and several of them may be big (torch next to
// the nvidia-* wheels): without a shared budget they would start 8 threads each on a 2-core machine.
std::atomic<int> g_spare_threads{-1};

unsigned borrow_threads(unsigned want) {
  int expected = g_spare_threads.load();
  if (expected < 0) {
    g_spare_threads.compare_exchange_strong(expected, static_cast<int>(cores()) - 1);
    expected = g_spare_threads.load();
  }
  for (;;) {
    int take = std::min(expected, static_cast<int>(want));
    if (take <= 0) return 0;
    if (g_spare_threads.compare_exchange_weak(expected, expected - take)) return static_cast<unsigned>(take);
  }
}

// The threads one unpack uses: itself plus what it borrowed from the budget, given back when the
// unpack ends. An explicit count (WheelCacheOptions::parallel_threads, tests) is used as given.
class ThreadLoan {
 public:
  ThreadLoan(unsigned want, bool explicit_count) {
    if (want <= 1) return;
    if (explicit_count) {
      threads_ = want;
    } else {
      borrowed_ = borrow_threads(want - 1);
      threads_ = 1 + borrowed_;
    }
  }
  ~ThreadLoan() {
    if (borrowed_) g_spare_threads += static_cast<int>(borrowed_);
  }
  ThreadLoan(const ThreadLoan&) = delete;
  ThreadLoan& operator=(const ThreadLoan&) = delete;
  unsigned threads() const { return threads_; }

 private:
  unsigned threads_ = 1;
  unsigned borrowed_ = 0;
};

// A temporary directory in the wheel cache (same filesystem as the entries, so the commit is one
// rename), removed unless committed.
struct StagingDir {
  fs::path path;
  bool active = true;
  explicit StagingDir(const fs::path& root) {
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) throw util::msg::io_failed("create", root, ec.message());
    path = root / (".tmp-" + random_suffix());
    if (!fs::create_directory(path, ec) || ec)
      throw util::msg::io_failed("create", path, ec ? ec.message() : "exists");
  }
  ~StagingDir() {
    if (!active) return;
    std::error_code e;
    fs::remove_all(path, e);
  }
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
};

void check_expected(std::string_view display_name, const std::optional<std::string>& expected, const std::string& sha) {
  if (expected && *expected != sha)
    throw util::msg::hash_mismatch(display_name, {*expected}, sha,
                                   "the file changed on the server or was corrupted in transit");
}

// Renames the verified staging directory to <root>/<sha256>.
UnpackedWheel commit(StagingDir& staging, const fs::path& root, const std::string& sha, std::uint64_t size) {
  fs::path final_dir = root / sha;
  if (::rename(staging.path.c_str(), final_dir.c_str()) == 0) {
    staging.active = false;
    return UnpackedWheel{final_dir, sha, size, false};
  }
  int e = errno;
  std::error_code ec;
  if ((e == ENOTEMPTY || e == EEXIST) && fs::is_directory(final_dir, ec)) {
    // Another process committed the same wheel first: use theirs.
    return UnpackedWheel{final_dir, sha, size, true};
  }
  throw util::msg::io_failed("commit", final_dir, std::strerror(e));
}

}  // namespace

unsigned WheelCache::parallel_threads(std::uint64_t size) const {
  if (size < options_.parallel_min_bytes) return 1;
  unsigned n = options_.parallel_threads ? options_.parallel_threads : std::min(cores(), 8u);
  return std::max(1u, n);
}

UnpackedWheel WheelCache::unpack_file(const fs::path& path) {
  fs::path abs = fs::absolute(path);
  struct stat st {};
  if (::stat(abs.c_str(), &st) != 0)
    throw util::msg::io_failed("read", path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw util::Error(util::ErrorKind::Io, path.string() + " is not a file");
  // The local index: sha256(abs path) -> "size mtime_ns sha256".
  std::string key = util::sha256_hex(abs.string());
  fs::path index_file = local_index_ / key.substr(0, 2) / key;
  std::string stamp = std::to_string(st.st_size) + " " +
                      std::to_string(static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec) +
                      " " + std::to_string(st.st_ino);
  if (auto known = util::try_read_file(index_file)) {
    auto sp = known->rfind(' ');
    if (sp != std::string::npos && known->substr(0, sp) == stamp) {
      std::string sha(util::trim(std::string_view(*known).substr(sp + 1)));
      if (auto dir = lookup(sha))
        return UnpackedWheel{*dir, sha, static_cast<std::uint64_t>(st.st_size), true};
    }
  }
  UnpackedWheel result = unpack_local(abs, path.filename().string());
  try {
    util::write_file_atomic(index_file, stamp + " " + result.sha256 + "\n");
  } catch (const util::Error& e) {
    util::log::debug(std::string("could not update the local wheel index: ") + e.what());
  }
  return result;
}

UnpackedWheel WheelCache::unpack_local(const fs::path& path, std::string_view display_name,
                                       const std::optional<std::string>& expected_sha256,
                                       const std::optional<std::string>& known_sha256) {
  if (known_sha256) {
    check_expected(display_name, expected_sha256, *known_sha256);
    if (auto dir = lookup(*known_sha256)) {
      std::error_code ec;
      auto size = fs::file_size(path, ec);
      return UnpackedWheel{*dir, *known_sha256, ec ? 0 : static_cast<std::uint64_t>(size), true};
    }
  }
  std::error_code ec;
  std::uint64_t size = fs::file_size(path, ec);
  if (ec) throw util::msg::io_failed("read", path, ec.message());
  const ThreadLoan loan(parallel_threads(size), options_.parallel_threads != 0);
  const unsigned threads = loan.threads();
  if (threads <= 1) {
    FileSource source(path);
    return unpack_stream(source, display_name, expected_sha256);
  }
  util::log::debug("unpacking " + std::string(display_name) + " (" + std::to_string(size) + " bytes) with " +
                   std::to_string(threads) + " threads");
  StagingDir staging(root_);
  std::string sha = detail::extract_parallel(path, size, staging.path, display_name, threads, known_sha256);
  check_expected(display_name, expected_sha256, sha);
  UnpackedWheel out = commit(staging, root_, sha, size);
  out.threads = threads;
  return out;
}

UnpackedWheel WheelCache::unpack_growing(const fs::path& path, std::uint64_t size, GrowingFile& growing,
                                         std::string_view display_name,
                                         const std::optional<std::string>& expected_sha256) {
  const ThreadLoan loan(parallel_threads(size), options_.parallel_threads != 0);
  const unsigned threads = loan.threads();
  util::log::debug("unpacking " + std::string(display_name) + " (" + std::to_string(size) +
                   " bytes) while it downloads, with " + std::to_string(threads) + " thread" + (threads > 1 ? "s" : ""));
  StagingDir staging(root_);
  std::string sha = detail::extract_parallel(path, size, staging.path, display_name, threads, std::nullopt, &growing);
  check_expected(display_name, expected_sha256, sha);
  UnpackedWheel out = commit(staging, root_, sha, size);
  out.threads = threads;
  return out;
}

UnpackedWheel WheelCache::unpack_stream(ByteSource& source, std::string_view display_name,
                                        const std::optional<std::string>& expected_sha256) {
  StagingDir staging(root_);
  StreamState st;
  st.source = &source;
  extract_stream(st, staging.path, display_name);
  std::string sha = st.hash.hex();
  check_expected(display_name, expected_sha256, sha);
  return commit(staging, root_, sha, st.total);
}

}  // namespace ptinstall::install
