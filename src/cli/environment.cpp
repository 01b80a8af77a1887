#include "environment.hpp"

#include "compat_flags.hpp"

#include <cstdlib>

#include "ptinstall/config/settings.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::cli {

namespace {

// The first of a setting's variables that is set (non-empty).
const char* setting_env(std::string_view key) {
  if (const config::SettingSpec* spec = config::find_setting(key))
    for (auto name : spec->env)
      if (const char* v = std::getenv(std::string(name).c_str()); v && *v) return v;
  return nullptr;
}

}  // namespace

std::optional<std::filesystem::path> cache_dir(const Invocation& inv) {
  if (inv.settings.flag("no-cache")) return std::nullopt;
  if (auto dir = inv.settings.get("cache-dir"); dir && !dir->empty()) return std::filesystem::absolute(*dir);
  // Commands without the cache options (pip list, show, freeze, check, uninstall) still keep the
  // interpreter cache under the configured cache directory, never beside it.
  if (const char* no = setting_env("no-cache")) {
    std::string v = util::to_lower(no);
    if (v == "1" || v == "true" || v == "yes" || v == "on") return std::nullopt;
  }
  if (const char* dir = setting_env("cache-dir")) return std::filesystem::absolute(dir);
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "ptinstall";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".cache" / "ptinstall";
  return std::nullopt;
}

python::DiscoveryContext discovery_context(const Invocation& inv) {
  auto ctx = python::DiscoveryContext::from_process(cache_dir(inv));
  ctx.cwd = project_directory(inv.settings);  // --project: the .venv is looked for from there
  return ctx;
}

python::InterpreterInfo resolving_interpreter(const Invocation& inv) {
  auto ctx = discovery_context(inv);
  if (auto p = inv.settings.get("python"); p && !p->empty())
    return python::find_interpreter(python::parse_python_request(*p), ctx, true).interpreter;
  try {
    python::DiscoveryRequest request;
    request.system = inv.settings.flag("system");
    return python::find_environment(request, ctx).interpreter;
  } catch (const util::Error& e) {
    util::log::debug(std::string("no environment (") + e.what() + "); using the first python3 on PATH");
    return python::find_system_interpreter(ctx, true).interpreter;
  }
}

python::Environment target_environment(const Invocation& inv, bool modify) {
  auto ctx = discovery_context(inv);
  python::DiscoveryRequest request;
  request.python = inv.settings.get("python");
  if (request.python && request.python->empty()) request.python.reset();
  request.system = inv.settings.flag("system");
  auto found = python::find_environment(request, ctx);
  util::log::debug("using " + found.interpreter.display_name() + " at " + found.interpreter.executable.string() +
                   " (from " + std::string(python::to_string(found.source)) + ")");
  // pip's --require-virtualenv (PIP_REQUIRE_VIRTUALENV): a safety net against touching a system Python.
  if (inv.settings.flag("require-virtualenv") && !found.interpreter.is_venv)
    throw util::Error(util::ErrorKind::Environment,
                      "--require-virtualenv: " + found.interpreter.executable.string() + " is not in a virtual environment",
                      "create one with `ptinstall venv` and activate it, or name it with --python");
  python::EnvironmentOptions options;
  if (auto t = inv.settings.get("target"); t && !t->empty()) options.target = *t;
  if (auto p = inv.settings.get("prefix"); p && !p->empty()) options.prefix = *p;
  options.break_system_packages = inv.settings.flag("break-system-packages");
  options.modify = modify;
  return python::Environment::open(std::move(found.interpreter), options);
}

}  // namespace ptinstall::cli
