// Parallel extraction of one big wheel file: inflating is the cost of unpacking (a torch wheel is
// ~900 MB of deflate streams), and zip entries are compressed independently, so several workers can
// inflate disjoint entries at once. Only libarchive is used: each worker opens its own reader on the
// file in seekable zip mode (entries come from the central directory, in local header order), takes
// runs of consecutive entries ("chunks") from a shared queue, and lets libarchive skip the entries
// of other chunks (the skip callback only moves the file position; the header of a skipped entry
// costs one small read). The reads never go through memory maps: every worker reads with pread()
// into a 256 KiB buffer, so the resident memory stays a few MiB per worker whatever the wheel's size.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/install/wheel_extract.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/messages.hpp"

namespace ptinstall::install::detail {
namespace {

constexpr std::size_t kDataBlock = 256 << 10;  // reads inside an entry being extracted
constexpr std::size_t kHeaderBlock = 1 << 10;  // reads of a skipped entry's header
constexpr std::size_t kTailRead = 4 << 20;     // the end of the file, searched for the central directory
// What one entry costs beyond its compressed bytes (creating, writing and closing a file), in
// compressed-byte equivalents, to balance chunks of many small files against big shared objects.
constexpr std::uint64_t kEntryCost = 16 << 10;

class Fd {
 public:
  explicit Fd(const fs::path& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw util::msg::io_failed("open", path, std::strerror(errno));
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// The wheel's entries in local header order, and where each one's bytes end.
struct Layout {
  std::vector<const CentralEntry*> entries;  // by local_offset
  std::vector<std::uint64_t> bounds;         // entries' local offsets, then the central directory's offset
};

struct Chunk {
  std::size_t begin = 0, end = 0;  // entries [begin, end) of Layout::entries
  std::uint64_t cost = 0;
};

// Runs of consecutive entries of about equal cost, more of them than workers so that a worker held
// up (by a big entry, or by the machine's other work) does not hold up the rest. A single entry
// above the target is a chunk of its own, and those go first, biggest first: an entry cannot be
// split, so the wall time is at least the time to inflate the biggest one, and it must start at once.
std::vector<Chunk> make_chunks(const Layout& layout, unsigned threads, bool in_file_order) {
  std::uint64_t total = 0;
  for (const auto* e : layout.entries) total += e->compressed_size + kEntryCost;
  std::uint64_t target = std::max<std::uint64_t>(total / (threads * 8ULL), 1 << 20);
  std::vector<Chunk> big, rest;
  Chunk cur;
  for (std::size_t i = 0; i < layout.entries.size(); ++i) {
    std::uint64_t cost = layout.entries[i]->compressed_size + kEntryCost;
    if (cost >= target) {
      if (cur.end > cur.begin) rest.push_back(cur);
      big.push_back({i, i + 1, cost});
      cur = {i + 1, i + 1, 0};
      continue;
    }
    cur.end = i + 1;
    cur.cost += cost;
    if (cur.cost >= target) {
      rest.push_back(cur);
      cur = {i + 1, i + 1, 0};
    }
  }
  if (cur.end > cur.begin) rest.push_back(cur);
  if (in_file_order) {  // a file still downloading: its first entries come in first
    big.insert(big.end(), rest.begin(), rest.end());
    std::sort(big.begin(), big.end(), [](const Chunk& a, const Chunk& b) { return a.begin < b.begin; });
    return big;
  }
  std::stable_sort(big.begin(), big.end(), [](const Chunk& a, const Chunk& b) { return a.cost > b.cost; });
  big.insert(big.end(), rest.begin(), rest.end());
  return big;
}

// libarchive's client callbacks over pread(). Reads are sized by what is at the position: the bytes
// of an entry this worker extracts come in blocks of up to kDataBlock (never past the entry), the
// header of an entry it skips in one small block, the central directory in big blocks.
struct SeekableReader {
  int fd = -1;
  fs::path path;
  std::uint64_t size = 0;
  std::uint64_t pos = 0;
  const Layout* layout = nullptr;
  std::size_t want_begin = 0, want_end = 0;  // entries being extracted now
  std::vector<char> buffer = std::vector<char>(kDataBlock);
  std::exception_ptr error;
  GrowingFile* growing = nullptr;

  std::size_t block() const {
    const auto& b = layout->bounds;
    std::size_t i = static_cast<std::size_t>(std::upper_bound(b.begin(), b.end(), pos) - b.begin());
    std::uint64_t limit;
    if (i == b.size()) {
      limit = size;  // the central directory (and the end records)
    } else if (i == 0) {
      limit = std::min(b[0], pos + kHeaderBlock);  // before the first entry: nothing to read there
    } else {
      std::size_t entry = i - 1;
      bool wanted = entry >= want_begin && entry < want_end;
      limit = wanted ? b[i] : std::min(b[i], pos + kHeaderBlock);
    }
    return static_cast<std::size_t>(std::min<std::uint64_t>(limit - pos, kDataBlock));
  }

  static la_ssize_t read(struct archive* a, void* data, const void** out) {
    auto* r = static_cast<SeekableReader*>(data);
    *out = r->buffer.data();
    if (r->pos >= r->size) return 0;
    try {
      std::size_t want = r->block();
      if (r->growing) r->growing->wait(r->pos, r->pos + want);
      std::size_t n = util::pread_full(r->fd, r->buffer.data(), want, r->pos, r->path);
      r->pos += n;
      return static_cast<la_ssize_t>(n);
    } catch (...) {
      r->error = std::current_exception();
      archive_set_error(a, EIO, "read failed");
      return -1;
    }
  }
  static la_int64_t skip(struct archive*, void* data, la_int64_t request) {
    auto* r = static_cast<SeekableReader*>(data);
    if (request <= 0) return 0;
    std::uint64_t n = std::min<std::uint64_t>(static_cast<std::uint64_t>(request), r->size - std::min(r->pos, r->size));
    r->pos += n;
    return static_cast<la_int64_t>(n);
  }
  static la_int64_t seek(struct archive*, void* data, la_int64_t offset, int whence) {
    auto* r = static_cast<SeekableReader*>(data);
    la_int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? static_cast<la_int64_t>(r->pos) : static_cast<la_int64_t>(r->size);
    la_int64_t to = base + offset;
    if (to < 0) return ARCHIVE_FATAL;
    r->pos = static_cast<std::uint64_t>(to);
    return to;
  }
};

struct Shared {
  const fs::path& path;
  std::uint64_t size;
  const fs::path& dest;
  std::string_view wheel;
  const Layout& layout;
  const std::vector<Chunk>& chunks;
  GrowingFile* growing;
  std::atomic<std::size_t> next_chunk{0};
  std::atomic<bool> stop{false};
  std::vector<std::exception_ptr> errors;  // by chunk: the first in chunk order is reported
  UnpackedTotal total = std::make_shared<std::atomic<std::uint64_t>>(0);  // the wheel's bound, across workers
};

class Worker {
 public:
  Worker(Shared& shared, const Fd& fd) : s_(shared), tree_(shared.dest, shared.wheel, shared.total) {
    reader_.fd = fd.get();
    reader_.path = shared.path;
    reader_.size = shared.size;
    reader_.layout = &shared.layout;
    reader_.growing = shared.growing;
  }
  ~Worker() { close(); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void run() {
    for (;;) {
      if (s_.stop) return;
      std::size_t c = s_.next_chunk++;
      if (c >= s_.chunks.size()) return;
      try {
        extract(s_.chunks[c]);
      } catch (...) {
        s_.errors[c] = std::current_exception();
        s_.stop = true;
        if (s_.growing) s_.growing->abandon();  // the hasher and the other workers stop waiting
        return;
      }
    }
  }
  TreeWriter& tree() { return tree_; }

 private:
  void close() {
    if (a_) archive_read_free(a_);
    a_ = nullptr;
  }

  [[noreturn]] void fail(const std::string& what) {
    if (reader_.error) std::rethrow_exception(reader_.error);
    invalid(s_.wheel, what + archive_message(a_), kCorruptHint);
  }

  void open() {
    close();
    reader_.pos = 0;
    reader_.error = nullptr;
    next_ = 0;
    a_ = archive_read_new();
    if (!a_) throw util::Error("out of memory");
    archive_read_support_format_zip_seekable(a_);
    archive_read_set_read_callback(a_, &SeekableReader::read);
    archive_read_set_skip_callback(a_, &SeekableReader::skip);
    archive_read_set_seek_callback(a_, &SeekableReader::seek);
    archive_read_set_callback_data(a_, &reader_);
    if (archive_read_open1(a_) != ARCHIVE_OK) {
      if (reader_.error) std::rethrow_exception(reader_.error);
      invalid(s_.wheel, "not a zip file" + archive_message(a_), kCorruptHint);
    }
  }

  // The next entry's header, which must be entry `next_` of the layout.
  struct archive_entry* header() {
    struct archive_entry* entry = nullptr;
    int r = archive_read_next_header(a_, &entry);
    const std::string& expected = s_.layout.entries[next_]->name;
    if (r == ARCHIVE_EOF) invalid(s_.wheel, "`" + expected + "` is in the central directory but not in the archive", kCorruptHint);
    if (r < ARCHIVE_WARN) fail("the zip file is truncated or corrupt");
    ++next_;
    return entry;
  }

  // The name in the entry's local header must be the central directory's. libarchive 3.6's seekable
  // reader names entries after their local headers, which extract() compares; this holds the rule
  // whatever the libarchive version, for one small read per file. The message is the streaming
  // path's, which writes entries under their local names and finds the central directory's missing.
  [[noreturn]] void name_mismatch(const CentralEntry& ce) {
    invalid(s_.wheel, "`" + ce.name + "` is in the central directory but not in the archive", kCorruptHint);
  }
  void check_local_name(const CentralEntry& ce) {
    std::string h(30 + ce.name.size(), '\0');
    if (s_.growing) s_.growing->wait(ce.local_offset, std::min(s_.size, ce.local_offset + h.size()));
    if (util::pread_full(reader_.fd, h.data(), h.size(), ce.local_offset, s_.path) != h.size()) name_mismatch(ce);
    const auto* u = reinterpret_cast<const unsigned char*>(h.data());
    std::size_t name_len = static_cast<std::size_t>(u[26] | (u[27] << 8));
    if (name_len != ce.name.size() || h.compare(30, name_len, ce.name) != 0) name_mismatch(ce);
  }

  void extract(const Chunk& chunk) {
    // A reader only moves forward; a chunk behind it (the big entries go first) needs a new one.
    if (!a_ || chunk.begin < next_) open();
    reader_.want_begin = chunk.begin;
    reader_.want_end = chunk.end;
    while (next_ < chunk.begin) header();  // libarchive skips the data of these
    auto fail_fn = [this](const std::string& what) { fail(what); };
    while (next_ < chunk.end) {
      if (s_.stop) return;
      const CentralEntry& ce = *s_.layout.entries[next_];
      struct archive_entry* entry = header();
      std::string name = tree_.checked_name(entry);
      if (name != ce.name) name_mismatch(ce);
      check_local_name(ce);
      tree_.write(a_, entry, std::move(name), fail_fn);
    }
  }

  Shared& s_;
  TreeWriter tree_;
  SeekableReader reader_;
  struct archive* a_ = nullptr;
  std::size_t next_ = 0;  // the layout index of the entry the next header() returns
};

}  // namespace

std::string extract_parallel(const fs::path& path, std::uint64_t size, const fs::path& dest, std::string_view wheel,
                             unsigned threads, const std::optional<std::string>& known_sha256,
                             GrowingFile* growing) {
  Fd fd(path);
  // The central directory, read by us first: it decides the chunks, and a file without one is
  // rejected before any worker starts, with the message of the streaming path.
  std::uint64_t cd_offset = 0;
  std::optional<std::string> cd_bytes;
  {
    std::size_t tail_size = static_cast<std::size_t>(std::min<std::uint64_t>(size, kTailRead));
    std::string tail(tail_size, '\0');
    if (growing) growing->wait(size - tail_size, size);
    if (util::pread_full(fd.get(), tail.data(), tail_size, size - tail_size, path) != tail_size)
      invalid(wheel, "no end of central directory record; the zip file is truncated", kCorruptHint);
    cd_bytes = central_directory_bytes(
        tail, size, wheel,
        [&](std::uint64_t offset, std::size_t n) -> std::optional<std::string> {
          std::string out(n, '\0');
          if (growing) growing->wait(offset, std::min(size, offset + n));
          if (util::pread_full(fd.get(), out.data(), n, offset, path) != n) return std::nullopt;
          return out;
        },
        &cd_offset);
  }
  if (!cd_bytes) invalid(wheel, "no end of central directory record; the zip file is truncated", kCorruptHint);
  CentralDirectory central = parse_central_directory(*cd_bytes, wheel);
  cd_bytes.reset();

  Layout layout;
  for (const auto& [name, ce] : central) {
    (void)name;
    if (ce.local_offset >= cd_offset) invalid(wheel, "bad central directory entry", kCorruptHint);
    layout.entries.push_back(&ce);
  }
  std::stable_sort(layout.entries.begin(), layout.entries.end(),
                   [](const CentralEntry* a, const CentralEntry* b) { return a->local_offset < b->local_offset; });
  for (const auto* e : layout.entries) layout.bounds.push_back(e->local_offset);
  layout.bounds.push_back(cd_offset);
  std::vector<Chunk> chunks = make_chunks(layout, std::max(1u, threads), growing != nullptr);

  // The whole file's sha256 on its own thread, reading the file once more (from the page cache).
  std::string sha = known_sha256.value_or("");
  std::exception_ptr hash_error;
  Shared shared{path, size, dest, wheel, layout, chunks, growing, {}, {}, std::vector<std::exception_ptr>(chunks.size())};
  std::thread hasher;
  if (!known_sha256) {
    hasher = std::thread([&] {
      try {
        util::Sha256 h;
        std::vector<char> buf(1 << 20);
        std::uint64_t off = 0;
        while (off < size && !shared.stop) {
          auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - off));
          if (growing) growing->wait(off, off + want);
          std::size_t n = util::pread_full(fd.get(), buf.data(), want, off, path);
          if (n == 0) throw util::msg::io_failed("read", path, "the file shrank while it was read");
          h.update(buf.data(), n);
          off += n;
        }
        sha = h.hex();
      } catch (...) {
        hash_error = std::current_exception();
      }
    });
  }

  unsigned n_workers = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, threads), chunks.size()));
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < std::max(1u, n_workers); ++i) workers.push_back(std::make_unique<Worker>(shared, fd));
  std::vector<std::thread> pool;
  auto join_all = [&] {
    for (auto& t : pool) t.join();
    if (hasher.joinable()) hasher.join();
  };
  try {
    for (unsigned i = 1; i < workers.size(); ++i) pool.emplace_back([&, i] { workers[i]->run(); });
  } catch (...) {  // no thread to be had: stop the ones started before going
    shared.stop = true;
    join_all();
    throw;
  }
  workers[0]->run();  // the calling thread is a worker too
  join_all();
  // The first error in chunk order, passing over the workers that only stopped because another one
  // failed (their waits on a growing file were abandoned).
  std::exception_ptr abandoned;
  for (const auto& e : shared.errors) {
    if (!e) continue;
    try {
      std::rethrow_exception(e);
    } catch (const GrowingFile::Abandoned&) {
      if (!abandoned) abandoned = e;
    } catch (...) {
      throw;
    }
  }
  if (hash_error && abandoned) {
    try {
      std::rethrow_exception(hash_error);
    } catch (const GrowingFile::Abandoned&) {
      hash_error = nullptr;
    } catch (...) {
    }
  }
  if (abandoned) std::rethrow_exception(abandoned);
  if (hash_error) std::rethrow_exception(hash_error);

  TreeWriter tree(dest, wheel);
  for (auto& w : workers) tree.merge(std::move(w->tree()));
  workers.clear();
  verify_tree(dest, tree, central, wheel);
  return sha;
}

}  // namespace ptinstall::install::detail
