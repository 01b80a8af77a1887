#include "ptinstall/resolve/preferences.hpp"

#include <algorithm>

#include "ptinstall/resolve/provider.hpp"
#include "ptinstall/spec/specifier.hpp"

namespace ptinstall::resolve {

namespace {

constexpr std::pair<std::string_view, PrereleaseMode> kPrerelease[] = {
    {"disallow", PrereleaseMode::Disallow},
    {"allow", PrereleaseMode::Allow},
    {"if-necessary", PrereleaseMode::IfNecessary},
    {"explicit", PrereleaseMode::Explicit},
    {"if-necessary-or-explicit", PrereleaseMode::IfNecessaryOrExplicit},
};
constexpr std::pair<std::string_view, ResolutionMode> kResolution[] = {
    {"highest", ResolutionMode::Highest},
    {"lowest", ResolutionMode::Lowest},
    {"lowest-direct", ResolutionMode::LowestDirect},
};

std::string_view base_name(std::string_view package) { return split_package(package).base; }

}  // namespace

std::optional<PrereleaseMode> parse_prerelease_mode(std::string_view text) {
  for (const auto& [name, mode] : kPrerelease)
    if (name == text) return mode;
  return std::nullopt;
}

std::string_view to_string(PrereleaseMode mode) {
  for (const auto& [name, m] : kPrerelease)
    if (m == mode) return name;
  return {};
}

std::optional<ResolutionMode> parse_resolution_mode(std::string_view text) {
  for (const auto& [name, mode] : kResolution)
    if (name == text) return mode;
  return std::nullopt;
}

std::string_view to_string(ResolutionMode mode) {
  for (const auto& [name, m] : kResolution)
    if (m == mode) return name;
  return {};
}

void CandidatePreferences::set_prerelease(PrereleaseMode mode, bool pip_pre) {
  prerelease = pip_pre ? PrereleaseMode::Allow : mode;
}

void CandidatePreferences::add_direct(const std::string& name, const spec::SpecifierSet& specifier) {
  direct.insert(name);
  // uv's rule, wider than packaging's Specifier.prereleases (==, >=, <=, ~=, ===): a requirement opts
  // in when any of its specifiers names a pre-release, `<` and `>` included (`a<0.2.0a2` may take
  // 0.2.0a1; `b>0.0.0a1` lets every requirement on b take b's pre-releases). `!=` excludes one
  // version and opts in to nothing.
  for (const auto& s : specifier.specifiers()) {
    if (s.op() == spec::Operator::NotEqual) continue;
    bool pre = s.op() == spec::Operator::ArbitraryEqual ? s.mentions_prerelease() : s.version().is_prerelease();
    if (pre) explicit_prerelease.insert(name);
  }
}

bool CandidatePreferences::allows_prereleases(std::string_view package,
                                              const std::vector<spec::Version>& available) const {
  auto all_pre = [&] {
    return std::all_of(available.begin(), available.end(), [](const spec::Version& v) { return v.is_prerelease(); });
  };
  auto is_explicit = [&] { return explicit_prerelease.count(base_name(package)) > 0; };
  switch (prerelease) {
    case PrereleaseMode::Disallow: return false;
    case PrereleaseMode::Allow: return true;
    case PrereleaseMode::IfNecessary: return all_pre();
    case PrereleaseMode::Explicit: return is_explicit();
    case PrereleaseMode::IfNecessaryOrExplicit: return is_explicit() || all_pre();
  }
  return false;
}

std::vector<spec::Version> CandidatePreferences::order(std::string_view package,
                                                       std::vector<spec::Version> available) const {
  bool pre_ok = allows_prereleases(package, available);
  if (!pre_ok)
    available.erase(std::remove_if(available.begin(), available.end(),
                                   [](const spec::Version& v) { return v.is_prerelease(); }),
                    available.end());
  // Stable sort keeps the given order among versions that compare equal (`1.0` and `1.0.0`).
  std::stable_sort(available.begin(), available.end());
  available.erase(std::unique(available.begin(), available.end(),
                              [](const spec::Version& a, const spec::Version& b) {
                                return a == b && a.to_string() == b.to_string();
                              }),
                  available.end());
  std::string_view base = base_name(package);
  bool lowest = resolution == ResolutionMode::Lowest ||
                (resolution == ResolutionMode::LowestDirect && direct.count(base) > 0);
  if (!lowest) std::stable_sort(available.begin(), available.end(), std::greater<>());
  auto pref = preferred.find(base);
  if (pref != preferred.end()) {
    auto it = std::find_if(available.begin(), available.end(), [&](const spec::Version& v) {
      return v == pref->second && v.local() == pref->second.local();
    });
    if (it != available.end()) std::rotate(available.begin(), it, it + 1);
  }
  return available;
}

std::string CandidatePreferences::no_versions_hint(std::string_view package, const Range& range,
                                                   const std::vector<spec::Version>& available) const {
  if (available.empty() && !is_virtual_package(package))
    return std::string(package) +
           " was not found on any index: check the name, or add the index that has it with "
           "`--index-url` or `--extra-index-url`";
  if (allows_prereleases(package, available)) return {};
  std::vector<spec::Version> pre;
  for (const auto& v : available)
    if (v.is_prerelease() && range.contains(v)) pre.push_back(v);
  if (pre.empty()) return {};
  std::sort(pre.begin(), pre.end());
  return "pre-releases are available for " + std::string(base_name(package)) + " in the requested range (e.g. " +
         pre.back().to_string() + "), but pre-releases weren't enabled (try `--prerelease allow` or `--pre`)";
}

}  // namespace ptinstall::resolve
