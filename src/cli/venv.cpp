// `ptinstall venv [PATH] [--python X] [--seed] [--clear] [--prompt P]`, with uv's output.
#include <cstdlib>

#include "command.hpp"
#include "environment.hpp"
#include "ptinstall/python/venv.hpp"
#include "ptinstall/util/error.hpp"
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

}  // namespace

int run_venv(Invocation& inv) {
  if (inv.args.size() > 1)
    throw util::Error("`ptinstall venv` takes one path, got " + std::to_string(inv.args.size()), "", 2);
  std::string shown = inv.args.empty() ? ".venv" : inv.args.front();
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
  options.seed = inv.settings.flag("seed");

  python::check_venv_path(options);
  util::log::info("Using " + info.display_name() + " interpreter at: " +
                  (info.base_executable.empty() ? info.executable : info.base_executable).string());
  util::log::info(std::string("Creating virtual environment") + (options.seed ? " with seed packages" : "") +
                  " at: " + shown);
  auto result = python::create_venv(info, options);
  for (const auto& pkg : result.seeded) util::log::info(" + " + pkg);
  util::log::info("Activate with: " + activate_command(shown));
  return 0;
}

}  // namespace ptinstall::cli
