// The response headers the HTTP client acts on, parsed: Retry-After (how long a 429/503 asks us to
// wait), Content-Range (where a 206 body starts) and the validator a resumed download sends back in
// If-Range (so that a file changed on the server between two attempts is fetched whole, never
// spliced). Kept apart from the client so that any range-based download (a resumed retry, several
// ranges of one file fetched in parallel) decides with the same rules.
#pragma once
#include <chrono>
#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ptinstall::net {

// "Retry-After: 120" or "Retry-After: Wed, 21 Oct 2026 07:28:00 GMT" (relative to `now`, in
// seconds since the epoch). nullopt when absent or unreadable; a date in the past is zero.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, std::time_t now);

struct ContentRange {
  std::uint64_t first = 0;              // first byte of the body in the file
  std::uint64_t last = 0;               // last byte (inclusive)
  std::optional<std::uint64_t> total;   // the whole file's size, when the server says ("/*" otherwise)
};
// "bytes 100-199/1000" or "bytes 100-199/*"; nullopt for anything else (including "bytes */1000").
std::optional<ContentRange> parse_content_range(std::string_view value);

// The value to send in If-Range when continuing this response's body with a range request, or
// nullopt when the body cannot be continued: the server must announce "Accept-Ranges: bytes", the
// body must not be content-encoded (the offsets would be of the encoded bytes), and there must be a
// strong ETag (preferred) or a Last-Modified date. `headers` have lower-case names (net::Response).
std::optional<std::string> resume_validator(const std::map<std::string, std::string>& headers);

}  // namespace ptinstall::net
