#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <unordered_set>

#include "ptinstall/spec/version.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;

namespace {
Version V(std::string_view s) { return Version::from_string(s); }
std::string norm(std::string_view s) {
  auto v = Version::parse(s);
  return v ? v->to_string() : "<invalid>";
}
}  // namespace

TEST_CASE("versions normalise like PEP 440", "[spec][version]") {
  // Case, leading v, surrounding whitespace.
  CHECK(norm("1.0") == "1.0");
  CHECK(norm("v1.0") == "1.0");
  CHECK(norm("V1.0") == "1.0");
  CHECK(norm("  1.0\t\n") == "1.0");
  CHECK(norm("1.0.0RC1") == "1.0.0rc1");
  // Leading zeros of numbers.
  CHECK(norm("01.002.0003") == "1.2.3");
  CHECK(norm("00!1.0") == "1.0");
  CHECK(norm("1!1.0") == "1!1.0");
  // Pre-release spellings and separators.
  CHECK(norm("1.0a1") == "1.0a1");
  CHECK(norm("1.0alpha1") == "1.0a1");
  CHECK(norm("1.0-alpha.1") == "1.0a1");
  CHECK(norm("1.0a.1") == "1.0a1");
  CHECK(norm("1.0.a1") == "1.0a1");
  CHECK(norm("1.0_a_1") == "1.0a1");
  CHECK(norm("1.0beta2") == "1.0b2");
  CHECK(norm("1.0B2") == "1.0b2");
  CHECK(norm("1.0c3") == "1.0rc3");
  CHECK(norm("1.0pre3") == "1.0rc3");
  CHECK(norm("1.0preview3") == "1.0rc3");
  CHECK(norm("1.0RC") == "1.0rc0");  // implicit number
  CHECK(norm("1.0a") == "1.0a0");
  CHECK(norm("1.0a.") == "1.0a0");  // a trailing separator after the letter is allowed by the grammar
  CHECK(norm("1.0a-1") == "1.0a1");  // the number belongs to the pre-release, not an implicit post
  // Post releases, including the implicit form.
  CHECK(norm("1.0-1") == "1.0.post1");
  CHECK(norm("1.0.post") == "1.0.post0");
  CHECK(norm("1.0post1") == "1.0.post1");
  CHECK(norm("1.0-r1") == "1.0.post1");
  CHECK(norm("1.0.rev1") == "1.0.post1");
  CHECK(norm("1.0-post-1") == "1.0.post1");
  CHECK(norm("1.0r") == "1.0.post0");
  CHECK(norm("1.0a1-1") == "1.0a1.post1");
  CHECK(norm("1.0a--1") == "1.0a0.post1");
  // Dev releases.
  CHECK(norm("1.0dev") == "1.0.dev0");
  CHECK(norm("1.0_dev3") == "1.0.dev3");
  CHECK(norm("1.0-dev-3") == "1.0.dev3");
  CHECK(norm("1.0.DEV3") == "1.0.dev3");
  CHECK(norm("1.0a1.post2.dev3") == "1.0a1.post2.dev3");
  CHECK(norm("1.0.post2-dev3") == "1.0.post2.dev3");
  // Local labels: lower-case, `-`/`_` become `.`, numeric segments lose leading zeros.
  CHECK(norm("2.9.1+cu128") == "2.9.1+cu128");
  CHECK(norm("1.0+Ubuntu-1") == "1.0+ubuntu.1");
  CHECK(norm("1.0+abc_01.007") == "1.0+abc.1.7");
  CHECK(norm("1.0+0") == "1.0+0");
  CHECK(norm("1.0+000") == "1.0+0");
  // Long releases and big numbers stay exact.
  CHECK(norm("1.2.3.4.5.6.7.8") == "1.2.3.4.5.6.7.8");
  CHECK(norm("18446744073709551615") == "18446744073709551615");
  CHECK(norm("2024.10.31.dev20241031") == "2024.10.31.dev20241031");
}

TEST_CASE("invalid versions are rejected", "[spec][version]") {
  for (const char* bad : {"", " ", "a", "1.", ".1", "1..0", "1.0.", "1.0a1a1", "1.0+", "1.0+a..b", "1.0+-a", "1.0+a-",
                          "1.0-", "1.0--1", "1!", "!1", "1!1!1", "vv1", "1.0 1", "1.0+a b", "1.0+\xc3\xa4",
                          "1.0.*", "1.0-dev-1-", "1.0a1b1", "1.0.post1.post2", "1.0.dev1.dev2", "1.0.dev1a1", "1_0",
                          "1.0+a+b", "1.0rc1rc", "1.0abc", "1.0postpost", "+1", "1.0++a", "1.0.post1-1",
                          "18446744073709551616", "1.0.dev18446744073709551616"}) {
    INFO(bad);
    CHECK_FALSE(Version::parse(std::string_view(bad, std::char_traits<char>::length(bad))));
  }
  CHECK_FALSE(Version::parse(std::string_view("1.0\0", 4)));
  CHECK(norm("1.0-r-") == "1.0.post0");  // separators after a letter need no number
  CHECK_THROWS_AS(V("nope"), ptinstall::util::Error);
  CHECK_THROWS_WITH(V("1.0.x"), "invalid version `1.0.x`");
}

TEST_CASE("version parts are exposed", "[spec][version]") {
  auto v = V("2!1.2.3rc4.post5.dev6+Local.7");
  CHECK(v.epoch() == 2);
  CHECK(v.release() == std::vector<uint64_t>{1, 2, 3});
  CHECK(v.release_size() == 3);
  CHECK(v.release_at(1) == 2);
  CHECK(v.release_at(10) == 0);
  REQUIRE(v.pre());
  CHECK(v.pre()->first == 'c');
  CHECK(v.pre()->second == 4);
  CHECK(v.post() == 5u);
  CHECK(v.dev() == 6u);
  CHECK(v.local() == "local.7");
  CHECK(v.is_prerelease());
  CHECK(v.is_postrelease());
  CHECK(v.is_devrelease());
  CHECK(v.has_local());
  CHECK(v.without_local().to_string() == "2!1.2.3rc4.post5.dev6");
  CHECK(v.base_version().to_string() == "2!1.2.3");

  auto f = V("1.0");
  CHECK_FALSE(f.pre());
  CHECK_FALSE(f.post());
  CHECK_FALSE(f.dev());
  CHECK(f.local().empty());
  CHECK_FALSE(f.is_prerelease());
  CHECK_FALSE(f.is_postrelease());
  CHECK_FALSE(f.has_local());
  CHECK(V("1.0.dev1").is_prerelease());  // dev alone counts as a pre-release
  CHECK(V("1.0.post1.dev1").is_prerelease());
  CHECK(V("1.0a1").is_prerelease());
  CHECK_FALSE(V("1.0a1").is_devrelease());
  CHECK(Version().to_string() == "0");
  CHECK(Version() == V("0.0"));
}

TEST_CASE("from_parts builds normalised versions", "[spec][version]") {
  CHECK(Version::from_parts(0, {1, 2}).to_string() == "1.2");
  CHECK(Version::from_parts(1, {1}, std::pair<char, uint64_t>{'c', 2}, 3, 4, "Cu-128").to_string() == "1!1rc2.post3.dev4+cu.128");
  CHECK(Version::from_parts(0, {1}, std::pair<char, uint64_t>{'b', 0}) == V("1b0"));
  CHECK_THROWS_AS(Version::from_parts(0, {}), ptinstall::util::Error);
  CHECK_THROWS_AS(Version::from_parts(0, {1}, std::pair<char, uint64_t>{'x', 0}), ptinstall::util::Error);
  CHECK_THROWS_AS(Version::from_parts(0, {1}, std::nullopt, std::nullopt, std::nullopt, "a..b"), ptinstall::util::Error);
}

TEST_CASE("versions are totally ordered as PEP 440 says", "[spec][version]") {
  // Strictly increasing (from the PEP's and packaging's examples).
  const std::vector<std::string> ordered = {
      "0.dev0",      "0a0.dev0",     "0",           "1.0.dev456",     "1.0a1",          "1.0a2.dev456",
      "1.0a12.dev456", "1.0a12",     "1.0b1.dev456", "1.0b2",          "1.0b2.post345.dev456", "1.0b2.post345",
      "1.0rc1.dev456", "1.0rc1",     "1.0",         "1.0+abc.5",      "1.0+abc.7",      "1.0+5",
      "1.0.post456.dev34", "1.0.post456", "1.0.15",  "1.1.dev1",       "1.1",            "1.2.3.4.5",
      "2!0.1",       "2!1.0"};
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      INFO(ordered[i] << " vs " << ordered[j]);
      auto c = V(ordered[i]) <=> V(ordered[j]);
      CHECK((c < 0) == (i < j));
      CHECK((c == 0) == (i == j));
      CHECK((V(ordered[i]) == V(ordered[j])) == (i == j));
    }
  }
}

TEST_CASE("equality pads releases and ignores spelling", "[spec][version]") {
  CHECK(V("1.0") == V("1"));
  CHECK(V("1.0") == V("1.0.0.0.0.0"));
  CHECK(V("1.0.0.0.0.0.1") > V("1"));
  CHECK(V("v1.0-1") == V("1.0.post1"));
  CHECK(V("1.0+ABC") == V("1.0+abc"));
  CHECK(V("1.0+ubuntu-1") == V("1.0+ubuntu.1"));
  CHECK(V("1.0+01") == V("1.0+1"));
  CHECK(V("0!1.0") == V("1.0"));
  CHECK(V("1.0") != V("1.0+0"));
  CHECK(V("1.0.post0") != V("1.0"));
  CHECK(V("1.0.dev0") != V("1.0"));
}

TEST_CASE("local labels order numbers above letters", "[spec][version]") {
  CHECK(V("1.0") < V("1.0+a"));
  CHECK(V("1.0+a") < V("1.0+b"));
  CHECK(V("1.0+a") < V("1.0+0"));  // numeric > alphanumeric
  CHECK(V("1.0+z") < V("1.0+1"));
  CHECK(V("1.0+9") < V("1.0+10"));  // numeric, not lexicographic
  CHECK(V("1.0+abc") < V("1.0+abc.0"));  // a longer label with the same prefix is larger
  CHECK(V("1.0+abc.z") < V("1.0+abc.1"));
  CHECK(V("1.0+2.abc") < V("1.0+10"));
  CHECK(V("1.0+99999999999999999999999") > V("1.0+99999999999999999999998"));
  CHECK(V("1.0+cu118") < V("1.0+cu128"));
  CHECK(V("1.0+Cu128") == V("1.0+cu128"));
  CHECK(V("2.9.1+cu128") > V("2.9.1"));
  CHECK(V("2.9.1+cu128") < V("2.9.1.post1"));
}

TEST_CASE("compact and full forms agree", "[spec][version]") {
  CHECK(V("1.2.3").is_compact());
  CHECK(V("65535.4095.4095.255rc8191").is_compact());
  CHECK(V("2.9.1.post1").is_compact());
  CHECK(V("1.0.dev3").is_compact());
  CHECK_FALSE(V("65536").is_compact());
  CHECK_FALSE(V("1.4096").is_compact());
  CHECK_FALSE(V("1.2.3.256").is_compact());
  CHECK_FALSE(V("1.2.3.4.5").is_compact());
  CHECK_FALSE(V("1!1").is_compact());
  CHECK_FALSE(V("1.0+local").is_compact());
  CHECK_FALSE(V("1.0a1.dev1").is_compact());
  CHECK_FALSE(V("1.0.post1.dev1").is_compact());
  CHECK_FALSE(V("1.0.dev8192").is_compact());
  CHECK(V("1.0") == V("1.0.0.0.0"));  // compact vs full
  CHECK(V("1.0").hash() == V("1.0.0.0.0").hash());
  CHECK(V("1.0a1") < V("1.0a1.post1.dev0"));

  // Random versions near the packing limits: the packed order must agree with the full comparison,
  // which is checked here against a slow reference built from the parts.
  std::mt19937 rng(440);
  auto pick = [&](std::initializer_list<uint64_t> xs) { return *(xs.begin() + rng() % xs.size()); };
  std::vector<Version> vs;
  for (int i = 0; i < 400; ++i) {
    std::vector<uint64_t> rel;
    size_t n = 1 + rng() % 5;
    for (size_t k = 0; k < n; ++k) rel.push_back(pick({0, 1, 2, 255, 256, 4095, 4096, 65535, 65536}));
    std::optional<std::pair<char, uint64_t>> pre;
    std::optional<uint64_t> post, dev;
    if (rng() % 3 == 0) pre = std::pair<char, uint64_t>{"abc"[rng() % 3], pick({0, 1, 8191, 8192})};
    if (rng() % 3 == 0) post = pick({0, 1, 8191, 8192});
    if (rng() % 3 == 0) dev = pick({0, 1, 8191, 8192});
    vs.push_back(Version::from_parts(rng() % 8 == 0 ? 1 : 0, rel, pre, post, dev));
  }
  auto key = [](const Version& v) {
    auto rel = v.release();
    while (!rel.empty() && rel.back() == 0) rel.pop_back();
    auto pre = v.pre();
    int pre_rank = pre ? (pre->first - 'a') : (!v.post() && v.dev() ? -1 : 3);
    return std::make_tuple(v.epoch(), rel, pre_rank, pre ? pre->second : 0, v.post() ? 1 : 0, v.post().value_or(0),
                           v.dev() ? 0 : 1, v.dev().value_or(0));
  };
  for (const auto& a : vs) {
    CHECK(Version::parse(a.to_string()) == a);  // printing round-trips
    for (const auto& b : vs) {
      bool less = key(a) < key(b), eq = key(a) == key(b);
      if ((a < b) != less || (a == b) != eq) FAIL_CHECK(a.to_string() << " vs " << b.to_string());
      if (eq && a.hash() != b.hash()) FAIL_CHECK("hash " << a.to_string() << " vs " << b.to_string());
    }
  }
}

TEST_CASE("Version::min is below every version", "[spec][version]") {
  CHECK(Version::min().to_string() == "0.dev0");
  for (const char* s : {"0", "0a0", "0a0.dev0", "0.post0.dev0", "0.0.0.0.0.dev0", "0+a", "0.dev0+a", "1!0.dev0"}) {
    INFO(s);
    CHECK(Version::min() <= V(s));
  }
  CHECK(Version::min() == V("0.0.dev0"));
}

TEST_CASE("versions sort and hash consistently", "[spec][version]") {
  std::vector<Version> vs = {V("1.0"), V("1.0.post1"), V("1.0rc1"), V("0.9"), V("1.0.dev1"), V("1.0+cpu")};
  std::sort(vs.begin(), vs.end());
  std::vector<std::string> got;
  for (const auto& v : vs) got.push_back(v.to_string());
  CHECK(got == std::vector<std::string>{"0.9", "1.0.dev1", "1.0rc1", "1.0", "1.0+cpu", "1.0.post1"});
  std::unordered_set<Version> set{V("1"), V("1.0"), V("1.0.0"), V("1.0.0.0.0.0"), V("v1")};
  CHECK(set.size() == 1);
}
