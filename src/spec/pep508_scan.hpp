// Token matchers shared by the marker and requirement parsers. Each mirrors one token rule of
// packaging's tokenizer (packaging/_tokenizer.py), including the regular expressions' word
// boundaries and backtracking, so that the same strings are accepted and errors point at the
// same place. Every matcher returns the token's length at `pos`, 0 when it does not match there.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace ptinstall::spec::detail {

// Python's \w for our purposes: ASCII letters, digits, '_' and any non-ASCII byte (non-ASCII
// letters are word characters to Python; other non-ASCII characters are rare in markers).
inline bool is_word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}
inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool is_alnum(unsigned char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// Python's \s on ASCII: space, \t \n \v \f \r and the separators \x1c-\x1f.
inline bool is_py_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); }

// Without Python's \s (ASCII) at both ends.
inline std::string_view strip_py_space(std::string_view s) {
  while (!s.empty() && is_py_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && is_py_space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// \b at `pos`.
inline bool word_boundary(std::string_view s, size_t pos) {
  bool before = pos > 0 && is_word_char(static_cast<unsigned char>(s[pos - 1]));
  bool after = pos < s.size() && is_word_char(static_cast<unsigned char>(s[pos]));
  return before != after;
}

// WS: [ \t]+
inline size_t match_ws(std::string_view s, size_t pos) {
  size_t e = pos;
  while (e < s.size() && (s[e] == ' ' || s[e] == '\t')) ++e;
  return e - pos;
}

// \bword\b
inline size_t match_word(std::string_view s, size_t pos, std::string_view word) {
  if (s.substr(pos, word.size()) != word) return 0;
  if (!word_boundary(s, pos) || !word_boundary(s, pos + word.size())) return 0;
  return word.size();
}

// IDENTIFIER: \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b (greedy, backing off until a boundary follows).
size_t match_identifier(std::string_view s, size_t pos);

// QUOTED_STRING: '[^']*' or "[^"]*".
inline size_t match_quoted(std::string_view s, size_t pos) {
  if (pos >= s.size() || (s[pos] != '\'' && s[pos] != '"')) return 0;
  size_t close = s.find(s[pos], pos + 1);
  return close == std::string_view::npos ? 0 : close + 1 - pos;
}

// SPECIFIER: packaging's Specifier operator and version regular expressions (case-insensitive).
size_t match_specifier(std::string_view s, size_t pos);

// The parsed text for an error message: control characters other than tab (NUL, newline, ...)
// become \xNN so that the message stays one printable line.
std::string printable(std::string_view text);

// printable() of at most the first 200 bytes of a text longer than 1000 (cut at a character
// boundary), followed by "... (N bytes)": an error about a huge input names it without copying it
// whole into the message (a 100 MB line would otherwise be echoed, escaped and printed).
std::string printable_excerpt(std::string_view text);

}  // namespace ptinstall::spec::detail
