#include "ptinstall/install/wheel_cache.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::install {
namespace {

constexpr std::size_t kBlock = 1 << 18;
// How much of the end of the stream is kept to read the zip's central directory afterwards.
constexpr std::size_t kTailWindow = 4 << 20;

const char* kCorruptHint = "the file may be truncated or corrupt; delete it (or clear the cache) and download it again";

mode_t current_umask() {
  static const mode_t mask = [] {
    mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }();
  return mask;
}

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^ static_cast<std::uint64_t>(::getpid())};
  const char* digits = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 12; ++i) s += digits[rng() % 36];
  return s;
}

[[noreturn]] void invalid(std::string_view wheel, const std::string& why, std::string hint = {}) {
  throw util::Error("wheel " + std::string(wheel) + " is invalid: " + why, std::move(hint));
}

// Accepts a relative path of normal components only: no absolute paths, no `.`/`..`, no empty
// components (except a trailing slash for directories), no backslashes or NUL.
bool safe_entry_path(std::string_view p) {
  if (p.find('\0') != std::string_view::npos || p.find('\\') != std::string_view::npos) return false;
  if (!p.empty() && p.back() == '/') p.remove_suffix(1);  // a directory entry
  return util::is_plain_relative_path(p);
}

std::uint16_t le16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
std::uint64_t le64(const unsigned char* p) {
  return static_cast<std::uint64_t>(le32(p)) | (static_cast<std::uint64_t>(le32(p + 4)) << 32);
}

struct CentralEntry {
  std::uint32_t external_attr = 0;
  std::uint8_t host = 0;  // "version made by" high byte: 3 = Unix
};

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

// Finds the end-of-central-directory record in the tail and returns the central directory bytes.
std::optional<std::string> central_directory(StreamState& st, std::string_view wheel) {
  const std::string& t = st.tail;
  const auto* base = reinterpret_cast<const unsigned char*>(t.data());
  if (t.size() < 22) return std::nullopt;
  std::size_t limit = t.size() >= 22 + 65535 ? t.size() - 22 - 65535 : 0;
  std::size_t pos = t.size() - 22;
  for (;; --pos) {
    if (le32(base + pos) == 0x06054b50) break;
    if (pos == limit) return std::nullopt;
  }
  std::uint64_t tail_start = st.total - t.size();
  std::uint64_t cd_size = le32(base + pos + 12);
  std::uint64_t cd_offset = le32(base + pos + 16);
  if (cd_offset == 0xFFFFFFFFu || cd_size == 0xFFFFFFFFu) {
    // Zip64: the locator sits right before the EOCD record.
    if (pos < 20 || le32(base + pos - 20) != 0x07064b50) invalid(wheel, "bad zip64 end of central directory", kCorruptHint);
    std::uint64_t rec = le64(base + pos - 20 + 8);
    if (rec < tail_start || rec - tail_start + 56 > t.size() || le32(base + (rec - tail_start)) != 0x06064b50)
      invalid(wheel, "bad zip64 end of central directory", kCorruptHint);
    const unsigned char* r = base + (rec - tail_start);
    cd_size = le64(r + 40);
    cd_offset = le64(r + 48);
  }
  if (cd_offset + cd_size > st.total) invalid(wheel, "the central directory points past the end of the file", kCorruptHint);
  if (cd_offset >= tail_start) return t.substr(cd_offset - tail_start, cd_size);
  if (auto bytes = st.source->read_at(cd_offset, cd_size); bytes && bytes->size() == cd_size) return bytes;
  invalid(wheel, "the central directory is too large to read from a stream");
}

std::map<std::string, CentralEntry> parse_central_directory(const std::string& cd, std::string_view wheel) {
  std::map<std::string, CentralEntry> out;
  const auto* p = reinterpret_cast<const unsigned char*>(cd.data());
  std::size_t pos = 0;
  while (pos + 46 <= cd.size()) {
    if (le32(p + pos) != 0x02014b50) invalid(wheel, "bad central directory entry", kCorruptHint);
    std::uint16_t made_by = le16(p + pos + 4);
    std::size_t name_len = le16(p + pos + 28), extra_len = le16(p + pos + 30), comment_len = le16(p + pos + 32);
    std::uint32_t ext = le32(p + pos + 38);
    if (pos + 46 + name_len + extra_len + comment_len > cd.size()) invalid(wheel, "bad central directory entry", kCorruptHint);
    std::string name(cd.data() + pos + 46, name_len);
    if (!out.emplace(name, CentralEntry{ext, static_cast<std::uint8_t>(made_by >> 8)}).second)
      invalid(wheel, "duplicate entry " + name);
    pos += 46 + name_len + extra_len + comment_len;
  }
  return out;
}

struct FileInfo {
  std::string hash;  // urlsafe b64 nopad sha256
  std::uint64_t size = 0;
};

void write_all(int fd, const char* data, std::size_t size, const fs::path& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw util::Error("failed to write " + path.string() + ": " + std::strerror(errno));
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Extracts the stream into `dest` (which exists and is empty) and verifies it; returns nothing,
// throws util::Error.
void extract(StreamState& st, const fs::path& dest, std::string_view wheel) {
  struct archive* a = archive_read_new();
  if (!a) throw util::Error("out of memory");
  struct Closer {
    struct archive* a;
    ~Closer() { archive_read_free(a); }
  } closer{a};
  archive_read_support_format_zip_streamable(a);
  if (archive_read_open(a, &st, nullptr, read_callback, nullptr) != ARCHIVE_OK) {
    if (st.error) std::rethrow_exception(st.error);
    invalid(wheel, std::string("not a zip file (") + archive_error_string(a) + ")", kCorruptHint);
  }
  auto fail = [&](const std::string& what) {
    if (st.error) std::rethrow_exception(st.error);
    const char* msg = archive_error_string(a);
    invalid(wheel, what + (msg ? std::string(" (") + msg + ")" : std::string()), kCorruptHint);
  };

  std::map<std::string, FileInfo> files;
  std::set<std::string> dirs;
  std::set<std::string> made_dirs;  // parent directories known to exist
  for (;;) {
    struct archive_entry* entry = nullptr;
    int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      fail(files.empty() && dirs.empty() ? "not a zip file" : "the zip file is truncated or corrupt");
    }
    const char* raw = archive_entry_pathname_utf8(entry);
    if (!raw) raw = archive_entry_pathname(entry);
    std::string name = raw ? raw : "";
    if (!safe_entry_path(name)) invalid(wheel, "unsafe path in the archive: `" + name + "`");
    if (archive_entry_hardlink(entry) || archive_entry_symlink(entry) || archive_entry_filetype(entry) == AE_IFLNK)
      invalid(wheel, "links are not allowed in wheels: `" + name + "`");
    bool is_dir = name.back() == '/' || archive_entry_filetype(entry) == AE_IFDIR;
    if (name.back() == '/') name.pop_back();
    fs::path target = dest / name;
    if (is_dir) {
      std::error_code ec;
      fs::create_directories(target, ec);
      if (ec) invalid(wheel, "cannot create directory `" + name + "`: " + ec.message());
      dirs.insert(name);
      continue;
    }
    if (files.count(name)) invalid(wheel, "duplicate entry `" + name + "`");
    // Most entries share their directory with the previous one: create (stat) each parent once.
    if (fs::path parent = target.parent_path(); !made_dirs.count(parent.native())) {
      std::error_code ec;
      fs::create_directories(parent, ec);
      if (ec) invalid(wheel, "cannot create directory for `" + name + "`: " + ec.message());
      made_dirs.insert(parent.native());
    }
    int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666 & ~current_umask());
    if (fd < 0) {
      if (errno == EEXIST || errno == EISDIR) invalid(wheel, "duplicate entry `" + name + "`");
      throw util::Error("failed to create " + target.string() + ": " + std::strerror(errno));
    }
    util::Sha256 file_hash;
    std::uint64_t size = 0;
    try {
      for (;;) {
        const void* buf = nullptr;
        size_t len = 0;
        la_int64_t offset = 0;
        int rr = archive_read_data_block(a, &buf, &len, &offset);
        if (rr == ARCHIVE_EOF) break;
        if (rr < ARCHIVE_WARN) fail("the zip file is truncated or corrupt at `" + name + "`");
        if (static_cast<std::uint64_t>(offset) != size) {
          // Sparse output never happens for zip; treat a gap as corruption.
          fail("unexpected data offset in `" + name + "`");
        }
        file_hash.update(buf, len);
        write_all(fd, static_cast<const char*>(buf), len, target);
        size += len;
      }
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    files[name] = FileInfo{file_hash.urlsafe_b64_nopad(), size};
  }
  // Hash whatever follows the last entry (the central directory) too.
  while (st.pull() > 0) {
  }
  if (st.error) std::rethrow_exception(st.error);

  // The central directory: executable bits, links, and agreement with what the stream held.
  auto cd_bytes = central_directory(st, wheel);
  if (!cd_bytes) invalid(wheel, "no end of central directory record; the zip file is truncated", kCorruptHint);
  auto central = parse_central_directory(*cd_bytes, wheel);
  for (const auto& [cname, ce] : central) {
    std::string n = cname;
    bool dir = !n.empty() && n.back() == '/';
    if (dir) n.pop_back();
    if (!safe_entry_path(cname)) invalid(wheel, "unsafe path in the archive: `" + cname + "`");
    mode_t unix_mode = static_cast<mode_t>(ce.external_attr >> 16);
    if (ce.host == 3 && S_ISLNK(unix_mode)) invalid(wheel, "links are not allowed in wheels: `" + n + "`");
    if (dir) continue;
    auto it = files.find(n);
    if (it == files.end()) {
      if (dirs.count(n)) continue;
      invalid(wheel, "`" + n + "` is in the central directory but not in the archive", kCorruptHint);
    }
    // Same rule as pip: a regular file with any execute bit in the zip's Unix mode gets the default
    // mode plus +x (a mode without the file type bits, as some zip writers leave, does not count).
    if (S_ISREG(unix_mode) && (unix_mode & 0111)) {
      fs::path target = dest / n;
      if (::chmod(target.c_str(), (0777 & ~current_umask()) | 0111) != 0)
        throw util::Error("failed to chmod " + target.string() + ": " + std::strerror(errno));
    }
  }
  for (const auto& [name, info] : files) {
    (void)info;
    if (!central.count(name)) invalid(wheel, "`" + name + "` is not in the zip's central directory", kCorruptHint);
  }

  // Verify against the wheel's own RECORD.
  std::string dist_info;
  for (const auto& [name, info] : files) {
    (void)info;
    auto slash = name.find('/');
    if (slash == std::string::npos) continue;
    std::string top = name.substr(0, slash);
    if (top.size() > 10 && top.compare(top.size() - 10, 10, ".dist-info") == 0 && name == top + "/RECORD") {
      if (!dist_info.empty() && dist_info != top) invalid(wheel, "more than one .dist-info directory has a RECORD");
      dist_info = top;
    }
  }
  if (dist_info.empty()) invalid(wheel, "no .dist-info/RECORD file");
  std::string record_text = util::read_file(dest / dist_info / "RECORD");
  std::vector<spec::RecordEntry> record;
  try {
    record = spec::parse_record(record_text);
  } catch (const util::Error& e) {
    invalid(wheel, std::string("bad RECORD: ") + e.what());
  }
  std::map<std::string, const spec::RecordEntry*> by_path;
  for (const auto& e : record) by_path[e.path] = &e;
  for (const auto& [name, info] : files) {
    if (name == dist_info + "/RECORD" || name == dist_info + "/RECORD.jws" || name == dist_info + "/RECORD.p7s") continue;
    auto it = by_path.find(name);
    if (it == by_path.end()) invalid(wheel, "`" + name + "` is not listed in RECORD");
    const spec::RecordEntry& e = *it->second;
    if (e.hash.empty()) invalid(wheel, "`" + name + "` has no hash in RECORD");
    auto eq = e.hash.find('=');
    std::string algo = e.hash.substr(0, eq);
    if (algo == "sha256") {
      if (eq == std::string::npos || e.hash.substr(eq + 1) != info.hash)
        invalid(wheel, "the hash of `" + name + "` does not match RECORD (expected " + e.hash + ", got sha256=" +
                           info.hash + ")");
    } else if (algo != "sha384" && algo != "sha512") {
      invalid(wheel, "`" + name + "` has an unsupported hash algorithm in RECORD: " + algo);
    } else {
      util::log::debug("not verifying " + algo + " hash of " + name + " in " + std::string(wheel));
    }
    if (e.size && *e.size != info.size)
      invalid(wheel, "the size of `" + name + "` does not match RECORD (expected " + std::to_string(*e.size) + ", got " +
                         std::to_string(info.size) + ")");
  }
}

}  // namespace

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
  if (ec) throw util::Error("failed to create the cache directory " + root.string() + ": " + ec.message(),
                            "choose another one with --cache-dir, or use --no-cache");
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
  if (fd_ < 0) throw util::Error("failed to open " + path.string() + ": " + std::strerror(errno));
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t FileSource::read(void* buffer, std::size_t size) {
  for (;;) {
    ssize_t n = ::read(fd_, buffer, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw util::Error("failed to read " + path_.string() + ": " + std::strerror(errno));
  }
}

std::optional<std::string> FileSource::read_at(std::uint64_t offset, std::size_t size) {
  std::string out(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd_, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    done += static_cast<std::size_t>(n);
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

WheelCache::WheelCache(const Cache& cache) : root_(cache.bucket("wheels-v1")), local_index_(cache.bucket("local-v1")) {}

std::optional<fs::path> WheelCache::lookup(std::string_view sha256_hex) const {
  fs::path p = root_ / std::string(sha256_hex);
  std::error_code ec;
  if (fs::is_directory(p, ec)) return p;
  return std::nullopt;
}

UnpackedWheel WheelCache::unpack_file(const fs::path& path) {
  fs::path abs = fs::absolute(path);
  struct stat st {};
  if (::stat(abs.c_str(), &st) != 0)
    throw util::Error("failed to read " + path.string() + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw util::Error(path.string() + " is not a file");
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
  FileSource source(abs);
  UnpackedWheel result = unpack_stream(source, path.filename().string());
  try {
    util::write_file_atomic(index_file, stamp + " " + result.sha256 + "\n");
  } catch (const util::Error& e) {
    util::log::debug(std::string("could not update the local wheel index: ") + e.what());
  }
  return result;
}

UnpackedWheel WheelCache::unpack_stream(ByteSource& source, std::string_view display_name,
                                        const std::optional<std::string>& expected_sha256) {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) throw util::Error("failed to create " + root_.string() + ": " + ec.message());
  fs::path tmp = root_ / (".tmp-" + random_suffix());
  if (!fs::create_directory(tmp, ec) || ec)
    throw util::Error("failed to create " + tmp.string() + ": " + (ec ? ec.message() : "exists"));
  struct Cleanup {
    fs::path p;
    bool active = true;
    ~Cleanup() {
      if (!active) return;
      std::error_code e;
      fs::remove_all(p, e);
    }
  } cleanup{tmp};

  StreamState st;
  st.source = &source;
  extract(st, tmp, display_name);
  std::string sha = st.hash.hex();
  if (expected_sha256 && *expected_sha256 != sha)
    throw util::Error("hash mismatch for " + std::string(display_name) + ": expected sha256=" + *expected_sha256 +
                          ", got sha256=" + sha,
                      "the file changed on the server or was corrupted in transit");
  fs::path final_dir = root_ / sha;
  if (::rename(tmp.c_str(), final_dir.c_str()) == 0) {
    cleanup.active = false;
    return UnpackedWheel{final_dir, sha, st.total, false};
  }
  int e = errno;
  if ((e == ENOTEMPTY || e == EEXIST) && fs::is_directory(final_dir, ec)) {
    // Another process committed the same wheel first: use theirs.
    return UnpackedWheel{final_dir, sha, st.total, true};
  }
  throw util::Error("failed to commit " + final_dir.string() + ": " + std::strerror(e));
}

}  // namespace ptinstall::install
