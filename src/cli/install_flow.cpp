#include "install_flow.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "environment.hpp"
#include "install_support.hpp"
#include "ptinstall/config/index_config.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/index/metadata_fetch.hpp"
#include "ptinstall/install/plan.hpp"
#include "ptinstall/install/prepare.hpp"
#include "ptinstall/install/report.hpp"
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

// A wheel given by path or URL instead of a requirement: `name @ url`.
spec::Requirement location_requirement(const std::string& location, const std::string& origin) {
  std::string url = location;
  if (location.find("://") == std::string::npos) {
    fs::path p(location);
    std::error_code ec;
    if (!fs::is_regular_file(p, ec))
      throw util::Error("wheel file " + location + " does not exist" + (origin.empty() ? "" : " (" + origin + ")"),
                        "check the path");
    url = index::file_url(fs::absolute(p));
  }
  std::string path = url.substr(0, url.find('#'));
  std::string filename = util::percent_decode(path.substr(path.rfind('/') + 1));
  if (index::file_kind(filename) == index::FileKind::Sdist)
    throw util::Error(filename + " is a source distribution", "ptinstall installs wheels only (sdists are never built)");
  spec::WheelFilename wf;
  try {
    wf = spec::WheelFilename::parse(filename);
  } catch (const util::Error& e) {
    throw util::Error(std::string(e.what()), "a wheel file is named name-version(-build)?-python-abi-platform.whl");
  }
  return spec::Requirement::parse(wf.normalized_name() + " @ " + url);
}

struct Inputs {
  std::vector<spec::Requirement> requirements, constraints, overrides;
  std::map<std::string, std::vector<std::string>> hashes;  // normalised name -> "sha256:hex"
  config::RequirementsFile file;                          // options of the -r files
  std::vector<std::string> wheel_locations;               // for warnings
};

Inputs read_inputs(const Invocation& inv) {
  Inputs in;
  const auto& S = inv.settings;
  auto take = [&](const config::RequirementLine& line, std::vector<spec::Requirement>& out) {
    spec::Requirement req =
        line.requirement ? *line.requirement : location_requirement(*line.location, line.file);
    if (!line.hashes.empty()) {
      auto& h = in.hashes[req.package.str()];
      h.insert(h.end(), line.hashes.begin(), line.hashes.end());
    }
    out.push_back(std::move(req));
  };
  for (const auto& arg : inv.args) take(config::parse_requirement_argument(arg, ""), in.requirements);
  for (const auto& path : S.get_list("requirement")) config::read_requirements_file(path, in.file);
  for (const auto& path : S.get_list("constraint")) config::read_requirements_file(path, in.file, true);
  for (const auto& line : in.file.requirements) take(line, in.requirements);
  for (const auto& line : in.file.constraints) {
    if (!line.requirement) throw util::Error(line.file + ": a constraint must name a package, not a file");
    in.constraints.push_back(*line.requirement);
  }
  for (const auto& path : S.get_list("override")) {
    config::RequirementsFile of;
    config::read_requirements_file(path, of);
    for (const auto& line : of.requirements) {
      if (!line.requirement) throw util::Error(line.file + ": an override must name a package, not a file");
      in.overrides.push_back(*line.requirement);
    }
  }
  return in;
}

// The target: the interpreter's markers and tags, changed by --python-version / --python-platform.
struct Target {
  spec::MarkerEnvironment markers;
  spec::TagEnvironment tags;
  spec::Version python;  // full version
  torch::TargetOs os = torch::TargetOs::Linux;
  std::string machine;
};

Target make_target(const Invocation& inv, const python::Environment& env) {
  const auto& S = inv.settings;
  const auto& info = env.interpreter();
  Target t;
  t.markers = info.marker_environment();
  t.tags = info.tag_environment();
  t.python = spec::Version::from_string(info.version);
  t.os = torch::host_target_os();
  t.machine = std::string(t.markers.get("platform_machine"));
  if (auto pv = S.get("python-version"); pv && !pv->empty()) {
    auto v = spec::Version::parse(*pv);
    if (!v || v->release().size() < 2)
      throw util::Error("invalid --python-version `" + *pv + "`", "give a version like 3.12 or 3.12.3", 2);
    const auto& rel = v->release();
    std::string short_v = std::to_string(rel[0]) + "." + std::to_string(rel[1]);
    std::string full = rel.size() >= 3 ? v->to_string() : short_v + ".0";
    t.markers.set("python_version", short_v);
    t.markers.set("python_full_version", full);
    t.tags.py_major = static_cast<int>(rel[0]);
    t.tags.py_minor = static_cast<int>(rel[1]);
    t.python = spec::Version::from_string(full);
  }
  if (auto pp = S.get("python-platform"); pp && !pp->empty()) {
    spec::TargetPlatform target = spec::parse_python_platform(*pp);
    t.tags = spec::apply_target(t.tags, target);
    spec::PlatformMarkers m = spec::marker_values(target);
    t.markers.set("sys_platform", m.sys_platform);
    t.markers.set("platform_system", m.platform_system);
    t.markers.set("platform_machine", m.platform_machine);
    t.markers.set("os_name", m.os_name);
    t.markers.set("platform_release", m.platform_release);
    t.markers.set("platform_version", m.platform_version);
    if (target.os == "windows") t.os = torch::TargetOs::Windows;
    else if (target.os == "macos") t.os = torch::TargetOs::Macos;
    else if (target.musl) t.os = torch::TargetOs::LinuxMusl;
    else t.os = torch::TargetOs::Linux;
    t.machine = target.arch;
  }
  return t;
}

// --torch-backend: the PyTorch indexes of the routed packages and the CUDA consistency rule.
struct TorchRouting {
  bool active = false;
  std::vector<std::string> urls;
  std::map<std::string, std::string, std::less<>> cuda_of_index;
  bool cuda_consistency = false;
};

TorchRouting torch_routing(const Invocation& inv, const Target& target) {
  const auto& S = inv.settings;
  TorchRouting r;
  auto value = S.get("torch-backend");
  if (!value || value->empty()) return r;
  const config::SettingValue* sv = S.find("torch-backend");
  std::string origin = sv && sv->source == config::Source::Environment ? sv->origin : "--torch-backend";
  torch::BackendMode mode = torch::parse_backend(*value, origin);
  torch::IndexOptions opts;
  opts.base = S.get_or("torch-backend-index", torch::kDefaultIndexBase);
  opts.channel = torch::parse_channel(S.get_or("torch-channel", "stable"));
  opts.os = target.os;
  opts.machine = target.machine.empty() ? "x86_64" : target.machine;
  opts.check_compute_capability = !S.flag("no-torch-compute-check");
  torch::Accelerator acc;
  if (mode.automatic) {
    torch::Detection d = torch::detect_accelerator(torch::DetectionInputs::from_environment());
    acc = d.accelerator;
    util::log::debug("torch backend auto: accelerator " + std::string(torch::to_string(acc.kind)) +
                     (acc.source.empty() ? "" : " (from " + acc.source + ")"));
  }
  torch::IndexPlan plan = torch::plan_indexes(mode, acc, opts);
  r.active = true;
  for (const auto& e : plan.indexes) {
    r.urls.push_back(e.url);
    if (auto cuda = torch::cuda_version_of(e.url, opts.base)) r.cuda_of_index[e.url] = *cuda;
  }
  for (const auto& n : plan.notes) util::log::debug("torch backend: " + n);
  r.cuda_consistency = mode.automatic && acc.kind == torch::AcceleratorKind::Cuda && !r.cuda_of_index.empty();
  util::log::debug("torch backend " + mode.to_string() + ": " + util::join(r.urls, ", "));
  return r;
}

std::string version_text(const spec::Version& v) { return v.to_string(); }

void print_changes(const std::vector<std::pair<std::string, std::string>>& removed,
                   const std::vector<std::pair<std::string, std::string>>& added) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const auto& [n, v] : removed) lines.push_back({n + "\x01", " - " + n + "==" + v});
  for (const auto& [n, v] : added) lines.push_back({n + "\x02", " + " + n + "==" + v});
  std::sort(lines.begin(), lines.end());
  for (const auto& l : lines) util::log::info(l.second);
}

}  // namespace

index::IndexSetOptions index_options(const config::Settings& settings, const config::RequirementsFile& file,
                                     const spec::MarkerEnvironment& markers) {
  config::IndexConfigInputs in;
  in.settings = &settings;
  in.requirements = &file;
  in.markers = &markers;
  in.getenv = [](const char* name) -> const char* { return std::getenv(name); };
  config::IndexConfig cfg = config::build_index_config(in);
  for (const auto& line : cfg.describe()) util::log::debug(line);
  return cfg.options;
}

int run_resolving_install(Invocation& inv) {
  const auto start = Clock::now();
  const auto& S = inv.settings;
  const bool dry_run = S.flag("dry-run");
  const bool no_deps = S.flag("no-deps");
  const std::optional<std::string> report_path = S.get("report");

  Inputs in = read_inputs(inv);
  if (in.requirements.empty())
    throw util::Error("no packages to install", "give package names, wheel files, or -r requirements.txt", 2);
  for (const auto& nb : S.get_list("no-binary"))
    throw util::Error("--no-binary " + nb + " would need building from source",
                      "ptinstall installs wheels only (sdists are never built)", 2);
  for (const auto& nb : in.file.no_binary)
    throw util::Error("--no-binary " + nb + " in a requirements file would need building from source",
                      "ptinstall installs wheels only (sdists are never built)", 2);

  python::Environment env = target_environment(inv, !dry_run);
  std::optional<util::FileLock> lock;
  if (!dry_run) lock.emplace(env.lock());
  const Target target = make_target(inv, env);
  const auto dirs = site_dirs(env);
  const auto installed = install::scan_installed(dirs);

  // Network, caches, indexes.
  install::Cache cache = open_cache(inv);
  net::ClientOptions copts = net::ClientOptions::from_environment();
  for (const auto& h : S.get_list("allow-insecure-host")) copts.insecure_hosts.push_back(h);
  for (const auto& h : in.file.trusted_hosts) copts.insecure_hosts.push_back(h);
  copts.offline = S.flag("offline");
  net::HttpClient client(copts);
  net::CacheOptions hopts;
  hopts.cache_dir = cache.root();
  hopts.offline = S.flag("offline");
  hopts.refresh_all = S.flag("refresh");
  net::HttpCache http_cache(client, hopts);

  index::IndexSetOptions iopts = index_options(S, in.file, target.markers);
  TorchRouting routing = torch_routing(inv, target);
  if (routing.active) {
    if (iopts.no_index)
      throw util::Error("--torch-backend cannot be used with --no-index", "drop one of them", 2);
    for (auto name : torch::routed_packages()) iopts.overrides[std::string(name)] = routing.urls;
    bool user_indexes = S.has("index-url") || S.has("extra-index-url") || S.has("index") || S.has("default-index") ||
                        in.file.index_url || !in.file.extra_index_urls.empty();
    if (user_indexes) {
      std::set<std::string> routed;
      for (const auto& r : in.requirements)
        if (torch::is_routed(r.package.str()) && !r.url) routed.insert(r.package.str());
      if (!routed.empty())
        util::log::warn("--torch-backend routes " + util::join({routed.begin(), routed.end()}, ", ") + " to " +
                        util::join(routing.urls, ", ") + "; the indexes you configured are not used for " +
                        (routed.size() == 1 ? "it" : "them"));
    }
  }
  index::TargetFilter filter;
  filter.tags = spec::SupportedTags::for_environment(target.tags);
  filter.python_version = target.python;
  filter.allow_sdists = false;  // sdists are never built
  index::IndexSet indexes(iopts, client, &http_cache, filter);
  index::MetadataOptions mopts;
  mopts.download_dir = cache.bucket("downloads-v1");
  index::MetadataFetcher metadata(client, &http_cache, mopts);

  // Resolve.
  resolve::IndexProviderOptions popts;
  popts.markers = target.markers;
  popts.python_version = target.python;
  popts.requirements = in.requirements;
  popts.constraints = in.constraints;
  popts.overrides = in.overrides;
  popts.no_deps = no_deps;
  if (routing.cuda_consistency) {
    for (auto n : torch::cuda_consistency_packages()) popts.cuda_packages.insert(std::string(n));
    popts.cuda_of_index = routing.cuda_of_index;
  }
  {
    auto mode = resolve::PrereleaseMode::IfNecessaryOrExplicit;
    if (auto p = S.get("prerelease"); p && !p->empty()) {
      auto parsed = resolve::parse_prerelease_mode(*p);
      if (!parsed)
        throw util::Error("invalid value `" + *p + "` for --prerelease",
                          "possible values: disallow, allow, if-necessary, explicit, if-necessary-or-explicit", 2);
      mode = *parsed;
    }
    popts.preferences.set_prerelease(mode, S.flag("pre") || in.file.pre);
    if (auto r = S.get("resolution"); r && !r->empty()) {
      auto parsed = resolve::parse_resolution_mode(*r);
      if (!parsed)
        throw util::Error("invalid value `" + *r + "` for --resolution", "possible values: highest, lowest, lowest-direct", 2);
      popts.preferences.resolution = *parsed;
    }
    for (const auto& r : in.requirements) popts.preferences.add_direct(r.package.str(), r.specifier);
    std::set<std::string> upgrade;
    for (const auto& p : S.get_list("upgrade-package")) upgrade.insert(spec::normalize_name(p));
    if (!S.flag("upgrade")) {
      for (const auto& d : installed) {
        if (upgrade.count(d.normalized)) continue;
        if (auto v = spec::Version::parse(d.version)) popts.preferences.preferred.emplace(d.normalized, *v);
      }
    }
  }
  resolve::IndexProvider provider(indexes, metadata, popts);
  resolve::Solver solver(provider);
  resolve::Resolution resolution;
  try {
    resolution = solver.solve(std::string(resolve::kRootPackage));
  } catch (const resolve::NoSolutionError&) {
    throw;
  } catch (const util::Error& e) {
    if (!e.hint().empty()) throw;
    throw util::Error(e.what(), S.flag("offline")
                                    ? "--offline answers only from the cache; run once without it"
                                    : "check the index URLs (--index-url, --extra-index-url) and the network");
  }
  std::vector<const resolve::ResolvedPackage*> real;
  for (const auto& p : resolution.packages)
    if (!resolve::is_virtual_package(p.name)) real.push_back(&p);
  util::log::info("Resolved " + packages(real.size()) + " in " + format_elapsed(Clock::now() - start));

  // What the resolution chose, with files and metadata.
  std::map<std::string, resolve::ChosenFile> chosen;
  for (const auto* p : real) chosen.emplace(p->name, provider.chosen(p->name, p->version));

  if (S.flag("require-hashes") || in.file.require_hashes) {
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
  install::Plan plan = install::make_plan(wanted, installed, plan_opts);

  auto report_items = [&](const std::map<std::string, std::string>& actual_sha256) {
    std::vector<install::ReportItem> items;
    for (const auto& c : plan.changes) {
      const auto& cf = chosen.at(c.wanted.name);
      install::ReportItem it;
      it.metadata_raw = cf.metadata_raw;
      it.url = cf.file.url;
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
    std::string text = install::installation_report(report_items(actual_sha256), target.markers, PTINSTALL_VERSION);
    if (*report_path == "-") {
      std::fputs(text.c_str(), stdout);
      std::fflush(stdout);
    } else {
      util::write_file_atomic(*report_path, text);
    }
  };
  auto print_stats = [&] {
    if (!verbose()) return;
    auto ps = provider.stats();
    util::log::info(std::to_string(ps.project_pages) + " project pages, " + std::to_string(ps.metadata_fetches) +
                    " metadata fetches, " + std::to_string(client.request_count()) + " HTTP requests");
  };

  std::vector<std::pair<std::string, std::string>> removed, added;
  for (const auto& c : plan.changes) {
    for (const auto& old : c.replaces) removed.push_back({old.normalized, old.version});
    added.push_back({c.wanted.name, version_text(c.wanted.version)});
  }

  if (dry_run) {
    print_stats();
    write_report({});
    if (plan.changes.empty()) {
      util::log::info("Audited " + packages(plan.unchanged.size()) + " in " + format_elapsed(Clock::now() - start));
      util::log::info("Would make no changes");
      return 0;
    }
    if (!removed.empty()) util::log::info("Would uninstall " + packages(removed.size()));
    util::log::info("Would install " + packages(added.size()));
    print_changes(removed, added);
    return 0;
  }
  if (plan.changes.empty()) {
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
  install::PrepareStats prep_stats;
  std::vector<install::PreparedWheel> prepared =
      install::prepare_wheels(items, wheel_cache, cache, client, prep_opts, &prep_stats);
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
  // Wheels that share a top-level name (the nvidia-* wheels all ship nvidia/__init__.py) are installed
  // one after the other, in plan order, so the later one overwrites as with pip; the rest in parallel.
  std::vector<std::vector<std::size_t>> groups;
  {
    std::map<std::string, std::size_t> owner;  // top-level name -> group
    std::vector<std::size_t> group_of(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::set<std::size_t> joined;
      std::vector<std::string> names;
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(prepared[i].unpacked.dir, ec)) {
        std::string n = e.path().filename().string();
        if (n.size() > 10 && n.substr(n.size() - 10) == ".dist-info") continue;
        names.push_back(n);
        if (auto it = owner.find(n); it != owner.end()) joined.insert(it->second);
      }
      std::size_t g;
      if (joined.empty()) {
        g = groups.size();
        groups.emplace_back();
      } else {
        g = *joined.begin();
        for (auto other : joined) {
          if (other == g) continue;
          for (auto j : groups[other]) group_of[j] = g;
          groups[g].insert(groups[g].end(), groups[other].begin(), groups[other].end());
          groups[other].clear();
          for (auto& [name, grp] : owner)
            if (grp == other) grp = g;
        }
      }
      groups[g].push_back(i);
      group_of[i] = g;
      for (const auto& n : names) owner[n] = g;
    }
    groups.erase(std::remove_if(groups.begin(), groups.end(), [](const auto& v) { return v.empty(); }), groups.end());
    for (auto& grp : groups) std::sort(grp.begin(), grp.end());
  }
  auto install_one = [&](std::size_t i) {
    const auto& c = plan.changes[i];
    const auto& cf = chosen.at(c.wanted.name);
    install::InstallOptions opts;
    opts.requested = provider.is_requested(c.wanted.name);
    if (cf.direct) {
      spec::DirectUrl du;
      du.url = cf.file.url;
      du.archive_hash = "sha256=" + prepared[i].unpacked.sha256;
      opts.direct_url_json = du.to_json();
    }
    done[i] = install::install_wheel(infos[i], scheme, linker, tx, opts, c.replaces);
  };
  util::parallel_for(pool.get(), groups.size(), [&](std::size_t g) {
    for (std::size_t i : groups[g]) install_one(i);
  });
  std::size_t compiled = 0;
  auto compile_start = Clock::now();
  if (S.flag("compile-bytecode")) compiled = install::compile_bytecode(done, scheme, tx);
  auto compile_end = Clock::now();
  tx.commit();

  std::map<std::string, std::string> actual;
  for (std::size_t i = 0; i < items.size(); ++i) actual[items[i].name] = prepared[i].unpacked.sha256;
  print_stats();
  write_report(actual);
  if (!removed.empty())
    util::log::info("Uninstalled " + packages(removed.size()) + " in " + format_elapsed(Clock::now() - install_start));
  util::log::info("Installed " + packages(added.size()) + " in " + format_elapsed(Clock::now() - install_start));
  if (S.flag("compile-bytecode"))
    util::log::info("Bytecode compiled " + std::to_string(compiled) + (compiled == 1 ? " file" : " files") + " in " +
                    format_elapsed(compile_end - compile_start));
  print_changes(removed, added);
  return 0;
}

}  // namespace ptinstall::cli
