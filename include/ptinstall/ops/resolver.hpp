// Requirements in, dist::Resolution out: the index set (with --torch-backend routing), the
// provider and PubGrub, for one target. Everything the resolution's consumers need is copied into
// the value, so nothing of the resolver outlives this call.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "ptinstall/dist/build_context.hpp"
#include "ptinstall/dist/resolution.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/ops/inputs.hpp"
#include "ptinstall/ops/services.hpp"
#include "ptinstall/ops/target.hpp"

namespace ptinstall::install {
class PrepareAhead;
}

namespace ptinstall::config {
struct IndexConfig;
}

namespace ptinstall::index {
class PageMemo;
class MetadataFetcher;
}  // namespace ptinstall::index

namespace ptinstall::ops {

// What several resolutions of one command share (pip compile --universal: one per platform and Python
// range, each on a thread): the project pages and the wheels' metadata, each fetched and parsed once
// for all of them. Thread-safe; made by the caller and kept while the resolutions run.
class SharedFetches {
 public:
  explicit SharedFetches(Services& services);
  ~SharedFetches();
  index::PageMemo& pages() { return *pages_; }
  index::MetadataFetcher& metadata() { return *metadata_; }

 private:
  std::unique_ptr<index::PageMemo> pages_;
  std::unique_ptr<index::MetadataFetcher> metadata_;
};

struct ResolveRequest {
  const ResolveInputs* inputs = nullptr;
  const Target* target = nullptr;
  bool no_deps = false;
  // Installed (or previously pinned) versions to prefer, unless --upgrade / --upgrade-package.
  std::vector<install::InstalledDist> preferred;
  // Fill ResolvedDist::all_hashes (pip compile --generate-hashes): every file of each pinned version
  // on its index, and the sha256 of a chosen file the index gives none for (downloaded through the cache).
  bool collect_hashes = false;
  // Progress of hashing the chosen wheels the index gives no hash for (wheels done of all, bytes
  // received), from worker threads; for a progress line.
  std::function<void(std::size_t, std::size_t, std::uint64_t)> on_hash_progress;
  // With collect_hashes: read the PEP 740 provenance of the hashed files, for a lock's
  // attestation-identities (ops/attestations.hpp).
  bool collect_attestations = false;
  // Pages and metadata shared with the command's other resolutions, or null (this resolution's own).
  SharedFetches* shared = nullptr;
  // pip install: each wheel the resolver decides on starts downloading into the wheel cache at once
  // (install/prepare_ahead.hpp), unless its version is the one installed (the plan keeps it).
  install::PrepareAhead* ahead = nullptr;
};

struct ResolveStats {
  std::uint64_t project_pages = 0;
  std::uint64_t metadata_fetches = 0;
  std::uint64_t http_requests = 0;
  // Warnings the caller says when they matter: the --torch-backend override warning is said once,
  // and by `pip install` only when it installs or removes something.
  std::vector<std::string> warnings;
};

// Throws resolve::NoSolutionError or util::Error (a network failure without a hint gets the default
// hint of its kind).
dist::Resolution resolve(Services& services, const PipOptions& options, const ResolveRequest& request,
                         dist::BuildContext& build, ResolveStats* stats = nullptr);

// The indexes, pins and sources in effect: settings, -r file options, the project's
// [tool.uv.sources] / [[tool.uv.index]] and those of the config files. Asks no index.
config::IndexConfig index_config_for(const PipOptions& options, const ResolveInputs& inputs, const Target& target);

}  // namespace ptinstall::ops
