// Differential test: PubGrub against brute force on many small random package universes. A solution
// must satisfy every requirement; "no solution" must mean that no assignment at all works; and the
// explanation must name only packages of the universe.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>
#include <random>

#include "memory_provider.hpp"
#include "ptinstall/resolve/solver.hpp"

using namespace ptinstall::resolve;
using ptinstall::resolve::test::MemoryProvider;
using ptinstall::spec::Version;

namespace {

struct Universe {
  int packages = 0;
  int versions = 0;
  // deps[p][v] = list of (q, range); unavailable[p][v]
  std::vector<std::vector<std::vector<std::pair<int, Range>>>> deps;
  std::vector<std::vector<bool>> unavailable;
  std::vector<std::pair<int, Range>> root;
};

std::string pkg(int p) { return std::string(1, static_cast<char>('a' + p)); }
Version ver(int v) { return Version::from_string(std::to_string(v + 1) + ".0"); }

Range random_range(std::mt19937& rng, int versions) {
  int lo = static_cast<int>(rng() % versions), hi = static_cast<int>(rng() % versions);
  if (lo > hi) std::swap(lo, hi);
  switch (rng() % 4) {
    case 0: return Range::higher_than(ver(lo));
    case 1: return Range::strictly_lower_than(ver(hi));
    case 2: return Range::between(ver(lo), ver(hi + 1));
    default: return Range::exactly(ver(lo)).complement();
  }
}

Universe random_universe(std::mt19937& rng) {
  Universe u;
  u.packages = 3 + static_cast<int>(rng() % 3);
  u.versions = 2 + static_cast<int>(rng() % 3);
  u.deps.assign(u.packages, std::vector<std::vector<std::pair<int, Range>>>(u.versions));
  u.unavailable.assign(u.packages, std::vector<bool>(u.versions, false));
  for (int p = 0; p < u.packages; ++p)
    for (int v = 0; v < u.versions; ++v) {
      u.unavailable[p][v] = rng() % 8 == 0;
      int n = static_cast<int>(rng() % 3);
      for (int k = 0; k < n; ++k) {
        int q = static_cast<int>(rng() % u.packages);
        if (q == p) continue;
        bool dup = false;
        for (auto& [r, range] : u.deps[p][v]) dup |= r == q;
        if (!dup) u.deps[p][v].emplace_back(q, random_range(rng, u.versions));
      }
    }
  int n = 1 + static_cast<int>(rng() % 2);
  for (int k = 0; k < n; ++k) {
    int q = static_cast<int>(rng() % u.packages);
    bool dup = false;
    for (auto& [r, range] : u.root) dup |= r == q;
    if (!dup) u.root.emplace_back(q, random_range(rng, u.versions));
  }
  return u;
}

// choice[p] = -1 (not installed) or a version index.
bool valid(const Universe& u, const std::vector<int>& choice) {
  auto ok = [&](const std::vector<std::pair<int, Range>>& deps) {
    for (const auto& [q, range] : deps)
      if (choice[q] < 0 || !range.contains(ver(choice[q]))) return false;
    return true;
  };
  if (!ok(u.root)) return false;
  for (int p = 0; p < u.packages; ++p) {
    if (choice[p] < 0) continue;
    if (u.unavailable[p][choice[p]] || !ok(u.deps[p][choice[p]])) return false;
  }
  return true;
}

bool brute_force(const Universe& u) {
  std::vector<int> choice(u.packages, -1);
  std::function<bool(int)> rec = [&](int p) {
    if (p == u.packages) return valid(u, choice);
    for (int v = -1; v < u.versions; ++v) {
      choice[p] = v;
      if (rec(p + 1)) return true;
    }
    return false;
  };
  return rec(0);
}

}  // namespace

TEST_CASE("solver: agrees with brute force on random universes") {
  std::mt19937 rng(20241126);
  int solved = 0, failed = 0, numbered = 0, thus = 0;
  for (int round = 0; round < 1500; ++round) {
    Universe u = random_universe(rng);
    MemoryProvider prov;
    DependencyList root;
    for (const auto& [q, range] : u.root) add_dependency(root, pkg(q), range);
    prov.add("root", "0", Dependencies::of(root));
    for (int p = 0; p < u.packages; ++p)
      for (int v = 0; v < u.versions; ++v) {
        if (u.unavailable[p][v]) {
          prov.add_unavailable(pkg(p), ver(v).to_string(), "is broken");
          continue;
        }
        DependencyList d;
        for (const auto& [q, range] : u.deps[p][v]) add_dependency(d, pkg(q), range);
        prov.add(pkg(p), ver(v).to_string(), Dependencies::of(d));
      }
    bool exists = brute_force(u);
    Solver solver(prov);
    INFO("round " << round);
    try {
      Resolution r = solver.solve("root");
      std::vector<int> choice(u.packages, -1);
      for (const auto& rp : r.packages) {
        int p = rp.name[0] - 'a';
        int v = static_cast<int>(rp.version.release_at(0)) - 1;
        choice[p] = v;
      }
      CHECK(valid(u, choice));
      CHECK(exists);
      ++solved;
    } catch (const NoSolutionError& e) {
      CHECK(!exists);
      std::string text = e.explanation();
      CHECK(!text.empty());
      CHECK(text.back() == '.');
      CHECK(text.find("your requirements are unsatisfiable.") != std::string::npos);
      CHECK(text.find("∅") == std::string::npos);
      // Numbered lines count up from (1); a reference "(n)" only points back to a numbered line.
      int defined = 0;
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        for (size_t at = line.find(" ("); at != std::string::npos; at = line.find(" (", at + 1)) {
          int n = std::atoi(line.c_str() + at + 2);
          if (n > 0) CHECK(n <= defined);
        }
        if (line.rfind("(", 0) == 0) CHECK(std::atoi(line.c_str() + 1) == ++defined);
        if (line.find("Thus,") != std::string::npos) ++thus;
      }
      numbered += defined > 0;
      ++failed;
      if (std::getenv("SHOW_REPORTS") && (text.find("Thus") != std::string::npos || text.find("(1)") != std::string::npos))
        WARN(text);
    }
    // Each version's metadata is asked for at most once.
    std::set<std::pair<std::string, std::string>> unique(prov.asked.begin(), prov.asked.end());
    CHECK(unique.size() == prov.asked.size());
  }
  // Both outcomes are well represented.
  CHECK(solved > 200);
  CHECK(failed > 200);
  CHECK(numbered > 0);
  if (std::getenv("SHOW_REPORTS")) WARN("solved " << solved << ", failed " << failed << ", with numbered lines " << numbered << ", with Thus " << thus);
}

TEST_CASE("solver: a large universe resolves quickly", "[.bench]") {
  // 400 packages with 60 versions each; every version depends on up to 6 later packages with a lower
  // bound, and a few upper bounds force some backtracking.
  std::mt19937 rng(7);
  MemoryProvider prov;
  DependencyList root;
  for (int p = 0; p < 20; ++p) add_dependency(root, "p" + std::to_string(p), Range::full());
  prov.add("root", "0", Dependencies::of(root));
  for (int p = 0; p < 400; ++p)
    for (int v = 0; v < 60; ++v) {
      DependencyList d;
      for (int k = 0; k < 6 && p + 1 < 400; ++k) {
        int q = p + 1 + static_cast<int>(rng() % std::min(40, 399 - p));
        Range r = Range::higher_than(ver(static_cast<int>(rng() % 30)));
        if (rng() % 10 == 0) r = r.intersection(Range::strictly_lower_than(ver(50 + static_cast<int>(rng() % 10))));
        add_dependency(d, "p" + std::to_string(q), r);
      }
      prov.add("p" + std::to_string(p), ver(v).to_string(), Dependencies::of(d));
    }
  Solver s(prov);
  auto r = s.solve("root");
  WARN("packages " << r.packages.size() << " decisions " << s.stats().decisions << " conflicts " << s.stats().conflicts
                   << " dependency calls " << prov.total_dependencies_calls);
}
