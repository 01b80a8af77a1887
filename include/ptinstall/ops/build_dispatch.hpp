// The pipeline's side of the build seam (dist::BuildContext): the PEP 517 build frontend.
//
// For a source distribution (a local tree, editable or not, an sdist file, an sdist URL or an index
// sdist) it finds the source tree (sdists are downloaded into the cache and unpacked with PEP 706's
// data filter), then answers:
// - metadata: static metadata where the standards allow (an sdist's PKG-INFO 2.2+ without Dynamic
//   dependency fields, a tree's static [project] table), else the backend's
//   prepare_metadata_for_build_*, else the METADATA of a full build;
// - a wheel: from the cache of built wheels (keyed by the sdist's sha256, or a fingerprint of the
//   tree's files, plus the interpreter, the config settings and the isolation), else a build.
// Builds run in an isolated environment (PEP 518): a fresh venv of the target interpreter into which
// [build-system].requires and then the backend's get_requires_for_build_* answer are resolved and
// installed through this same pipeline (ops::resolve, ops::install: same indexes, settings and torch
// routing; linked from the same cache), without printing anything. --no-build-isolation (or
// --no-build-isolation-package NAME) builds with the target environment's interpreter instead.
// A source that needs itself to build is an error, not a hang.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "ptinstall/dist/build_context.hpp"
#include "ptinstall/ops/options.hpp"
#include "ptinstall/python/environment.hpp"

namespace ptinstall::ops {

class Services;

class BuildDispatch : public dist::BuildContext {
 public:
  explicit BuildDispatch(const PipOptions& options);
  ~BuildDispatch() override;

  // What builds need from the run: the services (cache, HTTP) and the target environment (its
  // interpreter makes the build environments; --no-build-isolation builds in it). Until attached,
  // every source distribution is refused.
  void attach(Services& services, const python::Environment& target);

  const dist::BuildOptions& build_options() const override { return build_options_; }
  void add_file_options(const std::vector<std::string>& no_binary, const std::vector<std::string>& only_binary) override;
  // Git: the commit the reference names now (the git cache resolves it once per run); an editable
  // also gets its working clone's place, <venv>/src/<name> (pip's; ./src outside a venv).
  dist::Dist pin(const dist::Dist& source) override;
  std::string metadata(const dist::Dist& source) override;
  dist::BuiltWheel build_wheel(const dist::Dist& source) override;
  // Remembers the versions the install resolved, for extra-build-dependencies with match-runtime.
  void set_runtime(const dist::Resolution& resolution) override;

  // Backend runs so far (metadata hooks and builds), for tests and -v.
  std::size_t backend_runs() const;

 private:
  struct State;
  const PipOptions& options_;
  dist::BuildOptions build_options_;
  std::shared_ptr<State> state_;
};

}  // namespace ptinstall::ops
