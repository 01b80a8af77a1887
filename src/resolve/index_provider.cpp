#include "ptinstall/resolve/index_provider.hpp"

#include "ptinstall/dist/build_options.hpp"

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>

#include "ptinstall/index/find_links.hpp"
#include "ptinstall/resolve/dependencies.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/thread_pool.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::resolve {

namespace {

std::string strip_slash(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

std::string key_of(std::string_view name, const spec::Version& v) { return std::string(name) + "==" + v.to_string(); }

}  // namespace

std::vector<spec::Requirement> apply_overrides(const std::vector<spec::Requirement>& requirements,
                                               const std::vector<spec::Requirement>& overrides) {
  if (overrides.empty()) return requirements;
  std::vector<spec::Requirement> out;
  for (const auto& req : requirements) {
    bool replaced = false;
    for (const auto& o : overrides) {
      if (o.package.str() != req.package.str()) continue;
      replaced = true;
      spec::Requirement copy = o;
      copy.marker = spec::Marker::conjunction(req.marker, o.marker);
      copy.extras.insert(copy.extras.end(), req.extras.begin(), req.extras.end());
      std::sort(copy.extras.begin(), copy.extras.end());
      copy.extras.erase(std::unique(copy.extras.begin(), copy.extras.end()), copy.extras.end());
      out.push_back(std::move(copy));
    }
    if (!replaced) out.push_back(req);
  }
  return out;
}

void apply_constraints(DependencyList& deps, const std::vector<spec::Requirement>& constraints,
                       const spec::MarkerEnvironment& env) {
  if (constraints.empty()) return;
  for (auto& [package, range] : deps) {
    if (is_system_package(package)) continue;
    std::string_view base = split_package(package).base;
    for (const auto& c : constraints) {
      if (c.package.str() != base || !c.marker.evaluate(env)) continue;
      if (!c.url) range = range.intersection(Range::from_specifiers(c.specifier));
    }
  }
}

struct IndexProvider::Impl {
  index::IndexSet& indexes;
  index::MetadataFetcher& metadata;
  IndexProviderOptions options;
  std::vector<spec::Requirement> root;  // overrides applied
  std::map<std::string, index::IndexFile, std::less<>> direct;  // `name @ url`
  std::map<std::string, dist::Dist, std::less<>> direct_dists;  // the same, as distributions
  std::map<std::string, std::string, std::less<>> source_metadata;  // METADATA of source distributions by URL
  std::map<std::string, std::vector<std::string>, std::less<>> root_extras;

  std::mutex mutex;
  std::map<std::string, std::shared_future<std::shared_ptr<const index::Candidates>>, std::less<>> candidates;
  std::map<std::string, std::vector<spec::Version>, std::less<>> ordered;
  std::map<std::string, int, std::less<>> prefetch_calls;
  std::map<std::string, ChosenFile, std::less<>> chosen;  // "name==version"
  std::set<std::string, std::less<>> warned;
  std::set<std::string, std::less<>> fetched;             // metadata read (URLs)

  // --variants: the wheel chosen for one version, and why (key "name==version").
  struct VariantDecision {
    std::optional<index::IndexFile> file;
    std::string unavailable;                              // why no file, when none
    std::shared_ptr<const spec::VariantMetadata> meta;    // null: no usable variants.json
    std::string meta_source;                              // the variants.json file, or "the variant.json of each wheel"
    spec::SupportedProperties effective;                  // the machine's properties for this metadata
    std::vector<std::string> labels;                      // the compatible labels, best first (before family_pin)
    bool non_variant = false;                             // a non-variant wheel may stand in
    // What settle_abi_labels() may switch to: the labels left after the family pin and the label
    // pins, best first, each with its best-tagged wheel, and the non-variant file (when one may stand in).
    std::vector<std::string> usable;
    std::map<std::string, index::IndexFile> files_by_label;
    std::optional<index::IndexFile> non_variant_file;
    // More than one build to choose from: abi_dependency ranges are then the solver's choice.
    bool several() const { return usable.size() + (non_variant_file ? 1 : 0) > 1; }
  };
  std::map<std::string, std::shared_ptr<const VariantDecision>, std::less<>> variant_decisions;
  std::map<std::string, std::set<spec::Version>, std::less<>> variant_family_versions;  // system:variant-* -> seen
  std::once_flag detected;

  // The machine's properties from the native providers (detection runs at most once).
  const spec::SupportedProperties& native() {
    if (options.variants.detect) std::call_once(detected, [this] { options.variants.native = options.variants.detect(); });
    return options.variants.native;
  }

  // The frontier: names whose likely version's metadata was read ahead of the solver (expand()).
  std::set<std::string, std::less<>> expanded;
  std::atomic<bool> done{false};  // the resolution is over: look no further ahead

  // Threads that wait for pages and metadata ahead of the solver. The waits hold a thread each while
  // the transfers themselves run on the HTTP client's one network thread, so the pool is sized for
  // the frontier of a wide graph rather than for CPU work.
  util::ThreadPool pool;  // last: joined first

  Impl(index::IndexSet& i, index::MetadataFetcher& m, IndexProviderOptions o)
      : indexes(i), metadata(m), options(std::move(o)), pool(48) {
    root = apply_overrides(options.requirements, options.overrides);
    // Each name's extras once, in the order first asked for (a set beside the list: a requirement
    // may ask for thousands, and a scan of the list per extra would be quadratic).
    std::map<std::string, std::set<std::string, std::less<>>, std::less<>> seen_extras;
    for (const auto& req : options.requirements) {
      auto& ex = root_extras[req.package.str()];
      auto& seen = seen_extras[req.package.str()];
      for (const auto& e : req.extras)
        if (seen.insert(e).second) ex.push_back(e);
    }
    // Source distributions named by URL (git, archives, trees) are pinned and asked for their metadata
    // all at once: each may clone, download and run a backend.
    std::vector<const spec::Requirement*> urls;
    std::vector<dist::Dist> dists;
    for (const auto& req : root) {
      if (!req.url) continue;
      urls.push_back(&req);
      dists.push_back(dist::from_direct_reference(req.package.str(), *req.url, options.editable_urls.count(*req.url) > 0));
    }
    std::vector<std::string> raws(urls.size());
    for (std::size_t i = 0; i < urls.size(); ++i) {
      if (dists[i].is_wheel()) continue;
      const std::string& name = urls[i]->package.str();
      if (!options.build) throw dist::source_refused("`" + urls[i]->to_string() + "`", dist::SourceRefusal::NoBuilder, name);
      options.build->build_options().require_source_allowed(name, "`" + urls[i]->to_string() + "`");
    }
    // Their own threads, one per source (up to 16): each mostly waits on a server or a backend.
    std::unique_ptr<util::ThreadPool> direct_pool;
    if (urls.size() > 1) direct_pool = std::make_unique<util::ThreadPool>(std::min<std::size_t>(urls.size(), 16));
    util::parallel_for(direct_pool.get(), urls.size(), [&](std::size_t i) {
      if (dists[i].is_wheel()) return;
      dists[i] = options.build->pin(dists[i]);  // a git branch or tag: its commit, once per run
      if (auto given = static_metadata_of_source(urls[i]->package.str())) {
        raws[i] = *given;  // uv's dependency-metadata: no build to learn what it requires
        return;
      }
      raws[i] = options.build->metadata(dists[i]);
    });
    for (std::size_t i = 0; i < urls.size(); ++i) {
      const spec::Requirement& req = *urls[i];
      const std::string& name = req.package.str();
      dist::Dist& d = dists[i];
      index::IndexFile f = index::make_index_file(*req.url, *req.url, name);
      if (!d.is_wheel()) {
        // A source distribution: its version and dependencies come from its metadata, through the
        // build seam.
        std::string& raw = raws[i];
        spec::CoreMetadata md = spec::CoreMetadata::parse(raw);
        if (spec::normalize_name(md.name) != name)
          throw util::Error(util::ErrorKind::Build, "`" + req.to_string() + "` builds the project `" + md.name + "`, not `" + name + "`");
        f.kind = index::FileKind::Sdist;
        f.version = md.version;
        d.version = md.version;
        source_metadata.emplace(f.url, std::move(raw));
      } else if (!f.version) {
        f.version = d.version;
      }
      f.index_url = strip_slash(*req.url);
      auto [it, fresh] = direct.emplace(name, f);
      if (!fresh && it->second.url != f.url)
        throw util::Error("conflicting URLs for " + name + ": " + util::redact_url(it->second.url) + " and " +
                          util::redact_url(f.url));
      direct_dists.emplace(name, std::move(d));
    }
  }

  spec::SpecifierSet requested_specifier(std::string_view name) const {
    for (const auto& r : root)
      if (r.package.str() == name && !r.specifier.empty()) return r.specifier;
    for (const auto& c : options.constraints)
      if (c.package.str() == name && !c.specifier.empty()) return c.specifier;
    return {};
  }

  std::shared_ptr<const index::Candidates> load(const std::string& name) {
    std::shared_future<std::shared_ptr<const index::Candidates>> fut;
    std::promise<std::shared_ptr<const index::Candidates>> promise;
    bool mine = false;
    {
      std::lock_guard lock(mutex);
      auto it = candidates.find(name);
      if (it == candidates.end()) {
        fut = promise.get_future().share();
        candidates.emplace(name, fut);
        mine = true;
      } else {
        fut = it->second;
      }
    }
    if (mine) {
      try {
        promise.set_value(std::make_shared<const index::Candidates>(indexes.candidates(name, requested_specifier(name))));
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    }
    return fut.get();
  }

  std::vector<spec::Version> cuda_versions() const {
    std::set<spec::Version> vs;
    for (const auto& [url, cuda] : options.cuda_of_index)
      if (auto v = spec::Version::parse(cuda)) vs.insert(*v);
    return {vs.rbegin(), vs.rend()};
  }

  std::vector<spec::Version> versions_of(const std::string& base) {
    {
      std::lock_guard lock(mutex);
      if (auto it = ordered.find(base); it != ordered.end()) return it->second;
    }
    std::vector<spec::Version> out;
    if (auto d = direct.find(base); d != direct.end()) {
      out.push_back(*d->second.version);
    } else {
      auto c = load(base);
      out = options.preferences.order(base, c->versions());
      // Nothing usable at all, yet the project exists: offer the versions whose files were all skipped,
      // so that the solver's explanation names them with the reason (dependencies() answers
      // "unavailable"), rather than saying the project does not exist.
      if (out.empty() && c->exists()) {
        std::vector<spec::Version> skipped;
        for (const auto& sk : c->skipped)
          if (sk.file.version && sk.reason != index::SkipReason::Shadowed && sk.reason != index::SkipReason::Unsupported)
            skipped.push_back(*sk.file.version);
        out = options.preferences.order(base, skipped);
        if (out.empty()) {
          std::sort(skipped.begin(), skipped.end());
          skipped.erase(std::unique(skipped.begin(), skipped.end()), skipped.end());
          out.assign(skipped.rbegin(), skipped.rend());
        }
      }
      if (options.prefer_binary)
        std::stable_partition(out.begin(), out.end(), [&](const spec::Version& v) {
          for (const auto* f : c->files_of(v))
            if (f->file.kind == index::FileKind::Wheel) return true;
          return false;
        });
      // unsafe-first-match (and packages routed to the PyTorch indexes): every version of an earlier
      // index comes before those of a later one; the preference order holds within each index.
      if (c->routed || indexes.options().strategy == index::IndexStrategy::UnsafeFirstMatch) {
        std::map<std::string, std::size_t> rank_of_index;
        std::map<spec::Version, std::size_t> rank;
        for (const auto& f : c->files) {
          std::size_t r = rank_of_index.emplace(f.file.index_url, rank_of_index.size()).first->second;
          if (f.file.version) rank.emplace(*f.file.version, r);
        }
        std::stable_sort(out.begin(), out.end(), [&](const spec::Version& a, const spec::Version& b) {
          return rank[a] < rank[b];
        });
      }
    }
    std::lock_guard lock(mutex);
    ordered.emplace(base, out);
    return out;
  }

  // The file the resolution would use for `base` at `version`, nullopt when there is none.
  std::optional<index::IndexFile> file_for(const std::string& base, const spec::Version& version) {
    if (auto d = direct.find(base); d != direct.end()) {
      if (!is_variant_file(d->second)) return d->second;
      if (!options.variants.enabled) {
        warn_once(d->second.filename + " is a variant wheel (PEP 825); its variant.json is checked against this "
                  "machine only with --variants");
        return d->second;
      }
      return decide_direct_variant(base, version, d->second)->file;
    }
    auto c = load(base);
    auto files = c->files_of(version);
    if (files.empty()) return std::nullopt;
    if (!options.variants.enabled || !has_variant_wheel(files)) return files.front()->file;
    return decide_variant(base, version, *c, files)->file;
  }

  static bool is_variant_file(const index::IndexFile& f) { return f.wheel && f.wheel->is_variant(); }
  static bool has_variant_wheel(const std::vector<const index::Candidate*>& files) {
    return std::any_of(files.begin(), files.end(), [](const index::Candidate* c) { return is_variant_file(c->file); });
  }

  std::shared_ptr<const VariantDecision> variant_decision(const std::string& base, const spec::Version& version) {
    std::lock_guard lock(mutex);
    auto it = variant_decisions.find(key_of(base, version));
    return it == variant_decisions.end() ? nullptr : it->second;
  }

  // PEP 825's fallback when the index has no `{name}-{version}-variants.json`: the `variant.json` of one
  // wheel per label (the best-tagged), read by range requests in parallel (MetadataFetcher keeps each by
  // the wheel's hash), merged into one metadata. A label whose wheel has no usable variant.json is
  // unsupported, with the reason in `unsupported`. Null when no label is left.
  std::shared_ptr<const spec::VariantMetadata> merged_wheel_metadata(const std::vector<const index::IndexFile*>& wheels,
                                                                     const std::string& no_file,
                                                                     std::map<std::string, std::string>& unsupported) {
    std::vector<std::pair<const index::IndexFile*, std::shared_future<std::optional<std::string>>>> reads;
    for (const auto* f : wheels) reads.emplace_back(f, metadata.dist_info_file(*f, "variant.json"));
    std::shared_ptr<spec::VariantMetadata> merged;
    for (auto& [file, future] : reads) {
      const std::string& l = file->wheel->variant_label;
      std::optional<std::string> text = future.get();  // a download that fails fails the resolution
      if (!text) {
        unsupported[l] = file->filename + " has no .dist-info/variant.json" + (no_file.empty() ? "" : " (and " + no_file + ")");
        continue;
      }
      spec::VariantMetadata m;
      try {
        m = spec::VariantMetadata::parse(*text, file->filename + ": variant.json");
      } catch (const util::Error& e) {
        warn_once(std::string("ignoring ") + file->filename + ": " + e.what());
        unsupported[l] = "invalid variant.json: " + std::string(e.what());
        continue;
      }
      if (!m.schema_supported()) {
        warn_once(file->filename + " uses the variant schema `" + m.schema +
                  "`, whose major version this ptinstall does not read: it is ignored");
        unsupported[l] = "unknown variant schema `" + m.schema + "`";
        continue;
      }
      auto own = m.variants.find(l);
      if (own == m.variants.end() || m.variants.size() != 1) {
        unsupported[l] = "its variant.json does not describe the label `" + l + "` alone";
        continue;
      }
      if (!merged) {
        merged = std::make_shared<spec::VariantMetadata>(m);
        continue;
      }
      // One version's wheels share their priorities and providers (PEP 825); the first wheel's stand,
      // and namespaces only a later wheel names are appended.
      for (const auto& ns : m.namespace_priorities)
        if (std::find(merged->namespace_priorities.begin(), merged->namespace_priorities.end(), ns) ==
            merged->namespace_priorities.end())
          merged->namespace_priorities.push_back(ns);
      merged->feature_priorities.insert(m.feature_priorities.begin(), m.feature_priorities.end());
      merged->property_priorities.insert(m.property_priorities.begin(), m.property_priorities.end());
      merged->providers.insert(m.providers.begin(), m.providers.end());
      merged->variants.emplace(l, own->second);
    }
    return merged;
  }

  // A variant wheel named by path or URL: used only when this machine supports the properties its own
  // `variant.json` lists (read in place, or by range requests), as an index wheel would be.
  std::shared_ptr<const VariantDecision> decide_direct_variant(const std::string& base, const spec::Version& version,
                                                               const index::IndexFile& f) {
    if (auto d = variant_decision(base, version)) return d;
    auto d = std::make_shared<VariantDecision>();
    const VariantSelection& sel = options.variants;
    const std::string& l = f.wheel->variant_label;
    std::map<std::string, std::string> unsupported;
    d->meta = merged_wheel_metadata({&f}, "", unsupported);
    if (d->meta) {
      d->meta_source = f.filename + "'s variant.json";
      d->effective = spec::effective_properties(*d->meta, sel.user, native());
      if (!sel.label.empty() && l != sel.label) {
        unsupported[l] = "not the --variant-label `" + sel.label + "`";
      } else {
        auto order = spec::order_variants(*d->meta, {l}, d->effective);
        for (auto& [x, why] : order.unsupported) unsupported[x] = why;
        d->labels = order.labels;
        d->usable = order.labels;
        if (!order.labels.empty()) {
          d->file = f;
          d->files_by_label.emplace(l, f);
        }
      }
    }
    if (!d->file)
      d->unavailable = "is the variant wheel " + f.filename + ", which this machine does not support (" + l + ": " +
                       (unsupported.count(l) ? unsupported[l] : std::string("no usable variant.json")) + ")";
    {
      std::lock_guard lock(mutex);
      auto [it, fresh] = variant_decisions.emplace(key_of(base, version), d);
      if (!fresh) return it->second;
    }
    if (util::log::enabled(util::log::Level::Debug)) {
      std::string msg = "variants of " + key_of(base, version) + " (" + f.filename + ", given directly): " +
                        (d->file ? "supported" : d->unavailable);
      if (d->meta)
        for (const auto& [ns, src] : d->effective.source) msg += "\n  " + ns + " properties from " + src;
      util::log::debug(msg);
    }
    return d;
  }

  // PEP 825's choice among the files of one version (they come in tag order, best first).
  std::shared_ptr<const VariantDecision> decide_variant(const std::string& base, const spec::Version& version,
                                                        const index::Candidates& c,
                                                        const std::vector<const index::Candidate*>& files) {
    std::string key = key_of(base, version);
    if (auto d = variant_decision(base, version)) return d;
    auto d = std::make_shared<VariantDecision>();
    const VariantSelection& sel = options.variants;
    std::vector<std::string> labels;
    std::string index_url;
    for (const auto* f : files) {
      if (!is_variant_file(f->file)) continue;
      if (index_url.empty()) index_url = f->file.index_url;
      const std::string& l = f->file.wheel->variant_label;
      if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
    }
    spec::VariantOrder order;
    const index::IndexFile* vj = c.variants_json_of(version, index_url);
    if (!vj) {
      std::string no_file = "no " + base + "-" + version.to_string() + "-variants.json on " + util::redact_url(index_url);
      std::vector<const index::IndexFile*> wheels;  // one per label, the best-tagged
      for (const auto& l : labels)
        for (const auto* f : files)
          if (is_variant_file(f->file) && f->file.wheel->variant_label == l) {
            wheels.push_back(&f->file);
            break;
          }
      d->meta = merged_wheel_metadata(wheels, no_file, order.unsupported);
      if (d->meta) d->meta_source = "the variant.json of each wheel (" + no_file + ")";
    } else {
      if (!sel.fetcher) throw util::Error("variants.json of " + key + " cannot be fetched here (no fetcher)");
      d->meta = sel.fetcher->fetch(*vj).get();  // a broken file fails the resolution, with its reason
      d->meta_source = vj->filename;
    }
    if (d->meta) {
      if (!d->meta->schema_supported()) {
        warn_once(d->meta_source + " uses the variant schema `" + d->meta->schema +
                  "`, whose major version this ptinstall does not read: its variant wheels are ignored");
        for (const auto& l : labels) order.unsupported[l] = "unknown variant schema `" + d->meta->schema + "`";
        d->meta = nullptr;
      } else {
        d->effective = spec::effective_properties(*d->meta, sel.user, native());
        std::vector<std::string> considered;
        for (const auto& l : labels) {
          if (order.unsupported.count(l)) continue;  // its wheel's variant.json was unusable
          if (!sel.label.empty() && l != sel.label) order.unsupported[l] = "not the --variant-label `" + sel.label + "`";
          else considered.push_back(l);
        }
        auto ordered = spec::order_variants(*d->meta, considered, d->effective);
        order.labels = std::move(ordered.labels);
        for (auto& [l, why] : ordered.unsupported) order.unsupported[l] = std::move(why);
        d->labels = order.labels;
        if (sel.family_pin && sel.family.count(base)) {
          std::vector<std::string> kept;
          for (const auto& l : order.labels) {
            FamilyPin p = pin_of_label(*d, l);
            if (p == *sel.family_pin) kept.push_back(l);
            else
              order.unsupported[l] = "built for " + p.describe() + "; the PyTorch packages all take their builds for " +
                                     sel.family_pin->describe() + ", the newest every one of them has";
          }
          order.labels = std::move(kept);
        }
      }
    }
    // A retry after settle_abi_labels(): this version takes the one build it named.
    auto pin = sel.label_pins.find(key);
    if (pin != sel.label_pins.end()) {
      std::vector<std::string> kept;
      for (const auto& l : order.labels)
        if (l == pin->second) kept.push_back(l);
        else order.unsupported[l] = "not the build `" + (pin->second.empty() ? std::string("(non-variant)") : pin->second) +
                                    "` the resolved versions of its abi_dependency select";
      order.labels = std::move(kept);
    }
    bool non_variant_allowed = sel.label.empty() && (pin == sel.label_pins.end() || pin->second.empty());
    for (const auto* f : files)
      if (!is_variant_file(f->file)) d->non_variant = non_variant_allowed;
    d->usable = order.labels;
    for (const auto& l : order.labels)
      for (const auto* f : files)
        if (is_variant_file(f->file) && f->file.wheel->variant_label == l) {
          d->files_by_label.emplace(l, f->file);
          break;
        }
    if (!order.labels.empty()) d->file = d->files_by_label.at(order.labels.front());
    // Non-variant files come after every variant (PEP 825); --variant-label asks for that build only.
    if (non_variant_allowed)
      for (const auto* f : files)
        if (!is_variant_file(f->file)) {
          d->non_variant_file = f->file;
          if (!d->file) d->file = f->file;
          break;
        }
    std::vector<std::string> why;
    for (const auto& [l, reason] : order.unsupported) why.push_back(l + ": " + reason);
    if (!d->file) d->unavailable = "has no wheel this machine supports (" + util::join(why, "; ") + ")";
    {
      std::lock_guard lock(mutex);
      auto [it, fresh] = variant_decisions.emplace(key, d);
      if (!fresh) return it->second;
    }
    if (util::log::enabled(util::log::Level::Debug)) {
      std::string chosen = !d->file ? std::string("none")
                           : is_variant_file(*d->file) ? "variant `" + d->file->wheel->variant_label + "`"
                                                       : std::string("the non-variant wheel");
      std::string msg = "variants of " + key + ": " + chosen + " (order: " +
                        (order.labels.empty() ? std::string("-") : util::join(order.labels, " > ")) + ")";
      for (const auto& w : why) msg += "\n  " + w;
      if (d->meta)
        for (const auto& [ns, src] : d->effective.source) msg += "\n  " + ns + " properties from " + src;
      util::log::debug(msg);
    }
    return d;
  }

  // system:variant-cuda / system:variant-rocm for a chosen family variant wheel: the first supported
  // value of its label's `nvidia :: cuda_version_lower_bound` / `amd :: rocm_version` in the machine's
  // order, "0" where it has none.
  static FamilyPin pin_of_label(const VariantDecision& d, const std::string& label) {
    spec::VariantPropertyMap props;
    if (d.meta)
      if (auto v = d.meta->variants.find(label); v != d.meta->variants.end()) props = v->second;
    auto pick = [&](const std::string& ns, const std::string& feature) -> spec::Version {
      auto n = props.find(ns);
      if (n == props.end()) return spec::Version::from_string("0");
      auto f = n->second.find(feature);
      if (f == n->second.end()) return spec::Version::from_string("0");
      if (const auto* sup = d.effective.find(ns))
        for (const auto& sf : *sup)
          if (sf.name == feature)
            for (const auto& value : sf.values)
              if (std::find(f->second.begin(), f->second.end(), value) != f->second.end())
                if (auto v = spec::Version::parse(value)) return *v;
      return spec::Version::from_string("0");
    };
    return FamilyPin{pick("nvidia", "cuda_version_lower_bound"), pick("amd", "rocm_version")};
  }

  std::vector<std::pair<std::string, spec::Version>> family_pins(const std::string& base, const spec::Version& version,
                                                                 const index::IndexFile& file) {
    std::vector<std::pair<std::string, spec::Version>> out;
    auto d = variant_decision(base, version);
    FamilyPin pin = d ? pin_of_label(*d, file.wheel->variant_label) : FamilyPin{};
    out.emplace_back("system:variant-cuda", pin.cuda);
    out.emplace_back("system:variant-rocm", pin.rocm);
    std::lock_guard lock(mutex);
    for (const auto& [name, v] : out) variant_family_versions[name].insert(v);
    return out;
  }

  // PEP 850 `abi_dependency :: torch :: 2.9` of one label: dependency name -> range (torch==2.9.*,
  // the values of one feature or-ed). Empty for a label without such properties.
  static std::map<std::string, Range> abi_ranges(const VariantDecision& d, const std::string& label) {
    std::map<std::string, Range> out;
    if (!d.meta) return out;
    auto v = d.meta->variants.find(label);
    if (v == d.meta->variants.end()) return out;
    auto abi = v->second.find(std::string(spec::kAbiDependencyNamespace));
    if (abi == v->second.end()) return out;
    for (const auto& [dep, values] : abi->second) {
      Range range = Range::empty();
      for (const auto& value : values)
        range = range.union_with(Range::from_specifiers(spec::SpecifierSet::parse(spec::abi_dependency_specifier(value))));
      out.emplace(spec::normalize_name(dep), range);
    }
    return out;
  }

  // abi_ranges() of each usable label, in the order of `d.usable`.
  static std::vector<std::map<std::string, Range>> usable_abi_ranges(const VariantDecision& d) {
    std::vector<std::map<std::string, Range>> out;
    for (const auto& l : d.usable) out.push_back(abi_ranges(d, l));
    return out;
  }

  // The `abi_dependency` edges of a version, as if its wheel's Requires-Dist said so. With one build,
  // that build's ranges. With several (an extension built per torch release), the union over them (a
  // build without the dependency, or a non-variant wheel, allows any version), so the solver decides
  // torch, a pinned one included, and backtracks when no build fits; settle_abi_labels() then takes
  // the best build the resolved versions fit. The PyTorch family keeps its one label (its
  // system:variant-* pins are per label).
  void add_abi_dependencies(const std::string& base, const spec::Version& version, const index::IndexFile& file,
                            DependencyList& deps) {
    auto d = variant_decision(base, version);
    if (!d || !d->meta) return;
    std::map<std::string, Range> ranges;
    if (!d->several() || options.variants.family.count(base)) {
      ranges = abi_ranges(*d, file.wheel->variant_label);
    } else {
      const auto per_label = usable_abi_ranges(*d);
      std::set<std::string> names;
      for (const auto& own : per_label)
        for (const auto& [name, r] : own) names.insert(name);
      for (const auto& name : names) {
        Range range = d->non_variant_file ? Range::full() : Range::empty();
        for (const auto& own : per_label) {
          auto it = own.find(name);
          range = range.union_with(it == own.end() ? Range::full() : it->second);
        }
        ranges.emplace(name, range);
      }
    }
    for (const auto& [name, range] : ranges) {
      if (options.excludes.count(name)) continue;  // --excludes: never an edge
      add_dependency(deps, name, range);
      if (!direct.count(name)) indexes.prefetch({name});
    }
  }

  // The Requires-Dist of `base` at `version`, parsed; an invalid entry is ignored with a warning (once).
  std::vector<spec::Requirement> parse_requires_dist(const std::string& base, const spec::Version& version,
                                                     const spec::CoreMetadata& md) {
    std::vector<spec::Requirement> reqs;
    for (const auto& raw : md.requires_dist) {
      try {
        reqs.push_back(spec::Requirement::parse(raw));
      } catch (const util::Error& e) {
        warn_once(base + "==" + version.to_string() + " has an invalid requirement that is ignored: " + e.what());
      }
    }
    return reqs;
  }

  // The dependency edges that `reqs` (the Requires-Dist of `file`) give `package` (a real package or one
  // of its extras) at `version`, evaluated with that wheel's variant markers; overrides and constraints
  // applied.
  DependencyList requires_dist_edges(const std::string& package, const std::string& base, const spec::Version& version,
                                     const index::IndexFile& file, std::vector<spec::Requirement> reqs) {
    reqs = apply_overrides(reqs, options.overrides);
    DependencyList deps = package_dependencies(package, version, reqs, markers_for(base, version, file));
    apply_constraints(deps, options.constraints, options.markers);
    drop_excluded(deps);
    return deps;
  }

  // --excludes: the named packages (and their extras) leave every dependency list, the root's too.
  void drop_excluded(DependencyList& deps) const {
    if (options.excludes.empty()) return;
    deps.erase(std::remove_if(deps.begin(), deps.end(),
                              [&](const auto& d) {
                                return !is_system_package(d.first) &&
                                       options.excludes.count(split_package(d.first).base) > 0;
                              }),
               deps.end());
  }

  // The marker environment for the Requires-Dist of `file`: PEP 825's variant markers, the sets
  // filtered to the properties the machine supports.
  spec::MarkerEnvironment markers_for(const std::string& base, const spec::Version& version, const index::IndexFile& file) {
    spec::MarkerEnvironment env = options.markers;
    if (!is_variant_file(file)) return env;
    env.set("variant_label", file.wheel->variant_label);
    auto d = variant_decision(base, version);
    if (d && d->meta) spec::set_variant_markers(env, *d->meta, file.wheel->variant_label, d->effective);
    return env;
  }

  // Why a version without usable files cannot be used: the skip reasons of its files, as predicates
  // ("has no wheel with a supported platform tag", "requires Python >=3.13").
  Dependencies skipped_unavailable(const std::string& base, const spec::Version& version) {
    std::vector<std::string> reasons;
    bool sdist = false;
    bool no_wheels = false;
    bool python_skip = false;
    try {
      auto c = load(base);
      std::string prefix = base + "==" + version.to_string() + " ";
      for (auto line : c->skip_reasons(version)) {
        if (line.rfind(prefix, 0) == 0) line = line.substr(prefix.size());
        reasons.push_back(line);
      }
      for (const auto& sk : c->skipped) {
        if (!sk.file.version || *sk.file.version != version) continue;
        if (sk.reason == index::SkipReason::NoSdists) sdist = true;
        if (sk.reason == index::SkipReason::NoWheels) no_wheels = true;
        if (sk.reason == index::SkipReason::RequiresPython) python_skip = true;
      }
    } catch (const std::exception&) {
    }
    if (reasons.empty()) return Dependencies::unavailable("has no usable file");
    std::string hint = sdist ? sdist_hint() : "";
    if (no_wheels && !sdist)
      hint = "--no-binary forbids the wheels of " + base + ", and it has no source distribution to build";
    if (python_skip) {
      // The same hint as for a Requires-Python read from the metadata (it names only the target).
      std::string py = requires_python_unavailable(spec::SpecifierSet{}, options.python_version).hint;
      hint = hint.empty() ? py : hint + "\n" + py;
    }
    return Dependencies::unavailable(util::join(reasons, " and "), hint);
  }

  // Why sdists were passed over: no build frontend, or the user's --only-binary / --no-build.
  std::string sdist_hint() const {
    if (options.build && options.build->build_options().can_build)
      return "--only-binary (or --no-build) forbids building it from source";
    return std::string(dist::no_builder_hint());
  }

  void warn_once(const std::string& message) {
    {
      std::lock_guard lock(mutex);
      if (!warned.insert(message).second) return;
    }
    util::log::warn(message);
  }

  // uv's dependency-metadata for `base` at `version`: the entry of that version, else one without a
  // version (the first in precedence order); nullopt when the config has none.
  std::optional<std::string> static_metadata(const std::string& base, const spec::Version& version) const {
    auto it = options.dependency_metadata.find(base);
    if (it == options.dependency_metadata.end()) return std::nullopt;
    for (const auto& e : it->second)
      if (e.version && *e.version == version) return e.text(version.to_string());
    for (const auto& e : it->second)
      if (!e.version) return e.text(version.to_string());
    return std::nullopt;
  }

  // A source named by URL (`flash-attn @ git+...`, a tree, an archive): its version is not known before
  // its metadata, so only an entry that gives a version can stand in for building it.
  std::optional<std::string> static_metadata_of_source(const std::string& base) const {
    auto it = options.dependency_metadata.find(base);
    if (it == options.dependency_metadata.end()) return std::nullopt;
    for (const auto& e : it->second)
      if (e.version) return e.text(e.version->to_string());
    return std::nullopt;
  }

  const ChosenFile& read_metadata(const std::string& base, const spec::Version& version, const index::IndexFile& file) {
    std::string key = key_of(base, version);
    {
      std::lock_guard lock(mutex);
      if (auto it = chosen.find(key); it != chosen.end()) return it->second;
    }
    ChosenFile cf;
    cf.name = base;
    cf.version = version;
    cf.file = file;
    cf.direct = direct.count(base) > 0;
    cf.dist = cf.direct ? direct_dists.at(base) : dist::from_index_file(file);
    cf.dist.name = base;
    cf.dist.version = version;
    spec::CoreMetadata md;
    if (auto given = static_metadata(base, version)) {
      // uv's dependency-metadata: the config says what this version requires; nothing is fetched or built.
      cf.metadata_raw = *given;
      md = spec::CoreMetadata::parse(cf.metadata_raw);
      util::log::debug(key + ": metadata from dependency-metadata (nothing fetched or built)");
    } else if (file.kind == index::FileKind::Wheel) {
      index::WheelMetadata wm = metadata.fetch(file);
      cf.metadata_raw = wm.raw;
      cf.wheel_path = wm.wheel_path;
      md = std::move(wm.metadata);
    } else {
      // A source distribution: static metadata or the backend's answer, through the build seam.
      std::string raw;
      {
        std::lock_guard lock(mutex);
        if (auto it = source_metadata.find(file.url); it != source_metadata.end()) raw = it->second;
      }
      if (raw.empty()) {
        if (!options.build) throw dist::source_refused(file.filename, dist::SourceRefusal::NoBuilder, base);
        options.build->build_options().require_source_allowed(base, file.filename);
        raw = options.build->metadata(cf.dist);
      }
      cf.metadata_raw = raw;
      md = spec::CoreMetadata::parse(raw);
    }
    if (spec::normalize_name(md.name) != base)
      throw util::Error("the metadata of " + file.filename + " names the project `" + md.name + "`, not `" +
                        base + "`");
    if (!(md.version == version) && !(md.version == version.without_local()))
      warn_once(file.filename + " has version " + md.version.to_string() + " in its metadata");
    std::lock_guard lock(mutex);
    fetched.insert(file.url);
    return chosen.emplace(key, std::move(cf)).first->second;
  }

  // Keeps the whole frontier in flight: as soon as the metadata of a package's likely version (the
  // first its preferences give in the range) is in, the pages of its dependencies are asked for and
  // their own likely versions expanded in turn, without waiting for the solver to decide the package.
  // So a cold resolution pays about the graph's depth in round trips (page, then metadata, per
  // level), not its size. Speculative: a version the solver does not take only cost a request; the
  // solver still asks for everything it needs through dependencies() and prefetch().
  void schedule_expand(const std::string& base, const Range& range, const std::vector<std::string>& extras) {
    if (done || options.no_deps || is_system_package(base) || direct.count(base) || options.excludes.count(base)) return;
    {
      std::lock_guard lock(mutex);
      if (expanded.size() >= kMaxExpanded || !expanded.insert(base).second) return;
    }
    indexes.prefetch({base});
    pool.submit([this, base, range, extras] { expand(base, range, extras); });
  }

  static constexpr std::size_t kMaxExpanded = 2000;

  void expand(const std::string& base, const Range& range, const std::vector<std::string>& extras) {
    if (done) return;
    try {
      std::optional<index::IndexFile> file;
      for (const auto& v : versions_of(base)) {
        if (!range.contains(v)) continue;
        file = file_for(base, v);
        break;
      }
      if (!file || file->kind != index::FileKind::Wheel) return;  // sdists: the build decides, later
      index::WheelMetadata wm = metadata.prefetch(*file).get();
      std::vector<spec::Requirement> reqs;
      for (const auto& raw : wm.metadata.requires_dist) {
        try {
          reqs.push_back(spec::Requirement::parse(raw));
        } catch (const util::Error&) {
        }
      }
      reqs = apply_overrides(reqs, options.overrides);
      for (const auto& r : reqs) {
        // `name @ url` comes from its URL, which the solver reads through the build seam: never ask an
        // index for such a name ahead of time.
        if (r.url || !r.applies(options.markers, extras)) continue;
        schedule_expand(r.package.str(), Range::from_specifiers(r.specifier), r.extras);
      }
    } catch (const std::exception& e) {
      util::log::trace("looking ahead at " + base + " failed: " + e.what());
    }
  }

  void prefetch_job(const std::string& base, const Range& range, std::size_t count) {
    if (done) return;
    try {
      std::vector<spec::Version> vs = versions_of(base);
      std::size_t n = 0;
      for (const auto& v : vs) {
        if (n >= count) break;
        if (!range.contains(v)) continue;
        ++n;
        auto f = file_for(base, v);
        if (f && f->kind == index::FileKind::Wheel) metadata.prefetch(*f);
      }
    } catch (const std::exception& e) {
      util::log::trace("prefetch of " + base + " failed: " + e.what());
    }
  }
};

IndexProvider::IndexProvider(index::IndexSet& indexes, index::MetadataFetcher& metadata, IndexProviderOptions options)
    : impl_(std::make_unique<Impl>(indexes, metadata, std::move(options))) {
  // Pages of the direct requirements are wanted first: ask for all of them at once.
  std::vector<std::string> names;
  for (const auto& r : impl_->root)
    if (!r.url && !impl_->options.excludes.count(r.package.str())) names.push_back(r.package.str());
  impl_->indexes.prefetch(names);
  // And the whole frontier behind them, ahead of the solver.
  for (const auto& r : impl_->root)
    if (!r.url && r.applies(impl_->options.markers))
      impl_->schedule_expand(r.package.str(), Range::from_specifiers(r.specifier), r.extras);
}

std::string FamilyPin::describe() const {
  std::vector<std::string> parts;
  if (cuda != spec::Version::from_string("0")) parts.push_back("CUDA " + cuda.to_string());
  if (rocm != spec::Version::from_string("0")) parts.push_back("ROCm " + rocm.to_string());
  return parts.empty() ? std::string("no GPU") : util::join(parts, " and ");
}

std::optional<FamilyPin> IndexProvider::family_relabel() {
  auto& I = *impl_;
  const auto& sel = I.options.variants;
  std::lock_guard lock(I.mutex);
  if (I.variant_family_versions["system:variant-cuda"].size() < 2 &&
      I.variant_family_versions["system:variant-rocm"].size() < 2)
    return std::nullopt;
  // Each member's builds (the union over the versions decided), in its own order; a member with a
  // non-variant wheel to fall back on takes any.
  std::map<std::string, std::vector<FamilyPin>> builds;
  std::set<std::string> flexible;  // members that can fall back to a non-variant wheel (no pin)
  for (const auto& [key, d] : I.variant_decisions) {
    std::string base = key.substr(0, key.find("=="));
    if (!sel.family.count(base) || !d->meta) continue;
    if (d->non_variant) flexible.insert(base);
    auto& list = builds[base];
    for (const auto& l : d->labels) {
      FamilyPin p = Impl::pin_of_label(*d, l);
      if (std::find(list.begin(), list.end(), p) == list.end()) list.push_back(p);
    }
  }
  if (builds.empty()) return std::nullopt;
  const auto& leader = builds.count("torch") ? builds["torch"] : builds.begin()->second;
  for (const auto& p : leader) {
    if (sel.family_pin && p == *sel.family_pin) continue;
    bool everyone = true;
    for (const auto& [base, list] : builds)
      everyone = everyone && (flexible.count(base) || std::find(list.begin(), list.end(), p) != list.end());
    if (everyone) return p;
  }
  return std::nullopt;
}

std::map<std::string, std::string, std::less<>> IndexProvider::settle_abi_labels(
    const std::vector<std::pair<std::string, spec::Version>>& solution) {
  auto& I = *impl_;
  std::map<std::string, std::string, std::less<>> pins;
  if (!I.options.variants.enabled) return pins;
  std::map<std::string, spec::Version, std::less<>> at(solution.begin(), solution.end());
  for (const auto& [package, version] : solution) {
    if (is_virtual_package(package) || I.options.variants.family.count(package)) continue;
    auto d = I.variant_decision(package, version);
    if (!d || !d->meta || !d->file || !d->several()) continue;
    auto fits = [&](const std::map<std::string, Range>& ranges) {
      for (const auto& [dep, range] : ranges) {
        auto it = at.find(dep);
        if (it == at.end() || !range.contains(it->second)) return false;
      }
      return true;
    };
    const auto per_label = Impl::usable_abi_ranges(*d);
    if (std::all_of(per_label.begin(), per_label.end(), [](const auto& own) { return own.empty(); })) continue;
    std::optional<index::IndexFile> want;
    std::string label;
    for (std::size_t i = 0; i < d->usable.size() && !want; ++i)
      if (fits(per_label[i])) {
        label = d->usable[i];
        want = d->files_by_label.at(label);
      }
    if (!want) want = d->non_variant_file;  // the union the solver saw allows nothing else
    if (!want || want->url == d->file->url) continue;
    std::string key = key_of(package, version);
    std::string was = Impl::is_variant_file(*d->file) ? "`" + d->file->wheel->variant_label + "`" : "the non-variant wheel";
    std::string now = label.empty() ? "the non-variant wheel" : "`" + label + "`";
    // The switch must not change what the resolution assumed: the same edges for the package and each
    // of its extras in the solution. Otherwise resolve again with this build pinned.
    bool same = want->kind == index::FileKind::Wheel;
    if (same) {
      std::string old_raw;
      {
        std::lock_guard lock(I.mutex);
        if (auto it = I.chosen.find(key); it != I.chosen.end()) old_raw = it->second.metadata_raw;
      }
      if (old_raw.empty()) old_raw = I.metadata.fetch(*d->file).raw;
      const auto old_reqs = I.parse_requires_dist(package, version, spec::CoreMetadata::parse(old_raw));
      const auto new_reqs = I.parse_requires_dist(package, version, I.metadata.fetch(*want).metadata);
      for (const auto& [p, v] : solution) {
        if (split_package(p).base != package || is_system_package(p)) continue;
        same = same && I.requires_dist_edges(p, package, version, *d->file, old_reqs) ==
                           I.requires_dist_edges(p, package, version, *want, new_reqs);
      }
    }
    if (!same) {
      util::log::debug("variants of " + key + ": the resolved versions select the build " + now + ", whose dependencies "
                       "differ from those of " + was + "; resolving again with it");
      pins[key] = label;
      continue;
    }
    util::log::debug("variants of " + key + ": the build " + now + " (instead of " + was +
                     "), the best one the resolved versions of its abi_dependency fit");
    auto settled = std::make_shared<Impl::VariantDecision>(*d);
    settled->file = want;
    {
      std::lock_guard lock(I.mutex);
      I.variant_decisions[key] = settled;
      I.chosen.erase(key);
    }
    I.read_metadata(package, version, *want);
  }
  return pins;
}

IndexProvider::~IndexProvider() {
  impl_->done = true;  // queued look-ahead jobs return at once; running ones end with their transfer
}

std::vector<spec::Version> IndexProvider::versions(const std::string& package) {
  if (package == "system:cuda") return impl_->cuda_versions();
  if (package == "system:variant-cuda" || package == "system:variant-rocm") {
    // Every value a family pin can take: the machine's supported values of the feature, 0, and any
    // other value seen (from static properties), so the solver's explanation names both sides.
    const auto& sel = impl_->options.variants;
    bool cuda = package == "system:variant-cuda";
    std::set<spec::Version> all{spec::Version::from_string("0")};
    for (const auto* props : {&sel.user, &impl_->native()})
      if (const auto* features = props->find(cuda ? "nvidia" : "amd"))
        for (const auto& f : *features)
          if (f.name == (cuda ? "cuda_version_lower_bound" : "rocm_version"))
            for (const auto& v : f.values)
              if (auto parsed = spec::Version::parse(v)) all.insert(*parsed);
    std::lock_guard lock(impl_->mutex);
    const auto& seen = impl_->variant_family_versions[package];
    all.insert(seen.begin(), seen.end());
    return {all.rbegin(), all.rend()};
  }
  if (is_system_package(package)) return {};
  return impl_->versions_of(std::string(split_package(package).base));
}

Dependencies IndexProvider::dependencies(const std::string& package, const spec::Version& version) {
  auto& I = *impl_;
  const auto& env = I.options.markers;
  if (package == kRootPackage) {
    DependencyList deps = requirements_to_dependencies(I.root, env);
    apply_constraints(deps, I.options.constraints, env);
    I.drop_excluded(deps);
    return Dependencies::of(std::move(deps));
  }
  if (is_system_package(package)) return Dependencies::of({});
  auto [base_view, extra] = split_package(package);
  std::string base(base_view);

  auto file = I.file_for(base, version);
  if (!file) {
    if (auto d = I.variant_decision(base, version); d && !d->unavailable.empty())
      return Dependencies::unavailable(d->unavailable,
                                       "the variant wheels were ranked against this machine's properties (-v shows "
                                       "them); --variant-properties FILE lists the target's own");
    return I.skipped_unavailable(base, version);
  }

  if (I.options.no_deps) {
    if (extra.empty()) return Dependencies::of({});
    DependencyList deps;
    add_dependency(deps, base, Range::exactly(version));
    return Dependencies::of(std::move(deps));
  }

  const ChosenFile& cf = I.read_metadata(base, version, *file);
  if (extra.empty() && I.options.on_decided) I.options.on_decided(cf);
  spec::CoreMetadata md = spec::CoreMetadata::parse(cf.metadata_raw);
  if (md.requires_python && !md.requires_python->contains(I.options.python_version, true))
    return requires_python_unavailable(*md.requires_python, I.options.python_version);

  std::vector<spec::Requirement> reqs = I.parse_requires_dist(base, version, md);
  if (!extra.empty()) {
    std::string ex(extra);
    bool provided = std::find(md.provides_extra.begin(), md.provides_extra.end(), ex) != md.provides_extra.end();
    bool referenced = false;
    for (const auto& r : reqs)
      for (const auto& e : r.marker.referenced_extras()) referenced = referenced || e == ex;
    if (!provided && !referenced)
      I.warn_once(base + "==" + version.to_string() + " does not have an extra named `" + ex + "`");
  }
  DependencyList deps = I.requires_dist_edges(package, base, version, *file, std::move(reqs));

  if (extra.empty() && I.options.variants.enabled && I.is_variant_file(*file)) I.add_abi_dependencies(base, version, *file, deps);
  if (extra.empty() && I.options.variants.enabled && I.options.variants.family.count(base) && I.is_variant_file(*file))
    for (const auto& [name, v] : I.family_pins(base, version, *file)) add_dependency(deps, name, Range::exactly(v));

  if (extra.empty() && I.options.cuda_packages.count(base)) {
    auto it = I.options.cuda_of_index.find(strip_slash(file->index_url));
    if (it == I.options.cuda_of_index.end()) it = I.options.cuda_of_index.find(strip_slash(file->index_url) + "/");
    if (it != I.options.cuda_of_index.end())
      if (auto v = spec::Version::parse(it->second)) add_dependency(deps, "system:cuda", Range::exactly(*v));
  }

  std::vector<std::string> names;
  for (const auto& [name, range] : deps)
    if (!is_system_package(name) && !I.direct.count(split_package(name).base))
      names.emplace_back(split_package(name).base);
  I.indexes.prefetch(names);
  return Dependencies::of(std::move(deps));
}

void IndexProvider::prefetch(const std::string& package, const Range& range) {
  auto& I = *impl_;
  if (package == kRootPackage || is_system_package(package) || I.options.no_deps) return;
  std::string base(split_package(package).base);
  int calls;
  {
    std::lock_guard lock(I.mutex);
    calls = ++I.prefetch_calls[base];
  }
  std::size_t count = calls == 1 ? 1 : std::max<std::size_t>(1, I.options.prefetch_batch);
  if (!I.direct.count(base)) I.indexes.prefetch({base});
  Impl* impl = impl_.get();
  I.pool.submit([impl, base, range, count] { impl->prefetch_job(base, range, count); });
}

std::string IndexProvider::no_versions_hint(const std::string& package, const Range& range) {
  auto& I = *impl_;
  if (is_system_package(package)) {
    if (package == "system:cuda")
      return "the PyTorch packages must all come from indexes of the same CUDA version (--torch-backend=auto)";
    if (package == "system:variant-cuda" || package == "system:variant-rocm")
      return "the PyTorch packages' variant wheels must agree on the CUDA (ROCm) version; -v shows each one's "
             "choice, and --variant-label picks one build for all of them";
    return {};
  }
  std::string base(split_package(package).base);
  if (I.direct.count(base)) return {};
  std::shared_ptr<const index::Candidates> c;
  try {
    c = I.load(base);
  } catch (const std::exception&) {
    return {};
  }
  std::vector<std::string> hints;
  if (!c->exists()) {
    std::vector<std::string> where;
    for (const auto& s : c->searched) where.push_back(util::redact_url(s));
    if (where.empty())
      hints.push_back("`" + base + "` was searched on no index (--no-index without --find-links)");
    else
      hints.push_back("`" + base + "` was not found on " + util::join(where, ", ") +
                      (c->routed ? " (the PyTorch indexes chosen by --torch-backend)" : ""));
    return util::join(hints, "\n");
  }
  // Versions in the range whose files were all skipped: say why (newest first, a few).
  std::set<spec::Version> skipped_versions;
  bool sdist_only = false;
  for (const auto& s : c->skipped) {
    if (!s.file.version || !range.contains(*s.file.version)) continue;
    if (s.reason == index::SkipReason::Shadowed || s.reason == index::SkipReason::Unsupported) continue;
    skipped_versions.insert(*s.file.version);
  }
  std::size_t shown = 0;
  for (auto it = skipped_versions.rbegin(); it != skipped_versions.rend() && shown < 3; ++it, ++shown) {
    bool only_sdist = true;
    for (const auto& s : c->skipped)
      if (s.file.version && *s.file.version == *it && s.reason != index::SkipReason::NoSdists) only_sdist = false;
    sdist_only = sdist_only || only_sdist;
    for (const auto& line : c->skip_reasons(*it)) hints.push_back(line);
  }
  if (sdist_only)
    hints.push_back(I.sdist_hint() + ": choose a version that has a wheel");
  if (!c->versions().empty()) {
    std::string pre = I.options.preferences.no_versions_hint(base, range, c->versions());
    if (!pre.empty()) hints.push_back(pre);
  }
  // first-index: a later index that also has the project, which was not looked at (uv's hint).
  if (std::string h = c->first_index_hint(); !h.empty()) hints.push_back(h);
  if (c->routed && hints.empty()) {
    std::vector<std::string> where;
    for (const auto& s : c->found_on) where.push_back(util::redact_url(s));
    hints.push_back("`" + base + "` comes only from the PyTorch indexes chosen by --torch-backend: " +
                    util::join(where, ", "));
  }
  return util::join(hints, "\n");
}

bool IndexProvider::is_url(const std::string& package) {
  return impl_->direct.count(split_package(package).base) > 0;
}

std::shared_ptr<const spec::VariantMetadata> IndexProvider::variant_metadata(const std::string& package,
                                                                            const spec::Version& version) {
  auto d = impl_->variant_decision(std::string(split_package(package).base), version);
  return d ? d->meta : nullptr;
}

ChosenFile IndexProvider::chosen(const std::string& package, const spec::Version& version) {
  auto& I = *impl_;
  std::string base(split_package(package).base);
  {
    std::lock_guard lock(I.mutex);
    if (auto it = I.chosen.find(key_of(base, version)); it != I.chosen.end()) return it->second;
  }
  auto file = I.file_for(base, version);
  if (!file) throw util::Error("no file of " + base + "==" + version.to_string() + " was seen while resolving");
  return I.read_metadata(base, version, *file);
}

std::vector<std::string> IndexProvider::requested_extras(std::string_view name) const {
  if (auto it = impl_->root_extras.find(name); it != impl_->root_extras.end()) return it->second;
  return {};
}

bool IndexProvider::is_requested(std::string_view name) const { return impl_->root_extras.count(name) > 0; }

ProviderStats IndexProvider::stats() const {
  ProviderStats s;
  s.project_pages = impl_->indexes.stats().pages_requested;
  std::lock_guard lock(impl_->mutex);
  s.metadata_fetches = impl_->fetched.size();
  return s;
}

}  // namespace ptinstall::resolve
