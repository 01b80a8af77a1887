#include "ptinstall/install/satisfied.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "ptinstall/install/installed_metadata.hpp"
#include "ptinstall/spec/version.hpp"
#include "ptinstall/util/error.hpp"

namespace ptinstall::install {

SatisfactionCheck check_satisfied(const std::vector<spec::Requirement>& requirements,
                                  const std::vector<spec::Requirement>& constraints,
                                  const std::vector<InstalledDist>& installed, const spec::MarkerEnvironment& markers,
                                  bool no_deps) {
  SatisfactionCheck out;
  auto fail = [&](std::string why) {
    out.reason = std::move(why);
    out.closure.clear();
    return out;
  };

  std::map<std::string, std::vector<const InstalledDist*>> by_name;
  for (const auto& d : installed) by_name[d.normalized].push_back(&d);
  std::map<std::string, std::vector<const spec::Requirement*>> constraints_of;
  for (const auto& c : constraints)
    if (c.applies(markers)) constraints_of[c.package.str()].push_back(&c);

  // Work list of (requirement, extras of the distribution that declared it). Each distribution is
  // expanded once per extra, so a cycle or a diamond ends.
  struct Visit {
    const InstalledDist* dist;
    spec::Version version;
  };
  std::map<std::string, Visit> visited;                 // normalised name -> its distribution
  std::set<std::pair<std::string, std::string>> expanded;  // (name, extra or "")
  std::vector<spec::Requirement> pending;
  for (const auto& r : requirements)
    if (r.applies(markers)) pending.push_back(r);

  while (!pending.empty()) {
    spec::Requirement req = std::move(pending.back());
    pending.pop_back();
    const std::string& name = req.package.str();
    if (req.url) return fail(name + " is requested by URL");

    auto it = visited.find(name);
    if (it == visited.end()) {
      auto found = by_name.find(name);
      if (found == by_name.end()) return fail(name + " is not installed");
      if (found->second.size() > 1) return fail(name + " is installed more than once");
      const InstalledDist* dist = found->second.front();
      auto version = spec::Version::parse(dist->version);
      if (!version) return fail(name + " has the invalid version " + dist->version);
      if (auto cs = constraints_of.find(name); cs != constraints_of.end()) {
        for (const auto* c : cs->second) {
          if (c->url) return fail(name + " is constrained to a URL");
          if (!c->specifier.contains(*version, true))
            return fail(name + " " + dist->version + " does not match the constraint " + c->to_string());
        }
      }
      it = visited.emplace(name, Visit{dist, *version}).first;
    }
    // Installed pre-releases count, as in pip: the user or a resolution put them there.
    if (!req.specifier.contains(it->second.version, true))
      return fail(name + " " + it->second.dist->version + " does not match " + req.to_string());
    if (no_deps) continue;

    // The distribution's own requirements, once without extras and once per requested extra.
    std::vector<std::string> extras = req.extras;
    extras.insert(extras.begin(), std::string());
    std::optional<spec::CoreMetadata> metadata;
    for (const auto& extra : extras) {
      if (!expanded.insert({name, extra}).second) continue;
      if (!metadata) {
        try {
          metadata = read_metadata(*it->second.dist);
        } catch (const util::Error& e) {
          return fail("cannot read the metadata of " + name + ": " + e.what());
        }
      }
      std::vector<std::string> active;
      if (!extra.empty()) active.push_back(extra);
      for (const auto& raw : metadata->requires_dist) {
        try {
          auto dep = spec::Requirement::parse(raw);
          // Requirements of an extra are those whose marker needs it: skip the ones the base
          // expansion already took.
          if (!dep.applies(markers, active)) continue;
          if (!extra.empty() && dep.applies(markers)) continue;
          pending.push_back(std::move(dep));
        } catch (const util::Error& e) {
          return fail("cannot read the requirement `" + raw + "` of " + name + ": " + e.what());
        }
      }
    }
  }
  out.satisfied = true;
  for (const auto& [name, v] : visited) out.closure.push_back(v.dist);
  return out;
}

}  // namespace ptinstall::install
