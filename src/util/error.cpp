#include "ptinstall/util/error.hpp"

namespace ptinstall::util {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Other: return "other";
    case ErrorKind::Usage: return "usage";
    case ErrorKind::Network: return "network";
    case ErrorKind::Index: return "index";
    case ErrorKind::Resolution: return "resolution";
    case ErrorKind::Hash: return "hash";
    case ErrorKind::Wheel: return "wheel";
    case ErrorKind::Environment: return "environment";
    case ErrorKind::Build: return "build";
    case ErrorKind::Io: return "io";
  }
  return "other";
}

int exit_code_of(ErrorKind kind) { return kind == ErrorKind::Usage ? 2 : 1; }

}  // namespace ptinstall::util
