// PubGrub. The partial solution is a trail of assignments (decisions and derivations), each with
// the intersection of all assignments of its package so far; incompatibilities are stored once and
// indexed by package. Names follow dart pub's solver.md, where the algorithm is described step by step.
#include "ptinstall/resolve/solver.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "ptinstall/util/log.hpp"

namespace ptinstall::resolve {

using spec::Version;

namespace {

using PkgId = uint32_t;
using IncompatId = uint32_t;
constexpr uint32_t kNone = UINT32_MAX;

// A statement about one package: selected with a version in `range` (positive), or not selected
// with a version in `range` (negative: not selected at all, or selected outside `range`).
struct Term {
  bool positive = true;
  Range range;

  static Term pos(Range r) { return {true, std::move(r)}; }
  static Term neg(Range r) { return {false, std::move(r)}; }
  Term negate() const { return {!positive, range}; }
  bool is_any() const { return !positive && range.is_empty(); }

  Term intersect(const Term& o) const {
    if (positive && o.positive) return pos(range.intersection(o.range));
    if (positive) return pos(range.difference(o.range));
    if (o.positive) return pos(o.range.difference(range));
    return neg(range.union_with(o.range));
  }
  // Every assignment allowed by this term is allowed by `o`.
  bool satisfies(const Term& o) const {
    if (positive && o.positive) return range.subset_of(o.range);
    if (positive) return range.is_disjoint(o.range);
    if (o.positive) return false;
    return o.range.subset_of(range);
  }
  // No assignment is allowed by both.
  bool contradicts(const Term& o) const {
    if (positive && o.positive) return range.is_disjoint(o.range);
    if (positive) return range.subset_of(o.range);
    if (o.positive) return o.range.subset_of(range);
    return false;
  }
};

enum class Kind { NotRoot, NoVersions, Unavailable, Dependency, Derived };

struct Incompat {
  std::vector<std::pair<PkgId, Term>> terms;
  Kind kind = Kind::Derived;
  IncompatId cause1 = kNone, cause2 = kNone;  // Derived
  std::string reason, hint;                   // Unavailable

  const Term* get(PkgId p) const {
    for (const auto& [q, t] : terms)
      if (q == p) return &t;
    return nullptr;
  }
};

struct Assignment {
  PkgId pkg;
  Term term;
  Term acc;  // intersection of this package's assignments up to this one
  uint32_t level;
  bool decision;
  IncompatId cause;  // derivations
};

struct Package {
  std::string name;
  std::vector<IncompatId> incompats;
  std::vector<uint32_t> assignments;  // trail indices
  bool decided = false;
  bool prefetched = false;
  bool versions_loaded = false;
  std::vector<Version> versions;  // provider order
  std::vector<Version> known;     // ascending, for printing
  std::map<Version, Dependencies> deps;
  std::unordered_map<PkgId, IncompatId> dep_edges;    // latest dependency incompatibility per dependent
  std::map<std::string, IncompatId> unavailable_by_reason;
  bool is_url = false;
  Version decided_version;
  size_t tries = 0;      // versions picked so far (decided or rejected)
  PkgId base = UINT32_MAX;  // for `name[extra]`: the package `name`
  int rank = -2;            // its key in Solver::Impl::ready (-2: not there)
};

enum class Rel { Satisfied, Contradicted, Inconclusive, Almost };

}  // namespace

NoSolutionError::NoSolutionError(std::string explanation, std::string hint)
    : util::Error(
          util::ErrorKind::Resolution,
          [&] {
            std::string msg = "no solution found when resolving dependencies:";
            size_t start = 0;
            while (start <= explanation.size()) {
              size_t end = explanation.find('\n', start);
              if (end == std::string::npos) end = explanation.size();
              std::string_view line(explanation.data() + start, end - start);
              msg += line.empty() ? "\n" : "\n  " + std::string(line);
              start = end + 1;
            }
            return msg;
          }(),
          std::move(hint)),
      explanation_(std::move(explanation)) {}

const ResolvedPackage* Resolution::find(std::string_view name) const {
  for (const auto& p : packages)
    if (p.name == name) return &p;
  return nullptr;
}

struct Solver::Impl {
  Provider& provider;
  SolverStats stats;
  std::deque<Package> pkgs;
  std::unordered_map<std::string, PkgId> ids;
  std::deque<Incompat> store;  // deques: references stay valid as they grow
  std::vector<Assignment> trail;
  // The packages choose_package() may pick, by (rank, id), kept up to date at every assignment and
  // backtrack: a scan of every package per decision made thousands of packages (a requirement with
  // thousands of extras, each a package) quadratic.
  std::set<std::pair<int, PkgId>> ready;
  uint32_t level = 0;
  PkgId root = 0;
  Version root_version;

  explicit Impl(Provider& p) : provider(p) {}

  PkgId intern(const std::string& name) {
    auto it = ids.find(name);
    if (it != ids.end()) return it->second;
    PkgId id = static_cast<PkgId>(pkgs.size());
    pkgs.push_back(Package{});
    pkgs.back().name = name;
    pkgs.back().is_url = provider.is_url(name);
    ids.emplace(name, id);
    auto parts = split_package(name);
    if (!parts.extra.empty()) {
      PkgId base = intern(std::string(parts.base));
      pkgs[id].base = base;
    }
    return id;
  }

  const Term* current(PkgId p) const {
    const auto& a = pkgs[p].assignments;
    return a.empty() ? nullptr : &trail[a.back()].acc;
  }

  IncompatId add(Incompat inc, bool reg = true) {
    IncompatId id = static_cast<IncompatId>(store.size());
    store.push_back(std::move(inc));
    if (reg) register_incompat(id);
    return id;
  }
  void register_incompat(IncompatId id) {
    for (const auto& [p, t] : store[id].terms) pkgs[p].incompats.push_back(id);
  }
  void unregister(IncompatId id) {
    for (const auto& [p, t] : store[id].terms) {
      auto& v = pkgs[p].incompats;
      v.erase(std::remove(v.begin(), v.end(), id), v.end());
    }
  }

  // "{foo >=1.0, not bar <2.0}" for trace logs.
  std::string raw(IncompatId id) const {
    std::string out = "{";
    for (const auto& [p, t] : store[id].terms) {
      if (out.size() > 1) out += ", ";
      out += (t.positive ? "" : "not ") + pkgs[p].name + " " + t.range.to_string();
    }
    return out + "}";
  }
  bool tracing() const { return util::log::enabled(util::log::Level::Trace); }

  // ---- partial solution -------------------------------------------------------------------------

  void push(PkgId p, Term term, bool decision, IncompatId cause) {
    const Term* cur = current(p);
    Term acc = cur ? cur->intersect(term) : term;
    bool positive = acc.positive;
    Range range = acc.range;
    trail.push_back({p, std::move(term), std::move(acc), level, decision, cause});
    pkgs[p].assignments.push_back(static_cast<uint32_t>(trail.size() - 1));
    if (decision) pkgs[p].decided = true;
    refresh_rank(p);
    if (positive && !pkgs[p].prefetched && p != root) {
      pkgs[p].prefetched = true;
      provider.prefetch(pkgs[p].name, range);
    }
  }

  void decide(PkgId p, const Version& v) {
    ++level;
    ++stats.decisions;
    if (tracing())
      util::log::trace("resolve: decide " + pkgs[p].name + "==" + v.to_string() + " at level " + std::to_string(level));
    pkgs[p].decided_version = v;
    push(p, Term::pos(Range::exactly(v)), true, kNone);
  }

  void backtrack(uint32_t to) {
    while (!trail.empty() && trail.back().level > to) {
      auto& a = trail.back();
      auto& pk = pkgs[a.pkg];
      pk.assignments.pop_back();
      if (a.decision) pk.decided = false;
      PkgId p = a.pkg;
      trail.pop_back();
      refresh_rank(p);
    }
    level = to;
  }

  // URLs first (0), then exact pins (1), then ranges (2); the root before all (-1); -2: not to be
  // picked (decided, or no positive term yet).
  int rank_now(PkgId p) const {
    if (pkgs[p].decided) return -2;
    const Term* t = current(p);
    if (!t || !t->positive) return -2;
    if (p == root) return -1;
    if (pkgs[p].is_url) return 0;
    return t->range.single_version() ? 1 : 2;
  }

  void refresh_rank(PkgId p) {
    int r = rank_now(p);
    int& old = pkgs[p].rank;
    if (r == old) return;
    if (old != -2) ready.erase({old, p});
    old = r;
    if (r != -2) ready.insert({r, p});
  }

  Rel relation(const Incompat& inc, PkgId* almost) const {
    PkgId unsatisfied = kNone;
    for (const auto& [p, t] : inc.terms) {
      const Term* acc = current(p);
      if (acc && acc->satisfies(t)) continue;
      if (acc && acc->contradicts(t)) return Rel::Contradicted;
      if (unsatisfied != kNone) return Rel::Inconclusive;
      unsatisfied = p;
    }
    if (unsatisfied == kNone) return Rel::Satisfied;
    *almost = unsatisfied;
    return Rel::Almost;
  }

  // ---- unit propagation and conflict resolution -------------------------------------------------

  void propagate(PkgId start) {
    // `queued[p]`: p is in `changed` (a scan of `changed` per push was quadratic when one decision
    // makes thousands of packages almost satisfied, as the root's with thousands of extras does).
    queued.resize(pkgs.size());
    std::vector<PkgId> changed{start};
    queued[start] = true;
    while (!changed.empty()) {
      PkgId p = changed.back();
      changed.pop_back();
      queued[p] = false;
      for (size_t k = pkgs[p].incompats.size(); k-- > 0;) {
        IncompatId id = pkgs[p].incompats[k];
        PkgId almost = kNone;
        Rel rel = relation(store[id], &almost);
        if (rel == Rel::Satisfied) {
          auto [root_cause, pkg] = resolve_conflict(id);
          const Term* t = store[root_cause].get(pkg);
          push(pkg, t->negate(), false, root_cause);
          for (PkgId q : changed) queued[q] = false;
          changed.clear();
          changed.push_back(pkg);
          queued[pkg] = true;
          break;
        }
        if (rel == Rel::Almost) {
          push(almost, store[id].get(almost)->negate(), false, id);
          if (!queued[almost]) {
            changed.push_back(almost);
            queued[almost] = true;
          }
        }
      }
    }
  }
  std::vector<bool> queued;  // propagate()'s, kept to spare an allocation per call

  bool is_terminal(const Incompat& inc) const {
    if (inc.terms.empty()) return true;
    return inc.terms.size() == 1 && inc.terms[0].first == root && inc.terms[0].second.positive;
  }

  // Index (in the trail) of the first assignment of `p` from which on the accumulated term, intersected
  // with `extra` if given, satisfies `t`; only assignments before `limit` are considered.
  uint32_t first_satisfying(PkgId p, const Term& t, const Term* extra, uint32_t limit) const {
    for (uint32_t idx : pkgs[p].assignments) {
      if (idx >= limit) break;
      const Term& acc = trail[idx].acc;
      if (extra ? acc.intersect(*extra).satisfies(t) : acc.satisfies(t)) return idx;
    }
    return kNone;
  }

  std::pair<IncompatId, PkgId> resolve_conflict(IncompatId id) {
    ++stats.conflicts;
    if (tracing()) util::log::trace("resolve: conflict " + raw(id));
    bool created = false;
    while (true) {
      const Incompat& inc = store[id];
      if (is_terminal(inc)) fail(id);
      // The satisfier: the earliest assignment after which the incompatibility is satisfied.
      uint32_t sat = 0;
      PkgId sat_pkg = kNone;
      std::vector<uint32_t> firsts;
      for (const auto& [p, t] : inc.terms) {
        uint32_t idx = first_satisfying(p, t, nullptr, UINT32_MAX);
        firsts.push_back(idx);
        if (sat_pkg == kNone || idx > sat) {
          sat = idx;
          sat_pkg = p;
        }
      }
      // The previous satisfier: the earliest assignment that, together with the satisfier, satisfies it.
      const Assignment& s = trail[sat];
      int64_t prev = -1;
      for (size_t k = 0; k < inc.terms.size(); ++k) {
        PkgId p = inc.terms[k].first;
        uint32_t idx = p == sat_pkg ? first_satisfying(p, inc.terms[k].second, &s.term, sat) : firsts[k];
        if (idx != kNone && idx != sat) prev = std::max<int64_t>(prev, idx);
      }
      uint32_t prev_level = prev >= 0 ? std::max<uint32_t>(trail[static_cast<size_t>(prev)].level, 1) : 1;

      if (s.decision || prev_level != s.level) {
        if (created) register_incompat(id);
        if (tracing())
          util::log::trace("resolve: learned " + raw(id) + ", back to level " + std::to_string(prev_level));
        backtrack(prev_level);
        return {id, sat_pkg};
      }
      // Resolve the incompatibility with the satisfier's cause.
      const Incompat& cause = store[s.cause];
      Incompat prior;
      prior.kind = Kind::Derived;
      prior.cause1 = id;
      prior.cause2 = s.cause;
      auto merge = [&](PkgId p, const Term& t) {
        for (auto& [q, u] : prior.terms)
          if (q == p) {
            u = u.intersect(t);
            return;
          }
        prior.terms.emplace_back(p, t);
      };
      for (const auto& [p, t] : inc.terms)
        if (p != sat_pkg) merge(p, t);
      for (const auto& [p, t] : cause.terms)
        if (p != sat_pkg) merge(p, t);
      Term rest = s.term.intersect(inc.get(sat_pkg)->negate()).negate();
      if (!rest.is_any()) merge(sat_pkg, rest);
      id = add(std::move(prior), false);
      created = true;
    }
  }

  // ---- decisions --------------------------------------------------------------------------------

  const std::vector<Version>& versions_of(PkgId p) {
    auto& pk = pkgs[p];
    if (!pk.versions_loaded) {
      ++stats.versions_calls;
      pk.versions = provider.versions(pk.name);
      pk.versions_loaded = true;
      pk.known = pk.versions;
      std::sort(pk.known.begin(), pk.known.end());
      pk.known.erase(std::unique(pk.known.begin(), pk.known.end()), pk.known.end());
    }
    return pk.versions;
  }

  const Dependencies& dependencies_of(PkgId p, const Version& v) {
    auto& cache = pkgs[p].deps;
    auto it = cache.find(v);
    if (it != cache.end()) return it->second;
    ++stats.dependencies_calls;
    Dependencies d = provider.dependencies(pkgs[p].name, v);
    return cache.emplace(v, std::move(d)).first->second;
  }

  // URLs first, then exact pins, then ranges; ties go to the package seen first.
  PkgId choose_package() const { return ready.empty() ? kNone : ready.begin()->second; }

  IncompatId add_unavailable(PkgId p, const Version& v, const Dependencies& d) {
    auto& by_reason = pkgs[p].unavailable_by_reason;
    Range r = Range::exactly(v);
    auto it = by_reason.find(d.reason);
    if (it != by_reason.end()) {
      r = r.union_with(store[it->second].terms[0].second.range);
      unregister(it->second);
    }
    Incompat inc;
    inc.kind = Kind::Unavailable;
    inc.terms.emplace_back(p, Term::pos(r));
    inc.reason = d.reason;
    inc.hint = d.hint;
    IncompatId id = add(std::move(inc));
    by_reason[d.reason] = id;
    return id;
  }

  // Adds "p in {v} depends on dep in range", merged with an earlier edge to the same range.
  IncompatId add_dependency_edge(PkgId p, const Version& v, PkgId dep, const Range& range) {
    Range from = Range::exactly(v);
    auto it = pkgs[p].dep_edges.find(dep);
    if (it != pkgs[p].dep_edges.end()) {
      const Incompat& old = store[it->second];
      if (old.terms[1].second.range == range) {
        from = from.union_with(old.terms[0].second.range);
        unregister(it->second);
      }
    }
    Incompat inc;
    inc.kind = Kind::Dependency;
    inc.terms.emplace_back(p, Term::pos(std::move(from)));
    inc.terms.emplace_back(dep, Term::neg(range));
    IncompatId id = add(std::move(inc));
    pkgs[p].dep_edges[dep] = id;
    return id;
  }

  Resolution run(const std::string& root_name, const Version& rv) {
    root = intern(root_name);
    root_version = rv;
    pkgs[root].versions = {rv};
    pkgs[root].known = {rv};
    pkgs[root].versions_loaded = true;
    Incompat not_root;
    not_root.kind = Kind::NotRoot;
    not_root.terms.emplace_back(root, Term::neg(Range::exactly(rv)));
    add(std::move(not_root));

    PkgId next = root;
    while (true) {
      propagate(next);
      PkgId p = choose_package();
      if (p == kNone) break;
      next = p;
      Range allowed = current(p)->range;
      const auto& candidates = versions_of(p);
      const Version* chosen = nullptr;
      // `name[extra]` takes the version already chosen for `name` when it can (it must match anyway).
      if (pkgs[p].base != kNone && pkgs[pkgs[p].base].decided) {
        const Version& base_version = pkgs[pkgs[p].base].decided_version;
        for (const auto& v : candidates)
          if (v == base_version && v.local() == base_version.local() && allowed.contains(v)) {
            chosen = &v;
            break;
          }
      }
      for (size_t k = 0; !chosen && k < candidates.size(); ++k)
        if (allowed.contains(candidates[k])) chosen = &candidates[k];
      if (!chosen) {
        Incompat inc;
        inc.kind = Kind::NoVersions;
        inc.terms.emplace_back(p, Term::pos(allowed));
        add(std::move(inc));
        continue;
      }
      Version v = *chosen;
      if (++pkgs[p].tries % 5 == 0 && p != root) provider.prefetch(pkgs[p].name, allowed);
      const Dependencies& deps = dependencies_of(p, v);
      if (!deps.available) {
        add_unavailable(p, v, deps);
        continue;
      }
      bool conflict = false;
      // Packages are first seen in the order listed; the edges are added last to first so that
      // propagation, which visits the newest incompatibilities first, meets them in the listed order.
      for (const auto& [name, range] : deps.dependencies) intern(name);
      for (auto it = deps.dependencies.rbegin(); it != deps.dependencies.rend(); ++it) {
        const auto& [name, range] = *it;
        PkgId d = intern(name);
        if (d == p) {
          if (!range.contains(v)) {
            add_unavailable(p, v, Dependencies::unavailable("depends on itself with an incompatible version " +
                                                            range.to_string()));
            conflict = true;
            break;
          }
          continue;
        }
        IncompatId id = add_dependency_edge(p, v, d, range);
        const Term* acc = current(d);
        if (acc && acc->satisfies(store[id].terms[1].second)) conflict = true;
      }
      if (!conflict) decide(p, v);
    }

    Resolution res;
    for (PkgId p = 0; p < pkgs.size(); ++p) {
      if (p == root || !pkgs[p].decided) continue;
      const Version& v = pkgs[p].decided_version;
      ResolvedPackage rp{pkgs[p].name, v, {}};
      for (const auto& [name, range] : pkgs[p].deps.at(v).dependencies)
        if (name != pkgs[p].name) rp.dependencies.push_back(name);
      res.packages.push_back(std::move(rp));
    }
    for (const auto& [name, range] : pkgs[root].deps.at(root_version).dependencies) res.root_dependencies.push_back(name);
    std::sort(res.packages.begin(), res.packages.end(),
              [](const ResolvedPackage& a, const ResolvedPackage& b) { return a.name < b.name; });
    return res;
  }

  [[noreturn]] void fail(IncompatId terminal);
};

// ---- error reports ------------------------------------------------------------------------------

namespace {

class Reporter {
 public:
  Reporter(const std::deque<Incompat>& store, const std::deque<Package>& pkgs, PkgId root, Provider& provider)
      : store_(store), pkgs_(pkgs), root_(root), provider_(provider) {}

  std::pair<std::string, std::string> report(IncompatId terminal) {
    terminal_ = terminal;
    if (!node(terminal).derived) {
      // A lone external fact (possibly behind folded steps) explains it.
      IncompatId fact = node(terminal).fact == kNone ? terminal : node(terminal).fact;
      lines_.push_back("Because " + external_text(fact) + ", your requirements are unsatisfiable.");
    } else {
      count(terminal);
      visit(terminal, false);
    }
    std::string text;
    for (size_t i = 0; i < lines_.size(); ++i) text += (i ? "\n" : "") + lines_[i];
    collect_hints(terminal);
    std::string hint;
    for (size_t i = 0; i < hints_.size(); ++i) hint += (i ? "\n" : "") + hints_[i];
    return {text, hint};
  }

 private:
  struct Node {
    bool derived = false;
    IncompatId c1 = kNone, c2 = kNone;
    IncompatId fact = kNone;  // a folded derived step: the external fact it restates
  };

  const std::deque<Incompat>& store_;
  const std::deque<Package>& pkgs_;
  PkgId root_;
  Provider& provider_;
  IncompatId terminal_ = kNone;
  std::map<IncompatId, Node> nodes_;
  std::map<IncompatId, int> derivations_;
  std::map<IncompatId, int> line_numbers_;
  std::vector<std::string> lines_;
  std::vector<std::string> hints_;
  std::unordered_set<IncompatId> folded_;

  // "No version of p in R", where R holds none of p's known versions and p is still named by the
  // conclusion, says nothing a reader needs: it only closes gaps between the versions the other side
  // names. Such steps are folded away. (When the conclusion no longer names p, the step is the reason
  // p is out, as in "there is no version of asgiref>=3.9": it stays.)
  bool foldable(IncompatId gap, IncompatId conclusion) const {
    const Incompat& inc = store_[gap];
    if (inc.kind != Kind::NoVersions) return false;
    PkgId p = inc.terms[0].first;
    if (!store_[conclusion].get(p)) return false;
    const auto& known = pkgs_[p].known;
    if (known.empty()) return false;
    const Range& r = inc.terms[0].second.range;
    return std::none_of(known.begin(), known.end(), [&](const Version& v) { return r.contains(v); });
  }

  Node node(IncompatId id) {
    auto it = nodes_.find(id);
    if (it != nodes_.end()) return it->second;
    Node n;
    const Incompat& inc = store_[id];
    if (inc.kind == Kind::Derived) {
      IncompatId a = inc.cause1, b = inc.cause2;
      bool fa = foldable(a, id), fb = !fa && foldable(b, id);
      if (fa || fb) {
        folded_.insert(fa ? a : b);
        IncompatId o = fa ? b : a;
        Node other = node(o);
        if (other.derived)
          n = Node{true, other.c1, other.c2, kNone};
        else
          n = Node{false, kNone, kNone, other.fact == kNone ? o : other.fact};
      } else {
        n = {true, a, b, kNone};
      }
    }
    nodes_[id] = n;
    return n;
  }

  void count(IncompatId id) {
    Node n = node(id);
    if (!n.derived) return;
    for (IncompatId c : {n.c1, n.c2}) {
      if (derivations_[c]++ == 0) count(c);
    }
  }

  // ---- text ----

  // Inside sentences ranges are written without spaces ("foo>=1.0,<2.0"), and unions of single versions
  // that merged incompatibilities produce are widened over the versions that exist.
  // With `widen` (the versions a statement is about, not a requirement as written), the range is
  // always widened: "foo>=1.0,<2.0" becomes "all versions of foo" when foo has no other versions
  // (or "foo==1.2" when that is its only version).
  std::string range_text(PkgId p, const Range& r, bool widen = false) const {
    const Range* shown = &r;
    Range s;
    if (p != root_ && (widen || r.intervals().size() > 1)) {
      const auto& known = pkgs_[p].known;
      s = r.simplify(known);
      // A package with one version: its version says more than "all versions of".
      if (s.is_full() && known.size() == 1) s = Range::exactly(known[0]);
      if (widen || s.intervals().size() < r.intervals().size()) shown = &s;
      // All known versions but a few: "foo!=1.1,!=1.3" reads better than "foo<=1.0 | ==1.2 | >=1.4".
      if (shown == &s && s.intervals().size() > 1) {
        std::vector<const Version*> out;
        for (const auto& v : known)
          if (!s.contains(v)) out.push_back(&v);
        if (!out.empty() && out.size() <= 3 && out.size() < known.size()) {
          std::string text;
          for (const Version* v : out) text += (text.empty() ? "!=" : ",!=") + v->to_string();
          return text;
        }
      }
    }
    if (shown->is_full()) return {};
    std::string text = shown->to_string();
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == ',' && i + 1 < text.size() && text[i + 1] == ' ') {
        out += ',';
        ++i;
      } else {
        out += text[i];
      }
    }
    return out;
  }
  std::string pkg_text(PkgId p, const Range& r, bool widen = false) const {
    return pkgs_[p].name + range_text(p, r, widen);
  }
  // The subject of "... depends on": "all versions of p depend", "p>=1.0 depends".
  std::string subject(PkgId p, const Range& r, const char* verb_singular, const char* verb_plural) const {
    std::string rt = range_text(p, r, true);
    if (rt.empty()) return "all versions of " + pkgs_[p].name + " " + verb_plural;
    return pkgs_[p].name + rt + " " + verb_singular;
  }

  std::string external_text(IncompatId id) const {
    const Incompat& inc = store_[id];
    switch (inc.kind) {
      case Kind::NotRoot: return "you require " + pkgs_[root_].name;
      case Kind::NoVersions: {
        PkgId p = inc.terms[0].first;
        if (pkgs_[p].known.empty()) return pkgs_[p].name + " was not found in the package registry";
        return "there is no version of " + pkg_text(p, inc.terms[0].second.range);
      }
      case Kind::Unavailable: {
        PkgId p = inc.terms[0].first;
        return pkg_text(p, inc.terms[0].second.range, true) + " " + inc.reason;
      }
      case Kind::Dependency: {
        PkgId p = inc.terms[0].first, q = inc.terms[1].first;
        if (p == root_) return "you require " + pkg_text(q, inc.terms[1].second.range);
        return subject(p, inc.terms[0].second.range, "depends on", "depend on") + " " +
               pkg_text(q, inc.terms[1].second.range);
      }
      case Kind::Derived: {
        // A folded step restating an unavailability over a wider range keeps its reason.
        auto it = nodes_.find(id);
        if (it != nodes_.end() && it->second.fact != kNone) {
          const Incompat& fact = store_[it->second.fact];
          if (fact.kind == Kind::Unavailable && inc.terms.size() == 1 && inc.terms[0].second.positive)
            return pkg_text(inc.terms[0].first, inc.terms[0].second.range, true) + " " + fact.reason;
        }
        return terms_text(id);
      }
    }
    return {};
  }

  static std::string join_and(const std::vector<std::string>& items, const char* last) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += i + 1 == items.size() ? last : ", ";
      out += items[i];
    }
    return out;
  }

  // What an incompatibility says, as a clause.
  std::string terms_text(IncompatId id) const {
    const Incompat& inc = store_[id];
    std::vector<std::pair<PkgId, const Term*>> pos, neg;
    bool has_root = false;
    for (const auto& [p, t] : inc.terms) {
      if (p == root_ && t.positive) {
        has_root = true;
        continue;
      }
      (t.positive ? pos : neg).emplace_back(p, &t);
    }
    if (pos.empty() && neg.empty()) return "your requirements are unsatisfiable";
    std::vector<std::string> negs;
    for (auto [p, t] : neg) negs.push_back(pkg_text(p, t->range));
    if (pos.empty()) {
      if (has_root && negs.size() == 1) return "you require " + negs[0];
      return join_and(negs, " or ") + (negs.size() == 1 ? " is required" : ", one of them, is required");
    }
    if (neg.empty()) {
      if (pos.size() == 1) {
        std::string rt = range_text(pos[0].first, pos[0].second->range, true);
        if (rt.empty()) return "all versions of " + pkgs_[pos[0].first].name + " cannot be used";
        return pkgs_[pos[0].first].name + rt + " cannot be used";
      }
      std::vector<std::string> poss;
      for (auto [p, t] : pos) poss.push_back(pkg_text(p, t->range, true));
      return join_and(poss, " and ") + " are incompatible";
    }
    if (pos.size() == 1)
      return subject(pos[0].first, pos[0].second->range, "depends on", "depend on") + " " + join_and(negs, " or ");
    std::vector<std::string> poss;
    for (auto [p, t] : pos) poss.push_back(pkg_text(p, t->range, true));
    return join_and(poss, " and ") + " together depend on " + join_and(negs, " or ");
  }

  std::string cause_text(IncompatId id) { return node(id).derived ? terms_text(id) : external_text(id); }

  bool is_root_dependency(IncompatId id) const {
    return store_[id].kind == Kind::Dependency && store_[id].terms[0].first == root_;
  }
  // "A and B" for two external facts; two requirements of the user read "you require a and b".
  std::string externals_text(IncompatId a, IncompatId b) const {
    if (is_root_dependency(a) && is_root_dependency(b))
      return "you require " + pkg_text(store_[a].terms[1].first, store_[a].terms[1].second.range) + " and " +
             pkg_text(store_[b].terms[1].first, store_[b].terms[1].second.range);
    return external_text(a) + " and " + external_text(b);
  }

  std::string conclusion(IncompatId id) const {
    if (id == terminal_) return "your requirements are unsatisfiable";
    return "we can conclude that " + terms_text(id);
  }

  std::string ref(IncompatId id) const {
    auto it = line_numbers_.find(id);
    return it == line_numbers_.end() ? std::string() : " (" + std::to_string(it->second) + ")";
  }

  void write(IncompatId id, std::string message, bool numbered) {
    if (numbered) {
      int n = static_cast<int>(line_numbers_.size()) + 1;
      line_numbers_[id] = n;
      message = "(" + std::to_string(n) + ") " + message;
    }
    lines_.push_back(std::move(message));
  }

  bool single_line(IncompatId id) {
    Node n = node(id);
    return !node(n.c1).derived && !node(n.c2).derived;
  }

  void visit(IncompatId id, bool is_conclusion) {
    bool numbered = is_conclusion || derivations_[id] > 1;
    Node n = node(id);
    std::string concl = conclusion(id);
    bool d1 = node(n.c1).derived, d2 = node(n.c2).derived;
    if (d1 && d2) {
      bool l1 = line_numbers_.count(n.c1), l2 = line_numbers_.count(n.c2);
      if (l1 && l2) {
        write(id,
              "Because " + cause_text(n.c1) + ref(n.c1) + " and " + cause_text(n.c2) + ref(n.c2) + ", " + concl + ".",
              numbered);
      } else if (l1 || l2) {
        IncompatId with = l1 ? n.c1 : n.c2, without = l1 ? n.c2 : n.c1;
        visit(without, false);
        write(id, "And because " + cause_text(with) + ref(with) + ", " + concl + ".", numbered);
      } else if (single_line(n.c1) || single_line(n.c2)) {
        IncompatId first = single_line(n.c2) ? n.c1 : n.c2, second = first == n.c1 ? n.c2 : n.c1;
        visit(first, false);
        visit(second, false);
        write(id, "Thus, " + concl + ".", numbered);
      } else {
        visit(n.c1, true);
        lines_.push_back("");
        visit(n.c2, false);
        write(id, "And because " + cause_text(n.c1) + ref(n.c1) + ", " + concl + ".", numbered);
      }
    } else if (d1 || d2) {
      IncompatId der = d1 ? n.c1 : n.c2, ext = d1 ? n.c2 : n.c1;
      Node dn = node(der);
      if (line_numbers_.count(der)) {
        write(id, "Because " + external_text(ext) + " and " + cause_text(der) + ref(der) + ", " + concl + ".",
              numbered);
      } else if (derivations_[der] <= 1 && (node(dn.c1).derived != node(dn.c2).derived)) {
        IncompatId inner = node(dn.c1).derived ? dn.c1 : dn.c2, inner_ext = inner == dn.c1 ? dn.c2 : dn.c1;
        visit(inner, false);
        write(id, "And because " + externals_text(inner_ext, ext) + ", " + concl + ".",
              numbered);
      } else {
        visit(der, false);
        write(id, "And because " + external_text(ext) + ", " + concl + ".", numbered);
      }
    } else {
      write(id, "Because " + externals_text(n.c1, n.c2) + ", " + concl + ".", numbered);
    }
  }

  void collect_hints(IncompatId terminal) {
    std::unordered_set<IncompatId> seen;
    std::vector<IncompatId> stack{terminal};
    std::vector<IncompatId> leaves;
    while (!stack.empty()) {
      IncompatId id = stack.back();
      stack.pop_back();
      if (!seen.insert(id).second) continue;
      const Incompat& inc = store_[id];
      if (inc.kind == Kind::Derived) {
        stack.push_back(inc.cause2);
        stack.push_back(inc.cause1);
      } else {
        leaves.push_back(id);
      }
    }
    std::sort(leaves.begin(), leaves.end());
    auto add = [&](std::string h) {
      if (!h.empty() && std::find(hints_.begin(), hints_.end(), h) == hints_.end()) hints_.push_back(std::move(h));
    };
    for (IncompatId id : leaves) {
      const Incompat& inc = store_[id];
      if (inc.kind == Kind::Unavailable) add(inc.hint);
      if (inc.kind == Kind::NoVersions && !folded_.count(id))
        add(provider_.no_versions_hint(pkgs_[inc.terms[0].first].name, inc.terms[0].second.range));
      // A conflict over a system package (system:cuda, system:variant-cuda): the provider's word on
      // what the rule is, as when it has no version at all.
      if (inc.kind == Kind::Dependency)
        for (const auto& [pkg, term] : inc.terms)
          if (is_system_package(pkgs_[pkg].name)) add(provider_.no_versions_hint(pkgs_[pkg].name, term.range));
    }
  }
};

}  // namespace

void Solver::Impl::fail(IncompatId terminal) {
  Reporter reporter(store, pkgs, root, provider);
  auto [text, hint] = reporter.report(terminal);
  throw NoSolutionError(std::move(text), std::move(hint));
}

Solver::Solver(Provider& provider) : impl_(std::make_unique<Impl>(provider)) {}
Solver::~Solver() = default;

Resolution Solver::solve(const std::string& root, const Version& root_version) {
  impl_ = std::make_unique<Impl>(impl_->provider);
  return impl_->run(root, root_version);
}

const SolverStats& Solver::stats() const { return impl_->stats; }

}  // namespace ptinstall::resolve
