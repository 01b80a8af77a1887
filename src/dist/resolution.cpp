#include "ptinstall/dist/resolution.hpp"

#include <algorithm>

namespace ptinstall::dist {

const ResolvedDist* Resolution::find(const std::string& name) const {
  auto it = std::lower_bound(packages.begin(), packages.end(), name,
                             [](const ResolvedDist& p, const std::string& n) { return p.name() < n; });
  if (it != packages.end() && it->name() == name) return &*it;
  // Callers may build a resolution unsorted (wheel files given directly): fall back to a scan.
  for (const auto& p : packages)
    if (p.name() == name) return &p;
  return nullptr;
}

std::map<std::string, std::vector<std::string>> Resolution::install_graph() const {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [node, deps] : graph)
    if (node.rfind("system:", 0) != 0) out[node] = deps;
  return out;
}

}  // namespace ptinstall::dist
