#include "ptinstall/ops/resolver.hpp"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <set>

#include "ptinstall/config/index_config.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/index/index_set.hpp"
#include "ptinstall/index/metadata_fetch.hpp"
#include "ptinstall/index/page_memo.hpp"
#include "ptinstall/install/prepare.hpp"
#include "ptinstall/install/prepare_ahead.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/util/progress.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/ops/attestations.hpp"
#include "ptinstall/ops/torch_builds.hpp"
#include "ptinstall/ops/variants.hpp"
#include "ptinstall/index/variants_json.hpp"
#include "ptinstall/resolve/index_provider.hpp"
#include "ptinstall/resolve/solver.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/torch/driver_tables.hpp"
#include "ptinstall/torch/routing.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::ops {
namespace {

std::string trim_slash(std::string u) {
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

// The strongest hash an index gives for a file, as "algo:hex"; nullopt without one pip accepts.
std::optional<std::string> file_hash(const index::IndexFile& f) {
  for (const char* algo : {"sha256", "sha384", "sha512"})
    if (auto it = f.hashes.find(algo); it != f.hashes.end() && !it->second.empty())
      return std::string(algo) + ":" + util::to_lower(it->second);
  return std::nullopt;
}

// sha256 of a file the index gave no hash for: from the wheel on disk, else streamed from the URL.
std::string compute_sha256(const resolve::ChosenFile& cf, net::HttpClient& client) {
  if (cf.wheel_path) return util::sha256_file(*cf.wheel_path).hex();
  util::Sha256 h;
  net::StreamHandler handler;
  handler.on_chunk = [&](std::string_view chunk) { h.update(chunk); };
  handler.on_reset = [&] { h = util::Sha256(); };
  net::Request req;
  req.url = cf.file.url;
  req.decompress = false;
  net::Response r = client.fetch_streaming(req, handler);
  net::raise_for_status(r, cf.file.url);
  return h.hex();
}

// pip compile --generate-hashes: every file of this version on the index it came from (all platforms
// and Python versions, as uv and pip-compile write them); a file without an index hash is hashed
// here only when it is the chosen one.
// Returns false when the chosen file still needs its hash computed (hash_chosen_files does that for
// all of them at once).
bool collect_hashes(dist::ResolvedDist& out, const resolve::ChosenFile& cf, index::IndexSet& indexes) {
  // A source tree or a repository has no file to hash.
  if (std::holds_alternative<dist::Git>(cf.dist.source)) return true;
  if (auto* lp = std::get_if<dist::LocalPath>(&cf.dist.source); lp && lp->kind == dist::PathKind::Tree) return true;
  bool chosen_hashed = false;
  if (!cf.direct) {
    index::Candidates c = indexes.candidates(cf.name);
    std::set<std::string> seen;  // a file listed twice (candidates and skipped) is locked once
    auto consider = [&](const index::IndexFile& f) {
      if (!f.version || *f.version != cf.version || f.index_url != cf.file.index_url) return;
      if (auto h = file_hash(f)) {
        out.all_hashes.push_back(*h);
        if (seen.insert(f.url).second) out.files.push_back(f);
        if (f.url == cf.file.url) chosen_hashed = true;
      } else if (f.url != cf.file.url) {
        ++out.unhashed_files;
      }
    };
    for (const auto& f : c.files) consider(f.file);
    for (const auto& s : c.skipped)
      if (s.reason != index::SkipReason::Shadowed) consider(s.file);
  } else if (auto h = file_hash(cf.file)) {
    out.all_hashes.push_back(*h);
    out.files.push_back(cf.file);
    chosen_hashed = true;
  }
  return chosen_hashed;
}

// The sha256 of chosen files whose index gives none: wheels are prepared into the wheel cache in
// parallel (so the install that follows a lock finds them there, by URL), with a line saying so; other
// files (sdists, archives) are streamed and hashed.
void hash_chosen_files(dist::Resolution& out, const std::vector<std::pair<std::size_t, resolve::ChosenFile>>& pending,
                       Services& services, const std::function<void(std::size_t, std::size_t, std::uint64_t)>& progress) {
  if (pending.empty()) return;
  std::vector<install::PrepareItem> items;
  std::vector<std::size_t> item_of;  // pending index of each item
  std::uint64_t bytes = 0;
  for (std::size_t k = 0; k < pending.size(); ++k) {
    const resolve::ChosenFile& cf = pending[k].second;
    if (cf.file.kind != index::FileKind::Wheel || !cf.dist.is_wheel()) continue;
    install::PrepareItem it;
    it.name = cf.name;
    it.file = cf.file;
    it.local_wheel = cf.wheel_path;
    if (cf.file.size) bytes += *cf.file.size;
    items.push_back(std::move(it));
    item_of.push_back(k);
  }
  std::vector<std::string> hex(pending.size());
  if (!items.empty()) {
    util::log::info("Hashing " + std::to_string(items.size()) + (items.size() == 1 ? " wheel" : " wheels") +
                    " the index gives no hash for" + (bytes ? " (" + util::format_bytes(bytes) + ")" : std::string()));
    install::WheelCache wheel_cache(services.cache());
    install::PrepareOptions prep;
    prep.concurrency = std::clamp<std::size_t>(services.client().options().concurrency, 1, 16);
    prep.on_progress = progress;
    auto prepared = install::prepare_wheels(items, wheel_cache, services.cache(), services.client(), prep);
    for (std::size_t i = 0; i < prepared.size(); ++i) hex[item_of[i]] = prepared[i].unpacked.sha256;
  }
  for (std::size_t k = 0; k < pending.size(); ++k) {
    const auto& [index, cf] = pending[k];
    if (hex[k].empty()) {
      util::log::debug("computing the sha256 of " + cf.file.filename + " (the index gives none)");
      hex[k] = compute_sha256(cf, services.client());
    }
    dist::ResolvedDist& rd = out.packages[index];
    rd.all_hashes.push_back("sha256:" + hex[k]);
    index::IndexFile f = cf.file;
    f.hashes["sha256"] = hex[k];
    rd.files.push_back(std::move(f));
  }
}

// --torch-backend with indexes of the user's own: the warning that the routed packages do not use
// them (uv #14145), or nothing.
std::optional<std::string> routed_past_user_indexes(const PipOptions& options, const ResolveInputs& in,
                                                    const config::IndexConfig& cfg,
                                                    const index::IndexSetOptions& iopts, const TorchRouting& routing) {
  bool user_indexes = options.user_indexes || in.file.index_url || !in.file.extra_index_urls.empty() ||
                      std::any_of(cfg.definitions.begin(), cfg.definitions.end(),  // [[tool.uv.index]] tables
                                  [](const config::IndexDefinition& d) { return !d.explicit_only && !d.flat; });
  if (!user_indexes) return std::nullopt;
  std::set<std::string> routed;
  for (const auto& r : in.requirements)
    if (torch::is_routed(r.package.str()) && !r.url && !iopts.pins.count(r.package.str()))  // a pin wins
      routed.insert(r.package.str());
  if (routed.empty()) return std::nullopt;
  return std::string("--torch-backend routes ") + util::join({routed.begin(), routed.end()}, ", ") + " to " +
                  util::redact_url(routing.urls.front()) +
                  (routing.urls.size() > 1
                       ? " (and " + std::to_string(routing.urls.size() - 1) + " more PyTorch indexes)"
                       : std::string()) +
                  "; the indexes you configured are not used for " + (routed.size() == 1 ? "it" : "them");
}

// A wheel named by path or URL must fit the target, as an index's would.
void check_direct_wheel_tags(const ResolveInputs& in, const spec::SupportedTags& tags, const Target& target) {
  for (const auto& r : in.requirements) {
    if (!r.url) continue;
    std::string bare = r.url->substr(0, r.url->find('#'));
    std::string filename = util::percent_decode(bare.substr(bare.rfind('/') + 1));
    if (index::file_kind(filename) != index::FileKind::Wheel) continue;
    spec::WheelFilename wf;
    try {
      wf = spec::WheelFilename::parse(filename);
    } catch (const util::Error&) {
      continue;  // the provider words the invalid name
    }
    if (tags.best_priority(wf.tags())) continue;
    std::string built;
    for (const auto& t : wf.tags()) built += (built.empty() ? "" : ", ") + t.to_string();
    throw util::Error(util::ErrorKind::Wheel, filename + " is not a supported wheel on this platform",
                      "it is built for " + built + "; the target is Python " +
                          std::string(target.markers.get("python_full_version")) + " on " +
                          std::string(target.markers.get("sys_platform")) + " " +
                          std::string(target.markers.get("platform_machine")));
  }
}

// [tool.uv.sources] url and path entries that are no wheel meet the one rule on building before
// anything is fetched, named with the line that declared them.
void check_direct_sources(const config::IndexConfig& cfg, const dist::BuildOptions& build) {
  for (const auto& [pkg, source] : cfg.direct) {
    dist::Dist d;
    std::string shown;
    if (source.kind == config::PackageSource::Kind::Url) {
      d = dist::from_direct_reference(pkg, source.url);
      shown = util::redact_url(source.url);
    } else if (source.kind == config::PackageSource::Kind::Path) {
      std::error_code ec;
      if (!std::filesystem::exists(source.path, ec)) continue;  // apply_direct_sources words it
      d = dist::from_path(source.path, {});
      shown = source.path.string();
    } else {
      continue;
    }
    if (!d.is_wheel()) build.require_source_allowed(pkg, "`" + pkg + "` from " + shown + " (" + source.origin + ")");
  }
}

index::MetadataOptions metadata_options(Services& services) {
  index::MetadataOptions mopts;
  mopts.download_dir = services.cache().bucket("downloads-v1");
  // Each fetch holds a thread while its transfer runs: as many threads as transfers may run at once,
  // so a wide level of the graph (30 metadata files) goes out in one round trip, not two.
  mopts.threads = std::clamp<std::size_t>(services.client().options().concurrency, 4, 64);
  return mopts;
}

}  // namespace

SharedFetches::SharedFetches(Services& services)
    : pages_(std::make_unique<index::PageMemo>()),
      metadata_(std::make_unique<index::MetadataFetcher>(services.client(), &services.http_cache(),
                                                         metadata_options(services))) {}
SharedFetches::~SharedFetches() = default;

config::IndexConfig index_config_for(const PipOptions& options, const ResolveInputs& in, const Target& target) {
  config::IndexConfigInputs ci;
  ci.settings = options.settings;
  ci.requirements = &in.file;
  ci.markers = &target.markers;
  if (in.project) {
    ci.project = &in.project->project;
    ci.selection = in.project->selection;
  }
  // [[tool.uv.index]] / [[index]] tables of the config files in effect count as uv pip counts them
  // (a -r pyproject.toml already brought its own).
  std::error_code same_ec;
  for (const auto& file : options.config_files) {
    if (in.project && std::filesystem::equivalent(file, in.project->project.path, same_ec)) continue;
    for (auto& d : config::read_index_definitions(file)) ci.file_indexes.push_back(std::move(d));
  }
  ci.getenv = [](const char* name) -> const char* { return std::getenv(name); };
  return config::build_index_config(ci);
}

dist::Resolution resolve(Services& services, const PipOptions& options, const ResolveRequest& request,
                         dist::BuildContext& build, ResolveStats* stats) {
  const ResolveInputs& in = *request.inputs;
  const Target& target = *request.target;

  config::IndexConfig cfg = index_config_for(options, in, target);
  for (const auto& line : cfg.describe()) util::log::debug(line);
  check_direct_sources(cfg, build.build_options());
  index::IndexSetOptions iopts = cfg.options;

  TorchRouting routing = torch_routing(*options.settings, target, Detect::Full, services.capability_cache());
  if (routing.active) {
    if (iopts.no_index)
      throw util::Error(util::ErrorKind::Usage, "--torch-backend cannot be used with --no-index", "drop one of them");
    for (auto name : torch::routed_packages()) iopts.overrides[std::string(name)] = routing.urls;
    // Said by the caller, once, and only when the command changes something (install) or writes
    // something (compile); a nested resolution for a build says nothing.
    if (auto w = routed_past_user_indexes(options, in, cfg, iopts, routing)) {
      if (stats) stats->warnings.push_back(*w);
      else util::log::debug(*w);
    }
  }
  VariantSettings variants = options.settings ? variant_settings(*options.settings) : VariantSettings{};
  index::TargetFilter filter;
  filter.allow_variants = variants.enabled;
  filter.tags = spec::SupportedTags::for_environment(target.tags);
  filter.python_version = target.python;
  // Index sdists are candidates only where a build may make a wheel of them, and wheels only where
  // --no-binary does not forbid them (the one rule; wheels still come first within a version).
  const dist::BuildOptions& bo = build.build_options();
  filter.allow_sdists = bo.can_build;
  filter.sdist_allowed = [&bo](std::string_view name) { return bo.allows_source(name); };
  filter.wheel_allowed = [&bo](std::string_view name) { return bo.allows_wheel(name); };
  if (routing.compute_capability) {
    // A torch release on a CUDA index whose build has no kernels for the GPU (torch 2.11+cu128 on a
    // V100) is passed over, so the resolver takes an older torch from that index or the next index.
    // torchvision and the rest follow torch through their `torch==X` requirement.
    struct Said {
      std::mutex mutex;
      std::set<std::string> keys;  // each passed-over build logged once (pages may be read on several threads)
    };
    filter.excluded = [&routing, said = std::make_shared<Said>()](std::string_view project, const spec::Version& version,
                                                                 std::string_view index_url) -> std::optional<std::string> {
      if (project != "torch") return std::nullopt;
      auto origin = torch::backend_from_index_url(index_url, routing.base);
      if (!origin) return std::nullopt;
      auto why = torch::build_lacks_kernels(*origin->backend, version, routing.machine, *routing.compute_capability);
      if (why) {
        std::lock_guard lock(said->mutex);
        if (said->keys.insert(std::string(origin->backend->name) + " " + version.to_string()).second)
          util::log::debug("torch backend: passing over torch " + version.to_string() + ": " + *why);
      }
      return why;
    };
  }
  if (filter.tags) check_direct_wheel_tags(in, *filter.tags, target);
  // --exclude-newer: an index that gives no upload time (PEP 700) for a file cannot be judged; its
  // files are kept, and said so once per index (docs/locks.md says why).
  std::mutex no_time_mutex;
  std::set<std::string> no_time_indexes;
  if (options.exclude_newer || !options.exclude_newer_packages.empty()) {
    filter.exclude_newer = options.exclude_newer;
    filter.exclude_newer_for = [&options](std::string_view project) -> std::optional<std::int64_t> {
      auto it = options.exclude_newer_packages.find(project);
      if (it == options.exclude_newer_packages.end()) return std::nullopt;
      return it->second;
    };
    filter.no_upload_time = [&no_time_mutex, &no_time_indexes](const index::IndexFile& f) {
      std::lock_guard lock(no_time_mutex);
      std::string where = f.index_url.empty() ? f.url.substr(0, f.url.rfind('/')) : f.index_url;
      if (!no_time_indexes.insert(where).second) return;
      util::log::warn(util::redact_url(where) + " gives no upload times (PEP 700) for its files (" + f.filename +
                      ", ...); --exclude-newer cannot judge them, so they are kept");
    };
  }
  index::IndexSet indexes(iopts, services.client(), &services.http_cache(), filter,
                          request.shared ? &request.shared->pages() : nullptr);
  std::optional<index::MetadataFetcher> own_metadata;
  if (!request.shared) own_metadata.emplace(services.client(), &services.http_cache(), metadata_options(services));
  index::MetadataFetcher& metadata = request.shared ? request.shared->metadata() : *own_metadata;
  index::VariantsJsonFetcher variants_json(services.client(), &services.http_cache());

  resolve::IndexProviderOptions popts;
  popts.markers = target.markers;
  popts.python_version = target.python;
  popts.requirements = config::apply_direct_sources(in.requirements, cfg);  // url/path sources: name @ URL
  popts.constraints = in.constraints;
  popts.overrides = in.overrides;
  popts.excludes = in.excludes;
  for (const auto& m : options.dependency_metadata)
    popts.dependency_metadata[spec::normalize_name(m.name)].push_back(
        {m.version ? spec::Version::parse(*m.version) : std::nullopt, [m](const std::string& v) { return m.metadata_text(v); }});
  popts.no_deps = request.no_deps;
  popts.prefer_binary = options.prefer_binary || in.file.prefer_binary;
  popts.build = &build;
  popts.editable_urls = in.editable_urls;
  popts.variants.enabled = variants.enabled;
  popts.variants.user = variants.user;
  popts.variants.detect = [&target, &services] {
    return native_variant_properties(target, services.capability_cache());
  };
  popts.variants.label = variants.label;
  popts.variants.fetcher = &variants_json;
  for (auto n : torch::cuda_consistency_packages()) popts.variants.family.insert(std::string(n));
  // [tool.uv.sources] { path = ..., editable = true }: the requirement's URL is installed editable.
  for (const auto& [pkg, source] : cfg.direct)
    if (source.editable)
      for (const auto& r : popts.requirements)
        if (r.package.str() == pkg && r.url) popts.editable_urls.insert(*r.url);
  if (routing.cuda_consistency) {
    for (auto n : torch::cuda_consistency_packages()) popts.cuda_packages.insert(std::string(n));
    popts.cuda_of_index = routing.cuda_of_index;
  }
  popts.preferences.set_prerelease(options.prerelease, options.pre || in.file.pre);
  popts.preferences.resolution = options.resolution;
  for (const auto& r : in.requirements) popts.preferences.add_direct(r.package.str(), r.specifier);
  if (!options.upgrade) {
    // An installed PyTorch build the backend does not select is not preferred, so the resolver takes
    // the backend's own (the no-op fast path keeps it and warns; resolving switches it).
    std::set<std::string> switching;
    if (routing.active) switching = builds_to_switch(routing, routed_builds(request.preferred));
    for (const auto& d : request.preferred) {
      if (options.upgrade_packages.count(d.normalized)) continue;
      if (switching.count(d.normalized)) {
        util::log::debug("torch backend: not preferring the installed " + d.normalized + " " + d.version +
                         " (not a build " + routing.backend + " selects)");
        continue;
      }
      if (auto v = spec::Version::parse(d.version)) popts.preferences.preferred.emplace(d.normalized, *v);
    }
  }
  if (request.ahead) {
    // The plan keeps an installed version the resolution chooses again (unless --reinstall), so only
    // other versions are worth downloading ahead. Local files and wheels the metadata fetcher already
    // downloaded need no transfer.
    std::map<std::string, spec::Version, std::less<>> kept;
    if (!options.reinstall)
      for (const auto& d : request.preferred)
        if (!options.reinstall_packages.count(d.normalized))
          if (auto v = spec::Version::parse(d.version)) kept.emplace(d.normalized, *v);
    popts.on_decided = [ahead = request.ahead, kept = std::move(kept), &in](const resolve::ChosenFile& cf) {
      if (cf.direct || cf.wheel_path || !cf.dist.is_wheel() || cf.file.kind != index::FileKind::Wheel) return;
      if (cf.file.url.empty() || index::local_path(cf.file.url)) return;
      if (auto it = kept.find(cf.name); it != kept.end() && it->second == cf.version) return;
      install::PrepareItem item;
      item.name = cf.name;
      item.file = cf.file;
      if (auto h = in.hashes.find(cf.name); h != in.hashes.end()) item.required_hashes = h->second;
      ahead->start(std::move(item));
    };
  }
  std::unique_ptr<resolve::IndexProvider> provider_of_run;
  resolve::Resolution solved;
  std::exception_ptr first_failure;  // the failure before any relabelling: said if relabelling does not help
  for (int attempt = 0;; ++attempt) {
    provider_of_run = std::make_unique<resolve::IndexProvider>(indexes, metadata, popts);
    resolve::Solver solver(*provider_of_run);
    try {
      solved = solver.solve(std::string(resolve::kRootPackage));
      // An extension built per torch release (PEP 850 abi_dependency) takes the build the resolved
      // torch selects; where that build's dependencies differ from the ones assumed, resolve again
      // with it pinned (each retry pins more versions, so this ends).
      std::vector<std::pair<std::string, spec::Version>> versions;
      for (const auto& p : solved.packages) versions.emplace_back(p.name, p.version);
      auto pins = provider_of_run->settle_abi_labels(versions);
      if (pins.empty()) break;
      if (attempt >= 8)
        throw util::Error(util::ErrorKind::Resolution,
                          "the builds of " + pins.begin()->first + " that its abi_dependency selects could not be settled",
                          "--variant-label LABEL picks one build; -v shows each version's builds");
      for (auto& [key, label] : pins) popts.variants.label_pins[key] = label;
    } catch (const resolve::NoSolutionError&) {
      // The PyTorch family's variant wheels disagreed (torch's best label is cuda13.0, torchaudio has
      // only cuda12.8): resolve again with the best build every member has. Pages, metadata and the
      // detection are reused; each retry drops the pin it tried, so this ends.
      std::optional<resolve::FamilyPin> pin;
      if (variants.enabled && variants.label.empty() && attempt < 4) pin = provider_of_run->family_relabel();
      if (!first_failure) first_failure = std::current_exception();
      if (!pin) std::rethrow_exception(first_failure);
      util::log::debug("variants: the PyTorch packages have no build in common with their best labels; resolving "
                       "again with the builds for " + pin->describe() + " for all of them");
      popts.variants.family_pin = pin;
    } catch (const util::Error& e) {
      // A failure without a hint gets the hint of its kind (a network failure: the URLs, the network,
      // --offline), never a guess from the message.
      if (!e.hint().empty()) throw;
      std::string hint = util::default_hint(e.kind(), options.offline);
      if (hint.empty()) throw;
      throw util::Error(e.kind(), e.what(), hint);
    }
  }
  resolve::IndexProvider& provider = *provider_of_run;
  if (const auto& pin = popts.variants.family_pin; pin && pin->describe() == "no GPU")
    util::log::warn("the PyTorch packages have no GPU build in common here, so their builds without GPU "
                    "were taken (-v shows each one's variants; --variant-label picks one build)");

  dist::Resolution out;
  for (const auto& p : solved.packages) out.graph[p.name] = p.dependencies;
  out.roots = solved.root_dependencies;
  std::vector<std::pair<std::size_t, resolve::ChosenFile>> unhashed_chosen;  // (package index, file)
  for (const auto& p : solved.packages) {
    if (resolve::is_virtual_package(p.name)) continue;
    resolve::ChosenFile cf = provider.chosen(p.name, p.version);
    dist::ResolvedDist rd;
    rd.dist = cf.dist;
    rd.version = cf.version;
    rd.metadata_raw = std::move(cf.metadata_raw);
    rd.local_wheel = cf.wheel_path;
    rd.requested = provider.is_requested(p.name);
    rd.requested_extras = provider.requested_extras(p.name);
    if (auto vm = provider.variant_metadata(p.name, p.version)) rd.variants_json = vm->to_json();
    if (routing.active && !cf.direct)
      for (const auto& u : routing.urls)
        if (trim_slash(u) == trim_slash(cf.file.index_url)) rd.routed_index = util::redact_url(trim_slash(u));
    bool hashed = !request.collect_hashes || collect_hashes(rd, cf, indexes);
    out.packages.push_back(std::move(rd));
    if (!hashed) unhashed_chosen.push_back({out.packages.size() - 1, std::move(cf)});
  }
  hash_chosen_files(out, unhashed_chosen, services, request.on_hash_progress);
  if (request.collect_hashes && request.collect_attestations) collect_attestation_identities(out, services);
  std::sort(out.packages.begin(), out.packages.end(),
            [](const dist::ResolvedDist& a, const dist::ResolvedDist& b) { return a.name() < b.name(); });
  if (stats) {
    auto ps = provider.stats();
    stats->project_pages = ps.project_pages;
    stats->metadata_fetches = ps.metadata_fetches;
    stats->http_requests = services.client().request_count();
  }
  return out;
}

}  // namespace ptinstall::ops
