#include "command.hpp"

namespace ptinstall::cli {

int run_torch_backend(Invocation& inv) { not_supported_yet(inv); }

}  // namespace ptinstall::cli
