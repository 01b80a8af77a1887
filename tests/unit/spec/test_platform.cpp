#include <catch2/catch.hpp>

#include <string>

#include "ptinstall/spec/platform.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;
using ptinstall::util::Error;

namespace {
using P = std::optional<std::pair<int, int>>;
TargetPlatform tp(std::string os, std::string arch, P glibc, P musl, P macos) {
  return {std::move(os), std::move(arch), glibc, musl, macos};
}
}  // namespace

TEST_CASE("python platform aliases follow uv") {
  CHECK(parse_python_platform("linux") == tp("linux", "x86_64", std::pair{2, 17}, {}, {}));
  CHECK(parse_python_platform("windows") == tp("windows", "x86_64", {}, {}, {}));
  CHECK(parse_python_platform("macos") == tp("macos", "arm64", {}, {}, std::pair{13, 0}));
  CHECK(parse_python_platform("  Linux ") == parse_python_platform("linux"));
}

TEST_CASE("rust-style target triples") {
  CHECK(parse_python_platform("x86_64-unknown-linux-gnu") == tp("linux", "x86_64", std::pair{2, 17}, {}, {}));
  CHECK(parse_python_platform("aarch64-unknown-linux-gnu") == tp("linux", "aarch64", std::pair{2, 17}, {}, {}));
  CHECK(parse_python_platform("x86_64-unknown-linux-musl") == tp("linux", "x86_64", {}, std::pair{1, 2}, {}));
  CHECK(parse_python_platform("aarch64-unknown-linux-musl") == tp("linux", "aarch64", {}, std::pair{1, 2}, {}));
  CHECK(parse_python_platform("x86_64-pc-windows-msvc") == tp("windows", "x86_64", {}, {}, {}));
  CHECK(parse_python_platform("i686-pc-windows-msvc") == tp("windows", "i686", {}, {}, {}));
  CHECK(parse_python_platform("aarch64-pc-windows-msvc") == tp("windows", "aarch64", {}, {}, {}));
  CHECK(parse_python_platform("aarch64-apple-darwin") == tp("macos", "arm64", {}, {}, std::pair{13, 0}));
  CHECK(parse_python_platform("x86_64-apple-darwin") == tp("macos", "x86_64", {}, {}, std::pair{13, 0}));
  CHECK(parse_python_platform("x8664-unknown-linux-gnu").arch == "x86_64");  // uv's serde alias
}

TEST_CASE("manylinux and musllinux forms") {
  CHECK(parse_python_platform("x86_64-manylinux_2_28") == tp("linux", "x86_64", std::pair{2, 28}, {}, {}));
  CHECK(parse_python_platform("aarch64-manylinux_2_28") == tp("linux", "aarch64", std::pair{2, 28}, {}, {}));
  CHECK(parse_python_platform("x86_64-manylinux_2_40").glibc == std::pair{2, 40});
  CHECK(parse_python_platform("x86_64-manylinux2014").glibc == std::pair{2, 17});
  CHECK(parse_python_platform("i686-manylinux2010").glibc == std::pair{2, 12});
  CHECK(parse_python_platform("x86_64-manylinux1").glibc == std::pair{2, 5});
  CHECK(parse_python_platform("aarch64-musllinux_1_1") == tp("linux", "aarch64", {}, std::pair{1, 1}, {}));
  CHECK(parse_python_platform("arm64-manylinux_2_17").arch == "aarch64");
  for (std::string arch : {"ppc64le", "s390x", "armv7l", "riscv64", "i686", "ppc64"})
    CHECK(parse_python_platform(arch + "-manylinux_2_31").arch == arch);
}

TEST_CASE("invalid python platforms throw with the valid forms as hint") {
  for (const char* bad : {"", "solaris", "sparc-sun-solaris", "x86_64", "x86_64-manylinux_2", "x86_64-manylinux_2_x",
                          "x86_64-manylinux_1_5", "x86_64-musllinux_", "mips-unknown-linux-gnu", "powerpc-apple-darwin",
                          "riscv64-pc-windows-msvc", "x86_64-unknown-linux", "x86_64-manylinux_2_28_x86_64"}) {
    INFO(bad);
    try {
      parse_python_platform(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).rfind("invalid python platform '", 0) == 0);
      CHECK(std::string(e.hint()).find("x86_64-manylinux_2_28") != std::string::npos);
      CHECK(std::string(e.hint()).find("aarch64-apple-darwin") != std::string::npos);
    }
  }
  try {
    parse_python_platform("mips-unknown-linux-gnu");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("unsupported Linux architecture 'mips'") != std::string::npos);
  }
}

TEST_CASE("to_string gives a canonical form that parses back") {
  for (const char* s : {"x86_64-manylinux_2_28", "aarch64-musllinux_1_2", "aarch64-apple-darwin", "x86_64-apple-darwin",
                        "x86_64-pc-windows-msvc", "i686-pc-windows-msvc"}) {
    auto t = parse_python_platform(s);
    CHECK(t.to_string() == s);
    CHECK(parse_python_platform(t.to_string()) == t);
  }
  CHECK(parse_python_platform("linux").to_string() == "x86_64-manylinux_2_17");
  CHECK(parse_python_platform("macos").to_string() == "aarch64-apple-darwin");
}

TEST_CASE("marker values of a target") {
  auto lin = marker_values(parse_python_platform("aarch64-manylinux_2_28"));
  CHECK(lin.sys_platform == "linux");
  CHECK(lin.platform_system == "Linux");
  CHECK(lin.platform_machine == "aarch64");
  CHECK(lin.os_name == "posix");
  CHECK(lin.platform_release.empty());
  CHECK(lin.platform_version.empty());
  auto mac = marker_values(parse_python_platform("macos"));
  CHECK(mac.sys_platform == "darwin");
  CHECK(mac.platform_system == "Darwin");
  CHECK(mac.platform_machine == "arm64");
  CHECK(mac.os_name == "posix");
  auto win = marker_values(parse_python_platform("windows"));
  CHECK(win.sys_platform == "win32");
  CHECK(win.platform_system == "Windows");
  CHECK(win.platform_machine == "AMD64");
  CHECK(win.os_name == "nt");
  CHECK(marker_values(parse_python_platform("i686-pc-windows-msvc")).platform_machine == "x86");
  CHECK(marker_values(parse_python_platform("aarch64-pc-windows-msvc")).platform_machine == "ARM64");
  CHECK(marker_values(parse_python_platform("x86_64-apple-darwin")).platform_machine == "x86_64");
  CHECK(marker_values(parse_python_platform("x86_64-unknown-linux-musl")).platform_machine == "x86_64");
}

TEST_CASE("apply_target replaces the platform half of a TagEnvironment") {
  TagEnvironment env;
  env.py_major = 3;
  env.py_minor = 12;
  env.abi_flags = "";
  env.os = "linux";
  env.arch = "x86_64";
  env.glibc = std::pair{2, 36};
  auto mac = apply_target(env, parse_python_platform("aarch64-apple-darwin"));
  CHECK(mac.py_minor == 12);
  CHECK(mac.os == "macos");
  CHECK(mac.arch == "arm64");
  CHECK_FALSE(mac.glibc.has_value());
  CHECK(mac.macos == std::pair{13, 0});
  auto tags = SupportedTags::for_environment(mac);
  CHECK(tags.ordered().front().to_string() == "cp312-cp312-macosx_13_0_arm64");
  auto musl = SupportedTags::for_environment(apply_target(env, parse_python_platform("x86_64-unknown-linux-musl")));
  CHECK(musl.ordered().front().to_string() == "cp312-cp312-musllinux_1_2_x86_64");
  CHECK_FALSE(musl.is_supported(Tag::parse("cp312-cp312-manylinux_2_17_x86_64")));
  auto win = SupportedTags::for_environment(apply_target(env, parse_python_platform("windows")));
  CHECK(win.ordered().front().to_string() == "cp312-cp312-win_amd64");
}

TEST_CASE("macOS versions (MACOSX_DEPLOYMENT_TARGET)") {
  CHECK(parse_macos_version("13.0") == std::pair{13, 0});
  CHECK(parse_macos_version("14") == std::pair{14, 0});
  CHECK(parse_macos_version("10.15") == std::pair{10, 15});
  CHECK(parse_macos_version("10.9.5") == std::pair{10, 9});
  for (const char* bad : {"", "x", "9.0", "13.x", "1.2.3.4", "13."}) CHECK_THROWS_AS(parse_macos_version(bad), Error);
}
