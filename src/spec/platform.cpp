#include "ptinstall/spec/platform.hpp"

#include <charconv>
#include <set>
#include <vector>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::spec {

namespace {

constexpr const char* kForms =
    "valid forms: linux, macos, windows, <arch>-unknown-linux-gnu, <arch>-unknown-linux-musl, "
    "<arch>-manylinux_<X>_<Y> (e.g. x86_64-manylinux_2_28), <arch>-manylinux2014, "
    "<arch>-musllinux_<X>_<Y>, x86_64-apple-darwin, aarch64-apple-darwin, x86_64-pc-windows-msvc, "
    "i686-pc-windows-msvc, aarch64-pc-windows-msvc; linux arches: x86_64, aarch64, i686, armv7l, "
    "ppc64le, ppc64, s390x, riscv64";

[[noreturn]] void invalid(std::string_view text, std::string_view why = {}) {
  std::string msg = "invalid python platform '" + std::string(text) + "'";
  if (!why.empty()) msg += ": " + std::string(why);
  throw util::Error(msg, kForms);
}

std::optional<int> to_int(std::string_view s) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "2_28" -> (2, 28)
std::optional<std::pair<int, int>> underscore_pair(std::string_view s) {
  auto parts = util::split(s, '_');
  if (parts.size() != 2) return std::nullopt;
  auto a = to_int(parts[0]), b = to_int(parts[1]);
  if (!a || !b) return std::nullopt;
  return std::pair{*a, *b};
}

std::optional<std::string> linux_arch(std::string_view a) {
  static const std::set<std::string, std::less<>> arches = {"x86_64", "aarch64", "i686",  "armv7l",
                                                            "ppc64le", "ppc64",  "s390x", "riscv64"};
  if (a == "x8664" || a == "amd64") return "x86_64";
  if (a == "arm64") return "aarch64";
  if (arches.count(a)) return std::string(a);
  return std::nullopt;
}

}  // namespace

std::pair<int, int> parse_macos_version(std::string_view text) {
  auto parts = util::split(util::trim(text), '.');
  if (parts.empty() || parts.size() > 3) throw util::Error("invalid macOS version '" + std::string(text) + "'");
  auto major = to_int(parts[0]);
  auto minor = parts.size() > 1 ? to_int(parts[1]) : std::optional<int>(0);
  if (!major || !minor || *major < 10) throw util::Error("invalid macOS version '" + std::string(text) + "'");
  return {*major, *minor};
}

TargetPlatform parse_python_platform(std::string_view raw) {
  std::string text = util::to_lower(util::trim(raw));
  if (text.empty()) invalid(raw, "empty");
  TargetPlatform t;
  if (text == "linux") return {"linux", "x86_64", std::pair{2, 17}, std::nullopt, std::nullopt};
  if (text == "windows") return {"windows", "x86_64", std::nullopt, std::nullopt, std::nullopt};
  if (text == "macos") return {"macos", "arm64", std::nullopt, std::nullopt, std::pair{13, 0}};

  auto dash = text.find('-');
  if (dash == std::string::npos) invalid(raw);
  std::string arch = text.substr(0, dash);
  std::string rest = text.substr(dash + 1);

  if (rest == "apple-darwin") {
    if (arch == "aarch64" || arch == "arm64") return {"macos", "arm64", std::nullopt, std::nullopt, std::pair{13, 0}};
    if (arch == "x86_64" || arch == "x8664") return {"macos", "x86_64", std::nullopt, std::nullopt, std::pair{13, 0}};
    invalid(raw, "unsupported macOS architecture '" + arch + "'");
  }
  if (rest == "pc-windows-msvc") {
    if (arch == "x86_64" || arch == "x8664" || arch == "amd64") arch = "x86_64";
    else if (arch == "i686" || arch == "x86") arch = "i686";
    else if (arch == "aarch64" || arch == "arm64") arch = "aarch64";
    else invalid(raw, "unsupported Windows architecture '" + arch + "'");
    return {"windows", arch, std::nullopt, std::nullopt, std::nullopt};
  }

  auto larch = linux_arch(arch);
  if (!larch) {
    // Anything else must be a Linux form; say which part is wrong when the rest is recognisable.
    if (rest == "unknown-linux-gnu" || rest == "unknown-linux-musl" || rest.rfind("manylinux", 0) == 0 ||
        rest.rfind("musllinux", 0) == 0)
      invalid(raw, "unsupported Linux architecture '" + arch + "'");
    invalid(raw);
  }
  t.os = "linux";
  t.arch = *larch;
  if (rest == "unknown-linux-gnu") {
    t.glibc = std::pair{2, 17};
  } else if (rest == "unknown-linux-musl") {
    t.musl = std::pair{1, 2};
  } else if (rest == "manylinux2014") {
    t.glibc = std::pair{2, 17};
  } else if (rest == "manylinux2010") {
    t.glibc = std::pair{2, 12};
  } else if (rest == "manylinux1") {
    t.glibc = std::pair{2, 5};
  } else if (rest.rfind("manylinux_", 0) == 0) {
    auto v = underscore_pair(std::string_view(rest).substr(10));
    if (!v || v->first < 2) invalid(raw, "expected manylinux_<X>_<Y> with a glibc version like 2_28");
    t.glibc = v;
  } else if (rest.rfind("musllinux_", 0) == 0) {
    auto v = underscore_pair(std::string_view(rest).substr(10));
    if (!v || v->first < 1) invalid(raw, "expected musllinux_<X>_<Y> with a musl version like 1_2");
    t.musl = v;
  } else {
    invalid(raw);
  }
  return t;
}

std::string TargetPlatform::to_string() const {
  auto ver = [](std::pair<int, int> v) { return std::to_string(v.first) + "_" + std::to_string(v.second); };
  if (os == "macos") return (arch == "arm64" ? std::string("aarch64") : arch) + "-apple-darwin";
  if (os == "windows") return arch + "-pc-windows-msvc";
  if (os == "linux") {
    if (glibc) return arch + "-manylinux_" + ver(*glibc);
    if (musl) return arch + "-musllinux_" + ver(*musl);
    return arch + "-linux";
  }
  return os + "-" + arch;
}

TagEnvironment apply_target(TagEnvironment env, const TargetPlatform& target) {
  env.os = target.os;
  env.arch = target.arch;
  env.glibc = target.glibc;
  env.musl = target.musl;
  env.macos = target.macos;
  return env;
}

PlatformMarkers marker_values(const TargetPlatform& t) {
  PlatformMarkers m;
  if (t.os == "windows") {
    m.sys_platform = "win32";
    m.platform_system = "Windows";
    m.os_name = "nt";
    m.platform_machine = t.arch == "x86_64" ? "AMD64" : t.arch == "i686" ? "x86" : t.arch == "aarch64" ? "ARM64" : t.arch;
  } else if (t.os == "macos") {
    m.sys_platform = "darwin";
    m.platform_system = "Darwin";
    m.os_name = "posix";
    m.platform_machine = t.arch == "aarch64" ? "arm64" : t.arch;
  } else {
    m.sys_platform = "linux";
    m.platform_system = "Linux";
    m.os_name = "posix";
    m.platform_machine = t.arch == "arm64" ? "aarch64" : t.arch;
  }
  return m;
}

}  // namespace ptinstall::spec
