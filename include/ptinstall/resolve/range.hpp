// Sets of versions for the resolver: a sorted union of disjoint intervals in PEP 440 order.
// Built from specifier sets (with packaging's rules for local labels, wildcards, ~= and the
// exclusive operators), closed under union, intersection and complement, and printed readably
// (">=1.0, <2.0", "==1.2.3", "!=1.5", "*").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/spec/version.hpp"

namespace ptinstall::spec {
class Specifier;
class SpecifierSet;
}  // namespace ptinstall::spec

namespace ptinstall::resolve {

// A cut in the version order: the point between the versions below it and those at or above it.
struct Bound {
  enum class Kind : uint8_t {
    NegInf,       // below every version
    Before,       // just below `version`
    After,        // just above `version`
    AfterLocals,  // above `version` (public) and all its local variants (`version+anything`)
    AfterPosts,   // above every version with `version`'s epoch, release and pre-release segment
                  // (its post-releases, dev-releases of those and local variants)
    PosInf,       // above every version
  };
  Kind kind = Kind::NegInf;
  spec::Version version;  // unused for NegInf and PosInf

  static Bound neg_inf() { return {Kind::NegInf, {}}; }
  static Bound pos_inf() { return {Kind::PosInf, {}}; }
  static Bound before(spec::Version v) { return {Kind::Before, std::move(v)}; }
  static Bound after(spec::Version v) { return {Kind::After, std::move(v)}; }
  static Bound after_locals(const spec::Version& v);
  static Bound after_posts(const spec::Version& v);

  // Whether `v` lies below this cut.
  bool above(const spec::Version& v) const;
  bool operator==(const Bound& other) const;
};

// Total order of cuts.
std::strong_ordering compare(const Bound& a, const Bound& b);

// [lower, upper): the versions at or above `lower` and below `upper`.
struct Interval {
  Bound lower, upper;
  bool operator==(const Interval& other) const = default;
};

class Range {
 public:
  // The empty set.
  Range() = default;

  static Range empty() { return {}; }
  static Range full();
  // Only `v` itself (with its local label, if any; `1.0` also matches `1.0.0`, which compares equal).
  static Range exactly(const spec::Version& v);
  // PEP 440 `==v`: `v` and, when `v` has no local label, all its local variants.
  static Range equal(const spec::Version& v);
  // Plain order intervals (no PEP 440 special cases): [v, inf), (v, inf), (-inf, v], (-inf, v), [a, b).
  static Range higher_than(const spec::Version& v);
  static Range strictly_higher_than(const spec::Version& v);
  static Range lower_than(const spec::Version& v);
  static Range strictly_lower_than(const spec::Version& v);
  static Range between(const spec::Version& low, const spec::Version& high);
  static Range from_interval(Bound lower, Bound upper);

  // The versions a specifier allows (pre-release policy aside, which is the candidate selector's job).
  // Local labels follow PEP 440 / packaging: `==2.9.1` and `<=2.9.1` contain `2.9.1+cu128`, `>2.9.1` and
  // `!=2.9.1` do not. `<V` excludes pre-releases of V unless V is one; `>V` excludes V's post-releases
  // unless V is one. Small differences from packaging, close to uv: `>V` leaves out only V's own
  // post-releases (final or pre-release V) or V's own local variants (post- or dev-release V), where
  // packaging leaves out those of V's whole base release; `<V.postN` keeps dev-releases of V's earlier
  // post-releases; `===V` is the version V (packaging compares strings: `===1.0` rejects `1.0.0`).
  static Range from_specifier(const spec::Specifier& specifier);
  static Range from_specifiers(const spec::SpecifierSet& specifiers);

  bool is_empty() const { return intervals_.empty(); }
  bool is_full() const;
  bool contains(const spec::Version& v) const;

  Range complement() const;
  Range intersection(const Range& other) const;
  Range union_with(const Range& other) const;
  Range difference(const Range& other) const { return intersection(other.complement()); }
  bool subset_of(const Range& other) const;
  bool is_disjoint(const Range& other) const;

  // The one public version this range pins, when it is `==v` (with local variants) or exactly `v`.
  std::optional<spec::Version> single_version() const;

  // Only the versions of `known` (ascending) in this range matter: a range with the same members among
  // `known` but with the widest possible bounds (unbounded at the ends, inclusive at known versions; a
  // lone known version stays "==v"). Used to print merged per-version ranges ("==1.0 | ==1.1 | ==1.2"
  // -> ">=1.0, <=1.2" or ">=1.0"). Returns the range unchanged when it contains none of `known`.
  Range simplify(const std::vector<spec::Version>& known) const;

  // ">=1.0, <2.0", "==1.2.3", "!=1.5", "==2.*", "<1.0 | >=2.0", "*", or "∅" for the empty set.
  std::string to_string() const;

  const std::vector<Interval>& intervals() const { return intervals_; }
  bool operator==(const Range& other) const { return intervals_ == other.intervals_; }

 private:
  static Range from_sorted(std::vector<Interval> intervals);  // merges overlapping and touching ones
  std::vector<Interval> intervals_;
};

}  // namespace ptinstall::resolve
