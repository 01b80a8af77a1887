#include "ptinstall/ops/torch_builds.hpp"

#include <algorithm>

#include "ptinstall/spec/version.hpp"
#include "ptinstall/torch/driver_tables.hpp"
#include "ptinstall/torch/routing.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::ops {
namespace {

// "cu129, cu128 and 23 more": the first two of a long list.
std::string describe_selection(const std::vector<const torch::Backend*>& selected) {
  std::vector<std::string> names;
  for (const auto* b : selected) names.emplace_back(b->name);
  if (names.size() <= 3) return util::join(names, ", ");
  return names[0] + ", " + names[1] + " and " + std::to_string(names.size() - 2) + " more";
}

// How the user gave the backend, as they would type it again.
std::string backend_flag(const TorchRouting& r) {
  if (r.origin == "--torch-backend" || r.origin.rfind("`torch-backend`", 0) == 0) return "--torch-backend=" + r.backend;
  return r.origin + "=" + r.backend;  // UV_TORCH_BACKEND=auto
}

// An installed torch whose build has no kernels for the GPU (only when the compute capability is
// known: from PTINSTALL_CUDA_COMPUTE_CAPABILITY in the no-op, from nvidia-smi when resolving).
std::optional<std::string> torch_without_kernels(const TorchRouting& r, const std::vector<torch::InstalledBuild>& builds) {
  if (!r.compute_capability) return std::nullopt;
  for (const auto& b : builds) {
    if (b.name != "torch") continue;
    const torch::Backend* backend = torch::backend_of_version(b.version);
    auto v = spec::Version::parse(b.version);
    if (!backend || !v || backend->family != torch::Family::Cuda) continue;
    if (auto why = torch::build_lacks_kernels(*backend, *v, r.machine, *r.compute_capability))
      return "torch " + b.version + " has no kernels for this GPU: " + *why;
  }
  return std::nullopt;
}

}  // namespace

std::vector<torch::InstalledBuild> routed_builds(const std::vector<install::InstalledDist>& installed) {
  std::vector<torch::InstalledBuild> out;
  for (const auto& d : installed)
    if (torch::is_routed(d.normalized)) out.push_back({d.normalized, d.version});
  return out;
}

std::set<std::string> builds_to_switch(const TorchRouting& routing, const std::vector<torch::InstalledBuild>& builds) {
  std::set<std::string> out;
  if (!routing.active) return out;
  for (const auto& b : torch::builds_not_selected(builds, routing.selected)) out.insert(b.name);
  if (torch_without_kernels(routing, builds)) out.insert("torch");
  auto mixed = torch::mixed_family(builds);
  if (mixed.empty()) return out;
  auto torch_it = std::find_if(mixed.begin(), mixed.end(), [](const auto& b) { return b.name == "torch"; });
  if (torch_it != mixed.end()) {
    // torch sets the reference: when it stays, the members that differ from it switch; when it
    // switches itself, the members off the selection are already in the set.
    if (!out.count("torch")) {
      const torch::Backend* ref = torch::backend_of_version(torch_it->version);
      for (const auto& b : mixed)
        if (torch::backend_of_version(b.version) != ref) out.insert(b.name);
    }
  } else if (std::none_of(mixed.begin(), mixed.end(), [&](const auto& b) { return out.count(b.name) > 0; })) {
    for (const auto& b : mixed) out.insert(b.name);  // no reference: let the resolver settle them all
  }
  return out;
}

std::optional<std::string> installed_build_warning(const TorchRouting& routing,
                                                   const std::vector<torch::InstalledBuild>& builds) {
  if (!routing.active) return std::nullopt;
  std::vector<std::string> parts;
  auto off = torch::builds_not_selected(builds, routing.selected);
  if (!off.empty()) {
    std::vector<std::string> shown;
    for (const auto& b : off) shown.push_back(b.name + " " + b.version);
    parts.push_back(util::join(shown, ", ") + (off.size() == 1 ? " is" : " are") + " installed, but " +
                    backend_flag(routing) + " selects " + describe_selection(routing.selected) +
                    (routing.accelerator ? " (" + routing.accelerator_summary() + ")" : std::string()));
  }
  if (auto lacks = torch_without_kernels(routing, builds)) parts.push_back(*lacks);
  auto mixed = torch::mixed_family(builds);
  if (!mixed.empty()) parts.push_back(torch::describe_mixed_family(mixed) + " (a mixed PyTorch family)");
  if (parts.empty()) return std::nullopt;
  auto names = builds_to_switch(routing, builds);
  std::string cmd = "ptinstall pip install " + backend_flag(routing);
  if (routing.origin != "--torch-backend" && routing.origin.rfind("`torch-backend`", 0) != 0)
    cmd = backend_flag(routing) + " ptinstall pip install";
  for (const auto& n : names) cmd += " --reinstall-package " + n;
  for (const auto& n : names) cmd += " " + n;
  return util::join(parts, "; ") + "; to switch: " + cmd;
}

}  // namespace ptinstall::ops
