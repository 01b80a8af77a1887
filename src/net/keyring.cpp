#include "ptinstall/net/keyring.hpp"

#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/subprocess.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::net {
namespace {

// The program's output without its line ending (pip strips os.linesep, uv trims the end).
std::string strip_line_end(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// A URL as a service name: credentials and fragment removed.
std::string service_url(std::string_view url) {
  auto u = util::Url::parse(url);
  if (!u) return std::string(url);
  return u->without_credentials().without_fragment().str();
}

}  // namespace

std::string keyring_host_service(std::string_view url) {
  auto u = util::Url::parse(url);
  if (!u || u->host.empty()) return {};
  return u->authority_host_port();
}

Keyring::Keyring(std::string program) : program_(std::move(program)) {}

bool Keyring::missing() const {
  std::lock_guard lock(mutex_);
  return missing_;
}

std::optional<KeyringCredentials> Keyring::fetch(std::string_view url, std::string_view index_url,
                                                 std::string_view username) {
  std::lock_guard lock(mutex_);
  std::string first = service_url(index_url.empty() ? url : index_url);
  std::string host = keyring_host_service(url);
  // A URL under no index (a file on another host) is its own service name; once the host had
  // nothing, the host's other URLs are not asked one by one (a page of 50 files would be 50 calls).
  if (index_url.empty()) {
    auto it = answers_.find({host, std::string(username)});
    if (it != answers_.end() && !it->second) return std::nullopt;
  }
  for (const std::string& service : {first, host}) {
    if (service.empty()) continue;
    auto key = std::make_pair(service, std::string(username));
    auto it = answers_.find(key);
    if (it == answers_.end()) it = answers_.emplace(key, ask(service, std::string(username))).first;
    if (it->second) return it->second;
    if (missing_) break;  // no program: asking for the host would fail the same way
  }
  return std::nullopt;
}

std::optional<KeyringCredentials> Keyring::ask(const std::string& service, const std::string& username) {
  std::vector<std::string> argv = {program_, "get", service};
  if (username.empty()) {
    argv.push_back("--mode");
    argv.push_back("creds");
  } else {
    argv.push_back(username);
  }
  std::string who = (username.empty() ? std::string() : username + "@") + util::redact_url(service);
  util::ProcessOptions po;
  po.stdin_data = "";  // never waits for input: stdin is closed at once
  // uv's choice: a helper's own messages reach the user when it is asked for a password; with
  // --mode creds they are held back, so that an older keyring's "unrecognized arguments" is
  // replaced by a warning that says what to do.
  po.capture_stderr = username.empty();
  po.env_overrides["PYTHONIOENCODING"] = "utf-8";  // pip sets it: the CLI prints what it is given
  util::log::debug("asking the keyring for " + who);
  auto result = util::run_process(argv, po);
  if (!result) {
    if (!missing_)
      util::log::warn("--keyring-provider subprocess: the `" + program_ +
                      "` command was not found on PATH; no credentials from the keyring");
    missing_ = true;
    return std::nullopt;
  }
  if (result->exit_code != 0) {
    if (username.empty() && result->err.find("unrecognized arguments: --mode") != std::string::npos) {
      if (!warned_mode_)
        util::log::warn("the `keyring` command does not support `--mode creds` (keyring >= 25.2.1 does); "
                        "put the username in the index URL (https://USER@host/...) instead");
      warned_mode_ = true;
    } else if (username.empty() && !util::trim(result->err).empty()) {
      util::log::debug("keyring: " + std::string(util::trim(result->err)));
    }
    util::log::debug("the keyring has no credentials for " + who);
    return std::nullopt;
  }
  std::string out = strip_line_end(result->out);
  KeyringCredentials c;
  if (username.empty()) {
    auto nl = out.find('\n');
    if (nl == std::string::npos) {
      util::log::debug("the keyring gave a username without a password for " + who);
      return std::nullopt;
    }
    c.username = strip_line_end(out.substr(0, nl));
    c.password = strip_line_end(out.substr(nl + 1));
    // --mode creds prints exactly two lines; anything after the password is not part of it.
    if (auto nl2 = c.password.find('\n'); nl2 != std::string::npos) c.password.resize(nl2);
    c.password = strip_line_end(c.password);
  } else {
    c.username = username;
    c.password = out;
  }
  util::log::debug("the keyring gave credentials for " + (username.empty() ? c.username + "@" : "") + who);
  return c;
}

}  // namespace ptinstall::net
