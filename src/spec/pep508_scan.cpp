#include "spec/pep508_scan.hpp"

#include <array>
#include <string>
#include <string_view>

namespace ptinstall::spec::detail {

namespace {

constexpr size_t npos = std::string_view::npos;

bool is_sep(std::string_view s, size_t i) { return i < s.size() && (s[i] == '-' || s[i] == '_' || s[i] == '.'); }
bool digit_at(std::string_view s, size_t i) { return i < s.size() && is_digit(static_cast<unsigned char>(s[i])); }
bool alnum_at(std::string_view s, size_t i) { return i < s.size() && is_alnum(static_cast<unsigned char>(s[i])); }

// Case-insensitive (ASCII) prefix test of `word` (lower-case) at `i`.
bool istarts(std::string_view s, size_t i, std::string_view word) {
  if (i + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    char c = s[i + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[k]) return false;
  }
  return true;
}

size_t skip_digits(std::string_view s, size_t i) {
  while (digit_at(s, i)) ++i;
  return i;
}

// Lookbehind: the characters just before `i` are `text`.
bool behind(std::string_view s, size_t i, std::string_view text) {
  return i >= text.size() && s.substr(i - text.size(), text.size()) == text;
}

// `[-_\.]?(alternatives)[-_\.]?[0-9]*` with the first alternative that matches; npos if none.
template <size_t N>
size_t optional_labelled(std::string_view s, size_t i, const std::array<std::string_view, N>& labels) {
  size_t r = is_sep(s, i) ? i + 1 : i;
  for (std::string_view label : labels) {
    if (istarts(s, r, label)) {
      size_t e = r + label.size();
      if (is_sep(s, e)) ++e;
      return skip_digits(s, e);
    }
  }
  return npos;
}

constexpr std::array<std::string_view, 8> kPre = {"alpha", "beta", "preview", "pre", "a", "b", "c", "rc"};
constexpr std::array<std::string_view, 3> kPost = {"post", "rev", "r"};
constexpr std::array<std::string_view, 1> kDev = {"dev"};

// pre? post? dev? (each optional; nothing after them can fail, so greedy is the regex's answer).
size_t pre_post_dev(std::string_view s, size_t i) {
  if (size_t e = optional_labelled(s, i, kPre); e != npos) i = e;
  if (i < s.size() && s[i] == '-' && digit_at(s, i + 1)) {
    i = skip_digits(s, i + 1);
  } else if (size_t e = optional_labelled(s, i, kPost); e != npos) {
    i = e;
  }
  if (size_t e = optional_labelled(s, i, kDev); e != npos) i = e;
  return i;
}

// \s* v? ([0-9]+!)? [0-9]+ (\.[0-9]+)*  -> end, or npos; `dotted` counts the (\.[0-9]+) repeats.
size_t release_part(std::string_view s, size_t i, size_t& dotted) {
  while (i < s.size() && is_py_space(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && (s[i] == 'v' || s[i] == 'V')) ++i;
  if (!digit_at(s, i)) return npos;
  size_t e = skip_digits(s, i);
  if (e < s.size() && s[e] == '!' && digit_at(s, e + 1)) e = skip_digits(s, e + 1);  // epoch
  dotted = 0;
  while (e < s.size() && s[e] == '.' && digit_at(s, e + 1)) {
    e = skip_digits(s, e + 1);
    ++dotted;
  }
  return e;
}

// The version alternatives after an operator ending at `i`; end or npos.
size_t version_after(std::string_view s, size_t i) {
  if (behind(s, i, "===")) {
    // \s* [^\s;)]*
    while (i < s.size() && is_py_space(static_cast<unsigned char>(s[i]))) ++i;
    while (i < s.size() && !is_py_space(static_cast<unsigned char>(s[i])) && s[i] != ';' && s[i] != ')') ++i;
    return i;
  }
  size_t dotted = 0;
  if (behind(s, i, "==") || behind(s, i, "!=")) {
    size_t e = release_part(s, i, dotted);
    if (e == npos) return npos;
    if (e + 1 < s.size() && s[e] == '.' && s[e + 1] == '*') return e + 2;
    e = pre_post_dev(s, e);
    if (e < s.size() && s[e] == '+' && alnum_at(s, e + 1)) {
      ++e;
      while (alnum_at(s, e)) ++e;
      while (is_sep(s, e) && alnum_at(s, e + 1)) {
        ++e;
        while (alnum_at(s, e)) ++e;
      }
    }
    return e;
  }
  if (behind(s, i, "~=")) {
    size_t e = release_part(s, i, dotted);
    if (e == npos || dotted == 0) return npos;
    return pre_post_dev(s, e);
  }
  size_t e = release_part(s, i, dotted);
  if (e == npos) return npos;
  return pre_post_dev(s, e);
}

}  // namespace

size_t match_identifier(std::string_view s, size_t pos) {
  if (!alnum_at(s, pos) || !word_boundary(s, pos)) return 0;
  size_t e = pos + 1;
  while (e < s.size() && (alnum_at(s, e) || is_sep(s, e))) ++e;
  for (; e > pos; --e) {
    if (word_boundary(s, e)) return e - pos;
  }
  return 0;
}

size_t match_specifier(std::string_view s, size_t pos) {
  // packaging's order: (~=|==|!=|<=|>=|<|>|===), backtracking to the next operator when the
  // version does not match after one.
  static constexpr std::array<std::string_view, 8> kOps = {"~=", "==", "!=", "<=", ">=", "<", ">", "==="};
  for (std::string_view op : kOps) {
    if (s.substr(pos, op.size()) != op) continue;
    size_t e = version_after(s, pos + op.size());
    if (e != npos) return e - pos;
  }
  return 0;
}

std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string printable_excerpt(std::string_view text) {
  constexpr size_t kWhole = 1000, kShown = 200;
  if (text.size() <= kWhole) return printable(text);
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
  return printable(text.substr(0, cut)) + "... (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace ptinstall::spec::detail
