#include "command.hpp"

namespace ptinstall::cli {

int run_pip_uninstall(Invocation& inv) { not_supported_yet(inv); }

}  // namespace ptinstall::cli
