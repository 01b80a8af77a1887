#include "ptinstall/ops/installer.hpp"

#include "build_chain.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <thread>

#include "ptinstall/index/find_links.hpp"
#include "ptinstall/install/compile_bytecode.hpp"
#include "ptinstall/install/install_order.hpp"
#include "ptinstall/install/prepare.hpp"
#include "ptinstall/install/report.hpp"
#include "ptinstall/install/transaction.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/install/wheel_installer.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/ops/environment.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/url.hpp"
#include "ptinstall/util/link.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/thread_pool.hpp"

#ifndef PTINSTALL_VERSION
#define PTINSTALL_VERSION "0.0.0"
#endif

namespace ptinstall::ops {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

install::Plan plan_install(const dist::Resolution& resolution, const std::vector<install::InstalledDist>& installed,
                           const PipOptions& options, bool sync) {
  std::vector<install::WantedPackage> wanted;
  for (const auto& p : resolution.packages) {
    install::WantedPackage w{p.name(), p.version, std::nullopt};
    if (auto du = p.dist.direct_url()) w.direct_url = du->identity();
    wanted.push_back(std::move(w));
  }
  install::PlanOptions plan_opts;
  plan_opts.reinstall = options.reinstall;
  plan_opts.reinstall_packages.insert(options.reinstall_packages.begin(), options.reinstall_packages.end());
  plan_opts.remove_extraneous = sync;
  return install::make_plan(wanted, installed, plan_opts);
}

PlanChanges plan_changes(const install::Plan& plan, const dist::Resolution& resolution) {
  PlanChanges out;
  for (const auto& c : plan.changes) {
    for (const auto& old : c.replaces) out.removed.push_back({old.normalized, old.version});
    const dist::ResolvedDist* rd = resolution.find(c.wanted.name);
    std::string from = rd ? rd->routed_index : std::string();
    out.added.push_back({c.wanted.name, c.wanted.version.to_string() + (from.empty() ? "" : " (from " + from + ")")});
  }
  for (const auto& d : plan.extraneous) out.removed.push_back({d.normalized, d.version});
  return out;
}

InstallOutcome install(Services& services, const PipOptions& options, const InstallRequest& request,
                       dist::BuildContext& build) {
  const install::Plan& plan = *request.plan;
  const dist::Resolution& resolution = *request.resolution;
  const python::Environment& env = *request.env;
  install::Cache& cache = services.cache();
  InstallOutcome out;

  // Prepare: everything in the wheel cache before anything is installed. Source distributions
  // become wheels through the build seam first.
  const auto prepare_start = Clock::now();
  std::vector<install::PrepareItem> items;
  std::vector<const dist::ResolvedDist*> resolved;
  std::vector<std::size_t> to_build;   // items that are source distributions
  std::vector<std::size_t> downloads;  // items that are wheels
  for (const auto& c : plan.changes) {
    const dist::ResolvedDist* rd = resolution.find(c.wanted.name);
    if (!rd) throw util::Error("internal error: " + c.wanted.name + " is planned but not resolved");
    install::PrepareItem it;
    it.name = c.wanted.name;
    if (rd->dist.is_wheel()) {
      if (const index::IndexFile* f = rd->dist.index_file()) {
        it.file = *f;
      } else {
        it.file.url = rd->dist.url();
        it.file.filename = rd->dist.filename();
        it.file.hashes = rd->dist.hashes();
        it.file.kind = index::FileKind::Wheel;
      }
      it.local_wheel = rd->local_wheel;
      if (auto* p = std::get_if<dist::LocalPath>(&rd->dist.source)) it.local_wheel = p->path;
      downloads.push_back(items.size());
    } else {
      to_build.push_back(items.size());
    }
    if (auto h = request.required_hashes.find(c.wanted.name); h != request.required_hashes.end())
      it.required_hashes = h->second;
    items.push_back(std::move(it));
    resolved.push_back(rd);
  }
  // Source distributions are built (in parallel, --concurrent-builds) while the wheels download and
  // unpack: a build does not wait for the downloads, nor the downloads for the builds. The built
  // wheels are prepared (unpacked into the cache) once every build has finished.
  std::vector<std::string> archive_sha256(items.size());  // built from an sdist: its hash for direct_url.json
  std::exception_ptr build_error;
  std::thread builder;
  if (!to_build.empty()) {
    build.set_runtime(resolution);
    const std::vector<detail::BuildLink> chain = detail::build_chain();  // a nested install's builds
    builder = std::thread([&, chain] {
      try {
        std::unique_ptr<util::ThreadPool> builders;
        std::size_t n = std::min(to_build.size(), std::max<std::size_t>(1, options.concurrent_builds));
        if (n > 1) builders = std::make_unique<util::ThreadPool>(n);
        util::parallel_for(builders.get(), to_build.size(), [&](std::size_t k) {
          detail::InheritBuildChain inherit(chain);
          std::size_t i = to_build[k];
          if (request.on_build) request.on_build(resolved[i]->dist.describe());
          dist::BuiltWheel built = build.build_wheel(resolved[i]->dist);
          archive_sha256[i] = built.archive_sha256;
          items[i].file.url = index::file_url(built.path);
          items[i].file.filename = built.filename;
          items[i].file.kind = index::FileKind::Wheel;
          items[i].local_wheel = built.path;
        });
      } catch (...) {
        build_error = std::current_exception();
      }
      if (request.on_build) request.on_build("");
    });
  }
  install::WheelCache wheel_cache(cache);
  install::PrepareStats prep_stats;
  std::vector<install::PreparedWheel> prepared(items.size());
  // One prepare_wheels call per group; progress counts over all items.
  auto prepare_group = [&](const std::vector<std::size_t>& group, std::size_t done_before, std::uint64_t bytes_before) {
    if (group.empty()) return;
    std::vector<install::PrepareItem> part;
    for (std::size_t i : group) part.push_back(items[i]);
    install::PrepareOptions prep_opts;
    prep_opts.concurrency = std::clamp<std::size_t>(services.client().options().concurrency, 1, 16);
    prep_opts.download_ranges = options.download_ranges;
    prep_opts.ranged_min_bytes = options.download_ranges_min_bytes;
    if (request.on_progress)
      prep_opts.on_progress = [&, done_before, bytes_before](std::size_t done, std::size_t, std::uint64_t bytes) {
        request.on_progress(done_before + done, items.size(), bytes_before + bytes);
      };
    prep_opts.on_file = request.on_file;
    prep_opts.ahead = request.ahead;
    install::PrepareStats stats;
    auto got = install::prepare_wheels(part, wheel_cache, cache, services.client(), prep_opts, &stats);
    for (std::size_t k = 0; k < group.size(); ++k) prepared[group[k]] = std::move(got[k]);
    prep_stats.unpacked += stats.unpacked;
    prep_stats.bytes += stats.bytes;
  };
  try {
    prepare_group(downloads, 0, 0);
  } catch (...) {
    if (builder.joinable()) builder.join();  // the builds finish (or fail) before the error is said
    throw;
  }
  if (builder.joinable()) builder.join();
  if (build_error) std::rethrow_exception(build_error);
  prepare_group(to_build, downloads.size(), prep_stats.bytes);
  out.prepared = prep_stats.unpacked;
  out.prepare_time = Clock::now() - prepare_start;

  // Install, all or nothing.
  const auto install_start = Clock::now();
  const auto scheme = install_scheme(env);
  std::vector<install::WheelInfo> infos(items.size());
  std::unique_ptr<util::ThreadPool> pool;
  const std::size_t threads = std::min(items.size(), std::max<std::size_t>(1, options.concurrent_installs));
  if (threads > 1) pool = std::make_unique<util::ThreadPool>(threads);
  util::log::debug("installing " + std::to_string(items.size()) + " wheels, " + std::to_string(threads) + " at once");
  util::parallel_for(pool.get(), items.size(), [&](std::size_t i) {
    infos[i] = install::WheelInfo::read(prepared[i].unpacked.dir, items[i].file.filename, items[i].name);
  });
  install::Transaction tx(scheme.roots());
  util::Linker linker(options.link_mode);
  std::vector<install::InstalledWheel> done(items.size());
  // Each wheel's position in pip's installation order, from the resolution's dependency graph
  // (dependencies first, see install_order.hpp).
  std::vector<std::string> names;
  for (const auto& it : items) names.push_back(it.name);
  std::map<std::string, std::size_t> position;
  for (const auto& name : install::installation_order(resolution.install_graph(), resolution.roots, names))
    position.emplace(name, position.size());
  auto install_one = [&](std::size_t i) {
    const auto& c = plan.changes[i];
    const dist::ResolvedDist& rd = *resolved[i];
    install::InstallOptions opts;
    opts.requested = rd.requested;
    if (!cache.is_temporary()) opts.generated_store = cache.bucket("generated-v1");
    // PEP 610: a wheel's own hash, or for a wheel built from an archive, the archive's.
    std::optional<std::string> hash = prepared[i].unpacked.sha256;
    if (!rd.dist.is_wheel()) {
      hash.reset();
      if (!archive_sha256[i].empty()) hash = archive_sha256[i];
    }
    if (auto du = rd.dist.direct_url(hash)) opts.direct_url_json = du->to_json();
    // Wheels that ship the same file (every nvidia-* wheel has nvidia/__init__.py) still install in
    // parallel: the transaction places one path at a time and the wheel with the higher order (the
    // one pip installs later) keeps it.
    auto pos = position.find(items[i].name);
    opts.order = pos == position.end() ? i : pos->second;
    done[i] = install::install_wheel(infos[i], scheme, linker, tx, opts, c.replaces);
  };
  util::parallel_for(pool.get(), items.size(), install_one);
  auto compile_start = Clock::now();
  if (options.compile_bytecode) out.compiled = install::compile_bytecode(done, scheme, tx);
  out.compile_time = Clock::now() - compile_start;
  for (const auto& d : plan.extraneous) install::uninstall(d, tx);  // pip sync
  tx.commit();
  out.install_time = Clock::now() - install_start;
  for (std::size_t i = 0; i < items.size(); ++i) out.sha256[items[i].name] = prepared[i].unpacked.sha256;
  return out;
}

std::vector<std::string> yanked_warnings(const dist::Resolution& resolution) {
  std::vector<std::string> out;
  for (const auto& p : resolution.packages)
    if (const auto* f = p.dist.index_file(); f && f->is_yanked())
      out.push_back(p.name() + "==" + p.version.to_string() + " is yanked" +
                    (f->yanked->empty() ? "" : " (reason: " + *f->yanked + ")") + "; it was pinned with ==");
  return out;
}

void check_required_hashes(const ResolveInputs& in, const dist::Resolution& resolution, const PipOptions& options) {
  if (!options.require_hashes && !in.file.require_hashes) return;
  // pip's hash-checking mode: every requirement pinned with == (or ===, or a direct URL).
  for (const auto& r : in.requirements) {
    if (r.url) continue;
    bool pinned = false;
    for (const auto& sp : r.specifier.specifiers())
      pinned = pinned || (sp.op() == spec::Operator::Equal && !sp.is_wildcard()) || sp.op() == spec::Operator::ArbitraryEqual;
    if (!pinned)
      throw util::Error(util::ErrorKind::Hash, "--require-hashes: `" + r.to_string() + "` is not pinned with ==",
                        "hash checking needs exact pins: name==version --hash=sha256:...");
  }
  for (const auto& p : resolution.packages) {
    // pip's rule: a repository has no hash, so hash-checking mode cannot take it.
    if (std::holds_alternative<dist::Git>(p.dist.source))
      throw util::Error(util::ErrorKind::Hash,
                        "--require-hashes: " + p.name() + " comes from " + util::redact_url(p.dist.url()) +
                            ", and a git repository has no hash to check",
                        "install it without --require-hashes (a full commit hash in the URL pins it), or use a "
                        "wheel or sdist of it with --hash");
    if (!in.hashes.count(p.name()))
      throw util::Error(util::ErrorKind::Hash,
                        "--require-hashes: " + p.name() + "==" + p.version.to_string() + " has no --hash",
                        "every package, dependencies included, needs a pinned requirement with --hash "
                        "(pip-compile --generate-hashes writes them)");
  }
}

std::string installation_report(const dist::Resolution& resolution, const install::Plan& plan,
                                const std::map<std::string, std::string>& sha256,
                                const spec::MarkerEnvironment& markers) {
  std::vector<install::ReportItem> items;
  for (const auto& c : plan.changes) {
    const dist::ResolvedDist* rd = resolution.find(c.wanted.name);
    if (!rd) continue;
    install::ReportItem it;
    it.metadata_raw = rd->metadata_raw;
    it.url = rd->dist.url();
    if (!rd->dist.is_direct()) it.index_url = rd->dist.index_url();
    it.hashes = rd->dist.hashes();
    if (auto a = sha256.find(c.wanted.name); a != sha256.end() && !it.hashes.count("sha256"))
      it.hashes["sha256"] = a->second;
    it.is_direct = rd->dist.is_direct();
    const bool tree = std::holds_alternative<dist::LocalPath>(rd->dist.source) &&
                      std::get<dist::LocalPath>(rd->dist.source).kind == dist::PathKind::Tree;
    if (tree || std::holds_alternative<dist::Git>(rd->dist.source))
      if (auto du = rd->dist.direct_url()) it.download_info_json = du->to_json();
    it.is_yanked = rd->dist.index_file() && rd->dist.index_file()->is_yanked();
    it.requested = rd->requested;
    it.requested_extras = rd->requested_extras;
    items.push_back(std::move(it));
  }
  return install::installation_report(items, markers, PTINSTALL_VERSION);
}

}  // namespace ptinstall::ops
