// Package and extra names: PEP 508 validity, PEP 503 normalisation (PEP 685 for extras).
#pragma once
#include <compare>
#include <string>
#include <string_view>

namespace ptinstall::spec {

// PEP 503: runs of `-`, `_` and `.` become one `-`, ASCII letters lower-case ("Foo__Bar.baz" -> "foo-bar-baz").
std::string normalize_name(std::string_view name);
// PEP 508 name grammar: ASCII letters and digits, with `-`, `_`, `.` inside (not first or last).
bool is_valid_name(std::string_view name);
// PEP 685: extras are normalised exactly like names.
std::string normalize_extra(std::string_view extra);
// Whether two names are the same project once normalised (no allocation).
bool names_equal(std::string_view a, std::string_view b);

// A validated project name: compares, orders and hashes by its normalised form.
class PackageName {
 public:
  PackageName() = default;
  // Throws util::Error "invalid package name `x`" unless is_valid_name(name).
  static PackageName parse(std::string_view name);

  const std::string& str() const { return normalized_; }  // normalised, e.g. "torch-vision"
  const std::string& original() const { return original_; }  // as written

  std::strong_ordering operator<=>(const PackageName& other) const { return normalized_ <=> other.normalized_; }
  bool operator==(const PackageName& other) const { return normalized_ == other.normalized_; }

 private:
  std::string normalized_;
  std::string original_;
};

}  // namespace ptinstall::spec

template <>
struct std::hash<ptinstall::spec::PackageName> {
  size_t operator()(const ptinstall::spec::PackageName& n) const noexcept { return std::hash<std::string>()(n.str()); }
};
