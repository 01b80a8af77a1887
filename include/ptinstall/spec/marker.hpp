// PEP 508 environment markers: parsing (with packaging's grammar and legacy aliases), evaluation
// against an interpreter's environment and a set of extras (PEP 685), normalised printing.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptinstall::spec {

// The values markers compare against, keyed by the canonical variable names: python_version,
// python_full_version, os_name, sys_platform, platform_release, platform_system, platform_version,
// platform_machine, platform_python_implementation, implementation_name, implementation_version.
// A missing value evaluates as "". `extra` is not read from here: pass extras to evaluate().
struct MarkerEnvironment {
  std::map<std::string, std::string, std::less<>> values;
  // PEP 751: the extras and dependency groups a lock file is installed with, normalised
  // (`'cpu' in extras`, `'dev' in dependency_groups`); empty outside lock files.
  std::vector<std::string> extras, dependency_groups;
  // PEP 825: the chosen wheel's supported properties as "ns", "ns :: f", "ns :: f :: v" (set when a
  // variant wheel's Requires-Dist is evaluated); `variant_label` lives in `values` ("" when unset).
  std::vector<std::string> variant_namespaces, variant_features, variant_properties;

  std::string_view get(std::string_view key) const;
  void set(std::string_view key, std::string_view value) { values.insert_or_assign(std::string(key), std::string(value)); }
};

// The canonical marker variable names, in the order above, then "extra".
const std::vector<std::string_view>& marker_variable_names();
// Whether a marker variable is compared as a PEP 440 version when both sides parse
// (python_version, python_full_version, implementation_version, platform_release).
bool is_version_marker_variable(std::string_view canonical_name);

namespace detail {
struct MarkerNode;
}

// One comparison of a marker with the variable on the left: `'3.8' < python_version` is reported as
// python_version > 3.8 (`in`/`not in` with the literal on the left keep their side: literal_left).
struct MarkerComparison {
  std::string variable;  // canonical name
  std::string op;        // "==", "!=", "<=", ">=", "<", ">", "~=", "===", "in", "not in"
  std::string value;
  bool literal_left = false;
};

class Marker {
 public:
  // The empty marker: always true, prints as "".
  Marker() = default;

  // Throws util::Error "invalid marker `text`: <what> at column N" (1-based), with a hint where one helps.
  static Marker parse(std::string_view text);

  // True for the empty marker (no expression).
  bool is_always_true() const { return root_ == nullptr; }

  // Evaluates against `env`. `extras` are the extras requested of the distribution whose
  // requirement this is (normalised here): `extra == "x"` holds when x is one of them; with
  // none, `extra` is "" (so `extra == "x"` is false). `==`, `<`, `in`, ... hold if they hold for
  // some extra; `!=` and `not in` if they hold for every one.
  bool evaluate(const MarkerEnvironment& env, const std::vector<std::string>& extras = {}) const;

  // packaging's str(Marker): canonical variable names, values in double quotes (single quotes when
  // the value holds a double quote), extra names normalised, parentheses kept where they group more
  // than one comparison.
  std::string to_string() const;

  // `a and b`, with parentheses where needed; an empty side yields the other.
  static Marker conjunction(const Marker& a, const Marker& b);
  // `a or b`; an empty side yields the empty (always true) marker.
  static Marker disjunction(const Marker& a, const Marker& b);

  // The marker with its `extra` comparisons decided for a distribution requested with `extras` (as
  // evaluate() decides them; none: `extra` is ""), every other comparison kept: what a dependency's
  // marker still asks of the environment once the extra it belongs to is chosen. The empty marker
  // when it then always holds, nullopt when it never does.
  std::optional<Marker> decide_extras(const std::vector<std::string>& extras) const;

  // The normalised extra names compared against `extra`, sorted, without duplicates.
  std::vector<std::string> referenced_extras() const;

  // Every comparison of a variable with a literal, in the order written (for a universal lock: the
  // Python versions and platforms the marker distinguishes).
  std::vector<MarkerComparison> comparisons() const;

  // Same printed form.
  bool operator==(const Marker& other) const { return to_string() == other.to_string(); }

  // For the requirement parser: parses a marker that starts at `pos` in `source` and ends at
  // `source`'s end or where the grammar stops (trailing whitespace consumed); `pos` moves past it.
  // Throws detail::MarkerSyntaxError (positions within `source`).
  static Marker parse_at(std::string_view source, size_t& pos);

 private:
  explicit Marker(std::shared_ptr<const detail::MarkerNode> root) : root_(std::move(root)) {}
  std::shared_ptr<const detail::MarkerNode> root_;
};

namespace detail {
// A syntax error at a 0-based position of the parsed text, before it is worded for the user.
struct MarkerSyntaxError {
  std::string message;  // lower-case, e.g. "expected a marker variable or quoted string"
  size_t position;
  std::string hint;
};
}  // namespace detail

}  // namespace ptinstall::spec
