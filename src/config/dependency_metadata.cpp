#include "ptinstall/config/dependency_metadata.hpp"

#include <toml++/toml.h>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/spec/version.hpp"
#include "ptinstall/util/error.hpp"
#include "uv_key.hpp"

namespace ptinstall::config {

namespace fs = std::filesystem;

std::string StaticMetadata::metadata_text(const std::string& for_version) const {
  std::string out = "Metadata-Version: 2.2\nName: " + name + "\nVersion: " + for_version + "\n";
  if (requires_python) out += "Requires-Python: " + *requires_python + "\n";
  for (const auto& e : provides_extras) out += "Provides-Extra: " + e + "\n";
  for (const auto& r : requires_dist) out += "Requires-Dist: " + r + "\n";
  return out;
}

std::vector<StaticMetadata> read_dependency_metadata(const fs::path& path) {
  std::vector<StaticMetadata> out;
  auto uv = detail::read_uv_key(path, "dependency-metadata");
  if (!uv) return out;
  const std::string key = uv->where.substr(path.string().size() + 2);  // "tool.uv.dependency-metadata"
  const toml::array* entries = uv->node->as_array();
  if (!entries)
    throw util::Error(util::ErrorKind::Usage, path.string() + ": `" + key + "` must be an array of tables",
                      "write [[" + key + "]] tables with name, version and requires-dist");
  auto strings = [&](const toml::node& n, const std::string& where) {
    std::vector<std::string> list;
    const toml::array* a = n.as_array();
    if (!a) throw util::Error(util::ErrorKind::Usage, where + " must be a list of strings");
    for (const auto& item : *a) {
      auto s = item.value<std::string>();
      if (!s) throw util::Error(util::ErrorKind::Usage, where + " must be a list of strings");
      list.push_back(*s);
    }
    return list;
  };
  std::size_t index = 0;
  for (const auto& entry : *entries) {
    ++index;
    std::string where = path.string() + ": " + key + " entry " + std::to_string(index);
    const toml::table* t = entry.as_table();
    if (!t) throw util::Error(util::ErrorKind::Usage, where + " is not a table");
    StaticMetadata m;
    auto name = (*t)["name"].value<std::string>();
    if (!name || !spec::is_valid_name(*name))
      throw util::Error(util::ErrorKind::Usage, where + " has no valid `name`", "every entry names its package");
    m.name = *name;
    where = path.string() + ": " + key + " `" + m.name + "`";
    for (const auto& [k, value] : *t) {
      std::string field(k.str());
      if (field == "name") continue;
      if (field == "version") {
        auto v = value.value<std::string>();
        if (!v || !spec::Version::parse(*v))
          throw util::Error(util::ErrorKind::Usage, where + ": `version` is not a version");
        m.version = *v;
      } else if (field == "requires-dist") {
        m.requires_dist = strings(value, where + ": `requires-dist`");
        for (const auto& r : m.requires_dist) {
          try {
            spec::Requirement::parse(r);
          } catch (const util::Error& e) {
            throw util::Error(util::ErrorKind::Usage, where + ": `requires-dist`: " + e.what(), e.hint());
          }
        }
      } else if (field == "requires-python") {
        auto v = value.value<std::string>();
        if (!v) throw util::Error(util::ErrorKind::Usage, where + ": `requires-python` must be a string");
        try {
          spec::SpecifierSet::parse(*v);
        } catch (const util::Error& e) {
          throw util::Error(util::ErrorKind::Usage, where + ": `requires-python`: " + e.what(), e.hint());
        }
        m.requires_python = *v;
      } else if (field == "provides-extras") {
        m.provides_extras = strings(value, where + ": `provides-extras`");
      } else {
        throw util::Error(util::ErrorKind::Usage, where + ": unknown key `" + field + "`",
                          "the keys are name, version, requires-dist, requires-python and provides-extras");
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace ptinstall::config
