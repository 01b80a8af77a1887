// The settings the pipeline acts on, typed once at the edge: a command turns its merged
// config::Settings into PipOptions with pip_options() and hands that down. Nothing below parses a
// setting's text again (--prerelease, --resolution, --link-mode, --no-binary are parsed here once).
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ptinstall/config/build_config.hpp"
#include "ptinstall/config/dependency_metadata.hpp"
#include "ptinstall/config/requirement_lists.hpp"
#include "ptinstall/config/settings.hpp"
#include "ptinstall/dist/build_options.hpp"
#include "ptinstall/resolve/preferences.hpp"
#include "ptinstall/util/link.hpp"

namespace ptinstall::ops {

struct PipOptions {
  // The merged settings, for the config readers that take them whole (index configuration, projects).
  const config::Settings* settings = nullptr;
  std::vector<std::string> config_files;      // the config files in effect, highest precedence first

  // Inputs.
  std::vector<std::string> requirement_files, constraint_files, override_files, exclude_files;

  // Target.
  std::optional<std::string> python_version, python_platform;

  // Network and caches.
  bool offline = false;
  bool refresh = false;
  std::vector<std::string> refresh_packages;

  // Resolution.
  resolve::PrereleaseMode prerelease = resolve::PrereleaseMode::IfNecessaryOrExplicit;
  bool pre = false;
  resolve::ResolutionMode resolution = resolve::ResolutionMode::Highest;
  bool upgrade = false;
  std::set<std::string, std::less<>> upgrade_packages;  // normalised
  bool no_deps = false;
  // --exclude-newer (uv) / --uploaded-prior-to (pip): files uploaded after it are ignored (microseconds
  // since the epoch, UTC); --exclude-newer-package NAME=DATE sets it for one package.
  std::optional<std::int64_t> exclude_newer;
  std::map<std::string, std::int64_t, std::less<>> exclude_newer_packages;  // normalised name
  bool torch_backend = false;                 // --torch-backend (or its variables) given
  bool user_indexes = false;                  // an index was configured by the user

  // Building.
  std::vector<std::string> no_binary, only_binary;  // pip's values, as given (--no-build adds :all:)
  bool prefer_binary = false;  // --prefer-binary: versions with a wheel before newer sdist-only ones
  std::vector<std::string> editables;               // -e PATH
  bool no_build_isolation = false;
  std::set<std::string, std::less<>> no_build_isolation_packages;  // normalised
  std::map<std::string, std::vector<std::string>> config_settings;  // -C KEY=VALUE
  config::PackageTables config_settings_package;    // --config-settings-package PKG:KEY=VALUE, by normalised name
  std::map<std::string, std::map<std::string, std::string>> extra_build_variables;  // [tool.uv] extra-build-variables
  std::vector<std::string> build_constraint_files;
  std::chrono::seconds build_timeout{3600};
  std::size_t concurrent_builds = 1;                // builds at once (default: the number of cores)
  std::size_t concurrent_installs = 8;              // wheels linked into the environment at once (UV_CONCURRENT_INSTALLS)
  unsigned download_ranges = 4;                     // range requests at once for one big wheel
  std::uint64_t download_ranges_min_bytes = 64ULL << 20;  // from which size a wheel downloads in ranges
  std::size_t prepare_ahead = 8;                    // wheels downloaded at once while resolving (0: none)
  config::ExtraBuildDependencies extra_build_dependencies;  // [tool.uv] extra-build-dependencies
  std::vector<config::StaticMetadata> dependency_metadata;  // [[tool.uv.dependency-metadata]], in precedence order
  // [tool.uv] override-dependencies / constraint-dependencies / build-constraint-dependencies of every config
  // file in effect, each with "KEY (FILE)" for messages and `# via` lines.
  std::vector<std::pair<spec::Requirement, std::string>> override_dependencies, constraint_dependencies,
      build_constraint_dependencies;

  // Installing.
  bool dry_run = false;
  bool reinstall = false;
  bool exact = false;                        // pip install --exact (uv): remove what the resolution does not hold
  // uv's --verify-hashes: unset, pip's hash-checking mode (the first --hash requires one for every package);
  // true, the hashes given are checked and no others required; false, the hashes of the files are ignored.
  // --require-hashes (flag or line) wins over both.
  std::optional<bool> verify_hashes;
  std::set<std::string> reinstall_packages;  // --reinstall-package NAME (normalised)
  bool require_hashes = false;
  bool compile_bytecode = false;
  bool no_progress = false;
  util::LinkMode link_mode = util::LinkMode::Clone;
  std::optional<std::string> report;          // --report PATH ("-" for stdout)

  // Whether an answer could differ from the environment's (upgrade, reinstall, hashes, another target).
  bool may_change_installed() const;
};

// Reads every setting the pipeline uses. Throws util::Error (Usage) for invalid values.
PipOptions pip_options(const config::Settings& settings, std::vector<std::string> config_files);

}  // namespace ptinstall::ops
