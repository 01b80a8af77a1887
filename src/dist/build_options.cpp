#include "ptinstall/dist/build_options.hpp"

#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::dist {

bool PackageSet::contains(std::string_view name) const { return all_ || names_.count(name) > 0; }

void PackageSet::apply(std::string_view value, std::string_view option) {
  for (std::string_view piece : util::split(value, ',')) {
    std::string part(util::trim(piece));
    if (part.empty()) continue;
    if (part == ":all:") {
      all_ = true;
      names_.clear();
    } else if (part == ":none:") {
      all_ = false;
      names_.clear();
    } else if (!spec::is_valid_name(part)) {
      throw util::Error(util::ErrorKind::Usage, "invalid project name `" + part + "` for " + std::string(option),
                        "give project names separated by commas, :all: or :none:");
    } else {
      names_.insert(spec::normalize_name(part));
    }
  }
}

BuildOptions BuildOptions::from_values(const std::vector<std::string>& no_binary,
                                       const std::vector<std::string>& only_binary, bool can_build) {
  BuildOptions o;
  for (const auto& v : no_binary) o.no_binary.apply(v, "--no-binary");
  for (const auto& v : only_binary) o.only_binary.apply(v, "--only-binary");
  o.can_build = can_build;
  return o;
}

void BuildOptions::require_source_allowed(std::string_view name, const std::string& what) const {
  if (!can_build) throw source_refused(what, SourceRefusal::NoBuilder, name);
  if (only_binary.contains(name)) throw source_refused(what, SourceRefusal::OnlyBinary, name);
}

std::string_view no_builder_hint() { return "ptinstall installs wheels only (sdists are never built)"; }

util::Error source_refused(const std::string& what, SourceRefusal why, std::string_view name) {
  switch (why) {
    case SourceRefusal::NoBuilder:
      return util::Error(util::ErrorKind::Build, what + " is a source distribution", std::string(no_builder_hint()));
    case SourceRefusal::OnlyBinary:
      break;
  }
  return util::Error(util::ErrorKind::Build, what + " is a source distribution",
                     "--only-binary forbids building " + (name.empty() ? std::string("it") : std::string(name)) +
                         " from source");
}

}  // namespace ptinstall::dist
