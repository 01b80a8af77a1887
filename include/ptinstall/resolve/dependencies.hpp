// From PEP 508 requirements to solver dependencies: markers evaluated against the target
// environment, extras turned into virtual `name[extra]` packages.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/resolve/provider.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::resolve {

// The requirements whose marker holds in `env` with `extras` requested, as dependencies: `name` with
// the requirement's range, then `name[extra]` with the same range for each extra it asks for. A URL
// requirement allows any version (the provider answers the one version its URL has). Names are
// normalised; a name listed twice gets the intersection of its ranges.
DependencyList requirements_to_dependencies(const std::vector<spec::Requirement>& requirements,
                                            const spec::MarkerEnvironment& env,
                                            const std::vector<std::string>& extras = {});

// The dependencies of `package` at `version` from that version's Requires-Dist:
// - `name`: the requirements that hold with no extra requested;
// - `name[extra]`: `name` at exactly `version`, then the requirements that `extra` turns on (those that
//   hold with the extra and not without it).
// A requirement of the package on itself (`name[a]` asking for `name[b]`) keeps only the extras.
DependencyList package_dependencies(std::string_view package, const spec::Version& version,
                                    const std::vector<spec::Requirement>& requires_dist,
                                    const spec::MarkerEnvironment& env);

// The answer for a version whose Requires-Python excludes the target Python: unavailable, with the
// reason "requires Python <spec>" and a hint naming the target version.
Dependencies requires_python_unavailable(const spec::SpecifierSet& requires_python, const spec::Version& python);

}  // namespace ptinstall::resolve
