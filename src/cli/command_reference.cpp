#include "command_reference.hpp"

#include <algorithm>

#include "ptinstall/config/settings.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::cli {

std::vector<OptionReference> options_of(std::uint32_t command_bit) {
  std::vector<OptionReference> out;
  for (const auto& spec : config::all_settings()) {
    if (!(spec.commands & command_bit) || spec.flags.empty() || !spec.implemented) continue;
    OptionReference o;
    for (auto part : util::split(spec.flags, ',')) {
      std::string p(util::trim(part));
      if (!p.empty() && p[0] == '!') p.erase(0, 1);  // CLI11's negation: `--no-upgrade` is a name too
      (p.rfind("--", 0) == 0 ? o.long_names : o.short_names).push_back(p);
    }
    o.takes_value = spec.kind == config::Kind::Value || spec.kind == config::Kind::List;
    o.value_name = std::string(spec.value_name);
    for (auto c : spec.choices) o.choices.emplace_back(c);
    o.help = std::string(spec.help);
    for (auto e : spec.env) o.env.emplace_back(e);
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<CommandReference> command_reference() {
  std::vector<CommandReference> out;
  for (const auto& def : commands()) {
    if (def.hidden) continue;
    CommandReference c;
    c.group = def.group;
    c.name = def.name;
    c.path = c.group.empty() ? c.name : c.group + " " + c.name;
    c.help = def.help;
    c.positional = def.positional ? def.positional : "";
    c.options = options_of(def.bit);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::string> command_groups() {
  std::vector<std::string> out;
  for (const auto& def : commands())
    if (*def.group && std::find(out.begin(), out.end(), def.group) == out.end()) out.emplace_back(def.group);
  return out;
}

}  // namespace ptinstall::cli
