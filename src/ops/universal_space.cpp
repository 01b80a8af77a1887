#include "ptinstall/ops/universal_space.hpp"

#include <algorithm>
#include <map>

#include "ptinstall/util/strings.hpp"

namespace ptinstall::ops {
namespace {

spec::Version version_of(std::vector<uint64_t> release) {
  return spec::Version::from_parts(0, std::move(release));
}

// X.Y of a python_version operand ("3.10", "3.10.2" read as 3.10); nullopt for wildcards and junk.
std::optional<std::vector<uint64_t>> release_of(const std::string& text, std::size_t parts) {
  if (text.find('*') != std::string::npos) return std::nullopt;
  auto v = spec::Version::parse(std::string(util::trim(text)));
  if (!v || v->release_size() == 0) return std::nullopt;
  std::vector<uint64_t> r;
  for (std::size_t i = 0; i < parts; ++i) r.push_back(v->release_at(i));
  return r;
}

std::vector<uint64_t> next(std::vector<uint64_t> r) {
  ++r.back();
  return r;
}

// Whether `text` has `op` (" or " / " and ") outside parentheses and quotes.
bool has_top_level(const std::string& text, std::string_view op) {
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    else if (c == '(') ++depth;
    else if (c == ')') --depth;
    else if (depth == 0 && text.compare(i, op.size(), op) == 0) return true;
  }
  return false;
}

std::string quoted(const std::string& v) { return "'" + v + "'"; }

// `python_version >= 'X.Y'` for X.Y versions, python_full_version for X.Y.Z.
std::string python_clause(const spec::Version& v, const char* op) {
  bool full = v.release_size() > 2 && v.release_at(2) != 0;
  std::vector<uint64_t> r = {v.release_at(0), v.release_at(1)};
  if (full) r.push_back(v.release_at(2));
  return std::string(full ? "python_full_version " : "python_version ") + op + " " + quoted(version_of(r).to_string());
}

}  // namespace

std::string python_ranges_marker(const std::vector<PythonRange>& ranges, const std::vector<bool>& in) {
  if (std::all_of(in.begin(), in.end(), [](bool b) { return b; })) return "";
  std::vector<std::string> intervals;
  for (std::size_t i = 0; i < in.size();) {
    if (!in[i]) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < in.size() && in[j + 1]) ++j;
    std::vector<std::string> parts;
    if (i > 0) parts.push_back(python_clause(ranges[i].lo, ">="));
    if (j + 1 < in.size() && ranges[j].hi) parts.push_back(python_clause(*ranges[j].hi, "<"));
    intervals.push_back(marker_and(parts));
    i = j + 1;
  }
  return marker_or(intervals);
}

namespace {

// The marker of a set of platforms (by index).
std::string platforms_marker(const std::vector<UniversalPlatform>& platforms, const std::vector<bool>& in) {
  if (std::all_of(in.begin(), in.end(), [](bool b) { return b; })) return "";
  std::vector<std::string> systems;  // in the platforms' order
  for (const auto& p : platforms)
    if (std::find(systems.begin(), systems.end(), p.sys_platform) == systems.end()) systems.push_back(p.sys_platform);
  std::vector<std::string> full, partial, absent;
  for (const auto& s : systems) {
    std::size_t have = 0, of = 0;
    for (std::size_t i = 0; i < platforms.size(); ++i)
      if (platforms[i].sys_platform == s) {
        ++of;
        if (in[i]) ++have;
      }
    if (have == of) full.push_back(s);
    else if (have == 0) absent.push_back(s);
    else
      for (std::size_t i = 0; i < platforms.size(); ++i)
        if (platforms[i].sys_platform == s && in[i]) partial.push_back(platform_marker(platforms[i]));
  }
  std::vector<std::string> terms;
  if (partial.empty() && full.size() >= 2 && absent.size() == 1) return "sys_platform != " + quoted(absent.front());
  for (const auto& s : full) terms.push_back("sys_platform == " + quoted(s));
  terms.insert(terms.end(), partial.begin(), partial.end());
  return marker_or(terms);
}

// Two ways to write a grid: a term per group of platforms with the same ranges, or a term per group
// of ranges with the same platforms.
// The shortest term for cells (platforms q, ranges t) of a set: q and t may grow to cells that are in
// the set anyway (the `or` of overlapping terms is the same set), "linux, or anything from 3.10"
// needs no `sys_platform != 'linux'`.
std::string term_marker(const std::vector<UniversalPlatform>& platforms, const std::vector<PythonRange>& ranges,
                        const std::vector<std::vector<bool>>& in, const std::vector<bool>& q, const std::vector<bool>& t) {
  std::size_t P = platforms.size(), R = ranges.size();
  auto platforms_with = [&](const std::vector<bool>& rs) {
    std::vector<bool> out(P, true);
    for (std::size_t p = 0; p < P; ++p)
      for (std::size_t r = 0; r < R; ++r)
        if (rs[r] && !in[p][r]) out[p] = false;
    return out;
  };
  auto ranges_with = [&](const std::vector<bool>& ps) {
    std::vector<bool> out(R, true);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t p = 0; p < P; ++p)
        if (ps[p] && !in[p][r]) out[r] = false;
    return out;
  };
  std::string best;
  bool first = true;
  for (const auto& ps : {q, platforms_with(t)})
    for (const auto& rs : {t, ranges_with(ps)}) {
      std::string m = marker_and({platforms_marker(platforms, ps), python_ranges_marker(ranges, rs)});
      if (first || m.size() < best.size()) best = m;
      first = false;
    }
  return best;
}

// Two ways to write a grid: a term per group of platforms with the same ranges, or a term per group
// of ranges with the same platforms; the shorter wins.
std::string grid_marker(const std::vector<UniversalPlatform>& platforms, const std::vector<PythonRange>& ranges,
                        const std::vector<std::vector<bool>>& in) {
  std::size_t P = platforms.size(), R = ranges.size();
  std::vector<std::string> by_platform, by_range;
  {
    std::map<std::vector<bool>, std::vector<bool>> groups;  // row -> platforms with it
    std::vector<std::vector<bool>> order;
    for (std::size_t p = 0; p < P; ++p) {
      auto [it, inserted] = groups.try_emplace(in[p], std::vector<bool>(P, false));
      if (inserted) order.push_back(in[p]);
      it->second[p] = true;
    }
    for (const auto& row : order) {
      if (std::none_of(row.begin(), row.end(), [](bool b) { return b; })) continue;
      by_platform.push_back(term_marker(platforms, ranges, in, groups[row], row));
    }
  }
  {
    std::map<std::vector<bool>, std::vector<bool>> groups;  // column -> ranges with it
    std::vector<std::vector<bool>> order;
    for (std::size_t r = 0; r < R; ++r) {
      std::vector<bool> col(P);
      for (std::size_t p = 0; p < P; ++p) col[p] = in[p][r];
      auto [it, inserted] = groups.try_emplace(col, std::vector<bool>(R, false));
      if (inserted) order.push_back(col);
      it->second[r] = true;
    }
    for (const auto& col : order) {
      if (std::none_of(col.begin(), col.end(), [](bool b) { return b; })) continue;
      by_range.push_back(term_marker(platforms, ranges, in, col, groups[col]));
    }
  }
  std::string a = marker_or(by_platform), b = marker_or(by_range);
  return b.size() < a.size() ? b : a;
}

}  // namespace

bool PythonAxis::split_at(const spec::Version& v) {
  if (!(lo < v)) return false;
  if (hi && !(v < *hi)) return false;
  for (const auto& s : splits)
    if (s == v) return false;
  splits.push_back(v);
  std::sort(splits.begin(), splits.end());
  return true;
}

std::vector<PythonRange> PythonAxis::ranges() const {
  std::vector<PythonRange> out;
  spec::Version from = lo;
  for (const auto& s : splits) {
    out.push_back({from, s});
    from = s;
  }
  out.push_back({from, hi});
  return out;
}

PythonAxis python_axis(const spec::SpecifierSet& requires_python, const spec::Version& fallback_lo) {
  PythonAxis axis{fallback_lo, std::nullopt, {}};
  std::optional<spec::Version> lo;
  for (const auto& s : requires_python.specifiers()) {
    const auto& v = s.version();
    if (v.release_size() == 0) continue;
    std::vector<uint64_t> r;
    for (std::size_t i = 0; i < std::min<std::size_t>(v.release_size(), 3); ++i) r.push_back(v.release_at(i));
    if (r.size() < 2) r.push_back(0);
    switch (s.op()) {
      case spec::Operator::GreaterEqual:
      case spec::Operator::Compatible:
      case spec::Operator::Equal:
        if (!lo || *lo < version_of(r)) lo = version_of(r);
        break;
      case spec::Operator::Greater:
        if (!lo || *lo < version_of(next(r))) lo = version_of(next(r));
        break;
      case spec::Operator::Less:
        if (!axis.hi || version_of(r) < *axis.hi) axis.hi = version_of(r);
        break;
      case spec::Operator::LessEqual:
        if (!axis.hi || version_of(next(r)) < *axis.hi) axis.hi = version_of(next(r));
        break;
      default: break;
    }
  }
  if (lo) axis.lo = *lo;
  return axis;
}

std::vector<spec::Version> python_split_points(const spec::Marker& marker) {
  std::vector<spec::Version> out;
  for (const auto& c : marker.comparisons()) {
    bool short_var = c.variable == "python_version";
    if (!short_var && c.variable != "python_full_version") continue;
    std::size_t parts = short_var ? 2 : 3;
    std::vector<std::string> values = {c.value};
    if (c.op == "in" || c.op == "not in") {
      if (c.literal_left) continue;  // '3.8' in python_version: a substring test, no boundary
      values.clear();
      for (auto& w : util::split(c.value, ' '))
        for (auto& x : util::split(w, ','))
          if (!util::trim(x).empty()) values.push_back(std::string(util::trim(x)));
    }
    for (const auto& text : values) {
      auto r = release_of(text, parts);
      if (!r) continue;
      if (c.op == ">=" || c.op == "<" || c.op == "~=") out.push_back(version_of(*r));
      else if (c.op == ">" || c.op == "<=") out.push_back(version_of(next(*r)));
      else if (c.op == "==" || c.op == "!=" || c.op == "===" || c.op == "in" || c.op == "not in") {
        out.push_back(version_of(*r));
        out.push_back(version_of(next(*r)));
      }
    }
  }
  return out;
}

namespace {

// implementation_name <-> platform_python_implementation, as the interpreters report them.
const std::vector<std::pair<std::string, std::string>>& implementations() {
  static const std::vector<std::pair<std::string, std::string>> table = {
      {"cpython", "CPython"}, {"pypy", "PyPy"}, {"graalpy", "GraalVM"}, {"ironpython", "IronPython"}, {"jython", "Jython"}};
  return table;
}

}  // namespace

std::vector<std::string> implementation_names(const spec::Marker& marker) {
  std::vector<std::string> out;
  for (const auto& c : marker.comparisons()) {
    bool name_var = c.variable == "implementation_name";
    if (!name_var && c.variable != "platform_python_implementation") continue;
    if (c.op != "==" && c.op != "!=" && c.op != "===" && !((c.op == "in" || c.op == "not in") && !c.literal_left)) continue;
    std::vector<std::string> values = {c.value};
    if (c.op == "in" || c.op == "not in") {
      values.clear();
      for (auto& w : util::split(c.value, ' '))
        for (auto& x : util::split(w, ','))
          if (!util::trim(x).empty()) values.push_back(std::string(util::trim(x)));
    }
    for (const auto& v : values) {
      std::string name = util::to_lower(v);
      if (!name_var)
        for (const auto& [n, pi] : implementations())
          if (pi == v) name = n;
      if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  }
  return out;
}

std::vector<ImplementationPart> implementation_parts(const std::vector<std::string>& named_in) {
  std::vector<std::string> named = named_in;
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  if (named.empty()) return {ImplementationPart{"cpython", "CPython", ""}};
  auto platform_value = [](const std::string& name) {
    for (const auto& [n, pi] : implementations())
      if (n == name) return pi;
    return name;
  };
  std::vector<std::string> rest;
  for (const auto& n : named) rest.push_back("implementation_name != " + quoted(n));
  std::string rest_marker = util::join(rest, " and ");
  bool cpython_named = std::find(named.begin(), named.end(), "cpython") != named.end();
  std::vector<ImplementationPart> out;
  out.push_back({"cpython", "CPython", cpython_named ? "implementation_name == 'cpython'" : rest_marker});
  for (const auto& n : named)
    if (n != "cpython") out.push_back({n, platform_value(n), "implementation_name == " + quoted(n)});
  if (cpython_named) out.push_back({"other", "other", rest_marker});
  return out;
}

std::string platform_marker(const UniversalPlatform& platform) {
  return "sys_platform == " + quoted(platform.sys_platform) + " and platform_machine == " +
         quoted(platform.platform_machine);
}

std::string cells_marker(const std::vector<UniversalPlatform>& platforms, const std::vector<PythonRange>& ranges,
                         const std::vector<std::vector<bool>>& in, const std::vector<std::vector<bool>>& dont_care) {
  std::string best = grid_marker(platforms, ranges, in);
  if (dont_care.empty() || best.empty()) return best;
  // Cells outside the environments may count as in: every one of them (where that makes the marker
  // shorter), and platforms and ranges that are outside entirely leave the grid (a marker then says
  // nothing of them: "linux, from 3.10" needs no clause for either within such environments).
  std::size_t P = in.size(), R = P ? in[0].size() : 0;
  std::vector<bool> row_out(P, true), col_out(R, true);
  for (std::size_t p = 0; p < P; ++p)
    for (std::size_t r = 0; r < R; ++r)
      if (!dont_care[p][r]) row_out[p] = col_out[r] = false;
  std::vector<UniversalPlatform> kept_platforms;
  std::vector<PythonRange> kept_ranges;
  std::vector<std::size_t> kept_rows, kept_cols;
  for (std::size_t p = 0; p < P; ++p)
    if (!row_out[p]) {
      kept_platforms.push_back(platforms[p]);
      kept_rows.push_back(p);
    }
  for (std::size_t r = 0; r < R; ++r)
    if (!col_out[r]) {
      // A range outside between two kept ones: the one before reaches over it.
      if (!kept_ranges.empty()) kept_ranges.back().hi = ranges[r].lo;
      kept_ranges.push_back(ranges[r]);
      kept_cols.push_back(r);
    }
  if (!kept_rows.empty() && !kept_cols.empty() && (kept_rows.size() < P || kept_cols.size() < R)) {
    std::vector<std::vector<bool>> sub(kept_rows.size(), std::vector<bool>(kept_cols.size()));
    for (std::size_t i = 0; i < kept_rows.size(); ++i)
      for (std::size_t j = 0; j < kept_cols.size(); ++j) sub[i][j] = in[kept_rows[i]][kept_cols[j]];
    std::string reduced = grid_marker(kept_platforms, kept_ranges, sub);
    if (reduced.size() <= best.size()) best = reduced;
  }
  std::vector<std::vector<bool>> with = in;
  for (std::size_t p = 0; p < P; ++p)
    for (std::size_t r = 0; r < R; ++r)
      if (dont_care[p][r]) with[p][r] = true;
  if (with != in) {
    std::string other = grid_marker(platforms, ranges, with);
    if (other.size() < best.size()) best = other;
  }
  return best;
}

std::string marker_and(const std::vector<std::string>& parts) {
  std::vector<std::string> out;
  std::size_t nonempty = std::count_if(parts.begin(), parts.end(), [](const std::string& p) { return !p.empty(); });
  for (const auto& p : parts) {
    if (p.empty()) continue;
    std::string part = nonempty > 1 && has_top_level(p, " or ") ? "(" + p + ")" : p;
    if (std::find(out.begin(), out.end(), part) == out.end()) out.push_back(part);
  }
  return util::join(out, " and ");
}

std::string marker_or(const std::vector<std::string>& parts) {
  if (parts.empty()) return "";
  if (std::find(parts.begin(), parts.end(), std::string()) != parts.end()) return "";
  std::vector<std::string> out;
  for (const auto& p : parts) {
    const std::string& part = p;  // `and` binds tighter than `or`: no parentheses needed
    if (std::find(out.begin(), out.end(), part) == out.end()) out.push_back(part);
  }
  return util::join(out, " or ");
}

}  // namespace ptinstall::ops
