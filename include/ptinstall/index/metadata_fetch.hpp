// Core metadata (METADATA) of wheels without downloading them where the index allows it, in this order:
// 1. the PEP 658/714 file `<wheel url>.metadata`, when the page says it exists (checked against the
//    page's hash for it, when there is one; through the HTTP cache when one is given);
// 2. HTTP range requests: the tail of the wheel (end of central directory), the central directory
//    when it is not in the tail, then the `<name>-<version>.dist-info/METADATA` entry (stored or
//    deflated; zip64 understood). A host that answers a range request with the whole file is
//    remembered and gets step 3 from then on;
// 3. the whole wheel, streamed to `download_dir/<filename>` (hash-checked against the page's hashes),
//    so that the installer can reuse it: WheelMetadata::wheel_path says where it is.
// Local wheels (file:// URLs, find-links directories) are read in place.
//
// Fetches run on a small pool of threads (each waits on the shared HttpClient, which runs the
// transfers in parallel); prefetch() starts one and returns at once, so the resolver can ask ahead.
// Results are kept per URL for the lifetime of the fetcher.
#pragma once
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/spec/metadata.hpp"

namespace ptinstall::net {
class HttpClient;
class HttpCache;
}  // namespace ptinstall::net

namespace ptinstall::index {

enum class MetadataSource { MetadataFile, RangeRead, FullDownload, LocalFile };
std::string_view to_string(MetadataSource source);

struct WheelMetadata {
  std::string raw;                                 // the METADATA text
  spec::CoreMetadata metadata;                     // parsed
  MetadataSource source = MetadataSource::MetadataFile;
  std::optional<std::filesystem::path> wheel_path;  // the whole wheel on disk (full download or local file)
};

struct MetadataOptions {
  std::filesystem::path download_dir;  // where whole wheels are saved; required for step 3
  std::size_t threads = 16;
  std::uint64_t tail_size = 64 * 1024;  // first range request: the last N bytes of the wheel
  bool use_metadata_files = true;       // step 1
  bool use_ranges = true;               // step 2
};

// HTTP requests made, by kind, for `-v` output.
struct MetadataStats {
  std::uint64_t metadata_files = 0;   // .metadata requests
  std::uint64_t range_reads = 0;      // wheels read through ranges
  std::uint64_t range_requests = 0;   // HTTP range requests (several per range read)
  std::uint64_t full_downloads = 0;   // whole wheels downloaded
  std::uint64_t local_reads = 0;      // local wheels read in place
  std::uint64_t bytes = 0;            // bytes received for all of the above
};

class MetadataFetcher {
 public:
  MetadataFetcher(net::HttpClient& client, net::HttpCache* cache, MetadataOptions options);
  ~MetadataFetcher();
  MetadataFetcher(const MetadataFetcher&) = delete;
  MetadataFetcher& operator=(const MetadataFetcher&) = delete;

  // The metadata of one wheel (waits). Throws util::Error (hash mismatch, no METADATA entry, HTTP
  // errors, an sdist).
  WheelMetadata fetch(const IndexFile& file);
  // Starts fetching in the background; the same future for the same URL.
  std::shared_future<WheelMetadata> prefetch(const IndexFile& file);
  // Another file of the wheel's top-level `.dist-info` directory (`leaf`: "variant.json"), read the
  // same way as METADATA (range requests, else the whole wheel; local wheels in place), in the
  // background; nullopt when the wheel has none. A remote wheel's entry is kept in the cache under
  // `dist-info-v1/` by the wheel's sha256 from the page (immutable: a wheel never changes for its
  // hash; without a sha256 it is not kept). Throws util::Error as fetch() does.
  std::shared_future<std::optional<std::string>> dist_info_file(const IndexFile& file, std::string leaf);
  // Many at once, in order; the first error is thrown once all have finished.
  std::vector<WheelMetadata> fetch_all(const std::vector<IndexFile>& files);

  MetadataStats stats() const;
  // "2 metadata files, 1 range read (3 range requests), 1 full download, 12.3 KiB"
  std::string summary() const;
  // Whether this host (host[:port] as in the URL) was found to ignore range requests.
  bool ranges_unsupported(std::string_view url) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The METADATA of a wheel file on disk (the entry of its top-level .dist-info directory; the one
// named after `project` when there are several). Throws util::Error naming the file.
std::string read_wheel_metadata(const std::filesystem::path& wheel, std::string_view project = {});
// The same for another entry of that directory (`leaf`: "variant.json"); nullopt when there is none.
std::optional<std::string> read_wheel_dist_info_file(const std::filesystem::path& wheel, std::string_view leaf,
                                                     std::string_view project = {});

// Checks `data` against every hash in `hashes` that can be computed (sha256, sha512, md5, ...);
// throws util::msg::hash_mismatch ("hash mismatch for <what> ...", kind Hash) on a mismatch. Returns how many were checked.
std::size_t verify_hashes(std::string_view data, const HashMap& hashes, std::string_view what);

}  // namespace ptinstall::index
