#include "ptinstall/ops/compile.hpp"

#include <filesystem>
#include <map>

#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

#include "ptinstall/index/index_set.hpp"
#include "ptinstall/resolve/solver.hpp"

namespace ptinstall::ops {

std::vector<install::InstalledDist> previous_pins(const std::string& output_file) {
  std::vector<install::InstalledDist> out;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(output_file, ec)) return out;
  try {
    config::RequirementsFile previous;
    config::read_requirements_file(output_file, previous);
    for (const auto& line : previous.requirements) {
      if (!line.requirement || line.requirement->specifier.specifiers().size() != 1) continue;
      const auto& spec0 = line.requirement->specifier.specifiers().front();
      if (spec0.op() != spec::Operator::Equal || spec0.is_wildcard()) continue;
      install::InstalledDist d;
      d.name = line.requirement->name;
      d.normalized = line.requirement->package.str();
      d.version = spec0.version().to_string();
      out.push_back(std::move(d));
    }
  } catch (const util::Error& e) {
    util::log::warn("ignoring the pins of " + output_file + ": " + e.what());
    out.clear();
  }
  return out;
}

CompiledResolution compile_pins(const ResolveInputs& in, const dist::Resolution& resolution, bool hashes) {
  // Where each pin comes from: the files and projects that name it, then the packages that depend on it.
  std::map<std::string, std::vector<std::string>> via;
  auto base_of = [](const std::string& name) { return std::string(resolve::split_package(name).base); };
  for (std::size_t i = 0; i < in.requirements.size(); ++i)
    if (!in.requirement_origins[i].empty()) via[in.requirements[i].package.str()].push_back(in.requirement_origins[i]);
  for (std::size_t i = 0; i < in.constraints.size(); ++i)
    via[in.constraints[i].package.str()].push_back(in.constraint_origins[i]);
  for (std::size_t i = 0; i < in.overrides.size(); ++i)
    via[in.overrides[i].package.str()].push_back(in.override_origins[i]);
  for (const auto& [node, deps] : resolution.graph) {
    if (resolve::is_system_package(node)) continue;
    std::string parent = base_of(node);
    for (const auto& d : deps) {
      std::string child = base_of(d);
      if (child == parent || resolve::is_system_package(d)) continue;
      via[child].push_back(parent);
    }
  }

  CompiledResolution out;
  for (const auto& p : resolution.packages) {
    install::CompiledPin pin;
    pin.name = p.name();
    pin.version = p.version.to_string();
    if (p.dist.is_direct()) pin.url = p.dist.pinned_url();
    pin.editable = p.dist.is_editable();
    if (auto it = via.find(p.name()); it != via.end()) pin.via = it->second;
    if (!p.routed_index.empty()) {
      pin.from_index = p.dist.index_url();
      out.routed_pages.push_back(index::IndexSet::project_url(p.dist.index_url(), p.name()));
    }
    if (hashes) {
      pin.hashes = p.all_hashes;
      if (p.unhashed_files > 0)
        out.missing_hashes.push_back(p.name() + "==" + pin.version + " (" + std::to_string(p.unhashed_files) +
                                     (p.unhashed_files == 1 ? " file" : " files") + ")");
    }
    out.pins.push_back(std::move(pin));
  }
  return out;
}

}  // namespace ptinstall::ops
