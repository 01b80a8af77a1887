#include "ptinstall/ops/build_dispatch.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "build_parts.hpp"
#include "ptinstall/build/build_system.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/index/metadata_fetch.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/ops/environment.hpp"
#include "ptinstall/ops/installer.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/file_lock.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/vcs/git.hpp"
#include "ptinstall/vcs/git_cache.hpp"

namespace ptinstall::ops {

namespace fs = std::filesystem;
using detail::Source;

struct BuildDispatch::State {
  Services* services = nullptr;
  const python::Environment* target = nullptr;
  std::recursive_mutex mutex;
  std::map<std::string, Source> sources;            // by the Dist's URL (+ editable)
  std::map<std::string, std::string> metadata;      // by source key
  std::map<std::string, dist::BuiltWheel> wheels;   // by build key
  std::map<std::string, std::thread::id> in_progress;  // build keys being built, by which thread (a cycle guard)
  // The build environment of a source whose metadata came from its backend, kept for its build.
  std::map<std::string, std::shared_ptr<detail::BuildSession>> sessions;  // by build key
  std::size_t backend_runs = 0;
  std::map<std::string, spec::Version> runtime;     // what the install resolved (match-runtime)
  // "name==version" of everything installed in the target, read once (builds without isolation).
  std::optional<std::vector<std::string>> target_installed;

  // The checks every question starts with, and the source (located once per run).
  Source source_of(const dist::Dist& d, const dist::BuildOptions& options);

  // How a source is built now: isolated or not, its extra build requirements (match-runtime pinned
  // once the install's versions are known) and so the key and directory of its wheel in the cache.
  struct Plan {
    bool isolated = true;
    std::vector<std::string> extras;
    std::vector<std::string> environment;  // without isolation: what the target has, besides the package
    // -C settings with the package's own (--config-settings-package) added, and its extra-build-variables
    std::map<std::string, std::vector<std::string>> config_settings;
    std::map<std::string, std::string> variables;
    std::string key;
    fs::path cache_dir;
  };
  Plan plan(const dist::Dist& d, const Source& src, const PipOptions& options);

  // A build environment and hook runner for `src`, its build requirements installed through the
  // pipeline (nested, via `self`).
  std::shared_ptr<detail::BuildSession> open(BuildDispatch& self, const PipOptions& options, const Source& src,
                                             const Plan& plan, const std::string& what);
};

BuildDispatch::BuildDispatch(const PipOptions& options)
    : options_(options),
      build_options_(dist::BuildOptions::from_values(options.no_binary, options.only_binary, /*can_build=*/false)),
      state_(std::make_shared<State>()) {}

BuildDispatch::~BuildDispatch() = default;

void BuildDispatch::attach(Services& services, const python::Environment& target) {
  state_->services = &services;
  state_->target = &target;
  build_options_.can_build = true;
}

void BuildDispatch::add_file_options(const std::vector<std::string>& no_binary,
                                     const std::vector<std::string>& only_binary) {
  std::vector<std::string> nb = options_.no_binary, ob = options_.only_binary;
  nb.insert(nb.end(), no_binary.begin(), no_binary.end());
  ob.insert(ob.end(), only_binary.begin(), only_binary.end());
  const bool can_build = build_options_.can_build;
  build_options_ = dist::BuildOptions::from_values(nb, ob, can_build);
}

void BuildDispatch::set_runtime(const dist::Resolution& resolution) {
  std::lock_guard lock(state_->mutex);
  for (const auto& p : resolution.packages) state_->runtime[p.name()] = p.version;
}

std::size_t BuildDispatch::backend_runs() const {
  std::lock_guard lock(state_->mutex);
  return state_->backend_runs;
}

namespace {

std::string source_id(const dist::Dist& d) { return d.url() + (d.is_editable() ? "#editable" : ""); }

// Where a build's wheel is kept: the source, the interpreter (not which venv of it), editable or not,
// the -C settings, the isolation, and what the build could import: the extra build requirements of an
// isolated build, everything the target has for a build without isolation (so two venvs with the
// same packages share the wheel, and a target whose torch changed builds again).
std::string build_key(const Source& src, const python::InterpreterInfo& interp, bool isolated,
                      const std::map<std::string, std::vector<std::string>>& config_settings,
                      const std::map<std::string, std::string>& variables, const std::vector<std::string>& extras,
                      const std::vector<std::string>& environment) {
  std::string text = src.key + "\n" + interp.base_executable.string() + "\n" + interp.version + "\n" + interp.soabi +
                     "\n" + interp.sysconfig_platform + "\n" + (src.editable ? "editable" : "wheel") + "\n" +
                     (isolated ? "isolated" : "against the target") + "\n";
  for (const auto& [k, vs] : config_settings)
    for (const auto& v : vs) text += "-C " + k + "=" + v + "\n";
  for (const auto& [k, v] : variables) text += "env " + k + "=" + v + "\n";
  for (const auto& e : extras) text += "extra " + e + "\n";
  for (const auto& e : environment) text += "target has " + e + "\n";
  return util::sha256_hex(text);
}

// uv's extra-build-dependencies of `name`, as requirement strings; a match-runtime entry is pinned to
// the version the install resolved (when it resolved one).
std::vector<std::string> extra_requirements(const PipOptions& options, const std::string& name,
                                            const std::map<std::string, spec::Version>& runtime) {
  std::vector<std::string> out;
  auto it = options.extra_build_dependencies.find(name);
  if (it == options.extra_build_dependencies.end()) return out;
  for (const auto& dep : it->second) {
    spec::Requirement r = dep.requirement;
    if (dep.match_runtime)
      if (auto v = runtime.find(r.package.str()); v != runtime.end())
        r.specifier = spec::SpecifierSet::parse("==" + v->second.to_string());
    out.push_back(r.to_string());
  }
  return out;
}

std::optional<fs::path> cached_wheel(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".whl") return e.path();
  return std::nullopt;
}

}  // namespace

Source BuildDispatch::State::source_of(const dist::Dist& d, const dist::BuildOptions& options) {
  options.require_source_allowed(d.name, d.describe());
  if (!services || !target) throw util::Error(util::ErrorKind::Build, "internal error: no build context for " + d.describe());
  std::lock_guard lock(mutex);
  auto it = sources.find(source_id(d));
  if (it == sources.end()) it = sources.emplace(source_id(d), detail::locate_source(d, *services)).first;
  return it->second;
}

BuildDispatch::State::Plan BuildDispatch::State::plan(const dist::Dist& d, const Source& src, const PipOptions& options) {
  Plan p;
  // A path given without a name is known by the name its tree declares (pyproject.toml, setup.cfg,
  // setup.py), where it declares one, for the settings that are keyed by name.
  std::string name = d.name;
  if (name.empty() && !src.tree.empty())
    if (auto declared = build::declared_project_name(src.tree)) name = spec::normalize_name(*declared);
  p.isolated = !options.no_build_isolation && !options.no_build_isolation_packages.count(name);
  {
    std::lock_guard lock(mutex);
    if (p.isolated) {
      p.extras = extra_requirements(options, name, runtime);
    } else {
      // A build against the target sees whatever is installed there (flash-attn imports the torch it
      // finds): a wheel built against torch 2.8 must not be reused once the target has torch 2.9.
      if (!target_installed) {
        target_installed.emplace();
        for (const auto& dist : install::scan_installed(site_dirs(*target)))
          target_installed->push_back(dist.normalized + "==" + dist.version);
        std::sort(target_installed->begin(), target_installed->end());
      }
      for (const auto& line : *target_installed)
        if (name.empty() || line.compare(0, name.size() + 2, name + "==") != 0) p.environment.push_back(line);
    }
  }
  // uv's per-package settings: the package's -C settings after the global ones (a key given in both takes
  // the package's values), and the environment variables of its build.
  p.config_settings = options.config_settings;
  if (auto cs = options.config_settings_package.find(name); cs != options.config_settings_package.end())
    for (const auto& [k, vs] : cs->second) p.config_settings[k] = vs;
  if (auto vars = options.extra_build_variables.find(name); vars != options.extra_build_variables.end())
    p.variables = vars->second;
  p.key = build_key(src, target->interpreter(), p.isolated, p.config_settings, p.variables, p.extras, p.environment);
  p.cache_dir = services->cache().bucket("built-wheels-v1") / p.key.substr(0, 2) / p.key;
  return p;
}

std::shared_ptr<detail::BuildSession> BuildDispatch::State::open(BuildDispatch& self, const PipOptions& options,
                                                                 const Source& src, const Plan& plan,
                                                                 const std::string& what) {
  detail::BuildEnvContext ctx{services, &options, target, &self};
  return std::make_shared<detail::BuildSession>(detail::open_session(
      src, options, *target, plan.isolated, ctx, what, services->cache().bucket("build-requires-v1"), plan.extras,
      plan.config_settings, plan.variables));
}

dist::Dist BuildDispatch::pin(const dist::Dist& d) {
  auto* g = std::get_if<dist::Git>(&d.source);
  if (!g || (g->commit && (!g->editable || g->checkout))) return d;
  State& S = *state_;
  if (!S.services || !S.target) return d;  // no build frontend: the source is refused when asked for
  dist::Dist out = d;
  auto& pinned = std::get<dist::Git>(out.source);
  if (!pinned.commit) pinned.commit = S.services->git().resolve(g->repository, g->reference).commit;
  if (pinned.editable && !pinned.checkout) {
    // pip's place for editable VCS checkouts: <sys.prefix>/src in a venv, ./src otherwise.
    fs::path base = S.target->is_venv() ? S.target->root() / "src" : fs::current_path() / "src";
    std::string name = d.name.empty() ? vcs::repository_name(g->repository) : d.name;
    pinned.checkout = base / name;
  }
  return out;
}

std::string BuildDispatch::metadata(const dist::Dist& d) {
  State& S = *state_;
  Source src = S.source_of(d, build_options_);
  {
    std::lock_guard lock(S.mutex);
    if (auto m = S.metadata.find(src.key); m != S.metadata.end()) return m->second;
  }
  auto remember = [&](std::string md) {
    std::lock_guard lock(S.mutex);
    S.metadata[src.key] = md;
    S.sources[source_id(d)] = src;  // with its unpacked tree, for the build
    return md;
  };
  // 1. A wheel of this source in the cache of built wheels: nothing to unpack or run.
  const State::Plan plan = S.plan(d, src, options_);
  if (auto w = cached_wheel(plan.cache_dir)) return remember(index::read_wheel_metadata(*w));
  // 2. Static metadata: no backend at all (PEP 643 sdists, static [project] tables).
  detail::unpack_source(src);
  if (auto st = build::static_metadata(src.tree)) {
    util::log::debug("build: static metadata of " + d.describe());
    return remember(*st);
  }
  // 3. The backend's prepare_metadata_for_build_*; without that hook, a full build (kept for the install).
  const std::string what = d.describe();
  auto session = S.open(*this, options_, src, plan, what);
  {
    std::lock_guard lock(S.mutex);
    S.sessions[plan.key] = session;  // the build of this source reuses its environment
  }
  fs::path md_dir = session->work->path() / "metadata";
  fs::create_directories(md_dir);
  std::optional<fs::path> dist_info;
  try {
    {
      std::lock_guard lock(S.mutex);
      ++S.backend_runs;
    }
    dist_info = session->runner->prepare_metadata(session->kind, md_dir);
  } catch (const build::HookError& e) {
    throw detail::build_failure(what, e);
  }
  if (dist_info) {
    auto text = util::try_read_file(*dist_info / "METADATA");
    if (!text)
      throw util::Error(util::ErrorKind::Build, "Failed to build " + what + ": the backend made " +
                                                    dist_info->filename().string() + " without METADATA");
    return remember(*text);
  }
  dist::BuiltWheel w = build_wheel(d);
  return remember(index::read_wheel_metadata(w.path));
}

dist::BuiltWheel BuildDispatch::build_wheel(const dist::Dist& d) {
  State& S = *state_;
  Source src = S.source_of(d, build_options_);
  const std::string what = d.describe();
  const State::Plan plan = S.plan(d, src, options_);
  const std::string& key = plan.key;
  const fs::path& cache_dir = plan.cache_dir;
  auto finish = [&](const fs::path& path) {
    dist::BuiltWheel w{path, path.filename().string(), src.archive_sha256};
    std::lock_guard lock(S.mutex);
    S.wheels[key] = w;
    return w;
  };
  {
    std::lock_guard lock(S.mutex);
    if (auto it = S.wheels.find(key); it != S.wheels.end()) return it->second;
    // The same thread asking again is a cycle; another thread building it is waited for (below).
    if (auto it = S.in_progress.find(key); it != S.in_progress.end() && it->second == std::this_thread::get_id())
      throw util::Error(util::ErrorKind::Build, "building " + what + " needs " + what + " itself",
                        "a build dependency cycle: a build requirement depends on the package being built");
  }
  if (auto w = cached_wheel(cache_dir)) {
    util::log::debug("build: " + what + " from the cache of built wheels");
    return finish(*w);
  }
  // One build of a source at a time across processes: the second waits, then takes the first's wheel.
  util::FileLock build_lock =
      util::FileLock::acquire(cache_dir.parent_path() / (key + ".lock"), "the build of " + what, options_.build_timeout);
  if (auto w = cached_wheel(cache_dir)) {
    util::log::debug("build: " + what + " was built by another process meanwhile");
    return finish(*w);
  }
  {
    std::lock_guard lock(S.mutex);
    S.in_progress[key] = std::this_thread::get_id();
  }
  struct Done {
    State& s;
    std::string k;
    ~Done() {
      std::lock_guard lock(s.mutex);
      s.in_progress.erase(k);
    }
  } done{S, key};

  std::shared_ptr<detail::BuildSession> session;
  {
    std::lock_guard lock(S.mutex);
    if (auto it = S.sessions.find(key); it != S.sessions.end()) {
      session = it->second;  // the environment metadata() prepared
      S.sessions.erase(it);
    }
  }
  if (!session) {
    detail::unpack_source(src);
    session = S.open(*this, options_, src, plan, what);
  }
  fs::path out_dir = session->work->path() / "out";
  fs::create_directories(out_dir);
  fs::path wheel;
  try {
    {
      std::lock_guard lock(S.mutex);
      ++S.backend_runs;
    }
    wheel = session->runner->build(session->kind, out_dir);
  } catch (const build::HookError& e) {
    throw detail::build_failure(what, e);
  }
  // The wheel must be of the project and version that were asked for.
  spec::WheelFilename wf;
  try {
    wf = spec::WheelFilename::parse(wheel.filename().string());
  } catch (const util::Error&) {
    throw util::Error(util::ErrorKind::Build, "Failed to build " + what + ": the backend wrote " +
                                                  wheel.filename().string() + ", which is no wheel name");
  }
  if (!d.name.empty() && wf.normalized_name() != d.name)
    throw util::Error(util::ErrorKind::Build, "Failed to build " + what + ": the backend built " +
                                                  wheel.filename().string() + ", a wheel of another project");
  if (d.version && !(wf.version == *d.version))
    throw util::Error(util::ErrorKind::Build, "Failed to build " + what + ": the backend built version " +
                                                  wf.version.to_string() + ", not " + d.version->to_string());
  // Into the cache of built wheels, whole or not at all: a directory renamed into place.
  std::error_code ec;
  fs::create_directories(cache_dir.parent_path());
  fs::path staging = cache_dir.parent_path() / (key + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(staging, ec);
  fs::create_directories(staging);
  fs::copy_file(wheel, staging / wheel.filename(), fs::copy_options::overwrite_existing);
  fs::rename(staging, cache_dir, ec);
  if (ec) fs::remove_all(staging, ec);  // another process was first: its wheel is as good
  auto stored = cached_wheel(cache_dir);
  if (!stored) throw util::Error(util::ErrorKind::Io, "cannot store the built wheel in " + cache_dir.string());
  util::log::debug("build: built " + stored->filename().string());
  return finish(*stored);
}

}  // namespace ptinstall::ops
