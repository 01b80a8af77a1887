#include "ptinstall/ops/fast_path.hpp"

#include "ptinstall/config/index_config.hpp"
#include "ptinstall/install/satisfied.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/ops/torch_builds.hpp"
#include "ptinstall/torch/routing.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::ops {

// Only where the answer cannot differ from a resolution's: not for upgrades, reinstalls, hash
// checking, overrides, another target than the interpreter, or packages with [tool.uv.sources].
// Packages routed by --torch-backend are kept as installed, as uv keeps them: an installed torch
// satisfies `torch` whatever its build. When the build is not the one the backend selects (+cpu
// where `auto` finds a GPU, torchvision +cu126 beside torch +cu128), one warning says so with the
// command that switches it. Detection for that reads files only (no nvidia-smi for the compute
// capability; the one remembered this boot, if any), so the no-op stays a few milliseconds.
std::optional<std::size_t> already_satisfied(const PipOptions& options, const ResolveInputs& in, const Target& target,
                                             const std::vector<install::InstalledDist>& installed, bool no_deps,
                                             const std::filesystem::path& capability_cache) {
  if (options.may_change_installed() || in.file.require_hashes || !in.hashes.empty() || !in.overrides.empty())
    return std::nullopt;
  auto check = install::check_satisfied(in.requirements, in.constraints, installed, target.markers, no_deps);
  if (!check.satisfied) {
    util::log::debug("resolving: " + check.reason);
    return std::nullopt;
  }
  const config::IndexConfig cfg = index_config_for(options, in, target);
  bool routed = false;
  for (const auto* d : check.closure) {
    if (cfg.decisions.count(d->normalized) || cfg.options.pins.count(d->normalized)) {
      util::log::debug("resolving: " + d->normalized + " has a source of its own");
      return std::nullopt;
    }
    routed = routed || torch::is_routed(d->normalized);
  }
  if (options.torch_backend && routed) {
    if (cfg.options.no_index)
      throw util::Error(util::ErrorKind::Usage, "--torch-backend cannot be used with --no-index", "drop one of them");
    TorchRouting routing = torch_routing(*options.settings, target, Detect::KindOnly, capability_cache);
    if (auto w = installed_build_warning(routing, routed_builds(installed))) util::log::warn(*w);
  }
  return check.closure.size();
}

}  // namespace ptinstall::ops
