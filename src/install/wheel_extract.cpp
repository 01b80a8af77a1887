#include "ptinstall/install/wheel_extract.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::install::detail {
namespace {

mode_t current_umask() {
  static const mode_t mask = [] {
    mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }();
  return mask;
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

void write_all(int fd, const char* data, std::size_t size, const fs::path& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw util::msg::io_failed("write", path, std::strerror(errno));
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Files at least this big are hashed and written by a helper thread while the entry's thread only
// inflates: a big wheel's biggest entry (libtorch_cuda.so) is most of its bytes, and since one
// deflate stream cannot be split, inflating it is the wall time of a parallel unpack; hashing and
// writing it on the same thread would add about half again.
constexpr std::uint64_t kHelperMinBytes = 4 << 20;

class HashWriter {
 public:
  HashWriter(int fd, fs::path path) : fd_(fd), path_(std::move(path)), thread_([this] { run(); }) {}
  ~HashWriter() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  HashWriter(const HashWriter&) = delete;
  HashWriter& operator=(const HashWriter&) = delete;

  // Copies the block (libarchive's buffer is reused by the next read) and queues it.
  void push(const void* data, std::size_t size) {
    std::string block;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return queue_.size() < kMaxQueued || error_; });
      if (error_) std::rethrow_exception(error_);
      if (!spare_.empty()) {
        block = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    block.assign(static_cast<const char*>(data), size);
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(block));
    }
    cv_.notify_all();
  }

  // Waits for the queued blocks; the file's hash.
  util::Sha256 finish() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (error_) std::rethrow_exception(error_);
    return std::move(hash_);
  }

 private:
  static constexpr std::size_t kMaxQueued = 8;

  void run() {
    for (;;) {
      std::string block;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty()) return;
        block = std::move(queue_.front());
        queue_.pop_front();
      }
      cv_.notify_all();
      try {
        hash_.update(block.data(), block.size());
        write_all(fd_, block.data(), block.size(), path_);
      } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
        queue_.clear();
        cv_.notify_all();
        return;
      }
      std::lock_guard lock(mutex_);
      spare_.push_back(std::move(block));
    }
  }

  int fd_;
  fs::path path_;
  util::Sha256 hash_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::vector<std::string> spare_;
  bool closed_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace

const char* const kCorruptHint =
    "the file may be truncated or corrupt; delete it (or clear the cache) and download it again";

void invalid(std::string_view wheel, const std::string& why, std::string hint) {
  throw util::msg::invalid_wheel(wheel, why, std::move(hint));
}

std::string archive_message(struct archive* a) {
  const char* msg = a ? archive_error_string(a) : nullptr;
  std::string_view text = msg ? util::trim(std::string_view(msg)) : std::string_view();
  return text.empty() ? std::string() : " (" + std::string(text) + ")";
}

std::optional<std::string> central_directory_bytes(std::string_view t, std::uint64_t total, std::string_view wheel,
                                                   const ReadAt& read_at, std::uint64_t* offset_out) {
  const auto* base = reinterpret_cast<const unsigned char*>(t.data());
  if (t.size() < 22) return std::nullopt;
  std::size_t limit = t.size() >= 22 + 65535 ? t.size() - 22 - 65535 : 0;
  std::size_t pos = t.size() - 22;
  for (;; --pos) {
    if (le32(base + pos) == 0x06054b50) break;
    if (pos == limit) return std::nullopt;
  }
  std::uint64_t tail_start = total - t.size();
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
  if (cd_offset > total || cd_size > total - cd_offset)
    invalid(wheel, "the central directory points past the end of the file", kCorruptHint);
  if (offset_out) *offset_out = cd_offset;
  if (cd_offset >= tail_start) return std::string(t.substr(cd_offset - tail_start, cd_size));
  if (read_at)
    if (auto bytes = read_at(cd_offset, cd_size); bytes && bytes->size() == cd_size) return bytes;
  invalid(wheel, "the central directory is too large to read from a stream");
}

CentralDirectory parse_central_directory(const std::string& cd, std::string_view wheel) {
  CentralDirectory out;
  const auto* p = reinterpret_cast<const unsigned char*>(cd.data());
  std::size_t pos = 0;
  while (pos + 46 <= cd.size()) {
    if (le32(p + pos) != 0x02014b50) invalid(wheel, "bad central directory entry", kCorruptHint);
    std::uint16_t made_by = le16(p + pos + 4);
    std::size_t name_len = le16(p + pos + 28), extra_len = le16(p + pos + 30), comment_len = le16(p + pos + 32);
    if (pos + 46 + name_len + extra_len + comment_len > cd.size()) invalid(wheel, "bad central directory entry", kCorruptHint);
    CentralEntry e;
    e.name.assign(cd.data() + pos + 46, name_len);
    e.external_attr = le32(p + pos + 38);
    e.host = static_cast<std::uint8_t>(made_by >> 8);
    e.compressed_size = le32(p + pos + 20);
    e.uncompressed_size = le32(p + pos + 24);
    e.local_offset = le32(p + pos + 42);
    // Zip64 extended information: the 8-byte values of the fields that hold 0xFFFFFFFF, in order.
    const unsigned char* x = p + pos + 46 + name_len;
    for (std::size_t xp = 0; xp + 4 <= extra_len;) {
      std::uint16_t id = le16(x + xp), len = le16(x + xp + 2);
      if (xp + 4 + len > extra_len) break;
      if (id == 0x0001) {
        const unsigned char* v = x + xp + 4;
        std::size_t left = len;
        auto take = [&](std::uint64_t& field) {
          if (field != 0xFFFFFFFFu) return;
          if (left < 8) invalid(wheel, "bad zip64 extra field of `" + e.name + "`", kCorruptHint);
          field = le64(v);
          v += 8;
          left -= 8;
        };
        take(e.uncompressed_size);
        take(e.compressed_size);
        take(e.local_offset);
      }
      xp += 4 + len;
    }
    std::string name = e.name;
    if (!out.emplace(name, std::move(e)).second) invalid(wheel, "duplicate entry `" + name + "`");
    pos += 46 + name_len + extra_len + comment_len;
  }
  return out;
}

std::string TreeWriter::checked_name(struct archive_entry* entry) const {
  const char* raw = archive_entry_pathname_utf8(entry);
  if (!raw) raw = archive_entry_pathname(entry);
  std::string name = raw ? raw : "";
  if (!safe_entry_path(name)) invalid(wheel_, "unsafe path in the archive: `" + name + "`");
  if (archive_entry_hardlink(entry) || archive_entry_symlink(entry) || archive_entry_filetype(entry) == AE_IFLNK)
    invalid(wheel_, "links are not allowed in wheels: `" + name + "`");
  return name;
}

void TreeWriter::write(struct archive* a, struct archive_entry* entry, std::string name, const Fail& fail) {
  bool is_dir = name.back() == '/' || archive_entry_filetype(entry) == AE_IFDIR;
  if (name.back() == '/') name.pop_back();
  fs::path target = dest_ / name;
  if (is_dir) {
    std::error_code ec;
    fs::create_directories(target, ec);
    if (ec) invalid(wheel_, "cannot create directory `" + name + "`: " + ec.message());
    dirs_.insert(name);
    return;
  }
  if (files_.count(name)) invalid(wheel_, "duplicate entry `" + name + "`");
  // Most entries share their directory with the previous one: create (stat) each parent once.
  if (fs::path parent = target.parent_path(); !made_dirs_.count(parent.native())) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) invalid(wheel_, "cannot create directory for `" + name + "`: " + ec.message());
    made_dirs_.insert(parent.native());
  }
  int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666 & ~current_umask());
  if (fd < 0) {
    if (errno == EEXIST || errno == EISDIR) invalid(wheel_, "duplicate entry `" + name + "`");
    throw util::msg::io_failed("create", target, std::strerror(errno));
  }
  // The uncompressed size the entry's header gives (unset for a streamed entry whose sizes follow
  // its data: then the wheel's bound alone applies until the data descriptor is checked).
  la_int64_t announced = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
  std::unique_ptr<HashWriter> helper;
  if (announced >= static_cast<la_int64_t>(kHelperMinBytes)) helper = std::make_unique<HashWriter>(fd, target);
  util::Sha256 file_hash;
  std::uint64_t size = 0;
  try {
    for (;;) {
      const void* buf = nullptr;
      size_t len = 0;
      la_int64_t offset = 0;
      int rr = archive_read_data_block(a, &buf, &len, &offset);
      if (rr == ARCHIVE_EOF) break;
      // libarchive reports a CRC-32, or a size, that does not match the entry's header as a warning
      // at the entry's end ("ZIP bad CRC"): for a wheel that is corruption like any other.
      if (rr < ARCHIVE_OK) fail("the zip file is truncated or corrupt at `" + name + "`");
      // Sparse output never happens for zip; treat a gap as corruption.
      if (static_cast<std::uint64_t>(offset) != size) fail("unexpected data offset in `" + name + "`");
      // Never inflate past what the entry declares, nor the wheel past its bound (a zip bomb).
      if (announced > 0 && size + len > static_cast<std::uint64_t>(announced))
        invalid(wheel_, "`" + name + "` inflates to more than the " + std::to_string(announced) +
                            " bytes its header declares", kCorruptHint);
      std::uint64_t limit = max_unpacked_bytes();
      if (total_->fetch_add(len) + len > limit)
        invalid(wheel_,
                "it unpacks to more than " +
                    (limit % (1u << 20) == 0 ? std::to_string(limit >> 20) + " MiB" : std::to_string(limit) + " bytes"),
                "raise PTINSTALL_MAX_UNPACKED_SIZE (MiB) if this wheel is really that big");
      if (helper) {
        helper->push(buf, len);
      } else {
        file_hash.update(buf, len);
        write_all(fd, static_cast<const char*>(buf), len, target);
      }
      size += len;
    }
    if (helper) file_hash = helper->finish();
  } catch (...) {
    helper.reset();  // stops and joins the helper before the file is closed
    ::close(fd);
    throw;
  }
  ::close(fd);
  files_[name] = FileInfo{file_hash.urlsafe_b64_nopad(), size};
}

void TreeWriter::merge(TreeWriter&& other) {
  if (files_.empty() && dirs_.empty()) {
    files_ = std::move(other.files_);
    dirs_ = std::move(other.dirs_);
    return;
  }
  for (auto& [name, info] : other.files_)
    if (!files_.emplace(name, std::move(info)).second) invalid(wheel_, "duplicate entry `" + name + "`");
  dirs_.merge(other.dirs_);
}

void verify_tree(const fs::path& dest, const TreeWriter& tree, const CentralDirectory& central, std::string_view wheel) {
  const auto& files = tree.files();
  const auto& dirs = tree.dirs();
  // The central directory: executable bits, links, and agreement with what the entries held.
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
    // A zip whose local headers and central directory describe different files reads differently
    // in different readers (the streaming extractor reads headers, the parallel one the directory):
    // the sizes must agree. RECORD's hashes hold either way. (Header offsets are not compared:
    // libarchive's header position is off by the data descriptor of the entry before.)
    if (it->second.size != ce.uncompressed_size)
      invalid(wheel, "`" + n + "` holds " + std::to_string(it->second.size) + " bytes, the central directory says " +
                         std::to_string(ce.uncompressed_size), kCorruptHint);
    // Same rule as pip: a regular file with any execute bit in the zip's Unix mode gets the default
    // mode plus +x (a mode without the file type bits, as some zip writers leave, does not count).
    if (S_ISREG(unix_mode) && (unix_mode & 0111)) {
      fs::path target = dest / n;
      if (::chmod(target.c_str(), (0777 & ~current_umask()) | 0111) != 0)
        throw util::msg::io_failed("chmod", target, std::strerror(errno));
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
        throw util::msg::record_mismatch(wheel, name, "hash", e.hash, "sha256=" + info.hash);
    } else if (algo != "sha384" && algo != "sha512") {
      invalid(wheel, "`" + name + "` has an unsupported hash algorithm in RECORD: " + algo);
    } else {
      util::log::debug("not verifying " + algo + " hash of " + name + " in " + std::string(wheel));
    }
    if (e.size && *e.size != info.size)
      throw util::msg::record_mismatch(wheel, name, "size", std::to_string(*e.size), std::to_string(info.size));
  }
  // PEP 427: RECORD lists the wheel's files. A line naming a file the wheel lacks would make
  // uninstall remove a file the wheel never installed (docs/reliability.md: no real wheel does this).
  for (const auto& e : record) {
    if (files.count(e.path) || e.path == dist_info + "/RECORD") continue;
    invalid(wheel, "RECORD lists `" + e.path + "`, which is not in the wheel", kCorruptHint);
  }
}

}  // namespace ptinstall::install::detail
