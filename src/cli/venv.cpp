// `ptinstall venv [PATH] [--python X] [--seed] [-c|--clear] [--allow-existing] [--prompt P] [--system-site-packages]
// [--relocatable]`, with uv's output.
#include <cstdlib>

#include <unistd.h>
#include <iostream>
#include <cstdio>
#include "command.hpp"
#include "environment.hpp"
#include "install_support.hpp"
#include "ptinstall/install/transaction.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/install/wheel_installer.hpp"
#include "ptinstall/python/environment.hpp"
#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/python/venv.hpp"
#include "ptinstall/util/link.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::cli {

namespace {

std::string shell_word(const std::string& s) {
  if (s.find_first_of(" \t'\"$`\\!&;|<>()*?[]#~") == std::string::npos) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string activate_command(const std::string& venv) {
  std::string shell;
  if (const char* s = std::getenv("SHELL")) shell = std::filesystem::path(s).filename().string();
  if (shell == "fish") return "source " + shell_word(venv + "/bin/activate.fish");
  if (shell == "csh" || shell == "tcsh") return "source " + shell_word(venv + "/bin/activate.csh");
  return "source " + shell_word(venv + "/bin/activate");
}

// --seed: pip's wheel goes in with our own installer, exactly as `ptinstall pip install <wheel>`
// places a local wheel (the wheel cache, the environment's scheme, one transaction), so the seeded
// pip is pip's file tree with INSTALLER `ptinstall`. Returns "pip==X.Y.Z".
std::string seed_pip(const Invocation& inv, const python::VenvResult& venv, const std::filesystem::path& wheel) {
  python::QueryOptions q;
  q.cache_dir = cache_dir(inv);
  auto env = python::Environment::open(python::query_interpreter(venv.python, q));
  auto lock = env.lock();
  const auto scheme = install_scheme(env);
  install::Cache cache = open_cache(inv);
  install::WheelCache wheel_cache(cache);
  auto unpacked = wheel_cache.unpack_file(wheel);
  auto info = install::WheelInfo::read(unpacked.dir, wheel.filename().string(), "pip");
  install::Transaction tx(scheme.roots());
  util::Linker linker(util::parse_link_mode(inv.settings.get_or("link-mode", "clone")));
  install::InstallOptions opts;
  opts.requested = true;
  install::install_wheel(info, scheme, linker, tx, opts);
  tx.commit();
  return "pip==" + info.version;
}

}  // namespace

namespace {

// An existing environment is replaced only when asked: --clear (UV_VENV_CLEAR), or a yes on a
// terminal; without a terminal the command refuses, as uv does, so that a script never wipes an
// environment (and what was installed in it) by running `venv` once too often.
void confirm_replacing(python::VenvOptions& options) {
  if (options.clear || options.allow_existing) return;
  std::filesystem::path p = std::filesystem::absolute(options.path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p / "pyvenv.cfg", ec)) return;
  std::string shown = options.path.string();
  if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
    std::fprintf(stderr, "A virtual environment already exists at `%s`. Do you want to replace it? [y/n] ", shown.c_str());
    std::fflush(stderr);
    std::string answer;
    std::getline(std::cin, answer);
    answer = util::to_lower(util::trim(answer));
    if (answer == "y" || answer == "yes") {
      options.clear = true;
      return;
    }
    throw util::Error(util::ErrorKind::Environment, "the virtual environment at `" + shown + "` was kept",
                      "pass --clear to replace it without asking");
  }
  throw util::Error(util::ErrorKind::Environment, "a virtual environment already exists at `" + shown + "`",
                    "pass --clear to replace it (or UV_VENV_CLEAR=1), or choose another path");
}

}  // namespace

int run_venv(Invocation& inv) {
  if (inv.args.size() > 1)
    throw util::Error("`ptinstall venv` takes one path, got " + std::to_string(inv.args.size()), "", 2);
  // Without a path: `.venv` in the working directory, or in the project directory that --project
  // (UV_PROJECT) names, as uv's `venv` does.
  std::string shown = ".venv";
  if (!inv.args.empty()) shown = inv.args.front();
  else if (auto project = inv.settings.get("project"); project && !project->empty())
    shown = (std::filesystem::path(*project) / ".venv").string();
  while (shown.size() > 1 && shown.back() == '/') shown.pop_back();

  auto ctx = discovery_context(inv);
  python::Discovered found = [&] {
    auto request = inv.settings.get("python");
    if (request && !request->empty())
      return python::find_interpreter(python::parse_python_request(*request), ctx, false);
    return python::find_system_interpreter(ctx, true);
  }();
  const auto& info = found.interpreter;

  python::VenvOptions options;
  options.path = shown;
  if (auto p = inv.settings.get("prompt"); p && !p->empty()) options.prompt = *p;
  options.clear = inv.settings.flag("clear");
  options.allow_existing = inv.settings.flag("allow-existing");
  if (options.clear && options.allow_existing) {
    // uv lets the later of the two win; here the command line wins over UV_VENV_CLEAR, and both on
    // the command line is a contradiction worth stopping at (one removes what the other keeps).
    const config::SettingValue* c = inv.settings.find("clear");
    if (c && c->source != config::Source::CommandLine)
      options.clear = false;
    else
      throw util::Error(util::ErrorKind::Usage, "--clear and --allow-existing contradict each other",
                        "--clear removes what is at the path, --allow-existing keeps it: pass one");
  }
  options.system_site_packages = inv.settings.flag("system-site-packages");
  options.relocatable = inv.settings.flag("relocatable");
  const bool seed = inv.settings.flag("seed");

  python::check_venv_path(options);
  confirm_replacing(options);
  std::optional<std::filesystem::path> pip_wheel;
  if (seed) {
    pip_wheel = python::find_pip_wheel(info, options.wheel_dirs);
    if (!pip_wheel) {
      std::string where = (info.stdlib / "ensurepip" / "_bundled").string();
      for (const auto& d : options.wheel_dirs) where += ", " + d.string();
      throw util::Error("no pip wheel found to seed the environment (looked in " + where + ")",
                        "create the environment without --seed");
    }
  }
  util::log::info("Using " + info.display_name() + " interpreter at: " +
                  (info.base_executable.empty() ? info.executable : info.base_executable).string());
  util::log::info(std::string("Creating virtual environment") + (seed ? " with seed packages" : "") +
                  " at: " + shown);
  auto result = python::create_venv(info, options);
  if (pip_wheel) util::log::info(" + " + seed_pip(inv, result, *pip_wheel));
  util::log::info("Activate with: " + activate_command(shown));
  return 0;
}

}  // namespace ptinstall::cli
