#include "ptinstall/ops/lock_forks.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "ptinstall/config/pyproject.hpp"
#include "ptinstall/config/toml_input.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/resolve/provider.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::ops {
namespace {

// One resolution of the lock: the extras and groups it selects, and the marker saying when an install
// is in it (empty: always).
struct Fork {
  std::vector<std::string> extras, groups;
  std::string marker;
};

std::string item_marker(const config::ConflictItem& item, bool in) {
  return "'" + item.name + "' " + (in ? "in" : "not in") + (item.kind == config::ConflictItem::Kind::Extra ? " extras" : " dependency_groups");
}

std::string conjunction(const std::vector<std::string>& parts) {
  std::vector<std::string> out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    std::string part = parts.size() > 1 && p.find(" or ") != std::string::npos ? "(" + p + ")" : p;
    if (std::find(out.begin(), out.end(), part) == out.end()) out.push_back(part);
  }
  return util::join(out, " and ");
}

std::string disjunction(const std::vector<std::string>& parts) {
  if (std::find(parts.begin(), parts.end(), std::string()) != parts.end()) return "";  // one is always true
  std::vector<std::string> out;
  for (const auto& p : parts)
    out.push_back(parts.size() > 1 && p.find(" and ") != std::string::npos ? "(" + p + ")" : p);
  return util::join(out, " or ");
}

// The project file among the inputs (positional files or -r), if any.
std::optional<std::string> project_input(const SelectionLockRequest& r) {
  std::vector<std::string> files = r.settings->get_list("requirement");
  if (r.positionals == Positionals::Files) files.insert(files.end(), r.args.begin(), r.args.end());
  for (const auto& f : files) {
    if (f.size() < 5 || util::to_lower(f.substr(f.size() - 5)) != ".toml") continue;
    if (config::classify_toml_input(f) == config::TomlInput::Pyproject) return f;
  }
  return std::nullopt;
}

// The forks: one per combination of a choice in each conflict set (an item asked for, or none of them),
// with every other asked-for item in all of them.
std::vector<Fork> plan_forks(const config::Pyproject& pp, const std::vector<std::string>& extras,
                             const std::vector<std::string>& groups) {
  auto asked = [&](const config::ConflictItem& i) {
    const auto& list = i.kind == config::ConflictItem::Kind::Extra ? extras : groups;
    return std::find(list.begin(), list.end(), i.name) != list.end();
  };
  std::vector<std::vector<config::ConflictItem>> sets;  // the asked-for members of each set with two or more
  std::set<std::pair<int, std::string>> conflicting;
  for (const auto& set : pp.conflicts) {
    std::vector<config::ConflictItem> members;
    for (const auto& i : set)
      if (asked(i)) members.push_back(i);
    if (members.size() < 2) continue;
    for (const auto& i : members) conflicting.insert({static_cast<int>(i.kind), i.name});
    sets.push_back(std::move(members));
  }
  Fork common;
  for (const auto& e : extras)
    if (!conflicting.count({static_cast<int>(config::ConflictItem::Kind::Extra), e})) common.extras.push_back(e);
  for (const auto& g : groups)
    if (!conflicting.count({static_cast<int>(config::ConflictItem::Kind::Group), g})) common.groups.push_back(g);
  std::vector<Fork> forks = {common};
  for (const auto& set : sets) {
    std::vector<Fork> next;
    for (const auto& f : forks) {
      // None of the set: every member absent.
      Fork none = f;
      std::vector<std::string> absent;
      for (const auto& i : set) absent.push_back(item_marker(i, false));
      none.marker = conjunction({f.marker, conjunction(absent)});
      next.push_back(none);
      for (const auto& i : set) {
        Fork one = f;
        (i.kind == config::ConflictItem::Kind::Extra ? one.extras : one.groups).push_back(i.name);
        one.marker = conjunction({f.marker, item_marker(i, true)});
        next.push_back(std::move(one));
      }
    }
    forks = std::move(next);
    if (forks.size() > 64)
      throw util::Error(util::ErrorKind::Usage, "too many conflicting extras and groups to lock together (" +
                                                    std::to_string(forks.size()) + " combinations)",
                        "lock fewer extras or groups at a time");
  }
  return forks;
}

// For each package of `resolution`: the marker of the selections that bring it in (empty: the
// project's dependencies do). Found by walking the resolution's graph from each selection's
// requirements (self-references `project[extra]` bring that extra's requirements along).
std::map<std::string, std::string> selection_markers(const config::Pyproject& pp, const Fork& fork,
                                                     const dist::Resolution& resolution) {
  std::string self = pp.name ? spec::normalize_name(*pp.name) : std::string();
  auto requirements_of = [&](const std::vector<spec::Requirement>& list) {
    std::vector<const spec::Requirement*> out;
    std::set<std::string> seen_extras;
    std::deque<const std::vector<spec::Requirement>*> todo = {&list};
    while (!todo.empty()) {
      const auto* l = todo.front();
      todo.pop_front();
      for (const auto& r : *l) {
        if (!self.empty() && r.package.str() == self) {
          for (const auto& e : r.extras)
            if (pp.optional_dependencies.count(e) && seen_extras.insert(e).second) todo.push_back(&pp.optional_dependencies.at(e));
          continue;
        }
        out.push_back(&r);
      }
    }
    return out;
  };
  // Base names reached from a list of requirements.
  auto reach = [&](const std::vector<const spec::Requirement*>& reqs) {
    std::set<std::string> nodes, names;
    std::deque<std::string> todo;
    for (const auto* r : reqs)
      for (const auto& [node, deps] : resolution.graph) {
        auto parts = resolve::split_package(node);
        if (parts.base != r->package.str()) continue;
        if (!parts.extra.empty() &&
            std::find(r->extras.begin(), r->extras.end(), std::string(parts.extra)) == r->extras.end())
          continue;
        if (nodes.insert(node).second) todo.push_back(node);
      }
    while (!todo.empty()) {
      std::string node = todo.front();
      todo.pop_front();
      names.insert(std::string(resolve::split_package(node).base));
      auto it = resolution.graph.find(node);
      if (it == resolution.graph.end()) continue;
      for (const auto& d : it->second)
        if (!resolve::is_system_package(d) && nodes.insert(d).second) todo.push_back(d);
    }
    return names;
  };
  std::set<std::string> base = reach(requirements_of(pp.dependencies));
  std::map<std::string, std::vector<std::string>> why;  // name -> marker parts
  for (const auto& e : fork.extras)
    if (auto it = pp.optional_dependencies.find(e); it != pp.optional_dependencies.end())
      for (const auto& n : reach(requirements_of(it->second))) why[n].push_back("'" + e + "' in extras");
  for (const auto& g : fork.groups)
    if (auto it = pp.dependency_groups.find(g); it != pp.dependency_groups.end())
      for (const auto& n : reach(requirements_of(it->second))) why[n].push_back("'" + g + "' in dependency_groups");
  std::map<std::string, std::string> out;
  for (const auto& p : resolution.packages) {
    if (base.count(p.name()) || !why.count(p.name())) out[p.name()] = "";
    else out[p.name()] = disjunction(why[p.name()]);
  }
  return out;
}

}  // namespace

const std::vector<std::string>& universal_platforms() {
  static const std::vector<std::string> platforms = {"x86_64-manylinux_2_28", "aarch64-manylinux_2_28",
                                                     "x86_64-apple-darwin", "aarch64-apple-darwin",
                                                     "x86_64-pc-windows-msvc"};
  return platforms;
}

std::optional<SelectionLock> lock_selections(Services& services, dist::BuildContext& build,
                                             const SelectionLockRequest& request) {
  const config::Settings& S = *request.settings;
  const bool selecting = !S.get_list("extra").empty() || S.flag("all-extras") || !S.get_list("group").empty();
  if (!selecting && !request.universal) return std::nullopt;
  std::optional<std::string> path = project_input(request);
  if (!path && !request.universal) return std::nullopt;
  std::optional<config::Pyproject> pp;
  std::vector<std::string> extras, groups;
  std::vector<Fork> forks = {Fork{}};
  if (path && selecting) {
    pp = config::Pyproject::read(*path);
    // What is asked for, checked as a plain selection would be (without the conflict check).
    for (const auto& e : S.get_list("extra")) {
      std::string n = spec::normalize_extra(e);
      if (!pp->optional_dependencies.count(n))
        throw util::Error(util::ErrorKind::Usage, "extra `" + e + "` is not defined in " + *path);
      extras.push_back(n);
    }
    if (S.flag("all-extras")) extras = pp->extra_names();
    for (const auto& g : S.get_list("group")) {
      std::string n = spec::normalize_name(g);
      if (!pp->dependency_groups.count(n))
        throw util::Error(util::ErrorKind::Usage, "dependency group `" + g + "` is not defined in " + *path);
      groups.push_back(n);
    }
    std::sort(extras.begin(), extras.end());
    extras.erase(std::unique(extras.begin(), extras.end()), extras.end());
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    forks = plan_forks(*pp, extras, groups);
  }
  // The platforms: this target alone, or --universal's list (a --python-platform given wins).
  std::vector<std::optional<std::string>> platforms = {std::nullopt};
  if (request.universal && !S.get("python-platform")) {
    platforms.clear();
    for (const auto& p : universal_platforms()) platforms.push_back(p);
  }

  struct Entry {
    lock::LockedPackage package;
    std::vector<std::pair<std::size_t, std::string>> in;  // (resolution, marker within it)
  };
  std::vector<Entry> entries;
  std::map<std::string, std::size_t> by_key;  // name|version|index|file -> entry
  std::vector<std::string> run_markers;        // per resolution: its platform and fork markers
  lock::LockWriteOptions base_options;
  std::vector<std::string> unhashed, environments;
  std::exception_ptr first_failure;
  for (const auto& platform : platforms) {
    // A platform without a solution (no wheels of a package for it, say) is left out of a universal
    // lock, said so; its resolutions are made before anything of it is kept.
    std::vector<std::pair<std::size_t, std::pair<dist::Resolution, std::pair<ResolveInputs, Target>>>> done;
    try {
      for (std::size_t f = 0; f < forks.size(); ++f) {
        config::Settings fs = S;
        if (pp) {
          fs.set("extra", {forks[f].extras, config::Source::CommandLine, "--extra"});
          fs.set("all-extras", {{"false"}, config::Source::CommandLine, "--all-extras"});
          fs.set("group", {forks[f].groups, config::Source::CommandLine, "--group"});
        }
        if (platform) fs.set("python-platform", {{*platform}, config::Source::CommandLine, "--universal"});
        PipOptions options = pip_options(fs, request.config_files);
        Target target = platform && request.interpreter ? make_target(options, *request.interpreter) : *request.target;
        ResolveInputs in = read_inputs(options, request.args, request.positionals, target.markers, &build, &services);
        services.trust_hosts(in.file.trusted_hosts);
        ResolveRequest rr;
        rr.inputs = &in;
        rr.target = &target;
        rr.collect_hashes = true;
        rr.preferred = request.preferred;
        rr.on_hash_progress = request.on_hash_progress;
        util::log::debug("lock: resolving" + (platform ? " for " + *platform : std::string()) + " with extras [" +
                         util::join(forks[f].extras, ", ") + "] and groups [" + util::join(forks[f].groups, ", ") + "]");
        dist::Resolution resolution = resolve(services, options, rr, build);
        done.push_back({f, {std::move(resolution), {std::move(in), std::move(target)}}});
      }
    } catch (const std::exception& e) {
      if (platforms.size() == 1) throw;
      if (!first_failure) first_failure = std::current_exception();
      // The error's first two lines (a resolver's explanation starts with "no solution found ...:").
      std::string what = e.what(), first_line;
      for (std::size_t pos = 0, n = 0; pos < what.size() && n < 2; ++n) {
        std::size_t eol = what.find('\n', pos);
        std::string line(util::trim(what.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos)));
        first_line += (first_line.empty() || line.empty() ? "" : " ") + line;
        if (eol == std::string::npos) break;
        pos = eol + 1;
      }
      if (first_line.size() > 240) first_line = first_line.substr(0, 240) + "...";
      util::log::warn("--universal: no resolution for " + platform.value_or("this platform") + " (" + first_line +
                      "); the lock leaves it out");
      continue;
    }
    for (auto& [f, result] : done) {
      dist::Resolution& resolution = result.first;
      ResolveInputs& in = result.second.first;
      Target& target = result.second.second;
      PipOptions options = pip_options(S, request.config_files);
      lock::LockWriteOptions w = lock_write_options(in, target, options, request.lock_path);
      if (run_markers.empty()) base_options = w;
      if (f == 0) environments.push_back(w.environments.front());
      if (w.torch && !base_options.torch) base_options.torch = w.torch;
      lock::LockWriteResult written = lock::lock_from_resolution(resolution, w);
      unhashed.insert(unhashed.end(), written.unhashed.begin(), written.unhashed.end());
      std::map<std::string, std::string> markers;
      if (pp) markers = selection_markers(*pp, forks[f], resolution);
      std::size_t run = run_markers.size();
      // A platform's marker is the environment it was resolved for, without the Python version (the
      // lock's environments say that).
      std::string platform_marker;
      if (platforms.size() > 1)
        platform_marker = "sys_platform == '" + std::string(target.markers.get("sys_platform")) +
                          "' and platform_machine == '" + std::string(target.markers.get("platform_machine")) + "'";
      run_markers.push_back(conjunction({platform_marker, forks[f].marker}));
      for (auto& p : written.lock.packages) {
        std::string key = p.name + "|" + p.version.value_or("") + "|" + p.index.value_or("") + "|" +
                          (p.wheels.empty() ? (p.sdist ? p.sdist->url : "") : p.wheels.front().url);
        auto [it, inserted] = by_key.emplace(key, entries.size());
        if (inserted) entries.push_back({p, {}});
        entries[it->second].in.push_back({run, markers[p.name]});
      }
    }
  }

  if (run_markers.empty() && first_failure) std::rethrow_exception(first_failure);
  lock::Pylock lock;
  lock.environments = environments;
  lock.requires_python = base_options.requires_python;
  lock.created_by = base_options.created_by;
  lock.torch = base_options.torch;
  lock.extras = extras;
  lock.dependency_groups = groups;
  for (auto& e : entries) {
    bool everywhere = e.in.size() == run_markers.size();
    bool same = std::all_of(e.in.begin(), e.in.end(), [&](const auto& x) { return x.second == e.in.front().second; });
    std::string marker;
    if (everywhere && same) {
      marker = e.in.front().second;  // the resolutions cover every environment and selection
    } else {
      std::vector<std::string> parts;
      for (const auto& [run, m] : e.in) parts.push_back(conjunction({run_markers[run], m}));
      marker = disjunction(parts);
    }
    e.package.marker = marker.empty() ? "" : spec::Marker::parse(marker).to_string();
    lock.packages.push_back(std::move(e.package));
  }
  std::sort(unhashed.begin(), unhashed.end());
  unhashed.erase(std::unique(unhashed.begin(), unhashed.end()), unhashed.end());
  SelectionLock out;
  out.packages = lock.packages.size();
  out.forks = run_markers.size();
  out.lock = {lock.to_toml(), std::move(unhashed)};
  return out;
}

}  // namespace ptinstall::ops
