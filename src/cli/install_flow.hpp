// `pip install` from package indexes: requirements (arguments, -r, -c, --overrides) -> index set
// (with --torch-backend routing) -> resolution -> plan against the environment -> prepare (download,
// hash-check, unpack into the cache) -> install in one transaction, with uv's summary on stderr,
// --dry-run, and pip's --report.
#pragma once

#include "command.hpp"

namespace ptinstall::cli {

// Resolves and installs the requirements of a `pip install` invocation. Returns the exit code.
int run_resolving_install(Invocation& inv);

// `pip install` (positionals are requirements) or `pip sync` (positionals are requirements files;
// only the listed requirements are installed, without their dependencies, and installed
// distributions that they do not name are removed).
enum class FlowMode { Install, Sync };
int run_resolving_flow(Invocation& inv, FlowMode mode);

}  // namespace ptinstall::cli
