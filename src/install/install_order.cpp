#include "ptinstall/install/install_order.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <set>
#include <utility>

namespace ptinstall::install {

std::vector<std::string> installation_order(const std::map<std::string, std::vector<std::string>>& dependencies,
                                            const std::vector<std::string>& requested,
                                            const std::vector<std::string>& to_install) {
  // Node 0 is the root; the others are numbered in name order.
  std::vector<std::string> names{""};
  std::map<std::string, std::size_t> index;
  for (const auto& [name, deps] : dependencies) {
    index[name] = names.size();
    names.push_back(name);
  }
  const std::size_t n = names.size();
  std::vector<std::vector<std::size_t>> children(n);
  auto add_children = [&](std::size_t from, const std::vector<std::string>& to) {
    for (const auto& c : to)
      if (auto it = index.find(c); it != index.end() &&
                                   std::find(children[from].begin(), children[from].end(), it->second) == children[from].end())
        children[from].push_back(it->second);
  };
  add_children(0, requested);
  for (const auto& [name, deps] : dependencies) add_children(index.at(name), deps);

  const std::set<std::string> wanted(to_install.begin(), to_install.end());
  std::vector<bool> is_wanted(n, false), alive(n, true);
  for (std::size_t i = 1; i < n; ++i) is_wanted[i] = wanted.count(names[i]) > 0;
  std::vector<long> weight(n, 0);

  // Leaves first, round after round, each round weighing the nodes left (the root not counted).
  std::size_t left = n;
  while (true) {
    std::vector<std::size_t> leaves;
    for (std::size_t i = 1; i < n; ++i) {
      if (!alive[i]) continue;
      bool has_child = std::any_of(children[i].begin(), children[i].end(), [&](std::size_t c) { return alive[c]; });
      if (!has_child) leaves.push_back(i);
    }
    if (leaves.empty()) break;
    for (auto l : leaves) {
      if (is_wanted[l]) weight[l] = static_cast<long>(left) - 1;
      alive[l] = false;
    }
    left -= leaves.size();
  }

  // What is left (every node of it reaches a cycle): the longest path from the root that visits no
  // node twice, a cycle cut where it closes. The walk is exponential on densely connected graphs, so
  // as in current pip a package to install is walked through at most five times: its weight is the
  // longest of the paths seen by then (which ones depends on the order of the children, as in pip).
  constexpr int kMaxWalks = 5;
  std::vector<bool> on_path(n, false);
  std::vector<int> walks(n, 0);
  long depth = 0;
  std::function<void(std::size_t)> visit = [&](std::size_t node) {
    if (on_path[node] || walks[node] >= kMaxWalks) return;
    on_path[node] = true;
    ++depth;
    for (auto c : children[node])
      if (alive[c]) visit(c);
    on_path[node] = false;
    --depth;
    if (!is_wanted[node]) return;
    ++walks[node];
    weight[node] = std::max(weight[node], depth);
  };
  visit(0);

  std::vector<std::pair<long, std::string>> keyed;
  for (const auto& name : to_install) {
    auto it = index.find(name);
    keyed.emplace_back(it == index.end() ? 0 : weight[it->second], name);
  }
  std::sort(keyed.begin(), keyed.end(), std::greater<>());
  std::vector<std::string> out;
  for (auto& [w, name] : keyed) out.push_back(std::move(name));
  return out;
}

}  // namespace ptinstall::install
