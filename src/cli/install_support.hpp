// Pieces shared by `pip install` and `pip uninstall` (and later `pip sync`): the install scheme of an
// environment, the cache, and uv's summary lines.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "command.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/install/wheel_installer.hpp"
#include "ptinstall/ops/environment.hpp"
#include "ptinstall/python/environment.hpp"

namespace ptinstall::cli {

using ops::install_scheme;
using ops::lock_environment;
using ops::site_dirs;

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
