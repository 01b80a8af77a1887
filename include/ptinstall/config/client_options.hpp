// The HTTP client's options from the merged settings (command line > environment > config files >
// default): the one place where the network settings of the registry (src/config/settings.cpp:
// http-timeout, http-connect-timeout, http-retries, concurrent-downloads, cert, ssl-cert-dir,
// allow-insecure-host, proxy, https-proxy, http-proxy, no-proxy, netrc, offline) become
// net::ClientOptions. docs/network.md describes them.
#pragma once
#include <span>
#include <string_view>

#include "ptinstall/config/settings.hpp"
#include "ptinstall/net/http_client.hpp"

namespace ptinstall::config {

// The registry keys client_options() reads, in the order docs/network.md lists them.
std::span<const std::string_view> client_option_keys();

// Throws util::Error naming where an invalid value came from (the variable, the flag, or the key and
// its file), with the wording of net::ClientOptions::from_environment: "invalid value for
// UV_HTTP_TIMEOUT: 'soon'". A missing SSL_CERT_FILE / SSL_CERT_DIR is a warning and ignored, as
// before; a missing --cert is an error.
//
// Proxies: a value that came from the environment is left to libcurl, which reads http_proxy,
// HTTPS_PROXY, ALL_PROXY and NO_PROXY itself (and HttpClient adds an upper-case HTTP_PROXY);
// only --proxy and the config-file keys https-proxy, http-proxy and no-proxy are passed explicitly.
//
// Not covered by the settings: the --trusted-host lines of requirements files (the caller appends
// them to insecure_hosts) and the user agent.
net::ClientOptions client_options(const Settings& settings);

// A number setting (the registry's default when unset), validated like the HTTP numbers; an error
// names where the value came from (the flag, the variable, or the key and its config file).
double number_setting(const Settings& settings, std::string_view key, bool allow_zero);

}  // namespace ptinstall::config
