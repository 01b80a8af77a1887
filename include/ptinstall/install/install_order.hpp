// The order in which pip installs the packages of one resolution (its resolver's
// get_installation_order), which decides which wheel keeps a path that several wheels ship: the one
// installed last. ptinstall installs in parallel and gives each wheel its position in this order.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace ptinstall::install {

// `dependencies`: every node of the resolved dependency graph (all resolved packages, installed or
// not, and the virtual `name[extra]` packages) -> the nodes it depends on; children that are not
// nodes themselves are ignored. `requested`: the nodes the user's requirements name (the root's
// children). `to_install`: the normalised names to order.
//
// pip's weights (get_topological_weights, pip 22.3 and later): leaves of the graph are pruned round
// after round, the packages pruned in a round weighing the number of nodes left before it (the root
// not counted), so a package without dependencies weighs most; the rest (cycles and what depends on
// them) weighs the length of the longest path from the root to it that visits no node twice, each
// package walked through at most five times (current pip's bound on the search). Packages are
// installed by (weight, name) descending: the last one installed has the lowest weight, the
// smallest name among equals. Returns `to_install` in that order.
std::vector<std::string> installation_order(const std::map<std::string, std::vector<std::string>>& dependencies,
                                            const std::vector<std::string>& requested,
                                            const std::vector<std::string>& to_install);

}  // namespace ptinstall::install
