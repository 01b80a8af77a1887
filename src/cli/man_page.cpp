// `ptinstall generate-man-page` (hidden): ptinstall(1) in roff, generated from the command table and the
// settings registry like --help, so the two never disagree. The build writes it to build/ptinstall.1 and
// `cmake --install` puts it under share/man/man1 (cmake/Install.cmake).
#include <cstdio>
#include <set>
#include <string>

#include "command.hpp"
#include "command_reference.hpp"
#include "ptinstall/config/settings.hpp"

#ifndef PTINSTALL_VERSION
#define PTINSTALL_VERSION "0.0.0"
#endif

namespace ptinstall::cli {
namespace {

// Text for roff: backslashes escaped, hyphens as \-, a leading dot or quote neutralised.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string alternatives(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : "|") + w;
  return out;
}

std::string option_line(const OptionReference& o) {
  std::string line;
  auto add = [&line](const std::string& name) { line += (line.empty() ? "" : ", ") + ("\\fB" + roff(name) + "\\fR"); };
  for (const auto& s : o.short_names) add(s);
  for (const auto& l : o.long_names) add(l);
  if (o.takes_value) {
    std::string value = !o.choices.empty() ? alternatives(o.choices) : o.value_name.empty() ? "VALUE" : o.value_name;
    line += " \\fI" + roff(value) + "\\fR";
  }
  return line;
}

}  // namespace

std::string man_page() {
  std::string s;
  s += ".TH PTINSTALL 1 \"\" \"ptinstall " PTINSTALL_VERSION "\" \"User Commands\"\n";
  s += ".SH NAME\nptinstall \\- a fast Python package installer with PyTorch backend selection\n";
  s += ".SH SYNOPSIS\n";
  auto cmds = command_reference();
  for (const auto& c : cmds) {
    s += ".B ptinstall " + roff(c.path) + "\n[\\fIOPTIONS\\fR]";
    if (!c.positional.empty()) s += " [\\fI" + roff(c.positional) + "\\fR...]";
    s += "\n.br\n";
  }
  s += ".SH DESCRIPTION\n"
       "ptinstall installs Python packages with pip's and uv's command lines. "
       "\\fB\\-\\-torch\\-backend=auto\\fR detects the machine's accelerator and takes the PyTorch family "
       "(torch, torchvision, torchaudio, triton, ...) from the matching PyTorch index; everything else comes from "
       "PyPI or the configured indexes.\n"
       ".PP\nSettings come from the command line, then the environment, then config files (\\fIuv.toml\\fR, "
       "\\fIptinstall.toml\\fR, \\fI[tool.uv]\\fR of pyproject.toml), then defaults.\n";
  s += ".SH COMMANDS\n";
  for (const auto& c : cmds) {
    s += ".SS \"ptinstall " + roff(c.path) + "\"\n" + roff(c.help) + "\n";
    for (const auto& o : c.options) {
      s += ".TP\n" + option_line(o) + "\n" + roff(o.help);
      if (!o.env.empty()) {
        std::string env;
        for (const auto& e : o.env) env += (env.empty() ? "" : ", ") + e;
        s += " [env: " + roff(env) + "]";
      }
      s += "\n";
    }
  }
  s += ".SH ENVIRONMENT\n";
  std::set<std::string> seen;
  for (const auto& spec : config::all_settings()) {
    for (auto e : spec.env) {
      if (!seen.insert(std::string(e)).second) continue;
      s += ".TP\n\\fB" + roff(std::string(e)) + "\\fR\n" + roff(std::string(spec.help)) + "\n";
    }
  }
  s += ".TP\n\\fBNO_COLOR\\fR\nNo colours in the output.\n";
  s += ".SH FILES\n.TP\n\\fI$XDG_CACHE_HOME/ptinstall\\fR (else \\fI~/.cache/ptinstall\\fR)\n"
       "The cache: index pages, unpacked wheels, built wheels (\\fBptinstall cache dir\\fR).\n"
       ".TP\n\\fIuv.toml\\fR, \\fIptinstall.toml\\fR, \\fIpyproject.toml\\fR\n"
       "Project config files, found from the working directory upward; user config files under "
       "\\fI$XDG_CONFIG_HOME/uv\\fR and \\fI$XDG_CONFIG_HOME/ptinstall\\fR.\n";
  s += ".SH EXIT STATUS\n0 on success, 2 for a usage error, 1 for every other error.\n";
  s += ".SH SEE ALSO\n\\fBpip\\fR(1), \\fBuv\\fR(1)\n";
  return s;
}

int run_generate_man_page(Invocation&) {
  std::string text = man_page();
  std::fputs(text.c_str(), stdout);
  return 0;
}

}  // namespace ptinstall::cli
