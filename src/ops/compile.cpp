#include "ptinstall/ops/compile.hpp"

#include <filesystem>
#include <deque>
#include <map>
#include <set>

#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

#include "ptinstall/index/index_set.hpp"
#include "ptinstall/resolve/solver.hpp"

namespace ptinstall::ops {

std::vector<install::InstalledDist> previous_pins(const std::string& output_file) {
  std::vector<install::InstalledDist> out;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(output_file, ec)) return out;
  try {
    config::RequirementsFile previous;
    config::read_requirements_file(output_file, previous);
    for (const auto& line : previous.requirements) {
      if (!line.requirement || line.requirement->specifier.specifiers().size() != 1) continue;
      const auto& spec0 = line.requirement->specifier.specifiers().front();
      if (spec0.op() != spec::Operator::Equal || spec0.is_wildcard()) continue;
      install::InstalledDist d;
      d.name = line.requirement->name;
      d.normalized = line.requirement->package.str();
      d.version = spec0.version().to_string();
      out.push_back(std::move(d));
    }
  } catch (const util::Error& e) {
    util::log::warn("ignoring the pins of " + output_file + ": " + e.what());
    out.clear();
  }
  return out;
}

CompiledResolution compile_pins(const ResolveInputs& in, const dist::Resolution& resolution, bool hashes) {
  // Where each pin comes from: the files and projects that name it, then the packages that depend on it.
  std::map<std::string, std::vector<std::string>> via;
  auto base_of = [](const std::string& name) { return std::string(resolve::split_package(name).base); };
  for (std::size_t i = 0; i < in.requirements.size(); ++i)
    if (!in.requirement_origins[i].empty()) via[in.requirements[i].package.str()].push_back(in.requirement_origins[i]);
  for (std::size_t i = 0; i < in.constraints.size(); ++i)
    via[in.constraints[i].package.str()].push_back(in.constraint_origins[i]);
  for (std::size_t i = 0; i < in.overrides.size(); ++i)
    via[in.overrides[i].package.str()].push_back(in.override_origins[i]);
  for (const auto& [node, deps] : resolution.graph) {
    if (resolve::is_system_package(node)) continue;
    std::string parent = base_of(node);
    for (const auto& d : deps) {
      std::string child = base_of(d);
      if (child == parent || resolve::is_system_package(d)) continue;
      via[child].push_back(parent);
    }
  }

  // The extras each project was required with: its `name[extra]` nodes.
  std::map<std::string, std::vector<std::string>> extras;
  for (const auto& [node, deps] : resolution.graph) {
    auto parts = resolve::split_package(node);
    if (!parts.extra.empty() && !resolve::is_system_package(node))
      extras[std::string(parts.base)].emplace_back(parts.extra);
  }

  CompiledResolution out;
  for (const auto& p : resolution.packages) {
    install::CompiledPin pin;
    pin.name = p.name();
    pin.version = p.version.to_string();
    if (p.dist.is_direct()) pin.url = p.dist.pinned_url();
    pin.editable = p.dist.is_editable();
    if (auto it = via.find(p.name()); it != via.end()) pin.via = it->second;
    if (auto it = extras.find(p.name()); it != extras.end()) pin.extras = it->second;
    if (!p.dist.is_direct() && !p.dist.index_url().empty()) pin.index = p.dist.index_url();
    if (!p.routed_index.empty()) {
      pin.from_index = p.dist.index_url();
      out.routed_pages.push_back(index::IndexSet::project_url(p.dist.index_url(), p.name()));
    }
    if (hashes) {
      pin.hashes = p.all_hashes;
      if (p.unhashed_files > 0)
        out.missing_hashes.push_back(p.name() + "==" + pin.version + " (" + std::to_string(p.unhashed_files) +
                                     (p.unhashed_files == 1 ? " file" : " files") + ")");
    }
    out.pins.push_back(std::move(pin));
  }
  return out;
}

EmittedLocations emitted_locations(const config::IndexConfig& config) {
  EmittedLocations out;
  const auto& o = config.options;
  out.find_links = o.find_links;
  if (o.no_index) return out;
  std::set<std::string> seen;
  for (const auto& spec : o.indexes) {
    if (spec.is_default) out.index_url = spec.url;
    else if (!spec.explicit_only && seen.insert(spec.url).second) out.extra_index_urls.push_back(spec.url);
  }
  return out;
}

void requires_dist_markers(const dist::Resolution& resolution, std::vector<spec::Marker>& out) {
  for (const auto& d : resolution.packages) {
    if (d.metadata_raw.empty()) continue;
    try {
      for (const auto& text : spec::CoreMetadata::parse(d.metadata_raw).requires_dist)
        out.push_back(spec::Requirement::parse(text).marker);
    } catch (const util::Error&) {
      // A Requires-Dist the resolver could read was read; one it could not was an error there.
    }
  }
}

std::string marker_expression(const ResolveInputs& in, const dist::Resolution& resolution,
                              const spec::MarkerEnvironment& env) {
  // The variables every requirement in play compares (uv's order: version variables, then the
  // others by name; python_version is written as the full version it stands for).
  std::set<std::string> versions, strings;
  auto add = [&](const spec::Marker& marker) {
    for (const auto& c : marker.comparisons()) {
      const std::string& v = c.variable;
      if (v == "extra" || v == "extras" || v == "dependency_groups" || v.rfind("variant", 0) == 0) continue;
      if (v == "python_version" || v == "python_full_version") versions.insert("python_full_version");
      else if (v == "implementation_version") versions.insert(v);
      else strings.insert(v);
    }
  };
  for (const auto* list : {&in.requirements, &in.constraints, &in.overrides})
    for (const auto& r : *list) add(r.marker);
  std::vector<spec::Marker> pinned;
  requires_dist_markers(resolution, pinned);
  for (const auto& m : pinned) add(m);
  std::string out;
  auto term = [&](const std::string& key) {
    std::string value(env.get(key));
    out += (out.empty() ? "" : " and ") + key + " == '" + value + "'";
  };
  for (const auto& key : {"implementation_version", "python_full_version"})
    if (versions.count(key)) term(key);
  for (const auto& key : strings) term(key);
  return out;
}

std::map<std::string, std::string> pin_markers(const ResolveInputs& in, const dist::Resolution& resolution,
                                               const spec::MarkerEnvironment& env) {
  using spec::Marker;
  // Edges of the resolved graph, each with the marker under which it was followed: from the root, the
  // requirements' markers; from a package (or its `name[extra]` node), its Requires-Dist markers with
  // the extra decided. An edge whose requirement cannot be found (an override) counts as unconditional.
  const std::string root = "\x01root";
  std::map<std::string, std::vector<std::pair<std::string, Marker>>> edges;  // parent -> (child, marker)
  auto in_graph = [&](const std::string& node) { return resolution.graph.count(node) > 0; };
  for (const auto& r : in.requirements) {
    if (!r.marker.evaluate(env)) continue;
    Marker m = r.marker.decide_extras({}).value_or(Marker());
    if (in_graph(r.package.str())) edges[root].emplace_back(r.package.str(), m);
    for (const auto& e : r.extras)
      if (auto node = resolve::extra_package(r.package.str(), e); in_graph(node)) edges[root].emplace_back(node, m);
  }
  std::map<std::string, std::vector<spec::Requirement>> requires_dist;  // base name -> its Requires-Dist
  for (const auto& p : resolution.packages) {
    if (p.metadata_raw.empty()) continue;
    try {
      auto& list = requires_dist[p.name()];
      for (const auto& text : spec::CoreMetadata::parse(p.metadata_raw).requires_dist)
        list.push_back(spec::Requirement::parse(text));
    } catch (const util::Error&) {
      requires_dist.erase(p.name());
    }
  }
  for (const auto& [node, deps] : resolution.graph) {
    if (resolve::is_system_package(node)) continue;
    auto parts = resolve::split_package(node);
    const std::string base(parts.base);
    std::vector<std::string> extras;
    if (!parts.extra.empty()) extras.emplace_back(parts.extra);
    auto rd = requires_dist.find(base);
    for (const auto& dep : deps) {
      if (resolve::is_system_package(dep)) continue;
      auto dparts = resolve::split_package(dep);
      if (dparts.base == parts.base) {  // `name[extra]` -> `name`
        edges[node].emplace_back(dep, Marker());
        continue;
      }
      std::optional<Marker> marker;
      bool found = false;
      if (rd != requires_dist.end())
        for (const auto& r : rd->second) {
          if (r.package.str() != dparts.base) continue;
          if (!dparts.extra.empty() && std::find(r.extras.begin(), r.extras.end(), dparts.extra) == r.extras.end())
            continue;
          if (!r.marker.evaluate(env, extras)) continue;
          auto decided = r.marker.decide_extras(extras);
          if (!decided) continue;
          found = true;
          marker = marker ? Marker::disjunction(*marker, *decided) : *decided;
        }
      edges[node].emplace_back(dep, found ? *marker : Marker());
    }
  }
  // The edges that close a cycle are left out (a package reached again adds no new condition), then
  // markers flow from the root in topological order: a node's marker is the `or`, over its incoming
  // edges, of the parent's marker `and` the edge's.
  std::map<std::string, int> state;  // 1: on the DFS stack, 2: done
  std::set<std::pair<std::string, std::string>> back;
  std::vector<std::pair<std::string, std::size_t>> stack = {{root, 0}};
  state[root] = 1;
  while (!stack.empty()) {
    auto& [node, i] = stack.back();
    const auto& out = edges[node];
    if (i == out.size()) {
      state[node] = 2;
      stack.pop_back();
      continue;
    }
    const std::string& child = out[i++].first;
    int st = state[child];
    if (st == 1) back.emplace(node, child);
    else if (st == 0) {
      state[child] = 1;
      stack.emplace_back(child, 0);
    }
  }
  std::map<std::string, int> indegree;
  for (const auto& [parent, out] : edges)
    for (const auto& [child, m] : out)
      if (!back.count({parent, child})) ++indegree[child];
  std::map<std::string, std::vector<std::string>> terms;  // node -> distinct conditions it is reached under
  std::map<std::string, Marker> marker_of = {{root, Marker()}};
  std::deque<std::string> ready = {root};
  while (!ready.empty()) {
    std::string node = ready.front();
    ready.pop_front();
    for (const auto& [child, m] : edges[node]) {
      if (back.count({node, child})) continue;
      std::string term = Marker::conjunction(marker_of[node], m).to_string();
      auto& t = terms[child];
      if (std::find(t.begin(), t.end(), term) == t.end()) t.push_back(term);
      if (--indegree[child] == 0) {
        Marker combined;
        bool always = std::find(t.begin(), t.end(), std::string()) != t.end();
        if (!always)
          for (std::size_t k = 0; k < t.size(); ++k)
            combined = k == 0 ? Marker::parse(t[k]) : Marker::disjunction(combined, Marker::parse(t[k]));
        marker_of[child] = combined;
        ready.push_back(child);
      }
    }
  }
  std::map<std::string, std::string> out;
  for (const auto& p : resolution.packages)
    if (auto it = marker_of.find(p.name()); it != marker_of.end() && !it->second.is_always_true())
      out[p.name()] = it->second.to_string();
  return out;
}

}  // namespace ptinstall::ops
