// The build seam: what the resolver and the installer ask of a source distribution (an sdist, a
// source tree, a git checkout) without knowing how it is built. The layer that owns the pipeline
// (ops) implements it, so a build can resolve and install its own build dependencies through the same
// pipeline while every include still points down (uv's BuildContext, implemented by uv-dispatch).
#pragma once
#include <filesystem>
#include <string>

#include "ptinstall/dist/build_options.hpp"
#include "ptinstall/dist/dist.hpp"

namespace ptinstall::dist {

// A wheel built from a source distribution, on disk.
struct BuiltWheel {
  std::filesystem::path path;  // the .whl file
  std::string filename;
  std::string archive_sha256;  // the source archive's sha256 (an sdist), for PEP 610's archive_info; "" for trees
};

class BuildContext {
 public:
  virtual ~BuildContext() = default;

  // The options every question is answered under (what may be built at all).
  virtual const BuildOptions& build_options() const = 0;
  // A source named by a reference that moves (a git branch, a tag, the remote's HEAD) fixed to what
  // it names now: the same Dist with its commit (and, for an editable, the working clone's place).
  // Asked once per run; every other Dist comes back as it is.
  virtual Dist pin(const Dist& source) { return source; }
  // The core metadata (METADATA text) of source distribution `source`: from static metadata where
  // the standards allow, else from the build backend. Throws util::Error (Build) when it cannot.
  virtual std::string metadata(const Dist& source) = 0;
  // A wheel of `source`, built (or taken from the cache of built wheels). Throws util::Error (Build).
  virtual BuiltWheel build_wheel(const Dist& source) = 0;
  // The resolution being installed, for builds that must match it (uv's match-runtime): called
  // before the wheels of its source distributions are asked for.
  virtual void set_runtime(const struct Resolution& /*resolution*/) {}
  // A requirements file's --no-binary/--only-binary values, taken after the command line's (as pip
  // does); called once the files are read, before their requirements are looked at.
  virtual void add_file_options(const std::vector<std::string>& /*no_binary*/,
                                const std::vector<std::string>& /*only_binary*/) {}
};

}  // namespace ptinstall::dist
