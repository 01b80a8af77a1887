// `ptinstall pip tree` (uv's command): the installed distributions as trees of their dependencies, drawn
// as uv draws them. Works on already scanned distributions and returns text, like inspect.hpp.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/spec/marker.hpp"

namespace ptinstall::install {

struct TreeOptions {
  std::optional<int> depth;             // --depth N: levels below the roots (0: the roots only)
  std::vector<std::string> prune;       // --prune NAME: left out, with everything only under it
  std::vector<std::string> packages;    // --package NAME: the roots (default: what nothing requires)
  bool invert = false;                  // --invert: who requires each package (roots: what requires nothing)
  bool show_version_specifiers = false; // [required: >=1.0] (inverted: [requires: name>=1.0])
  bool no_dedupe = false;               // repeat subtrees already shown instead of marking them (*)
};

struct TreeResult {
  std::string text;
  std::vector<std::string> warnings;  // unreadable metadata
};

// uv's layout: a root per line (`name vVERSION`), children under `├── `/`└── ` with `│   ` or four
// spaces of indent; a package whose subtree was already shown is marked ` (*)` (and a cycle too), with
// "(*) Package tree already displayed" at the end when any was. Requirements apply with extra == ""
// in `env`; requirements on packages that are not installed are left out.
TreeResult format_tree(const std::vector<InstalledDist>& dists, const spec::MarkerEnvironment& env,
                       const TreeOptions& options = {});

}  // namespace ptinstall::install
