// Marker environments for tests: a CPython on x86_64 Linux, as `packaging.markers.default_environment()`
// reports one, for the Python version a test wants.
#pragma once
#include <string>

#include "ptinstall/spec/marker.hpp"

namespace ptinstall::test {

// `full_version` like "3.11.7"; python_version is its first two parts.
inline spec::MarkerEnvironment linux_cpython(const std::string& full_version = "3.11.7") {
  spec::MarkerEnvironment env;
  auto second_dot = full_version.find('.', full_version.find('.') + 1);
  env.set("python_version", full_version.substr(0, second_dot));
  env.set("python_full_version", full_version);
  env.set("os_name", "posix");
  env.set("sys_platform", "linux");
  env.set("platform_system", "Linux");
  env.set("platform_machine", "x86_64");
  env.set("implementation_name", "cpython");
  env.set("implementation_version", full_version);
  env.set("platform_python_implementation", "CPython");
  return env;
}

}  // namespace ptinstall::test
