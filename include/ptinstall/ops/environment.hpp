// The install side of a target environment: where each part of a wheel goes, its lock (with the
// recovery of what a killed ptinstall left), and its site-packages directories.
#pragma once
#include <filesystem>
#include <vector>

#include "ptinstall/install/wheel_installer.hpp"
#include "ptinstall/python/environment.hpp"
#include "ptinstall/util/file_lock.hpp"

namespace ptinstall::ops {

// Where each part of a wheel goes in `env` (pip's layout, headers included).
install::InstallScheme install_scheme(const python::Environment& env);

// Takes the lock of `env` (python::Environment::lock), then rolls back (or finishes) what a killed
// ptinstall left in it (install::Transaction::recover_interrupted), before anything reads it.
util::FileLock lock_environment(const python::Environment& env);

// The site-packages directories of `env` (purelib, and platlib when it differs).
std::vector<std::filesystem::path> site_dirs(const python::Environment& env);

}  // namespace ptinstall::ops
