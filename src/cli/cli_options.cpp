#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "cli_options.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::cli {
namespace {

using config::Kind;
using config::SettingSpec;

// The long name a user typed, for messages: "--index-url" from "-i,--index-url".
std::string long_flag(std::string_view flags) {
  for (auto part : util::split(flags, ','))
    if (part.rfind("--", 0) == 0) return std::string(part);  // the positive spelling (`!--no-x` is skipped)
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

}  // namespace

void declare_options(CLI::App& app, std::uint32_t bit, DeclaredOptions& out) {
  for (const auto& spec : config::all_settings()) {
    if (!(spec.commands & bit) || spec.flags.empty()) continue;
    std::string key(spec.key), flags, negations, help = help_text(spec);
    // `!--no-x`: a hidden flag that sets the setting to false (uv hides its negations too); giving both
    // spellings is a usage error, as with uv.
    for (auto part : util::split(spec.flags, ',')) {
      std::string& into = !part.empty() && part[0] == '!' ? negations : flags;
      into += (into.empty() ? "" : ",") + std::string(part[0] == '!' ? part.substr(1) : part);
    }
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
    if (!negations.empty()) out.negations[key] = {app.add_flag(negations)->group(""), long_flag(negations)};
  }
  app.footer(settings_without_flags(bit));
}

config::Settings collect(const DeclaredOptions& declared) {
  config::Settings settings;
  for (const auto& [key, neg] : declared.negations) {
    if (neg.option->count() == 0) continue;
    if (declared.options.at(key)->count() > 0)
      throw util::Error(util::ErrorKind::Usage, long_flag(config::find_setting(key)->flags) + " and " + neg.name +
                                                    " cannot be used together",
                        "give one of them");
    settings.set(key, {{"false"}, config::Source::CommandLine, neg.name});
  }
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
  if (settings.flag("no-color")) return false;  // pip's spelling of --color never
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

void print_error(const util::Error& e, bool offline) {
  util::log::error(e.what());
  std::string hint = e.hint().empty() ? util::default_hint(e.kind(), offline) : e.hint();
  if (!hint.empty()) util::log::hint(hint);
  util::log::debug("error kind: " + std::string(util::to_string(e.kind())));
}

}  // namespace ptinstall::cli
