// The install plan: what a resolution means for an environment. Each resolved package is either
// already satisfied (the same version is installed: unchanged), new, an upgrade or downgrade of an
// installed version (the old one is removed after the new one is in place), or reinstalled
// (--reinstall, --reinstall-package, or a direct URL that differs from the one recorded in the
// installed direct_url.json). For `pip sync`, installed distributions that the resolution does not
// name are extraneous and removed.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::install {

// One package the resolution wants installed.
struct WantedPackage {
  std::string name;                    // normalised
  spec::Version version;
  std::optional<std::string> direct_url;  // for `name @ url` requirements: compared with direct_url.json
};

enum class PlanAction { Unchanged, Install, Upgrade, Downgrade, Reinstall };
std::string_view to_string(PlanAction action);

struct PlanItem {
  WantedPackage wanted;
  PlanAction action = PlanAction::Install;
  std::vector<InstalledDist> replaces;  // installed distributions of the same project (removed after)
};

struct PlanOptions {
  bool reinstall = false;                             // --reinstall: every wanted package
  std::set<std::string, std::less<>> reinstall_packages;  // --reinstall-package NAME (normalised)
  bool remove_extraneous = false;                     // pip sync
  std::set<std::string, std::less<>> keep_extraneous;  // never removed by sync (normalised)
};

struct Plan {
  std::vector<PlanItem> unchanged;          // sorted by name
  std::vector<PlanItem> changes;            // Install, Upgrade, Downgrade, Reinstall; sorted by name
  std::vector<InstalledDist> extraneous;    // sync only; sorted by name

  bool empty() const { return changes.empty() && extraneous.empty(); }
  // The distributions removed by the plan: those replaced by changes, then the extraneous ones.
  std::vector<InstalledDist> removals() const;
};

// Plans `wanted` (one entry per project) against `installed` (scan_installed of the environment).
Plan make_plan(const std::vector<WantedPackage>& wanted, const std::vector<InstalledDist>& installed,
               const PlanOptions& options = {});

// What an installed distribution's direct_url.json says it is (spec::DirectUrl::identity), nullopt without one.
std::optional<std::string> installed_direct_url(const InstalledDist& dist);

}  // namespace ptinstall::install
