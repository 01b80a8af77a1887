// The set of package indexes one command searches, in uv's order, and the files each package name
// has on them (see docs/indexes.md).
//
// Order: named indexes (--index, then [[tool.uv.index]]) and --extra-index-url values in the order
// given, then the default index (--index-url / --default-index, else an index with `default = true`,
// else PyPI) last. `explicit` indexes serve only the packages pinned to them. --find-links locations
// are searched for every package, alongside the indexes. --no-index leaves the find-links only.
//
// Strategies (which indexes' files a package may use):
// - first-index (default): only the first index on which the project exists (HTTP 200). The
//   indexes are asked one after the other, each only once the one before answered "not found", so
//   a later index never learns a name an earlier one has (dependency confusion);
// - unsafe-first-match: every index (all asked at once); all versions of an earlier index come
//   before any of a later one;
// - unsafe-best-match: every index (all asked at once); the highest version wins wherever it is.
// With unsafe-best-match, a version found on an earlier index hides the same version on later ones;
// with unsafe-first-match the later copies stay, after all files of the earlier index. 404, 403 and 410 mean "not on this index"; other errors (5xx after retries, 401) fail.
//
// Per-package pins (package -> index name) restrict a package to that index. Per-package overrides
// (package -> list of index URLs; the caller uses them for packages routed by --torch-backend) replace
// the user's indexes for that package and are always searched with unsafe-first-match semantics,
// with 401/403/404 all meaning "not here". A pin wins over an override.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/net/auth_policy.hpp"
#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::net {
class HttpClient;
class HttpCache;
}  // namespace ptinstall::net

namespace ptinstall::index {

class PageMemo;

inline constexpr std::string_view kPyPiUrl = "https://pypi.org/simple";

enum class IndexStrategy { FirstIndex, UnsafeFirstMatch, UnsafeBestMatch };
// "first-index", "unsafe-first-match", "unsafe-best-match" (also with '_'); throws util::Error.
IndexStrategy parse_index_strategy(std::string_view text);
std::string_view to_string(IndexStrategy strategy);

struct IndexSpec {
  std::string name;            // "" for --extra-index-url / --index-url
  std::string url;
  bool explicit_only = false;  // `explicit = true`: only for packages pinned to it
  bool is_default = false;     // `default = true`: replaces PyPI as the default (searched last)
  net::AuthPolicy authenticate = net::AuthPolicy::Auto;  // `authenticate` (net::HttpClient::add_index_url)
};

// uv's order from the pip-style inputs. `named`: --index values then [[tool.uv.index]] entries (a
// name seen twice keeps its first entry). `index_url`: --index-url / --default-index; without it the
// first named index with `default = true` is the default, else PyPI. Other `default = true` entries
// are dropped. Non-default named indexes and `extra_index_urls` keep their order, the default is last.
std::vector<IndexSpec> order_indexes(const std::vector<IndexSpec>& named, const std::vector<std::string>& extra_index_urls,
                                     const std::optional<std::string>& index_url);

struct IndexSetOptions {
  std::vector<IndexSpec> indexes;                           // in search order (order_indexes())
  std::vector<std::string> find_links;                      // directories, HTML files, URLs
  bool no_index = false;
  IndexStrategy strategy = IndexStrategy::FirstIndex;
  std::map<std::string, std::string> pins;                  // package (any spelling) -> index name
  std::map<std::string, std::vector<std::string>> overrides;  // package (any spelling) -> index URLs
};

// What files must fit. Unset members do not filter.
struct TargetFilter {
  std::optional<spec::SupportedTags> tags;      // wheels must have a supported tag
  std::optional<spec::Version> python_version;  // full version ("3.12.3") checked against Requires-Python
  bool allow_sdists = true;
  bool allow_wheels = true;
  // Per project (normalised name), where set: --only-binary NAME / --no-binary NAME.
  std::function<bool(std::string_view)> sdist_allowed{};
  std::function<bool(std::string_view)> wheel_allowed{};
  // --exclude-newer: files uploaded after the cut-off (microseconds since the epoch, UTC) are skipped;
  // a project's own cut-off comes from `exclude_newer_for` where it answers one.
  std::optional<std::int64_t> exclude_newer{};
  std::function<std::optional<std::int64_t>(std::string_view)> exclude_newer_for{};
  // Called (from any thread) for a file that has no upload time while a cut-off applies: it is kept.
  std::function<void(const IndexFile&)> no_upload_time{};
  // Where set: a reason to pass over this version of a project on this index (--torch-backend=auto:
  // a torch build without kernels for the GPU's compute capability); nullopt keeps the file.
  std::function<std::optional<std::string>(std::string_view project, const spec::Version& version,
                                           std::string_view index_url)>
      excluded{};
  // PEP 825 variant wheels (a label after the platform tag) are used only with --variants; without
  // it they are skipped (SkipReason::VariantsOff), as an installer that predates the PEP would.
  bool allow_variants = false;
};

enum class SkipReason {
  Yanked,           // yanked, and not pinned with == / ===
  RequiresPython,   // Requires-Python excludes the target
  IncompatibleTags, // no wheel tag is supported
  NoSdists,         // an sdist where only wheels are allowed (--only-binary)
  NoWheels,         // a wheel where wheels are not allowed (--no-binary)
  Unsupported,      // not a wheel or sdist, or no version could be read from its name
  Shadowed,         // unsafe-best-match: the version already came from an earlier index
  UploadedAfter,    // uploaded after the --exclude-newer cut-off
  Excluded,         // TargetFilter::excluded gave a reason (detail)
  VariantsOff,      // a PEP 825 variant wheel while --variants is off
};
std::string_view to_string(SkipReason reason);

struct Candidate {
  IndexFile file;                          // file.index_url says where it came from
  std::optional<std::size_t> tag_priority;  // for wheels when tags are filtered: 0 = best
};

struct SkippedFile {
  IndexFile file;
  SkipReason reason;
  std::string detail;  // "requires Python >=3.13", "yanked: broken build", the wheel's tags, ...
};

struct Candidates {
  std::string name;                      // normalised
  std::vector<Candidate> files;          // in strategy order; per version the best file first
  std::vector<SkippedFile> skipped;
  // PEP 825 `{name}-{version}-variants.json` files of this project (index_url set), in page order.
  std::vector<IndexFile> variants_json;
  // URLs as configured, credentials included: redact them (util::redact_url) before printing.
  std::vector<std::string> searched;     // index URLs asked (find-links locations included), in order
  std::vector<std::string> found_on;     // those that had the project
  bool routed = false;                   // searched through an override list
  // first-index only, when an index had the project: the indexes after it, which were not asked
  // (they may or may not have the project).
  std::vector<std::string> unasked_indexes;

  bool exists() const { return !found_on.empty(); }
  // The distinct versions of `files`, in order.
  std::vector<spec::Version> versions() const;
  // The files of one version, in order (best first).
  std::vector<const Candidate*> files_of(const spec::Version& version) const;
  // The variants.json of `version` on `index_url` (the index its wheels came from); nullptr if none.
  const IndexFile* variants_json_of(const spec::Version& version, std::string_view index_url) const;
  // Why files of `version` (or of all versions when nullopt) were skipped, one line per distinct
  // reason, e.g. "torch==2.9.1 requires Python >=3.13" or "no wheel of torch==2.9.1 matches this platform".
  std::vector<std::string> skip_reasons(const std::optional<spec::Version>& version = std::nullopt) const;
  // For a failed resolution under first-index when unasked_indexes is not empty: says where the
  // project was taken from, that the later indexes were not asked and may have other versions, and
  // how to consider them (--index-strategy unsafe-best-match). Empty otherwise. URLs are redacted.
  std::string first_index_hint() const;
};

struct IndexStats {
  std::uint64_t pages_requested = 0;  // project pages asked for (network or cache)
  std::uint64_t pages_from_cache = 0;
  std::uint64_t pages_not_found = 0;
};

class IndexSet {
 public:
  // `cache` may be null (every page from the network). Throws util::Error for a pin to an unknown index.
  // `memo`: pages shared with the other IndexSets of the command (several resolutions), or null.
  IndexSet(IndexSetOptions options, net::HttpClient& client, net::HttpCache* cache = nullptr,
           TargetFilter filter = {}, PageMemo* memo = nullptr);
  ~IndexSet();
  IndexSet(const IndexSet&) = delete;
  IndexSet& operator=(const IndexSet&) = delete;

  // The files of `name`. The pages are fetched once per name and kept: in parallel across indexes,
  // except under first-index, where each index is asked only after the previous one did not have it.
  // `requested`: the requirement's specifiers; yanked files whose version it pins exactly (== without
  // a wildcard, or ===) are kept. Throws util::Error when an index fails.
  Candidates candidates(std::string_view name, const spec::SpecifierSet& requested = {});
  // Starts fetching the pages of these names in the background, all names at once (under
  // first-index, each name's walk from index to index goes on in the background too).
  void prefetch(const std::vector<std::string>& names);

  // The index URLs searched for `name`, in order, and whether it is routed through an override.
  std::vector<std::string> indexes_for(std::string_view name, bool* routed = nullptr) const;
  // The URL of a project's page on an index: <index>/<normalised name>/.
  static std::string project_url(std::string_view index_url, std::string_view name);

  const IndexSetOptions& options() const;
  const TargetFilter& filter() const;
  IndexStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptinstall::index
