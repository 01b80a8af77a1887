// The install side of PEP 751: which entries of a lock apply to this environment and which of their
// files to install, following the specification's installation algorithm with no resolution:
// lock-version (in Pylock::parse), requires-python, environments, the requested extras and groups
// (default-groups when none), each package's marker with `extras`/`dependency_groups`, no name
// twice, a wheel chosen by tag priority (else the sdist, built later through the build seam), a
// sha256 for the chosen file. The result is a dist::Resolution the installer takes as it takes
// a resolver's.
#pragma once
#include <filesystem>
#include <functional>
#include <set>
#include <map>
#include <string>
#include <vector>

#include "ptinstall/dist/resolution.hpp"
#include "ptinstall/lock/pylock.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/spec/variant.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::lock {

struct LockTarget {
  spec::MarkerEnvironment markers;            // the target's (extras/dependency_groups are set here)
  const spec::SupportedTags* tags = nullptr;  // the target's wheel tags, ranked
  spec::Version python;                       // the target's full Python version
  std::vector<std::string> extras, groups;    // asked for (--extra/--all-extras, --group)
  bool all_extras = false;
  // PEP 825: a package with [packages.variants-json] installs the wheel of the label ranked first for
  // this machine (spec::order_variants under PEP 850's provider order), not a fixed one. `native`
  // runs the detection, only when the lock has variant metadata; `user` is --variant-properties,
  // `label` --variant-label. `family` (the PyTorch packages of the system:cuda rule) take the best
  // build (CUDA lower bound, ROCm version) every one of them has, as the resolver does.
  std::function<spec::SupportedProperties()> variant_native;
  spec::SupportedProperties variant_user;
  std::string variant_label;
  std::set<std::string, std::less<>> variant_family;
};

struct LockInstall {
  dist::Resolution resolution;
  // "sha256:<hex>" of each chosen file, by normalised name: checked when the file is prepared (for a
  // wheel built from a locked sdist, the sdist's hash is checked when it is downloaded instead).
  std::map<std::string, std::vector<std::string>> required_hashes;
  // Packages whose version the lock does not give (source trees, repositories, archives): their
  // ResolvedDist has no version yet; the caller reads it from their metadata (ops::read_lock).
  std::vector<std::string> versionless;
};

// `path` names the lock in messages and anchors relative `path` entries. Throws util::Error naming
// the file and the package.
LockInstall lock_install(const Pylock& lock, const std::string& path, const LockTarget& target);

}  // namespace ptinstall::lock
