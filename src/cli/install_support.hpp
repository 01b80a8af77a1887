// Pieces shared by `pip install` and `pip uninstall` (and later `pip sync`): the install scheme of an
// environment, the cache, and uv's summary lines.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "command.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/install/wheel_installer.hpp"
#include "ptinstall/python/environment.hpp"

namespace ptinstall::cli {

// Where each part of a wheel goes in `env` (pip's layout, headers included).
install::InstallScheme install_scheme(const python::Environment& env);

// Takes the lock of `env` (python::Environment::lock), then rolls back (or finishes) what a killed
// ptinstall left in it (install::Transaction::recover_interrupted), before anything reads it.
util::FileLock lock_environment(const python::Environment& env);

// The site-packages directories of `env` (purelib, and platlib when it differs).
std::vector<std::filesystem::path> site_dirs(const python::Environment& env);

// The cache of this invocation: --no-cache gives a temporary one removed at exit.
install::Cache open_cache(const Invocation& inv);

// uv's durations: "12ms" below a second, "1.52s" above.
std::string format_elapsed(std::chrono::steady_clock::duration d);
// "1 package" / "3 packages".
std::string packages(std::size_t n);

// The uv-style change lines on stderr, sorted by name, a removal before the addition of the same
// name: ` - name==old` then ` + name==new`.
void print_changes(const std::vector<std::pair<std::string, std::string>>& removed,
                   const std::vector<std::pair<std::string, std::string>>& added);

}  // namespace ptinstall::cli
