#include "ptinstall/ops/outdated.hpp"

#include <optional>

#include "ptinstall/config/index_config.hpp"
#include "ptinstall/index/index_set.hpp"
#include "ptinstall/ops/inputs.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/spec/version.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::ops {

std::map<std::string, LatestVersion> latest_versions(Services& services, const PipOptions& options,
                                                     const Target& target,
                                                     const std::map<std::string, std::string>& installed, bool pre) {
  ResolveInputs none;
  config::IndexConfig cfg = index_config_for(options, none, target);
  index::TargetFilter filter;
  filter.tags = spec::SupportedTags::for_environment(target.tags);
  filter.python_version = target.python;
  filter.allow_sdists = true;
  index::IndexSet indexes(cfg.options, services.client(), &services.http_cache(), filter);
  std::vector<std::string> names;
  for (const auto& [name, _] : installed) names.push_back(name);
  indexes.prefetch(names);
  std::map<std::string, LatestVersion> out;
  for (const auto& [name, version] : installed) {
    index::Candidates c;
    try {
      c = indexes.candidates(name);
    } catch (const util::Error& e) {
      util::log::warn("cannot look up the newest version of " + name + ": " + e.what());
      continue;
    }
    auto current = spec::Version::parse(version);
    bool allow_pre = pre || (current && current->is_prerelease());
    std::optional<spec::Version> best;
    for (const auto& v : c.versions())
      if ((allow_pre || !v.is_prerelease()) && (!best || *best < v)) best = v;
    if (!best) continue;
    auto files = c.files_of(*best);
    out[name] = LatestVersion{best->to_string(), !files.empty() && files.front()->file.kind == index::FileKind::Wheel};
  }
  return out;
}

}  // namespace ptinstall::ops
