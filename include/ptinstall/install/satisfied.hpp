// Whether an environment already satisfies a set of requirements, without asking any index: the
// no-op fast path of `pip install` (uv does the same before resolving). Every applicable
// requirement must be met by the installed distribution of its name, and so must the requirements
// of those distributions (with the extras asked of them), recursively, and every applicable
// constraint. Anything the check cannot judge from the environment alone (a `name @ url`
// requirement, two installed copies of one project, unreadable metadata) counts as not satisfied,
// and the caller resolves as usual.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/requirement.hpp"

namespace ptinstall::install {

struct SatisfactionCheck {
  bool satisfied = false;
  // When satisfied: the installed distributions the requirements reach, sorted by normalised name.
  std::vector<const InstalledDist*> closure;
  // When not: why, for the debug log ("flask is not installed", "numpy 1.26.4 does not match >=2").
  std::string reason;
};

// `installed`: scan_installed() of the environment. `no_deps`: only the requirements themselves.
SatisfactionCheck check_satisfied(const std::vector<spec::Requirement>& requirements,
                                  const std::vector<spec::Requirement>& constraints,
                                  const std::vector<InstalledDist>& installed, const spec::MarkerEnvironment& markers,
                                  bool no_deps);

}  // namespace ptinstall::install
