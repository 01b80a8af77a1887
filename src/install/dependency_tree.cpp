#include "ptinstall/install/dependency_tree.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "ptinstall/install/installed_metadata.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/util/error.hpp"

namespace ptinstall::install {
namespace {

struct Edge {
  std::string to;         // normalized name
  std::string specifier;  // "" for any version
  std::string requirement;  // the requirement as written by `from` (for --invert's [requires: ...])
};

struct Graph {
  std::map<std::string, std::string> display;  // normalized -> "name vVERSION"
  std::map<std::string, std::vector<Edge>> out;
  std::map<std::string, int> incoming;
};

std::string normalized(std::string_view name) {
  try {
    return spec::PackageName::parse(name).str();
  } catch (const util::Error&) {
    return std::string(name);
  }
}

class Printer {
 public:
  Printer(const Graph& g, const TreeOptions& o, std::set<std::string> pruned) : g_(g), o_(o), pruned_(std::move(pruned)) {}

  void root(const std::string& name) {
    std::vector<std::string> path;
    node(name, "", "", "", 0, path);
  }
  bool deduped() const { return deduped_; }
  std::string text;

 private:
  void node(const std::string& name, const std::string& lead, const std::string& branch, const std::string& label,
            int depth, std::vector<std::string>& path) {
    auto it = g_.display.find(name);
    std::string line = lead + branch + (it == g_.display.end() ? name : it->second) + label;
    bool cycle = std::find(path.begin(), path.end(), name) != path.end();
    auto edges = g_.out.find(name);
    bool has_children = edges != g_.out.end() && !edges->second.empty();
    if (cycle || (!o_.no_dedupe && shown_.count(name) && has_children)) {
      text += line + " (*)\n";
      deduped_ = true;
      return;
    }
    text += line + "\n";
    shown_.insert(name);
    if (!has_children || (o_.depth && depth >= *o_.depth)) return;
    std::vector<const Edge*> kids;
    for (const auto& e : edges->second)
      if (!pruned_.count(e.to)) kids.push_back(&e);
    std::string child_lead = lead + (branch.empty() ? "" : branch == "├── " ? "│   " : "    ");
    path.push_back(name);
    for (std::size_t i = 0; i < kids.size(); ++i) {
      std::string lbl;
      if (o_.show_version_specifiers)
        lbl = o_.invert ? " [requires: " + kids[i]->requirement + "]"
                        : " [required: " + (kids[i]->specifier.empty() ? std::string("*") : kids[i]->specifier) + "]";
      node(kids[i]->to, child_lead, i + 1 == kids.size() ? "└── " : "├── ", lbl, depth + 1, path);
    }
    path.pop_back();
  }

  const Graph& g_;
  const TreeOptions& o_;
  std::set<std::string> pruned_;
  std::set<std::string> shown_;
  bool deduped_ = false;
};

}  // namespace

TreeResult format_tree(const std::vector<InstalledDist>& dists, const spec::MarkerEnvironment& env,
                       const TreeOptions& options) {
  TreeResult result;
  Graph g;
  std::map<std::string, std::vector<spec::Requirement>> reqs;
  for (const auto& d : dists) {
    g.display[d.normalized] = d.name + " v" + display_version(d.version);
    g.incoming[d.normalized];
    try {
      reqs[d.normalized] = active_requirements(read_metadata(d), env);
    } catch (const util::Error& e) {
      result.warnings.push_back("error parsing requirements for " + d.normalized + ": " + e.what());
    }
  }
  for (const auto& [from, list] : reqs) {
    std::set<std::string> seen;
    for (const auto& r : list) {
      std::string to = r.package.str();
      if (!g.display.count(to) || !seen.insert(to).second) continue;
      Edge e{to, r.specifier.to_string(), r.to_string()};
      if (options.invert) {
        // Reversed: the edge goes from the dependency to the package requiring it.
        g.out[to].push_back(Edge{from, e.specifier, e.requirement});
        g.incoming[from]++;
      } else {
        g.out[from].push_back(e);
        g.incoming[to]++;
      }
    }
  }
  for (auto& [_, edges] : g.out)
    std::stable_sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.to < b.to; });

  std::set<std::string> pruned;
  for (const auto& p : options.prune) pruned.insert(normalized(p));
  std::vector<std::string> roots;
  if (!options.packages.empty()) {
    for (const auto& p : options.packages) {
      std::string n = normalized(p);
      if (g.display.count(n) && !pruned.count(n) && std::find(roots.begin(), roots.end(), n) == roots.end())
        roots.push_back(n);
    }
  } else {
    for (const auto& [name, count] : g.incoming)
      if (count == 0) roots.push_back(name);
    // Packages only in cycles have no root above them: each unreached one becomes a root, by name.
    // (Reachability ignores --prune, so what only a pruned package requires stays out.)
    std::set<std::string> reached(roots.begin(), roots.end());
    std::vector<std::string> todo(roots.begin(), roots.end());
    auto walk = [&] {
      while (!todo.empty()) {
        std::string n = todo.back();
        todo.pop_back();
        if (auto it = g.out.find(n); it != g.out.end())
          for (const auto& e : it->second)
            if (reached.insert(e.to).second) todo.push_back(e.to);
      }
    };
    walk();
    for (const auto& [name, _] : g.display) {
      if (reached.count(name)) continue;
      roots.push_back(name);
      reached.insert(name);
      todo.push_back(name);
      walk();
    }
    std::erase_if(roots, [&](const std::string& r) { return pruned.count(r) > 0; });
  }
  Printer printer(g, options, pruned);
  for (const auto& r : roots) printer.root(r);
  result.text = printer.text;
  if (printer.deduped()) result.text += "(*) Package tree already displayed\n";
  return result;
}

}  // namespace ptinstall::install
