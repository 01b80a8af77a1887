// Preparing wheels for installation: every wheel ends up unpacked in the wheel cache.
// - Cache hits cost no network: a wheel whose sha256 the index (or --hash) gives is looked up by it;
//   a wheel without one is looked up by its URL (files on indexes never change), recorded when it
//   was first unpacked.
// - A wheel already on disk (a local file, or a whole wheel the metadata fetcher downloaded) is
//   unpacked from there.
// - Other wheels are downloaded in parallel (at most `concurrency` at a time) and unpacked while
//   they stream in, hashed inline; when the stream is interrupted (a retry), the wheel is downloaded
//   to a temporary file and unpacked from there. A wheel whose index gives a size of at least
//   WheelCacheOptions::parallel_min_bytes is downloaded to a temporary file in the cache directory
//   first (hashed while written) and unpacked from there by several threads (see prepare.cpp for
//   why that beats streaming for big wheels). A wheel whose size the index declares, of at least
//   PrepareOptions::ranged_min_bytes, is downloaded in several ranges at once into a partial file
//   kept in the cache (a later run continues it) and unpacked while it comes in
//   (install/ranged_download.hpp).
// - Hashes: the sha256 of the index and of requirements-file --hash options must match. A mismatch is
//   a util::Error naming the file, the expected and the actual hash; nothing is committed to the
//   cache in that case, and since preparing comes before installing, nothing is installed.
#pragma once
#include <atomic>
#include <functional>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/install/wheel_cache.hpp"

namespace ptinstall::net {
class HttpClient;
}

namespace ptinstall::install {

class PrepareAhead;

struct PrepareItem {
  std::string name;                                  // normalised, for messages
  index::IndexFile file;                             // url, filename, index hashes
  std::vector<std::string> required_hashes;          // "sha256:<hex>" from --hash (any one must match)
  std::optional<std::filesystem::path> local_wheel;  // the wheel already on disk, when it is
};

struct PreparedWheel {
  UnpackedWheel unpacked;
  bool downloaded = false;  // the network was used for it
};

struct PrepareOptions {
  std::size_t concurrency = 8;  // wheels downloaded and unpacked at once (UV_CONCURRENT_DOWNLOADS caps it)
  // A wheel whose index declares at least `ranged_min_bytes` goes over `download_ranges` range
  // requests at once into a partial file kept in the cache, unpacked as it comes in
  // (install/ranged_download.hpp). PTINSTALL_DOWNLOAD_RANGES, PTINSTALL_DOWNLOAD_RANGES_MIN_SIZE.
  unsigned download_ranges = 4;
  std::uint64_t ranged_min_bytes = 64ULL << 20;
  std::uint64_t range_piece_bytes = 0;  // 0: RangedOptions' default (tests set it small)
  // Called as the work advances (items finished of all items, wheel bytes received so far), from
  // worker and network threads: must be quick and thread-safe. For a progress display.
  std::function<void(std::size_t done, std::size_t total, std::uint64_t bytes)> on_progress{};
  // Called for each file being downloaded, from network threads, as its bytes arrive: its file name,
  // the bytes received so far, its size (0: unknown), and once more with `finished` when the transfer
  // ends (well or not). For a progress display: must be quick and thread-safe.
  std::function<void(const std::string& filename, std::uint64_t received, std::uint64_t total, bool finished)>
      on_file{};
  // Wheels started while the resolution ran (install/prepare_ahead.hpp): an item whose URL it
  // started is taken from there (waiting for it when it is still running); one it failed gives its
  // error here, so the error is said only when the wheel is needed.
  PrepareAhead* ahead = nullptr;
  // Set: transfers stop at their next chunk with a network error (PrepareAhead, when the resolution
  // fails or the run ends before a wheel started ahead was needed).
  const std::atomic<bool>* cancel = nullptr;
};

struct PrepareStats {
  std::size_t from_cache = 0;   // already unpacked in the cache
  std::size_t downloaded = 0;   // fetched over the network
  std::size_t unpacked = 0;     // newly unpacked (downloaded or local)
  std::uint64_t bytes = 0;      // wheel bytes downloaded
  std::size_t parallel = 0;     // of the unpacked ones, unpacked by several threads
};

// Prepares every item (in parallel); results in the order of `items`. Throws the first error once all
// have finished.
std::vector<PreparedWheel> prepare_wheels(const std::vector<PrepareItem>& items, WheelCache& cache,
                                          const Cache& root, net::HttpClient& client,
                                          const PrepareOptions& options = {}, PrepareStats* stats = nullptr);

// The sha256 hex digests a wheel must have: the index's sha256, and the sha256 values among
// `required` ("sha256:<hex>"). Two different sets (the index says A, --hash says B) make an error.
struct ExpectedHashes {
  std::optional<std::string> index_sha256;
  std::vector<std::string> required_sha256;  // any one must match
  bool empty() const { return !index_sha256 && required_sha256.empty(); }
  // The one digest to look the cache up by (or check while streaming), when there is exactly one.
  std::optional<std::string> single() const;
};
ExpectedHashes expected_hashes(const PrepareItem& item);
// Throws util::msg::hash_mismatch ("hash mismatch for <file>: expected sha256:<...>, got sha256:<actual>",
// kind Hash).
void check_hash(const PrepareItem& item, const ExpectedHashes& expected, const std::string& actual_sha256);

}  // namespace ptinstall::install
