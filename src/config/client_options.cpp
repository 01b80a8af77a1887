#include "ptinstall/config/client_options.hpp"

#include <array>
#include <chrono>
#include <filesystem>
#include <string>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/subprocess.hpp"

namespace ptinstall::config {
namespace {

constexpr std::array<std::string_view, 17> kKeys = {
    "concurrent-downloads", "http-timeout", "http-connect-timeout", "http-retries", "proxy",     "https-proxy",
    "http-proxy",           "no-proxy",     "cert",                 "ssl-cert-dir", "allow-insecure-host",
    "netrc",                "offline",      "http-deadline",        "http-max-page-size",
    "http-max-download-size", "keyring-provider"};

// How a message names where a value came from: the variable or the flag as given, or the key and
// its config file.
std::string where(std::string_view key, const SettingValue* v) {
  if (!v || v->source == Source::Default) return std::string(key);
  if (v->source == Source::Environment || v->source == Source::CommandLine) return v->origin;
  return "`" + std::string(key) + "` in " + v->origin;
}

}  // namespace

double number_setting(const Settings& settings, std::string_view key, bool allow_zero) {
  auto value = settings.get(key);  // the registry's default when unset
  if (!value) throw util::Error("internal error: the setting `" + std::string(key) + "` has no default");
  return net::parse_number_setting(where(key, settings.find(key)), *value, allow_zero);
}

namespace {

std::chrono::milliseconds seconds(const Settings& settings, std::string_view key) {
  return std::chrono::milliseconds(static_cast<long long>(1000 * number_setting(settings, key, false)));
}

// A value that came from anywhere but the environment (whose proxies libcurl reads itself).
std::string explicit_value(const Settings& settings, std::string_view key) {
  const SettingValue* v = settings.find(key);
  if (!v || v->source == Source::Environment || v->values.empty()) return {};
  return v->values.back();
}

// --keyring-provider: uv's `subprocess`, and pip's other values mapped onto the one ptinstall has.
bool keyring_enabled(const Settings& settings) {
  std::string value = settings.get("keyring-provider").value_or("disabled");
  if (value == "subprocess") return true;
  if (value == "auto") return !util::find_on_path("keyring").empty();  // pip: whichever keyring there is
  if (value == "import") {
    // pip imports the keyring module next to itself; ptinstall has no Python of its own to import it
    // into, so the command is the keyring it can use.
    util::log::warn(where("keyring-provider", settings.find("keyring-provider")) +
                    ": ptinstall cannot import Python's keyring module; using the `keyring` command (subprocess)");
    return true;
  }
  return false;
}

}  // namespace

std::span<const std::string_view> client_option_keys() { return kKeys; }

net::ClientOptions client_options(const Settings& settings) {
  net::ClientOptions o;
  o.concurrency = static_cast<std::size_t>(number_setting(settings, "concurrent-downloads", false));
  o.read_timeout = seconds(settings, "http-timeout");
  o.connect_timeout = seconds(settings, "http-connect-timeout");
  o.retries = static_cast<int>(number_setting(settings, "http-retries", true));
  o.deadline = seconds(settings, "http-deadline");
  auto mib = [&](std::string_view key) {
    return static_cast<std::uint64_t>(number_setting(settings, key, false) * 1024.0 * 1024.0);
  };
  o.max_page_bytes = mib("http-max-page-size");
  o.max_download_bytes = mib("http-max-download-size");

  // SSL_CERT_FILE / SSL_CERT_DIR that do not exist are ignored with a warning, as before (a stale
  // variable in a shell profile must not stop every install); a --cert that does not exist is an error.
  if (auto file = settings.get("cert"); file && !file->empty()) {
    const SettingValue* v = settings.find("cert");
    if (std::filesystem::is_regular_file(*file))
      o.ca_file = *file;
    else if (v->source == Source::Environment)
      util::log::warn("ignoring " + v->origin + ": " + *file + " is not a file");
    else
      throw util::Error("invalid value for " + where("cert", v) + ": '" + *file + "' is not a file",
                        "give a PEM file of certificate authorities");
  }
  if (auto dir = settings.get("ssl-cert-dir"); dir && !dir->empty()) {
    const SettingValue* v = settings.find("ssl-cert-dir");
    if (std::filesystem::is_directory(*dir))
      o.ca_dir = *dir;
    else if (v->source == Source::Environment)
      util::log::warn("ignoring " + v->origin + ": " + *dir + " is not a directory");
    else
      throw util::Error("invalid value for " + where("ssl-cert-dir", v) + ": '" + *dir + "' is not a directory",
                        "give a directory of hashed certificate files");
  }
  o.insecure_hosts = settings.get_list("allow-insecure-host");
  if (auto netrc = settings.get("netrc"); netrc && !netrc->empty()) o.netrc_file = std::filesystem::path(*netrc);
  o.offline = settings.flag("offline");
  o.keyring = keyring_enabled(settings);

  o.proxy = explicit_value(settings, "proxy");
  o.https_proxy = explicit_value(settings, "https-proxy");
  o.http_proxy = explicit_value(settings, "http-proxy");
  if (const SettingValue* v = settings.find("no-proxy"); v && v->source != Source::Environment && !v->values.empty())
    o.no_proxy = util::join(v->values, ",");
  return o;
}

}  // namespace ptinstall::config
