// An in-memory package universe for resolver tests: versions, their dependencies or unavailability,
// and counters of every question the solver asks.
#pragma once
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ptinstall/resolve/provider.hpp"
#include "ptinstall/resolve/solver.hpp"
#include "ptinstall/spec/specifier.hpp"

namespace ptinstall::resolve::test {

inline Range range_of(const std::string& spec) { return Range::from_specifiers(spec::SpecifierSet::parse(spec)); }

class MemoryProvider : public Provider {
 public:
  // add("foo", "1.0.0", {{"bar", ">=1.0,<2.0"}}) — dependencies as (name, specifier set).
  void add(const std::string& name, const std::string& version,
           const std::vector<std::pair<std::string, std::string>>& deps = {}) {
    DependencyList list;
    for (const auto& [dep, spec] : deps) add_dependency(list, dep, range_of(spec));
    add(name, version, Dependencies::of(std::move(list)));
  }
  void add(const std::string& name, const std::string& version, Dependencies deps) {
    packages_[name].emplace_back(spec::Version::from_string(version), std::move(deps));
  }
  void add_unavailable(const std::string& name, const std::string& version, const std::string& reason,
                       const std::string& hint = {}) {
    add(name, version, Dependencies::unavailable(reason, hint));
  }
  // Preference order: by default highest first; `lowest` flips it.
  bool lowest = false;
  std::set<std::string> urls;
  std::map<std::string, std::string> hints;  // package -> no_versions_hint

  std::vector<spec::Version> versions(const std::string& package) override {
    ++versions_calls[package];
    std::vector<spec::Version> out;
    auto it = packages_.find(package);
    if (it == packages_.end()) return out;
    for (const auto& [v, d] : it->second) out.push_back(v);
    std::sort(out.begin(), out.end());
    if (!lowest) std::reverse(out.begin(), out.end());
    return out;
  }

  Dependencies dependencies(const std::string& package, const spec::Version& version) override {
    ++dependencies_calls[package];
    ++total_dependencies_calls;
    asked.emplace_back(package, version.to_string());
    for (const auto& [v, d] : packages_.at(package))
      if (v == version) return d;
    throw std::runtime_error("no such version " + package + " " + version.to_string());
  }

  void prefetch(const std::string& package, const Range& range) override {
    prefetched.emplace_back(package, range.to_string());
  }

  std::string no_versions_hint(const std::string& package, const Range&) override {
    auto it = hints.find(package);
    return it == hints.end() ? std::string() : it->second;
  }

  bool is_url(const std::string& package) override { return urls.count(package) > 0; }

  std::map<std::string, int> versions_calls, dependencies_calls;
  int total_dependencies_calls = 0;
  std::vector<std::pair<std::string, std::string>> asked;
  std::vector<std::pair<std::string, std::string>> prefetched;

 private:
  std::map<std::string, std::vector<std::pair<spec::Version, Dependencies>>> packages_;
};

// "bar==1.0.0 foo==1.0.0" (sorted by name, root left out).
inline std::string format(const Resolution& r) {
  std::string out;
  for (const auto& p : r.packages) out += (out.empty() ? "" : " ") + p.name + "==" + p.version.to_string();
  return out;
}

}  // namespace ptinstall::resolve::test
