#include "ptinstall/index/index_set.hpp"

#include "ptinstall/index/variants_json.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <set>

#include "ptinstall/index/find_links.hpp"
#include "ptinstall/index/page_memo.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/timestamp.hpp"
#include "ptinstall/util/thread_pool.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::index {

namespace fs = std::filesystem;

IndexStrategy parse_index_strategy(std::string_view text) {
  std::string t = util::to_lower(util::trim(text));
  std::replace(t.begin(), t.end(), '_', '-');
  if (t == "first-index") return IndexStrategy::FirstIndex;
  if (t == "unsafe-first-match") return IndexStrategy::UnsafeFirstMatch;
  if (t == "unsafe-best-match") return IndexStrategy::UnsafeBestMatch;
  throw util::Error("invalid index strategy `" + std::string(text) + "`",
                    "use first-index, unsafe-first-match or unsafe-best-match");
}

std::string_view to_string(IndexStrategy strategy) {
  switch (strategy) {
    case IndexStrategy::FirstIndex: return "first-index";
    case IndexStrategy::UnsafeFirstMatch: return "unsafe-first-match";
    case IndexStrategy::UnsafeBestMatch: return "unsafe-best-match";
  }
  return "first-index";
}

std::string_view to_string(SkipReason reason) {
  switch (reason) {
    case SkipReason::Yanked: return "yanked";
    case SkipReason::RequiresPython: return "requires-python";
    case SkipReason::IncompatibleTags: return "incompatible-tags";
    case SkipReason::NoSdists: return "no-sdists";
    case SkipReason::NoWheels: return "no-wheels";
    case SkipReason::Unsupported: return "unsupported";
    case SkipReason::VariantsOff: return "variant";
    case SkipReason::Shadowed: return "shadowed";
    case SkipReason::UploadedAfter: return "uploaded-after";
    case SkipReason::Excluded: return "excluded";
  }
  return "unsupported";
}

std::vector<IndexSpec> order_indexes(const std::vector<IndexSpec>& named, const std::vector<std::string>& extra_index_urls,
                                     const std::optional<std::string>& index_url) {
  std::vector<IndexSpec> out;
  std::set<std::string> names;
  std::optional<IndexSpec> default_index;
  if (index_url) default_index = IndexSpec{"", *index_url, false, true};
  for (const auto& spec : named) {
    if (!spec.name.empty() && !names.insert(spec.name).second) continue;  // the first definition wins
    if (spec.is_default) {
      if (!default_index) default_index = spec;
      continue;
    }
    out.push_back(spec);
  }
  for (const auto& url : extra_index_urls) out.push_back(IndexSpec{"", url, false, false});
  if (!default_index) default_index = IndexSpec{"pypi", std::string(kPyPiUrl), false, true};
  default_index->is_default = true;
  out.push_back(*default_index);
  return out;
}

std::vector<spec::Version> Candidates::versions() const {
  std::vector<spec::Version> out;
  std::set<spec::Version> seen;
  for (const auto& c : files) {
    if (c.file.version && seen.insert(*c.file.version).second) out.push_back(*c.file.version);
  }
  return out;
}

std::vector<const Candidate*> Candidates::files_of(const spec::Version& version) const {
  std::vector<const Candidate*> out;
  for (const auto& c : files)
    if (c.file.version && *c.file.version == version) out.push_back(&c);
  return out;
}

const IndexFile* Candidates::variants_json_of(const spec::Version& version, std::string_view index_url) const {
  for (const auto& f : variants_json) {
    if (f.index_url != index_url) continue;
    if (auto p = parse_variants_json_filename(f.filename); p && p->first == name && p->second == version) return &f;
  }
  return nullptr;
}

std::vector<std::string> Candidates::skip_reasons(const std::optional<spec::Version>& version) const {
  std::vector<std::string> out;
  auto add = [&](std::string line) {
    if (std::find(out.begin(), out.end(), line) == out.end()) out.push_back(std::move(line));
  };
  for (const auto& s : skipped) {
    if (version) {
      if (!s.file.version || !(*s.file.version == *version)) continue;
    } else if (s.file.version && !files_of(*s.file.version).empty()) {
      continue;  // that version is available anyway
    }
    std::string who = s.file.version ? name + "==" + s.file.version->to_string() : s.file.filename;
    switch (s.reason) {
      case SkipReason::Yanked: add(who + " was yanked" + (s.detail.empty() ? "" : " (reason: " + s.detail + ")")); break;
      case SkipReason::RequiresPython: add(who + " requires Python " + s.detail); break;
      case SkipReason::IncompatibleTags: add(who + " has no wheel with a supported platform tag"); break;
      case SkipReason::NoSdists: add(who + " has an sdist, but only wheels are allowed"); break;
      case SkipReason::NoWheels: add(who + " has a wheel, but wheels are not allowed"); break;
      case SkipReason::Unsupported: add(s.file.filename + " is not a wheel or sdist with a readable version"); break;
      case SkipReason::Shadowed: add(who + " on " + util::redact_url(s.file.index_url) + " is hidden by the same version on an earlier index"); break;
      case SkipReason::UploadedAfter: add(who + " was uploaded at " + s.detail + ", after the --exclude-newer cut-off"); break;
      case SkipReason::Excluded: add(who + " on " + util::redact_url(s.file.index_url) + " is passed over: " + s.detail); break;
      case SkipReason::VariantsOff: add(who + " has variant wheels (PEP 825), which are used only with --variants"); break;
    }
  }
  return out;
}

std::string Candidates::first_index_hint() const {
  if (unasked_indexes.empty() || found_on.empty()) return {};
  // The index that stopped the search: the last entry of found_on (find-links come before it).
  std::string stopped = found_on.back();
  std::string later;
  for (const auto& u : unasked_indexes) later += (later.empty() ? "" : ", ") + util::redact_url(u);
  bool one = unasked_indexes.size() == 1;
  return "`" + name + "` was found on " + util::redact_url(stopped) + " and taken only from there; " +
         (one ? "a later index was" : "later indexes were") + " not asked and may have other versions (" + later +
         "): by default only the first index that has a package is used, against dependency confusion; if all "
         "indexes are equally trusted, use `--index-strategy unsafe-best-match` to consider the versions of every "
         "index";
}

namespace {

struct PageResult {
  std::string index_url;
  bool found = false;
  std::vector<IndexFile> files;
  std::exception_ptr error;
};

struct Pending {
  std::string index_url;
  std::string page_url;
  bool lenient = false;  // routed: 401 also means "not here"
  std::optional<std::future<net::Response>> future;
  std::optional<std::shared_future<MemoPage>> shared;  // through the command's PageMemo
  std::optional<PageResult> ready;  // local indexes answer at once
};

// One name's walk over its indexes.
// - Parallel (unsafe-first-match, unsafe-best-match, routed packages, a single index): every page is
//   asked for at once, and the answers are read in index order.
// - Sequential (first-index over several indexes): index k+1 is asked only once index k answered
//   "not found". A later index (PyPI, last by default) thus never learns the names that an earlier,
//   private index serves: this is what first-index protects against (dependency confusion), and
//   what uv does. The walks of different names still run side by side (see IndexSet::prefetch).
// One thread at a time waits for the next answer (`busy`); others wait on `changed`.
struct Entry {
  std::mutex mutex;
  std::condition_variable changed;
  bool routed = false;
  bool sequential = false;
  std::vector<std::string> index_urls;  // every index the name may be searched on, in order
  std::vector<Pending> pending;         // pending[k]: the request to index k (moved out once read)
  std::vector<PageResult> pages;        // the answers so far, in index order
  bool busy = false;
  bool done = false;                    // pages is final
};

bool exact_pin(const spec::SpecifierSet& requested) {
  for (const auto& s : requested.specifiers()) {
    if (s.op() == spec::Operator::ArbitraryEqual) return true;
    if (s.op() == spec::Operator::Equal && !s.is_wildcard()) return true;
  }
  return false;
}

}  // namespace

struct IndexSet::Impl {
  IndexSetOptions options;
  net::HttpClient& client;
  net::HttpCache* cache;
  TargetFilter filter;
  PageMemo* memo = nullptr;
  std::map<std::string, std::string> pins;                      // normalised
  std::map<std::string, std::vector<std::string>> overrides;    // normalised
  std::map<std::string, std::string> named;                     // name -> URL

  std::once_flag find_links_once;
  std::vector<std::pair<std::string, std::vector<IndexFile>>> find_links;
  std::exception_ptr find_links_error;

  std::mutex mutex;
  std::map<std::string, std::shared_ptr<Entry>> entries;
  std::atomic<std::uint64_t> requested{0}, from_cache{0}, not_found{0};
  // Moves sequential walks on in the background: a job waits for one answer of one name, asks the
  // next index when it was "not found", and queues itself again behind the other names. Answers
  // mostly come back in the order they were asked, so a few threads keep up with many names.
  // Created on the first sequential walk (under `mutex`).
  std::unique_ptr<util::ThreadPool> walker;
  std::atomic<bool> stopping{false};
  static constexpr std::size_t kWalkerThreads = 8;

  Impl(IndexSetOptions o, net::HttpClient& c, net::HttpCache* ca, TargetFilter f)
      : options(std::move(o)), client(c), cache(ca), filter(std::move(f)) {
    for (const auto& idx : options.indexes)
      if (!idx.name.empty()) named.emplace(idx.name, idx.url);
    for (const auto& [pkg, index] : options.pins) {
      if (!named.count(index))
        throw util::Error("`" + pkg + "` is pinned to the index `" + index + "`, which is not defined",
                          "define it with [[tool.uv.index]] name = \"" + index + "\" or --index " + index + "=URL");
      pins[spec::normalize_name(pkg)] = index;
    }
    for (const auto& [pkg, urls] : options.overrides) overrides[spec::normalize_name(pkg)] = urls;
  }

  std::vector<std::string> indexes_for(const std::string& name, bool* routed) const {
    if (routed) *routed = false;
    if (options.no_index) return {};
    if (auto p = pins.find(name); p != pins.end()) return {named.at(p->second)};
    if (auto o = overrides.find(name); o != overrides.end()) {
      if (routed) *routed = true;
      return o->second;
    }
    std::vector<std::string> out;
    for (const auto& idx : options.indexes)
      if (!idx.explicit_only) out.push_back(idx.url);
    return out;
  }

  void load_find_links() {
    std::call_once(find_links_once, [&] {
      try {
        for (const auto& loc : options.find_links) find_links.emplace_back(loc, load_find_links_location(loc));
      } catch (...) {
        find_links_error = std::current_exception();
      }
    });
    if (find_links_error) std::rethrow_exception(find_links_error);
  }

  std::vector<IndexFile> load_find_links_location(const std::string& loc) {
    return index::load_find_links(loc, client, cache);
  }

  // The entry of `name`, its first request(s) sent. `background`: a sequential walk goes on without
  // waiting for a candidates() call (prefetch).
  std::shared_ptr<Entry> start(const std::string& name, bool background) {
    std::shared_ptr<Entry> entry;
    std::unique_lock<std::mutex> entry_lock;  // taken before the entry is visible to others
    {
      std::lock_guard lock(mutex);
      auto& slot = entries[name];
      if (slot) return slot;
      slot = entry = std::make_shared<Entry>();
      entry_lock = std::unique_lock(entry->mutex);
      bool routed = false;
      entry->index_urls = indexes_for(name, &routed);
      entry->routed = routed;
      // Routed packages always use unsafe-first-match: every PyTorch index is asked at once, as uv does.
      entry->sequential = !routed && options.strategy == IndexStrategy::FirstIndex && entry->index_urls.size() > 1;
      if (entry->sequential && background && !walker) walker = std::make_unique<util::ThreadPool>(kWalkerThreads);
    }
    if (entry->index_urls.empty()) {
      entry->done = true;
      return entry;
    }
    if (entry->sequential) {
      submit(*entry, 0, name);
      if (background) schedule(entry, name);
    } else {
      for (std::size_t k = 0; k < entry->index_urls.size(); ++k) submit(*entry, k, name);
    }
    return entry;
  }

  // Sends the request for the page of `name` on index k (a local index is read at once). Failures
  // become the answer's error, so a walk never stops half-way. Called with e.mutex held.
  void submit(Entry& e, std::size_t k, const std::string& name) {
    Pending p;
    p.index_url = e.index_urls[k];
    p.page_url = IndexSet::project_url(p.index_url, name);
    p.lenient = e.routed;
    requested++;
    try {
      if (auto local = local_path(p.page_url)) {
        PageResult r;
        r.index_url = p.index_url;
        if (auto body = util::try_read_file(*local / "index.html")) {
          r.files = parse_html_project_page(*body, p.page_url, name).files;
          r.found = true;
        } else {
          not_found++;
        }
        p.ready = std::move(r);
      } else {
        net::Request req{p.page_url, {{"Accept", std::string(kSimpleAccept)}}};
        if (memo)
          p.shared = memo->page(p.page_url, name, [&] { return cache ? cache->submit(req) : client.submit(req); });
        else
          p.future = cache ? cache->submit(req) : client.submit(req);
      }
    } catch (...) {
      PageResult r;
      r.index_url = p.index_url;
      r.error = std::current_exception();
      p.future.reset();
      p.ready = std::move(r);
    }
    e.pending.push_back(std::move(p));
  }

  // Reads the next answer of e's walk, waiting for it, and asks the next index where the walk goes
  // on. Returns whether more is to come. When another thread is reading an answer of e: with `wait`,
  // waits for it and goes on; without, returns false (that thread carries on).
  bool step(Entry& e, const std::string& name, bool wait) {
    std::unique_lock lock(e.mutex);
    while (e.busy && !e.done) {
      if (!wait) return false;
      e.changed.wait(lock);
    }
    if (e.done) return false;
    e.busy = true;
    Pending p = std::move(e.pending[e.pages.size()]);
    lock.unlock();
    PageResult r = finish(p, name);
    lock.lock();
    bool stop = r.found || r.error;
    e.pages.push_back(std::move(r));
    if (e.pages.size() == e.index_urls.size() || (e.sequential && stop)) {
      e.done = true;
    } else if (e.sequential) {
      if (stopping) e.done = true;  // the IndexSet goes away: no new requests
      else submit(e, e.pages.size(), name);
    }
    e.busy = false;
    e.changed.notify_all();
    return !e.done;
  }

  // One background step of a sequential walk; queues the next one behind the other names' steps.
  void schedule(const std::shared_ptr<Entry>& e, const std::string& name) {
    walker->submit([this, e, name] {
      if (stopping) return;
      try {
        if (step(*e, name, false)) schedule(e, name);
      } catch (const std::exception& ex) {
        // Only a failure to queue or to send could land here; candidates() reports errors.
        util::log::trace("background lookup of " + name + " stopped: " + ex.what());
      }
    });
  }

  PageResult finish(Pending& p, const std::string& name) {
    if (p.ready) return std::move(*p.ready);
    PageResult r;
    r.index_url = p.index_url;
    try {
      int s = 0;
      bool cached = false;
      std::optional<net::Response> resp;
      std::optional<MemoPage> shared;
      if (p.shared) {
        shared = p.shared->get();
        s = shared->status;
        cached = shared->from_cache;
      } else {
        resp = p.future->get();
        s = resp->status;
        cached = resp->from_cache;
      }
      if (cached) from_cache++;
      if (s == 404 || s == 403 || s == 410 || (p.lenient && s == 401)) {
        not_found++;
        util::log::debug("`" + name + "` is not on " + util::redact_url(p.index_url) + " (HTTP " + std::to_string(s) + ")");
        return r;
      }
      if (s < 200 || s >= 300) {
        std::string hint = s == 401 ? "the index needs credentials: put them in the index URL or in ~/.netrc, or "
                                      "get them from a keyring with --keyring-provider subprocess"
                                    : "the index failed; try again later, or check the index URL";
        throw util::Error(util::ErrorKind::Network,
                          "failed to fetch the page of `" + name + "` from " + util::redact_url(p.page_url) +
                              ": HTTP " + std::to_string(s),
                          hint);
      }
      if (shared) {
        r.files = *shared->files;
      } else {
        std::string base = resp->effective_url.empty() ? p.page_url : resp->effective_url;
        r.files = parse_project_page(resp->body, resp->header("content-type").value_or(""), base, name).files;
      }
      r.found = true;
    } catch (...) {
      r.error = std::current_exception();
    }
    return r;
  }

  // The answers of e's walk, once it is over (this thread finishes it where needed).
  const std::vector<PageResult>& pages(Entry& e, const std::string& name) {
    while (step(e, name, true)) {
    }
    return e.pages;  // final: nothing appends once done
  }

  // Filters one file; nullopt and a SkippedFile entry when it does not fit.
  using RequiresPythonCache = std::map<std::string, std::optional<spec::SpecifierSet>, std::less<>>;

  std::optional<Candidate> check(const IndexFile& f, std::string_view project, const spec::SpecifierSet& requested,
                                 bool pinned, std::vector<SkippedFile>& skipped, RequiresPythonCache& rp_cache) const {
    auto skip = [&](SkipReason r, std::string detail) {
      skipped.push_back(SkippedFile{f, r, std::move(detail)});
      return std::nullopt;
    };
    if (f.kind == FileKind::Other || !f.version) return skip(SkipReason::Unsupported, f.filename);
    Candidate c{f, std::nullopt};
    if (f.kind == FileKind::Sdist && (!filter.allow_sdists || (filter.sdist_allowed && !filter.sdist_allowed(project))))
      return skip(SkipReason::NoSdists, f.filename);
    if (f.kind == FileKind::Wheel) {
      if (f.wheel->is_variant() && !filter.allow_variants) return skip(SkipReason::VariantsOff, f.filename);
      if (!filter.allow_wheels || (filter.wheel_allowed && !filter.wheel_allowed(project)))
        return skip(SkipReason::NoWheels, f.filename);
      if (filter.tags) {
        c.tag_priority = filter.tags->best_priority(f.wheel->tags());
        if (!c.tag_priority) return skip(SkipReason::IncompatibleTags, f.filename);
      }
    }
    if (filter.python_version && f.requires_python) {
      auto it = rp_cache.find(*f.requires_python);
      if (it == rp_cache.end()) {
        std::optional<spec::SpecifierSet> parsed;
        try {
          parsed = spec::SpecifierSet::parse(*f.requires_python);
        } catch (const util::Error&) {
          util::log::debug("ignoring the invalid Requires-Python `" + *f.requires_python + "` of " + f.filename);
        }
        it = rp_cache.emplace(*f.requires_python, std::move(parsed)).first;
      }
      const auto& rp = it->second;
      if (rp && !rp->contains(*filter.python_version, true)) return skip(SkipReason::RequiresPython, *f.requires_python);
    }
    if (f.yanked && !(pinned && requested.contains(*f.version, true)))
      return skip(SkipReason::Yanked, *f.yanked);
    std::optional<std::int64_t> cutoff = filter.exclude_newer;
    if (filter.exclude_newer_for)
      if (auto own = filter.exclude_newer_for(project)) cutoff = own;
    if (cutoff) {
      std::optional<std::int64_t> uploaded = f.upload_time ? util::parse_rfc3339(*f.upload_time) : std::nullopt;
      if (!uploaded) {
        if (filter.no_upload_time) filter.no_upload_time(f);
      } else if (*uploaded > *cutoff) {
        return skip(SkipReason::UploadedAfter, *f.upload_time);
      }
    }
    if (filter.excluded)
      if (auto why = filter.excluded(project, *f.version, f.index_url)) return skip(SkipReason::Excluded, *why);
    return c;
  }
};

IndexSet::IndexSet(IndexSetOptions options, net::HttpClient& client, net::HttpCache* cache, TargetFilter filter,
                   PageMemo* memo) {
  // The keyring (--keyring-provider) is asked for an index's URL before its host, as pip and uv do.
  for (const auto& i : options.indexes) client.add_index_url(i.url, i.authenticate);
  for (const auto& [project, urls] : options.overrides)
    for (const auto& u : urls) client.add_index_url(u);
  impl_ = std::make_unique<Impl>(std::move(options), client, cache, std::move(filter));
  impl_->memo = memo;
}

IndexSet::~IndexSet() {
  // Stop the background walks (queued steps return at once; running ones end their step without
  // asking a further index), then wait for the requests still out: their futures may refer to the
  // cache.
  impl_->stopping = true;
  if (impl_->walker) {
    impl_->walker->wait_idle();  // a step that was running queues at most one more, which returns
    impl_->walker.reset();
  }
  for (auto& [name, e] : impl_->entries) {
    std::lock_guard lock(e->mutex);
    for (auto& p : e->pending)
      if (p.future && p.future->valid()) p.future->wait();
  }
}

std::string IndexSet::project_url(std::string_view index_url, std::string_view name) {
  std::string base(index_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + spec::normalize_name(name) + "/";
}

std::vector<std::string> IndexSet::indexes_for(std::string_view name, bool* routed) const {
  return impl_->indexes_for(spec::normalize_name(name), routed);
}

const IndexSetOptions& IndexSet::options() const { return impl_->options; }
const TargetFilter& IndexSet::filter() const { return impl_->filter; }

IndexStats IndexSet::stats() const {
  return IndexStats{impl_->requested.load(), impl_->from_cache.load(), impl_->not_found.load()};
}

void IndexSet::prefetch(const std::vector<std::string>& names) {
  for (const auto& n : names) impl_->start(spec::normalize_name(n), true);
}

Candidates IndexSet::candidates(std::string_view raw_name, const spec::SpecifierSet& requested) {
  std::string name = spec::normalize_name(raw_name);
  auto entry = impl_->start(name, false);
  impl_->load_find_links();
  const auto& pages = impl_->pages(*entry, name);

  Candidates out;
  out.name = name;
  out.routed = entry->routed;
  IndexStrategy strategy = entry->routed ? IndexStrategy::UnsafeFirstMatch : impl_->options.strategy;

  // Group 0: find-links files (always) plus the first index that has the project.
  std::vector<std::vector<IndexFile>> groups(1);
  for (const auto& [loc, files] : impl_->find_links) {
    out.searched.push_back(loc);
    auto mine = files_for_project(files, name);
    if (mine.empty()) continue;
    out.found_on.push_back(loc);
    for (auto& f : mine) {
      f.index_url = loc;
      groups[0].push_back(std::move(f));
    }
  }
  bool first_found = false;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const auto& page = pages[i];
    out.searched.push_back(page.index_url);
    if (page.error) std::rethrow_exception(page.error);
    if (!page.found) continue;
    out.found_on.push_back(page.index_url);
    std::vector<IndexFile> files = page.files;
    for (auto& f : files) f.index_url = page.index_url;
    if (!first_found) {
      for (auto& f : files) groups[0].push_back(std::move(f));
      first_found = true;
      if (strategy == IndexStrategy::FirstIndex) {
        // The walk stopped here (a single index: there is nothing after it): the later indexes
        // were not asked, and the hint can only say that they might have the project.
        for (std::size_t k = i + 1; k < entry->index_urls.size(); ++k) out.unasked_indexes.push_back(entry->index_urls[k]);
        break;
      }
    } else {
      groups.push_back(std::move(files));
    }
  }

  bool pinned = exact_pin(requested);
  Impl::RequiresPythonCache rp_cache;
  std::set<spec::Version> seen;
  std::vector<std::vector<Candidate>> kept(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::set<spec::Version> here;
    for (const auto& f : groups[g]) {
      // unsafe-best-match: a version on an earlier index hides the same version on later ones.
      if (strategy == IndexStrategy::UnsafeBestMatch && f.version && seen.count(*f.version)) {
        out.skipped.push_back(SkippedFile{f, SkipReason::Shadowed, f.index_url});
        continue;
      }
      if (f.kind == FileKind::Other && is_variants_json_filename(f.filename)) {
        out.variants_json.push_back(f);
        continue;
      }
      if (f.version) here.insert(*f.version);
      if (auto c = impl_->check(f, out.name, requested, pinned, out.skipped, rp_cache)) kept[g].push_back(std::move(*c));
    }
    seen.insert(here.begin(), here.end());
  }

  auto better = [](const Candidate& a, const Candidate& b) {
    const auto& va = *a.file.version;
    const auto& vb = *b.file.version;
    if (!(va == vb)) return va > vb;
    bool wa = a.file.kind == FileKind::Wheel, wb = b.file.kind == FileKind::Wheel;
    if (wa != wb) return wa;
    if (a.tag_priority != b.tag_priority) {
      if (!a.tag_priority) return false;
      if (!b.tag_priority) return true;
      return *a.tag_priority < *b.tag_priority;
    }
    if (wa && a.file.wheel->build != b.file.wheel->build) return a.file.wheel->build > b.file.wheel->build;
    return false;
  };
  if (strategy == IndexStrategy::UnsafeBestMatch) {
    for (auto& g : kept)
      for (auto& c : g) out.files.push_back(std::move(c));
    std::stable_sort(out.files.begin(), out.files.end(), better);
  } else {
    for (auto& g : kept) {
      std::stable_sort(g.begin(), g.end(), better);
      for (auto& c : g) out.files.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace ptinstall::index
