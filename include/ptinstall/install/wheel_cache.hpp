// The global cache of unpacked wheels: <cache-dir>/wheels-v1/<sha256 of the wheel file>/ holds the
// extracted tree of one wheel, verified against the wheel's own RECORD. Entries are written into a
// temporary directory inside the cache (same filesystem), then committed by one atomic rename; when
// another process committed the same wheel first, its entry is used and ours is dropped. Entries
// are never modified after the commit, so environments may hard-link or clone from them.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <stdexcept>
#include <string_view>

namespace ptinstall::util {
class TempDir;
class FileLock;
}

namespace ptinstall::install {

namespace fs = std::filesystem;

// The cache directory: `explicit_dir` (from --cache-dir, PTINSTALL_CACHE_DIR or UV_CACHE_DIR, already
// merged by config) when set, else $XDG_CACHE_HOME/ptinstall, else ~/.cache/ptinstall.
// getenv is injectable for tests.
fs::path default_cache_dir(const std::optional<std::string>& explicit_dir, const char* (*getenv_fn)(const char*) = nullptr);

// The root of the cache. A temporary cache (--no-cache) is a fresh directory removed when the last
// copy of this object goes away. Cache::at holds a shared lock on <root>/.lock while any copy lives,
// so that `ptinstall cache clean/prune` (an exclusive lock, cache_maintenance.hpp) waits for the
// processes using the cache instead of removing entries under them.
class Cache {
 public:
  static Cache at(const fs::path& root);
  static Cache temporary();

  const fs::path& root() const { return root_; }
  fs::path bucket(std::string_view name) const { return root_ / std::string(name); }
  bool is_temporary() const { return static_cast<bool>(temp_); }

 private:
  fs::path root_;
  std::shared_ptr<util::TempDir> temp_;
  std::shared_ptr<util::FileLock> lock_;
};

// Where the bytes of a wheel come from, read once from start to end. read() returns 0 at the end and
// throws util::Error on failure. read_at() is an optional random read (files have it, downloads don't),
// used only when the zip's central directory is too large for the in-memory tail window.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::size_t read(void* buffer, std::size_t size) = 0;
  virtual std::optional<std::string> read_at(std::uint64_t /*offset*/, std::size_t /*size*/) { return std::nullopt; }
};

class FileSource : public ByteSource {
 public:
  explicit FileSource(const fs::path& path);  // throws util::Error naming the path
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  std::size_t read(void* buffer, std::size_t size) override;
  std::optional<std::string> read_at(std::uint64_t offset, std::size_t size) override;

 private:
  fs::path path_;
  int fd_ = -1;
};

// A bounded pipe between a producer that is handed chunks (a download callback) and the unpacker
// reading them on another thread. feed() blocks while `capacity` bytes are queued.
class ChunkPipe : public ByteSource {
 public:
  explicit ChunkPipe(std::size_t capacity = 8 << 20) : capacity_(capacity) {}
  void feed(const void* data, std::size_t size);
  void close();                        // end of data
  void fail(std::exception_ptr error);  // the producer failed: the reader throws this error
  std::size_t read(void* buffer, std::size_t size) override;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> chunks_;
  std::size_t offset_ = 0;  // into chunks_.front()
  std::size_t queued_ = 0;
  std::size_t capacity_;
  bool closed_ = false;
  std::exception_ptr error_;
};

// A file still being written while it is read (a big wheel downloading in ranges,
// install/ranged_download.hpp): a reader asks for the bytes it is about to read and waits until they
// are in. wait() throws the writer's failure (the download failed), so a reader never waits forever.
class GrowingFile {
 public:
  // What wait() throws once the reader gave up (abandon()): the reason is another error.
  struct Abandoned : std::runtime_error {
    Abandoned() : std::runtime_error("reading abandoned") {}
  };
  virtual ~GrowingFile() = default;
  virtual void wait(std::uint64_t begin, std::uint64_t end) = 0;
  // The reader gives up (the archive is bad): waits throw from now on, and the writer may stop.
  virtual void abandon() = 0;
};

struct UnpackedWheel {
  fs::path dir;            // <cache>/wheels-v1/<sha256>
  std::string sha256;      // hex digest of the wheel file
  std::uint64_t size = 0;  // bytes of the wheel file
  bool cached = false;     // true when the entry existed already (nothing was unpacked)
  unsigned threads = 1;    // threads that unpacked it (more than 1: the parallel extractor)
};

// The most bytes one wheel may unpack to (all its files together), process-wide: a zip bomb stops
// there with an error instead of filling the disk. Set from PTINSTALL_MAX_UNPACKED_SIZE by the
// commands; default 16 GiB (the biggest real wheels, torch with CUDA, unpack to under 5 GiB).
void set_max_unpacked_bytes(std::uint64_t bytes);
std::uint64_t max_unpacked_bytes();

struct WheelCacheOptions {
  // Wheel files on disk of at least this many bytes are unpacked by several threads, each inflating
  // its own entries (src/install/parallel_unzip.cpp); smaller files and streams by one thread.
  // Threads pay from about 8 MB on an idle 16-core machine (1.6x; 64 MB 2x, 128 MB 3.7x), and
  // nothing measurable below 64 MB on 2 busy cores; 64 MiB keeps the application wheels of a
  // typical install (numpy, scipy: 16-40 MB) streaming and catches torch and the big nvidia-* wheels.
  std::uint64_t parallel_min_bytes = 64ULL << 20;
  // Threads for one such wheel. 0: one per core, at most 8, shared with the other wheels being
  // unpacked at the same time (the process never adds more than cores - 1 threads for this).
  // Non-zero (tests): exactly that many.
  unsigned parallel_threads = 0;
};

class WheelCache {
 public:
  explicit WheelCache(const Cache& cache, WheelCacheOptions options = {});

  const fs::path& root() const { return root_; }  // <cache>/wheels-v1

  // The committed entry of a wheel by its sha256 (hex), if any.
  std::optional<fs::path> lookup(std::string_view sha256_hex) const;

  // Unpacks the wheel at `path` unless an entry for its content exists. A local index keyed by the
  // file's absolute path, size and mtime skips re-hashing unchanged files.
  UnpackedWheel unpack_file(const fs::path& path);

  // Unpacks the wheel file at `path` (no local index), by several threads when it is big (see
  // parallel_threads). `known_sha256`: the file's sha256 when the caller has it (hashed while
  // downloading), so the file is not read again for it; an entry with that hash is used as is.
  UnpackedWheel unpack_local(const fs::path& path, std::string_view display_name,
                             const std::optional<std::string>& expected_sha256 = std::nullopt,
                             const std::optional<std::string>& known_sha256 = std::nullopt);

  // Unpacks the wheel file at `path` (`size` bytes once complete) while it is still being written:
  // every read waits for its bytes (`growing`), the entries go in file order so that the workers
  // follow the download, and the hash is computed as the bytes come in. Several threads when the
  // wheel is big (as unpack_local), else one. Nothing is committed unless the hash is `expected`.
  UnpackedWheel unpack_growing(const fs::path& path, std::uint64_t size, GrowingFile& growing,
                               std::string_view display_name, const std::optional<std::string>& expected_sha256);

  // How many threads would unpack a wheel file of `size` bytes (1: the one-thread streaming path),
  // before the process-wide budget.
  unsigned parallel_threads(std::uint64_t size) const;

  // Unpacks a stream (hashing it while reading). `display_name` names the wheel in errors, usually
  // its filename. When `expected_sha256` is given and differs, nothing is committed.
  UnpackedWheel unpack_stream(ByteSource& source, std::string_view display_name,
                              const std::optional<std::string>& expected_sha256 = std::nullopt);

 private:
  fs::path root_;
  fs::path local_index_;
  WheelCacheOptions options_;
};

}  // namespace ptinstall::install
