#include "ptinstall/torch/installed_builds.hpp"

#include <algorithm>
#include <set>

#include "ptinstall/spec/version.hpp"
#include "ptinstall/torch/routing.hpp"

namespace ptinstall::torch {

const Backend* backend_of_version(std::string_view version) {
  auto v = spec::Version::parse(version);
  if (!v || !v->has_local()) return nullptr;
  return find_backend(v->local());
}

std::vector<const Backend*> selected_backends(const IndexPlan& plan) {
  std::vector<const Backend*> out;
  for (const auto& e : plan.indexes) out.push_back(e.backend);
  if (out.size() > 1 && out.back()->family == Family::Cpu) out.pop_back();
  return out;
}

std::vector<InstalledBuild> builds_not_selected(const std::vector<InstalledBuild>& installed,
                                                const std::vector<const Backend*>& selected) {
  std::vector<InstalledBuild> out;
  for (const auto& b : installed) {
    if (!is_routed(b.name)) continue;
    const Backend* have = backend_of_version(b.version);
    if (!have) continue;
    if (std::none_of(selected.begin(), selected.end(), [&](const Backend* s) { return *s == *have; }))
      out.push_back(b);
  }
  return out;
}

std::vector<InstalledBuild> mixed_family(const std::vector<InstalledBuild>& installed) {
  std::vector<InstalledBuild> members;
  std::set<std::string_view> labels;
  for (const auto& b : installed) {
    if (!needs_cuda_consistency(b.name)) continue;
    const Backend* have = backend_of_version(b.version);
    if (!have) continue;
    members.push_back(b);
    labels.insert(have->name);
  }
  if (labels.size() < 2) return {};
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return members;
}

std::string describe_mixed_family(const std::vector<InstalledBuild>& mixed) {
  if (mixed.empty()) return {};
  // The reference: torch when it is among them, else the first.
  auto ref = std::find_if(mixed.begin(), mixed.end(), [](const auto& b) { return b.name == "torch"; });
  if (ref == mixed.end()) ref = mixed.begin();
  const Backend* ref_backend = backend_of_version(ref->version);
  std::string others;
  for (const auto& b : mixed) {
    if (backend_of_version(b.version) == ref_backend) continue;
    others += (others.empty() ? "" : ", ") + b.name + " " + b.version;
  }
  return others + " beside " + ref->name + " " + ref->version;
}

}  // namespace ptinstall::torch
