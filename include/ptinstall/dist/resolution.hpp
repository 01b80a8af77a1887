// A resolution as a plain value: the distribution pinned for each project, with its metadata, the
// reasons it is there (the dependency graph and the requirements' origins) and the hashes known for
// it. `pip install`, `--dry-run`, `--report`, `pip compile` and `pip sync` all take one; the resolver
// makes one, and so can anything that already knows the answer (wheel files given on the command
// line, later a lock file) without resolving.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/dist/dist.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::dist {

// PEP 751 `attestation-identities`: one Trusted Publisher of a file's PEP 740 provenance, its keys as
// the provenance object gives them ("kind" first: "GitHub", then "repository", "workflow", ...).
using AttestationIdentity = std::vector<std::pair<std::string, std::string>>;

struct ResolvedDist {
  Dist dist;                                  // name and version always set
  spec::Version version;
  std::string metadata_raw;                   // METADATA text, where it was read
  std::optional<std::filesystem::path> local_wheel;  // the whole wheel already on disk
  bool requested = false;                     // named by the root requirements
  std::vector<std::string> requested_extras;  // the extras the root requirements ask for
  // For --torch-backend: the PyTorch index the file came from (redacted, no trailing slash); empty
  // when the package was not routed.
  std::string routed_index;
  // Hashes ("sha256:<hex>") of every file of this version on the index it came from, when asked for
  // (pip compile --generate-hashes); the chosen file's hash is always among them.
  std::vector<std::string> all_hashes;
  // Files of this version on that index without a hash (for compile's warning).
  std::size_t unhashed_files = 0;
  // With all_hashes: the files of this version on that index that have a hash (the chosen file always,
  // its hash computed where the index gives none), for a lock file's `wheels` and `sdist`.
  std::vector<index::IndexFile> files;
  // With a lock's files: the distinct publishers of their provenance (index::IndexFile::provenance),
  // where the index publishes it.
  std::vector<AttestationIdentity> attestation_identities;
  // --variants (PEP 825): the variant metadata the wheel was chosen under (variants.json text), when
  // the version has variant wheels; a lock inlines it as [packages.variants-json].
  std::string variants_json;

  const std::string& name() const { return dist.name; }
};

struct Resolution {
  std::vector<ResolvedDist> packages;  // real packages, sorted by name
  // The resolved graph: every node (packages, `name[extra]` nodes, `system:*` nodes) -> the nodes it
  // depends on. Empty when the resolution was not made by the resolver.
  std::map<std::string, std::vector<std::string>> graph;
  std::vector<std::string> roots;      // the nodes the root requirements name

  const ResolvedDist* find(const std::string& name) const;
  // pip's installation order inputs: the graph without `system:*` nodes.
  std::map<std::string, std::vector<std::string>> install_graph() const;
};

}  // namespace ptinstall::dist
