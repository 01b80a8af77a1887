// `ptinstall pip check`: missing and incompatible dependencies of the installed distributions, as
// pip reports them (also wheels whose tags this interpreter does not support), plus Requires-Python mismatches (as uv checks)
// and, beyond both, a mixed PyTorch family (torchvision +cu126 beside torch +cu128); exit code 1 when broken.
#include <cstdio>

#include "command.hpp"
#include "environment.hpp"
#include "ptinstall/install/inspect.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/torch/installed_builds.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::cli {

int run_pip_check(Invocation& inv) {
  python::Environment env = target_environment(inv, false);
  auto dists = install::scan_visible(install::inspection_dirs(env));
  const auto& py = env.interpreter();
  auto tags = spec::SupportedTags::for_environment(py.tag_environment());
  auto result = install::check_packages(dists, py.marker_environment(), py.version, &tags);
  for (const auto& w : result.warnings) util::log::warn(w);
  std::string text;
  for (const auto& line : result.problems) text += line + "\n";
  // Builds of one PyTorch release for different backends load together and fail at the first
  // operator that crosses them (torchvision's CUDA kernels against another CUDA runtime).
  std::vector<torch::InstalledBuild> builds;
  for (const auto& d : dists) builds.push_back({d.normalized, d.version});
  auto mixed = torch::mixed_family(builds);
  if (!mixed.empty())
    text += torch::describe_mixed_family(mixed) +
            ": a mixed PyTorch family (builds for different backends); reinstall them from one backend\n";
  const bool ok = result.ok() && mixed.empty();
  if (ok) text += "No broken requirements found.\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  return ok ? 0 : 1;
}

}  // namespace ptinstall::cli
