#include <catch2/catch.hpp>

#include "ptinstall/util/timestamp.hpp"

using namespace ptinstall::util;

TEST_CASE("RFC 3339 times and dates") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2025-01-01T00:00:00.000000Z") == std::int64_t(1735689600) * 1000000);
  CHECK(parse_rfc3339("2026-01-23T07:41:13Z") == std::int64_t(1769154073) * 1000000);
  CHECK(parse_rfc3339("2026-01-23T09:41:13+02:00") == parse_rfc3339("2026-01-23T07:41:13Z"));
  CHECK(parse_rfc3339("2026-01-23 07:41:13.5z") == *parse_rfc3339("2026-01-23T07:41:13Z") + 500000);
  CHECK(parse_date("2025-01-01") == parse_rfc3339("2025-01-01T00:00:00Z"));
  for (const char* bad : {"2025-01-01", "2025-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2025-01-01T00:00:00",
                          "2025-01-01T24:00:00Z", "2025-01-01T00:00:00.Z", "yesterday", ""})
    CHECK_FALSE(parse_rfc3339(bad));
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z"));
  CHECK_FALSE(parse_date("2025-1-01"));
  CHECK(format_rfc3339(*parse_rfc3339("2026-01-23T09:41:13+02:00")) == "2026-01-23T07:41:13Z");
}

TEST_CASE("durations") {
  const std::int64_t day = std::int64_t(86400) * 1000000;
  CHECK(parse_duration("7 days") == 7 * day);
  CHECK(parse_duration("1 week") == 7 * day);
  CHECK(parse_duration("1 week, 2 days") == 9 * day);
  CHECK(parse_duration("24h") == day);
  CHECK(parse_duration("30 minutes") == day / 48);
  CHECK(parse_duration("P7D") == 7 * day);
  CHECK(parse_duration("P1W") == 7 * day);
  CHECK(parse_duration("PT12H") == day / 2);
  CHECK(parse_duration("P1DT6H") == day + day / 4);
  for (const char* bad : {"", "P", "PT", "7", "days", "1 month", "P1M1D", "P1Y", "3 fortnights", "-1 day"})
    CHECK_FALSE(parse_duration(bad));
}
