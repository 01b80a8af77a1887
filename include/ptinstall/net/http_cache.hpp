// An on-disk HTTP cache in front of HttpClient, for index pages and metadata files (not for wheels:
// those go to the install layer's cache).
//
// Entries live in <cache-dir>/http-v1/<2 hex>/<sha256>.entry, keyed by the URL (credentials and
// fragment removed) and the Accept header. Each entry is one file (a JSON header line, then the body)
// written atomically, so readers never see half of one. Credentials are never written to disk.
//
// Freshness follows Cache-Control: max-age (minus Age), immutable, no-cache (always revalidate),
// no-store (never stored), must-revalidate (a stale entry is always revalidated), and Expires when
// there is no max-age. Without any of them an entry is stale at once: it is revalidated on every use
// but still answers --offline. Revalidation uses If-None-Match (ETag) and If-Modified-Since
// (Last-Modified); a 304 refreshes the stored headers and serves the stored body. Files (wheels,
// .metadata, sdists) on download.pytorch.org, download-r2.pytorch.org and pypi.nvidia.com are
// treated as immutable whatever the server says, as uv does, since those servers send no-cache for
// content that never changes.
//
// Thread-safe: any thread may call get/submit at once.
#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/net/http_client.hpp"

namespace ptinstall::net {

struct CacheOptions {
  std::filesystem::path cache_dir;                      // --cache-dir; entries under cache_dir/http-v1
  bool offline = false;                                 // --offline: answer from the cache or fail
  bool refresh_all = false;                             // --refresh: revalidate every entry
  std::function<bool(std::string_view url)> refresh{};  // --refresh-package: revalidate matching URLs
};

struct CacheStats {
  std::uint64_t fresh_hits = 0;    // answered without the network
  std::uint64_t revalidated = 0;   // 304 Not Modified
  std::uint64_t downloaded = 0;    // full responses from the network
  std::uint64_t stored = 0;        // entries written
};

class HttpCache {
 public:
  HttpCache(HttpClient& client, CacheOptions options);

  // A GET through the cache. Responses that come from the cache have from_cache set (also after a
  // 304) and the stored status (200). Range and HEAD requests bypass the cache. `cache_control`
  // replaces the server's Cache-Control header when deciding freshness (uv's per-index
  // `cache-control` setting). Throws util::Error on transport failure and, offline, on a miss.
  Response get(const Request& request, std::optional<std::string> cache_control = std::nullopt);
  // The same, asynchronously: the network part starts now; the cache is updated when the future's
  // get() runs, on the calling thread.
  std::future<Response> submit(Request request, std::optional<std::string> cache_control = std::nullopt);
  // Many GETs in parallel, in order; the first error is thrown once all have finished.
  std::vector<Response> get_all(const std::vector<Request>& requests);

  // Where the entry for this request lives (whether or not it exists).
  std::filesystem::path entry_path(const Request& request) const;
  // Removes the entry for this request, if any.
  void invalidate(const Request& request);

  CacheStats stats() const;
  const CacheOptions& options() const { return options_; }

  // Whether uv's immutable override applies: a file (not an index page) on the PyTorch or NVIDIA hosts.
  static bool forced_immutable(std::string_view url);

 private:
  HttpClient& client_;
  CacheOptions options_;
  std::filesystem::path root_;
  std::atomic<std::uint64_t> fresh_hits_{0}, revalidated_{0}, downloaded_{0}, stored_{0};
};

}  // namespace ptinstall::net
