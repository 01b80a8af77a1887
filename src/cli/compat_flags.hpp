// Flags that pip, pip-tools, virtualenv and uv command lines pass (declared in the settings registry,
// "Flags that pip ... pass"): the ones that mean something are turned into the settings they stand for
// here, so the commands read only ptinstall's own settings.
#pragma once
#include <cstdint>
#include <filesystem>

#include "ptinstall/config/settings.hpp"

namespace ptinstall::cli {

// --directory DIR: changes the working directory, before the environment and config files are read
// (config discovery and relative paths start there, as in uv).
void enter_directory(const config::Settings& settings);

// uv's --project DIR (UV_PROJECT): where config files and the .venv are looked for, upward, instead
// of the working directory; relative paths on the command line still start at the working directory.
// The working directory when it is not given. Throws a usage error when DIR is not a directory.
std::filesystem::path project_directory(const config::Settings& settings);

// After every source is merged: --progress-bar off, --no-compile, --no-seed/--no-pip become the
// settings they mean; pip-tools' --resolver=legacy is refused; --no-allow-unsafe warns that it
// changes nothing. (--no-color is read by want_color, --require-virtualenv by target_environment.)
void apply_compat_flags(config::Settings& settings, std::uint32_t command);

}  // namespace ptinstall::cli
