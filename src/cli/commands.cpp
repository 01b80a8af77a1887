#include "command.hpp"

#include "ptinstall/util/error.hpp"

namespace ptinstall::cli {

using namespace config;

const std::vector<CommandDef>& commands() {
  static const std::vector<CommandDef> table = {
      {"pip", "install", "Install packages into an environment", kInstall, "PACKAGE", false, run_pip_install},
      {"pip", "uninstall", "Uninstall packages from an environment", kUninstall, "PACKAGE", false, run_pip_uninstall},
      {"pip", "list", "List the installed packages", kList, nullptr, false, run_pip_list},
      {"pip", "freeze", "List the installed packages in requirements format", kFreeze, nullptr, false, run_pip_freeze},
      {"pip", "show", "Show information about installed packages", kShow, "PACKAGE", true, run_pip_show},
      {"pip", "check", "Verify that the installed packages have compatible dependencies", kCheck, nullptr, false,
       run_pip_check},
      {"pip", "compile", "Compile requirements into pinned requirements", kCompile, "SRC_FILE", false, run_pip_compile},
      {"pip", "lock", "Lock requirements into a pylock.toml (PEP 751)", kCompile, "PACKAGE", false, run_pip_lock},
      {"pip", "sync", "Make the environment match pinned requirements exactly", kSync, "SRC_FILE", false,
       run_pip_sync},
      {"pip", "download", "Download the files an install would use into a directory (-d DIR)", kDownload, "PACKAGE",
       false, run_pip_download},
      {"pip", "tree", "Show the installed packages as trees of their dependencies", kTree, nullptr, false, run_pip_tree},
      {"", "venv", "Create a virtual environment", kVenv, "PATH", false, run_venv},
      {"", "torch-backend", "Show which PyTorch backend --torch-backend=auto picks on this machine, and why",
       kTorchBackend, nullptr, false, run_torch_backend},
      {"cache", "dir", "Print the cache directory", kCacheDir, nullptr, false, run_cache_dir},
      {"cache", "clean", "Remove the whole cache, or the entries of the packages named", kCacheClean, "PACKAGE", false,
       run_cache_clean},
      {"cache", "prune", "Remove unused cache entries (--ci: all but wheels built from source; --max-size)", kCachePrune,
       nullptr, false, run_cache_prune},
      {"cache", "size", "Print the size of the cache in bytes", kCacheSize, nullptr, false, run_cache_size},
      {"", "generate-shell-completion", "Print the shell completion script for bash, zsh or fish", kCompletion, "SHELL",
       true, run_generate_shell_completion},
      {"", "generate-man-page", "Print the man page (roff), generated from the option registry", kCompletion, nullptr,
       false, run_generate_man_page, true},
  };
  return table;
}

void not_supported_yet(const Invocation& inv) {
  throw util::Error("`ptinstall " + inv.name + "` is not supported yet",
                    "this command is declared but not implemented in this version of ptinstall");
}

}  // namespace ptinstall::cli
