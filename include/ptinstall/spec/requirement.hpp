// PEP 508 dependency specifiers ("requirements"): `name[extras] specifiers ; marker` and
// `name[extras] @ url ; marker`, with packaging's grammar, precise error positions and its printing.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/specifier.hpp"

namespace ptinstall::spec {

struct Requirement {
  std::string name;                 // as written
  PackageName package;              // validated and normalised
  std::vector<std::string> extras;  // normalised (PEP 685), sorted, without duplicates
  SpecifierSet specifier;           // empty: any version (always empty with a URL)
  std::optional<std::string> url;   // `name @ url`: the URL as written
  Marker marker;                    // empty (always true) when there is none

  // The longest text parse() reads (64 KiB). No real requirement comes near (the longest markers
  // of real Requires-Dist lines are a few hundred bytes); a longer one is refused at once, so that
  // a pathological line (a 100 MB name, 200,000 extras) costs neither memory nor time downstream.
  static constexpr size_t kMaxLength = 64 * 1024;

  // Throws util::Error "invalid requirement `text`: <what> at column N" (1-based), with a hint
  // where one helps, or "invalid requirement `text...` (N bytes): longer than ..." past kMaxLength.
  // A text of more than 1000 bytes is echoed by its first 200. Surrounding spaces and tabs are allowed.
  static Requirement parse(std::string_view text);

  // packaging's str(Requirement): `name[a,b]<2,>=1; marker` or `name[a] @ url ; marker`
  // (name as written, extras normalised and sorted, specifiers sorted, marker normalised).
  std::string to_string() const;

  // Whether the requirement applies in `env` for the requested extras of the distribution that
  // declares it (the marker's verdict; true without a marker).
  bool applies(const MarkerEnvironment& env, const std::vector<std::string>& extras = {}) const {
    return marker.evaluate(env, extras);
  }
};

}  // namespace ptinstall::spec
