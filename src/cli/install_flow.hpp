// `pip install` and `pip sync`: parse, call the pipeline (src/ops), print uv's summary.
#pragma once

#include "command.hpp"

namespace ptinstall::cli {

// `pip install` (positionals are requirements) or `pip sync` (positionals are requirements files;
// only the listed requirements are installed, without their dependencies, and installed
// distributions that they do not name are removed).
enum class FlowMode { Install, Sync };
int run_resolving_flow(Invocation& inv, FlowMode mode);

}  // namespace ptinstall::cli
