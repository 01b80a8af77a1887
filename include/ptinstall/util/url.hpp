// URLs without packaging knowledge: parsing into components, resolving a reference against a base
// (RFC 3986 section 5), percent coding, credential redaction and host matching.
//
// Components are kept as they appear in the URL (percent-encoded); only the scheme and the host are
// lower-cased. Use the decoded_* accessors to get the credentials as a server expects them.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ptinstall::util {

class Url {
 public:
  std::string scheme;                   // lower-case, without ':' ("https", "file")
  bool has_authority = false;           // "//" was present (also for file:///path)
  std::optional<std::string> username;  // as written (percent-encoded); nullopt without userinfo
  std::optional<std::string> password;  // nullopt without ':' in the userinfo
  std::string host;                     // lower-case; IPv6 literals keep their brackets
  std::optional<int> port;              // only when written in the URL
  std::string path;                     // as written, may be empty
  std::optional<std::string> query;     // without '?'
  std::optional<std::string> fragment;  // without '#'

  // An absolute URL (scheme required). nullopt when it is not one.
  static std::optional<Url> parse(std::string_view text);
  // The same, throwing util::Error("invalid URL ...") on failure.
  static Url parse_or_throw(std::string_view text);

  // The URL written back; parse(u).str() == u for URLs in normal form.
  std::string str() const;
  // The URL with credentials hidden: https://user:****@host/... for a user and password,
  // https://****@host/... for a username alone (a token). Without credentials: str().
  std::string redacted() const;

  bool has_credentials() const { return username.has_value() || password.has_value(); }
  std::string decoded_username() const;
  std::string decoded_password() const;
  Url without_credentials() const;
  Url without_fragment() const;

  // The port written, or the scheme's default (http 80, https 443); -1 when unknown.
  int effective_port() const;
  // "host" or "host:port" when a port is written.
  std::string authority_host_port() const;

  // Resolves a reference (absolute, scheme-relative "//h/p", root-relative "/p", relative "a/b",
  // "../x", "?q", "#f", or empty) against this URL as base, per RFC 3986 section 5.2.
  Url join(std::string_view reference) const;
};

// Shorthand for Url::parse_or_throw(base).join(reference).str().
std::string join_url(std::string_view base, std::string_view reference);

// Redacts a URL given as text. Text that does not parse as a URL is returned with any
// "user:password@" that looks like userinfo hidden, so it is always safe to print.
std::string redact_url(std::string_view text);

// Percent-decoding: "%2B" -> "+". Malformed escapes are kept literally. '+' stays '+'.
std::string percent_decode(std::string_view text);
// Percent-encoding of every byte except the unreserved ones (A-Z a-z 0-9 - . _ ~) and `safe`.
std::string percent_encode(std::string_view text, std::string_view safe = "");

// Whether `url` is matched by a --allow-insecure-host / --trusted-host value: "host", "host:port",
// optionally with a scheme ("https://host:8443"), or "*" for every host. Hosts compare
// case-insensitively; a pattern port compares with the URL's effective port.
bool host_matches(const Url& url, std::string_view pattern);

}  // namespace ptinstall::util
