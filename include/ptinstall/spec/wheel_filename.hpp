// Wheel filenames (PEP 427, binary distribution format spec), with PEP 825's optional variant label:
// {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}(-{variant label})?.whl
// Six parts are ambiguous (build tag or label); PEP 825 settles it: a Python tag never starts with a
// digit and a build tag always does, so a digit-led third part is a build tag, anything else a Python
// tag followed by a label. A digit-led Python tag is rejected.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ptinstall/spec/tags.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::spec {

struct WheelFilename {
  std::string name;  // as in the file ("Jinja2", "torch", "nvidia_cublas_cu12")
  Version version;
  // "1custom" -> {1, "custom"}. No build tag sorts before any, then (number, text) as packaging;
  // it only breaks ties between wheels of one version with equal tag priority.
  std::optional<std::pair<uint64_t, std::string>> build;
  std::vector<std::string> python_tags, abi_tags, platform_tags;  // compressed sets split on '.'
  std::string version_text;  // the version as written in the file ("2.9.1+cu128")
  // PEP 825 variant label ("cuda12.8", "null"; ^[0-9a-z_.]+$); empty for a non-variant wheel.
  std::string variant_label;

  // Accepts a bare filename or the last path segment of a URL: percent-escapes are decoded first
  // ("torch-2.9.1%2Bcu128-..." -> "+cu128"). Like packaging.utils.parse_wheel_filename, the name
  // may use letters, digits, '_' and '.', never "__"; legacy capitalised names are kept as written.
  // Throws util::Error "invalid wheel filename '...': <reason>".
  static WheelFilename parse(std::string_view filename);

  std::vector<Tag> tags() const;       // expanded: python x abi x platform
  std::string normalized_name() const;  // PEP 503 ("jinja2", "nvidia-cublas-cu12")
  std::string to_string() const;  // the decoded filename (version as written; build number without leading zeros)
  bool is_variant() const { return !variant_label.empty(); }
  bool operator==(const WheelFilename&) const = default;
};

// PEP 825: a variant label is non-empty and only 0-9, a-z, '_' and '.'.
bool is_valid_variant_label(std::string_view label);
// The label reserved for the variant with no properties (always compatible, ranked after the others).
inline constexpr std::string_view kNullVariantLabel = "null";

// Whether a name ends in ".whl" (the check done before parse when listing index files).
bool is_wheel_filename(std::string_view filename);

}  // namespace ptinstall::spec
