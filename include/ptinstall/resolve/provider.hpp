// What the solver asks about packages. The real provider (index-backed, later) and the in-memory
// provider of the tests implement it; preferences (pre-releases, highest/lowest) live in the
// provider's versions(), through the helpers of resolve/preferences.hpp.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ptinstall/resolve/range.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::resolve {

// Dependency edges of one package version: (package, allowed versions), in the order the package
// lists them (this order breaks ties between packages, so it must be deterministic).
using DependencyList = std::vector<std::pair<std::string, Range>>;

// Adds `package` with `range` to `deps`; a package listed twice gets the intersection of both ranges.
void add_dependency(DependencyList& deps, std::string package, const Range& range);

struct Dependencies {
  bool available = true;
  DependencyList dependencies;
  // When unavailable: a predicate, printed after the package and version in error reports
  // ("foo==2.0 requires Python >=3.12", "foo==2.0 has no wheel for this platform").
  std::string reason;
  // Optional hint shown under an error that this unavailability helps explain.
  std::string hint;

  static Dependencies of(DependencyList deps) { return {true, std::move(deps), {}, {}}; }
  static Dependencies unavailable(std::string reason, std::string hint = {}) {
    return {false, {}, std::move(reason), std::move(hint)};
  }
};

class Provider {
 public:
  virtual ~Provider() = default;

  // Candidate versions of `package` in preference order: the solver picks the first one inside the
  // allowed range. Versions the policy rules out (pre-releases, yanked files, ...) are left out. An empty
  // list means the package does not exist ("was not found in the package registry"). Asked once per
  // package and resolution, so a `system:` package must list every value up front (for `system:cuda`,
  // the CUDA versions of all indexes in the torch list), not only those seen so far.
  virtual std::vector<spec::Version> versions(const std::string& package) = 0;

  // Dependencies of one version (called at most once per package and version by a solver). For the
  // root package, the user's requirements.
  virtual Dependencies dependencies(const std::string& package, const spec::Version& version) = 0;

  // A hint, called as soon as `package` enters the partial solution with the versions allowed so far,
  // so that metadata can be fetched in parallel ahead of the solver's questions. Called again with the
  // narrowed range every fifth version of the package the solver tries (backtracking through many
  // versions, as with boto3 and botocore): a good moment to fetch the next candidates in one batch.
  virtual void prefetch(const std::string& package, const Range& range) {
    (void)package;
    (void)range;
  }

  // Extra hint for an error that says no version of `package` lies in `range` (for example: only
  // pre-releases exist there, or the package was found on no index). Empty when there is none.
  virtual std::string no_versions_hint(const std::string& package, const Range& range) {
    (void)package;
    (void)range;
    return {};
  }

  // Whether `package` is requested by direct URL: such packages are decided before all others.
  virtual bool is_url(const std::string& package) {
    (void)package;
    return false;
  }
};

// Names of virtual packages. `name[extra]` stands for an extra of `name` (it depends on `name` at the
// same version and on the extra's requirements); `system:<what>` for a property of the machine or index
// that versions must agree on (the PyTorch CUDA variant: `system:cuda`).
std::string extra_package(std::string_view name, std::string_view extra);
struct PackageParts {
  std::string_view base;   // "name" for "name[extra]"
  std::string_view extra;  // "" when not an extra package
};
PackageParts split_package(std::string_view package);
inline constexpr std::string_view kSystemPrefix = "system:";
bool is_system_package(std::string_view package);
// Extra and system packages: not installed, left out of what is installed.
bool is_virtual_package(std::string_view package);

}  // namespace ptinstall::resolve
