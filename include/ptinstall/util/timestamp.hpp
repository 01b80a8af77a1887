// Points in time as microseconds since the Unix epoch (UTC), for upload times (PEP 700's
// `upload-time`, RFC 3339) and the --exclude-newer cut-off (a timestamp, a date or a duration).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ptinstall::util {

// "2025-01-01T00:00:00.000000Z", "2026-01-23T07:41:13+02:00", "2006-12-02 02:07:43z"; nullopt otherwise.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// "2006-12-02": midnight UTC at the start of that day; nullopt otherwise.
std::optional<std::int64_t> parse_date(std::string_view text);

// A length of time in microseconds: "7 days", "1 week 2 days", "24h", "30 minutes", or ISO 8601
// "P7D", "P1W", "PT12H", "P1DT6H". Months and years have no fixed length and are refused (nullopt).
std::optional<std::int64_t> parse_duration(std::string_view text);

// RFC 3339 in UTC with seconds: "2025-01-01T00:00:00Z".
std::string format_rfc3339(std::int64_t micros);

// The current time, microseconds since the epoch.
std::int64_t now_micros();

}  // namespace ptinstall::util
