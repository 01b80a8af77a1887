#include "ptinstall/spec/entry_points.hpp"

#include <set>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::spec {

namespace {

[[noreturn]] void fail(std::size_t line, const std::string& why) {
  throw util::Error(util::ErrorKind::Wheel, "invalid entry_points.txt line " + std::to_string(line) + ": " + why);
}

bool is_ident_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
bool is_ident_char(unsigned char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

// Dotted Python identifier: "a.b_c.d2". Non-ASCII bytes pass, as Python identifiers may be Unicode.
bool is_dotted(std::string_view s) {
  if (s.empty()) return false;
  for (auto part : util::split(s, '.')) {
    if (part.empty() || !is_ident_start(static_cast<unsigned char>(part[0]))) return false;
    for (char c : part)
      if (!is_ident_char(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Splits "module:attr [extra1, extra2]" best-effort; is_valid() judges the grammar.
void split_value(EntryPoint& ep) {
  std::string_view v = ep.value;
  auto bracket = v.find('[');
  std::string_view ref = util::trim(v.substr(0, bracket));
  if (bracket != std::string_view::npos) {
    std::string_view rest = v.substr(bracket + 1);
    auto close = rest.rfind(']');
    std::string_view inner = rest.substr(0, close);
    for (auto e : util::split(inner, ',')) {
      auto t = util::trim(e);
      if (!t.empty()) ep.extras.emplace_back(t);
    }
  }
  auto colon = ref.find(':');
  ep.module = std::string(util::trim(ref.substr(0, colon)));
  if (colon != std::string_view::npos) ep.attr = std::string(util::trim(ref.substr(colon + 1)));
}

}  // namespace

bool EntryPoint::is_valid() const {
  std::string_view v = value;
  auto bracket = v.find('[');
  std::string_view ref = util::trim(v.substr(0, bracket));
  if (bracket != std::string_view::npos) {
    std::string_view rest = util::trim(v.substr(bracket));
    if (rest.back() != ']') return false;
    for (auto e : util::split(rest.substr(1, rest.size() - 2), ',')) {
      auto t = util::trim(e);
      if (t.empty()) continue;
      for (char c : t)
        if (!is_ident_char(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
    }
  }
  auto colon = ref.find(':');
  if (!is_dotted(util::trim(ref.substr(0, colon)))) return false;
  if (colon != std::string_view::npos && !is_dotted(util::trim(ref.substr(colon + 1)))) return false;
  return true;
}

std::vector<EntryPoint> parse_entry_points(std::string_view text) {
  std::vector<EntryPoint> out;
  std::string group;
  bool in_section = false;
  std::set<std::string> names_in_group;
  std::set<std::string> groups_seen;
  std::size_t line_no = 0;
  bool can_continue = false;  // the previous line was an entry an indented line may continue
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view line = util::trim(raw);
    if (line.empty()) {
      can_continue = false;
      continue;
    }
    if (line[0] == '#' || line[0] == ';') continue;
    bool indented = raw[0] == ' ' || raw[0] == '\t';
    if (indented && can_continue) {
      out.back().value += " ";
      out.back().value += line;
      continue;
    }
    if (line.front() == '[' && line.back() == ']') {
      group = std::string(util::trim(line.substr(1, line.size() - 2)));
      if (group.empty()) fail(line_no, "empty section name");
      if (!groups_seen.insert(group).second) fail(line_no, "section [" + group + "] appears twice");
      in_section = true;
      names_in_group.clear();
      can_continue = false;
      continue;
    }
    if (!in_section) fail(line_no, "entry before any [section]");
    auto eq = line.find('=');
    if (eq == std::string_view::npos) fail(line_no, "expected name = value");
    std::string name(util::trim(line.substr(0, eq)));
    if (name.empty()) fail(line_no, "empty entry point name");
    if (!names_in_group.insert(name).second) fail(line_no, "'" + name + "' appears twice in [" + group + "]");
    EntryPoint ep;
    ep.group = group;
    ep.name = std::move(name);
    ep.value = std::string(util::trim(line.substr(eq + 1)));
    out.push_back(std::move(ep));
    can_continue = true;
  }
  for (auto& ep : out) split_value(ep);
  return out;
}

bool is_script_name(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') return false;
  return true;
}

std::vector<EntryPoint> entry_points_in_group(const std::vector<EntryPoint>& all, std::string_view group) {
  std::vector<EntryPoint> out;
  for (const auto& ep : all)
    if (ep.group == group) out.push_back(ep);
  return out;
}

}  // namespace ptinstall::spec
