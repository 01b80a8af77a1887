#include "ptinstall/config/build_config.hpp"

#include <toml++/toml.h>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "uv_key.hpp"

namespace ptinstall::config {

namespace fs = std::filesystem;

ExtraBuildDependencies read_extra_build_dependencies(const fs::path& path) {
  ExtraBuildDependencies out;
  auto uv = detail::read_uv_key(path, "extra-build-dependencies");
  if (!uv) return out;
  const std::string& where = uv->where;
  const toml::table* table = uv->node->as_table();
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

std::optional<std::map<std::string, std::vector<std::string>>> read_config_settings(const fs::path& path) {
  auto uv = detail::read_uv_key(path, "config-settings");
  if (!uv) return std::nullopt;
  const std::string& where = uv->where;
  const toml::table* table = uv->node->as_table();
  if (!table) throw util::Error(where + " is not a table", "write e.g. config-settings = { editable_mode = \"compat\" }");
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [key, value] : *table) {
    auto& values = out[std::string(key.str())];
    if (auto s = value.value<std::string>()) {
      values.push_back(*s);
    } else if (const toml::array* list = value.as_array()) {
      for (const auto& item : *list) {
        auto v = item.value<std::string>();
        if (!v) throw util::Error(where + "." + std::string(key.str()) + ": values are strings");
        values.push_back(*v);
      }
    } else {
      throw util::Error(where + "." + std::string(key.str()) + ": values are strings or lists of strings");
    }
  }
  return out;
}

namespace {

// The `key` table of `path` ([tool.uv] in a pyproject.toml, the top of a uv.toml): each package's table
// of strings or lists of strings (lists only where `lists`).
PackageTables read_package_tables(const fs::path& path, const std::string& key, bool lists, const std::string& example) {
  PackageTables out;
  auto uv = detail::read_uv_key(path, key);
  if (!uv) return out;
  const std::string& where = uv->where;
  const toml::table* table = uv->node->as_table();
  if (!table) throw util::Error(util::ErrorKind::Usage, where + " is not a table", "write e.g. " + example);
  for (const auto& [pkg, value] : *table) {
    const std::string at = where + "." + std::string(pkg.str());
    const toml::table* inner = value.as_table();
    if (!inner) throw util::Error(util::ErrorKind::Usage, at + " is not a table", "write e.g. " + example);
    auto& settings = out[spec::normalize_name(std::string(pkg.str()))];
    for (const auto& [k, v] : *inner) {
      auto& values = settings[std::string(k.str())];
      if (auto s = v.value<std::string>()) {
        values.push_back(*s);
      } else if (const toml::array* list = v.as_array(); list && lists) {
        for (const auto& item : *list) {
          auto s2 = item.value<std::string>();
          if (!s2) throw util::Error(util::ErrorKind::Usage, at + "." + std::string(k.str()) + ": values are strings");
          values.push_back(*s2);
        }
      } else {
        throw util::Error(util::ErrorKind::Usage, at + "." + std::string(k.str()) + ": values are strings" +
                                                      (lists ? " or lists of strings" : ""));
      }
    }
  }
  return out;
}

}  // namespace

PackageTables read_config_settings_package(const fs::path& path) {
  return read_package_tables(path, "config-settings-package", true, "config-settings-package = { numpy = { editable_mode = \"compat\" } }");
}

std::map<std::string, std::map<std::string, std::string>> read_extra_build_variables(const fs::path& path) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (auto& [pkg, vars] : read_package_tables(path, "extra-build-variables", false,
                                              "extra-build-variables = { flash-attn = { FLASH_ATTENTION_SKIP_CUDA_BUILD = \"TRUE\" } }"))
    for (auto& [k, vs] : vars) out[pkg][k] = vs.front();
  return out;
}

}  // namespace ptinstall::config
