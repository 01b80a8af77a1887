#include <catch2/catch.hpp>

#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;

namespace {
Version V(std::string_view s) { return Version::from_string(s); }
Specifier S(std::string_view s) { return Specifier::parse(s); }
bool in(std::string_view spec, std::string_view version) { return S(spec).contains(V(version)); }
bool in_set(std::string_view set, std::string_view version, std::optional<bool> pre = std::nullopt) {
  return SpecifierSet::parse(set).contains(V(version), pre);
}
}  // namespace

TEST_CASE("specifiers parse and print normalised", "[spec][specifier]") {
  CHECK(S(">=1.0").op() == Operator::GreaterEqual);
  CHECK(S("==1.0").op() == Operator::Equal);
  CHECK(S("!=1.0").op() == Operator::NotEqual);
  CHECK(S("<=1.0").op() == Operator::LessEqual);
  CHECK(S("<1.0").op() == Operator::Less);
  CHECK(S(">1.0").op() == Operator::Greater);
  CHECK(S("~=1.0").op() == Operator::Compatible);
  CHECK(S("===1.0").op() == Operator::ArbitraryEqual);
  CHECK(S(" >= v1.0.0RC1 ").to_string() == ">=1.0.0rc1");
  CHECK(S("==1.2.*").to_string() == "==1.2.*");
  CHECK(S("==1.2.*").is_wildcard());
  CHECK(S("== 01.02.*").to_string() == "==1.2.*");
  CHECK(S("!=1!2.*").to_string() == "!=1!2.*");
  CHECK(S("==2.9.1+CU128").to_string() == "==2.9.1+cu128");
  CHECK(S("~=1.4.5a4").to_string() == "~=1.4.5a4");
  CHECK(S("===foo-bar").to_string() == "===foo-bar");
  CHECK(S("===foo-bar").arbitrary_string() == "foo-bar");
  CHECK(S("=== 1.0").to_string() == "===1.0");
  CHECK(S("<2").version() == V("2"));
  CHECK(operator_string(Operator::Compatible) == "~=");
  CHECK(Specifier::make(Operator::Less, V("2.0")).to_string() == "<2.0");
  CHECK(Specifier::make(Operator::Equal, V("2.0"), true).to_string() == "==2.0.*");
}

TEST_CASE("invalid specifiers throw with the input in the message", "[spec][specifier]") {
  for (const char* bad : {"", "1.0", ">>1", "=1", "=>1", "~=1", "~=1.*", "~=1.0.*", "~=1.0+local", "<1.0.*",
                          ">=1.0.*", ">=1.0+local", "<1+x", ">1+x", "<=1+x", "==1.0a1.*", "==1.0.*.*", "==1.*.0",
                          "==1.0+x.*", "==1.*+x", "==1.0 .*", "==", ">=", "=== a b", "===a;b", "===a)", "== 1.0 1",
                          "<>1", "!1", "~1", "==1..0", ">=a", ">= 1.0,"}) {
    INFO(bad);
    CHECK_THROWS_AS(S(bad), ptinstall::util::Error);
  }
  CHECK_THROWS_WITH(S(">>1"), "invalid specifier `>>1`");
  try {
    S("~=1");
    FAIL("no throw");
  } catch (const ptinstall::util::Error& e) {
    CHECK(std::string(e.hint()).find("two release numbers") != std::string::npos);
  }
  // Accepted oddities of the grammar.
  CHECK_NOTHROW(S("===="));    // `===` with the operand "="
  CHECK_NOTHROW(S("==="));     // `===` with an empty operand
  CHECK_NOTHROW(S("~=1.0a"));  // implicit pre-release number
  CHECK_NOTHROW(S("!=1.0+cu128"));
}

TEST_CASE("== and != compare with local labels as PEP 440 says", "[spec][specifier]") {
  CHECK(in("==2.9.1", "2.9.1"));
  CHECK(in("==2.9.1", "2.9.1+cu128"));  // no local in the specifier: the candidate's is ignored
  CHECK(in("==2.9.1", "2.9.1.0+cpu"));
  CHECK(in("==2.9.1+cu128", "2.9.1+cu128"));
  CHECK(in("==2.9.1+cu128", "2.9.1+CU-128") == false);  // cu.128 != cu128
  CHECK_FALSE(in("==2.9.1+cu128", "2.9.1"));
  CHECK_FALSE(in("==2.9.1+cu128", "2.9.1+cu126"));
  CHECK(in("==1.0", "1.0.0"));
  CHECK_FALSE(in("==1.0", "1.0.post1"));
  CHECK_FALSE(in("==1.0", "1.0.dev1"));
  CHECK(in("!=1.0", "1.1"));
  CHECK_FALSE(in("!=1.0", "1.0+local"));
  CHECK(in("!=1.0+a", "1.0+b"));
  CHECK(in("!=1.0+a", "1.0"));
}

TEST_CASE("wildcards match release prefixes", "[spec][specifier]") {
  CHECK(in("==1.2.*", "1.2"));
  CHECK(in("==1.2.*", "1.2.0"));
  CHECK(in("==1.2.*", "1.2.9.9"));
  CHECK(in("==1.2.*", "1.2a1"));
  CHECK(in("==1.2.*", "1.2.dev1"));
  CHECK(in("==1.2.*", "1.2.3.post4+local"));
  CHECK_FALSE(in("==1.2.*", "1.3"));
  CHECK_FALSE(in("==1.2.*", "1.20"));
  CHECK_FALSE(in("==1.2.*", "1"));  // 1 pads to 1.0
  CHECK(in("==1.0.*", "1"));
  CHECK(in("==1.0.0.*", "1"));
  CHECK(in("==1.*", "1.0a1"));
  CHECK_FALSE(in("==1.2.*", "1!1.2"));  // epochs must match
  CHECK(in("==1!1.2.*", "1!1.2.5"));
  CHECK(in("==1!1.0.*", "1!1"));
  CHECK_FALSE(in("==0.*", "1!0.5"));
  CHECK(in("!=1.2.*", "1.3"));
  CHECK_FALSE(in("!=1.2.*", "1.2.7"));
  CHECK_FALSE(in("!=1.2.*", "1.2rc1"));
}

TEST_CASE("inclusive ordered comparisons ignore the candidate's local label", "[spec][specifier]") {
  CHECK(in("<=1.0", "1.0+local"));
  CHECK(in(">=1.0", "1.0+local"));
  CHECK(in(">=1.0", "1.0"));
  CHECK(in(">=1.0", "1.0.post1"));
  CHECK_FALSE(in(">=1.0", "1.0rc1"));
  CHECK(in(">=1.0rc1", "1.0rc1"));
  CHECK(in("<=1.0", "1.0.0"));
  CHECK_FALSE(in("<=1.0", "1.0.post1"));
  CHECK(in("<=1.0", "1.0rc1"));
}

TEST_CASE("exclusive ordered comparisons follow PEP 440", "[spec][specifier]") {
  // >V excludes post-releases of V unless V is one, and local versions of V.
  CHECK(in(">1.7", "1.7.1"));
  CHECK_FALSE(in(">1.7", "1.7"));
  CHECK_FALSE(in(">1.7", "1.7.post2"));
  CHECK_FALSE(in(">1.7", "1.7.0.post2"));
  CHECK_FALSE(in(">1.7", "1.7+local"));
  CHECK(in(">1.7.post2", "1.7.post3"));
  CHECK_FALSE(in(">1.7.post2", "1.7.post3+local"));
  CHECK(in(">1.7.post2", "1.8"));
  CHECK(in(">1.7a1", "1.7"));
  CHECK(in(">1.7a1", "1.7b1"));
  CHECK_FALSE(in(">1.7a1", "1.7+local"));
  CHECK_FALSE(in(">1.7.dev1", "1.7.post1"));  // the spec's own rule: not a post-release specifier
  CHECK(in(">1.7", "1.8.post1"));
  // <V excludes pre-releases of V unless V is one.
  CHECK(in("<3.1", "3.0"));
  CHECK(in("<3.1", "3.0.dev0"));
  CHECK_FALSE(in("<3.1", "3.1.dev0"));
  CHECK_FALSE(in("<3.1", "3.1a1"));
  CHECK_FALSE(in("<3.1", "3.1.0rc1"));
  CHECK(in("<3.1rc1", "3.1a1"));
  CHECK(in("<3.1rc1", "3.1.dev0"));
  CHECK_FALSE(in("<3.1.post1", "3.1.post1.dev1"));
  CHECK_FALSE(in("<3.1", "3.1"));
  CHECK_FALSE(in("<3.1", "3.1+local"));
  CHECK(in("<3.1", "3.0.9+local"));
}

TEST_CASE("~= is >= plus a prefix match", "[spec][specifier]") {
  CHECK(in("~=2.2", "2.2"));
  CHECK(in("~=2.2", "2.3"));
  CHECK(in("~=2.2", "2.9.9"));
  CHECK_FALSE(in("~=2.2", "3.0"));
  CHECK_FALSE(in("~=2.2", "2.1"));
  CHECK(in("~=1.4.5", "1.4.5"));
  CHECK(in("~=1.4.5", "1.4.9"));
  CHECK_FALSE(in("~=1.4.5", "1.5.0"));
  CHECK(in("~=2.2.post3", "2.2.post3"));
  CHECK(in("~=2.2.post3", "2.9"));
  CHECK_FALSE(in("~=2.2.post3", "2.2"));
  CHECK(in("~=1.4.5a4", "1.4.5"));
  CHECK(in("~=1.4.5a4", "1.4.5a4"));
  CHECK_FALSE(in("~=1.4.5a4", "1.5"));
  CHECK(in("~=1.4.5.0", "1.4.5.9"));
  CHECK_FALSE(in("~=1.4.5.0", "1.4.6"));
  CHECK(in("~=1.0", "1.0+local"));
  CHECK(in("~=1!1.0", "1!1.5"));
  CHECK_FALSE(in("~=1!1.0", "1.5"));
  CHECK(in("~=1.4.r1", "1.5"));  // PEP 440: the suffix is ignored whatever its spelling (docs/spec.md)
}

TEST_CASE("=== compares normalised strings case-insensitively", "[spec][specifier]") {
  CHECK(in("===1.0", "1.0"));
  CHECK(in("===1.0", "v1.0"));  // the candidate prints as 1.0
  CHECK_FALSE(in("===1.0", "1.0.0"));
  CHECK_FALSE(in("===1.0", "1.0+local"));
  CHECK(in("===1.0+CPU", "1.0+cpu"));
  CHECK_FALSE(in("===foobar", "1.0"));
  CHECK(S("===1.0a1").mentions_prerelease());
  CHECK_FALSE(S("===foobar").mentions_prerelease());
}

TEST_CASE("which specifiers mention a pre-release", "[spec][specifier]") {
  for (const char* yes : {"==1.0a1", ">=1.0a1", "<=1.0.dev0", "~=1.0rc1", "===1.0b1", "==1.0.post1.dev1"}) {
    INFO(yes);
    CHECK(S(yes).mentions_prerelease());
  }
  for (const char* no : {"==1.0", ">1.0a1", "<1.0a1", "!=1.0a1", "==1.*", "~=1.0.post1", "===x"}) {
    INFO(no);
    CHECK_FALSE(S(no).mentions_prerelease());
  }
}

TEST_CASE("specifier sets parse, dedupe and print sorted", "[spec][specifier]") {
  auto set = SpecifierSet::parse(">=1.0, <2 ,!=1.5");
  CHECK(set.specifiers().size() == 3);
  CHECK(set.to_string() == "!=1.5,<2,>=1.0");
  CHECK(SpecifierSet::parse("").empty());
  CHECK(SpecifierSet::parse(" , ,").empty());
  CHECK(SpecifierSet::parse(">=1,,<2").specifiers().size() == 2);
  CHECK(SpecifierSet::parse(">=1.0,>=1.0.0").specifiers().size() == 1);
  CHECK(SpecifierSet::parse("==1.0.*,==1.*").specifiers().size() == 2);
  CHECK(SpecifierSet::parse(">=1,<2") == SpecifierSet::parse("<2, >=1.0"));
  CHECK_THROWS_WITH(SpecifierSet::parse(">=1.0, >>2"), "invalid specifier `>>2`");
  CHECK_THROWS_AS(SpecifierSet::parse(">=1.0 <2"), ptinstall::util::Error);

  SpecifierSet a = SpecifierSet::parse(">=1");
  a.add(SpecifierSet::parse("<2,>=1"));
  CHECK(a.to_string() == "<2,>=1");
  a.add(S("!=1.5"));
  CHECK(a.specifiers().size() == 3);
}

TEST_CASE("specifier sets accept pre-releases like packaging", "[spec][specifier]") {
  // Default: pre-releases only if a specifier mentions one.
  CHECK_FALSE(in_set(">=1.0", "2.0a1"));
  CHECK(in_set(">=1.0", "2.0a1", true));
  CHECK(in_set(">=1.0a1", "2.0a1"));
  CHECK(in_set(">=1.0a1,<3", "2.0.dev1"));
  CHECK_FALSE(in_set(">=1.0", "2.0.dev1"));
  CHECK_FALSE(in_set(">=1.0a1", "2.0a1", false));
  CHECK_FALSE(in_set(">1.0a1", "2.0a1"));  // an exclusive operator does not count
  CHECK_FALSE(in_set("!=1.0a1", "2.0a1"));
  // An empty set allows every final release, and pre-releases only when asked.
  CHECK(in_set("", "1.0"));
  CHECK(in_set("", "1.0+local"));
  CHECK_FALSE(in_set("", "1.0a1"));
  CHECK(in_set("", "1.0a1", true));
  // Post-releases are not pre-releases.
  CHECK(in_set(">=1.0", "1.0.post1"));
  CHECK_FALSE(in_set(">=1.0", "1.0.post1.dev1"));
  // Every specifier must hold.
  CHECK(in_set(">=1.0,<2.0,!=1.5.*", "1.4"));
  CHECK_FALSE(in_set(">=1.0,<2.0,!=1.5.*", "1.5.1"));
  CHECK_FALSE(in_set(">=1.0,<2.0,!=1.5.*", "2.0"));
  CHECK(SpecifierSet::parse(">=1,<=2a1").mentions_prerelease());
  CHECK_FALSE(SpecifierSet::parse(">=1,<2").mentions_prerelease());
  // The torch case: `torch==2.9.1` is satisfied by the CUDA build.
  CHECK(in_set("==2.9.1", "2.9.1+cu128"));
  CHECK(in_set(">=2.5,<2.10", "2.9.1+cu128"));
  CHECK_FALSE(in_set(">2.9.1", "2.9.1+cu128"));
}
