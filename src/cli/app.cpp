#include "ptinstall/cli/app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

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
namespace {

using config::Kind;
using config::SettingSpec;

// The long name a user typed, for messages: "--index-url" from "-i,--index-url".
std::string long_flag(std::string_view flags) {
  for (auto part : util::split(flags, ','))
    if (part.rfind("--", 0) == 0) return std::string(part);
  return std::string(flags);
}

std::string help_text(const SettingSpec& spec) {
  std::string help(spec.help);
  if (!spec.env.empty()) {
    help += " [env: ";
    for (size_t i = 0; i < spec.env.size(); ++i) help += (i ? ", " : "") + std::string(spec.env[i]);
    help += "]";
  }
  if (!spec.default_value.empty() && spec.kind == Kind::Value) help += " [default: " + std::string(spec.default_value) + "]";
  return help;
}

// The settings of a command that have no flag (environment variables and config-file keys only),
// listed after its options so that --help names every variable the command reads.
std::string settings_without_flags(std::uint32_t bit) {
  std::string out;
  for (const auto& spec : config::all_settings()) {
    if (!(spec.commands & bit) || !spec.flags.empty() || spec.env.empty()) continue;
    std::string names;
    for (auto name : spec.env) names += (names.empty() ? "" : ", ") + std::string(name);
    out += "  " + names + "\n      " + std::string(spec.help);
    if (!spec.default_value.empty() && spec.kind == Kind::Value) out += " [default: " + std::string(spec.default_value) + "]";
    if (!(spec.traits & config::kNoFileKey)) out += " [config: " + std::string(spec.key) + "]";
    out += "\n";
  }
  return out.empty() ? out : "Environment variables without a flag:\n" + out;
}

// Declares every registry setting of one command on its CLI11 subcommand, and remembers the
// CLI11 option per key so that the values can be collected after parsing.
struct DeclaredOptions {
  std::map<std::string, CLI::Option*> options;
  std::map<std::string, std::string> scalars;
  std::map<std::string, std::vector<std::string>> lists;
};

void declare_options(CLI::App& app, std::uint32_t bit, DeclaredOptions& out) {
  for (const auto& spec : config::all_settings()) {
    if (!(spec.commands & bit) || spec.flags.empty()) continue;
    std::string key(spec.key), flags(spec.flags), help = help_text(spec);
    CLI::Option* opt = nullptr;
    switch (spec.kind) {
      case Kind::Flag:
      case Kind::Count: opt = app.add_flag(flags)->description(help); break;
      case Kind::Value: opt = app.add_option(flags, out.scalars[key], help); break;
      // One value per occurrence (pip: `-f DIR name`), repeatable; never swallow the positionals.
      case Kind::List: opt = app.add_option(flags, out.lists[key], help)->allow_extra_args(false); break;
    }
    if (!spec.value_name.empty()) opt->type_name(std::string(spec.value_name));
    if (!spec.choices.empty()) {
      std::vector<std::string> choices(spec.choices.begin(), spec.choices.end());
      opt->check(CLI::IsMember(choices));
    }
    opt->group(spec.implemented ? "Options" : "Options (not supported yet)");
    out.options[key] = opt;
  }
  app.footer(settings_without_flags(bit));
}

config::Settings collect(const DeclaredOptions& declared) {
  config::Settings settings;
  for (const auto& [key, opt] : declared.options) {
    if (opt->count() == 0) continue;
    const SettingSpec* spec = config::find_setting(key);
    config::SettingValue value{{}, config::Source::CommandLine, long_flag(spec->flags)};
    switch (spec->kind) {
      case Kind::Flag: value.values = {"true"}; break;
      case Kind::Count: value.values = {std::to_string(opt->count())}; break;
      case Kind::Value: value.values = {declared.scalars.at(key)}; break;
      case Kind::List: value.values = declared.lists.at(key); break;
    }
    settings.set(key, std::move(value));
  }
  return settings;
}

bool want_color(const config::Settings& settings) {
  std::string mode = settings.get_or("color", "auto");
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return isatty(STDERR_FILENO) != 0;
}

// CLI11's messages start with a capital and name no command; ours are lower-case and say what to
// type instead ("did you mean").
int usage_error(const CLI::ParseError& e, int argc, char** argv, CLI::App& app) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto names_of = [](CLI::App* a) {
    std::vector<std::string> names;
    for (auto* s : a->get_subcommands([](CLI::App*) { return true; })) names.push_back(s->get_name());
    return names;
  };
  auto suggest = [](const std::string& word, const std::vector<std::string>& names) {
    std::string close = util::closest_match(word, names);
    return close.empty() ? "commands: " + util::join(names, ", ") : "did you mean `" + close + "`?";
  };
  // Walk down the command words the user gave to find the first one that is not a command.
  CLI::App* level = &app;
  std::string path = "ptinstall";
  for (const auto& arg : args) {
    if (arg.empty() || arg[0] == '-') break;
    auto names = names_of(level);
    if (names.empty()) break;
    CLI::App* next = nullptr;
    for (auto* s : level->get_subcommands([](CLI::App*) { return true; }))
      if (s->get_name() == arg) next = s;
    if (!next) {
      util::log::error("unrecognized command `" + path + " " + arg + "`");
      util::log::hint(suggest(arg, names));
      return 2;
    }
    level = next;
    path += " " + arg;
  }
  std::string message = e.what();
  if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  if (message == "a subcommand is required") {
    util::log::error("`" + path + "` needs a command");
    util::log::hint("commands: " + util::join(names_of(level), ", "));
    return 2;
  }
  const std::string unexpected = "the following argument was not expected: ";
  if (message.rfind(unexpected, 0) == 0) {
    std::string arg = message.substr(unexpected.size());
    std::vector<std::string> flags;
    for (const CLI::Option* opt : level->get_options())
      for (const auto& l : opt->get_lnames()) flags.push_back("--" + l);
    std::string close = arg.rfind("--", 0) == 0 ? util::closest_match(arg, flags) : "";
    util::log::error("unexpected argument `" + arg + "` for `" + path + "`");
    util::log::hint(close.empty() ? "see `" + path + " --help`" : "did you mean `" + close + "`?");
    return 2;
  }
  util::log::error(message);
  util::log::hint("see `" + path + " --help`");
  return 2;
}

// `offline`: --offline was given (changes the default hint of network errors).
void print_error(const util::Error& e, bool offline = false) {
  util::log::error(e.what());
  std::string hint = e.hint().empty() ? util::default_hint(e.kind(), offline) : e.hint();
  if (!hint.empty()) util::log::hint(hint);
  util::log::debug("error kind: " + std::string(util::to_string(e.kind())));
}

}  // namespace

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
