// The real resolve::Provider: candidate versions from an index::IndexSet (already filtered by the
// target's tags, its Requires-Python and yanking), dependencies from each version's core metadata
// (index::MetadataFetcher: PEP 658 file, range read or whole wheel), for one target environment.
//
// - Preferences (--prerelease, --pre, --resolution, installed versions first) come from
//   CandidatePreferences; the caller fills `preferred` with the installed versions it may keep.
// - Extras are virtual `name[extra]` packages; markers are evaluated against `markers` (the target
//   interpreter's values, or those implied by --python-version / --python-platform).
// - Constraints (-c) narrow every dependency edge on their package; overrides (--overrides) replace
//   every requirement on their package, the root's included.
// - `name @ url` requirements (wheel URLs, file:// URLs) give the package exactly one candidate.
// - PyTorch: packages named in `cuda_packages` depend on the virtual `system:cuda==X.Y`, X.Y taken
//   from `cuda_of_index` for the index the chosen version's file came from, so all of them agree.
// - Versions the solver is about to consider get their metadata fetched ahead (prefetch()), and the
//   pages of new dependencies are requested as soon as a version's dependencies are known.
// Thread-safe where the solver needs it (prefetch work runs on a small pool of its own).
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/dist/build_context.hpp"
#include "ptinstall/dist/dist.hpp"
#include "ptinstall/index/index_set.hpp"
#include "ptinstall/index/metadata_fetch.hpp"
#include "ptinstall/index/variants_json.hpp"
#include "ptinstall/resolve/preferences.hpp"
#include "ptinstall/resolve/provider.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::resolve {

// PEP 825 wheel variants (--variants). The wheel of a version is chosen before its metadata is read:
// among the variant wheels that fit the target's tags, the label ranked first by
// spec::order_variants() under the version's `{name}-{version}-variants.json` (on the index the wheels
// came from) and the machine's properties (PEP 850's order: static-properties, `user`, `native`),
// then `null`, then the non-variant wheels. Without a variants.json every variant wheel of that
// version is incompatible (PEP 825). Requires-Dist is then evaluated with that wheel's variant markers.
// The accelerator stack the PyTorch family's variant wheels agree on: the CUDA lower bound and the ROCm
// version of their labels (0: none).
struct FamilyPin {
  spec::Version cuda = spec::Version::from_string("0");
  spec::Version rocm = spec::Version::from_string("0");
  bool operator==(const FamilyPin& o) const { return cuda == o.cuda && rocm == o.rocm; }
  std::string describe() const;  // "CUDA 12.8", "ROCm 7.1", "no GPU"
};

struct VariantSelection {
  bool enabled = false;
  spec::SupportedProperties user;    // --variant-properties (a whole namespace replaces detection)
  spec::SupportedProperties native;  // the native providers (nvidia, amd, x86_64), when `detect` is unset
  // Runs the native providers, once, when the first version with variant wheels is decided (so a
  // resolution without variant wheels never runs the detection); replaces `native`.
  std::function<spec::SupportedProperties()> detect;
  std::string label;                 // --variant-label: only this label (never an unsupported one)
  index::VariantsJsonFetcher* fetcher = nullptr;
  // Family consistency (normalised names, the PyTorch packages of the system:cuda rule): a chosen
  // variant wheel of one of them depends on `system:variant-cuda==X.Y` (its best supported
  // `nvidia :: cuda_version_lower_bound`, 0 when it has none) and `system:variant-rocm==R` (its
  // `amd :: rocm_version`, 0 when none), so torch and torchvision variants agree on the accelerator
  // stack. A label is still chosen per package: a family whose packages' best labels differ fails
  // with the reason rather than installing a mixed stack.
  std::set<std::string, std::less<>> family;
  // Set on a retry after a family conflict (IndexProvider::family_relabel()): the family's labels
  // whose FamilyPin differs are passed over, so every member takes the build the whole family has.
  std::optional<FamilyPin> family_pin;
  // Set on a retry after settle_abi_labels(): "name==version" -> the one label that version may take
  // ("" for its non-variant wheel), when the build an `abi_dependency` selects has other dependencies
  // than the build the resolution assumed.
  std::map<std::string, std::string, std::less<>> label_pins;
};

// The name of the root package of a resolution (never asked for versions).
inline constexpr std::string_view kRootPackage = "<root>";

struct ChosenFile;

struct IndexProviderOptions {
  spec::MarkerEnvironment markers;        // target environment
  spec::Version python_version;           // full target version, for Requires-Python of the metadata
  CandidatePreferences preferences;
  std::vector<spec::Requirement> requirements;  // the root's (markers are evaluated here)
  std::vector<spec::Requirement> constraints;   // -c: narrow edges; they add no package
  std::vector<spec::Requirement> overrides;     // --overrides: replace requirements on their package
  std::set<std::string, std::less<>> excludes;  // --excludes: names dropped from every dependency list
  // uv's dependency-metadata: normalised name -> its entries, in precedence order. An entry whose
  // version is the candidate's (else one without a version) gives that version's METADATA, so neither
  // a download nor a build is needed to resolve it.
  struct StaticMetadata {
    std::optional<spec::Version> version;                   // none: every version
    std::function<std::string(const std::string&)> text;    // METADATA for a version
  };
  std::map<std::string, std::vector<StaticMetadata>, std::less<>> dependency_metadata;
  bool no_deps = false;                   // only the root's requirements (and their extras' base)
  // PyTorch CUDA consistency (auto CUDA mode): normalised names, and index URL -> CUDA version.
  std::set<std::string, std::less<>> cuda_packages;
  std::map<std::string, std::string, std::less<>> cuda_of_index;
  std::size_t prefetch_batch = 5;         // versions whose metadata a repeated prefetch() fetches
  // pip's --prefer-binary: versions with a usable wheel come before versions with only an sdist
  // (each group in the preference order), so an older wheel wins over a newer sdist.
  bool prefer_binary = false;
  // The build seam: metadata of source distributions (direct references to archives or trees, and
  // index sdists where the index set lets them through). nullptr: every source distribution is refused.
  dist::BuildContext* build = nullptr;
  std::set<std::string> editable_urls;    // `name @ url` requirements given with -e (local trees)
  VariantSelection variants;
  // Called on the solver's thread when it decides a real package's version (asks its dependencies),
  // with the file chosen for it; a later conflict may take the decision back. Must return quickly
  // (ops starts the wheel's download here: install/prepare_ahead.hpp).
  std::function<void(const ChosenFile&)> on_decided;
};

// What the resolution chose for one real package: the file and its metadata.
struct ChosenFile {
  std::string name;                       // normalised
  spec::Version version;
  index::IndexFile file;
  dist::Dist dist;                        // the same file as a distribution (name and version set)
  bool direct = false;                    // from a `name @ url` requirement
  std::string metadata_raw;               // METADATA text
  std::optional<std::filesystem::path> wheel_path;  // whole wheel already on disk (local or downloaded)
};

struct ProviderStats {
  std::uint64_t project_pages = 0;        // project pages asked for (network or cache)
  std::uint64_t metadata_fetches = 0;     // distinct wheels whose metadata was read
};

class IndexProvider : public Provider {
 public:
  IndexProvider(index::IndexSet& indexes, index::MetadataFetcher& metadata, IndexProviderOptions options);
  ~IndexProvider() override;
  IndexProvider(const IndexProvider&) = delete;
  IndexProvider& operator=(const IndexProvider&) = delete;

  std::vector<spec::Version> versions(const std::string& package) override;
  Dependencies dependencies(const std::string& package, const spec::Version& version) override;
  void prefetch(const std::string& package, const Range& range) override;
  std::string no_versions_hint(const std::string& package, const Range& range) override;
  bool is_url(const std::string& package) override;

  // The file (and metadata) behind a resolved real package. Throws util::Error when the package and
  // version were never asked about.
  ChosenFile chosen(const std::string& package, const spec::Version& version);
  // After a failed resolution: when the PyTorch family's variant wheels disagreed (torch cuda13.0,
  // torchaudio only cuda12.8), the best FamilyPin every member decided so far has a label for, in the
  // order of torch's labels (else the first member's), other than the one already tried; nullopt
  // when there was no such disagreement or no common build. The caller resolves again with it.
  std::optional<FamilyPin> family_relabel();
  // PEP 850 `abi_dependency` (an extension built once per torch release, `abi_dependency :: torch ::
  // 2.9`): while resolving, such a version depends on the union of its builds' ranges (torch==2.8.* or
  // torch==2.9.*), so the solver picks torch (a pinned torch included) and backtracks when no build
  // fits; after a solution, each such package takes the best-ranked build whose ranges hold the
  // resolved versions. Returns the pins to resolve again with (VariantSelection::label_pins), empty
  // when every build settled without changing the resolution's dependencies.
  std::map<std::string, std::string, std::less<>> settle_abi_labels(const std::vector<std::pair<std::string, spec::Version>>& solution);
  // --variants: the variant metadata `package`'s file at `version` was chosen under (null when its
  // version has no usable variant metadata).
  std::shared_ptr<const spec::VariantMetadata> variant_metadata(const std::string& package, const spec::Version& version);
  // The extras the root requirements ask for, per normalised name (for reports).
  std::vector<std::string> requested_extras(std::string_view name) const;
  // Whether the root requirements name this package (normalised).
  bool is_requested(std::string_view name) const;

  ProviderStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Applies overrides to a list of requirements: each requirement on an overridden package is
// replaced by the override(s) for it (the original marker and-ed with the override's); others stay.
std::vector<spec::Requirement> apply_overrides(const std::vector<spec::Requirement>& requirements,
                                               const std::vector<spec::Requirement>& overrides);
// Narrows the edges of `deps` on constrained packages (and their `name[extra]` packages) to the
// constraints' ranges; constraints whose marker does not hold in `env` are ignored.
void apply_constraints(DependencyList& deps, const std::vector<spec::Requirement>& constraints,
                       const spec::MarkerEnvironment& env);

}  // namespace ptinstall::resolve
