// `ptinstall pip install`: names, `name @ url` requirements, wheel files, -r/-c/--overrides files;
// everything goes through one path (install_flow.cpp): resolve, plan, prepare, install.
#include "command.hpp"
#include "install_flow.hpp"

namespace ptinstall::cli {

int run_pip_install(Invocation& inv) { return run_resolving_flow(inv, FlowMode::Install); }

}  // namespace ptinstall::cli
