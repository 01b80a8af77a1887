#include "ptinstall/net/header_values.hpp"

#include <curl/curl.h>

#include <cctype>

#include "ptinstall/util/strings.hpp"

namespace ptinstall::net {

namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, std::time_t now) {
  std::string v(util::trim(value));
  if (v.empty()) return std::nullopt;
  if (auto secs = parse_u64(v)) return std::chrono::milliseconds(static_cast<std::int64_t>(std::min<std::uint64_t>(*secs, 86400)) * 1000);
  std::time_t when = curl_getdate(v.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min<std::time_t>(when - now, 86400)) * 1000);
}

std::optional<ContentRange> parse_content_range(std::string_view value) {
  std::string_view v = util::trim(value);
  if (v.substr(0, 6) != "bytes ") return std::nullopt;
  v = util::trim(v.substr(6));
  std::size_t dash = v.find('-'), slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash) return std::nullopt;
  auto first = parse_u64(v.substr(0, dash));
  auto last = parse_u64(v.substr(dash + 1, slash - dash - 1));
  if (!first || !last || *last < *first) return std::nullopt;
  ContentRange r{*first, *last, std::nullopt};
  std::string_view total = v.substr(slash + 1);
  if (total != "*") {
    r.total = parse_u64(total);
    if (!r.total || *r.total <= *last) return std::nullopt;
  }
  return r;
}

std::optional<std::string> resume_validator(const std::map<std::string, std::string>& headers) {
  auto get = [&](const char* name) -> std::string {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : std::string(util::trim(it->second));
  };
  if (util::to_lower(get("accept-ranges")).find("bytes") == std::string::npos) return std::nullopt;
  std::string encoding = util::to_lower(get("content-encoding"));
  if (!encoding.empty() && encoding != "identity") return std::nullopt;
  std::string etag = get("etag");
  if (!etag.empty() && etag.substr(0, 2) != "W/") return etag;  // a weak ETag may not be used in If-Range
  std::string modified = get("last-modified");
  if (!modified.empty()) return modified;
  return std::nullopt;
}

}  // namespace ptinstall::net
