// Creating a virtual environment the way `python -m venv` and `uv venv` lay it out on POSIX:
//   pyvenv.cfg                       home, implementation, version_info, include-system-site-packages,
//                                    relocatable = true (--relocatable, as uv), prompt (when given),
//                                    ptinstall = <version>
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
  // uv's --relocatable: the activation scripts find the environment from their own location (bash,
  // zsh, ksh and fish; csh keeps the absolute path: a sourced csh script cannot tell where it is), and
  // installs into it write relative shebangs (venv_is_relocatable).
  bool relocatable = false;
  // uv's --allow-existing: write into `path` whatever it holds, removing nothing (an existing
  // environment keeps its packages; its pyvenv.cfg, bin/python links and activation scripts are
  // rewritten).
  bool allow_existing = false;
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
std::string activate_sh(const fs::path& venv, const std::string& prompt, bool relocatable = false);
std::string activate_fish(const fs::path& venv, const std::string& prompt, bool relocatable = false);
std::string activate_csh(const fs::path& venv, const std::string& prompt);

// Whether `dir` looks like a virtual environment (has a pyvenv.cfg).
bool is_venv_dir(const fs::path& dir);

// A key of the pyvenv.cfg at `dir` (keys compare case-insensitively, as site.py reads them);
// nullopt when the file or the key is missing.
std::optional<std::string> pyvenv_cfg_value(const fs::path& dir, std::string_view key);

// Whether the virtual environment at `dir` was made relocatable (`relocatable = true` in its
// pyvenv.cfg, written by `venv --relocatable` here and in uv).
bool venv_is_relocatable(const fs::path& dir);

// The user site-packages (site.USER_SITE on POSIX: $PYTHONUSERBASE, else ~/.local, then
// lib/pythonX.Y/site-packages), and whether `interpreter` imports from it (site.ENABLE_USER_SITE:
// not in a virtual environment without include-system-site-packages, not with PYTHONNOUSERSITE).
// Interpreter queries run with -s, so the user site is never in InterpreterInfo::sys_path.
fs::path user_site_packages(const InterpreterInfo& interpreter);
bool user_site_enabled(const InterpreterInfo& interpreter);

}  // namespace ptinstall::python
