// `pip list --outdated` / `--uptodate`: the newest version of each installed project on the indexes in
// effect (the same settings, config files and index order as an install), for the environment's
// interpreter (wheel tags, Requires-Python).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "ptinstall/ops/options.hpp"
#include "ptinstall/ops/services.hpp"
#include "ptinstall/ops/target.hpp"

namespace ptinstall::ops {

struct LatestVersion {
  std::string version;  // as the index writes it
  bool wheel = false;   // the newest version's best file is a wheel (else an sdist): pip's "Type"
};

// Projects no index has (or whose pages fail: a warning each) are left out. Pre-releases count only
// with `pre`, or for a project whose installed version is one (pip's rule).
std::map<std::string, LatestVersion> latest_versions(Services& services, const PipOptions& options,
                                                     const Target& target,
                                                     const std::map<std::string, std::string>& installed, bool pre);

}  // namespace ptinstall::ops
