#include "ptinstall/spec/metadata.hpp"

#include <algorithm>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::spec {

namespace {

[[noreturn]] void invalid(const std::string& why) {
  throw util::Error(util::ErrorKind::Wheel, "invalid metadata: " + why);
}

bool is_header_name_char(char c) {
  // RFC 5322 field name: printable ASCII except ':' and space.
  return c > 32 && c < 127 && c != ':';
}

// Undoes setuptools' folding of the Description header: continuation lines are prefixed with
// 8 spaces (distutils) or 7 spaces and '|' / 8 spaces and '|' (setuptools).
std::string unfold_description_line(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && i < 8 && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i < line.size() && line[i] == '|') ++i;
  return std::string(line.substr(i));
}

}  // namespace

CoreMetadata CoreMetadata::parse(std::string_view input) {
  std::string text;
  text.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '\r') {
      text += '\n';
      if (i + 1 < input.size() && input[i + 1] == '\n') ++i;
    } else {
      text += input[i];
    }
  }
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF && static_cast<unsigned char>(text[1]) == 0xBB &&
      static_cast<unsigned char>(text[2]) == 0xBF)
    text.erase(0, 3);  // UTF-8 byte order mark

  CoreMetadata m;
  std::size_t pos = 0;
  std::string body;
  bool in_body = false;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::size_t end = nl == std::string::npos ? text.size() : nl;
    std::string_view line(text.data() + pos, end - pos);
    std::size_t next = nl == std::string::npos ? text.size() : nl + 1;
    if (line.empty()) {
      pos = next;
      in_body = true;
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !m.headers.empty()) {
      auto& [key, value] = m.headers.back();
      if (util::iequals(key, "Description")) {
        value += '\n';
        value += unfold_description_line(line);
      } else {
        auto cont = util::trim(line);
        if (!cont.empty()) {
          if (!value.empty()) value += ' ';
          value += cont;
        }
      }
      pos = next;
      continue;
    }
    auto colon = line.find(':');
    bool is_header = colon != std::string_view::npos && colon > 0 &&
                     std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon), is_header_name_char);
    if (!is_header) {
      in_body = true;  // like email.parser: a non-header line starts the body
      break;
    }
    m.headers.emplace_back(std::string(line.substr(0, colon)), std::string(util::trim(line.substr(colon + 1))));
    pos = next;
  }
  if (in_body) body = text.substr(pos);

  // Metadata-Version
  if (auto mv = m.get("Metadata-Version")) {
    m.metadata_version = *mv;
    auto parts = util::split(*mv, '.');
    bool numeric = parts.size() == 2 && !parts[0].empty() && !parts[1].empty() &&
                   std::all_of(mv->begin(), mv->end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    if (!numeric) invalid("Metadata-Version '" + *mv + "' is not <major>.<minor>");
    // Each part saturates (a value past int's range is as unsupported as any other too-new one;
    // std::stoi threw std::out_of_range on `2.11111111111`, found by libFuzzer).
    auto number = [](std::string_view digits) {
      int v = 0;
      for (char c : digits) v = v > 100000 ? v : v * 10 + (c - '0');
      return v;
    };
    int major = number(parts[0]), minor = number(parts[1]);
    if (major > 2) invalid("Metadata-Version " + *mv + " is not supported (newest known: 2.4)");
    if (major == 2 && minor > 4) m.warnings.push_back("Metadata-Version " + *mv + " is newer than 2.4");
    if (major < 1) invalid("Metadata-Version '" + *mv + "' is not <major>.<minor>");
  } else {
    m.warnings.push_back("no Metadata-Version");
  }

  auto name = m.get("Name");
  if (!name || name->empty()) invalid("no Name");
  if (!is_valid_name(*name)) invalid("Name '" + *name + "' is not a valid project name");
  m.name = *name;

  auto version = m.get("Version");
  if (!version || version->empty()) invalid("no Version for " + m.name);
  auto v = Version::parse(*version);
  if (!v) invalid("Version '" + *version + "' of " + m.name + " is not a PEP 440 version");
  m.version = *v;

  m.summary = m.get("Summary").value_or("");
  if (auto rp = m.get("Requires-Python")) {
    try {
      m.requires_python = SpecifierSet::parse(*rp);
    } catch (const util::Error&) {
      m.warnings.push_back("ignoring invalid Requires-Python '" + *rp + "'");
    }
  }
  m.requires_dist = m.get_all("Requires-Dist");
  for (const auto& extra : m.get_all("Provides-Extra")) {
    auto norm = normalize_extra(extra);
    if (std::find(m.provides_extra.begin(), m.provides_extra.end(), norm) == m.provides_extra.end())
      m.provides_extra.push_back(std::move(norm));
  }
  m.description_content_type = m.get("Description-Content-Type").value_or("");
  if (!body.empty()) {
    m.description = std::move(body);
  } else if (auto d = m.get("Description")) {
    m.description = *d;
  }
  return m;
}

std::optional<std::string> CoreMetadata::get(std::string_view header) const {
  for (const auto& [k, v] : headers)
    if (util::iequals(k, header)) return v;
  return std::nullopt;
}

std::vector<std::string> CoreMetadata::get_all(std::string_view header) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (util::iequals(k, header)) out.push_back(v);
  return out;
}

}  // namespace ptinstall::spec
