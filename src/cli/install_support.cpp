#include "install_support.hpp"

#include <algorithm>

#include "ptinstall/util/log.hpp"

#include <cstdio>

#include "environment.hpp"
#include "ptinstall/install/transaction.hpp"

namespace ptinstall::cli {

install::InstallScheme install_scheme(const python::Environment& env) {
  const auto& info = env.interpreter();
  const auto& s = env.scheme();
  install::InstallScheme scheme;
  scheme.purelib = s.purelib;
  scheme.platlib = s.platlib;
  scheme.scripts = s.scripts;
  scheme.data = s.data;
  // pip: <venv>/include/site/pythonX.Y/<name> in a virtual environment, else <include>/<name>.
  if (env.is_venv())
    scheme.headers = env.root() / "include" / "site" / ("python" + info.short_version());
  else if (env.kind() == python::SchemeKind::Target)
    scheme.headers = env.root() / "include" / "python";  // pip's --target: its temporary home scheme, moved
  else
    scheme.headers = s.include;
  // Shebangs name the venv's bin/python, as pip run by that interpreter writes them, whichever of
  // python/python3 discovery happened to run.
  scheme.python = info.executable;
  if (env.is_venv()) {
    std::error_code ec;
    auto plain = env.root() / "bin" / "python";
    if (std::filesystem::exists(plain, ec)) scheme.python = plain;
  }
  scheme.python_major = info.major;
  scheme.python_minor = info.minor;
  scheme.cache_tag = info.cache_tag;
  return scheme;
}

util::FileLock lock_environment(const python::Environment& env) {
  auto lock = env.lock();
  install::Transaction::recover_interrupted(install_scheme(env).roots());
  return lock;
}

std::vector<std::filesystem::path> site_dirs(const python::Environment& env) {
  std::vector<std::filesystem::path> dirs{env.scheme().purelib};
  if (env.scheme().platlib != env.scheme().purelib) dirs.push_back(env.scheme().platlib);
  return dirs;
}

install::Cache open_cache(const Invocation& inv) {
  if (inv.settings.flag("no-cache")) return install::Cache::temporary();
  auto dir = cache_dir(inv);
  return install::Cache::at(dir ? *dir : install::default_cache_dir(std::nullopt));
}

std::string format_elapsed(std::chrono::steady_clock::duration d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  char buf[32];
  if (us >= 1000000) std::snprintf(buf, sizeof buf, "%.2fs", static_cast<double>(us) / 1e6);
  else std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(us / 1000));
  return buf;
}

std::string packages(std::size_t n) { return std::to_string(n) + (n == 1 ? " package" : " packages"); }

void print_changes(const std::vector<std::pair<std::string, std::string>>& removed,
                   const std::vector<std::pair<std::string, std::string>>& added) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const auto& [n, v] : removed) lines.push_back({n + "\x01", " - " + n + "==" + v});
  for (const auto& [n, v] : added) lines.push_back({n + "\x02", " + " + n + "==" + v});
  std::sort(lines.begin(), lines.end());
  for (const auto& l : lines) util::log::info(l.second);
}

}  // namespace ptinstall::cli
