#include "ptinstall/config/build_config.hpp"

#include <toml++/toml.h>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

namespace ptinstall::config {

namespace fs = std::filesystem;

ExtraBuildDependencies read_extra_build_dependencies(const fs::path& path) {
  ExtraBuildDependencies out;
  auto text = util::try_read_file(path);
  if (!text) return out;
  toml::table doc;
  try {
    doc = toml::parse(*text, path.string());
  } catch (const toml::parse_error&) {
    return out;  // the config reader reports invalid TOML
  }
  const bool pyproject = path.filename() == "pyproject.toml";
  const toml::node* node = pyproject ? doc["tool"]["uv"]["extra-build-dependencies"].node() : doc.get("extra-build-dependencies");
  if (!node) return out;
  const std::string where = path.string() + ": " + (pyproject ? "tool.uv." : "") + "extra-build-dependencies";
  const toml::table* table = node->as_table();
  if (!table) throw util::Error(where + " is not a table", "write e.g. flash-attn = [\"torch\"]");
  for (const auto& [pkg, value] : *table) {
    std::string name = spec::normalize_name(std::string(pkg.str()));
    const toml::array* list = value.as_array();
    if (!list) throw util::Error(where + "." + std::string(pkg.str()) + " is not a list");
    for (const auto& item : *list) {
      ExtraBuildDependency dep;
      std::string req;
      if (auto s = item.value<std::string>()) {
        req = *s;
      } else if (const toml::table* t = item.as_table()) {
        auto r = (*t)["requirement"].value<std::string>();
        if (!r) throw util::Error(where + "." + std::string(pkg.str()) + ": an entry has no `requirement`");
        req = *r;
        dep.match_runtime = (*t)["match-runtime"].value_or(false);
      } else {
        throw util::Error(where + "." + std::string(pkg.str()) + ": entries are strings or tables");
      }
      try {
        dep.requirement = spec::Requirement::parse(req);
      } catch (const util::Error& e) {
        throw util::Error(where + "." + std::string(pkg.str()) + ": " + e.what(), e.hint());
      }
      out[name].push_back(std::move(dep));
    }
  }
  return out;
}

}  // namespace ptinstall::config
