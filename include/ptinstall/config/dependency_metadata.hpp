// uv's `dependency-metadata` (an array of tables in a pyproject.toml's [tool.uv], or at the top of a
// uv.toml / ptinstall.toml): the metadata of a package given in the config, so that the resolver
// neither downloads nor builds it to learn its dependencies (flash-attn's sdist needs torch and a
// CUDA toolchain just to say that it requires torch and einops):
//
//   [[tool.uv.dependency-metadata]]
//   name = "flash-attn"
//   version = "2.6.3"              # optional: without it, every version
//   requires-dist = ["torch", "einops"]
//   requires-python = ">=3.9"      # optional
//   provides-extras = ["test"]     # optional
//
// The entries are trusted as written (as uv does); the install still builds or downloads the package.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ptinstall::config {

struct StaticMetadata {
  std::string name;                        // as written
  std::optional<std::string> version;      // a valid PEP 440 version, or none: every version
  std::vector<std::string> requires_dist;  // PEP 508 requirements, validated
  std::optional<std::string> requires_python;
  std::vector<std::string> provides_extras;

  // The entry as a METADATA text (Metadata-Version 2.2), for `version`.
  std::string metadata_text(const std::string& version) const;
};

// Reads one config file; a file without the key gives nothing. Throws util::Error naming the file and
// the entry for a malformed one (no name, a requirement or version that does not parse, a key uv does
// not have).
std::vector<StaticMetadata> read_dependency_metadata(const std::filesystem::path& path);

}  // namespace ptinstall::config
