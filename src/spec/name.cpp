#include "ptinstall/spec/name.hpp"

#include "ptinstall/util/error.hpp"

namespace ptinstall::spec {

namespace {
bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_sep(char c) { return c == '-' || c == '_' || c == '.'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Calls out(c) for each character of the normalised form, without building it.
template <typename Out>
void walk_normalized(std::string_view s, Out&& out) {
  for (size_t i = 0; i < s.size();) {
    if (is_sep(s[i])) {
      while (i < s.size() && is_sep(s[i])) ++i;
      out('-');
    } else {
      out(lower(s[i]));
      ++i;
    }
  }
}
}  // namespace

std::string normalize_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  walk_normalized(name, [&](char c) { out.push_back(c); });
  return out;
}

std::string normalize_extra(std::string_view extra) { return normalize_name(extra); }

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_alnum(name.front()) || !is_alnum(name.back())) return false;
  for (char c : name)
    if (!is_alnum(c) && !is_sep(c)) return false;
  return true;
}

bool names_equal(std::string_view a, std::string_view b) {
  // Compare the two normalised streams character by character.
  size_t i = 0, j = 0;
  auto next = [](std::string_view s, size_t& k) -> int {
    if (k >= s.size()) return -1;
    if (is_sep(s[k])) {
      while (k < s.size() && is_sep(s[k])) ++k;
      return '-';
    }
    return static_cast<unsigned char>(lower(s[k++]));
  };
  while (true) {
    int x = next(a, i), y = next(b, j);
    if (x != y) return false;
    if (x == -1) return true;
  }
}

PackageName PackageName::parse(std::string_view name) {
  if (!is_valid_name(name))
    throw util::Error("invalid package name `" + std::string(name) + "`",
                      "names are ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit");
  PackageName n;
  n.original_ = std::string(name);
  n.normalized_ = normalize_name(name);
  return n;
}

}  // namespace ptinstall::spec
