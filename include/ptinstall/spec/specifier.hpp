// PEP 440 version specifiers and specifier sets, with the semantics of `packaging`
// (exclusive ordered comparisons, local labels, wildcards, ~=, ===, pre-release acceptance).
#pragma once
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/spec/version.hpp"

namespace ptinstall::spec {

enum class Operator { Equal, NotEqual, LessEqual, GreaterEqual, Less, Greater, Compatible, ArbitraryEqual };

// "==", "!=", "<=", ">=", "<", ">", "~=", "===".
std::string_view operator_string(Operator op);

class Specifier {
 public:
  // Throws util::Error "invalid specifier `text`" (with a hint saying why where it can).
  static Specifier parse(std::string_view text);
  static Specifier make(Operator op, Version version, bool wildcard = false);

  Operator op() const { return op_; }
  // The version operand; for `===` with an operand that is not PEP 440 it is Version() ("0"):
  // use arbitrary_string() there.
  const Version& version() const { return version_; }
  bool is_wildcard() const { return wildcard_; }
  // The operand of `===` as written.
  const std::string& arbitrary_string() const { return arbitrary_; }

  // Whether the version satisfies this specifier, ignoring the pre-release policy.
  bool contains(const Version& v) const;
  // packaging's Specifier.prereleases: an inclusive operator (==, >=, <=, ~=, ===) whose operand is a pre-release.
  bool mentions_prerelease() const;

  // Normalised: ">=1.0", "==2.*", "~=1.4.5", "===foo".
  std::string to_string() const;

  bool operator==(const Specifier& other) const;

 private:
  Operator op_ = Operator::GreaterEqual;
  Version version_;
  bool wildcard_ = false;
  std::string arbitrary_;
};

class SpecifierSet {
 public:
  SpecifierSet() = default;
  // Comma-separated specifiers; empty items are skipped; "" is the set that allows any version.
  // Throws util::Error "invalid specifier `item`".
  static SpecifierSet parse(std::string_view text);

  bool empty() const { return specifiers_.empty(); }
  const std::vector<Specifier>& specifiers() const { return specifiers_; }
  // Sorted, comma-joined, like packaging's str(SpecifierSet): "<2,>=1.0".
  std::string to_string() const;

  // packaging's SpecifierSet.contains: a pre-release (pre or dev) matches only when `prereleases`
  // is true, or it is nullopt and some specifier mentions a pre-release (an empty set: never);
  // then every specifier must contain the version.
  bool contains(const Version& v, std::optional<bool> prereleases = std::nullopt) const;
  bool mentions_prerelease() const;
  // Adds the other set's specifiers (intersection of the constraints); duplicates are dropped.
  void add(const SpecifierSet& other);
  void add(const Specifier& specifier);

  bool operator==(const SpecifierSet& other) const;

 private:
  std::vector<Specifier> specifiers_;
};

std::ostream& operator<<(std::ostream& out, const Specifier& s);
std::ostream& operator<<(std::ostream& out, const SpecifierSet& s);

}  // namespace ptinstall::spec
