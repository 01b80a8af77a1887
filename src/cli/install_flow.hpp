// `pip install` from package indexes: requirements (arguments, -r, -c, --overrides) -> index set
// (with --torch-backend routing) -> resolution -> plan against the environment -> prepare (download,
// hash-check, unpack into the cache) -> install in one transaction, with uv's summary on stderr,
// --dry-run, and pip's --report.
#pragma once

#include "command.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/index/index_set.hpp"
#include "ptinstall/spec/marker.hpp"

namespace ptinstall::cli {

// Resolves and installs the requirements of a `pip install` invocation. Returns the exit code.
int run_resolving_install(Invocation& inv);

// The index set of an invocation: settings, requirements-file options and config files through
// config::build_index_config (pins of [tool.uv.sources] need a pyproject.toml, not read here yet).
index::IndexSetOptions index_options(const config::Settings& settings, const config::RequirementsFile& file,
                                     const spec::MarkerEnvironment& markers);

}  // namespace ptinstall::cli
