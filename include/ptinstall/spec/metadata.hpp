// Core metadata (METADATA in a wheel, PKG-INFO in an sdist), Metadata-Version 1.0 to 2.4:
// RFC 822 style "Name: value" headers, then an optional body holding the description.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::spec {

struct CoreMetadata {
  std::string metadata_version, name;  // name as written ("Jinja2")
  Version version;
  std::string summary;
  std::optional<SpecifierSet> requires_python;
  std::vector<std::string> requires_dist /*raw PEP 508 strings*/;
  std::vector<std::string> provides_extra /*normalized*/;
  std::vector<std::pair<std::string, std::string>> headers /*all, in order*/;
  // Additions: the body (2.1+) or else the Description header (1.x, indentation and "|" removed).
  std::string description;
  std::string description_content_type;
  // Problems that do not stop an install: a missing Metadata-Version, an unknown newer minor
  // Metadata-Version, an invalid Requires-Python (then requires_python is nullopt).
  std::vector<std::string> warnings;

  // Headers are read like Python's email parser: names case-insensitive; an indented line
  // continues the previous header (joined with one space; for Description with a newline);
  // the first blank line (or a line that is not a header) starts the body. CRLF is accepted.
  // Throws util::Error "invalid metadata: ..." for a missing or invalid Name or Version, or a
  // Metadata-Version with a major version above 2.
  static CoreMetadata parse(std::string_view text);

  // First value of a header (case-insensitive name), or nullopt.
  std::optional<std::string> get(std::string_view header) const;
  // Every value of a header, in order (Classifier, Requires-Dist, Project-URL, Dynamic, ...).
  std::vector<std::string> get_all(std::string_view header) const;
};

}  // namespace ptinstall::spec
