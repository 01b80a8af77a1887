// The CLI11 side of the one settings registry: each command's options declared from it, the values
// collected back into config::Settings after parsing, and CLI11's parse errors worded our way.
// Private to cli (CLI11 is included only by app.cpp and cli_options.cpp).
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ptinstall/config/settings.hpp"
#include "ptinstall/util/error.hpp"

namespace ptinstall::cli {

// The CLI11 option of every setting declared for one command, and where CLI11 puts the values.
struct DeclaredOptions {
  std::map<std::string, CLI::Option*> options;
  // A flag's hidden negation (`--no-upgrade` of `--upgrade`, from a `!--no-x` spelling in the registry),
  // with its long name for messages.
  struct Negation {
    CLI::Option* option;
    std::string name;
  };
  std::map<std::string, Negation> negations;
  std::map<std::string, std::string> scalars;
  std::map<std::string, std::vector<std::string>> lists;
};

// Declares every registry setting of command `bit` (and a footer listing its flagless variables).
void declare_options(CLI::App& app, std::uint32_t bit, DeclaredOptions& out);
// The values given on the command line, as settings of source CommandLine.
config::Settings collect(const DeclaredOptions& declared);
// --color / NO_COLOR / a terminal.
bool want_color(const config::Settings& settings);
// CLI11's messages start with a capital and name no command; ours are lower-case and say what to
// type instead ("did you mean"). Returns the exit code (2).
int usage_error(const CLI::ParseError& e, int argc, char** argv, CLI::App& app);
// `error:` and `hint:` (the kind's default hint where the thrower gave none); `offline`: --offline
// was given (changes the default hint of network errors).
void print_error(const util::Error& e, bool offline = false);

}  // namespace ptinstall::cli
