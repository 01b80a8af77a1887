// spec_probe: answers PEP 440/503 questions line by line, for the differential test against
// `packaging` (tests/e2e/test_spec_differential.py). Fields are separated by \x01 (inputs may hold tabs):
//   norm <V>                  normalised version, or "invalid"
//   info <V>                  epoch|release|pre|post|dev|local|is_prerelease|is_postrelease|is_devrelease
//   cmp <V1> <V2>             -1, 0 or 1, or "invalid"
//   spec <S>                  normalised specifier, or "invalid"
//   set <S>                   normalised specifier set, or "invalid"
//   contains <SET> <V> <PRE>  true/false/invalid; PRE is none, true or false
//   name <N>                  normalised name|valid (1/0)
// One output line per input line; an unknown command prints "error".
#include <iostream>
#include <string>
#include <vector>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/spec/version.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    size_t e = line.find('\x01', i);
    out.push_back(line.substr(i, e == std::string::npos ? std::string::npos : e - i));
    if (e == std::string::npos) break;
    i = e + 1;
  }
  return out;
}

std::string opt(const std::optional<uint64_t>& v) { return v ? std::to_string(*v) : "none"; }

std::string answer(const std::vector<std::string>& f) {
  const std::string& cmd = f[0];
  if (cmd == "norm" && f.size() == 2) {
    auto v = Version::parse(f[1]);
    return v ? v->to_string() : "invalid";
  }
  if (cmd == "info" && f.size() == 2) {
    auto v = Version::parse(f[1]);
    if (!v) return "invalid";
    std::string rel;
    for (auto r : v->release()) rel += (rel.empty() ? "" : ".") + std::to_string(r);
    std::string pre = "none";
    if (auto p = v->pre()) pre = std::string(p->first == 'c' ? "rc" : std::string(1, p->first)) + std::to_string(p->second);
    return std::to_string(v->epoch()) + "|" + rel + "|" + pre + "|" + opt(v->post()) + "|" + opt(v->dev()) + "|" +
           v->local() + "|" + (v->is_prerelease() ? "1" : "0") + "|" + (v->is_postrelease() ? "1" : "0") + "|" +
           (v->is_devrelease() ? "1" : "0");
  }
  if (cmd == "cmp" && f.size() == 3) {
    auto a = Version::parse(f[1]), b = Version::parse(f[2]);
    if (!a || !b) return "invalid";
    auto c = *a <=> *b;
    bool eq = *a == *b;
    if ((c == 0) != eq || (eq && a->hash() != b->hash())) return "inconsistent";
    return c < 0 ? "-1" : c > 0 ? "1" : "0";
  }
  if ((cmd == "spec" || cmd == "set") && f.size() == 2) {
    try {
      return cmd == "spec" ? Specifier::parse(f[1]).to_string() : SpecifierSet::parse(f[1]).to_string();
    } catch (const ptinstall::util::Error&) {
      return "invalid";
    }
  }
  if (cmd == "contains" && f.size() == 4) {
    std::optional<bool> pre;
    if (f[3] == "true") pre = true;
    if (f[3] == "false") pre = false;
    try {
      auto set = SpecifierSet::parse(f[1]);
      auto v = Version::parse(f[2]);
      if (!v) return "invalid";
      return set.contains(*v, pre) ? "true" : "false";
    } catch (const ptinstall::util::Error&) {
      return "invalid";
    }
  }
  if (cmd == "name" && f.size() == 2) return normalize_name(f[1]) + "|" + (is_valid_name(f[1]) ? "1" : "0");
  return "error";
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) std::cout << answer(split_tabs(line)) << '\n';
  return 0;
}
