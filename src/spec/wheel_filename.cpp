#include "ptinstall/spec/wheel_filename.hpp"

#include <charconv>
#include <set>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::spec {

namespace {

[[noreturn]] void invalid(std::string_view filename, const std::string& why) {
  throw util::Error(util::ErrorKind::Wheel, "invalid wheel filename '" + std::string(filename) + "': " + why);
}

bool is_word_char(unsigned char c) {
  // Python's \w on str also matches non-ASCII letters; let UTF-8 bytes through.
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

std::vector<std::string> split_set(std::string_view filename, std::string_view part, const char* what) {
  std::vector<std::string> out;
  for (auto item : util::split(part, '.')) {
    if (item.empty()) invalid(filename, std::string("empty ") + what + " tag");
    out.emplace_back(item);
  }
  return out;
}

}  // namespace

bool is_valid_variant_label(std::string_view label) {
  if (label.empty()) return false;
  for (char c : label)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' || c == '.')) return false;
  return true;
}

bool is_wheel_filename(std::string_view filename) {
  return filename.size() > 4 && filename.substr(filename.size() - 4) == ".whl";
}

WheelFilename WheelFilename::parse(std::string_view raw) {
  std::string decoded = raw.find('%') != std::string_view::npos ? util::percent_decode(raw) : std::string(raw);
  std::string_view filename = decoded;
  if (!is_wheel_filename(filename)) invalid(raw, "it does not end in .whl");
  std::string_view stem = filename.substr(0, filename.size() - 4);
  auto parts = util::split(stem, '-');
  if (parts.size() < 5 || parts.size() > 7)
    invalid(raw, "expected name-version(-build)-python-abi-platform(-variant), found " + std::to_string(parts.size()) +
                     " parts");

  WheelFilename w;
  std::string_view name = parts[0];
  if (name.empty()) invalid(raw, "empty project name");
  if (name.find("__") != std::string_view::npos) invalid(raw, "'__' in the project name");
  for (char c : name)
    if (!is_word_char(static_cast<unsigned char>(c)) && c != '.')
      invalid(raw, "'" + std::string(1, c) + "' in the project name");
  w.name = std::string(name);

  if (parts[1].empty()) invalid(raw, "empty version");
  auto v = Version::parse(parts[1]);
  if (!v) invalid(raw, "invalid version '" + std::string(parts[1]) + "'");
  w.version = *v;
  w.version_text = std::string(parts[1]);

  auto digit_led = [](std::string_view p) { return !p.empty() && p[0] >= '0' && p[0] <= '9'; };
  // Six parts: a build tag (digit-led) or a variant label after the platform tag (PEP 825).
  bool has_build = parts.size() == 7 || (parts.size() == 6 && digit_led(parts[2]));
  bool has_label = parts.size() == 7 || (parts.size() == 6 && !has_build);
  if (has_label) {
    std::string_view label = parts.back();
    if (!is_valid_variant_label(label))
      invalid(raw, "invalid variant label '" + std::string(label) + "' (only 0-9, a-z, '_' and '.')");
    w.variant_label = std::string(label);
  }
  std::size_t t = 2;
  if (has_build) {
    std::string_view b = parts[2];
    std::size_t digits = 0;
    while (digits < b.size() && b[digits] >= '0' && b[digits] <= '9') ++digits;
    if (digits == 0) invalid(raw, "build tag '" + std::string(b) + "' does not start with a digit");
    uint64_t number = 0;
    auto [p, ec] = std::from_chars(b.data(), b.data() + digits, number);
    if (ec != std::errc() || p != b.data() + digits) invalid(raw, "build number out of range");
    w.build = std::pair{number, std::string(b.substr(digits))};
    t = 3;
  }
  for (std::size_t i = t; i < t + 3; ++i)
    if (parts[i].empty()) invalid(raw, "empty tag");
  if (has_label && digit_led(parts[t]))
    invalid(raw, "python tag '" + std::string(parts[t]) + "' starts with a digit (PEP 825)");
  w.python_tags = split_set(raw, parts[t], "python");
  w.abi_tags = split_set(raw, parts[t + 1], "abi");
  w.platform_tags = split_set(raw, parts[t + 2], "platform");
  return w;
}

std::vector<Tag> WheelFilename::tags() const {
  std::vector<Tag> out;
  std::set<std::string> seen;
  for (const auto& i : python_tags)
    for (const auto& a : abi_tags)
      for (const auto& p : platform_tags) {
        Tag t{i, a, p};
        if (seen.insert(t.to_string()).second) out.push_back(std::move(t));
      }
  return out;
}

std::string WheelFilename::normalized_name() const { return normalize_name(name); }

std::string WheelFilename::to_string() const {
  std::string out = name + "-" + (version_text.empty() ? version.to_string() : version_text);
  if (build) out += "-" + std::to_string(build->first) + build->second;
  out += "-" + util::join(python_tags, ".") + "-" + util::join(abi_tags, ".") + "-" + util::join(platform_tags, ".") +
         (variant_label.empty() ? "" : "-" + variant_label) + ".whl";
  return out;
}

}  // namespace ptinstall::spec
