// InterpreterInfo -> the spec layer's inputs: marker values (PEP 508) and tag ranking (PEP 425).
#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::python {

namespace {

// packaging.tags.interpreter_name(): the short names of the known implementations.
std::string short_implementation(const std::string& name) {
  if (name == "cpython") return "cp";
  if (name == "pypy") return "pp";
  if (name == "ironpython") return "ip";
  if (name == "jython") return "jy";
  if (name == "python") return "py";
  return name;
}

// packaging's _generic_abi(): the ABI tag from EXT_SUFFIX (".pypy310-pp73-x86_64-linux-gnu.so"
// -> "pypy310_pp73"); empty when it says nothing.
std::string generic_abi(const std::string& ext_suffix) {
  auto parts = util::split(ext_suffix, '.');
  if (parts.size() < 3) return {};
  std::string soabi(parts[1]);
  if (soabi.rfind("cpython", 0) == 0) return {};
  auto pieces = util::split(soabi, '-');
  if (pieces.size() >= 2 && (soabi.rfind("pypy", 0) == 0 || soabi.rfind("graalpy", 0) == 0))
    return std::string(pieces[0]) + "_" + std::string(pieces[1]);
  std::string out = soabi;
  for (char& c : out)
    if (c == '-' || c == '.') c = '_';
  return out;
}

// The architecture as packaging's platform tags name it, from sysconfig.get_platform()
// ("linux-x86_64", "macosx-11.0-arm64"), with a 32-bit interpreter on a 64-bit kernel
// reported as its 32-bit arch (packaging's _linux_platforms does the same).
std::string arch_of(const InterpreterInfo& info) {
  std::string plat = info.sysconfig_platform;
  std::string arch = plat.substr(plat.find_last_of('-') + 1);
  if (arch == plat || arch.empty()) arch = info.markers.count("platform_machine") ? info.markers.at("platform_machine") : "";
  if (info.pointer_bits == 32) {
    if (arch == "x86_64") arch = "i686";
    else if (arch == "aarch64") arch = "armv8l";
  }
  return arch;
}

}  // namespace

spec::MarkerEnvironment InterpreterInfo::marker_environment() const {
  spec::MarkerEnvironment env;
  for (const auto& [k, v] : markers) env.set(k, v);
  return env;
}

spec::TagEnvironment InterpreterInfo::tag_environment() const {
  spec::TagEnvironment env;
  env.implementation = short_implementation(implementation_name);
  env.py_major = major;
  env.py_minor = minor;
  env.abi_flags = abiflags;
  if (gil_disabled && env.abi_flags.find('t') == std::string::npos) env.abi_flags += "t";
  if (env.implementation != "cp") env.abi = generic_abi(ext_suffix);
  std::string sys_platform = markers.count("sys_platform") ? markers.at("sys_platform") : "";
  if (sys_platform.rfind("linux", 0) == 0)
    env.os = "linux";
  else if (sys_platform == "darwin")
    env.os = "macos";
  else if (sys_platform == "win32" || sys_platform == "cygwin")
    env.os = "windows";
  else
    env.os = sys_platform;
  env.arch = arch_of(*this);
  if (env.os == "macos" && sysconfig_platform.find("universal2") == std::string::npos)
    env.arch = markers.count("platform_machine") ? markers.at("platform_machine") : env.arch;
  env.glibc = parse_major_minor(glibc_version);
  env.musl = parse_major_minor(musl_version);
  env.macos = parse_major_minor(macos_version);
  return env;
}

}  // namespace ptinstall::python
