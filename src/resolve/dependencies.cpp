#include "ptinstall/resolve/dependencies.hpp"

#include "ptinstall/spec/name.hpp"

namespace ptinstall::resolve {

namespace {

void add_requirement(DependencyList& deps, const spec::Requirement& req, std::string_view self) {
  const std::string& name = req.package.str();
  Range range = req.url ? Range::full() : Range::from_specifiers(req.specifier);
  if (name != self) add_dependency(deps, name, range);
  for (const auto& extra : req.extras) add_dependency(deps, extra_package(name, spec::normalize_extra(extra)), range);
}

}  // namespace

DependencyList requirements_to_dependencies(const std::vector<spec::Requirement>& requirements,
                                            const spec::MarkerEnvironment& env,
                                            const std::vector<std::string>& extras) {
  DependencyList deps;
  for (const auto& req : requirements)
    if (req.applies(env, extras)) add_requirement(deps, req, {});
  return deps;
}

DependencyList package_dependencies(std::string_view package, const spec::Version& version,
                                    const std::vector<spec::Requirement>& requires_dist,
                                    const spec::MarkerEnvironment& env) {
  auto [base, extra] = split_package(package);
  std::string self(base);
  DependencyList deps;
  if (extra.empty()) {
    for (const auto& req : requires_dist)
      if (req.applies(env)) add_requirement(deps, req, self);
    return deps;
  }
  add_dependency(deps, self, Range::exactly(version));
  std::vector<std::string> extras{std::string(extra)};
  for (const auto& req : requires_dist)
    if (req.applies(env, extras) && !req.applies(env)) add_requirement(deps, req, self);
  return deps;
}

Dependencies requires_python_unavailable(const spec::SpecifierSet& requires_python, const spec::Version& python) {
  return Dependencies::unavailable("requires Python " + requires_python.to_string(),
                                   "the target Python is " + python.to_string() +
                                       ": choose another interpreter with `--python`, or resolve for another "
                                       "version with `--python-version`");
}

}  // namespace ptinstall::resolve
