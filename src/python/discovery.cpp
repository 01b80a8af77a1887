#include "ptinstall/python/discovery.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/subprocess.hpp"

namespace ptinstall::python {

namespace {

bool is_executable_file(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

fs::path real_or_self(const fs::path& p) {
  std::error_code ec;
  auto r = fs::canonical(p, ec);
  return ec ? p : r;
}

fs::path resolve_against(const DiscoveryContext& ctx, std::string text) {
  if (text == "~" || text.rfind("~/", 0) == 0) {
    if (auto home = ctx.env("HOME")) text = *home + text.substr(1);
  }
  fs::path p(text);
  if (p.is_relative()) p = ctx.cwd / p;
  return p.lexically_normal();
}

// Parses "3", "3.12", "3.12.1"; nullopt on anything else.
std::optional<std::vector<int>> parse_version_numbers(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::vector<int> out;
  for (auto part : util::split(s, '.')) {
    if (part.empty() || part.size() > 4) return std::nullopt;
    int n = 0;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      n = n * 10 + (c - '0');
    }
    out.push_back(n);
  }
  if (out.size() > 3) return std::nullopt;
  return out;
}

std::string version_text(const std::vector<int>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "." : "") + std::to_string(v[i]);
  return s;
}

// Executable names worth trying for a request, most specific first.
std::vector<std::string> executable_names(const PythonRequest& r) {
  if (r.kind == PythonRequest::Kind::Name) return {r.name};
  if (r.version.size() >= 2)
    return {"python" + std::to_string(r.version[0]) + "." + std::to_string(r.version[1]),
            "python" + std::to_string(r.version[0]), "python"};
  if (r.version.size() == 1) return {"python" + std::to_string(r.version[0]), "python"};
  return {"python3", "python"};
}

std::string describe(const PythonRequest& r) {
  return r.kind == PythonRequest::Kind::Version && !r.version.empty() ? "Python " + version_text(r.version)
                                                                      : "`" + r.text + "`";
}

std::optional<InterpreterInfo> try_query(const fs::path& exe, const DiscoveryContext& ctx) {
  try {
    return query_interpreter(exe, QueryOptions{ctx.cache_dir});
  } catch (const util::Error& e) {
    util::log::debug("skipping " + exe.string() + ": " + e.what());
    return std::nullopt;
  }
}

Discovered query_environment_dir(const fs::path& dir, DiscoverySource source, const std::string& what,
                                  const DiscoveryContext& ctx) {
  auto exe = environment_executable(dir);
  if (!exe)
    throw util::Error(
        util::ErrorKind::Environment,
        what + " points to " + dir.string() + ", which holds no python interpreter (bin/python3)",
        "create the environment with `ptinstall venv " + dir.string() + "`, or point " + what + " elsewhere");
  return Discovered{query_interpreter(*exe, QueryOptions{ctx.cache_dir}), source, dir};
}

// An environment directory from VIRTUAL_ENV, CONDA_PREFIX or .venv, with where it came from.
struct Candidate {
  fs::path dir;
  DiscoverySource source;
  std::string what;
};

bool is_conda_base(const DiscoveryContext& ctx) {
  auto name = ctx.env("CONDA_DEFAULT_ENV");
  return name && (*name == "base" || *name == "root");
}

std::vector<Candidate> environment_candidates(const DiscoveryContext& ctx) {
  std::vector<Candidate> out;
  if (auto venv = ctx.env("VIRTUAL_ENV"))
    out.push_back({resolve_against(ctx, *venv), DiscoverySource::VirtualEnv, "VIRTUAL_ENV"});
  if (auto conda = ctx.env("CONDA_PREFIX")) {
    if (is_conda_base(ctx))
      util::log::debug("ignoring CONDA_PREFIX " + *conda + ": conda's base environment counts as a system python");
    else
      out.push_back({resolve_against(ctx, *conda), DiscoverySource::CondaPrefix, "CONDA_PREFIX"});
  }
  for (fs::path dir = ctx.cwd;; dir = dir.parent_path()) {
    fs::path candidate = dir / ".venv";
    if (is_dir(candidate)) {
      out.push_back({candidate, DiscoverySource::DotVenv, ".venv"});
      break;
    }
    if (dir == dir.parent_path() || dir.empty()) break;
  }
  return out;
}

std::vector<std::string> path_dirs(const DiscoveryContext& ctx) {
  std::vector<std::string> out;
  auto path = ctx.env("PATH");
  if (!path) return out;
  for (auto d : util::split(*path, ':')) out.emplace_back(d.empty() ? "." : d);
  return out;
}

// pyenv's installed versions, newest first.
std::vector<fs::path> pyenv_versions(const DiscoveryContext& ctx) {
  std::vector<std::pair<std::vector<int>, fs::path>> found;
  auto root = pyenv_root(ctx);
  if (!root) return {};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(*root / "versions", ec)) {
    if (!entry.is_directory(ec)) continue;
    std::string name = entry.path().filename().string();
    std::vector<int> key;
    for (auto part : util::split(name, '.')) {
      int n = 0;
      size_t i = 0;
      while (i < part.size() && std::isdigit(static_cast<unsigned char>(part[i]))) n = n * 10 + (part[i++] - '0');
      key.push_back(i ? n : -1);
    }
    found.emplace_back(key, entry.path());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second > b.second;
  });
  std::vector<fs::path> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

}  // namespace

DiscoveryContext DiscoveryContext::from_process(std::optional<fs::path> cache_dir) {
  DiscoveryContext ctx;
  ctx.cwd = fs::current_path();
  ctx.getenv = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  ctx.cache_dir = std::move(cache_dir);
  return ctx;
}

std::optional<std::string> DiscoveryContext::env(std::string_view name) const {
  if (!getenv) return std::nullopt;
  auto v = getenv(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

bool PythonRequest::matches(const InterpreterInfo& info) const {
  if (kind != Kind::Version) return true;
  const int have[3] = {info.major, info.minor, info.micro};
  for (size_t i = 0; i < version.size() && i < 3; ++i)
    if (version[i] != have[i]) return false;
  return true;
}

PythonRequest parse_python_request(std::string_view text) {
  std::string t(util::trim(text));
  if (t.empty()) throw util::Error("empty python request", "pass a path, an environment directory, or a version like 3.12");
  PythonRequest r;
  r.text = t;
  if (t.find('/') != std::string::npos || t.front() == '~' || t.front() == '.') {
    r.kind = PythonRequest::Kind::Path;
    r.path = t;
    return r;
  }
  std::string lower = util::to_lower(t);
  if (auto v = parse_version_numbers(lower)) {
    r.version = *v;
    return r;
  }
  for (std::string_view prefix : {"cpython@", "cpython-", "cpython", "python"}) {
    if (lower.rfind(prefix, 0) == 0) {
      std::string rest = lower.substr(prefix.size());
      if (rest.empty()) {
        r.kind = PythonRequest::Kind::Name;  // "python", "cpython": any version
        r.name = "python3";
        return r;
      }
      if (auto v = parse_version_numbers(rest)) {
        r.version = *v;
        return r;
      }
    }
  }
  // "cp312", "cp3"
  if (lower.size() >= 3 && lower.rfind("cp", 0) == 0) {
    std::string digits = lower.substr(2);
    if (std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      r.version = {digits[0] - '0'};
      if (digits.size() > 1) r.version.push_back(std::stoi(digits.substr(1)));
      return r;
    }
  }
  // An executable name such as "pypy3", or a relative path that exists.
  r.kind = PythonRequest::Kind::Name;
  r.name = t;
  return r;
}

std::string_view to_string(DiscoverySource source) {
  switch (source) {
    case DiscoverySource::PythonFlag: return "--python";
    case DiscoverySource::VirtualEnv: return "VIRTUAL_ENV";
    case DiscoverySource::CondaPrefix: return "CONDA_PREFIX";
    case DiscoverySource::DotVenv: return ".venv";
    case DiscoverySource::System: return "system";
    case DiscoverySource::SearchPath: return "PATH";
    case DiscoverySource::Pyenv: return "pyenv";
  }
  return "?";
}

std::optional<fs::path> environment_executable(const fs::path& env_dir) {
  for (const char* name : {"bin/python3", "bin/python"}) {
    fs::path p = env_dir / name;
    if (is_executable_file(p)) return p;
  }
  return std::nullopt;
}

std::optional<fs::path> pyenv_root(const DiscoveryContext& ctx) {
  if (auto root = ctx.env("PYENV_ROOT")) return fs::path(*root);
  auto path = ctx.env("PATH");
  std::string pyenv = util::find_on_path("pyenv", path ? path->c_str() : "");
  if (!pyenv.empty()) {
    auto res = util::run_process({pyenv, "root"});
    if (res && res->exit_code == 0) {
      std::string root(util::trim(res->out));
      if (!root.empty() && is_dir(root)) return fs::path(root);
    }
  }
  if (auto home = ctx.env("HOME")) {
    fs::path p = fs::path(*home) / ".pyenv";
    if (is_dir(p / "versions")) return p;
  }
  return std::nullopt;
}

Discovered find_interpreter(const PythonRequest& request, const DiscoveryContext& ctx, bool include_environments) {
  if (request.kind == PythonRequest::Kind::Path ||
      (request.kind == PythonRequest::Kind::Name && fs::exists(ctx.cwd / request.name))) {
    fs::path p = resolve_against(ctx, request.kind == PythonRequest::Kind::Path ? request.path.string() : request.name);
    std::error_code ec;
    if (is_dir(p)) {
      auto exe = environment_executable(p);
      if (!exe)
        throw util::Error(util::ErrorKind::Environment, "no python interpreter found in " + p.string(),
                          "a directory given to --python must be an environment with bin/python3");
      return {query_interpreter(*exe, QueryOptions{ctx.cache_dir}), DiscoverySource::PythonFlag, p};
    }
    if (!fs::exists(p, ec))
      throw util::Error(util::ErrorKind::Environment,
                        "no python interpreter at " + p.string() + ": the path does not exist");
    return {query_interpreter(p, QueryOptions{ctx.cache_dir}), DiscoverySource::PythonFlag, p};
  }

  std::set<fs::path> tried;
  auto try_exe = [&](const fs::path& exe) -> std::optional<InterpreterInfo> {
    if (!is_executable_file(exe)) return std::nullopt;
    // The same file under two names (python3 -> python3.11, or a venv's python and its base) has
    // the same version: once it did not match, it never will.
    if (!tried.insert(real_or_self(exe)).second) return std::nullopt;
    auto info = try_query(exe, ctx);
    if (info && request.matches(*info)) return info;
    if (info) util::log::debug("skipping " + exe.string() + " (" + info->version + "): does not match " + request.text);
    return std::nullopt;
  };

  if (include_environments) {
    for (const auto& c : environment_candidates(ctx)) {
      auto exe = environment_executable(c.dir);
      if (!exe) continue;
      if (auto info = try_exe(*exe)) return {*info, c.source, c.dir};
    }
  }
  auto names = executable_names(request);
  for (const auto& dir : path_dirs(ctx)) {
    for (const auto& name : names) {
      fs::path exe = resolve_against(ctx, dir) / name;
      if (auto info = try_exe(exe)) return {*info, DiscoverySource::SearchPath, exe};
    }
  }
  for (const auto& version_dir : pyenv_versions(ctx)) {
    for (const auto& name : names) {
      fs::path exe = version_dir / "bin" / name;
      if (auto info = try_exe(exe)) return {*info, DiscoverySource::Pyenv, exe};
    }
  }
  throw util::Error(
      util::ErrorKind::Environment,
      "no interpreter found for " + describe(request) +
          (include_environments ? " in the active environments, on PATH or in pyenv" : " on PATH or in pyenv"),
      "install it, or pass the path of an interpreter with --python");
}

Discovered find_system_interpreter(const DiscoveryContext& ctx, bool allow_venv) {
  for (const auto& dir : path_dirs(ctx)) {
    for (const char* name : {"python3", "python"}) {
      fs::path exe = resolve_against(ctx, dir) / name;
      if (!is_executable_file(exe)) continue;
      auto info = try_query(exe, ctx);
      if (!info) continue;
      if (info->is_venv && !allow_venv) {
        util::log::debug("skipping " + exe.string() + ": it belongs to a virtual environment");
        continue;
      }
      return {*info, DiscoverySource::System, exe};
    }
  }
  throw util::Error(util::ErrorKind::Environment, "no python3 found on PATH",
                    "install Python 3, or pass the interpreter with --python");
}

Discovered find_environment(const DiscoveryRequest& request, const DiscoveryContext& ctx) {
  if (request.python) {
    auto d = find_interpreter(parse_python_request(*request.python), ctx, !request.system);
    if (d.source == DiscoverySource::SearchPath || d.source == DiscoverySource::Pyenv) d.source = DiscoverySource::PythonFlag;
    return d;
  }
  if (request.system) return find_system_interpreter(ctx);
  for (const auto& c : environment_candidates(ctx)) {
    if (c.source == DiscoverySource::DotVenv && !environment_executable(c.dir)) {
      util::log::debug("ignoring " + c.dir.string() + ": no bin/python3 in it");
      continue;
    }
    return query_environment_dir(c.dir, c.source, c.what, ctx);
  }
  throw util::Error(util::ErrorKind::Environment, "no virtual environment found",
                    "create one with `ptinstall venv` (then activate it or run from its directory), or pass --system "
                    "to use the first python3 on PATH");
}

}  // namespace ptinstall::python
