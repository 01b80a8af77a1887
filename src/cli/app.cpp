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
#include "ptinstall/config/config_files.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"

#ifndef PTINSTALL_VERSION
#define PTINSTALL_VERSION "0.0.0"
#endif

namespace ptinstall::cli {

int run(int argc, char** argv) {
  CLI::App app{"ptinstall: a fast Python package installer with PyTorch backend selection", "ptinstall"};
  app.set_version_flag("-V,--version", std::string("ptinstall ") + PTINSTALL_VERSION);
  app.require_subcommand(1);
  CLI::App* pip = app.add_subcommand("pip", "pip-compatible commands: install, uninstall, list, freeze, show, check, compile, sync");
  pip->require_subcommand(1);

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
    CLI::App* parent = std::string_view(def.group) == "pip" ? pip : &app;
    sub->app = parent->add_subcommand(def.name, def.help);
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
      config::apply_environment(inv.settings, inv.command, [](const char* n) -> const char* { return std::getenv(n); });
      util::log::configure(inv.settings.count("verbose") - inv.settings.count("quiet"), want_color(inv.settings));
      config::DiscoveryInputs discovery{std::filesystem::current_path(),
                                        [](const char* n) -> const char* { return std::getenv(n); }};
      auto files = config::discover_config_files(inv.settings, discovery);
      for (const auto& f : files)
        util::log::debug("config file: " + f.path.string() + " (" + std::string(config::to_string(f.source)) + ")");
      config::apply_config_files(inv.settings, inv.command, files);
      for (const auto& f : files) inv.config_files.push_back(f.path.string());
      config::reject_unimplemented(inv.settings, inv.command);
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
