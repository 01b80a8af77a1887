#include <catch2/catch.hpp>

#include "ptinstall/util/strings.hpp"

using namespace ptinstall::util;

TEST_CASE("trim removes surrounding whitespace only") {
  CHECK(trim("  a b \t\n") == "a b");
  CHECK(trim("") == "");
  CHECK(trim(" \t ") == "");
}

TEST_CASE("split keeps empty fields") {
  auto parts = split("a,,b,", ',');
  REQUIRE(parts.size() == 4);
  CHECK(parts[0] == "a");
  CHECK(parts[1] == "");
  CHECK(parts[2] == "b");
  CHECK(parts[3] == "");
}

TEST_CASE("case-insensitive helpers") {
  CHECK(iequals("Torch", "tORCH"));
  CHECK_FALSE(iequals("torch", "torc"));
  CHECK(starts_with_icase("HTTPS://x", "https://"));
  CHECK(to_lower("AbC") == "abc");
  CHECK(join({"a", "b", "c"}, ", ") == "a, b, c");
}

TEST_CASE("edit distance and closest match") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("offline", "offlin") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(closest_match("instal", {"install", "uninstall", "list"}) == "install");
  CHECK(closest_match("xyz", {"install", "list"}) == "");
}
