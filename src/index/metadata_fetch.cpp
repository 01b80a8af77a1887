#include "ptinstall/index/metadata_fetch.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

#include "ptinstall/index/find_links.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/thread_pool.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::index {

namespace fs = std::filesystem;

std::string_view to_string(MetadataSource source) {
  switch (source) {
    case MetadataSource::MetadataFile: return "metadata file";
    case MetadataSource::RangeRead: return "range read";
    case MetadataSource::FullDownload: return "full download";
    case MetadataSource::LocalFile: return "local file";
  }
  return "metadata file";
}

namespace {

constexpr std::uint64_t kMaxMetadataSize = 64ull << 20;

// ---- hashes of any hashlib algorithm the page names, through OpenSSL ----

const EVP_MD* digest_for(std::string_view algo) {
  static const std::map<std::string, std::string, std::less<>> kNames = {
      {"md5", "MD5"},           {"sha1", "SHA1"},         {"sha224", "SHA224"},     {"sha256", "SHA256"},
      {"sha384", "SHA384"},     {"sha512", "SHA512"},     {"sha3_224", "SHA3-224"}, {"sha3_256", "SHA3-256"},
      {"sha3_384", "SHA3-384"}, {"sha3_512", "SHA3-512"}, {"blake2b", "BLAKE2B512"}, {"blake2s", "BLAKE2S256"}};
  auto it = kNames.find(algo);
  if (it == kNames.end()) return nullptr;
  return EVP_get_digestbyname(it->second.c_str());
}

// sha256, the hash every index gives, goes through util::Sha256: the first EVP digest of a process
// initialises OpenSSL's providers (8 million instructions, a tenth of a warm resolution). The
// other algorithms, rare on indexes, through EVP.
class MultiHasher {
 public:
  explicit MultiHasher(const HashMap& hashes) {
    for (const auto& [algo, hex] : hashes) {
      if (algo == "sha256") {
        items_.push_back(Item{algo, hex, nullptr, util::Sha256()});
        continue;
      }
      const EVP_MD* md = digest_for(algo);
      if (!md) continue;
      EVP_MD_CTX* ctx = EVP_MD_CTX_new();
      EVP_DigestInit_ex(ctx, md, nullptr);
      items_.push_back(Item{algo, hex, ctx, std::nullopt});
    }
  }
  ~MultiHasher() {
    for (auto& i : items_)
      if (i.ctx) EVP_MD_CTX_free(i.ctx);
  }
  MultiHasher(const MultiHasher&) = delete;
  MultiHasher& operator=(const MultiHasher&) = delete;
  void update(std::string_view data) {
    for (auto& i : items_) {
      if (i.sha256) i.sha256->update(data);
      else EVP_DigestUpdate(i.ctx, data.data(), data.size());
    }
  }
  void reset() {
    for (auto& i : items_) {
      if (i.sha256) i.sha256.emplace();
      else EVP_DigestInit_ex(i.ctx, EVP_MD_CTX_get0_md(i.ctx), nullptr);
    }
  }
  // Throws on the first mismatch; returns how many hashes were checked.
  std::size_t verify(std::string_view what) {
    for (auto& i : items_) {
      std::string got;
      if (i.sha256) {
        got = i.sha256->hex();
      } else {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(i.ctx, out, &len);
        got = util::to_hex(out, len);
      }
      if (got != i.expected)
        throw util::msg::hash_mismatch(what, {i.expected}, got,
                                       "the file does not match the hash published by the index; try again with "
                                       "--refresh, or report it to the index's maintainers",
                                       i.algo);
    }
    return items_.size();
  }

 private:
  struct Item {
    std::string algo, expected;
    EVP_MD_CTX* ctx = nullptr;
    std::optional<util::Sha256> sha256;
  };
  std::vector<Item> items_;
};

// ---- little-endian zip fields ----

struct ZipError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::uint64_t le(std::string_view b, std::size_t off, int n) {
  if (off + static_cast<std::size_t>(n) > b.size()) throw ZipError("truncated zip structure");
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[off + static_cast<std::size_t>(i)]);
  return v;
}

// Whether `name` is "<dir>.dist-info/<leaf>" at the top level (leaf: "METADATA", "variant.json"); sets *dir.
bool is_dist_info_entry(std::string_view name, std::string_view leaf, std::string_view* dir) {
  constexpr std::string_view kExt = ".dist-info";
  auto slash = name.find('/');
  if (slash == std::string_view::npos || name.substr(slash + 1) != leaf) return false;
  std::string_view d = name.substr(0, slash);
  if (d.size() <= kExt.size() || d.substr(d.size() - kExt.size()) != kExt) return false;
  if (dir) *dir = d;
  return true;
}

bool dist_info_matches(std::string_view dir, std::string_view project) {
  if (project.empty()) return false;
  auto dash = dir.find('-');
  return spec::normalize_name(dir.substr(0, dash)) == spec::normalize_name(project);
}

struct CentralEntry {
  std::string name;
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed = 0, uncompressed = 0, local_offset = 0;
  std::uint16_t name_len = 0, extra_len = 0;
};

std::vector<CentralEntry> parse_central_directory(std::string_view cd) {
  std::vector<CentralEntry> out;
  std::size_t p = 0;
  while (p + 46 <= cd.size() && le(cd, p, 4) == 0x02014b50) {
    CentralEntry e;
    e.method = static_cast<std::uint16_t>(le(cd, p + 10, 2));
    e.crc = static_cast<std::uint32_t>(le(cd, p + 16, 4));
    e.compressed = le(cd, p + 20, 4);
    e.uncompressed = le(cd, p + 24, 4);
    e.name_len = static_cast<std::uint16_t>(le(cd, p + 28, 2));
    e.extra_len = static_cast<std::uint16_t>(le(cd, p + 30, 2));
    std::size_t comment_len = le(cd, p + 32, 2);
    e.local_offset = le(cd, p + 42, 4);
    if (p + 46 + e.name_len + e.extra_len + comment_len > cd.size()) throw ZipError("truncated central directory");
    e.name = std::string(cd.substr(p + 46, e.name_len));
    // zip64 extended information: only the fields whose 32-bit value is 0xFFFFFFFF, in this order.
    std::string_view extra = cd.substr(p + 46 + e.name_len, e.extra_len);
    for (std::size_t x = 0; x + 4 <= extra.size();) {
      auto id = le(extra, x, 2);
      auto len = le(extra, x + 2, 2);
      if (id == 0x0001) {
        std::size_t q = x + 4;
        if (e.uncompressed == 0xFFFFFFFF) e.uncompressed = le(extra, q, 8), q += 8;
        if (e.compressed == 0xFFFFFFFF) e.compressed = le(extra, q, 8), q += 8;
        if (e.local_offset == 0xFFFFFFFF) e.local_offset = le(extra, q, 8), q += 8;
      }
      x += 4 + len;
    }
    out.push_back(std::move(e));
    p += 46 + e.name_len + e.extra_len + comment_len;
  }
  return out;
}

void put_le(std::string& s, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// Inflates one zip entry's data by handing libarchive a one-entry zip (its reader checks the CRC).
std::string decompress_entry(const CentralEntry& e, std::string_view data) {
  if (e.uncompressed > kMaxMetadataSize) throw ZipError("the METADATA entry is too large");
  if (e.method == 0) {
    if (data.size() != e.uncompressed) throw ZipError("stored entry size mismatch");
    return std::string(data);
  }
  if (e.method != 8) throw ZipError("unsupported compression method " + std::to_string(e.method));
  std::string zip;
  put_le(zip, 0x04034b50, 4);
  put_le(zip, 20, 2);
  put_le(zip, 0, 2);  // flags: sizes are in this header
  put_le(zip, 8, 2);
  put_le(zip, 0, 2);
  put_le(zip, 0x21, 2);
  put_le(zip, e.crc, 4);
  put_le(zip, data.size(), 4);
  put_le(zip, e.uncompressed, 4);
  put_le(zip, 8, 2);
  put_le(zip, 0, 2);
  zip += "METADATA";
  zip += data;
  struct archive* a = archive_read_new();
  archive_read_support_format_zip_streamable(a);
  std::string out;
  std::string err;
  if (archive_read_open_memory(a, zip.data(), zip.size()) != ARCHIVE_OK) {
    err = archive_error_string(a) ? archive_error_string(a) : "cannot open";
  } else {
    struct archive_entry* entry = nullptr;
    if (archive_read_next_header(a, &entry) != ARCHIVE_OK) {
      err = archive_error_string(a) ? archive_error_string(a) : "bad entry";
    } else {
      char buf[65536];
      for (;;) {
        la_ssize_t n = archive_read_data(a, buf, sizeof buf);
        if (n < 0) {
          err = archive_error_string(a) ? archive_error_string(a) : "bad data";
          break;
        }
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
        if (out.size() > kMaxMetadataSize) {
          err = "the METADATA entry is too large";
          break;
        }
      }
    }
  }
  archive_read_free(a);
  if (!err.empty()) throw ZipError(err);
  if (out.size() != e.uncompressed) throw ZipError("the METADATA entry has the wrong size");
  return out;
}

// The `.dist-info/<leaf>` entry of the zip file of `total` bytes whose last bytes are `tail`, found
// through the central directory: the entry is read with `read(offset, length)` and inflated, nothing
// else. A few reads where walking the entries touches every local header. Throws ZipError for a zip
// structure it cannot follow; nullopt when there is no such entry.
std::optional<std::string> entry_from_zip(std::string_view tail, std::uint64_t total,
                                          const std::function<std::string(std::uint64_t, std::uint64_t)>& read,
                                          std::string_view project, std::string_view leaf) {
  std::string_view tv = tail;
  // End of central directory: 22 bytes plus a comment of up to 64 KiB, at the end.
  std::size_t eocd = std::string_view::npos;
  for (std::size_t p = tv.size() >= 22 ? tv.size() - 22 + 1 : 0; p-- > 0;) {
    if (le(tv, p, 4) == 0x06054b50 && p + 22 + le(tv, p + 20, 2) <= tv.size()) {
      eocd = p;
      break;
    }
  }
  if (eocd == std::string_view::npos) throw ZipError("no end of central directory record");
  std::uint64_t cd_size = le(tv, eocd + 12, 4);
  std::uint64_t cd_offset = le(tv, eocd + 16, 4);
  if (cd_offset == 0xFFFFFFFF || cd_size == 0xFFFFFFFF || le(tv, eocd + 10, 2) == 0xFFFF) {
    if (eocd < 20 || le(tv, eocd - 20, 4) != 0x07064b50) throw ZipError("zip64 locator missing");
    std::uint64_t z64 = le(tv, eocd - 20 + 8, 8);
    std::string rec = read(z64, 56);
    if (le(rec, 0, 4) != 0x06064b50) throw ZipError("bad zip64 end of central directory record");
    cd_size = le(rec, 40, 8);
    cd_offset = le(rec, 48, 8);
  }
  std::string cd = read(cd_offset, cd_size);
  auto entries = parse_central_directory(cd);
  const CentralEntry* pick = nullptr;
  for (const auto& e : entries) {
    std::string_view dir;
    if (!is_dist_info_entry(e.name, leaf, &dir)) continue;
    if (dist_info_matches(dir, project)) {
      pick = &e;
      break;
    }
    if (!pick) pick = &e;
  }
  if (!pick) return std::nullopt;
  if (pick->compressed > kMaxMetadataSize) throw ZipError("the METADATA entry is too large");
  std::uint64_t want = 30 + pick->name_len + pick->extra_len + pick->compressed + 256;
  want = std::min(want, total - pick->local_offset);
  std::string local = read(pick->local_offset, want);
  if (le(local, 0, 4) != 0x04034b50) throw ZipError("bad local file header");
  std::uint64_t begin = 30 + le(local, 26, 2) + le(local, 28, 2);
  std::string body;
  if (begin + pick->compressed <= local.size()) {
    body = local.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(pick->compressed));
  } else {
    body = read(pick->local_offset + begin, pick->compressed);
  }
  return decompress_entry(*pick, body);
}

[[noreturn]] void no_metadata(std::string_view display) {
  throw util::Error(util::ErrorKind::Wheel, "no .dist-info/METADATA in " + std::string(display),
                    "the file is not a valid wheel");
}


std::string random_suffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return std::to_string(rd()) + "-" + std::to_string(counter++);
}

}  // namespace

std::size_t verify_hashes(std::string_view data, const HashMap& hashes, std::string_view what) {
  MultiHasher h(hashes);
  h.update(data);
  return h.verify(what);
}

namespace {
// Every entry walked through libarchive: slower, but the judge of what a damaged zip is.
std::optional<std::string> read_entry_by_walking(const fs::path& wheel, std::string_view project, std::string_view leaf) {
  struct archive* a = archive_read_new();
  archive_read_support_format_zip_seekable(a);
  std::optional<std::string> first, exact;
  std::string err;
  if (archive_read_open_filename(a, wheel.c_str(), 65536) != ARCHIVE_OK) {
    err = archive_error_string(a) ? archive_error_string(a) : "cannot open";
  } else {
    struct archive_entry* entry = nullptr;
    for (;;) {
      int r = archive_read_next_header(a, &entry);
      if (r == ARCHIVE_EOF) break;
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
        err = archive_error_string(a) ? archive_error_string(a) : "bad zip entry";
        break;
      }
      const char* p = archive_entry_pathname(entry);
      std::string_view dir;
      if (!p || !is_dist_info_entry(p, leaf, &dir)) continue;
      bool matches = dist_info_matches(dir, project);
      if (!matches && first) continue;
      std::string data;
      char buf[65536];
      la_ssize_t n;
      while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
        data.append(buf, static_cast<std::size_t>(n));
        if (data.size() > kMaxMetadataSize) break;
      }
      if (n < 0) {
        err = archive_error_string(a) ? archive_error_string(a) : "bad zip data";
        break;
      }
      if (matches) {
        exact = std::move(data);
        break;
      }
      first = std::move(data);
    }
  }
  archive_read_free(a);
  if (!err.empty())
    throw util::Error(util::ErrorKind::Wheel,
                      "wheel " + wheel.filename().string() + " is invalid: cannot read " + wheel.string() + ": " + err,
                      "the file is not a valid wheel (zip) file");
  if (exact) return *exact;
  return first;
}
}  // namespace

std::string read_wheel_metadata(const fs::path& wheel, std::string_view project) {
  if (auto m = read_wheel_dist_info_file(wheel, "METADATA", project)) return std::move(*m);
  no_metadata(wheel.string());
}

std::optional<std::string> read_wheel_dist_info_file(const fs::path& wheel, std::string_view leaf,
                                                     std::string_view project) {
  // Through the central directory first: a handful of reads, where walking the entries (numpy has
  // 1,150) reads every local header. Anything unusual goes to the walk, which has the final word.
  int fd = ::open(wheel.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      const auto total = static_cast<std::uint64_t>(st.st_size);
      auto read = [&](std::uint64_t off, std::uint64_t len) -> std::string {
        if (off + len > total || len > total) throw ZipError("zip structure beyond the end of the file");
        std::string out(static_cast<std::size_t>(len), '\0');
        try {
          if (util::pread_full(fd, out.data(), out.size(), off, wheel) == out.size()) return out;
        } catch (const util::Error&) {
        }
        throw ZipError("short read");
      };
      try {
        const std::uint64_t tail_size = std::min<std::uint64_t>(total, 64 * 1024 + 22);
        std::string tail = read(total - tail_size, tail_size);
        return entry_from_zip(tail, total, read, project, leaf);
      } catch (const ZipError& e) {
        util::log::debug("reading " + wheel.string() + " entry by entry: " + e.what());
      }
    }
  }
  return read_entry_by_walking(wheel, project, leaf);
}

struct MetadataFetcher::Impl {
  net::HttpClient& client;
  net::HttpCache* cache;
  MetadataOptions options;

  std::atomic<std::uint64_t> metadata_files{0}, range_reads{0}, range_requests{0}, full_downloads{0},
      local_reads{0}, bytes{0};

  mutable std::mutex mutex;
  std::set<std::string> no_range_hosts;
  std::map<std::string, std::shared_future<WheelMetadata>> memo;
  std::map<std::string, std::shared_future<std::optional<std::string>>> entry_memo;  // "url#leaf"
  util::ThreadPool pool;  // last: joined first

  Impl(net::HttpClient& c, net::HttpCache* ca, MetadataOptions o)
      : client(c), cache(ca), options(std::move(o)), pool(std::max<std::size_t>(1, options.threads)) {
    if (options.download_dir.empty()) options.download_dir = fs::temp_directory_path() / "ptinstall-wheels";
  }
  ~Impl() { pool.wait_idle(); }

  static std::string host_key(std::string_view url) {
    auto u = util::Url::parse(url);
    return u ? u->scheme + "://" + u->authority_host_port() : std::string(url);
  }

  bool host_without_ranges(std::string_view url) const {
    std::lock_guard lock(mutex);
    return no_range_hosts.count(host_key(url)) > 0;
  }

  void mark_no_ranges(std::string_view url) {
    std::string key = host_key(url);
    bool first;
    {
      std::lock_guard lock(mutex);
      first = no_range_hosts.insert(key).second;
    }
    if (first)
      util::log::warn("range requests are not supported by " + util::redact_url(key) +
                      "; downloading whole wheels to read their metadata");
  }

  static WheelMetadata make(std::string raw, MetadataSource source, const IndexFile& f,
                            std::optional<fs::path> path = std::nullopt) {
    WheelMetadata m;
    try {
      m.metadata = spec::CoreMetadata::parse(raw);
    } catch (const util::Error& e) {
      throw util::Error(util::ErrorKind::Wheel, "invalid metadata of " + f.filename + ": " + e.what(), e.hint());
    }
    m.raw = std::move(raw);
    m.source = source;
    m.wheel_path = std::move(path);
    return m;
  }

  WheelMetadata run(const IndexFile& f) {
    check_wheel_file(f);
    std::string project = f.wheel->normalized_name();
    if (auto local = local_path(f.url)) {
      local_reads++;
      return make(read_wheel_metadata(*local, project), MetadataSource::LocalFile, f, *local);
    }
    if (options.use_metadata_files && f.core_metadata) {
      if (auto m = from_metadata_file(f)) return std::move(*m);
    }
    if (options.use_ranges && !host_without_ranges(f.url)) {
      if (auto m = from_ranges(f, project)) return std::move(*m);
    }
    return full_download(f, project);
  }

  std::optional<WheelMetadata> from_metadata_file(const IndexFile& f) {
    net::Request req{f.metadata_url()};
    metadata_files++;
    net::Response resp = cache ? cache->get(req) : client.get(req);
    if (resp.status == 404 || resp.status == 403 || resp.status == 410) {
      util::log::debug("no metadata file at " + util::redact_url(req.url) + " (HTTP " + std::to_string(resp.status) +
                       "), reading the wheel instead");
      return std::nullopt;
    }
    net::raise_for_status(resp, req.url);
    if (!resp.from_cache) bytes += resp.body.size();
    try {
      verify_hashes(resp.body, *f.core_metadata, "the metadata file " + util::redact_url(req.url));
    } catch (const util::Error&) {
      if (cache) cache->invalidate(req);
      throw;
    }
    return make(std::move(resp.body), MetadataSource::MetadataFile, f);
  }

  // A GET whose body goes to memory, or to a file under download_dir once it passes `limit` (a
  // server that ignores the Range header sends the whole wheel).
  struct Spilled {
    net::Response response;
    std::string memory;
    std::optional<fs::path> file;
    std::uint64_t size = 0;
  };
  Spilled get_spilling(const net::Request& req, std::uint64_t limit, MultiHasher* hasher) {
    Spilled s;
    std::ofstream out;
    fs::path tmp;
    auto spill = [&] {
      fs::create_directories(options.download_dir);
      tmp = options.download_dir / (".part-" + random_suffix());
      out.open(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw util::msg::io_failed("write", tmp);
      out.write(s.memory.data(), static_cast<std::streamsize>(s.memory.size()));
      s.memory.clear();
      s.file = tmp;
    };
    net::StreamHandler handler;
    handler.on_chunk = [&](std::string_view chunk) {
      s.size += chunk.size();
      if (hasher) hasher->update(chunk);
      if (!s.file && s.memory.size() + chunk.size() > limit) spill();
      if (s.file) {
        out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        if (!out) throw util::msg::io_failed("write", tmp);
      } else {
        s.memory.append(chunk);
      }
    };
    handler.on_reset = [&] {
      s.size = 0;
      s.memory.clear();
      if (hasher) hasher->reset();
      if (s.file) {
        out.close();
        out.open(tmp, std::ios::binary | std::ios::trunc);
      }
    };
    try {
      s.response = client.fetch_streaming(req, handler);
    } catch (...) {
      if (s.file) {
        out.close();
        std::error_code ec;
        fs::remove(tmp, ec);
      }
      throw;
    }
    if (s.file) out.close();
    bytes += s.size;
    return s;
  }

  // Moves a whole wheel (in memory or spilled) to download_dir/<filename> after checking its hashes.
  fs::path store_wheel(const IndexFile& f, Spilled& s) {
    fs::create_directories(options.download_dir);
    fs::path dest = options.download_dir / f.filename;
    std::string what = util::redact_url(f.url);
    if (s.file) {
      MultiHasher h(f.hashes);
      std::ifstream in(*s.file, std::ios::binary);
      std::string buf(1 << 16, '\0');
      while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
        h.update(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
      try {
        h.verify(what);
      } catch (...) {
        std::error_code ec;
        fs::remove(*s.file, ec);
        throw;
      }
      fs::rename(*s.file, dest);
    } else {
      verify_hashes(s.memory, f.hashes, what);
      util::write_file_atomic(dest, s.memory);
    }
    return dest;
  }

  // One `.dist-info/<leaf>` entry of a remote wheel: `text` is nullopt when the wheel has none.
  struct EntryRead {
    std::optional<std::string> text;
    MetadataSource source = MetadataSource::RangeRead;
    std::optional<fs::path> wheel_path;
  };

  std::optional<WheelMetadata> from_ranges(const IndexFile& f, std::string_view project) {
    auto r = entry_by_ranges(f, project, "METADATA");
    if (!r) return std::nullopt;
    if (!r->text) no_metadata(r->wheel_path ? r->wheel_path->string() : f.filename);
    return make(std::move(*r->text), r->source, f, r->wheel_path);
  }

  // Through HTTP range requests; nullopt when the host turns out not to do ranges (remembered).
  std::optional<EntryRead> entry_by_ranges(const IndexFile& f, std::string_view project, std::string_view leaf) {
    net::Request tail_req{f.url};
    tail_req.range = net::ByteRange{options.tail_size, std::nullopt, true};
    tail_req.decompress = false;
    range_requests++;
    Spilled tail = get_spilling(tail_req, 4 * options.tail_size + (1 << 20), nullptr);
    int status = tail.response.status;
    if (status == 200) {  // the whole file: the server ignores ranges
      mark_no_ranges(f.url);
      full_downloads++;
      fs::path dest = store_wheel(f, tail);
      return EntryRead{read_wheel_dist_info_file(dest, leaf, project), MetadataSource::FullDownload, dest};
    }
    if (status == 416) return std::nullopt;
    if (status != 206) net::raise_for_status(tail.response, f.url);
    range_reads++;
    // Content-Range: bytes START-END/TOTAL
    auto cr = tail.response.header("content-range").value_or("");
    std::uint64_t start = 0, end = 0, total = 0;
    if (std::sscanf(cr.c_str(), "bytes %llu-%llu/%llu", reinterpret_cast<unsigned long long*>(&start),
                    reinterpret_cast<unsigned long long*>(&end), reinterpret_cast<unsigned long long*>(&total)) != 3 ||
        end < start || end >= total || tail.memory.size() != end - start + 1) {
      util::log::debug("unusable Content-Range `" + cr + "` from " + util::redact_url(f.url));
      mark_no_ranges(f.url);
      return std::nullopt;
    }
    std::string data = std::move(tail.memory);
    std::uint64_t data_start = start;

    struct NoRanges {};
    auto read = [&](std::uint64_t off, std::uint64_t len) -> std::string {
      if (off + len > total) throw ZipError("zip structure beyond the end of the file");
      if (off >= data_start && off + len <= data_start + data.size())
        return data.substr(static_cast<std::size_t>(off - data_start), static_cast<std::size_t>(len));
      if (len == 0) return {};
      net::Request r{f.url};
      r.range = net::ByteRange{off, off + len - 1, false};
      r.decompress = false;
      range_requests++;
      net::Response resp = client.get(r);
      bytes += resp.body.size();
      if (resp.status == 200) throw NoRanges{};
      if (resp.status != 206) net::raise_for_status(resp, f.url);
      if (resp.body.size() != len) throw ZipError("short range response");
      return resp.body;
    };

    try {
      return EntryRead{entry_from_zip(data, total, read, project, leaf), MetadataSource::RangeRead, std::nullopt};
    } catch (const NoRanges&) {
      mark_no_ranges(f.url);
      return std::nullopt;
    } catch (const ZipError& e) {
      throw util::Error(util::ErrorKind::Wheel,
                        "cannot read " + std::string(leaf == "METADATA" ? "the metadata" : leaf) + " of " +
                            f.filename + " from " + util::redact_url(f.url) + ": " + e.what(),
                        "the wheel's zip structure is damaged or unusual");
    }
  }

  WheelMetadata full_download(const IndexFile& f, std::string_view project) {
    fs::path dest = whole_wheel(f);
    return make(read_wheel_metadata(dest, project), MetadataSource::FullDownload, f, dest);
  }

  // The whole wheel in download_dir (reused when a copy with the page's sha256 is there).
  fs::path whole_wheel(const IndexFile& f) {
    fs::path dest = options.download_dir / f.filename;
    std::error_code ec;
    if (f.hashes.count("sha256") && fs::is_regular_file(dest, ec) &&
        util::sha256_file(dest).hex() == f.hashes.at("sha256"))
      return dest;
    full_downloads++;
    net::Request req{f.url};
    Spilled s = get_spilling(req, 1 << 20, nullptr);
    if (!s.response.ok()) {
      if (s.file) fs::remove(*s.file, ec);
      net::raise_for_status(s.response, f.url);
    }
    return store_wheel(f, s);
  }

  void check_wheel_file(const IndexFile& f) const {
    if (f.kind != FileKind::Wheel || !f.wheel)
      throw util::Error(util::ErrorKind::Build, "cannot read the metadata of " + f.filename + " without building it",
                        "only wheels can be installed for now");
    if (f.filename.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos || f.filename == "..")
      throw util::Error(util::ErrorKind::Index,
                        "refusing the wheel name `" + f.filename + "` from " + util::redact_url(f.url),
                        "a file name must not contain path separators");
  }

  // Where a `.dist-info/<leaf>` read from a remote wheel is kept: the wheel's content never changes
  // for its sha256, so the entry is immutable and kept by that hash (no hash on the page: not kept).
  std::optional<fs::path> entry_cache_path(const IndexFile& f, std::string_view leaf) const {
    auto sha = f.hashes.find("sha256");
    if (!cache || cache->options().cache_dir.empty() || sha == f.hashes.end() || sha->second.size() != 64 ||
        sha->second.find_first_not_of("0123456789abcdef") != std::string::npos)
      return std::nullopt;
    return cache->options().cache_dir / "dist-info-v1" / sha->second.substr(0, 2) / (sha->second + "-" + std::string(leaf));
  }

  std::optional<std::string> run_entry(const IndexFile& f, const std::string& leaf) {
    check_wheel_file(f);
    std::string project = f.wheel->normalized_name();
    if (auto local = local_path(f.url)) {
      local_reads++;
      return read_wheel_dist_info_file(*local, leaf, project);
    }
    auto cached = entry_cache_path(f, leaf);
    std::error_code ec;
    if (cached && fs::is_regular_file(*cached, ec) && !(cache && cache->options().refresh_all)) {
      std::ifstream in(*cached, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      if (in) return ss.str();
    }
    std::optional<EntryRead> r;
    if (options.use_ranges && !host_without_ranges(f.url)) r = entry_by_ranges(f, project, leaf);
    if (!r) {
      fs::path dest = whole_wheel(f);
      r = EntryRead{read_wheel_dist_info_file(dest, leaf, project), MetadataSource::FullDownload, dest};
    }
    if (r->text && cached) {
      try {
        fs::create_directories(cached->parent_path());
        util::write_file_atomic(*cached, *r->text);
      } catch (const std::exception& e) {
        util::log::debug("not keeping " + leaf + " of " + f.filename + ": " + e.what());
      }
    }
    return r->text;
  }
};

MetadataFetcher::MetadataFetcher(net::HttpClient& client, net::HttpCache* cache, MetadataOptions options)
    : impl_(std::make_unique<Impl>(client, cache, std::move(options))) {}

MetadataFetcher::~MetadataFetcher() = default;

std::shared_future<WheelMetadata> MetadataFetcher::prefetch(const IndexFile& file) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->memo.find(file.url);
  if (it != impl_->memo.end()) return it->second;
  auto promise = std::make_shared<std::promise<WheelMetadata>>();
  auto future = promise->get_future().share();
  impl_->memo.emplace(file.url, future);
  Impl* impl = impl_.get();
  impl_->pool.submit([impl, file, promise] {
    try {
      promise->set_value(impl->run(file));
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  return future;
}

WheelMetadata MetadataFetcher::fetch(const IndexFile& file) { return prefetch(file).get(); }

std::shared_future<std::optional<std::string>> MetadataFetcher::dist_info_file(const IndexFile& file, std::string leaf) {
  std::lock_guard lock(impl_->mutex);
  std::string key = file.url + "#" + leaf;
  auto it = impl_->entry_memo.find(key);
  if (it != impl_->entry_memo.end()) return it->second;
  auto promise = std::make_shared<std::promise<std::optional<std::string>>>();
  auto future = promise->get_future().share();
  impl_->entry_memo.emplace(key, future);
  Impl* impl = impl_.get();
  impl_->pool.submit([impl, file, leaf = std::move(leaf), promise] {
    try {
      promise->set_value(impl->run_entry(file, leaf));
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  return future;
}

std::vector<WheelMetadata> MetadataFetcher::fetch_all(const std::vector<IndexFile>& files) {
  std::vector<std::shared_future<WheelMetadata>> futures;
  for (const auto& f : files) futures.push_back(prefetch(f));
  std::vector<WheelMetadata> out;
  std::exception_ptr first;
  for (auto& fut : futures) {
    try {
      out.push_back(fut.get());
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
  return out;
}

MetadataStats MetadataFetcher::stats() const {
  return MetadataStats{impl_->metadata_files.load(), impl_->range_reads.load(), impl_->range_requests.load(),
                       impl_->full_downloads.load(), impl_->local_reads.load(), impl_->bytes.load()};
}

std::string MetadataFetcher::summary() const {
  auto s = stats();
  auto plural = [](std::uint64_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::vector<std::string> parts{plural(s.metadata_files, "metadata file", "metadata files"),
                                 plural(s.range_reads, "range read", "range reads") + " (" +
                                     plural(s.range_requests, "range request", "range requests") + ")",
                                 plural(s.full_downloads, "full download", "full downloads")};
  if (s.local_reads) parts.push_back(plural(s.local_reads, "local wheel", "local wheels"));
  char size[32];
  std::snprintf(size, sizeof size, "%.1f KiB", static_cast<double>(s.bytes) / 1024.0);
  parts.emplace_back(size);
  return util::join(parts, ", ");
}

bool MetadataFetcher::ranges_unsupported(std::string_view url) const { return impl_->host_without_ranges(url); }

}  // namespace ptinstall::index
