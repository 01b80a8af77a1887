#include "install_flow.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>

#include "environment.hpp"
#include "strict_check.hpp"
#include "install_support.hpp"
#include "ptinstall/install/prepare_ahead.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/ops/build_dispatch.hpp"
#include "ptinstall/ops/fast_path.hpp"
#include "ptinstall/ops/installer.hpp"
#include "ptinstall/ops/lock_file.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/progress.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::cli {
namespace {

using Clock = std::chrono::steady_clock;

bool verbose() { return util::log::enabled(util::log::Level::Debug); }

// --report PATH: the JSON to the file, or to stdout for `-`.
void emit_report(const std::optional<std::string>& path, const std::string& text) {
  if (!path) return;
  if (*path == "-") {
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  } else {
    util::write_file_atomic(*path, text);
  }
}

void print_stats(const ops::ResolveStats& s, ops::Services& services) {
  if (!verbose()) return;
  // The round trips the wall time paid in sequence (docs/install.md): about the dependency graph's
  // depth when the resolver keeps its frontier in flight.
  util::log::info(std::to_string(s.project_pages) + " project pages, " + std::to_string(s.metadata_fetches) +
                  " metadata fetches, " + std::to_string(services.client().request_count()) + " HTTP requests, " +
                  std::to_string(services.client().sequential_round_trips()) + " sequential round trips");
}

}  // namespace

int run_resolving_flow(Invocation& inv, FlowMode mode) {
  const auto start = Clock::now();
  const bool sync = mode == FlowMode::Sync;
  const ops::PipOptions opts = ops::pip_options(inv.settings, inv.config_files);
  const bool no_deps = sync || opts.no_deps;  // sync installs exactly the listed requirements
  // uv's `pip install --exact`: the resolution (dependencies included) becomes the whole environment,
  // as `pip sync` makes the listed pins the whole environment; what goes is listed (` - name==version`).
  const bool exact = !sync && opts.exact;
  if (inv.args.empty() && opts.requirement_files.empty() && opts.editables.empty())
    throw sync ? util::Error(util::ErrorKind::Usage, "no requirements to sync",
                             "give pinned requirements files: ptinstall pip sync requirements.txt")
               : util::Error(util::ErrorKind::Usage, "no packages to install",
                             "give package names, wheel files, or -r requirements.txt");
  // A dry run changes nothing, so PEP 668 does not refuse it (uv's rule).
  python::Environment env = target_environment(inv, !opts.dry_run);
  const ops::Target target = ops::make_target(opts, env.interpreter());
  ops::Services services(opts, open_cache(inv));
  ops::BuildDispatch build(opts);
  build.attach(services, env);
  ops::ResolveInputs in = ops::read_inputs(opts, inv.args, sync ? ops::Positionals::Files : ops::Positionals::Requirements,
                                           target.markers, &build, &services);
  // A lock is installed as it is: no resolution, its hashes always checked (docs/locks.md).
  std::optional<lock::LockInstall> locked;
  if (in.pylock) {
    if (!in.requirements.empty() || in.project || !in.constraints.empty() || !in.overrides.empty())
      throw util::Error(util::ErrorKind::Usage, *in.pylock + " is a lock file: it is installed on its own",
                        "give the pylock.toml without other requirements, constraints or projects");
    locked = ops::read_lock(util::redact_url(*in.pylock), in.pylock_text ? *in.pylock_text : util::read_file(*in.pylock),
                            opts, target, &build);
    if (locked->resolution.packages.empty() && !(sync && inv.settings.flag("allow-empty-requirements")))
      throw util::Error(util::ErrorKind::Usage, *in.pylock + ": no package of the lock applies to this environment" +
                                                    (sync ? "; syncing would uninstall every installed package" : ""),
                        sync ? "pass --allow-empty-requirements to empty the environment on purpose"
                             : "check the lock's markers and the --extra/--group you asked for");
  } else if (in.requirements.empty() && !sync)
    throw util::Error(util::ErrorKind::Usage, "no packages to install",
                      "give package names, wheel files, or -r requirements.txt");
  // uv's rule: a sync that names no package would empty the environment, so it is refused unless
  // asked for (a file read wrongly must never uninstall everything).
  if (!locked && in.requirements.empty() && sync) {
    if (!inv.settings.flag("allow-empty-requirements"))
      throw util::Error(util::ErrorKind::Usage,
                        "the requirements name no packages; syncing would uninstall every installed package",
                        "pass --allow-empty-requirements to empty the environment on purpose");
    util::log::warn("the requirements name no packages: every installed package will be removed");
  }

  std::optional<util::FileLock> lock;
  if (!opts.dry_run) lock.emplace(lock_environment(env));
  const auto installed = install::scan_installed(site_dirs(env));
  if (!sync && !exact && !locked) {
    if (auto audited = ops::already_satisfied(opts, in, target, installed, no_deps, services.capability_cache())) {
      if (opts.report) emit_report(opts.report, ops::installation_report({}, {}, {}, target.markers));
      util::log::info("Audited " + packages(*audited) + " in " + format_elapsed(Clock::now() - start));
      if (opts.dry_run) util::log::info("Would make no changes");
      warn_if_strict(inv, env);
      return 0;
    }
  }

  services.trust_hosts(in.file.trusted_hosts);
  ops::ResolveRequest request;
  request.inputs = &in;
  request.target = &target;
  request.no_deps = no_deps;
  request.preferred = installed;
  // Wheels start downloading as soon as the resolver decides them (docs/install.md); one it takes
  // back stays an unused cache entry, and the transfers still running when this returns are stopped.
  std::unique_ptr<install::PrepareAhead> ahead;
  if (!opts.dry_run && !locked && opts.prepare_ahead > 0) {
    install::PrepareOptions prep;
    prep.download_ranges = opts.download_ranges;
    prep.ranged_min_bytes = opts.download_ranges_min_bytes;
    ahead = std::make_unique<install::PrepareAhead>(services.cache(), services.client(), prep, opts.prepare_ahead);
    request.ahead = ahead.get();
  }
  ops::ResolveStats stats;
  dist::Resolution resolution =
      locked ? std::move(locked->resolution) : ops::resolve(services, opts, request, build, &stats);
  const auto resolved_in = Clock::now() - start;
  const install::Plan plan = ops::plan_install(resolution, installed, opts, sync || exact);
  const ops::PlanChanges changes = ops::plan_changes(plan, resolution);
  // The --torch-backend override warning matters only when something is installed or removed.
  if (!plan.empty())
    for (const auto& w : stats.warnings) util::log::warn(w);
  util::log::info("Resolved " + packages(resolution.packages.size()) + " in " + format_elapsed(resolved_in));
  if (!locked) {
    for (const auto& w : ops::yanked_warnings(resolution)) util::log::warn(w);
    ops::check_required_hashes(in, resolution, opts);
  }

  if (opts.dry_run || plan.empty()) {
    print_stats(stats, services);
    if (opts.report) emit_report(opts.report, ops::installation_report(resolution, plan, {}, target.markers));
    if (plan.empty()) {
      util::log::info("Audited " + packages(plan.unchanged.size()) + " in " + format_elapsed(Clock::now() - start));
      if (opts.dry_run) util::log::info("Would make no changes");
      warn_if_strict(inv, env);
      return 0;
    }
    if (!changes.removed.empty()) util::log::info("Would uninstall " + packages(changes.removed.size()));
    if (!changes.added.empty()) util::log::info("Would install " + packages(changes.added.size()));
    print_changes(changes.removed, changes.added);
    return 0;
  }

  // On a terminal: "Preparing 3/10 packages [====>   ] 12.4 MB" with a line per large file in flight
  // under it (util::ProgressBoard), redrawn in place at most 10 times a second, gone afterwards.
  util::ProgressBoard progress(
      util::progress_wanted(opts.no_progress, !util::log::enabled(util::log::Level::Info), verbose()));
  ops::InstallRequest ir;
  ir.env = &env;
  ir.resolution = &resolution;
  ir.plan = &plan;
  ir.required_hashes = locked ? locked->required_hashes : in.hashes;
  ir.ahead = ahead.get();
  if (progress.enabled()) {
    ir.on_build = [&progress](const std::string& what) { progress.headline(what.empty() ? "" : "Building " + what); };
    ir.on_progress = [&progress](std::size_t done, std::size_t total, std::uint64_t bytes) {
      progress.overall(done, total, bytes);
    };
    ir.on_file = [&progress](const std::string& name, std::uint64_t received, std::uint64_t total, bool finished) {
      progress.file(name, received, total, finished);
    };
  }
  // The downloads that started while resolving show their lines too, until the board goes.
  struct Reporting {
    install::PrepareAhead* ahead;
    ~Reporting() {
      if (ahead) ahead->report_files_to(nullptr);
    }
  } reporting{ir.on_file ? ahead.get() : nullptr};
  if (reporting.ahead) reporting.ahead->report_files_to(ir.on_file);
  ops::InstallOutcome outcome;
  try {
    for (std::size_t attempt = 0;; ++attempt) {
      try {
        outcome = ops::install(services, opts, ir, build);
        break;
      } catch (const util::Error& e) {
        // A locked file whose URL is gone: its index may still list it (the spec's fallback).
        if (!locked || attempt >= resolution.packages.size() || !ops::relocate_missing_file(resolution, services, e))
          throw;
      }
    }
  } catch (...) {
    if (reporting.ahead) reporting.ahead->report_files_to(nullptr);
    progress.clear();
    throw;
  }
  if (reporting.ahead) reporting.ahead->report_files_to(nullptr);
  progress.clear();

  if (opts.report) emit_report(opts.report, ops::installation_report(resolution, plan, outcome.sha256, target.markers));
  if (outcome.prepared > 0) util::log::info("Prepared " + packages(outcome.prepared) + " in " + format_elapsed(outcome.prepare_time));
  if (!changes.removed.empty())
    util::log::info("Uninstalled " + packages(changes.removed.size()) + " in " + format_elapsed(outcome.install_time));
  if (!changes.added.empty())
    util::log::info("Installed " + packages(changes.added.size()) + " in " + format_elapsed(outcome.install_time));
  if (opts.compile_bytecode)
    util::log::info("Bytecode compiled " + std::to_string(outcome.compiled) + (outcome.compiled == 1 ? " file" : " files") +
                    " in " + format_elapsed(outcome.compile_time));
  if (ahead)
    util::log::debug(std::to_string(ahead->started()) + " wheels started downloading while resolving, " +
                     std::to_string(ahead->succeeded()) + " of them prepared");
  print_stats(stats, services);
  print_changes(changes.removed, changes.added);
  warn_if_strict(inv, env);
  return 0;
}

}  // namespace ptinstall::cli
