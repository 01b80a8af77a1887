// Prints the supported tags of a described interpreter, best first, one per line, for the
// differential test tests/e2e/test_tags_differential.py.
//   tags_probe --impl cp --version 3.12 [--abi-flags t] [--abi pypy310_pp73] --os linux
//              --arch x86_64 [--glibc 2.36] [--musl 1.2] [--macos 14.0]
//   tags_probe --python-platform x86_64-manylinux_2_28 --version 3.12
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "ptinstall/spec/platform.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall;

static std::pair<int, int> pair_of(const std::string& s) {
  auto dot = s.find('.');
  if (dot == std::string::npos) return {std::stoi(s), 0};
  return {std::stoi(s.substr(0, dot)), std::stoi(s.substr(dot + 1))};
}

int main(int argc, char** argv) {
  try {
    spec::TagEnvironment env;
    std::string python_platform;
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << a << "\n";
        return 2;
      }
      std::string v = argv[++i];
      if (a == "--impl") env.implementation = v;
      else if (a == "--version") std::tie(env.py_major, env.py_minor) = pair_of(v);
      else if (a == "--abi-flags") env.abi_flags = v;
      else if (a == "--abi") env.abi = v;
      else if (a == "--os") env.os = v;
      else if (a == "--arch") env.arch = v;
      else if (a == "--glibc") env.glibc = pair_of(v);
      else if (a == "--musl") env.musl = pair_of(v);
      else if (a == "--macos") env.macos = pair_of(v);
      else if (a == "--python-platform") python_platform = v;
      else {
        std::cerr << "unknown option " << a << "\n";
        return 2;
      }
    }
    if (!python_platform.empty()) env = spec::apply_target(env, spec::parse_python_platform(python_platform));
    auto supported = spec::SupportedTags::for_environment(env);
    for (const auto& t : supported.ordered()) std::cout << t.to_string() << '\n';
    return 0;
  } catch (const util::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
    return 1;
  }
}
