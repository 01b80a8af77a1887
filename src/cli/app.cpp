#include "ptinstall/cli/app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "cli_options.hpp"
#include "command.hpp"
#include "compat_flags.hpp"
#include "ptinstall/config/config_files.hpp"
#include "ptinstall/config/settings.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/file_lock.hpp"
#include "ptinstall/config/client_options.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

#ifndef PTINSTALL_VERSION
#define PTINSTALL_VERSION "0.0.0"
#endif

// The git commit and date of the build (cmake/BuildInfo.cmake), linked into the executable only:
// weak, so that the unit tests, which link the cli library alone, do without.
extern "C" const char* ptinstall_build_commit() __attribute__((weak));

namespace ptinstall::cli {

namespace {

// uv's shape: "ptinstall 0.1.0 (f5a0d3f 2026-12-07)".
std::string version_text() {
  std::string v = std::string("ptinstall ") + PTINSTALL_VERSION;
  const char* commit = ptinstall_build_commit ? ptinstall_build_commit() : nullptr;
  if (commit && *commit) v += std::string(" (") + commit + ")";
  return v;
}

std::string group_help(const std::string& group) {
  std::vector<std::string> names;
  for (const auto& def : commands())
    if (def.group == group && !def.hidden) names.emplace_back(def.name);
  std::string what = group == "pip" ? "pip-compatible commands" : group == "cache" ? "Manage the cache" : group;
  return what + ": " + util::join(names, ", ");
}

const char* process_getenv(const char* name) { return std::getenv(name); }

// The environment as --isolated shows it to the settings: without PTINSTALL_*, UV_* and PIP_* variables.
const char* isolated_getenv(const char* name) {
  std::string_view n(name);
  if (n.starts_with("PTINSTALL_") || n.starts_with("UV_") || n.starts_with("PIP_")) return nullptr;
  return std::getenv(name);
}

// uv variables that change what uv's pip commands do and that ptinstall does not implement yet: set,
// they get a warning naming them instead of silence (a variable the registry reads is never listed).
void warn_unimplemented_uv_variables() {
  static const char* const kVariables[] = {"UV_PYTHON_PREFERENCE", "UV_EXCLUDE_NEWER_PACKAGE"};
  for (const char* name : kVariables) {
    const char* v = std::getenv(name);
    if (!v || !*v) continue;
    bool read = false;
    for (const auto& spec : config::all_settings())
      for (auto env : spec.env) read = read || env == name;
    if (!read) util::log::warn(std::string(name) + " is a uv setting ptinstall does not implement yet; ignored");
  }
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"ptinstall: a fast Python package installer with PyTorch backend selection", "ptinstall"};
  app.set_version_flag("-V,--version", version_text());
  app.require_subcommand(1);
  // Command groups ("pip", "cache") are made when the table names them first, in the table's order.
  std::map<std::string, CLI::App*> groups;

  struct Sub {
    const CommandDef* def;
    CLI::App* app;
    DeclaredOptions declared;
    std::vector<std::string> positionals;
  };
  std::vector<std::unique_ptr<Sub>> subs;
  // Only commands named on the command line get their options: CLI11 checks every new option against
  // the ones before it, and declaring all of them for every command was an eighth of a no-op
  // install's instructions. A command runs only when its name is an argument, so nothing is lost.
  std::set<std::string_view> named(argv + 1, argv + argc);
  for (const auto& def : commands()) {
    auto sub = std::make_unique<Sub>();
    sub->def = &def;
    CLI::App* parent = &app;
    if (*def.group) {
      if (!groups.count(def.group)) {
        groups[def.group] = app.add_subcommand(def.group, group_help(def.group));
        groups[def.group]->require_subcommand(1);
      }
      parent = groups[def.group];
    }
    sub->app = parent->add_subcommand(def.name, def.help);
    if (def.hidden) sub->app->group("");
    if (named.count(def.name)) declare_options(*sub->app, def.bit, sub->declared);
    if (def.positional) {
      auto* p = sub->app->add_option(def.positional, sub->positionals, "");
      if (def.positional_required) p->required();
    }
    subs.push_back(std::move(sub));
  }

  util::log::configure(0, false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e, argc, argv, app);
  }

  for (auto& sub : subs) {
    if (!sub->app->parsed()) continue;
    Invocation inv;
    inv.command = sub->def->bit;
    inv.name = std::string(sub->def->group).empty() ? sub->def->name
                                                     : std::string(sub->def->group) + " " + sub->def->name;
    inv.args = sub->positionals;
    for (int i = 1; i < argc; ++i) inv.command_line.emplace_back(argv[i]);
    try {
      inv.settings = collect(sub->declared);
      enter_directory(inv.settings);
      // --isolated (pip's isolated mode, uv's old --no-config): no PTINSTALL_*, UV_* or PIP_* variable
      // sets anything, and no config file is read.
      const bool isolated = inv.settings.flag("isolated");
      config::apply_environment(inv.settings, inv.command, isolated ? &isolated_getenv : &process_getenv);
      if (isolated) inv.settings.set("no-config", {{"true"}, config::Source::CommandLine, "--isolated"});
      util::log::configure(inv.settings.count("verbose") - inv.settings.count("quiet"), want_color(inv.settings));
      if (auto log = inv.settings.get("log"); log && !log->empty()) {
        util::log::set_log_file(*log);
        std::vector<std::string> shown;  // credentials in URLs never reach the log
        for (const auto& a : inv.command_line) shown.push_back(util::redact_url(a));
        util::log::debug("ptinstall " + util::join(shown, " "));
      }
      config::DiscoveryInputs discovery{project_directory(inv.settings),
                                        [](const char* n) -> const char* { return std::getenv(n); }};
      auto files = config::discover_config_files(inv.settings, discovery);
      for (const auto& f : files)
        util::log::debug("config file: " + f.path.string() + " (" + std::string(config::to_string(f.source)) + ")");
      config::apply_config_files(inv.settings, inv.command, files);
      for (const auto& f : files) inv.config_files.push_back(f.path.string());
      apply_compat_flags(inv.settings, inv.command);
      config::reject_unimplemented(inv.settings, inv.command);
      if (!isolated) warn_unimplemented_uv_variables();
      if (inv.settings.get("lock-timeout"))
        util::FileLock::set_default_timeout(std::chrono::milliseconds(
            static_cast<long long>(1000 * config::number_setting(inv.settings, "lock-timeout", false))));
      return sub->def->handler(inv);
    } catch (const util::Error& e) {
      print_error(e, inv.settings.flag("offline"));
      return e.exit_code();
    } catch (const std::exception& e) {
      // Anything else is a bug of ours; say so instead of crashing with a trace.
      util::log::error(std::string("internal error: ") + e.what());
      return 1;
    }
  }
  return 0;
}

}  // namespace ptinstall::cli
