#include "ptinstall/resolve/provider.hpp"

namespace ptinstall::resolve {

void add_dependency(DependencyList& deps, std::string package, const Range& range) {
  for (auto& [name, r] : deps)
    if (name == package) {
      r = r.intersection(range);
      return;
    }
  deps.emplace_back(std::move(package), range);
}

std::string extra_package(std::string_view name, std::string_view extra) {
  std::string out(name);
  out += '[';
  out += extra;
  out += ']';
  return out;
}

PackageParts split_package(std::string_view package) {
  if (package.size() > 2 && package.back() == ']') {
    size_t open = package.find('[');
    if (open != std::string_view::npos && open > 0)
      return {package.substr(0, open), package.substr(open + 1, package.size() - open - 2)};
  }
  return {package, {}};
}

bool is_system_package(std::string_view package) { return package.substr(0, kSystemPrefix.size()) == kSystemPrefix; }

bool is_virtual_package(std::string_view package) {
  return is_system_package(package) || !split_package(package).extra.empty();
}

}  // namespace ptinstall::resolve
