// The command table and the settings registry seen as a reference of the command line: each command's
// path and options with every spelling, value name and choices. Shell completions and the man page are
// generated from it, so they never disagree with --help.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "command.hpp"

namespace ptinstall::cli {

struct OptionReference {
  std::vector<std::string> long_names;   // "--index-url", ...
  std::vector<std::string> short_names;  // "-i", ...
  bool takes_value = false;
  std::string value_name;                // "URL" (empty: VALUE)
  std::vector<std::string> choices;
  std::string help;
  std::vector<std::string> env;
};

struct CommandReference {
  std::string group;  // "pip", "cache" or ""
  std::string name;
  std::string path;   // "pip install", "venv"
  std::string help;
  std::string positional;  // "PACKAGE", or empty
  std::vector<OptionReference> options;  // --help and -h are not listed
};

std::vector<OptionReference> options_of(std::uint32_t command_bit);
// Every visible command, in the table's order.
std::vector<CommandReference> command_reference();
// The command groups in order of first appearance ("pip", "cache").
std::vector<std::string> command_groups();

}  // namespace ptinstall::cli
