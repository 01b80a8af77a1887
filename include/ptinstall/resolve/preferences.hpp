// Candidate preferences for providers: which versions of a package the solver may pick and in which
// order (--prerelease, pip's --pre, --resolution, installed or locked versions first), and the hints
// that explain an empty choice. The solver itself only takes the first candidate inside the range.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/resolve/range.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::spec {
class SpecifierSet;
}

namespace ptinstall::resolve {

enum class PrereleaseMode {
  Disallow,               // never
  Allow,                  // always (pip's --pre)
  IfNecessary,            // when every version of the package is a pre-release
  Explicit,               // for packages whose direct requirement names a pre-release (`>=2.0b1`)
  IfNecessaryOrExplicit,  // either (the default, as uv)
};

enum class ResolutionMode {
  Highest,       // newest versions first
  Lowest,        // oldest versions first, for every package
  LowestDirect,  // oldest first for the direct requirements, newest for the rest
};

// "disallow", "allow", "if-necessary", "explicit", "if-necessary-or-explicit"; nullopt otherwise.
std::optional<PrereleaseMode> parse_prerelease_mode(std::string_view text);
std::string_view to_string(PrereleaseMode mode);
// "highest", "lowest", "lowest-direct"; nullopt otherwise.
std::optional<ResolutionMode> parse_resolution_mode(std::string_view text);
std::string_view to_string(ResolutionMode mode);

struct CandidatePreferences {
  PrereleaseMode prerelease = PrereleaseMode::IfNecessaryOrExplicit;
  ResolutionMode resolution = ResolutionMode::Highest;
  // Normalised names of the packages the user asked for directly (for lowest-direct).
  std::set<std::string, std::less<>> direct;
  // Normalised names whose direct requirement mentions a pre-release (for explicit).
  std::set<std::string, std::less<>> explicit_prerelease;
  // Versions to try before all others when they are candidates (installed, locked or pinned by a
  // previous resolution): keeps upgrades minimal.
  std::map<std::string, spec::Version, std::less<>> preferred;

  // Sets the mode from the settings: pip's --pre means Allow whatever --prerelease says.
  void set_prerelease(PrereleaseMode mode, bool pip_pre = false);

  // Records a requirement the user wrote (name normalised): a direct package, and an explicit
  // pre-release request when its specifier names a pre-release.
  void add_direct(const std::string& name, const spec::SpecifierSet& specifier);

  // Whether the policy lets pre-releases of `package` (its base name for `name[extra]`) be chosen,
  // given all versions the indexes have.
  bool allows_prereleases(std::string_view package, const std::vector<spec::Version>& available) const;

  // The candidates for Provider::versions(): `available` (any order, duplicates allowed) filtered by
  // the pre-release policy and sorted by the resolution mode, the preferred version first.
  std::vector<spec::Version> order(std::string_view package, std::vector<spec::Version> available) const;

  // A hint for "no version of `package` in `range`": pre-releases the policy left out lie in the range,
  // or the package exists nowhere. Empty when neither.
  std::string no_versions_hint(std::string_view package, const Range& range,
                               const std::vector<spec::Version>& available) const;
};

}  // namespace ptinstall::resolve
