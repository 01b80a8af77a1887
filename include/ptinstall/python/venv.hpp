// Creating a virtual environment the way `python -m venv` and `uv venv` lay it out on POSIX:
//   pyvenv.cfg                       home, implementation, version_info, include-system-site-packages,
//                                    prompt (when given), ptinstall = <version>
//   bin/python -> <base interpreter>, bin/python3 and bin/pythonX.Y -> python
//   bin/activate, activate.fish, activate.csh (our own scripts)
//   lib/pythonX.Y/site-packages      (the interpreter's venv scheme), lib64 -> lib on 64-bit Linux
//   .gitignore                       "*", so the environment never gets committed
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/python/interpreter.hpp"

namespace ptinstall::python {

struct VenvOptions {
  fs::path path = ".venv";
  std::optional<std::string> prompt;  // default: the directory name; "." means the working directory's name
  bool clear = false;                 // remove whatever is at path first
  bool system_site_packages = false;
  std::vector<fs::path> wheel_dirs = {"/usr/share/python-wheels"};  // where find_pip_wheel looks after ensurepip
};

struct VenvResult {
  fs::path path;                // absolute
  fs::path python;              // <path>/bin/python
  fs::path base_executable;     // what bin/python points to
  std::string prompt;
  bool replaced = false;        // an existing environment was replaced
};

// `interpreter` may be a venv's interpreter: the venv is then created from its base interpreter.
// Throws util::Error (with the hint --clear) when path exists and is neither an empty directory
// nor a virtual environment. Seeding (`ptinstall venv --seed`) is done by the command with the
// installer, from the wheel find_pip_wheel finds.
VenvResult create_venv(const InterpreterInfo& interpreter, const VenvOptions& options);

// The refusals of create_venv, checked without changing anything (so a command can fail before
// it prints what it is about to do).
void check_venv_path(const VenvOptions& options);

// The newest pip wheel bundled with the interpreter (<stdlib>/ensurepip/_bundled/pip-*.whl), else
// in one of `wheel_dirs`; nullopt when there is none.
std::optional<fs::path> find_pip_wheel(const InterpreterInfo& interpreter, const std::vector<fs::path>& wheel_dirs);

// The activation scripts, for tests: bash/zsh, fish, csh.
std::string activate_sh(const fs::path& venv, const std::string& prompt);
std::string activate_fish(const fs::path& venv, const std::string& prompt);
std::string activate_csh(const fs::path& venv, const std::string& prompt);

// Whether `dir` looks like a virtual environment (has a pyvenv.cfg).
bool is_venv_dir(const fs::path& dir);

}  // namespace ptinstall::python
