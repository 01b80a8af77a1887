// dist::Resolution in, a changed environment out: plan against what is installed, prepare every
// wheel in the cache (downloads, hash checks, wheels built from source through the build seam), then
// link everything into the environment in one transaction (all or nothing), optionally compile
// bytecode, and for `pip sync` remove what the resolution does not name.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ptinstall/dist/build_context.hpp"
#include "ptinstall/dist/resolution.hpp"
#include "ptinstall/install/plan.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/ops/inputs.hpp"
#include "ptinstall/ops/options.hpp"
#include "ptinstall/ops/services.hpp"
#include "ptinstall/python/environment.hpp"

namespace ptinstall::install {
class PrepareAhead;
}

namespace ptinstall::ops {

// The plan of a resolution against `installed`; `sync` also removes what the resolution does not name.
install::Plan plan_install(const dist::Resolution& resolution, const std::vector<install::InstalledDist>& installed,
                           const PipOptions& options, bool sync);

// The change lines of a plan, uv's way: (name, old version) removed and (name, version) added, a
// package routed by --torch-backend naming its PyTorch index ("2.9.1+cpu (from https://.../cpu)").
using ChangeList = std::vector<std::pair<std::string, std::string>>;
struct PlanChanges {
  ChangeList removed, added;
};
PlanChanges plan_changes(const install::Plan& plan, const dist::Resolution& resolution);

struct InstallRequest {
  const python::Environment* env = nullptr;
  const dist::Resolution* resolution = nullptr;
  const install::Plan* plan = nullptr;
  std::map<std::string, std::vector<std::string>> required_hashes;  // --hash, by normalised name
  // Progress of the preparation (items done of all, bytes downloaded); from worker threads.
  std::function<void(std::size_t, std::size_t, std::uint64_t)> on_progress;
  // Each file being downloaded (install::PrepareOptions::on_file); from network threads.
  std::function<void(const std::string&, std::uint64_t, std::uint64_t, bool)> on_file;
  // A build starts (the distribution's description), and "" once every build has finished; from
  // builder threads, while downloads go on.
  std::function<void(const std::string&)> on_build;
  // Wheels started while resolving (ResolveRequest::ahead): taken from there, not downloaded again.
  install::PrepareAhead* ahead = nullptr;
};

struct InstallOutcome {
  std::size_t prepared = 0;                 // wheels newly unpacked into the cache
  std::size_t compiled = 0;                 // .pyc files written
  std::chrono::steady_clock::duration prepare_time{}, install_time{}, compile_time{};
  std::map<std::string, std::string> sha256;  // normalised name -> sha256 of the installed wheel
};

InstallOutcome install(Services& services, const PipOptions& options, const InstallRequest& request,
                       dist::BuildContext& build);

// The warnings for yanked files the resolution chose (only an == pin chooses one).
std::vector<std::string> yanked_warnings(const dist::Resolution& resolution);

// pip's hash-checking mode (--require-hashes, or a --hash in a requirements file): every requirement
// pinned with == (or ===, or a direct URL), every resolved package with a --hash. Throws util::Error.

void check_required_hashes(const ResolveInputs& inputs, const dist::Resolution& resolution, const PipOptions& options);

// pip's --report JSON for the changes of `plan`; `sha256`: the digests of the installed wheels, for
// files whose index gave none.
std::string installation_report(const dist::Resolution& resolution, const install::Plan& plan,
                                const std::map<std::string, std::string>& sha256,
                                const spec::MarkerEnvironment& markers);

}  // namespace ptinstall::ops
