// uv's requirement lists in config files (a pyproject.toml's [tool.uv], or at the top of a uv.toml /
// ptinstall.toml): `override-dependencies`, `constraint-dependencies` and
// `build-constraint-dependencies`, the same as an --overrides, -c or --build-constraint file would say:
//
//   [tool.uv]
//   override-dependencies = ["numpy<2"]
//   constraint-dependencies = ["grpcio<1.65"]
//   build-constraint-dependencies = ["setuptools==75.0"]
#pragma once
#include <filesystem>
#include <string_view>
#include <vector>

#include "ptinstall/spec/requirement.hpp"

namespace ptinstall::config {

// The requirements of list `key` in one config file (nothing when the file or the key is missing).
// Throws util::Error naming the file and the key for a value that is not a list of PEP 508 strings.
std::vector<spec::Requirement> read_requirement_list(const std::filesystem::path& path, std::string_view key);

}  // namespace ptinstall::config
