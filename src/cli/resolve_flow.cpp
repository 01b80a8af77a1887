#include "resolve_flow.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <set>

#include "install_support.hpp"
#include "ptinstall/config/client_options.hpp"
#include "ptinstall/config/index_config.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/platform.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/torch/accelerator.hpp"
#include "ptinstall/torch/driver_tables.hpp"
#include "ptinstall/torch/routing.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::cli {
namespace {

namespace fs = std::filesystem;

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

bool is_toml(const std::string& path) {
  return path.size() >= 5 && util::to_lower(path.substr(path.size() - 5)) == ".toml";
}

// A path as the user would write it: relative to the working directory when below it.
std::string display_path(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  if (p.is_relative()) return p.lexically_normal().string();
  fs::path rel = p.lexically_relative(fs::current_path(ec));
  if (!ec && !rel.empty() && *rel.begin() != "..") return rel.string();
  return path;
}

}  // namespace

ResolveInputs read_resolve_inputs(const Invocation& inv, Positionals positionals, const spec::MarkerEnvironment& markers) {
  ResolveInputs in;
  const auto& S = inv.settings;
  auto take = [&](const config::RequirementLine& line, const std::string& origin) {
    spec::Requirement req = line.requirement ? *line.requirement : location_requirement(*line.location, line.file);
    if (!line.hashes.empty()) {
      auto& h = in.hashes[req.package.str()];
      h.insert(h.end(), line.hashes.begin(), line.hashes.end());
    }
    in.requirements.push_back(std::move(req));
    in.requirement_origins.push_back(origin);
  };
  auto read_project = [&](const std::string& path) {
    if (in.project)
      throw util::Error("more than one pyproject.toml (" + in.project->project.path.string() + ", " + path + ")",
                        "give one project at a time", 2);
    in.project = config::load_project(path, S);
    const auto& pr = *in.project;
    std::string origin = (pr.project.name ? *pr.project.name + " " : "") + "(" + display_path(path) + ")";
    for (const auto& r : pr.requirements) {
      if (!r.applies(markers, pr.selection.extras)) continue;
      spec::Requirement req = r;
      req.marker = spec::Marker();  // decided here, with the selected extras
      in.requirements.push_back(std::move(req));
      in.requirement_origins.push_back(origin);
    }
  };
  std::vector<std::string> files;
  if (positionals == Positionals::Requirements) {
    for (const auto& arg : inv.args) take(config::parse_requirement_argument(arg, ""), "");
  } else {
    files = inv.args;
  }
  for (const auto& path : S.get_list("requirement")) files.push_back(path);
  config::RequirementsFile rf;
  for (const auto& path : files) {
    if (is_toml(path)) {
      read_project(path);
      continue;
    }
    std::error_code ec;
    if (positionals == Positionals::Files && !fs::exists(path, ec))
      throw util::Error("file " + path + " does not exist", "give requirements files (requirements.in) or a pyproject.toml", 2);
    config::read_requirements_file(path, rf);
  }
  for (const auto& path : S.get_list("constraint")) config::read_requirements_file(path, rf, true);
  for (const auto& line : rf.requirements) take(line, "-r " + display_path(line.file));
  for (const auto& line : rf.constraints) {
    if (!line.requirement) throw util::Error(line.file + ": a constraint must name a package, not a file");
    in.constraints.push_back(*line.requirement);
    in.constraint_origins.push_back("-c " + display_path(line.file));
  }
  rf.requirements.clear();
  rf.constraints.clear();
  in.file = std::move(rf);
  for (const auto& path : S.get_list("override")) {
    config::RequirementsFile of;
    config::read_requirements_file(path, of);
    for (const auto& line : of.requirements) {
      if (!line.requirement) throw util::Error(line.file + ": an override must name a package, not a file");
      in.overrides.push_back(*line.requirement);
      in.override_origins.push_back("--override " + display_path(line.file));
    }
  }
  return in;
}

Target make_target(const config::Settings& S, const python::InterpreterInfo& info) {
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
    // uv's rule: a macOS target is macOS 13.0 unless MACOSX_DEPLOYMENT_TARGET says otherwise.
    if (const char* dt = std::getenv("MACOSX_DEPLOYMENT_TARGET"); target.os == "macos" && dt && *dt) {
      try {
        target.macos = spec::parse_macos_version(dt);
      } catch (const util::Error& e) {
        throw util::Error(std::string(e.what()) + " in MACOSX_DEPLOYMENT_TARGET", "give a version like 14.0", 2);
      }
    }
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

TorchRouting torch_routing(const config::Settings& S, const Target& target) {
  TorchRouting r;
  auto value = S.get("torch-backend");
  if (!value || value->empty()) return r;
  const config::SettingValue* sv = S.find("torch-backend");
  std::string origin = "--torch-backend";
  if (sv && sv->source == config::Source::Environment) origin = sv->origin;
  else if (sv && sv->source != config::Source::CommandLine && !sv->origin.empty()) origin = "`torch-backend` in " + sv->origin;
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
  for (const auto& k : plan.skipped)
    util::log::debug("torch backend: skipped " + std::string(k.backend->name) + ": " + k.reason);
  r.cuda_consistency = mode.automatic && acc.kind == torch::AcceleratorKind::Cuda && !r.cuda_of_index.empty();
  std::vector<std::string> shown;
  for (const auto& u : r.urls) shown.push_back(util::redact_url(u));
  util::log::debug("torch backend " + mode.to_string() + ": " + util::join(shown, ", "));
  return r;
}

// --refresh-package NAME: which URLs belong to the package: its project pages (`<index>/<name>/`, any
// spelling of the name) and its files (`<name>-<version>...`: wheels, sdists, `.metadata` files).
static std::function<bool(std::string_view)> refresh_predicate(const std::vector<std::string>& packages) {
  std::set<std::string> names;
  for (const auto& p : packages) names.insert(spec::normalize_name(p));
  return [names](std::string_view url) {
    std::string path(url.substr(0, url.find_first_of("?#")));
    bool page = !path.empty() && path.back() == '/';
    while (!path.empty() && path.back() == '/') path.pop_back();
    std::string last = util::percent_decode(path.substr(path.rfind('/') + 1));
    if (page) return names.count(spec::normalize_name(last)) > 0;
    for (const auto& n : names)
      if (last.size() > n.size() && last[n.size()] == '-' && spec::normalize_name(last.substr(0, n.size())) == n)
        return true;
    return false;
  };
}

config::IndexConfig index_config_for(const Invocation& inv, const ResolveInputs& in, const Target& target) {
  const auto& S = inv.settings;
  config::IndexConfigInputs ci;
  ci.settings = &S;
  ci.requirements = &in.file;
  ci.markers = &target.markers;
  if (in.project) {
    ci.project = &in.project->project;
    ci.selection = in.project->selection;
  }
  // [[tool.uv.index]] / [[index]] tables of the config files in effect count as uv pip counts them
  // (a -r pyproject.toml already brought its own).
  std::error_code same_ec;
  for (const auto& file : inv.config_files) {
    if (in.project && std::filesystem::equivalent(file, in.project->project.path, same_ec)) continue;
    for (auto& d : config::read_index_definitions(file)) ci.file_indexes.push_back(std::move(d));
  }
  ci.getenv = [](const char* name) -> const char* { return std::getenv(name); };
  return config::build_index_config(ci);
}

ResolveSession resolve_requirements(const Invocation& inv, const ResolveInputs& in, const Target& target,
                                    const install::Cache& cache, const ResolveOptions& options,
                                    std::chrono::steady_clock::time_point start) {
  const auto& S = inv.settings;
  ResolveSession s;
  net::ClientOptions copts = config::client_options(S);
  for (const auto& h : in.file.trusted_hosts) copts.insecure_hosts.push_back(h);
  s.client = std::make_unique<net::HttpClient>(copts);
  net::CacheOptions hopts;
  hopts.cache_dir = cache.root();
  hopts.offline = S.flag("offline");
  hopts.refresh_all = S.flag("refresh");
  if (auto names = S.get_list("refresh-package"); !names.empty())
    hopts.refresh = refresh_predicate({names.begin(), names.end()});
  s.http_cache = std::make_unique<net::HttpCache>(*s.client, hopts);

  config::IndexConfig cfg = index_config_for(inv, in, target);
  for (const auto& line : cfg.describe()) util::log::debug(line);
  index::IndexSetOptions iopts = cfg.options;

  s.routing = torch_routing(S, target);
  if (s.routing.active) {
    if (iopts.no_index) throw util::Error("--torch-backend cannot be used with --no-index", "drop one of them", 2);
    for (auto name : torch::routed_packages()) iopts.overrides[std::string(name)] = s.routing.urls;
    bool user_indexes = S.has("index-url") || S.has("extra-index-url") || S.has("index") || S.has("default-index") ||
                        in.file.index_url || !in.file.extra_index_urls.empty() ||
                        std::any_of(cfg.definitions.begin(), cfg.definitions.end(),  // [[tool.uv.index]] tables
                                    [](const config::IndexDefinition& d) { return !d.explicit_only && !d.flat; });
    if (user_indexes) {
      std::set<std::string> routed;
      for (const auto& r : in.requirements)
        if (torch::is_routed(r.package.str()) && !r.url && !iopts.pins.count(r.package.str()))  // a pin wins
          routed.insert(r.package.str());
      if (!routed.empty())
        util::log::warn("--torch-backend routes " + util::join({routed.begin(), routed.end()}, ", ") + " to " +
                        util::redact_url(s.routing.urls.front()) +
                        (s.routing.urls.size() > 1
                             ? " (and " + std::to_string(s.routing.urls.size() - 1) + " more PyTorch indexes)"
                             : std::string()) +
                        "; the indexes you configured are not used for " + (routed.size() == 1 ? "it" : "them"));
    }
  }
  index::TargetFilter filter;
  filter.tags = spec::SupportedTags::for_environment(target.tags);
  filter.python_version = target.python;
  filter.allow_sdists = false;  // sdists are never built
  s.indexes = std::make_unique<index::IndexSet>(iopts, *s.client, s.http_cache.get(), filter);
  index::MetadataOptions mopts;
  mopts.download_dir = cache.bucket("downloads-v1");
  s.metadata = std::make_unique<index::MetadataFetcher>(*s.client, s.http_cache.get(), mopts);

  resolve::IndexProviderOptions popts;
  popts.markers = target.markers;
  popts.python_version = target.python;
  popts.requirements = config::apply_direct_sources(in.requirements, cfg);  // url/path sources: name @ URL
  popts.constraints = in.constraints;
  popts.overrides = in.overrides;
  popts.no_deps = options.no_deps;
  if (s.routing.cuda_consistency) {
    for (auto n : torch::cuda_consistency_packages()) popts.cuda_packages.insert(std::string(n));
    popts.cuda_of_index = s.routing.cuda_of_index;
  }
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
    for (const auto& d : options.installed) {
      if (upgrade.count(d.normalized)) continue;
      if (auto v = spec::Version::parse(d.version)) popts.preferences.preferred.emplace(d.normalized, *v);
    }
  }
  s.provider = std::make_unique<resolve::IndexProvider>(*s.indexes, *s.metadata, popts);
  resolve::Solver solver(*s.provider);
  try {
    s.resolution = solver.solve(std::string(resolve::kRootPackage));
  } catch (const resolve::NoSolutionError&) {
    throw;
  } catch (const util::Error& e) {
    if (!e.hint().empty()) throw;
    throw util::Error(e.what(), S.flag("offline") ? "--offline answers only from the cache; run once without it"
                                                  : "check the index URLs (--index-url, --extra-index-url) and the network");
  }
  for (const auto& p : s.resolution.packages) {
    if (resolve::is_virtual_package(p.name)) continue;
    s.real.push_back(p.name);
    s.chosen.emplace(p.name, s.provider->chosen(p.name, p.version));
  }
  util::log::info("Resolved " + packages(s.real.size()) + " in " + format_elapsed(std::chrono::steady_clock::now() - start));
  return s;
}

}  // namespace ptinstall::cli
