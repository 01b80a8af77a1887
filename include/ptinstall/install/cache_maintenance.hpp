// What `ptinstall cache clean/prune/size` do to the cache directory (uv's commands, plus a size cap).
//
// The cache is a set of buckets (`wheels-v1`, `http-v1`, ...); a bucket holds entries, each removed as
// a whole: an unpacked wheel, a built wheel with its lock file, one cached HTTP response, ... Entries
// are attributed to a package where their content names one (a .dist-info directory, a wheel or sdist
// filename, the URL of an index page). Every change runs under the exclusive lock on <root>/.lock,
// which waits for the processes that use the cache (they hold it shared, install::Cache::at).
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/util/file_lock.hpp"

namespace ptinstall::install {

namespace fs = std::filesystem;

struct CacheEntry {
  fs::path path;                      // the entry (file or directory)
  std::vector<fs::path> companions;   // files removed with it (a built wheel's .lock)
  std::string bucket;                 // "wheels-v1", ...
  std::optional<std::string> package; // normalized name, where the entry names one
  std::uint64_t bytes = 0;            // apparent size of its files
  std::uint64_t files = 0;
  fs::file_time_type last_used;       // newest of its access and modification times
};

struct Removed {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::size_t entries = 0;
};

// The buckets this version of ptinstall writes; anything else at the top of the cache is a leftover
// of another version (or of an interrupted write) that prune removes.
const std::vector<std::string>& known_buckets();

// Every entry of the known buckets.
std::vector<CacheEntry> list_cache_entries(const fs::path& root);

// Apparent bytes and files under root (a file hard-linked several times counted once).
struct CacheUsage {
  std::uint64_t bytes = 0;
  std::uint64_t files = 0;
};
CacheUsage cache_usage(const fs::path& root);

// The exclusive lock of the cache's maintenance; waits up to `timeout` for its users (default:
// util::FileLock::default_timeout(), PTINSTALL_LOCK_TIMEOUT).
util::FileLock lock_cache_for_maintenance(const fs::path& root,
                                          std::optional<std::chrono::milliseconds> timeout = std::nullopt);

// Removes everything (packages empty) or the entries of these packages (normalized names).
Removed clean_cache(const fs::path& root, const std::vector<std::string>& packages);

struct PruneOptions {
  bool ci = false;                       // keep only built wheels (and what locates them)
  std::optional<std::uint64_t> max_size; // then remove least recently used entries down to this
};
// Removes what is unused: interrupted writes, buckets of other versions, URL records whose wheel is
// gone; with `ci` everything that can be downloaded again; then applies max_size.
Removed prune_cache(const fs::path& root, const PruneOptions& options);

// "20G", "500M", "1.5GiB", "1024" (bytes; K/M/G/T are powers of 1024, as du's); nullopt if malformed.
std::optional<std::uint64_t> parse_size(std::string_view text);
// "1.2GiB", "340.0KiB", "12B".
std::string format_size(std::uint64_t bytes);

}  // namespace ptinstall::install
