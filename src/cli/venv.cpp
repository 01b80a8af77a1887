#include "command.hpp"

namespace ptinstall::cli {

int run_venv(Invocation& inv) { not_supported_yet(inv); }

}  // namespace ptinstall::cli
