// From settings to the python layer, shared by every command that needs an interpreter:
// the cache directory, the discovery context, and the target environment of pip commands.
#pragma once
#include <filesystem>
#include <optional>

#include "command.hpp"
#include "ptinstall/python/discovery.hpp"
#include "ptinstall/python/environment.hpp"

namespace ptinstall::cli {

// --cache-dir (PTINSTALL_CACHE_DIR, UV_CACHE_DIR), else $XDG_CACHE_HOME/ptinstall, else
// ~/.cache/ptinstall; nullopt with --no-cache or when no home directory is known.
std::optional<std::filesystem::path> cache_dir(const Invocation& inv);

// The process's working directory and environment, with the interpreter cache.
python::DiscoveryContext discovery_context(const Invocation& inv);

// The interpreter whose markers and tags a command that changes no environment resolves for (pip
// compile, pip download): --python, else the active or nearest environment, else the first python3
// on PATH (no virtual environment is needed).
python::InterpreterInfo resolving_interpreter(const Invocation& inv);

// The environment pip commands act on: --python / --system / VIRTUAL_ENV / CONDA_PREFIX / .venv,
// then --target / --prefix and PEP 668 (--break-system-packages). `modify`: false for commands
// that only read the environment.
python::Environment target_environment(const Invocation& inv, bool modify);

}  // namespace ptinstall::cli
