// Fuzz harness for the PEP 508 marker parser: whatever parses must print to a form that parses
// back to itself and evaluates the same, in a few environments, with and without extras.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"

using ptinstall::spec::Marker;
using ptinstall::spec::MarkerEnvironment;

namespace {

MarkerEnvironment make_env(bool linux) {
  MarkerEnvironment env;
  env.set("python_version", linux ? "3.12" : "3.9");
  env.set("python_full_version", linux ? "3.12.4" : "3.9.0rc1");
  env.set("os_name", linux ? "posix" : "nt");
  env.set("sys_platform", linux ? "linux" : "win32");
  env.set("platform_release", linux ? "6.1.0-28-amd64" : "10");
  env.set("platform_system", linux ? "Linux" : "Windows");
  env.set("platform_version", linux ? "#1 SMP" : "10.0.19045");
  env.set("platform_machine", linux ? "x86_64" : "AMD64");
  env.set("platform_python_implementation", "CPython");
  env.set("implementation_name", "cpython");
  env.set("implementation_version", linux ? "3.12.4" : "3.9.0rc1");
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Marker m;
  try {
    m = Marker::parse(text);
  } catch (const ptinstall::util::Error& e) {
    if (std::string_view(e.what()).find(" at column ") == std::string_view::npos) std::abort();
    return 0;
  }
  std::string printed = m.to_string();
  Marker again;
  try {
    again = Marker::parse(printed);
  } catch (const ptinstall::util::Error&) {
    std::abort();  // the printed form must parse
  }
  if (again.to_string() != printed || m.is_always_true()) std::abort();
  static const MarkerEnvironment envs[] = {make_env(true), make_env(false), MarkerEnvironment{}};
  for (const MarkerEnvironment& env : envs) {
    if (m.evaluate(env) != again.evaluate(env)) std::abort();
    if (m.evaluate(env, {"Test_Extra", "cuda"}) != again.evaluate(env, {"Test_Extra", "cuda"})) std::abort();
    bool both = Marker::conjunction(m, m).evaluate(env);
    if (both != m.evaluate(env)) std::abort();
  }
  for (const std::string& extra : m.referenced_extras()) {
    if (ptinstall::spec::normalize_extra(extra) != extra) std::abort();
  }
  Marker joined = Marker::conjunction(m, again);
  try {
    if (Marker::parse(joined.to_string()).to_string() != joined.to_string()) std::abort();
  } catch (const ptinstall::util::Error&) {
    std::abort();
  }
  return 0;
}
