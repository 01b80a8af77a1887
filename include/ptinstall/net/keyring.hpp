// --keyring-provider subprocess: credentials from the `keyring` command (Python's keyring CLI, or
// any program that answers the same way), asked when a server answers 401 to a request that carried
// no password. The protocol is pip's and uv's:
//   keyring get SERVICE USERNAME        -> the password on stdout (exit 0), else a non-zero exit
//   keyring get SERVICE --mode creds    -> "username\npassword" (keyring >= 25.2.1), when no username
//                                          is known (pip never asks without one; uv only for indexes
//                                          with `authenticate = "always"`)
// SERVICE is first the index URL the request belongs to (the request URL when it belongs to none),
// credentials removed, then the host ("host" or "host:port" when the URL names a port), the order of
// both. The program's stdin is /dev/null; its stderr reaches the user when a username was given (so
// a credential helper's instructions, e.g. a device-code login, are seen). Passwords are never logged.
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ptinstall::net {

struct KeyringCredentials {
  std::string username;
  std::string password;
};

class Keyring {
 public:
  // `program`: searched on PATH when it has no slash ("keyring").
  explicit Keyring(std::string program = "keyring");

  // The credentials for a request to `url` (absolute, credentials removed) under the index URL
  // `index_url` (empty: none), for `username` (empty: unknown). Each (service, username) is asked
  // once per Keyring; answers, "none" included, are remembered. Thread-safe; calls run one at a time.
  std::optional<KeyringCredentials> fetch(std::string_view url, std::string_view index_url, std::string_view username);

  // Whether the program could not be started (not on PATH), after a fetch.
  bool missing() const;

 private:
  std::optional<KeyringCredentials> ask(const std::string& service, const std::string& username);

  std::string program_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::optional<KeyringCredentials>> answers_;
  bool missing_ = false;
  bool warned_mode_ = false;
};

// The host part a keyring is asked for after the URL: "host", or "host:port" when the URL names a
// port (uv's and pip's fallback service name). Empty for a URL without a host.
std::string keyring_host_service(std::string_view url);

}  // namespace ptinstall::net
