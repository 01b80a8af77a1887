#include "strict_check.hpp"

#include "ptinstall/install/inspect.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/torch/installed_builds.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::cli {

EnvironmentCheck check_environment(const std::vector<install::InstalledDist>& dists, const python::InterpreterInfo& py) {
  auto tags = spec::SupportedTags::for_environment(py.tag_environment());
  auto result = install::check_packages(dists, py.marker_environment(), py.version, &tags);
  EnvironmentCheck out{result.problems, result.warnings};
  // Builds of one PyTorch release for different backends load together and fail at the first
  // operator that crosses them (torchvision's CUDA kernels against another CUDA runtime).
  std::vector<torch::InstalledBuild> builds;
  for (const auto& d : dists) builds.push_back({d.normalized, d.version});
  auto mixed = torch::mixed_family(builds);
  if (!mixed.empty())
    out.problems.push_back(torch::describe_mixed_family(mixed) +
                           ": a mixed PyTorch family (builds for different backends); reinstall them from one backend");
  return out;
}

void warn_if_strict(const Invocation& inv, const python::Environment& env, const std::vector<install::InstalledDist>& dists) {
  if (!inv.settings.flag("strict") || inv.settings.flag("dry-run")) return;
  EnvironmentCheck check = check_environment(dists, env.interpreter());
  for (const auto& w : check.warnings) util::log::warn(w);
  for (const auto& p : check.problems) util::log::warn(p);
}

void warn_if_strict(const Invocation& inv, const python::Environment& env) {
  if (!inv.settings.flag("strict") || inv.settings.flag("dry-run")) return;
  warn_if_strict(inv, env, install::scan_visible(install::inspection_dirs(env)));
}

}  // namespace ptinstall::cli
