#include "ptinstall/ops/fast_path.hpp"

#include "ptinstall/config/index_config.hpp"
#include "ptinstall/install/satisfied.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/torch/routing.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::ops {

// Only where the answer cannot differ from a resolution's: not for upgrades, reinstalls, hash
// checking, overrides, another target than the interpreter, packages with [tool.uv.sources], or
// (with --torch-backend) the packages routed to the PyTorch indexes, whose installed local version
// (+cpu, +cu126) may belong to another backend than the one asked for now.
std::optional<std::size_t> already_satisfied(const PipOptions& options, const ResolveInputs& in, const Target& target,
                                             const std::vector<install::InstalledDist>& installed, bool no_deps) {
  if (options.may_change_installed() || in.file.require_hashes || !in.hashes.empty() || !in.overrides.empty())
    return std::nullopt;
  auto check = install::check_satisfied(in.requirements, in.constraints, installed, target.markers, no_deps);
  if (!check.satisfied) {
    util::log::debug("resolving: " + check.reason);
    return std::nullopt;
  }
  const config::IndexConfig cfg = index_config_for(options, in, target);
  for (const auto* d : check.closure) {
    if (cfg.decisions.count(d->normalized) || cfg.options.pins.count(d->normalized)) {
      util::log::debug("resolving: " + d->normalized + " has a source of its own");
      return std::nullopt;
    }
    if (options.torch_backend && torch::is_routed(d->normalized)) {
      util::log::debug("resolving: " + d->normalized + " is routed by --torch-backend");
      return std::nullopt;
    }
  }
  return check.closure.size();
}

}  // namespace ptinstall::ops
