#include "install_flow.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>

#include "environment.hpp"
#include "install_support.hpp"
#include "resolve_flow.hpp"
#include "ptinstall/config/index_config.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/index/metadata_fetch.hpp"
#include "ptinstall/install/compile_bytecode.hpp"
#include "ptinstall/install/install_order.hpp"
#include "ptinstall/install/plan.hpp"
#include "ptinstall/install/prepare.hpp"
#include "ptinstall/install/report.hpp"
#include "ptinstall/install/satisfied.hpp"
#include "ptinstall/install/transaction.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/install/wheel_installer.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/resolve/index_provider.hpp"
#include "ptinstall/resolve/solver.hpp"
#include "ptinstall/spec/direct_url.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/platform.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/torch/accelerator.hpp"
#include "ptinstall/torch/driver_tables.hpp"
#include "ptinstall/torch/index_list.hpp"
#include "ptinstall/torch/routing.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/link.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/progress.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/thread_pool.hpp"
#include "ptinstall/util/url.hpp"

#ifndef PTINSTALL_VERSION
#define PTINSTALL_VERSION "0.0.0"
#endif

namespace ptinstall::cli {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

bool verbose() { return util::log::enabled(util::log::Level::Debug); }

std::string version_text(const spec::Version& v) { return v.to_string(); }

// --report PATH: the JSON to the file, or to stdout for `-`.
void emit_report(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  } else {
    util::write_file_atomic(path, text);
  }
}

// uv's no-op fast path: when the installed distributions already satisfy the requirements and
// everything they reach, no index is asked and nothing is resolved. Only where the answer cannot
// differ from a resolution's: not for upgrades, reinstalls, hash checking, overrides, another
// target than the interpreter, packages with [tool.uv.sources], or (with --torch-backend) the
// packages routed to the PyTorch indexes, whose installed local version (+cpu, +cu126) may belong
// to another backend than the one asked for now.
std::optional<std::size_t> already_satisfied(const Invocation& inv, const ResolveInputs& in, const Target& target,
                                             const std::vector<install::InstalledDist>& installed, bool no_deps) {
  const auto& S = inv.settings;
  if (S.flag("upgrade") || !S.get_list("upgrade-package").empty() || S.flag("reinstall") ||
      S.flag("require-hashes") || in.file.require_hashes || !in.hashes.empty() || !in.overrides.empty() ||
      S.has("python-version") || S.has("python-platform"))
    return std::nullopt;
  auto check = install::check_satisfied(in.requirements, in.constraints, installed, target.markers, no_deps);
  if (!check.satisfied) {
    util::log::debug("resolving: " + check.reason);
    return std::nullopt;
  }
  const bool torch_backend = !S.get_or("torch-backend", "").empty();
  const config::IndexConfig cfg = index_config_for(inv, in, target);
  for (const auto* d : check.closure) {
    if (cfg.decisions.count(d->normalized) || cfg.options.pins.count(d->normalized)) {
      util::log::debug("resolving: " + d->normalized + " has a source of its own");
      return std::nullopt;
    }
    if (torch_backend && torch::is_routed(d->normalized)) {
      util::log::debug("resolving: " + d->normalized + " is routed by --torch-backend");
      return std::nullopt;
    }
  }
  return check.closure.size();
}

}  // namespace

int run_resolving_install(Invocation& inv) { return run_resolving_flow(inv, FlowMode::Install); }

int run_resolving_flow(Invocation& inv, FlowMode mode) {
  const auto start = Clock::now();
  const auto& S = inv.settings;
  const bool sync = mode == FlowMode::Sync;
  const bool dry_run = S.flag("dry-run");
  const bool no_deps = sync || S.flag("no-deps");  // sync installs exactly the listed requirements
  const std::optional<std::string> report_path = S.get("report");

  if (sync && inv.args.empty() && S.get_list("requirement").empty())
    throw util::Error("no requirements to sync", "give pinned requirements files: ptinstall pip sync requirements.txt", 2);
  if (!sync && inv.args.empty() && S.get_list("requirement").empty())
    throw util::Error("no packages to install", "give package names, wheel files, or -r requirements.txt", 2);
  for (const auto& nb : S.get_list("no-binary"))
    throw util::Error("--no-binary " + nb + " would need building from source",
                      "ptinstall installs wheels only (sdists are never built)", 2);
  python::Environment env = target_environment(inv, !dry_run);
  const Target target = make_target(S, env.interpreter());
  ResolveInputs in = read_resolve_inputs(inv, sync ? Positionals::Files : Positionals::Requirements, target.markers);
  if (in.requirements.empty() && !sync)
    throw util::Error("no packages to install", "give package names, wheel files, or -r requirements.txt", 2);
  if (in.requirements.empty())
    util::log::warn("the requirements name no packages: every installed package will be removed");
  for (const auto& nb : in.file.no_binary)
    throw util::Error("--no-binary " + nb + " in a requirements file would need building from source",
                      "ptinstall installs wheels only (sdists are never built)", 2);

  std::optional<util::FileLock> lock;
  if (!dry_run) lock.emplace(lock_environment(env));
  const auto dirs = site_dirs(env);
  const auto installed = install::scan_installed(dirs);
  if (!sync) {
    if (auto audited = already_satisfied(inv, in, target, installed, no_deps)) {
      if (report_path) emit_report(*report_path, install::installation_report({}, target.markers, PTINSTALL_VERSION));
      util::log::info("Audited " + packages(*audited) + " in " + format_elapsed(Clock::now() - start));
      if (dry_run) util::log::info("Would make no changes");
      return 0;
    }
  }

  // Indexes (with --torch-backend routing) and the resolution.
  install::Cache cache = open_cache(inv);
  ResolveOptions ropts;
  ropts.no_deps = no_deps;
  ropts.installed = installed;
  ResolveSession session = resolve_requirements(inv, in, target, cache, ropts, start);
  net::HttpClient& client = *session.client;
  resolve::IndexProvider& provider = *session.provider;
  const std::map<std::string, resolve::ChosenFile>& chosen = session.chosen;
  std::vector<const resolve::ResolvedPackage*> real;
  for (const auto& name : session.real) real.push_back(session.resolution.find(name));

  for (const auto& [name, cf] : chosen)
    if (cf.file.is_yanked())
      util::log::warn(name + "==" + cf.version.to_string() + " is yanked" +
                      (cf.file.yanked->empty() ? "" : " (reason: " + *cf.file.yanked + ")") + "; it was pinned with ==");

  if (S.flag("require-hashes") || in.file.require_hashes) {
    // pip's hash-checking mode: every requirement pinned with == (or ===, or a direct URL).
    for (const auto& r : in.requirements) {
      if (r.url) continue;
      bool pinned = false;
      for (const auto& sp : r.specifier.specifiers())
        pinned = pinned || (sp.op() == spec::Operator::Equal && !sp.is_wildcard()) || sp.op() == spec::Operator::ArbitraryEqual;
      if (!pinned)
        throw util::Error("--require-hashes: `" + r.to_string() + "` is not pinned with ==",
                          "hash checking needs exact pins: name==version --hash=sha256:...");
    }
    for (const auto* p : real)
      if (!in.hashes.count(p->name))
        throw util::Error("--require-hashes: " + p->name + "==" + p->version.to_string() + " has no --hash",
                          "every package, dependencies included, needs a pinned requirement with --hash "
                          "(pip-compile --generate-hashes writes them)");
  }

  // Plan.
  std::vector<install::WantedPackage> wanted;
  for (const auto* p : real) {
    install::WantedPackage w{p->name, p->version, std::nullopt};
    const auto& cf = chosen.at(p->name);
    if (cf.direct) w.direct_url = cf.file.url;
    wanted.push_back(std::move(w));
  }
  install::PlanOptions plan_opts;
  plan_opts.reinstall = S.flag("reinstall");
  plan_opts.remove_extraneous = sync;
  install::Plan plan = install::make_plan(wanted, installed, plan_opts);

  auto report_items = [&](const std::map<std::string, std::string>& actual_sha256) {
    std::vector<install::ReportItem> items;
    for (const auto& c : plan.changes) {
      const auto& cf = chosen.at(c.wanted.name);
      install::ReportItem it;
      it.metadata_raw = cf.metadata_raw;
      it.url = cf.file.url;
      if (!cf.direct) it.index_url = cf.file.index_url;
      it.hashes = cf.file.hashes;
      if (auto a = actual_sha256.find(c.wanted.name); a != actual_sha256.end() && !it.hashes.count("sha256"))
        it.hashes["sha256"] = a->second;
      it.is_direct = cf.direct;
      it.is_yanked = cf.file.is_yanked();
      it.requested = provider.is_requested(c.wanted.name);
      it.requested_extras = provider.requested_extras(c.wanted.name);
      items.push_back(std::move(it));
    }
    return items;
  };
  auto write_report = [&](const std::map<std::string, std::string>& actual_sha256) {
    if (!report_path) return;
    emit_report(*report_path, install::installation_report(report_items(actual_sha256), target.markers, PTINSTALL_VERSION));
  };
  auto print_stats = [&] {
    if (!verbose()) return;
    auto ps = provider.stats();
    util::log::info(std::to_string(ps.project_pages) + " project pages, " + std::to_string(ps.metadata_fetches) +
                    " metadata fetches, " + std::to_string(client.request_count()) + " HTTP requests");
  };

  // A package taken from a PyTorch index (--torch-backend) names that index after its version.
  auto torch_index_of = [&](const std::string& name) -> std::string {
    if (!session.routing.active) return {};
    const auto& cf = chosen.at(name);
    if (cf.direct) return {};
    auto trim = [](std::string u) {
      while (!u.empty() && u.back() == '/') u.pop_back();
      return u;
    };
    for (const auto& u : session.routing.urls)
      if (trim(u) == trim(cf.file.index_url)) return util::redact_url(trim(u));
    return {};
  };
  std::vector<std::pair<std::string, std::string>> removed, added;
  for (const auto& c : plan.changes) {
    for (const auto& old : c.replaces) removed.push_back({old.normalized, old.version});
    std::string from = torch_index_of(c.wanted.name);
    added.push_back({c.wanted.name, version_text(c.wanted.version) + (from.empty() ? "" : " (from " + from + ")")});
  }
  for (const auto& d : plan.extraneous) removed.push_back({d.normalized, d.version});

  if (dry_run) {
    print_stats();
    write_report({});
    if (plan.empty()) {
      util::log::info("Audited " + packages(plan.unchanged.size()) + " in " + format_elapsed(Clock::now() - start));
      util::log::info("Would make no changes");
      return 0;
    }
    if (!removed.empty()) util::log::info("Would uninstall " + packages(removed.size()));
    if (!added.empty()) util::log::info("Would install " + packages(added.size()));
    print_changes(removed, added);
    return 0;
  }
  if (plan.empty()) {
    print_stats();
    write_report({});
    util::log::info("Audited " + packages(plan.unchanged.size()) + " in " + format_elapsed(Clock::now() - start));
    return 0;
  }

  // Prepare: everything in the wheel cache before anything is installed.
  const auto prepare_start = Clock::now();
  std::vector<install::PrepareItem> items;
  for (const auto& c : plan.changes) {
    const auto& cf = chosen.at(c.wanted.name);
    install::PrepareItem it;
    it.name = c.wanted.name;
    it.file = cf.file;
    if (auto h = in.hashes.find(c.wanted.name); h != in.hashes.end()) it.required_hashes = h->second;
    it.local_wheel = cf.wheel_path;
    items.push_back(std::move(it));
  }
  install::WheelCache wheel_cache(cache);
  install::PrepareOptions prep_opts;
  prep_opts.concurrency = std::clamp<std::size_t>(client.options().concurrency, 1, 16);
  // On a terminal: "Preparing 3/10 packages, 12.4 MB downloaded", redrawn in place, gone afterwards.
  util::ProgressLine progress(
      util::progress_wanted(S.flag("no-progress"), !util::log::enabled(util::log::Level::Info), verbose()));
  if (progress.enabled())
    prep_opts.on_progress = [&progress, last_done = std::make_shared<std::atomic<std::size_t>>(0)](
                                std::size_t done, std::size_t total, std::uint64_t bytes) {
      bool advanced = last_done->exchange(done) != done;
      progress.update("Preparing " + std::to_string(done) + "/" + std::to_string(total) + " packages" +
                          (bytes ? ", " + util::format_bytes(bytes) + " downloaded" : std::string()),
                      advanced);
    };
  install::PrepareStats prep_stats;
  std::vector<install::PreparedWheel> prepared =
      install::prepare_wheels(items, wheel_cache, cache, client, prep_opts, &prep_stats);
  progress.clear();
  std::size_t fresh = prep_stats.unpacked;
  if (fresh > 0)
    util::log::info("Prepared " + packages(fresh) + " in " + format_elapsed(Clock::now() - prepare_start));

  // Install, all or nothing.
  const auto install_start = Clock::now();
  const auto scheme = install_scheme(env);
  const util::LinkMode link_mode = util::parse_link_mode(S.get_or("link-mode", "clone"));
  std::vector<install::WheelInfo> infos(items.size());
  std::unique_ptr<util::ThreadPool> pool;
  if (items.size() > 1) pool = std::make_unique<util::ThreadPool>(std::min<std::size_t>(items.size(), 8));
  util::parallel_for(pool.get(), items.size(), [&](std::size_t i) {
    infos[i] = install::WheelInfo::read(prepared[i].unpacked.dir, items[i].file.filename, items[i].name);
  });
  install::Transaction tx(scheme.roots());
  util::Linker linker(link_mode);
  std::vector<install::InstalledWheel> done(items.size());
  // Each wheel's position in pip's installation order, from the resolution's dependency graph
  // (dependencies first, see install_order.hpp); system:* packages are not pip's.
  std::map<std::string, std::vector<std::string>> graph;
  for (const auto& p : session.resolution.packages)
    if (!resolve::is_system_package(p.name)) graph[p.name] = p.dependencies;
  std::vector<std::string> names;
  for (const auto& it : items) names.push_back(it.name);
  std::map<std::string, std::size_t> position;
  for (const auto& name : install::installation_order(graph, session.resolution.root_dependencies, names))
    position.emplace(name, position.size());
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) order[i] = position.at(items[i].name);
  auto install_one = [&](std::size_t i) {
    const auto& c = plan.changes[i];
    const auto& cf = chosen.at(c.wanted.name);
    install::InstallOptions opts;
    opts.requested = provider.is_requested(c.wanted.name);
    if (!cache.is_temporary()) opts.generated_store = cache.bucket("generated-v1");
    if (cf.direct) {
      spec::DirectUrl du;
      du.url = cf.file.url;
      du.archive_hash = "sha256=" + prepared[i].unpacked.sha256;
      opts.direct_url_json = du.to_json();
    }
    // Wheels that ship the same file (every nvidia-* wheel has nvidia/__init__.py) still install in
    // parallel: the transaction places one path at a time and the wheel with the higher order (the
    // one pip installs later) keeps it.
    opts.order = order[i];
    done[i] = install::install_wheel(infos[i], scheme, linker, tx, opts, c.replaces);
  };
  util::parallel_for(pool.get(), items.size(), install_one);
  std::size_t compiled = 0;
  auto compile_start = Clock::now();
  if (S.flag("compile-bytecode")) compiled = install::compile_bytecode(done, scheme, tx);
  auto compile_end = Clock::now();
  for (const auto& d : plan.extraneous) install::uninstall(d, tx);  // pip sync
  tx.commit();

  std::map<std::string, std::string> actual;
  for (std::size_t i = 0; i < items.size(); ++i) actual[items[i].name] = prepared[i].unpacked.sha256;
  write_report(actual);
  if (!removed.empty())
    util::log::info("Uninstalled " + packages(removed.size()) + " in " + format_elapsed(Clock::now() - install_start));
  if (!added.empty())
    util::log::info("Installed " + packages(added.size()) + " in " + format_elapsed(Clock::now() - install_start));
  if (S.flag("compile-bytecode"))
    util::log::info("Bytecode compiled " + std::to_string(compiled) + (compiled == 1 ? " file" : " files") + " in " +
                    format_elapsed(compile_end - compile_start));
  print_stats();
  print_changes(removed, added);
  return 0;
}

}  // namespace ptinstall::cli
