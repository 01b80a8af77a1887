// `ptinstall pip sync`: makes the environment exactly the given requirements (like `uv pip sync`):
// the listed requirements are installed without their dependencies, other versions are replaced,
// and installed distributions the files do not name are removed. The work is the resolving install
// flow (install_flow.cpp, over src/ops) in its sync mode.
#include "command.hpp"
#include "install_flow.hpp"

namespace ptinstall::cli {

int run_pip_sync(Invocation& inv) { return run_resolving_flow(inv, FlowMode::Sync); }

}  // namespace ptinstall::cli
