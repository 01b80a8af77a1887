#include "ptinstall/install/plan.hpp"

#include <algorithm>
#include <map>

#include "ptinstall/spec/direct_url.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::install {

std::string_view to_string(PlanAction action) {
  switch (action) {
    case PlanAction::Unchanged: return "unchanged";
    case PlanAction::Install: return "install";
    case PlanAction::Upgrade: return "upgrade";
    case PlanAction::Downgrade: return "downgrade";
    case PlanAction::Reinstall: return "reinstall";
  }
  return "install";
}

std::vector<InstalledDist> Plan::removals() const {
  std::vector<InstalledDist> out;
  for (const auto& c : changes) out.insert(out.end(), c.replaces.begin(), c.replaces.end());
  out.insert(out.end(), extraneous.begin(), extraneous.end());
  return out;
}

std::optional<std::string> installed_direct_url(const InstalledDist& dist) {
  if (dist.egg_info) return std::nullopt;
  auto text = util::try_read_file(dist.metadata_dir / "direct_url.json");
  if (!text) return std::nullopt;
  try {
    return spec::DirectUrl::from_json(*text).identity();
  } catch (const util::Error& e) {
    util::log::debug("ignoring the direct_url.json of " + dist.name + ": " + e.what());
    return std::nullopt;
  }
}

Plan make_plan(const std::vector<WantedPackage>& wanted, const std::vector<InstalledDist>& installed,
               const PlanOptions& options) {
  std::map<std::string, std::vector<InstalledDist>> by_name;
  for (const auto& d : installed) by_name[d.normalized].push_back(d);

  Plan plan;
  std::set<std::string> named;
  for (const auto& w : wanted) {
    named.insert(w.name);
    PlanItem item;
    item.wanted = w;
    auto it = by_name.find(w.name);
    if (it == by_name.end() || it->second.empty()) {
      item.action = PlanAction::Install;
      plan.changes.push_back(std::move(item));
      continue;
    }
    item.replaces = it->second;
    const bool forced = options.reinstall || options.reinstall_packages.count(w.name);
    std::optional<spec::Version> have;
    if (it->second.size() == 1) have = spec::Version::parse(it->second.front().version);
    if (!have) {
      // Several copies, or a version that is no PEP 440 version: replace whatever is there.
      item.action = PlanAction::Reinstall;
    } else if (*have == w.version && have->local() == w.version.local()) {
      bool url_differs = false;
      if (w.direct_url) {
        auto recorded = installed_direct_url(it->second.front());
        url_differs = !recorded || *recorded != *w.direct_url;
      }
      if (forced || url_differs) {
        item.action = PlanAction::Reinstall;
      } else {
        item.action = PlanAction::Unchanged;
        item.replaces.clear();
        plan.unchanged.push_back(std::move(item));
        continue;
      }
    } else {
      item.action = *have < w.version ? PlanAction::Upgrade : PlanAction::Downgrade;
      if (*have == w.version) item.action = PlanAction::Reinstall;  // same public version, other local label
    }
    plan.changes.push_back(std::move(item));
  }
  if (options.remove_extraneous) {
    for (const auto& [name, dists] : by_name) {
      if (named.count(name) || options.keep_extraneous.count(name)) continue;
      plan.extraneous.insert(plan.extraneous.end(), dists.begin(), dists.end());
    }
  }
  auto by = [](const PlanItem& a, const PlanItem& b) { return a.wanted.name < b.wanted.name; };
  std::sort(plan.unchanged.begin(), plan.unchanged.end(), by);
  std::sort(plan.changes.begin(), plan.changes.end(), by);
  std::sort(plan.extraneous.begin(), plan.extraneous.end(),
            [](const InstalledDist& a, const InstalledDist& b) { return a.normalized < b.normalized; });
  return plan;
}

}  // namespace ptinstall::install
