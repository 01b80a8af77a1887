#include "ptinstall/util/url.hpp"

#include <cctype>
#include <optional>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::util {

namespace {

// The five parts of RFC 3986 appendix B; authority stays raw here.
struct Parts {
  std::optional<std::string> scheme;
  std::optional<std::string> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

bool is_scheme_char(char c, bool first) {
  if (std::isalpha(static_cast<unsigned char>(c))) return true;
  if (first) return false;
  return std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

Parts split_parts(std::string_view s) {
  Parts p;
  // scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" before any of "/?#"
  size_t colon = s.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    bool ok = true;
    for (size_t i = 0; i < colon; ++i) {
      if (!is_scheme_char(s[i], i == 0)) {
        ok = false;
        break;
      }
    }
    if (ok) {
      p.scheme = to_lower(s.substr(0, colon));
      s.remove_prefix(colon + 1);
    }
  }
  if (size_t hash = s.find('#'); hash != std::string_view::npos) {
    p.fragment = std::string(s.substr(hash + 1));
    s = s.substr(0, hash);
  }
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    p.query = std::string(s.substr(q + 1));
    s = s.substr(0, q);
  }
  if (s.substr(0, 2) == "//") {
    s.remove_prefix(2);
    size_t slash = s.find('/');
    p.authority = std::string(s.substr(0, slash));
    s = slash == std::string_view::npos ? std::string_view{} : s.substr(slash);
  }
  p.path = std::string(s);
  return p;
}

bool parse_authority(std::string_view a, Url& u) {
  if (size_t at = a.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = a.substr(0, at);
    a.remove_prefix(at + 1);
    if (size_t c = userinfo.find(':'); c != std::string_view::npos) {
      u.username = std::string(userinfo.substr(0, c));
      u.password = std::string(userinfo.substr(c + 1));
    } else {
      u.username = std::string(userinfo);
    }
  }
  std::string_view hostport = a;
  std::string_view port;
  if (!a.empty() && a.front() == '[') {
    size_t close = a.find(']');
    if (close == std::string_view::npos) return false;
    hostport = a.substr(0, close + 1);
    std::string_view rest = a.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
    }
  } else if (size_t c = a.rfind(':'); c != std::string_view::npos) {
    hostport = a.substr(0, c);
    port = a.substr(c + 1);
  }
  for (char ch : hostport) {
    if (ch == ' ' || ch == '/' || ch == '\\' || ch == '<' || ch == '>') return false;
  }
  u.host = to_lower(hostport);
  if (!port.empty()) {
    if (port.size() > 5) return false;
    int v = 0;
    for (char ch : port) {
      if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
      v = v * 10 + (ch - '0');
    }
    if (v > 65535) return false;
    u.port = v;
  }
  return true;
}

std::string authority_string(const Url& u) {
  std::string out;
  if (u.username || u.password) {
    out += u.username.value_or("");
    if (u.password) out += ":" + *u.password;
    out += "@";
  }
  out += u.host;
  if (u.port) out += ":" + std::to_string(*u.port);
  return out;
}

// RFC 3986 5.2.4.
std::string remove_dot_segments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../" || in == "/..") {
      if (in == "/..")
        in = "/";
      else
        in.remove_prefix(3);
      size_t last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      size_t start = in.front() == '/' ? 1 : 0;
      size_t next = in.find('/', start);
      out += in.substr(0, next);
      in = next == std::string_view::npos ? std::string_view{} : in.substr(next);
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int default_port(std::string_view scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return -1;
}

}  // namespace

std::optional<Url> Url::parse(std::string_view text) {
  text = trim(text);
  Parts p = split_parts(text);
  if (!p.scheme) return std::nullopt;
  Url u;
  u.scheme = *p.scheme;
  if (p.authority) {
    u.has_authority = true;
    if (!parse_authority(*p.authority, u)) return std::nullopt;
    // Only file: (and a VCS over it, git+file:) names a place without a host.
    if (u.host.empty() && u.scheme != "file" && !u.scheme.ends_with("+file")) return std::nullopt;
  } else if (u.scheme == "http" || u.scheme == "https") {
    return std::nullopt;  // "http:foo" is not a usable URL
  }
  u.path = std::move(p.path);
  u.query = std::move(p.query);
  u.fragment = std::move(p.fragment);
  return u;
}

Url Url::parse_or_throw(std::string_view text) {
  auto u = parse(text);
  if (!u) throw Error("invalid URL: " + redact_url(text), "a URL looks like https://host/path");
  return *u;
}

std::string Url::str() const {
  std::string out = scheme + ":";
  if (has_authority) out += "//" + authority_string(*this);
  out += path;
  if (query) out += "?" + *query;
  if (fragment) out += "#" + *fragment;
  return out;
}

std::string Url::redacted() const {
  if (!has_credentials()) return str();
  Url copy = *this;
  if (password) {
    copy.password = "****";
  } else {
    copy.username = "****";
  }
  return copy.str();
}

std::string Url::decoded_username() const { return percent_decode(username.value_or("")); }
std::string Url::decoded_password() const { return percent_decode(password.value_or("")); }

Url Url::without_credentials() const {
  Url copy = *this;
  copy.username.reset();
  copy.password.reset();
  return copy;
}

Url Url::without_fragment() const {
  Url copy = *this;
  copy.fragment.reset();
  return copy;
}

int Url::effective_port() const { return port ? *port : default_port(scheme); }

std::string Url::authority_host_port() const {
  return port ? host + ":" + std::to_string(*port) : host;
}

Url Url::join(std::string_view reference) const {
  Parts r = split_parts(trim(reference));
  Url t;
  if (r.scheme) {
    auto abs = parse(reference);
    if (abs) {
      abs->path = remove_dot_segments(abs->path);
      return *abs;
    }
    // A scheme we cannot use as a URL ("mailto:x"): keep it textual, without authority.
    t.scheme = *r.scheme;
    t.path = remove_dot_segments(r.path);
    t.query = r.query;
    t.fragment = r.fragment;
    return t;
  }
  t.scheme = scheme;
  if (r.authority) {
    t.has_authority = true;
    if (!parse_authority(*r.authority, t)) throw Error("invalid URL: " + redact_url(reference));
    t.path = remove_dot_segments(r.path);
    t.query = r.query;
  } else {
    t.has_authority = has_authority;
    t.username = username;
    t.password = password;
    t.host = host;
    t.port = port;
    if (r.path.empty()) {
      t.path = path;
      t.query = r.query ? r.query : query;
    } else {
      if (r.path.front() == '/') {
        t.path = remove_dot_segments(r.path);
      } else {
        std::string merged;
        if (has_authority && path.empty()) {
          merged = "/" + r.path;
        } else {
          size_t slash = path.rfind('/');
          merged = (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + r.path;
        }
        t.path = remove_dot_segments(merged);
      }
      t.query = r.query;
    }
  }
  t.fragment = r.fragment;
  return t;
}

std::string join_url(std::string_view base, std::string_view reference) {
  return Url::parse_or_throw(base).join(reference).str();
}

std::string redact_url(std::string_view text) {
  if (auto u = Url::parse(text)) {
    if (u->has_credentials()) return u->redacted();
    return std::string(trim(text));
  }
  // Not a URL we understand: hide anything between "//" and the last '@' of the authority.
  std::string s(text);
  size_t start = s.find("//");
  if (start == std::string::npos) return s;
  start += 2;
  size_t end = s.find_first_of("/?#", start);
  std::string_view authority = std::string_view(s).substr(start, end == std::string::npos ? std::string::npos : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return s;
  return s.substr(0, start) + "****" + s.substr(start + at);
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string percent_encode(std::string_view text, std::string_view safe) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || safe.find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool host_matches(const Url& url, std::string_view pattern) {
  pattern = trim(pattern);
  if (pattern.empty()) return false;
  if (pattern == "*") return true;
  std::optional<std::string> scheme;
  if (size_t sep = pattern.find("://"); sep != std::string_view::npos) {
    scheme = to_lower(pattern.substr(0, sep));
    pattern.remove_prefix(sep + 3);
  }
  // Ignore a path after the host ("host:port/simple").
  if (size_t slash = pattern.find('/'); slash != std::string_view::npos) pattern = pattern.substr(0, slash);
  Url p;
  if (!parse_authority(pattern, p) || p.host.empty()) return false;
  if (scheme && *scheme != url.scheme) return false;
  if (p.host != url.host) return false;
  if (p.port && *p.port != url.effective_port()) return false;
  return true;
}

}  // namespace ptinstall::util
