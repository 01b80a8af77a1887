// Target platforms given as uv's `--python-platform` strings (resolve or install for another
// machine): the platform half of a TagEnvironment plus the marker values that follow from it.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ptinstall/spec/tags.hpp"

namespace ptinstall::spec {

struct TargetPlatform {
  std::string os;    // "linux", "macos", "windows"
  std::string arch;  // linux: x86_64, aarch64, i686, ...; macos: x86_64, arm64; windows: x86_64, i686, aarch64
  std::optional<std::pair<int, int>> glibc, musl, macos;

  std::string to_string() const;  // canonical form, e.g. "x86_64-manylinux_2_28", "aarch64-apple-darwin"
  bool operator==(const TargetPlatform&) const = default;
};

// Accepts (case-insensitive):
//   linux | windows | macos                          x86_64 glibc 2.17 | x86_64 | arm64 macOS 13.0
//   <arch>-unknown-linux-gnu                         glibc 2.17 (uv's default)
//   <arch>-unknown-linux-musl                        musl 1.2
//   <arch>-manylinux_<X>_<Y> | <arch>-manylinux2014|2010|1
//   <arch>-musllinux_<X>_<Y>
//   <arch>-apple-darwin                              macOS 13.0 (the oldest non-EOL release, as uv)
//   <arch>-pc-windows-msvc                           x86_64, i686, aarch64
// Linux arches: x86_64, aarch64, i686, armv7l, ppc64le, ppc64, s390x, riscv64 (arm64, amd64 and
// x8664 are accepted as aliases). Throws util::Error whose hint lists the valid forms.
TargetPlatform parse_python_platform(std::string_view text);

// "13.0", "14", "10.15" -> (major, minor); throws util::Error otherwise (MACOSX_DEPLOYMENT_TARGET).
std::pair<int, int> parse_macos_version(std::string_view text);

// Replaces the platform fields (os, arch, glibc, musl, macos) of `env` by the target's.
TagEnvironment apply_target(TagEnvironment env, const TargetPlatform& target);

// Marker values implied by a target, as CPython reports them on such a machine:
// platform_machine is "x86_64"/"aarch64" on Linux, "x86_64"/"arm64" on macOS and
// "AMD64"/"x86"/"ARM64" on Windows. platform_release and platform_version are unknowable for a
// foreign machine and are given as "" (what uv does).
struct PlatformMarkers {
  std::string sys_platform, platform_system, platform_machine, os_name, platform_release, platform_version;
};
PlatformMarkers marker_values(const TargetPlatform& target);

}  // namespace ptinstall::spec
