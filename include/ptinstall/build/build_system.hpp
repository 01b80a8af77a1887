// What a source tree says about how to build it (PEP 517/518): the [build-system] table of its
// pyproject.toml, or pip's default for projects without one (setuptools>=40.8.0 with the
// setuptools.build_meta:__legacy__ backend). Also the metadata a tree or an sdist declares
// statically, so that resolution needs no backend where the standards allow it (PEP 621, PEP 643).
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ptinstall::build {

struct BuildSystem {
  std::vector<std::string> requirements;     // [build-system].requires (PEP 508 strings)
  std::string backend;                       // "module" or "module:object"
  std::vector<std::string> backend_path;     // relative to the tree (PEP 517 in-tree backends)
  bool is_default = false;                   // no [build-system] table: pip's legacy setuptools
};

// Reads `<tree>/pyproject.toml`. Throws util::Error (Build) for a table that is not valid PEP 518
// (requires missing or not a list of strings, a backend-path leaving the tree).
BuildSystem read_build_system(const std::filesystem::path& tree);

// The tree's project name and version from [project] when both are static; nullopt otherwise.
struct ProjectName {
  std::string name, version;
};
std::optional<ProjectName> static_project_name(const std::filesystem::path& tree);

// The project's name as the tree declares it, without running anything, for settings keyed by
// name (extra-build-dependencies, --no-build-isolation-package) before the backend has said it:
// [project].name, else an sdist's PKG-INFO Name, else setup.cfg's [metadata] name, else the one
// `name="..."` literal of setup.py (none, or two different ones: nullopt). Not normalised.
std::optional<std::string> declared_project_name(const std::filesystem::path& tree);

// Core metadata (METADATA text) that needs no backend: an sdist's PKG-INFO with Metadata-Version
// 2.2 or later whose name, version and dependency fields are not Dynamic (PEP 643), or a tree's
// [project] table whose name, version, dependencies, optional-dependencies and requires-python are
// all static (PEP 621). nullopt when the backend must be asked.
std::optional<std::string> static_metadata(const std::filesystem::path& tree);

}  // namespace ptinstall::build
