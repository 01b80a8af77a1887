#include "command.hpp"

namespace ptinstall::cli {

int run_pip_list(Invocation& inv) { not_supported_yet(inv); }

}  // namespace ptinstall::cli
