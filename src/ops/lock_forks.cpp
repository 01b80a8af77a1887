#include "ptinstall/ops/lock_forks.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "ptinstall/config/pyproject.hpp"
#include "ptinstall/ops/compile.hpp"
#include "ptinstall/ops/universal_space.hpp"
#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/platform.hpp"
#include "ptinstall/spec/requirement.hpp"
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

// Every marker a resolution depends on: its root requirements (and the project's lists and sources,
// whose markers were evaluated before resolving), constraints, overrides, and the Requires-Dist of
// each pinned package.
void collect_markers(const ResolveInputs& in, const dist::Resolution& resolution, std::vector<spec::Marker>& out) {
  for (const auto* list : {&in.requirements, &in.constraints, &in.overrides})
    for (const auto& r : *list)
      if (!r.marker.is_always_true()) out.push_back(r.marker);
  if (in.project) {
    const config::Pyproject& p = in.project->project;
    for (const auto& r : p.dependencies) out.push_back(r.marker);
    for (const auto& [_, list] : p.optional_dependencies)
      for (const auto& r : list) out.push_back(r.marker);
    for (const auto& [_, list] : p.dependency_groups)
      for (const auto& r : list) out.push_back(r.marker);
    for (const auto& [_, list] : p.sources)
      for (const auto& s : list) out.push_back(s.marker);
  }
  requires_dist_markers(resolution, out);
}

std::string first_lines(const std::string& what) {
  // The error's first two lines (a resolver's explanation starts with "no solution found ...:").
  std::string first_line;
  for (std::size_t pos = 0, n = 0; pos < what.size() && n < 2; ++n) {
    std::size_t eol = what.find('\n', pos);
    std::string line(util::trim(what.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos)));
    first_line += (first_line.empty() || line.empty() ? "" : " ") + line;
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  if (first_line.size() > 240) first_line = first_line.substr(0, 240) + "...";
  return first_line;
}

// At most this many Python ranges: markers on many versions (python_version == '3.8', '3.9', ...)
// would otherwise multiply the resolutions.
constexpr std::size_t kMaxPythonRanges = 8;
// At most this many implementations named (each adds a resolution per cell).
constexpr std::size_t kMaxImplementations = 3;

// environments / required-environments from the config files (uv.toml, [tool.uv], ptinstall.toml):
// each a PEP 508 marker; one that does not parse is an error naming where it was given.
std::vector<spec::Marker> setting_markers(const config::Settings& S, const std::string& key) {
  std::vector<spec::Marker> out;
  for (const auto& text : S.get_list(key)) {
    try {
      out.push_back(spec::Marker::parse(text));
    } catch (const util::Error& e) {
      const config::SettingValue* v = S.find(key);
      throw util::Error(util::ErrorKind::Usage,
                        std::string(e.what()) + " in `" + key + "`" + (v && !v->origin.empty() ? " (" + v->origin + ")" : ""),
                        "give PEP 508 markers, like \"sys_platform == 'linux'\"");
    }
  }
  return out;
}

// Platforms --universal adds when environments name them (none of the default ones matches).
const std::vector<std::string>& extra_universal_platforms() {
  static const std::vector<std::string> extra = {"aarch64-pc-windows-msvc"};
  return extra;
}

// Whether `m` holds for the platform `name` (its sys_platform and platform_machine; the other
// variables as for the interpreter of any Python) and for none of `have`: such a platform is one the
// environments ask for that the grid lacks. Variables other than the platform's are taken as true.
bool platform_only_match(const spec::Marker& m, const std::string& name, const std::vector<std::string>& have) {
  auto holds = [&](const std::string& platform) {
    spec::PlatformMarkers pm = spec::marker_values(spec::parse_python_platform(platform));
    // Only the platform's own comparisons decide: a marker term on another variable counts as true.
    for (const auto& c : m.comparisons()) {
      if (c.variable == "sys_platform" && (c.op == "==" || c.op == "!=")) {
        if ((c.value == pm.sys_platform) != (c.op == "==")) return false;
      } else if (c.variable == "platform_machine" && (c.op == "==" || c.op == "!=")) {
        if ((c.value == pm.platform_machine) != (c.op == "==")) return false;
      }
    }
    return true;
  };
  if (!holds(name)) return false;
  return std::none_of(have.begin(), have.end(), holds);
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
  std::optional<config::Pyproject> project;
  if (path) project = config::Pyproject::read(*path);
  std::optional<config::Pyproject> pp;  // the project whose extras and groups are selected
  std::vector<std::string> extras, groups;
  std::vector<Fork> forks = {Fork{}};
  if (path && selecting) {
    pp = project;
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

  // The grid of environments (docs/locks.md, "--universal"): platforms x Python ranges. Without
  // --universal one cell, this target.
  std::vector<UniversalPlatform> platforms;
  PythonAxis axis{request.target->python, std::nullopt, {}};
  std::vector<spec::Marker> environments;  // [tool.uv] environments: the cells the lock is limited to
  std::vector<spec::Marker> required;      // required-environments: cells that must resolve
  const bool fewest = S.get("fork-strategy").value_or("requires-python") == "fewest";
  if (request.universal) {
    if (project) environments = project->environments;
    if (environments.empty()) environments = setting_markers(S, "environments");
    required = project && !project->required_environments.empty() ? project->required_environments
                                                                    : setting_markers(S, "required-environments");
    std::vector<std::string> names = universal_platforms();
    if (auto one = S.get("python-platform"); one && !one->empty()) {
      names = {*one};
    } else {
      // A platform the environments name that the grid lacks (Windows on ARM64: `platform_machine ==
      // 'ARM64'`) joins it.
      for (const auto& extra : extra_universal_platforms())
        for (const auto* list : {&environments, &required})
          for (const auto& m : *list)
            if (platform_only_match(m, extra, names) && std::find(names.begin(), names.end(), extra) == names.end())
              names.push_back(extra);
    }
    for (const auto& n : names) {
      spec::PlatformMarkers m = spec::marker_values(spec::parse_python_platform(n));
      platforms.push_back({n, m.sys_platform, m.platform_machine});
    }
    const spec::Version& py = request.target->python;
    spec::Version fallback = spec::Version::from_parts(0, {py.release_at(0), py.release_at(1)});
    axis = python_axis(project && project->requires_python ? *project->requires_python : spec::SpecifierSet(), fallback);
    for (const auto* list : {&environments, &required})
      for (const auto& e : *list)
        for (const auto& v : python_split_points(e)) axis.split_at(v);
  } else {
    platforms.push_back({"", "", ""});
  }

  // The implementation axis (universal_space.hpp): one part until markers name an implementation.
  std::vector<std::string> impl_named;
  std::vector<ImplementationPart> impls = implementation_parts({});
  auto impl_index = [&](const std::string& name) {
    for (std::size_t i = 0; i < impls.size(); ++i)
      if (impls[i].implementation_name == name) return i;
    return std::size_t{0};
  };
  for (const auto* list : {&environments, &required})
    for (const auto& e : *list)
      for (auto& n : implementation_names(e))
        if (std::find(impl_named.begin(), impl_named.end(), n) == impl_named.end()) impl_named.push_back(n);
  if (request.universal && !impl_named.empty()) impls = implementation_parts(impl_named);

  // The settings and target of one cell and fork.
  auto cell_settings = [&](std::size_t p, const spec::Version& python, std::size_t f) {
    config::Settings fs = S;
    if (pp) {
      fs.set("extra", {forks[f].extras, config::Source::CommandLine, "--extra"});
      fs.set("all-extras", {{"false"}, config::Source::CommandLine, "--all-extras"});
      fs.set("group", {forks[f].groups, config::Source::CommandLine, "--group"});
    }
    if (request.universal) {
      // --upgrade dropped the previous output's pins already (the caller passes none); the versions
      // carried between cells are preferences the cells must keep, upgrade or not.
      fs.set("upgrade", {{"false"}, config::Source::CommandLine, "--universal"});
      fs.set("python-platform", {{platforms[p].python_platform}, config::Source::CommandLine, "--universal"});
      fs.set("python-version", {{python.to_string()}, config::Source::CommandLine, "--universal"});
    }
    return fs;
  };
  auto set_implementation = [](Target& t, const ImplementationPart& part) {
    t.markers.set("implementation_name", part.implementation_name);
    t.markers.set("platform_python_implementation", part.platform_python_implementation);
  };
  auto cell_target = [&](std::size_t p, const spec::Version& python, const ImplementationPart& part) {
    if (!request.universal || !request.interpreter) return *request.target;
    Target t = make_target(pip_options(cell_settings(p, python, 0), request.config_files), *request.interpreter);
    set_implementation(t, part);
    return t;
  };
  auto holds_in = [&](const std::vector<spec::Marker>& list, std::size_t p, const spec::Version& python,
                      const ImplementationPart& part) {
    Target t = cell_target(p, python, part);
    return std::any_of(list.begin(), list.end(), [&](const spec::Marker& m) { return m.evaluate(t.markers); });
  };
  auto in_environments = [&](std::size_t p, const spec::Version& python, const ImplementationPart& part) {
    return environments.empty() || holds_in(environments, p, python, part);
  };

  struct Run {
    std::size_t platform = 0, fork = 0;
    std::string python;  // the cell's lowest Python version
    std::string implementation;  // its implementation part's implementation_name
    dist::Resolution resolution;
    ResolveInputs inputs;
    Target target;
    bool scanned = false;  // its markers were read for split points
  };
  std::vector<Run> runs;
  std::map<std::tuple<std::size_t, std::string, std::string>, std::string> failed;  // (platform, python, implementation) -> why
  // A cell's preferences: the previous lock's versions, then those of the cells already resolved for
  // the same or a newer Python (newest first), so cells agree on versions where they fit. An older
  // Python's versions are not carried up: a range resolved first in an earlier round (before a split)
  // would hold the newer Pythons back.
  // A name the previous output pins at several versions (a universal lock's forks, `lib==1.0 ; python_version
  // < '3.10'` and `lib==2.0 ; ...`) is not preferred: which pin belongs to which cell is not known here,
  // and the first could hold a newer Python back.
  std::vector<install::InstalledDist> previous;
  {
    std::map<std::string, std::set<std::string>> versions;
    for (const auto& d : request.preferred) versions[d.normalized].insert(d.version);
    for (const auto& d : request.preferred)
      if (versions[d.normalized].size() == 1) previous.push_back(d);
  }
  auto preferences_for = [&](const spec::Version& python) {
    std::vector<install::InstalledDist> out = previous;
    std::set<std::string> names;
    for (const auto& d : out) names.insert(d.normalized);
    std::vector<const Run*> order;
    // fork-strategy fewest: the ranges are resolved oldest first and every range's versions are
    // carried to the others, so a version that fits the oldest Python is kept for all.
    for (const auto& run : runs)
      if (!request.universal || fewest || !(spec::Version::from_string(run.python) < python)) order.push_back(&run);
    std::stable_sort(order.begin(), order.end(), [&](const Run* a, const Run* b) {
      if (!request.universal) return false;
      auto va = spec::Version::from_string(a->python), vb = spec::Version::from_string(b->python);
      return fewest ? va < vb : vb < va;
    });
    for (const Run* run : order)
      for (const auto& d : run->resolution.packages)
        if (names.insert(d.name()).second) {
          install::InstalledDist pref;
          pref.name = pref.normalized = d.name();
          pref.version = d.version.to_string();
          out.push_back(std::move(pref));
        }
    return out;
  };
  std::exception_ptr first_failure;
  // The cells' resolutions read the same pages and metadata: fetched and parsed once for all.
  std::optional<SharedFetches> shared;
  if (request.universal || forks.size() > 1) shared.emplace(services);
  auto have = [&](std::size_t p, const std::string& python, const std::string& impl) {
    return std::any_of(runs.begin(), runs.end(),
                       [&](const Run& r) { return r.platform == p && r.python == python && r.implementation == impl; });
  };
  for (std::size_t round = 0;; ++round) {
    std::vector<PythonRange> ranges = axis.ranges();
    // The newest Python first: its versions are carried as preferences to the older ranges, which
    // keep them where they fit (a fork takes an older version only where it must). fork-strategy
    // fewest: the oldest first.
    for (std::size_t step = 0; step < ranges.size(); ++step) {
      const std::size_t ri = fewest ? step : ranges.size() - 1 - step;
      const spec::Version& python = ranges[ri].lo;
      const std::string key = request.universal ? python.to_string() : std::string();
      std::vector<std::pair<std::size_t, std::size_t>> todo;  // (platform, implementation part)
      for (std::size_t i = 0; i < impls.size(); ++i)
        for (std::size_t p = 0; p < platforms.size(); ++p) {
          const std::string& impl = impls[i].implementation_name;
          if (have(p, key, impl) || failed.count({p, key, impl})) continue;
          if (request.universal && !in_environments(p, python, impls[i])) continue;
          todo.push_back({p, i});
        }
      if (todo.empty()) continue;
      // The platforms of one range are resolved at once, a thread each (the services, the build seam
      // and the resolver's own fetches are shared and thread-safe), with the same preferences: those
      // of the newer ranges, resolved before.
      const std::vector<install::InstalledDist> prefs = preferences_for(python);
      std::vector<std::vector<Run>> results(todo.size());
      std::vector<std::exception_ptr> errors(todo.size());
      std::mutex trust_mutex;
      auto work = [&](std::size_t i) {
        const std::size_t p = todo[i].first;
        const ImplementationPart& part = impls[todo[i].second];
        try {
          for (std::size_t f = 0; f < forks.size(); ++f) {
            config::Settings fs = cell_settings(p, python, f);
            PipOptions options = pip_options(fs, request.config_files);
            Target target = *request.target;
            if (request.universal && request.interpreter) {
              target = make_target(options, *request.interpreter);
              set_implementation(target, part);
            }
            ResolveInputs in = read_inputs(options, request.args, request.positionals, target.markers, &build, &services);
            {
              std::lock_guard lock(trust_mutex);
              services.trust_hosts(in.file.trusted_hosts);
            }
            ResolveRequest rr;
            rr.inputs = &in;
            rr.target = &target;
            rr.collect_hashes = request.hashes;
            rr.collect_attestations = request.attestations;
            rr.no_deps = options.no_deps;
            rr.preferred = prefs;
            rr.on_hash_progress = request.on_hash_progress;
            rr.shared = shared ? &*shared : nullptr;
            util::log::debug("lock: resolving" +
                             (request.universal ? " for " + platforms[p].python_platform + ", Python " + key + ", " +
                                                      part.implementation_name
                                                : std::string()) +
                             " with extras [" + util::join(forks[f].extras, ", ") + "] and groups [" +
                             util::join(forks[f].groups, ", ") + "]");
            dist::Resolution resolution = resolve(services, options, rr, build);
            results[i].push_back({p, f, key, part.implementation_name, std::move(resolution), std::move(in),
                                  std::move(target), false});
          }
        } catch (...) {
          errors[i] = std::current_exception();
        }
      };
      if (todo.size() > 1) {
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < todo.size(); ++i) threads.emplace_back(work, i);
        for (auto& t : threads) t.join();
      } else {
        work(0);
      }
      // In platform order: a cell without a solution (no wheels of a package for it, say) is left out
      // of a universal lock, said so; a cell's runs are kept only when all its forks resolved.
      for (std::size_t i = 0; i < todo.size(); ++i) {
        const std::size_t p = todo[i].first;
        const ImplementationPart& part = impls[todo[i].second];
        if (!errors[i]) {
          for (auto& run : results[i]) runs.push_back(std::move(run));
          continue;
        }
        if (!request.universal) std::rethrow_exception(errors[i]);
        if (!first_failure) first_failure = errors[i];
        std::string what;
        try {
          std::rethrow_exception(errors[i]);
        } catch (const std::exception& e) {
          what = e.what();
        }
        std::string where = platforms[p].python_platform + " with Python >=" + key +
                            (ranges[ri].hi ? ",<" + ranges[ri].hi->to_string() : std::string()) +
                            (part.marker.empty() ? std::string() : " (" + part.marker + ")");
        std::string why = first_lines(what);
        failed[{p, key, part.implementation_name}] = why;
        // required-environments: a cell one of them covers must resolve.
        if (!required.empty() && holds_in(required, p, python, part))
          throw util::Error(util::ErrorKind::Resolution,
                            "--universal: no resolution for " + where + ", which required-environments requires: " + why,
                            "a package lacks wheels (or a solution) for that environment; drop it from "
                            "required-environments or add what it needs");
        util::log::warn("--universal: no resolution for " + where + " (" + why + "); the lock leaves it out");
      }
    }
    if (!request.universal) break;
    // Split the Python axis where the markers met so far can change their value, and resolve the
    // new ranges; the ranges below a split keep their resolution (same lowest version).
    bool split = false;
    for (auto& run : runs) {
      if (run.scanned) continue;
      run.scanned = true;
      std::vector<spec::Marker> markers;
      collect_markers(run.inputs, run.resolution, markers);
      for (const auto& m : markers) {
        for (const auto& v : python_split_points(m))
          if (axis.splits.size() + 1 < kMaxPythonRanges && axis.split_at(v)) split = true;
        for (auto& n : implementation_names(m))
          if (std::find(impl_named.begin(), impl_named.end(), n) == impl_named.end() && impl_named.size() < kMaxImplementations) {
            impl_named.push_back(n);
            split = true;
          }
      }
    }
    // The parts of the implementation axis; the runs so far (as CPython) stay valid for the first.
    impls = implementation_parts(impl_named);
    if (!split || round >= 5) break;
  }
  if (runs.empty() && first_failure) std::rethrow_exception(first_failure);

  // The cells: which have every fork resolved, which are outside the lock (failed, or not in the
  // environments: counted in or out of a package's marker as makes it shorter).
  std::vector<PythonRange> ranges = axis.ranges();
  const std::size_t P = platforms.size(), R = ranges.size();
  auto range_of = [&](const std::string& python) {
    if (!request.universal) return std::size_t{0};
    for (std::size_t r = 0; r < R; ++r)
      if (ranges[r].lo.to_string() == python) return r;
    return R;  // not reached: ranges only split
  };
  std::vector<std::vector<bool>> outside(P, std::vector<bool>(R, true));
  for (const auto& run : runs) outside[run.platform][range_of(run.python)] = false;

  struct Entry {
    lock::LockedPackage package;
    install::CompiledPin pin;
    std::vector<std::tuple<std::size_t, std::size_t, std::size_t, std::string>> in;  // platform, range, fork, marker
  };
  std::vector<Entry> entries;
  std::map<std::string, std::size_t> by_key;  // name|version|index|file -> entry
  lock::LockWriteOptions base_options;
  std::vector<std::string> unhashed, routed_pages, missing_hashes;
  EmittedLocations locations;
  bool first = true;
  for (auto& run : runs) {
    PipOptions options = pip_options(S, request.config_files);
    lock::LockWriteOptions w = lock_write_options(run.inputs, run.target, options, request.lock_path);
    if (first) {
      base_options = w;
      locations = emitted_locations(index_config_for(options, run.inputs, run.target));
    }
    first = false;
    if (w.torch && !base_options.torch) base_options.torch = w.torch;
    lock::LockWriteResult written = lock::lock_from_resolution(run.resolution, w);
    unhashed.insert(unhashed.end(), written.unhashed.begin(), written.unhashed.end());
    CompiledResolution compiled = compile_pins(run.inputs, run.resolution, request.hashes);
    routed_pages.insert(routed_pages.end(), compiled.routed_pages.begin(), compiled.routed_pages.end());
    missing_hashes.insert(missing_hashes.end(), compiled.missing_hashes.begin(), compiled.missing_hashes.end());
    std::map<std::string, install::CompiledPin> pins;
    for (auto& pin : compiled.pins) pins[pin.name] = std::move(pin);
    std::map<std::string, std::string> markers;
    if (pp) markers = selection_markers(*pp, forks[run.fork], run.resolution);
    for (auto& p : written.lock.packages) {
      // One entry per version and index (each cell may have chosen another wheel of it: the entry
      // keeps them all); version-less entries (directories, repositories) by their source.
      std::string key = p.name + "|" + p.version.value_or("") + "|" + p.index.value_or("");
      if (!p.version)
        key += "|" + (p.archive ? p.archive->url + p.archive->path : "") + (p.vcs ? p.vcs->url + p.vcs->commit_id : "") +
               (p.directory ? p.directory->path : "");
      auto [it, inserted] = by_key.emplace(key, entries.size());
      if (inserted) entries.push_back({p, pins[p.name], {}});
      Entry& e = entries[it->second];
      if (!inserted) {
        // Files one cell's resolution hashed (its platform's wheel, where the index gives no hash)
        // that another's did not: the entry keeps every hashed file.
        for (const auto& w2 : p.wheels)
          if (std::none_of(e.package.wheels.begin(), e.package.wheels.end(),
                           [&](const lock::LockedFile& f) { return f.url == w2.url; }))
            e.package.wheels.push_back(w2);
        if (!e.package.sdist && p.sdist) e.package.sdist = p.sdist;
        for (const auto& v : pins[p.name].via) e.pin.via.push_back(v);
        for (const auto& x : pins[p.name].extras)
          if (std::find(e.pin.extras.begin(), e.pin.extras.end(), x) == e.pin.extras.end()) e.pin.extras.push_back(x);
      }
        e.in.emplace_back(run.platform, range_of(run.python), run.fork * impls.size() + impl_index(run.implementation),
                        markers[p.name]);
    }
  }

  lock::Pylock lock;
  lock.created_by = base_options.created_by;
  lock.torch = base_options.torch;
  lock.extras = extras;
  lock.dependency_groups = groups;
  if (project && project->default_groups) {
    // [tool.uv] default-groups: the locked groups it names ("all": every locked group).
    for (const auto& g : *project->default_groups)
      if (g == "all") lock.default_groups = groups;
      else if (std::find(groups.begin(), groups.end(), g) != groups.end()) lock.default_groups.push_back(g);
  }
  // Without the key, none: uv's implicit ["dev"] is for `uv sync`, which has --no-dev to leave it
  // out; an install of a lock has only --group, so a default group could never be left out.
  bool any_failed = !failed.empty();
  if (request.universal) {
    lock.requires_python = project && project->requires_python_text ? *project->requires_python_text
                                                                     : ">=" + axis.lo.to_string();
    if (!environments.empty() && !any_failed) {
      for (const auto& e : environments) lock.environments.push_back(e.to_string());
    } else {
      for (std::size_t p = 0; p < P; ++p) {
        std::vector<bool> row(R);
        for (std::size_t r = 0; r < R; ++r) row[r] = !outside[p][r];
        if (std::none_of(row.begin(), row.end(), [](bool b) { return b; })) continue;
        std::string m = marker_and({platform_marker(platforms[p]), python_ranges_marker(ranges, row)});
        lock.environments.push_back(spec::Marker::parse(m).to_string());
      }
    }
  } else {
    lock.environments = base_options.environments;
    lock.requires_python = base_options.requires_python;
  }

  // The resolutions' parts of the marker space besides the grid: conflicting-extras forks times
  // implementation parts, index fork * impls + part.
  std::vector<std::string> part_markers;
  for (const auto& f : forks)
    for (const auto& part : impls) part_markers.push_back(marker_and({f.marker, part.marker}));
  SelectionLock out;
  for (auto& e : entries) {
    std::map<std::string, std::vector<std::vector<std::vector<bool>>>> grids;  // marker -> fork -> platform -> range
    for (const auto& [p, r, f, m] : e.in) {
      auto& g = grids[m];
      if (g.empty()) g.assign(part_markers.size(), std::vector<std::vector<bool>>(P, std::vector<bool>(R, false)));
      g[f][p][r] = true;
    }
    std::vector<std::string> parts;
    for (const auto& [m, g] : grids) {
      bool same = std::all_of(g.begin(), g.end(), [&](const auto& x) { return x == g.front(); });
      if (same) {
        parts.push_back(marker_and({cells_marker(platforms, ranges, g.front(), outside), m}));
        continue;
      }
      for (std::size_t f = 0; f < g.size(); ++f) {
        bool any = std::any_of(g[f].begin(), g[f].end(),
                               [](const auto& row) { return std::find(row.begin(), row.end(), true) != row.end(); });
        if (any) parts.push_back(marker_and({cells_marker(platforms, ranges, g[f], outside), part_markers[f], m}));
      }
    }
    std::string marker = marker_or(parts);
    e.package.marker = marker.empty() ? "" : spec::Marker::parse(marker).to_string();
    e.pin.name = e.package.name;
    if (e.package.version && !e.pin.url) e.pin.version = *e.package.version;
    e.pin.marker = e.package.marker;
    e.pin.via = install::order_via(e.pin.via);
    out.pins.push_back(std::move(e.pin));
    lock.packages.push_back(std::move(e.package));
  }
  std::sort(unhashed.begin(), unhashed.end());
  unhashed.erase(std::unique(unhashed.begin(), unhashed.end()), unhashed.end());
  auto dedupe = [](std::vector<std::string>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  dedupe(routed_pages);
  dedupe(missing_hashes);
  out.routed_pages = std::move(routed_pages);
  out.locations = std::move(locations);
  out.missing_hashes = std::move(missing_hashes);
  out.packages = lock.packages.size();
  drop_packages(lock, request.no_emit);
  out.forks = runs.size();
  out.lock = {lock.to_toml(), std::move(unhashed)};
  return out;
}

}  // namespace ptinstall::ops
