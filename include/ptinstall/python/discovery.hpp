// Finding the interpreter to work with, in uv's order:
//   --python X      a path to an interpreter, a virtual environment directory, or a version request
//                   ("3.12", "3.12.1", "python3.12", "cpython3.12", "python3") searched among the
//                   active environments, then on PATH, then in pyenv's versions
//   --system        the first python3 on PATH
//   otherwise       VIRTUAL_ENV, then CONDA_PREFIX (not conda's base environment), then a .venv in
//                   the working directory or one of its parents; else util::Error with a hint.
// Everything the search reads from the process (working directory, environment variables) comes
// through DiscoveryContext, so tests can build fake trees.
#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/python/interpreter.hpp"

namespace ptinstall::python {

struct DiscoveryContext {
  fs::path cwd;
  std::function<std::optional<std::string>(std::string_view)> getenv;  // nullopt: unset
  std::optional<fs::path> cache_dir;                                    // interpreter cache

  // The real process: current directory and ::getenv.
  static DiscoveryContext from_process(std::optional<fs::path> cache_dir = std::nullopt);
  std::optional<std::string> env(std::string_view name) const;  // empty values count as unset
};

// A parsed --python value.
struct PythonRequest {
  enum class Kind { Path, Version, Name };
  Kind kind = Kind::Version;
  std::string text;            // as given
  fs::path path;               // Kind::Path: a file or a directory
  std::vector<int> version;    // Kind::Version: 1 to 3 numbers; empty for a bare "python3" name
  std::string name;            // Kind::Name: an executable name without version ("python3", "pypy3")
  bool matches(const InterpreterInfo& info) const;  // version prefix match (Path and Name: always)
};
// Throws util::Error on an empty request.
PythonRequest parse_python_request(std::string_view text);

enum class DiscoverySource { PythonFlag, VirtualEnv, CondaPrefix, DotVenv, System, SearchPath, Pyenv };
std::string_view to_string(DiscoverySource source);

struct Discovered {
  InterpreterInfo interpreter;
  DiscoverySource source;
  fs::path origin;  // the directory or executable it was found at
};

struct DiscoveryRequest {
  std::optional<std::string> python;  // --python
  bool system = false;                // --system
};

// The environment that pip commands act on (see the order above).
Discovered find_environment(const DiscoveryRequest& request, const DiscoveryContext& ctx);

// An interpreter for a request. `include_environments`: also try VIRTUAL_ENV, CONDA_PREFIX and
// .venv before PATH (pip commands); false for `venv`, which wants a base interpreter anyway.
Discovered find_interpreter(const PythonRequest& request, const DiscoveryContext& ctx, bool include_environments);

// The first python3 on PATH (then `python`); throws util::Error when there is none. Interpreters
// of virtual environments are skipped (--system) unless `allow_venv` (venv creation, which uses
// the base interpreter of whatever it finds).
Discovered find_system_interpreter(const DiscoveryContext& ctx, bool allow_venv = false);

// The interpreter inside an environment directory (bin/python3, bin/python); nullopt when none.
std::optional<fs::path> environment_executable(const fs::path& env_dir);

// pyenv's root: PYENV_ROOT, else `pyenv root`, else ~/.pyenv when it exists.
std::optional<fs::path> pyenv_root(const DiscoveryContext& ctx);

}  // namespace ptinstall::python
