// `ptinstall pip install` for local wheels: wheel files given by path (or file:// URL), and
// requirement names picked from --find-links directories. Plan (what is satisfied, what replaces
// what), prepare (unpack into the cache, in parallel), install (link into the environment in one
// transaction, in parallel), optionally compile bytecode, then uv's summary.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "command.hpp"
#include "environment.hpp"
#include "install_flow.hpp"
#include "install_support.hpp"
#include "ptinstall/install/compile_bytecode.hpp"
#include "ptinstall/install/install_order.hpp"
#include "ptinstall/install/local_wheels.hpp"
#include "ptinstall/install/transaction.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/install/wheel_installer.hpp"
#include "ptinstall/spec/direct_url.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/link.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/thread_pool.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::cli {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct Wanted {
  std::string normalized;
  fs::path wheel;                   // the file to install
  spec::WheelFilename filename;
  bool direct = false;              // given as a path or URL: direct_url.json, and a different version replaces
  std::optional<spec::SpecifierSet> specifier;  // name requirements: what an installed version must match
  std::vector<install::InstalledDist> installed;  // the installed distributions of the project
  bool satisfied = false;
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A positional argument that names a wheel file: a file:// URL or a path ending in .whl.
std::optional<fs::path> as_wheel_path(const std::string& arg) {
  if (arg.rfind("file://", 0) == 0) {
    std::string rest = arg.substr(7);
    if (!rest.empty() && rest.front() != '/') rest = rest.substr(rest.find('/'));  // file://host/path
    return fs::path(util::percent_decode(rest));
  }
  if (ends_with(util::to_lower(arg), ".whl") && arg.find("://") == std::string::npos &&
      arg.find(" @ ") == std::string::npos)
    return fs::path(arg);
  return std::nullopt;
}

std::string file_url(const fs::path& p) { return "file://" + util::percent_encode(fs::absolute(p).lexically_normal().string(), "/"); }

std::string tag_summary(const spec::WheelFilename& f) {
  std::string out;
  for (const auto& t : f.tags()) out += (out.empty() ? "" : ", ") + t.to_string();
  return out;
}

// Requires-Dist entries of the installed wheels that apply here and that nothing installed provides.
void warn_missing_dependencies(const std::vector<install::InstalledWheel>& done, const python::Environment& env) {
  std::set<std::string> present;
  for (const auto& d : install::scan_installed(site_dirs(env))) present.insert(d.normalized);
  auto markers = env.interpreter().marker_environment();
  for (const auto& w : done) {
    auto text = util::try_read_file(w.dist_info_dir / "METADATA");
    if (!text) continue;
    std::vector<std::string> missing;
    try {
      auto md = spec::CoreMetadata::parse(*text);
      for (const auto& raw : md.requires_dist) {
        auto req = spec::Requirement::parse(raw);
        if (!req.marker.evaluate(markers, {})) continue;
        if (!present.count(req.package.str())) missing.push_back(req.to_string());
      }
    } catch (const util::Error& e) {
      util::log::debug("cannot read the dependencies of " + w.name + ": " + e.what());
      continue;
    }
    if (!missing.empty())
      util::log::warn(spec::normalize_name(w.name) + "==" + w.version + " requires " + util::join(missing, ", ") +
                      ", which " + (missing.size() == 1 ? "is" : "are") +
                      " not installed (dependencies are not resolved yet; install them explicitly or pass --no-deps)");
  }
}

}  // namespace

int run_pip_install(Invocation& inv) {
  const auto start = Clock::now();
  const auto& S = inv.settings;
  // Anything but wheel files (names, `name @ url`, -r/-c/--overrides files) is resolved against the
  // indexes and find-links by the resolving flow (install_flow.cpp).
  bool only_wheel_files = !inv.args.empty() && S.get_list("requirement").empty() && S.get_list("constraint").empty() &&
                          S.get_list("override").empty();
  for (const auto& arg : inv.args) only_wheel_files = only_wheel_files && as_wheel_path(arg).has_value();
  if (!only_wheel_files) return run_resolving_install(inv);
  if (inv.args.empty())
    throw util::Error("no packages to install", "give wheel files (./pkg-1.0-py3-none-any.whl) or names with --find-links", 2);
  const bool dry_run = S.flag("dry-run");
  const bool reinstall = S.flag("reinstall");
  const bool upgrade = S.flag("upgrade");
  const util::LinkMode link_mode = util::parse_link_mode(S.get_or("link-mode", "clone"));

  python::Environment env = target_environment(inv, true);
  std::optional<util::FileLock> lock;
  if (!dry_run) lock.emplace(lock_environment(env));
  const auto scheme = install_scheme(env);
  const auto dirs = site_dirs(env);
  const auto tags = spec::SupportedTags::for_environment(env.interpreter().tag_environment());
  const auto markers = env.interpreter().marker_environment();

  // 1. What is wanted.
  std::vector<Wanted> wanted;
  std::vector<install::LocalWheel> local;
  bool local_scanned = false;
  for (const auto& arg : inv.args) {
    if (auto path = as_wheel_path(arg)) {
      std::error_code ec;
      if (!fs::is_regular_file(*path, ec))
        throw util::Error("wheel file " + path->string() + " does not exist", "check the path");
      Wanted w;
      try {
        w.filename = spec::WheelFilename::parse(path->filename().string());
      } catch (const util::Error& e) {
        throw util::Error(std::string(e.what()), "a wheel file is named name-version(-build)?-python-abi-platform.whl");
      }
      if (!tags.best_priority(w.filename.tags()))
        throw util::Error(path->filename().string() + " is not a supported wheel on this platform",
                          "it is built for " + tag_summary(w.filename) + "; the interpreter is " +
                              env.interpreter().display_name() + " (" + env.interpreter().sysconfig_platform + ")");
      w.wheel = fs::absolute(*path);
      w.normalized = w.filename.normalized_name();
      w.direct = true;
      wanted.push_back(std::move(w));
      continue;
    }
    auto req = spec::Requirement::parse(arg);
    if (req.url) throw util::Error("installing `" + arg + "` is not supported yet", "give the wheel file's path instead");
    if (!req.marker.evaluate(markers, {})) {
      util::log::debug("ignoring " + arg + ": its marker does not match this environment");
      continue;
    }
    if (S.get_list("find-links").empty())
      throw util::Error("installing `" + req.name + "` from an index is not supported yet",
                        "give wheel files, or a directory of wheels with --no-index --find-links DIR");
    if (!local_scanned) {
      std::vector<fs::path> dirs_fl;
      for (const auto& d : S.get_list("find-links")) {
        if (d.find("://") != std::string::npos && d.rfind("file://", 0) != 0)
          throw util::Error("--find-links " + d + " is not supported yet", "give a local directory");
        dirs_fl.push_back(d.rfind("file://", 0) == 0 ? fs::path(util::percent_decode(d.substr(7))) : fs::path(d));
      }
      local = install::scan_wheel_dirs(dirs_fl);
      local_scanned = true;
    }
    Wanted w;
    w.normalized = req.package.str();
    w.specifier = req.specifier;
    // Already satisfied (and no upgrade asked for)? Then no candidate is needed at all.
    w.installed = install::find_installed(dirs, w.normalized);
    bool installed_ok = !w.installed.empty() && !reinstall && !upgrade;
    if (installed_ok) {
      auto v = spec::Version::parse(w.installed.front().version);
      installed_ok = v && req.specifier.contains(*v, true);
    }
    if (installed_ok) {
      w.satisfied = true;
      w.filename.name = w.installed.front().name;
      w.filename.version_text = w.installed.front().version;
      wanted.push_back(std::move(w));
      continue;
    }
    auto best = install::best_wheel(local, req, tags, S.flag("pre"));
    if (!best) {
      throw util::Error("no wheel for `" + arg + "` in the --find-links directories",
                        "the candidates must match the name, the version specifier and this interpreter's tags (" +
                            env.interpreter().display_name() + ")");
    }
    w.wheel = fs::absolute(best->path);
    w.filename = best->filename;
    wanted.push_back(std::move(w));
  }
  // One entry per project.
  {
    std::map<std::string, const Wanted*> seen;
    for (const auto& w : wanted) {
      auto [it, fresh] = seen.emplace(w.normalized, &w);
      if (!fresh && it->second->wheel != w.wheel)
        throw util::Error("conflicting requests for " + w.normalized + ": " + it->second->filename.to_string() +
                          " and " + w.filename.to_string());
    }
    std::vector<Wanted> unique;
    std::set<std::string> added;
    for (auto& w : wanted)
      if (added.insert(w.normalized).second) unique.push_back(std::move(w));
    wanted = std::move(unique);
  }

  // 2. The plan: satisfied, or to install (replacing what is there).
  std::vector<Wanted*> todo;
  for (auto& w : wanted) {
    if (w.satisfied) continue;
    if (w.installed.empty()) w.installed = install::find_installed(dirs, w.normalized);
    if (!reinstall && w.installed.size() == 1) {
      auto v = spec::Version::parse(w.installed.front().version);
      if (v && *v == w.filename.version) {
        w.satisfied = true;
        continue;
      }
    }
    todo.push_back(&w);
  }
  util::log::info("Resolved " + packages(wanted.size()) + " in " + format_elapsed(Clock::now() - start));
  if (todo.empty()) {
    util::log::info("Audited " + packages(wanted.size()) + " in " + format_elapsed(Clock::now() - start));
    return 0;
  }
  std::sort(todo.begin(), todo.end(), [](const Wanted* a, const Wanted* b) { return a->normalized < b->normalized; });


  if (dry_run) {
    std::vector<std::pair<std::string, std::string>> removed, added;
    for (const auto* w : todo) {
      for (const auto& old : w->installed) removed.push_back({old.normalized, old.version});
      added.push_back({w->normalized, w->filename.version_text.empty() ? w->filename.version.to_string()
                                                                       : w->filename.version_text});
    }
    if (!removed.empty()) util::log::info("Would uninstall " + packages(removed.size()));
    util::log::info("Would install " + packages(added.size()));
    print_changes(removed, added);
    return 0;
  }

  // 3. Prepare: unpack into the cache, in parallel.
  const auto prepare_start = Clock::now();
  install::Cache cache = open_cache(inv);
  install::WheelCache wheel_cache(cache);
  util::ThreadPool pool(std::min<std::size_t>(todo.size(), 8));
  std::vector<install::WheelInfo> infos(todo.size());
  std::size_t unpacked = 0;
  std::vector<char> fresh(todo.size(), 0);
  util::parallel_for(&pool, todo.size(), [&](std::size_t i) {
    const Wanted& w = *todo[i];
    auto u = wheel_cache.unpack_file(w.wheel);
    fresh[i] = u.cached ? 0 : 1;
    std::string display = w.wheel.filename().string();
    infos[i] = install::WheelInfo::read(u.dir, display, w.filename.name);
    auto v = spec::Version::parse(infos[i].version);
    if (!v || *v != w.filename.version)
      throw util::Error("wheel " + display + " is invalid: its METADATA has version " + infos[i].version +
                        ", the file name says " + w.filename.version.to_string());
  });
  for (char f : fresh) unpacked += static_cast<std::size_t>(f);
  if (unpacked > 0)
    util::log::info("Prepared " + packages(unpacked) + " in " + format_elapsed(Clock::now() - prepare_start));

  // 4. Install, all or nothing.
  const auto install_start = Clock::now();
  install::Transaction tx(scheme.roots());
  util::Linker linker(link_mode);
  std::vector<install::InstalledWheel> done(todo.size());
  // When two wheels ship the same file, the one pip installs last keeps it. pip orders by its
  // resolver's graph (install_order.hpp); here the graph is the wheels' own Requires-Dist among
  // themselves, every wheel being requested.
  std::vector<std::size_t> order(todo.size());
  {
    std::map<std::string, std::vector<std::string>> graph;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < todo.size(); ++i) {
      names.push_back(todo[i]->normalized);
      auto& deps = graph[todo[i]->normalized];
      try {
        auto md = spec::CoreMetadata::parse(util::read_file(infos[i].dir / infos[i].dist_info / "METADATA"));
        for (const auto& raw : md.requires_dist) {
          auto req = spec::Requirement::parse(raw);
          if (req.applies(markers)) deps.push_back(req.package.str());
        }
      } catch (const util::Error& e) {
        util::log::debug("install order: cannot read the dependencies of " + todo[i]->normalized + ": " + e.what());
      }
    }
    auto ordered = install::installation_order(graph, names, names);
    for (std::size_t i = 0; i < todo.size(); ++i)
      order[i] = static_cast<std::size_t>(std::find(ordered.begin(), ordered.end(), todo[i]->normalized) - ordered.begin());
  }
  util::parallel_for(&pool, todo.size(), [&](std::size_t i) {
    const Wanted& w = *todo[i];
    install::InstallOptions opts;
    opts.requested = true;
    opts.order = order[i];
    if (!cache.is_temporary()) opts.generated_store = cache.bucket("generated-v1");
    if (w.direct) {
      spec::DirectUrl du;
      du.url = file_url(w.wheel);
      opts.direct_url_json = du.to_json();
    }
    done[i] = install::install_wheel(infos[i], scheme, linker, tx, opts, w.installed);
  });
  std::size_t compiled = 0;
  auto compile_start = Clock::now();
  if (S.flag("compile-bytecode")) compiled = install::compile_bytecode(done, scheme, tx);
  auto compile_end = Clock::now();
  tx.commit();
  util::log::debug("placed files with link mode " + std::string(util::to_string(linker.current())));

  std::vector<std::pair<std::string, std::string>> removed, added;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    for (const auto& old : todo[i]->installed) removed.push_back({old.normalized, old.version});
    added.push_back({todo[i]->normalized, infos[i].version});
  }
  if (!removed.empty())
    util::log::info("Uninstalled " + packages(removed.size()) + " in " + format_elapsed(Clock::now() - install_start));
  util::log::info("Installed " + packages(added.size()) + " in " + format_elapsed(Clock::now() - install_start));
  if (S.flag("compile-bytecode"))
    util::log::info("Bytecode compiled " + std::to_string(compiled) + (compiled == 1 ? " file" : " files") + " in " +
                    format_elapsed(compile_end - compile_start));
  print_changes(removed, added);
  if (!S.flag("no-deps")) warn_missing_dependencies(done, env);
  return 0;
}

}  // namespace ptinstall::cli
