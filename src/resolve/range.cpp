#include "ptinstall/resolve/range.hpp"

#include <algorithm>

#include "ptinstall/spec/specifier.hpp"

namespace ptinstall::resolve {

using spec::Version;

namespace {

// Packaging's key for the pre-release segment: a dev-release of a final release sorts below every
// pre-release, a release without pre segment above them.
struct PreKey {
  int rank;  // 0: dev of final, 1: pre-release, 2: none
  char letter;
  uint64_t number;
  auto operator<=>(const PreKey&) const = default;
};

PreKey pre_key(const Version& v) {
  if (auto pre = v.pre()) return {1, pre->first, pre->second};
  if (!v.post() && v.dev()) return {0, 0, 0};
  return {2, 0, 0};
}

// Compares epoch, release (zero-padded) and pre-release segment only.
std::strong_ordering compare_release_pre(const Version& a, const Version& b) {
  if (auto c = a.epoch() <=> b.epoch(); c != 0) return c;
  size_t n = std::max(a.release_size(), b.release_size());
  for (size_t i = 0; i < n; ++i)
    if (auto c = a.release_at(i) <=> b.release_at(i); c != 0) return c;
  return pre_key(a) <=> pre_key(b);
}

int kind_rank(Bound::Kind k) { return static_cast<int>(k); }

// Compares a wide cut (AfterLocals or AfterPosts) with a narrower one (plain, or AfterLocals under AfterPosts).
std::strong_ordering compare_wide(const Bound& wide, const Bound& other) {
  if (wide.kind == Bound::Kind::AfterLocals) {
    // other is Before or After.
    const Version& pub = other.version.has_local() ? other.version.without_local() : other.version;
    auto c = wide.version <=> pub;
    if (c != 0) return c;
    return std::strong_ordering::greater;
  }
  auto c = compare_release_pre(wide.version, other.version);
  if (c != 0) return c;
  return std::strong_ordering::greater;
}

std::strong_ordering flip(std::strong_ordering c) {
  if (c < 0) return std::strong_ordering::greater;
  if (c > 0) return std::strong_ordering::less;
  return std::strong_ordering::equal;
}

bool is_dev0_of_release(const Version& v) {
  return v.dev() == std::optional<uint64_t>(0) && !v.pre() && !v.post() && !v.has_local();
}

// `release.dev0`, the smallest version whose release starts with `release` (zero padding aside).
Version release_dev0(uint64_t epoch, std::vector<uint64_t> release) {
  return Version::from_parts(epoch, std::move(release), std::nullopt, std::nullopt, 0);
}

// The versions whose release starts with `release`: `==release.*`.
Range wildcard(uint64_t epoch, std::vector<uint64_t> release) {
  auto next = release;
  next.back() += 1;
  return Range::from_interval(Bound::before(release_dev0(epoch, std::move(release))),
                              Bound::before(release_dev0(epoch, std::move(next))));
}

std::vector<uint64_t> release_of(const Version& v, size_t n) {
  std::vector<uint64_t> r;
  for (size_t i = 0; i < n; ++i) r.push_back(v.release_at(i));
  return r;
}

bool is_wildcard_interval(const Interval& iv, std::string* text) {
  if (iv.lower.kind != Bound::Kind::Before || iv.upper.kind != Bound::Kind::Before) return false;
  const Version& lo = iv.lower.version;
  const Version& hi = iv.upper.version;
  if (!is_dev0_of_release(lo) || !is_dev0_of_release(hi) || lo.epoch() != hi.epoch()) return false;
  auto rel = lo.release();
  auto next = rel;
  next.back() += 1;
  if (!(release_dev0(lo.epoch(), next) == hi)) return false;
  if (text) *text = lo.base_version().to_string() + ".*";
  return true;
}

std::string lower_text(const Bound& b) {
  switch (b.kind) {
    case Bound::Kind::Before: return ">=" + b.version.to_string();
    case Bound::Kind::After:
    case Bound::Kind::AfterLocals:
    case Bound::Kind::AfterPosts: return ">" + b.version.to_string();
    default: return "";
  }
}

std::string upper_text(const Bound& b) {
  switch (b.kind) {
    case Bound::Kind::Before:
      if (is_dev0_of_release(b.version)) return "<" + b.version.base_version().to_string();
      return "<" + b.version.to_string();
    case Bound::Kind::After:
    case Bound::Kind::AfterLocals:
    case Bound::Kind::AfterPosts: return "<=" + b.version.to_string();
    default: return "";
  }
}

// The text of the gap between two consecutive intervals when it is one version or one wildcard.
std::optional<std::string> gap_text(const Bound& upper, const Bound& next_lower) {
  if (upper.kind != Bound::Kind::Before) return std::nullopt;
  if ((next_lower.kind == Bound::Kind::After || next_lower.kind == Bound::Kind::AfterLocals) &&
      next_lower.version == upper.version)
    return "!=" + upper.version.to_string();
  std::string w;
  if (is_wildcard_interval(Interval{upper, next_lower}, &w)) return "!=" + w;
  return std::nullopt;
}

}  // namespace

Bound Bound::after_locals(const Version& v) {
  return {Kind::AfterLocals, v.has_local() ? v.without_local() : v};
}

Bound Bound::after_posts(const Version& v) {
  return {Kind::AfterPosts, Version::from_parts(v.epoch(), v.release(), v.pre())};
}

bool Bound::above(const Version& v) const {
  switch (kind) {
    case Kind::NegInf: return false;
    case Kind::PosInf: return true;
    case Kind::Before: return v < version;
    case Kind::After: return v <= version;
    case Kind::AfterLocals: return (v.has_local() ? v.without_local() : v) <= version;
    case Kind::AfterPosts: return compare_release_pre(v, version) <= 0;
  }
  return false;
}

bool Bound::operator==(const Bound& other) const { return compare(*this, other) == 0; }

std::strong_ordering compare(const Bound& a, const Bound& b) {
  using K = Bound::Kind;
  if (a.kind == K::NegInf || a.kind == K::PosInf || b.kind == K::NegInf || b.kind == K::PosInf) {
    auto rank = [](K k) { return k == K::NegInf ? 0 : (k == K::PosInf ? 2 : 1); };
    return rank(a.kind) <=> rank(b.kind);
  }
  bool a_plain = a.kind == K::Before || a.kind == K::After;
  bool b_plain = b.kind == K::Before || b.kind == K::After;
  if (a_plain && b_plain) {
    if (auto c = a.version <=> b.version; c != 0) return c;
    return kind_rank(a.kind) <=> kind_rank(b.kind);
  }
  if (a.kind == b.kind) {
    if (a.kind == K::AfterLocals) return a.version <=> b.version;
    return compare_release_pre(a.version, b.version);
  }
  // Different kinds, at least one wide: compare from the wider one (AfterPosts > AfterLocals > plain).
  auto width = [](K k) { return k == K::AfterPosts ? 2 : (k == K::AfterLocals ? 1 : 0); };
  if (width(a.kind) > width(b.kind)) return compare_wide(a, b);
  return flip(compare_wide(b, a));
}

Range Range::full() { return from_interval(Bound::neg_inf(), Bound::pos_inf()); }

Range Range::exactly(const Version& v) { return from_interval(Bound::before(v), Bound::after(v)); }

Range Range::equal(const Version& v) {
  if (v.has_local()) return exactly(v);
  return from_interval(Bound::before(v), Bound::after_locals(v));
}

Range Range::higher_than(const Version& v) { return from_interval(Bound::before(v), Bound::pos_inf()); }
Range Range::strictly_higher_than(const Version& v) { return from_interval(Bound::after(v), Bound::pos_inf()); }
Range Range::lower_than(const Version& v) { return from_interval(Bound::neg_inf(), Bound::after(v)); }
Range Range::strictly_lower_than(const Version& v) { return from_interval(Bound::neg_inf(), Bound::before(v)); }
Range Range::between(const Version& low, const Version& high) {
  return from_interval(Bound::before(low), Bound::before(high));
}

Range Range::from_interval(Bound lower, Bound upper) {
  Range r;
  if (compare(lower, upper) < 0) r.intervals_.push_back({std::move(lower), std::move(upper)});
  return r;
}

Range Range::from_sorted(std::vector<Interval> intervals) {
  Range r;
  for (auto& iv : intervals) {
    if (compare(iv.lower, iv.upper) >= 0) continue;
    if (!r.intervals_.empty() && compare(iv.lower, r.intervals_.back().upper) <= 0) {
      if (compare(iv.upper, r.intervals_.back().upper) > 0) r.intervals_.back().upper = std::move(iv.upper);
      continue;
    }
    r.intervals_.push_back(std::move(iv));
  }
  return r;
}

Range Range::from_specifier(const spec::Specifier& s) {
  using spec::Operator;
  const Version& v = s.version();
  switch (s.op()) {
    case Operator::Equal:
    case Operator::NotEqual: {
      Range eq;
      if (s.is_wildcard())
        eq = wildcard(v.epoch(), v.release());
      else
        eq = equal(v);
      return s.op() == Operator::Equal ? eq : eq.complement();
    }
    case Operator::LessEqual: return from_interval(Bound::neg_inf(), Bound::after_locals(v));
    case Operator::GreaterEqual: return higher_than(v.has_local() ? v.without_local() : v);
    case Operator::Less: {
      if (v.is_prerelease()) return strictly_lower_than(v);
      // <V leaves out V's pre-releases: stop below V's smallest dev-release.
      Range r = strictly_lower_than(release_dev0(v.epoch(), v.release()));
      if (v.is_postrelease()) r = r.union_with(between(v.base_version(), v));
      return r;
    }
    case Operator::Greater:
      if (v.is_postrelease() || v.is_devrelease()) return from_interval(Bound::after_locals(v), Bound::pos_inf());
      return from_interval(Bound::after_posts(v), Bound::pos_inf());
    case Operator::Compatible: {
      size_t n = v.release_size();
      return higher_than(v.has_local() ? v.without_local() : v)
          .intersection(wildcard(v.epoch(), release_of(v, n > 1 ? n - 1 : 1)));
    }
    case Operator::ArbitraryEqual: {
      auto parsed = Version::parse(s.arbitrary_string());
      if (!parsed) return empty();
      return exactly(*parsed);
    }
  }
  return empty();
}

Range Range::from_specifiers(const spec::SpecifierSet& specifiers) {
  Range r = full();
  for (const auto& s : specifiers.specifiers()) r = r.intersection(from_specifier(s));
  return r;
}

bool Range::is_full() const {
  return intervals_.size() == 1 && intervals_[0].lower.kind == Bound::Kind::NegInf &&
         intervals_[0].upper.kind == Bound::Kind::PosInf;
}

bool Range::contains(const Version& v) const {
  // First interval whose upper cut lies above v.
  auto it = std::partition_point(intervals_.begin(), intervals_.end(),
                                 [&](const Interval& iv) { return !iv.upper.above(v); });
  return it != intervals_.end() && !it->lower.above(v);
}

Range Range::complement() const {
  Range r;
  Bound prev = Bound::neg_inf();
  for (const auto& iv : intervals_) {
    if (compare(prev, iv.lower) < 0) r.intervals_.push_back({prev, iv.lower});
    prev = iv.upper;
  }
  if (prev.kind != Bound::Kind::PosInf) r.intervals_.push_back({prev, Bound::pos_inf()});
  return r;
}

Range Range::intersection(const Range& other) const {
  Range r;
  size_t i = 0, j = 0;
  const auto& a = intervals_;
  const auto& b = other.intervals_;
  while (i < a.size() && j < b.size()) {
    const Bound& lo = compare(a[i].lower, b[j].lower) >= 0 ? a[i].lower : b[j].lower;
    bool a_ends_first = compare(a[i].upper, b[j].upper) < 0;
    const Bound& hi = a_ends_first ? a[i].upper : b[j].upper;
    if (compare(lo, hi) < 0) r.intervals_.push_back({lo, hi});
    if (a_ends_first)
      ++i;
    else
      ++j;
  }
  return r;
}

Range Range::union_with(const Range& other) const {
  if (other.is_empty()) return *this;
  if (is_empty()) return other;
  std::vector<Interval> all;
  all.reserve(intervals_.size() + other.intervals_.size());
  std::merge(intervals_.begin(), intervals_.end(), other.intervals_.begin(), other.intervals_.end(),
             std::back_inserter(all),
             [](const Interval& x, const Interval& y) { return compare(x.lower, y.lower) < 0; });
  return from_sorted(std::move(all));
}

bool Range::subset_of(const Range& other) const { return intersection(other) == *this; }

bool Range::is_disjoint(const Range& other) const { return intersection(other).is_empty(); }

std::optional<Version> Range::single_version() const {
  if (intervals_.size() != 1) return std::nullopt;
  const auto& iv = intervals_[0];
  if (iv.lower.kind != Bound::Kind::Before) return std::nullopt;
  if (iv.upper.kind == Bound::Kind::After && iv.upper.version == iv.lower.version) return iv.lower.version;
  if (iv.upper.kind == Bound::Kind::AfterLocals && !iv.lower.version.has_local() &&
      iv.upper.version == iv.lower.version)
    return iv.lower.version;
  return std::nullopt;
}

Range Range::simplify(const std::vector<Version>& known) const {
  std::vector<bool> in(known.size());
  bool any = false;
  for (size_t k = 0; k < known.size(); ++k) any |= (in[k] = contains(known[k]));
  if (!any) return *this;
  std::vector<Interval> out;
  size_t k = 0;
  while (k < known.size()) {
    if (!in[k]) {
      ++k;
      continue;
    }
    size_t first = k;
    while (k + 1 < known.size() && in[k + 1]) ++k;
    if (first == k && known.size() > 1)
      out.push_back({Bound::before(known[k]), Bound::after(known[k])});  // one version: "==v"
    else
      out.push_back({first == 0 ? Bound::neg_inf() : Bound::before(known[first]),
                     k + 1 == known.size() ? Bound::pos_inf() : Bound::after(known[k])});
    ++k;
  }
  return from_sorted(std::move(out));
}

std::string Range::to_string() const {
  if (intervals_.empty()) return "∅";
  if (is_full()) return "*";
  std::string out;
  size_t i = 0;
  while (i < intervals_.size()) {
    // A segment: consecutive intervals separated by single-version (or wildcard) gaps.
    size_t j = i;
    std::vector<std::string> excluded;
    while (j + 1 < intervals_.size()) {
      auto gap = gap_text(intervals_[j].upper, intervals_[j + 1].lower);
      if (!gap) break;
      excluded.push_back(*gap);
      ++j;
    }
    if (!out.empty()) out += " | ";
    const Bound& lo = intervals_[i].lower;
    const Bound& hi = intervals_[j].upper;
    std::string single;
    if (i == j && lo.kind == Bound::Kind::Before &&
        ((hi.kind == Bound::Kind::After && hi.version == lo.version) ||
         (hi.kind == Bound::Kind::AfterLocals && !lo.version.has_local() && hi.version == lo.version))) {
      out += "==" + lo.version.to_string();
    } else if (i == j && is_wildcard_interval(intervals_[i], &single)) {
      out += "==" + single;
    } else {
      std::vector<std::string> parts;
      if (lo.kind != Bound::Kind::NegInf) parts.push_back(lower_text(lo));
      for (auto& e : excluded) parts.push_back(std::move(e));
      if (hi.kind != Bound::Kind::PosInf) parts.push_back(upper_text(hi));
      for (size_t p = 0; p < parts.size(); ++p) out += (p ? ", " : "") + parts[p];
    }
    i = j + 1;
  }
  return out;
}

}  // namespace ptinstall::resolve
