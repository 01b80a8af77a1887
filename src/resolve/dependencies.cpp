#include "ptinstall/resolve/dependencies.hpp"

#include <unordered_map>

#include "ptinstall/spec/name.hpp"

namespace ptinstall::resolve {

namespace {

// A DependencyList being built, with an index by name: add_dependency's scan of the list would make
// a requirement with many extras (`foo[e1,...,e16000]`, one edge each) quadratic.
struct DependencyBuilder {
  DependencyList deps;
  std::unordered_map<std::string, size_t> at;

  void add(std::string package, const Range& range) {
    auto [it, added] = at.try_emplace(package, deps.size());
    if (!added) {
      deps[it->second].second = deps[it->second].second.intersection(range);
      return;
    }
    deps.emplace_back(std::move(package), range);
  }

  void add_requirement(const spec::Requirement& req, std::string_view self) {
    const std::string& name = req.package.str();
    Range range = req.url ? Range::full() : Range::from_specifiers(req.specifier);
    if (name != self) add(name, range);
    for (const auto& extra : req.extras) add(extra_package(name, spec::normalize_extra(extra)), range);
  }
};

}  // namespace

DependencyList requirements_to_dependencies(const std::vector<spec::Requirement>& requirements,
                                            const spec::MarkerEnvironment& env,
                                            const std::vector<std::string>& extras) {
  DependencyBuilder b;
  for (const auto& req : requirements)
    if (req.applies(env, extras)) b.add_requirement(req, {});
  return std::move(b.deps);
}

DependencyList package_dependencies(std::string_view package, const spec::Version& version,
                                    const std::vector<spec::Requirement>& requires_dist,
                                    const spec::MarkerEnvironment& env) {
  auto [base, extra] = split_package(package);
  std::string self(base);
  DependencyBuilder b;
  if (extra.empty()) {
    for (const auto& req : requires_dist)
      if (req.applies(env)) b.add_requirement(req, self);
    return std::move(b.deps);
  }
  b.add(self, Range::exactly(version));
  std::vector<std::string> extras{std::string(extra)};
  for (const auto& req : requires_dist)
    if (req.applies(env, extras) && !req.applies(env)) b.add_requirement(req, self);
  return std::move(b.deps);
}

Dependencies requires_python_unavailable(const spec::SpecifierSet& requires_python, const spec::Version& python) {
  return Dependencies::unavailable("requires Python " + requires_python.to_string(),
                                   "the target Python is " + python.to_string() +
                                       ": choose another interpreter with `--python`, or resolve for another "
                                       "version with `--python-version`");
}

}  // namespace ptinstall::resolve
