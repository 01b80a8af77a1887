// Wheels on the local disk: the files of --find-links directories, and the choice of the best one for
// a requirement (highest version the specifier allows, then the best tag priority for the target
// interpreter, then the highest build tag). Used by `pip install --no-index --find-links DIR name`
// until the resolver drives installs.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/spec/wheel_filename.hpp"

namespace ptinstall::install {

namespace fs = std::filesystem;

struct LocalWheel {
  fs::path path;
  spec::WheelFilename filename;
};

// Every *.whl directly in the directories whose name parses as a wheel filename (others are skipped
// with a debug log). A directory that does not exist is a util::Error naming it.
std::vector<LocalWheel> scan_wheel_dirs(const std::vector<fs::path>& dirs);

// The best candidate for `requirement` among `wheels`, or nullopt. Pre-releases are considered when
// `allow_prereleases`, when the specifier mentions one, or when nothing else matches (packaging's rule).
std::optional<LocalWheel> best_wheel(const std::vector<LocalWheel>& wheels, const spec::Requirement& requirement,
                                     const spec::SupportedTags& tags, bool allow_prereleases = false);

}  // namespace ptinstall::install
