// Wheel variants (PEP 825, format; PEP 850, providers) as values: the variant metadata of a wheel
// (`*.dist-info/variant.json`) or of an index (`{name}-{version}-variants.json`), the properties a
// machine supports, and PEP 825's ordering of the variants of one version.
//
// - A property is `namespace :: feature :: value` (namespace and feature ^[a-z0-9_]+$, value
//   ^[a-z0-9_.]+$). A variant is compatible when, for every feature it lists, at least one of its
//   values is supported (AND over features, OR over values); `null` has none and is always compatible.
// - The machine's properties per namespace come, in PEP 850's order, from the metadata's
//   `static-properties` (used exclusively), else the user's list, else a native provider; a namespace
//   with none of them makes every variant that uses it unsupported. Plugins never run.
// - The format version is the `vX.Y.Z` in the `$schema` URL; drafts are 0.x. An unknown major
//   version means "these variants are unsupported" (the caller warns), never a crash.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/spec/marker.hpp"

namespace ptinstall::spec {

// namespace -> feature -> values (a variant's properties, as in variant.json).
using VariantPropertyMap = std::map<std::string, std::map<std::string, std::vector<std::string>>>;

struct VariantProperty {
  std::string ns, feature, value;
  // "nvidia :: sm_arch :: 120_real"; whitespace around "::" is ignored. nullopt when malformed.
  static std::optional<VariantProperty> parse(std::string_view text);
  std::string to_string() const;  // "nvidia :: sm_arch :: 120_real"
  bool operator==(const VariantProperty&) const = default;
};
bool is_valid_variant_name(std::string_view s);   // namespace or feature: ^[a-z0-9_]+$
bool is_valid_variant_value(std::string_view s);  // ^[a-z0-9_.]+$

// The schema versions this build reads: major 0 (the drafts of PEP 825/850). 1.x arrives when the PEP
// is accepted, and will be added here then.
inline constexpr int kVariantSchemaMajor = 0;
struct SchemaVersion {
  int major = 0, minor = 0, patch = 0;
};
// The version in a `$schema` URL: ".../v0.1.1.json" or ".../0.2.0/..." -> {0,1,1}; nullopt without one.
std::optional<SchemaVersion> variant_schema_version(std::string_view url);

// PEP 850 `providers.{namespace}`.
struct VariantProvider {
  // `static-properties`: feature -> values, in the metadata's order (the order is the preference).
  std::optional<std::vector<std::pair<std::string, std::vector<std::string>>>> static_properties;
  std::vector<std::string> requires_;  // PEP 508 specs of the plugin package (never installed here)
  std::string plugin_api;
  bool optional = false;
};

struct VariantMetadata {
  std::string schema;                 // the `$schema` URL
  std::optional<SchemaVersion> version;
  std::vector<std::string> namespace_priorities;                           // default-priorities.namespace
  std::map<std::string, std::vector<std::string>> feature_priorities;      // default-priorities.feature
  std::map<std::string, std::map<std::string, std::vector<std::string>>> property_priorities;  // .property
  std::map<std::string, VariantProvider> providers;                        // PEP 850
  std::map<std::string, VariantPropertyMap> variants;                      // label -> properties

  // Parses variant.json / variants.json. `where` names the file in errors. Throws util::Error (kind
  // Index) for JSON that is not this structure: not an object, `variants` missing, a malformed label,
  // namespace, feature or value, a namespace used by a variant but missing from
  // default-priorities.namespace. An unknown schema major is not an error here: see schema_supported().
  static VariantMetadata parse(std::string_view json, std::string_view where);
  // The metadata as variants.json text (what parse() reads back), with only `labels` under `variants`
  // (empty: all); for pylock.toml's [packages.variants-json].
  std::string to_json(const std::vector<std::string>& labels = {}) const;
  // Whether this build reads the schema (major == kVariantSchemaMajor).
  bool schema_supported() const { return version && version->major == kVariantSchemaMajor; }
};

// The properties a machine supports: per namespace, features in preference order, each with its
// values in preference order. `source` says where each namespace came from ("static-properties",
// "--variant-properties FILE", "nvidia driver 570.86.10"), for -v and torch-backend --json.
struct SupportedFeature {
  std::string name;
  std::vector<std::string> values;
};
struct SupportedProperties {
  std::map<std::string, std::vector<SupportedFeature>> namespaces;
  std::map<std::string, std::string> source;

  const std::vector<SupportedFeature>* find(std::string_view ns) const;
  void add(std::string_view ns, std::string_view feature, std::vector<std::string> values, std::string_view from);
  bool empty() const { return namespaces.empty(); }
};

// A user's property list (--variant-properties FILE): one `namespace :: feature :: value` per line,
// most preferred first; '#' starts a comment, blank lines are skipped. Throws util::Error (usage)
// naming `where` and the line for a malformed one.
SupportedProperties parse_user_properties(std::string_view text, std::string_view where);

// PEP 850's provider order for the namespaces of `meta`: static-properties from the metadata, else
// the user's list, else the native providers. A namespace none of them covers is absent.
SupportedProperties effective_properties(const VariantMetadata& meta, const SupportedProperties& user,
                                         const SupportedProperties& native);

struct VariantOrder {
  std::vector<std::string> labels;  // compatible labels, most preferred first (`null` last)
  // Labels that may not be used, and why: "needs nvidia :: sm_arch :: 120_real; this machine has 86_real",
  // "no provider for namespace `amd`", "not listed in the variants metadata".
  std::map<std::string, std::string> unsupported;
};

// PEP 850's reserved namespace: `abi_dependency :: torch :: 2.9` means "built for torch==2.9.*" (one to
// three numeric components; "2", "2.0" and "2.0.0" are different ranges). It is never listed in
// default-priorities; a variant with it is compatible, and the dependency is the resolver's to add.
inline constexpr std::string_view kAbiDependencyNamespace = "abi_dependency";
bool is_abi_dependency_value(std::string_view value);
std::string abi_dependency_specifier(std::string_view value);  // "2.9" -> "==2.9.*"

// PEP 825's ordering of `labels` (those of the wheels at hand) under `meta` and the machine's
// `supported` properties (already combined by effective_properties()). `abi_dependency` properties
// rank after every listed namespace, the newest value of each feature first.
VariantOrder order_variants(const VariantMetadata& meta, const std::vector<std::string>& labels,
                            const SupportedProperties& supported);

// PEP 825's variant markers for the wheel with `label`: `variant_label`, and the sets
// `variant_namespaces`, `variant_features`, `variant_properties` of its properties under `meta`
// filtered to those `supported` holds. A label `meta` does not list sets `variant_label` only.
void set_variant_markers(MarkerEnvironment& env, const VariantMetadata& meta, const std::string& label,
                         const SupportedProperties& supported);

}  // namespace ptinstall::spec
