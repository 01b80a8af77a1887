// Private to ops: the parts of the build frontend (ops::BuildDispatch) that are not the seam itself.
// source_tree.cpp finds and unpacks sources; build_session.cpp makes build environments and hook
// runners and words failed builds.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/build/hook_runner.hpp"
#include "ptinstall/dist/build_context.hpp"
#include "ptinstall/dist/dist.hpp"
#include "ptinstall/ops/options.hpp"
#include "ptinstall/ops/services.hpp"
#include "ptinstall/python/environment.hpp"
#include "ptinstall/util/fs.hpp"

namespace ptinstall::ops::detail {

// A source, identified before it is unpacked (a warm cache of built wheels needs no unpacking).
struct Source {
  std::filesystem::path tree;      // set for local trees; for sdists once unpack_source() ran
  std::filesystem::path archive;   // sdists: the file on disk
  std::optional<std::string> subdirectory;
  bool downloaded = false;         // the archive is a cache download (removed when it is no sdist)
  std::string key;             // what identifies the content: "sdist:<sha256>", or a fingerprint of a tree
  std::string archive_sha256;  // sdists: the archive's sha256 (PEP 610 archive_info)
  bool editable = false;
  std::shared_ptr<util::TempDir> unpacked;  // where an sdist was unpacked (removed with the last copy)
};

// A local tree is used in place (its key a fingerprint of every file: path, size, mtime); an sdist
// file, URL or index file is downloaded into the cache (hash-checked) and hashed. A git source is checked out of the git cache (its key the commit and subdirectory), or cloned into
// its editable place.
Source locate_source(const dist::Dist& d, Services& services);
// Unpacks an sdist (once) with PEP 706's data filter; a tree is left as it is.
void unpack_source(Source& source);

// A build environment kept in the cache (build_env.cpp): made once per resolved set of build
// requirements and interpreter, complete or not at all, then only read.
struct BuildEnv {
  std::filesystem::path root;    // <cache>/build-envs-v1/<k2>/<key>
  std::filesystem::path python;  // root/bin/python
  std::string key;               // the resolution's key: equal keys, the same environment
};

// What kept_build_env needs of the build frontend.
struct BuildEnvContext {
  Services* services = nullptr;
  const PipOptions* options = nullptr;
  const python::Environment* target = nullptr;  // whose interpreter the environment is a venv of
  dist::BuildContext* build = nullptr;          // a build requirement with only an sdist is built through it
};

// Resolves `requirements` (with --build-constraint) through the pipeline and returns the kept
// environment of that resolution, making it first when there is none.
BuildEnv kept_build_env(const BuildEnvContext& ctx, const std::vector<std::string>& requirements,
                        const std::string& what);

// A build environment and a hook runner for one source.
struct BuildSession {
  std::unique_ptr<util::TempDir> work;          // the hooks' output directories
  std::unique_ptr<build::HookRunner> runner;
  build::BuildKind kind = build::BuildKind::Wheel;
  bool isolated = true;
};

// Isolated: the kept environment of [build-system].requires (plus `extra_requirements`:
// extra-build-dependencies) and the backend's get_requires_for_build_* answer. Otherwise the
// target's interpreter as is.
// `requires_cache`: where the backend's get_requires_for_build_* answers are kept, keyed by the
// backend, the build requirements, the -C settings and the project's build configuration files
// (pyproject.toml, setup.py, setup.cfg), so that a known answer goes straight to its environment.
BuildSession open_session(const Source& source, const PipOptions& options, const python::Environment& target,
                          bool isolated, const BuildEnvContext& ctx, const std::string& what,
                          const std::filesystem::path& requires_cache,
                          const std::vector<std::string>& extra_requirements = {},
                          const std::map<std::string, std::vector<std::string>>& config_settings = {},
                          const std::map<std::string, std::string>& variables = {});

// A failed hook as the user sees it: "Failed to build WHAT", the hook and backend, the backend's
// last 50 lines, and a hint from its output where a known cause shows.
util::Error build_failure(const std::string& what, const build::HookError& e);

}  // namespace ptinstall::ops::detail
