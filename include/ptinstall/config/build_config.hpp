// Build settings that are tables rather than values: uv's `extra-build-dependencies` (in a
// pyproject.toml's [tool.uv], or at the top of a uv.toml / ptinstall.toml):
//
//   [tool.uv.extra-build-dependencies]
//   flash-attn = ["packaging", { requirement = "torch", match-runtime = true }]
//
// Each listed package gets the extra requirements in its build environment; with match-runtime the
// requirement is pinned to the version the install resolved for the target environment.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/spec/requirement.hpp"

namespace ptinstall::config {

struct ExtraBuildDependency {
  spec::Requirement requirement;
  bool match_runtime = false;
};
// Normalised package name -> its extra build requirements.
using ExtraBuildDependencies = std::map<std::string, std::vector<ExtraBuildDependency>>;

// Reads one config file; a file without the table gives an empty map. Throws util::Error naming the
// file for a malformed entry.
ExtraBuildDependencies read_extra_build_dependencies(const std::filesystem::path& path);

// uv's `config-settings` table (`[tool.uv] config-settings = { key = "value" }`, or at the top of a
// uv.toml): what -C KEY=VALUE gives on the command line. Values are strings or lists of strings;
// nullopt when the file has no such table.
std::optional<std::map<std::string, std::vector<std::string>>> read_config_settings(const std::filesystem::path& path);

// uv's per-package tables: `config-settings-package = { numpy = { editable_mode = "compat" } }` (what
// --config-settings-package numpy:editable_mode=compat gives) and `extra-build-variables = { flash-attn =
// { FLASH_ATTENTION_SKIP_CUDA_BUILD = "TRUE" } }` (environment variables of that package's build).
// Normalised package name -> its table; an empty map when the file has none.
using PackageTables = std::map<std::string, std::map<std::string, std::vector<std::string>>>;
PackageTables read_config_settings_package(const std::filesystem::path& path);
std::map<std::string, std::map<std::string, std::string>> read_extra_build_variables(const std::filesystem::path& path);

}  // namespace ptinstall::config
