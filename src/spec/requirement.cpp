#include "ptinstall/spec/requirement.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "ptinstall/util/error.hpp"
#include "spec/pep508_scan.hpp"

namespace ptinstall::spec {

namespace {

struct SyntaxError {
  std::string message;
  size_t position;
  std::string hint;
};

bool is_scheme_char(char c) {
  return detail::is_alnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// Why `url` is not usable as a requirement's URL, or "" when it is: a scheme is required, and a
// host for every scheme but file: (packaging's check, which urllib.parse makes for it). VCS URLs of
// local repositories (git+file:///srv/repo) are let through too, as pip lets them through its VCS
// support: they name a directory, as file: does.
std::string url_problem(std::string_view url) {
  size_t colon = url.find(':');
  bool scheme_ok = colon != std::string_view::npos && colon > 0 &&
                   ((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')) &&
                   std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon), is_scheme_char);
  if (!scheme_ok) return "URL has no scheme";
  std::string scheme;
  for (char c : url.substr(0, colon)) scheme += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  std::string_view rest = url.substr(colon + 1);
  std::string_view netloc;
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    netloc = rest.substr(0, rest.find_first_of("/?#"));
    bool open = netloc.find('[') != std::string_view::npos;
    bool close = netloc.find(']') != std::string_view::npos;
    if (open != close) return "URL has an unbalanced '[' or ']' in its host";
  }
  if (scheme == "file" || scheme.ends_with("+file")) return {};
  if (netloc.empty()) return "URL has no host";
  return {};
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Requirement parse() {
    Requirement r;
    ws();
    size_t n = detail::match_identifier(s_, pos_);
    if (n == 0) {
      fail("expected package name at the start of dependency specifier",
           pos_ < s_.size() && (s_[pos_] == '-' || s_[pos_] == '_' || s_[pos_] == '.')
               ? "a package name starts with a letter or digit"
               : "");
    }
    size_t name_pos = pos_;
    r.name = std::string(s_.substr(pos_, n));
    pos_ += n;
    ws();
    extras();
    ws();
    if (at('@')) {
      ++pos_;
      ws();
      size_t url_start = pos_;
      size_t e = pos_;
      while (e < s_.size() && s_[e] != ' ' && s_[e] != '\t') ++e;
      if (e == pos_) fail("expected URL after @", "write the URL after `@`: name @ https://host/path");
      std::string url(s_.substr(pos_, e - pos_));
      r.url = url;
      url_start_ = url_start;
      pos_ = e;
      ws();
      if (pos_ != s_.size()) {
        std::string hint;
        if (url.find(';') != std::string::npos) hint = "a URL runs up to whitespace: put a space before the ';' of the marker";
        marker(r, "URL and whitespace", hint);
      }
    } else {
      spec_start_ = pos_;
      spec_text_ = specifier();
      ws();
      if (pos_ != s_.size()) {
        marker(r, spec_text_.empty() ? "name and no valid version specifier" : "version specifier",
               specifier_hint(spec_text_));
      }
    }
    if (pos_ != s_.size()) fail("expected end of dependency specifier", {});
    // The syntax is right; now what it says (packaging checks in this order too, after the grammar).
    if (!is_valid_name(r.name)) {
      throw SyntaxError{"package name `" + r.name + "` must end with a letter or digit", name_pos + r.name.size() - 1, {}};
    }
    r.package = PackageName::parse(r.name);
    for (const auto& [extra, at] : raw_extras_) {
      if (!is_valid_name(extra)) {
        throw SyntaxError{"extra name `" + std::string(extra) + "` must end with a letter or digit", at + extra.size() - 1, {}};
      }
      r.extras.push_back(normalize_extra(extra));
    }
    std::sort(r.extras.begin(), r.extras.end());
    r.extras.erase(std::unique(r.extras.begin(), r.extras.end()), r.extras.end());
    if (r.url) {
      if (std::string why = url_problem(*r.url); !why.empty()) {
        throw SyntaxError{"invalid URL `" + detail::printable_excerpt(*r.url) + "`: " + why, url_start_,
                          "a URL requirement is written `name @ scheme://host/path` (or file:///path)"};
      }
    }
    if (!spec_text_.empty()) {
      try {
        r.specifier = SpecifierSet::parse(spec_text_);
      } catch (const util::Error& e) {
        throw SyntaxError{detail::printable(e.what()), spec_start_, e.hint()};
      }
    }
    return r;
  }

 private:
  bool at(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  void ws() { pos_ += detail::match_ws(s_, pos_); }
  [[noreturn]] void fail(std::string message, std::string hint) const {
    throw SyntaxError{std::move(message), pos_, std::move(hint)};
  }

  void extras() {
    if (!at('[')) return;
    size_t open = pos_++;
    ws();
    if (size_t n = detail::match_identifier(s_, pos_); n != 0) {
      raw_extras_.emplace_back(s_.substr(pos_, n), pos_);
      pos_ += n;
      while (true) {
        ws();
        if (detail::match_identifier(s_, pos_) != 0) fail("expected comma between extra names", {});
        if (!at(',')) break;
        ++pos_;
        ws();
        size_t m = detail::match_identifier(s_, pos_);
        if (m == 0) fail("expected extra name after comma", {});
        raw_extras_.emplace_back(s_.substr(pos_, m), pos_);
        pos_ += m;
      }
    }
    ws();
    if (!at(']')) fail("expected closing ']'", "the '[' at column " + std::to_string(open + 1) + " is not closed");
    ++pos_;
  }

  // (version_many) or version_many; the specifiers joined by commas.
  std::string specifier() {
    bool paren = at('(');
    size_t open = pos_;
    if (paren) {
      ++pos_;
      ws();
    }
    std::string text;
    while (size_t n = detail::match_specifier(s_, pos_)) {
      // The operator, then the version without the whitespace packaging allows between them.
      std::string_view token = s_.substr(pos_, n);
      size_t op = token.starts_with("===") ? 3 : (token.size() > 1 && token[1] == '=') ? 2 : 1;
      text += token.substr(0, op);
      text += detail::strip_py_space(token.substr(op));
      pos_ += n;
      ws();
      if (!at(',')) break;
      text += ',';
      ++pos_;
      ws();
    }
    if (paren) {
      ws();
      if (!at(')')) fail("expected closing ')'", "the '(' at column " + std::to_string(open + 1) + " is not closed");
      ++pos_;
    }
    return text;
  }

  std::string specifier_hint(const std::string& text) const {
    std::string_view rest = s_.substr(pos_);
    if (rest.starts_with("=") && !rest.starts_with("==")) return "compare versions with '==', not '='";
    if (!rest.empty() && detail::is_digit(static_cast<unsigned char>(rest[0])) && text.empty())
      return "a version needs an operator, e.g. ==" + std::string(rest.substr(0, rest.find_first_of(" \t;")));
    if (text.empty() && rest.find("://") != std::string_view::npos) return "a URL requirement is written `name @ URL`";
    if (!text.empty() && (rest.starts_with("@"))) return "a requirement has either version specifiers or a URL";
    if (rest.starts_with("*") || rest.starts_with(".*")) return "'.*' follows a release number and only with == or !=";
    return {};
  }

  void marker(Requirement& r, std::string_view after, std::string hint) {
    if (!at(';')) fail("expected end or semicolon (after " + std::string(after) + ")", std::move(hint));
    ++pos_;
    try {
      r.marker = Marker::parse_at(s_, pos_);
    } catch (const detail::MarkerSyntaxError& e) {
      throw SyntaxError{e.message, e.position, e.hint};
    }
    ws();
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::vector<std::pair<std::string_view, size_t>> raw_extras_;  // as written, with their positions
  size_t url_start_ = 0;
  size_t spec_start_ = 0;
  std::string spec_text_;
};

}  // namespace

Requirement Requirement::parse(std::string_view text) {
  if (text.size() > kMaxLength) {
    throw util::Error("invalid requirement `" + detail::printable_excerpt(text) + "`: longer than the " +
                          std::to_string(kMaxLength) + " bytes a requirement may have",
                      "no real requirement is this long: look for a missing line break");
  }
  try {
    return Parser(text).parse();
  } catch (const SyntaxError& e) {
    throw util::Error("invalid requirement `" + detail::printable_excerpt(text) + "`: " + e.message + " at column " +
                          std::to_string(e.position + 1),
                      e.hint);
  }
}

std::string Requirement::to_string() const {
  std::string out = name;
  if (!extras.empty()) {
    out += '[';
    for (size_t i = 0; i < extras.size(); ++i) {
      if (i) out += ',';
      out += extras[i];
    }
    out += ']';
  }
  out += specifier.to_string();
  if (url) {
    out += " @ ";
    out += *url;
    if (!marker.is_always_true()) out += ' ';
  }
  if (!marker.is_always_true()) {
    out += "; ";
    out += marker.to_string();
  }
  return out;
}

}  // namespace ptinstall::spec
