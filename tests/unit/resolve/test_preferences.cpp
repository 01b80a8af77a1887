#include <catch2/catch.hpp>

#include "ptinstall/resolve/preferences.hpp"
#include "ptinstall/spec/specifier.hpp"

using namespace ptinstall::resolve;
using ptinstall::spec::SpecifierSet;
using ptinstall::spec::Version;

namespace {

std::vector<Version> vs(std::initializer_list<const char*> list) {
  std::vector<Version> out;
  for (const char* s : list) out.push_back(Version::from_string(s));
  return out;
}

std::string text(const std::vector<Version>& list) {
  std::string out;
  for (const auto& v : list) out += (out.empty() ? "" : " ") + v.to_string();
  return out;
}

}  // namespace

TEST_CASE("preferences: mode names") {
  for (auto m : {PrereleaseMode::Disallow, PrereleaseMode::Allow, PrereleaseMode::IfNecessary, PrereleaseMode::Explicit,
                 PrereleaseMode::IfNecessaryOrExplicit})
    CHECK(parse_prerelease_mode(to_string(m)) == m);
  for (auto m : {ResolutionMode::Highest, ResolutionMode::Lowest, ResolutionMode::LowestDirect})
    CHECK(parse_resolution_mode(to_string(m)) == m);
  CHECK(parse_prerelease_mode("if-necessary-or-explicit") == PrereleaseMode::IfNecessaryOrExplicit);
  CHECK(!parse_prerelease_mode("sometimes"));
  CHECK(!parse_resolution_mode("newest"));
  CandidatePreferences p;
  p.set_prerelease(PrereleaseMode::Disallow, true);
  CHECK(p.prerelease == PrereleaseMode::Allow);
  p.set_prerelease(PrereleaseMode::Disallow, false);
  CHECK(p.prerelease == PrereleaseMode::Disallow);
}

TEST_CASE("preferences: pre-release policies") {
  const auto mixed = vs({"1.0", "2.0b1", "1.1", "2.0.dev1", "0.9"});
  const auto only_pre = vs({"1.0a1", "1.0b2"});
  CandidatePreferences p;

  p.prerelease = PrereleaseMode::Disallow;
  CHECK(text(p.order("foo", mixed)) == "1.1 1.0 0.9");
  CHECK(text(p.order("foo", only_pre)).empty());

  p.prerelease = PrereleaseMode::Allow;
  CHECK(text(p.order("foo", mixed)) == "2.0b1 2.0.dev1 1.1 1.0 0.9");

  p.prerelease = PrereleaseMode::IfNecessary;
  CHECK(text(p.order("foo", mixed)) == "1.1 1.0 0.9");
  CHECK(text(p.order("foo", only_pre)) == "1.0b2 1.0a1");

  p.prerelease = PrereleaseMode::Explicit;
  p.add_direct("foo", SpecifierSet::parse(">=2.0b1"));
  p.add_direct("bar", SpecifierSet::parse(">=1.0"));
  CHECK(p.explicit_prerelease.count("foo"));
  CHECK(!p.explicit_prerelease.count("bar"));
  // `<` and `>` naming a pre-release opt in too (uv's rule); `!=` does not.
  p.add_direct("lt", SpecifierSet::parse("<0.2.0a2"));
  p.add_direct("gt", SpecifierSet::parse(">0.0.0a1"));
  p.add_direct("ne", SpecifierSet::parse("!=1.0a1"));
  p.add_direct("eq", SpecifierSet::parse("===1.0rc1"));
  CHECK(p.explicit_prerelease.count("lt"));
  CHECK(p.explicit_prerelease.count("gt"));
  CHECK(!p.explicit_prerelease.count("ne"));
  CHECK(p.explicit_prerelease.count("eq"));
  CHECK(text(p.order("foo", mixed)) == "2.0b1 2.0.dev1 1.1 1.0 0.9");
  CHECK(text(p.order("foo[extra]", mixed)) == "2.0b1 2.0.dev1 1.1 1.0 0.9");
  CHECK(text(p.order("bar", mixed)) == "1.1 1.0 0.9");
  CHECK(text(p.order("bar", only_pre)).empty());

  p.prerelease = PrereleaseMode::IfNecessaryOrExplicit;
  CHECK(text(p.order("foo", mixed)) == "2.0b1 2.0.dev1 1.1 1.0 0.9");
  CHECK(text(p.order("bar", mixed)) == "1.1 1.0 0.9");
  CHECK(text(p.order("bar", only_pre)) == "1.0b2 1.0a1");
}

TEST_CASE("preferences: resolution modes and preferred versions") {
  const auto list = vs({"1.0", "3.0", "2.0", "2.0"});
  CandidatePreferences p;
  CHECK(text(p.order("foo", list)) == "3.0 2.0 1.0");
  p.resolution = ResolutionMode::Lowest;
  CHECK(text(p.order("foo", list)) == "1.0 2.0 3.0");
  CHECK(text(p.order("dep", list)) == "1.0 2.0 3.0");
  p.resolution = ResolutionMode::LowestDirect;
  p.add_direct("foo", SpecifierSet());
  CHECK(text(p.order("foo", list)) == "1.0 2.0 3.0");
  CHECK(text(p.order("foo[x]", list)) == "1.0 2.0 3.0");
  CHECK(text(p.order("dep", list)) == "3.0 2.0 1.0");
  p.resolution = ResolutionMode::Highest;
  p.preferred.emplace("foo", Version::from_string("2.0"));
  CHECK(text(p.order("foo", list)) == "2.0 3.0 1.0");
  p.preferred["foo"] = Version::from_string("9.0");  // not available: no effect
  CHECK(text(p.order("foo", list)) == "3.0 2.0 1.0");
  // Local variants stay distinct candidates.
  const auto torch = vs({"2.3.0+cu118", "2.3.0+cu121", "2.3.0"});
  CHECK(text(p.order("torch", torch)) == "2.3.0+cu121 2.3.0+cu118 2.3.0");
  p.preferred["torch"] = Version::from_string("2.3.0+cu118");
  CHECK(text(p.order("torch", torch)) == "2.3.0+cu118 2.3.0+cu121 2.3.0");
}

TEST_CASE("preferences: hints for an empty choice") {
  CandidatePreferences p;
  const auto list = vs({"1.0", "2.0b1", "2.0rc1"});
  Range want = Range::from_specifiers(SpecifierSet::parse(">=2.0"));
  CHECK(p.no_versions_hint("foo", Range::from_specifiers(SpecifierSet::parse(">=1.5")), list) ==
        "pre-releases are available for foo in the requested range (e.g. 2.0rc1), but pre-releases weren't enabled "
        "(try `--prerelease allow` or `--pre`)");
  CHECK(p.no_versions_hint("foo", Range::from_specifiers(SpecifierSet::parse(">=3.0")), list).empty());
  CHECK(p.no_versions_hint("foo", want, list).empty());  // >=2.0 leaves out 2.0's pre-releases
  p.prerelease = PrereleaseMode::Allow;
  CHECK(p.no_versions_hint("foo", Range::from_specifiers(SpecifierSet::parse(">=1.5")), list).empty());
  CHECK(p.no_versions_hint("nothere", Range::full(), {}) ==
        "nothere was not found on any index: check the name, or add the index that has it with `--index-url` or "
        "`--extra-index-url`");
  CHECK(p.no_versions_hint("system:cuda", Range::full(), {}).empty());
}
