#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ptinstall/resolve/range.hpp"
#include "ptinstall/spec/specifier.hpp"

using ptinstall::resolve::Bound;
using ptinstall::resolve::Range;
using ptinstall::spec::Specifier;
using ptinstall::spec::SpecifierSet;
using ptinstall::spec::Version;

namespace {

Version V(const char* s) { return Version::from_string(s); }
Range R(const char* s) { return Range::from_specifiers(SpecifierSet::parse(s)); }

// A grid of versions around 1.0 / 2.0 with every kind of segment, in no particular order.
std::vector<Version> grid() {
  std::vector<Version> out;
  for (const char* s : {"0.1", "0.9", "0.9+local", "1.0.dev0", "1.0.dev1", "1.0a1.dev0", "1.0a1", "1.0a1+x",
                        "1.0a1.post1", "1.0a2", "1.0b1", "1.0rc1", "1.0rc1.post0.dev0", "1.0", "1.0.0", "1.0+cu118", "1.0+cu128",
                        "1.0+cu128.1", "1.0.post0.dev0", "1.0.post0", "1.0.post1.dev0", "1.0.post1", "1.0.post1+x",
                        "1.0.post2", "1.0.0.1", "1.0.1", "1.0.1+x", "1.0.5", "1.1.dev0", "1.1a1", "1.1", "1.1.0.post1",
                        "1.2", "1.9.9", "2.0.dev0", "2.0a1", "2.0", "2.0+cpu", "2.0.post1", "2.1", "3.0", "1!0.5",
                        "1!1.0"})
    out.push_back(V(s));
  return out;
}

}  // namespace

TEST_CASE("range: empty, full and single versions") {
  Range e;
  CHECK(e.is_empty());
  CHECK(!e.is_full());
  CHECK(e.to_string() == "∅");
  CHECK(Range::full().is_full());
  CHECK(Range::full().to_string() == "*");
  CHECK(Range::full().complement().is_empty());
  CHECK(e.complement().is_full());
  for (const auto& v : grid()) {
    CHECK(Range::full().contains(v));
    CHECK(!e.contains(v));
    CHECK(Range::exactly(v).contains(v));
    CHECK(Range::exactly(v).single_version() == v);
  }
  CHECK(Range::exactly(V("1.0")).contains(V("1.0.0")));
  CHECK(!Range::exactly(V("1.0")).contains(V("1.0+cu128")));
  CHECK(Range::equal(V("1.0")).contains(V("1.0+cu128")));
  CHECK(Range::equal(V("1.0")).contains(V("1.0+cu128.1")));
  CHECK(!Range::equal(V("1.0")).contains(V("1.0.post0")));
  CHECK(!Range::equal(V("1.0")).contains(V("1.0.post0.dev0")));
  CHECK(!Range::equal(V("1.0")).contains(V("1.0rc1")));
  CHECK(Range::equal(V("1.0+cu128")).contains(V("1.0+cu128")));
  CHECK(!Range::equal(V("1.0+cu128")).contains(V("1.0+cu118")));
  CHECK(!Range::equal(V("1.0+cu128")).contains(V("1.0")));
  CHECK(Range::equal(V("1.0")).single_version() == V("1.0"));
  CHECK(!R(">=1.0").single_version());
  CHECK(R(">=1.0, <=1.0").single_version() == V("1.0"));  // <=1.0 keeps locals: same set as ==1.0
}

TEST_CASE("range: set algebra agrees with membership on a grid") {
  const auto g = grid();
  std::vector<Range> ranges = {Range(),           Range::full(),        R(">=1.0"),        R("<2.0"),
                               R("==1.0"),        R("!=1.0"),           R(">1.0"),         R("<=1.0"),
                               R("==1.*"),        R("!=1.0.*"),         R("~=1.0"),        R("~=1.0.1"),
                               R(">=1.0a1,<1.1"), R("==1.0+cu128"),     R("!=1.0+cu128"),  R(">=0.9,!=1.0,<2"),
                               R("<1.0.post1"),   R(">1.0.post0"),      R(">1.0.dev0"),    R(">=1!0"),
                               Range::exactly(V("1.0")), Range::between(V("1.0a1"), V("1.0.post1")),
                               R("<1.0").union_with(R(">=2.0")), R("==1.0").union_with(R("==2.0"))};
  for (const auto& a : ranges) {
    Range ca = a.complement();
    CHECK(ca.complement() == a);
    CHECK(a.intersection(ca).is_empty());
    CHECK(a.union_with(ca).is_full());
    CHECK(a.union_with(a) == a);
    CHECK(a.intersection(a) == a);
    CHECK(a.subset_of(a));
    for (const auto& v : g) CHECK(ca.contains(v) == !a.contains(v));
    for (const auto& b : ranges) {
      Range i = a.intersection(b), u = a.union_with(b), d = a.difference(b);
      CHECK(i == b.intersection(a));
      CHECK(u == b.union_with(a));
      // De Morgan.
      CHECK(i.complement() == ca.union_with(b.complement()));
      CHECK(u.complement() == ca.intersection(b.complement()));
      CHECK(i.subset_of(a));
      CHECK(a.subset_of(u));
      CHECK(a.is_disjoint(b) == i.is_empty());
      for (const auto& v : g) {
        INFO(a.to_string() << " / " << b.to_string() << " at " << v.to_string());
        CHECK(i.contains(v) == (a.contains(v) && b.contains(v)));
        CHECK(u.contains(v) == (a.contains(v) || b.contains(v)));
        CHECK(d.contains(v) == (a.contains(v) && !b.contains(v)));
      }
      for (const auto& c : ranges) {
        CHECK(a.intersection(b).intersection(c) == a.intersection(b.intersection(c)));
        CHECK(a.union_with(b).union_with(c) == a.union_with(b.union_with(c)));
        CHECK(a.intersection(b.union_with(c)) == a.intersection(b).union_with(a.intersection(c)));
      }
    }
  }
}

TEST_CASE("range: bounds are totally ordered") {
  const auto g = grid();
  std::vector<Bound> bounds = {Bound::neg_inf(), Bound::pos_inf()};
  for (const auto& v : g) {
    bounds.push_back(Bound::before(v));
    bounds.push_back(Bound::after(v));
    bounds.push_back(Bound::after_locals(v));
    bounds.push_back(Bound::after_posts(v));
  }
  for (const auto& a : bounds) {
    for (const auto& b : bounds) {
      auto ab = compare(a, b), ba = compare(b, a);
      CHECK((ab < 0) == (ba > 0));
      CHECK((ab == 0) == (ba == 0));
      // A cut below another never has a version above it that the other has below it.
      if (ab < 0)
        for (const auto& v : g) CHECK((!a.above(v) || b.above(v)));
      for (const auto& c : bounds)
        if (ab < 0 && compare(b, c) < 0) CHECK(bool(compare(a, c) < 0));
    }
  }
}

TEST_CASE("range: specifiers agree with packaging semantics") {
  const auto g = grid();
  const char* specs[] = {"==1.0",  "==1.0.0",   "==1.0+cu128", "!=1.0",    "!=1.0+cu128", "==1.*",    "==1.0.*",
                         "!=1.*",  "!=1.0.*",   "==1!1.*",     ">=1.0",    ">=1.0a1",     ">=1.0.post1", "<=1.0",
                         "<=1.0a1", "<2.0",     "<1.0",        "<1.0rc1",  "<1.0.dev1",   ">1.0",     ">2.0",
                         "~=1.0",  "~=1.0.0",  "~=1.0a1",     "~=1!0.5",  "~=1.1",
                         ">=1!0",  "<1!1",      "===1.0+cu128"};
  for (const char* text : specs) {
    Specifier s = Specifier::parse(text);
    Range r = Range::from_specifier(s);
    for (const auto& v : g) {
      INFO(text << " at " << v.to_string() << " range " << r.to_string());
      CHECK(r.contains(v) == s.contains(v));
    }
  }
}

TEST_CASE("range: documented differences from packaging") {
  // >V for a pre-release V: only V's own post-releases and local variants are left out.
  Range gt = R(">1.0a1");
  CHECK(!gt.contains(V("1.0a1.post1")));
  CHECK(!gt.contains(V("1.0a1+x")));
  CHECK(gt.contains(V("1.0a2")));
  CHECK(gt.contains(V("1.0")));
  CHECK(gt.contains(V("1.0.post1")));  // packaging: no
  CHECK(gt.contains(V("1.0+cu128")));  // packaging: no
  // <V.postN keeps dev-releases of earlier post-releases.
  Range lt = R("<1.0.post1");
  CHECK(lt.contains(V("1.0")));
  CHECK(lt.contains(V("1.0.post0")));
  CHECK(lt.contains(V("1.0+cu128")));
  CHECK(!lt.contains(V("1.0rc1")));
  CHECK(lt.contains(V("1.0.post0.dev0")));  // packaging: no
  // >V for a post- or dev-release V leaves out V and its local variants only.
  Range gt_post = R(">1.0.post0");
  CHECK(!gt_post.contains(V("1.0.post0")));
  CHECK(!gt_post.contains(V("1.0.post0+x")));
  CHECK(gt_post.contains(V("1.0.post1")));
  CHECK(gt_post.contains(V("1.0.post1+x")));  // packaging: no (a local variant of the same base release)
  Range gt_dev = R(">1.0.dev0");
  CHECK(gt_dev.contains(V("1.0")));
  CHECK(gt_dev.contains(V("1.0.post1")));  // packaging: no
  // === compares strings in packaging; here it is the version itself.
  CHECK(R("===1.0").contains(V("1.0")));
  CHECK(R("===1.0").contains(V("1.0.0")));  // packaging: no
  CHECK(!R("===1.0").contains(V("1.0+cu128")));
  CHECK(R("===not-a-version").is_empty());
}

TEST_CASE("range: local versions") {
  CHECK(R("==2.9.1").contains(V("2.9.1+cu128")));
  CHECK(R("==2.9.1").contains(V("2.9.1")));
  CHECK(R("<=2.4").contains(V("2.4+cu121")));
  CHECK(R("<=2.4").contains(V("2.4.0+cpu")));
  CHECK(!R("<=2.4").contains(V("2.4.post1")));
  CHECK(R(">=2.4").contains(V("2.4+cu121")));
  CHECK(!R(">2.4").contains(V("2.4+cu121")));
  CHECK(!R("!=2.4").contains(V("2.4+cu121")));
  CHECK(R("!=2.4+cu121").contains(V("2.4+cu118")));
  CHECK(R("!=2.4+cu121").contains(V("2.4")));
  CHECK(!R("<2.4").contains(V("2.4+cu121")));
  CHECK(R("<2.4").contains(V("2.3.1+cu121")));
  CHECK(R("==2.*").contains(V("2.9.1+cu128")));
  CHECK(R("~=2.3").contains(V("2.9.1+cu128")));
  // Intersections that leave only local builds.
  Range only_cuda = R("==2.9.1").difference(Range::exactly(V("2.9.1")));
  CHECK(only_cuda.contains(V("2.9.1+cu128")));
  CHECK(!only_cuda.contains(V("2.9.1")));
  CHECK(!only_cuda.is_empty());
  CHECK(R("==2.9.1+cu128").intersection(R("==2.9.1+cu126")).is_empty());
  CHECK(R("==2.9.1+cu128").subset_of(R("==2.9.1")));
  CHECK(R("==2.9.1+cu128").subset_of(R("<=2.9.1")));
  CHECK(!R("==2.9.1+cu128").subset_of(R("<2.9.1")));
}

TEST_CASE("range: printing") {
  CHECK(R(">=1.0").to_string() == ">=1.0");
  CHECK(R(">=1.0,<2.0").to_string() == ">=1.0, <2.0");
  CHECK(R("<2.0").to_string() == "<2.0");
  CHECK(R("<2.0rc1").to_string() == "<2.0rc1");
  CHECK(R("==1.2.3").to_string() == "==1.2.3");
  CHECK(R("==1.2.3+cu128").to_string() == "==1.2.3+cu128");
  CHECK(Range::exactly(V("1.2.3")).to_string() == "==1.2.3");
  CHECK(R("!=1.5").to_string() == "!=1.5");
  CHECK(R(">=1.0,!=1.5,<2").to_string() == ">=1.0, !=1.5, <2");
  CHECK(R(">=1.0,!=1.5,!=1.7").to_string() == ">=1.0, !=1.5, !=1.7");
  CHECK(R("<=2.4").to_string() == "<=2.4");
  CHECK(R(">2.4").to_string() == ">2.4");
  CHECK(R("==2.*").to_string() == "==2.*");
  CHECK(R("!=2.*").to_string() == "!=2.*");
  CHECK(R("~=2.2").to_string() == ">=2.2, <3");
  CHECK(R("~=1.4.5").to_string() == ">=1.4.5, <1.5");
  CHECK(R("<1.0").union_with(R(">=2.0")).to_string() == "<1.0 | >=2.0");
  CHECK(R("==1.0").union_with(R("==2.0")).to_string() == "==1.0 | ==2.0");
  CHECK(R("<1.0").complement().to_string() == ">=1.0.dev0");
  CHECK(R("<=2.4").complement().to_string() == ">2.4");
  CHECK(Range::exactly(V("2.0")).complement().to_string() == "!=2.0");
  CHECK(Range::full().to_string() == "*");
}

TEST_CASE("range: simplify against known versions") {
  std::vector<Version> known = {V("1.0"), V("1.1"), V("2.0"), V("2.1"), V("3.0")};
  Range merged = Range::exactly(V("2.0")).union_with(Range::exactly(V("2.1"))).union_with(Range::exactly(V("3.0")));
  CHECK(merged.simplify(known).to_string() == ">=2.0");
  Range low = Range::exactly(V("1.0")).union_with(Range::exactly(V("1.1")));
  CHECK(low.simplify(known).to_string() == "<=1.1");
  Range mid = Range::exactly(V("1.1")).union_with(Range::exactly(V("2.0")));
  CHECK(mid.simplify(known).to_string() == ">=1.1, <=2.0");
  Range gaps = Range::exactly(V("1.0")).union_with(Range::exactly(V("2.0")));
  CHECK(gaps.simplify(known).to_string() == "==1.0 | ==2.0");
  CHECK(Range::exactly(V("3.0")).simplify(known).to_string() == "==3.0");
  CHECK(Range::exactly(V("1.0")).simplify({V("1.0")}).is_full());
  CHECK(Range::exactly(V("9.0")).simplify(known) == Range::exactly(V("9.0")));
  Range all;
  for (const auto& v : known) all = all.union_with(Range::exactly(v));
  CHECK(all.simplify(known).is_full());
  for (const auto& v : known) CHECK(merged.simplify(known).contains(v) == merged.contains(v));
}
