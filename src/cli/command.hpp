// What every command handler receives, and the table of commands (src/cli/commands.cpp).
// A command is one file, src/cli/<command>.cpp, holding one handler.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ptinstall/config/settings.hpp"

namespace ptinstall::cli {

struct Invocation {
  std::uint32_t command = 0;           // config::Command bit
  std::string name;                    // "pip install", "venv", ...
  config::Settings settings;           // command line merged with the environment
  std::vector<std::string> args;       // positional arguments
  std::vector<std::string> command_line;  // argv after the program name, as given (compile's header)
  std::vector<std::string> config_files;  // the config files in effect, highest precedence first
};

using Handler = int (*)(Invocation&);

struct CommandDef {
  const char* group;                   // "pip", "cache" or "" for top-level commands
  const char* name;
  const char* help;
  std::uint32_t bit;
  const char* positional;              // name of the positional arguments, or nullptr for none
  bool positional_required;
  Handler handler;
  bool hidden = false;                 // left out of --help (generate-man-page)
};

const std::vector<CommandDef>& commands();

// Handlers, one per file. Those not written yet answer `error: ... is not supported yet`.
int run_pip_install(Invocation&);
int run_pip_uninstall(Invocation&);
int run_pip_list(Invocation&);
int run_pip_freeze(Invocation&);
int run_pip_show(Invocation&);
int run_pip_check(Invocation&);
int run_pip_compile(Invocation&);
int run_pip_lock(Invocation&);
int run_pip_sync(Invocation&);
int run_venv(Invocation&);
int run_torch_backend(Invocation&);
int run_generate_shell_completion(Invocation&);
int run_generate_man_page(Invocation&);
int run_pip_tree(Invocation&);
int run_pip_download(Invocation&);
int run_cache_dir(Invocation&);
int run_cache_clean(Invocation&);
int run_cache_prune(Invocation&);
int run_cache_size(Invocation&);

// For handlers that are declared but not built yet.
[[noreturn]] void not_supported_yet(const Invocation& inv);

}  // namespace ptinstall::cli
