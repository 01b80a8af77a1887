// Helpers shared by the python-layer tests: a real interpreter to query, and fake interpreters
// (shell scripts printing a query answer) for discovery tests that need many versions.
#pragma once
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "ptinstall/python/discovery.hpp"
#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/util/subprocess.hpp"

namespace ptinstall::test {

namespace fs = std::filesystem;

// /usr/bin/python3, else the first python3 on PATH; empty when there is none.
inline std::string real_python() {
  if (access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return util::find_on_path("python3");
}

inline void write_text(const fs::path& p, const std::string& text, bool executable = false) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  if (executable) chmod(p.c_str(), 0755);
}

// A fake interpreter at `exe`: a shell script that prints the query answer of a Python of
// `version`, with the given prefix and venv flag. It ignores its arguments.
inline void make_fake_python(const fs::path& exe, const std::string& version, const fs::path& prefix,
                             bool is_venv = false, std::optional<fs::path> externally_managed = std::nullopt) {
  python::InterpreterInfo info;
  info.executable = exe;
  info.base_executable = exe;
  info.prefix = info.base_prefix = info.exec_prefix = info.base_exec_prefix = prefix;
  if (is_venv) info.base_prefix = info.base_exec_prefix = "/usr";
  info.is_venv = is_venv;
  info.version = version;
  int parts[3] = {0, 0, 0};
  std::sscanf(version.c_str(), "%d.%d.%d", &parts[0], &parts[1], &parts[2]);
  info.major = parts[0];
  info.minor = parts[1];
  info.micro = parts[2];
  info.release_level = "final";
  info.implementation_name = "cpython";
  info.implementation_version = version;
  info.implementation_display = "CPython";
  std::string xy = std::to_string(info.major) + "." + std::to_string(info.minor);
  info.paths = {prefix / "lib" / ("python" + xy) / "site-packages", prefix / "lib" / ("python" + xy) / "site-packages",
                prefix / "bin", prefix, prefix / "include" / ("python" + xy)};
  info.placeholder = "/__ptinstall_prefix__";
  fs::path ph = info.placeholder;
  info.prefix_template = {ph / "lib" / ("python" + xy) / "site-packages", ph / "lib" / ("python" + xy) / "site-packages",
                          ph / "bin", ph, ph / "include" / ("python" + xy)};
  info.venv_template = info.prefix_template;
  info.prefix_scheme = info.venv_scheme = "posix_prefix";
  info.stdlib = prefix / "lib" / ("python" + xy);
  info.markers = {{"python_version", xy}, {"python_full_version", version}, {"os_name", "posix"},
                  {"sys_platform", "linux"}};
  info.pointer_bits = 64;
  info.externally_managed = externally_managed;
  write_text(exe, "#!/bin/sh\ncat <<'PTINSTALL_EOF'\n" + info.to_json() + "\nPTINSTALL_EOF\n", true);
}

// A context over a fake tree: working directory `cwd`, environment `vars` only.
inline python::DiscoveryContext fake_context(const fs::path& cwd, std::map<std::string, std::string> vars) {
  python::DiscoveryContext ctx;
  ctx.cwd = cwd;
  ctx.getenv = [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  return ctx;
}

}  // namespace ptinstall::test
