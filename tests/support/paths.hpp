// Where the tests find the source tree and the built binary: ctest sets these variables
// (tests/CMakeLists.txt); running a test binary by hand falls back to the usual layout.
#pragma once
#include <cstdlib>
#include <string>

namespace ptinstall::test {

inline std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
inline std::string source_dir() { return env_or("PTINSTALL_SOURCE_DIR", "."); }
inline std::string binary_path() { return env_or("PTINSTALL_BINARY", "./build/ptinstall"); }

}  // namespace ptinstall::test
