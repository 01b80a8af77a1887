// Configuration files as uv reads them, plus our own: discovery, parsing, and merging into Settings
// below the command line and the environment.
//
// Discovery (unless --no-config): --config-file FILE alone; otherwise the nearest project file from
// the working directory upward (uv.toml or ptinstall.toml, else a pyproject.toml with a [tool.uv] or
// [tool.ptinstall] table), then the user files ($XDG_CONFIG_HOME/uv/uv.toml,
// $XDG_CONFIG_HOME/ptinstall/ptinstall.toml), then the system files (/etc/uv/uv.toml,
// /etc/ptinstall/ptinstall.toml). Precedence: project > user > system; within one file,
// [tool.ptinstall.pip] > [tool.ptinstall] > [tool.uv.pip] > [tool.uv] (uv.toml: [pip] > top level).
#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/config/settings.hpp"

namespace ptinstall::config {

struct ConfigFile {
  std::filesystem::path path;
  Source source = Source::ProjectFile;
  // Settings found in the file, keyed like the registry, highest-precedence table first.
  std::vector<std::pair<std::string, SettingValue>> values;
};

struct DiscoveryInputs {
  std::filesystem::path cwd;
  std::function<const char*(const char*)> getenv;  // for XDG_CONFIG_HOME, HOME
  std::filesystem::path system_dir = "/etc";       // root of the system files (tests point it elsewhere)
};

// The files in effect, highest precedence first. Throws util::Error for a file that cannot be
// parsed or holds a value of the wrong type (naming the file, the line and the expected type);
// unknown keys are reported with util::log::warn, naming the file and the key.
std::vector<ConfigFile> discover_config_files(const Settings& cli_and_env, const DiscoveryInputs& inputs);

// Parses one file (uv.toml/ptinstall.toml layout, or pyproject.toml when its name says so).
ConfigFile read_config_file(const std::filesystem::path& path, Source source);

// Fills every setting of `command` still unset from the files, in precedence order. List settings
// are concatenated across files (project first), as uv does.
void apply_config_files(Settings& settings, std::uint32_t command, const std::vector<ConfigFile>& files);

}  // namespace ptinstall::config
