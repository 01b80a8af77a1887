#include <catch2/catch.hpp>

#include "ptinstall/net/header_values.hpp"

using namespace ptinstall;
using std::chrono::milliseconds;

TEST_CASE("Retry-After: seconds or an HTTP date", "[net][headers]") {
  std::time_t now = 1'800'000'000;  // 2027-01-15T08:00:00Z
  CHECK(net::parse_retry_after("120", now) == milliseconds(120'000));
  CHECK(net::parse_retry_after(" 0 ", now) == milliseconds(0));
  CHECK(net::parse_retry_after("99999999", now) == milliseconds(86'400'000));  // a day at most
  CHECK(net::parse_retry_after("Fri, 15 Jan 2027 08:00:30 GMT", now) == milliseconds(30'000));
  CHECK(net::parse_retry_after("Thu, 01 Jan 2026 00:00:00 GMT", now) == milliseconds(0));  // the past
  CHECK_FALSE(net::parse_retry_after("", now));
  CHECK_FALSE(net::parse_retry_after("soon", now));
  CHECK_FALSE(net::parse_retry_after("-5", now));
}

TEST_CASE("Content-Range", "[net][headers]") {
  auto r = net::parse_content_range("bytes 100-199/1000");
  REQUIRE(r);
  CHECK(r->first == 100);
  CHECK(r->last == 199);
  CHECK(r->total == 1000u);
  auto open = net::parse_content_range("bytes 0-9/*");
  REQUIRE(open);
  CHECK_FALSE(open->total);
  CHECK_FALSE(net::parse_content_range("bytes */1000"));
  CHECK_FALSE(net::parse_content_range("bytes 200-100/1000"));
  CHECK_FALSE(net::parse_content_range("bytes 0-1000/1000"));  // past the end
  CHECK_FALSE(net::parse_content_range("items 0-9/10"));
  CHECK_FALSE(net::parse_content_range("bytes 1-x/10"));
}

TEST_CASE("the validator a resumed download sends", "[net][headers]") {
  std::map<std::string, std::string> h{{"accept-ranges", "bytes"}, {"etag", "\"abc\""}, {"last-modified", "Wed, 01 Jan 2025 00:00:00 GMT"}};
  CHECK(net::resume_validator(h) == "\"abc\"");
  h["etag"] = "W/\"weak\"";  // weak ETags may not go in If-Range: the date instead
  CHECK(net::resume_validator(h) == "Wed, 01 Jan 2025 00:00:00 GMT");
  h.erase("last-modified");
  CHECK_FALSE(net::resume_validator(h));
  h["etag"] = "\"abc\"";
  h["content-encoding"] = "gzip";  // offsets would be of the encoded bytes
  CHECK_FALSE(net::resume_validator(h));
  h["content-encoding"] = "identity";
  CHECK(net::resume_validator(h) == "\"abc\"");
  h["accept-ranges"] = "none";
  CHECK_FALSE(net::resume_validator(h));
  h.erase("accept-ranges");
  CHECK_FALSE(net::resume_validator(h));
}
