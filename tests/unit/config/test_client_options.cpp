#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>

#include "ptinstall/config/client_options.hpp"
#include "ptinstall/config/config_files.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/strings.hpp"
#include "support/paths.hpp"
#include "support/errors.hpp"

using namespace ptinstall;
using namespace ptinstall::config;
using namespace std::chrono_literals;

namespace {

// apply_environment takes a plain function pointer: the fake environment is a global.
std::map<std::string, std::string> g_env;
const char* fake_getenv(const char* name) {
  auto it = g_env.find(name);
  return it == g_env.end() ? nullptr : it->second.c_str();
}

Settings from_env(std::map<std::string, std::string> env, Settings settings = {}) {
  g_env = std::move(env);
  apply_environment(settings, kInstall, fake_getenv);
  return settings;
}

SettingValue cli(std::string flag, std::string value) { return {{std::move(value)}, Source::CommandLine, std::move(flag)}; }


}  // namespace

TEST_CASE("client_options: the defaults are the client's") {
  net::ClientOptions o = client_options(Settings{});
  net::ClientOptions d;
  CHECK(o.concurrency == d.concurrency);
  CHECK(o.concurrency == 50);
  CHECK(o.retries == 10);
  CHECK(o.read_timeout == 30s);
  CHECK(o.connect_timeout == 10s);
  CHECK(o.ca_file.empty());
  CHECK(o.ca_dir.empty());
  CHECK(o.insecure_hosts.empty());
  CHECK_FALSE(o.netrc_file);
  CHECK(o.use_netrc);
  CHECK_FALSE(o.offline);
  CHECK(o.proxy.empty());
  CHECK(o.https_proxy.empty());
  CHECK(o.http_proxy.empty());
  CHECK_FALSE(o.no_proxy);
}

TEST_CASE("client_options: the environment, PTINSTALL_ before UV_") {
  auto uv = client_options(from_env({{"UV_HTTP_TIMEOUT", "5"},
                                     {"UV_HTTP_RETRIES", "0"},
                                     {"UV_CONCURRENT_DOWNLOADS", "8"},
                                     {"UV_HTTP_CONNECT_TIMEOUT", "2.5"},
                                     {"NETRC", "/tmp/my-netrc"},
                                     {"UV_INSECURE_HOST", "a.internal b.internal:8443"},
                                     {"UV_OFFLINE", "1"}}));
  CHECK(uv.read_timeout == 5s);
  CHECK(uv.retries == 0);
  CHECK(uv.concurrency == 8);
  CHECK(uv.connect_timeout == 2500ms);
  CHECK(uv.netrc_file == std::filesystem::path("/tmp/my-netrc"));
  CHECK(uv.insecure_hosts == std::vector<std::string>{"a.internal", "b.internal:8443"});
  CHECK(uv.offline);

  auto pt = client_options(from_env({{"UV_HTTP_TIMEOUT", "5"},
                                     {"PTINSTALL_HTTP_TIMEOUT", "7"},
                                     {"UV_CONCURRENT_DOWNLOADS", "8"},
                                     {"PTINSTALL_CONCURRENT_DOWNLOADS", "3"},
                                     {"PTINSTALL_HTTP_RETRIES", "1"},
                                     {"PTINSTALL_HTTP_CONNECT_TIMEOUT", "4"}}));
  CHECK(pt.read_timeout == 7s);
  CHECK(pt.concurrency == 3);
  CHECK(pt.retries == 1);
  CHECK(pt.connect_timeout == 4s);

  // uv's old name still counts, below the new one.
  CHECK(client_options(from_env({{"UV_REQUEST_TIMEOUT", "9"}})).read_timeout == 9s);
  CHECK(client_options(from_env({{"UV_REQUEST_TIMEOUT", "9"}, {"UV_HTTP_TIMEOUT", "6"}})).read_timeout == 6s);
  // An empty variable is unset.
  CHECK(client_options(from_env({{"UV_HTTP_TIMEOUT", ""}})).read_timeout == 30s);
}

TEST_CASE("client_options: command line > environment > config files > default") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml",
                          "concurrent-downloads = 4\nallow-insecure-host = [\"file.internal\"]\n");
  auto file = read_config_file(dir.path() / "uv.toml", Source::ProjectFile);

  // The config file alone.
  Settings s;
  apply_config_files(s, kInstall, {file});
  CHECK(client_options(s).concurrency == 4);
  CHECK(client_options(s).insecure_hosts == std::vector<std::string>{"file.internal"});

  // The environment beats the file.
  s = from_env({{"UV_CONCURRENT_DOWNLOADS", "8"}, {"UV_HTTP_RETRIES", "5"}});
  apply_config_files(s, kInstall, {file});
  CHECK(client_options(s).concurrency == 8);
  CHECK(client_options(s).retries == 5);

  // The command line beats the environment.
  Settings c;
  c.set("http-retries", cli("--retries", "1"));
  c.set("http-timeout", cli("--timeout", "2.5"));
  c = from_env({{"UV_HTTP_RETRIES", "5"}, {"UV_HTTP_TIMEOUT", "60"}}, c);
  apply_config_files(c, kInstall, {file});
  auto o = client_options(c);
  CHECK(o.retries == 1);
  CHECK(o.read_timeout == 2500ms);
  CHECK(o.concurrency == 4);
  CHECK(o.connect_timeout == 10s);  // the default
}

TEST_CASE("client_options: invalid values are errors naming their origin") {
  std::string hint;
  CHECK(test::error_message([] { client_options(from_env({{"UV_HTTP_TIMEOUT", "soon"}})); }, &hint) ==
        "invalid value for UV_HTTP_TIMEOUT: 'soon'");
  CHECK(hint == "expected a number > 0");
  CHECK(test::error_message([] { client_options(from_env({{"UV_CONCURRENT_DOWNLOADS", "0"}})); }) ==
        "invalid value for UV_CONCURRENT_DOWNLOADS: '0'");
  CHECK(test::error_message([] { client_options(from_env({{"PTINSTALL_HTTP_CONNECT_TIMEOUT", "-1"}})); }) ==
        "invalid value for PTINSTALL_HTTP_CONNECT_TIMEOUT: '-1'");
  CHECK(test::error_message([] { client_options(from_env({{"UV_HTTP_RETRIES", "many"}})); }, &hint) ==
        "invalid value for UV_HTTP_RETRIES: 'many'");
  CHECK(hint == "expected a number >= 0");

  Settings c;
  c.set("http-timeout", cli("--timeout", "0"));
  CHECK(test::error_message([&] { client_options(c); }) == "invalid value for --timeout: '0'");
  c = {};
  c.set("http-retries", cli("--retries", "three"));
  CHECK(test::error_message([&] { client_options(c); }) == "invalid value for --retries: 'three'");

  util::TempDir dir;
  auto toml = dir.path() / "uv.toml";
  util::write_file_atomic(toml, "concurrent-downloads = 0\n");
  Settings f;
  apply_config_files(f, kInstall, {read_config_file(toml, Source::UserFile)});
  CHECK(test::error_message([&] { client_options(f); }) ==
        "invalid value for `concurrent-downloads` in " + toml.string() + ": '0'");
  // A number may be written as a string too (and is checked the same way); other types are errors.
  util::write_file_atomic(toml, "concurrent-downloads = \"many\"\n");
  f = {};
  apply_config_files(f, kInstall, {read_config_file(toml, Source::UserFile)});
  CHECK(test::error_message([&] { client_options(f); }) ==
        "invalid value for `concurrent-downloads` in " + toml.string() + ": 'many'");
  util::write_file_atomic(toml, "\nconcurrent-downloads = true\n");
  CHECK(test::error_message([&] { read_config_file(toml, Source::UserFile); }).find("uv.toml:2: `concurrent-downloads` must be a number, not a boolean") !=
        std::string::npos);
}

TEST_CASE("client_options: config-file keys only where uv has one") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml",
                          "native-tls = true\nconcurrent-downloads = 2.0\nhttps-proxy = \"http://proxy:3128\"\n"
                          "http-proxy = \"http://proxy:3129\"\nno-proxy = [\"localhost\", \".internal\"]\n");
  // Not uv settings: unknown keys, errors naming the file and line.
  for (const char* other : {"http-timeout = 5", "http-retries = 1", "cert = \"/x.pem\"", "proxy = \"http://p:1\"",
                            "netrc = \"/n\""}) {
    util::write_file_atomic(dir.path() / "other.toml", std::string(other) + "\n");
    CHECK_THROWS_WITH(read_config_file(dir.path() / "other.toml", Source::ProjectFile), Catch::Contains(":1: unknown key"));
  }
  auto file = read_config_file(dir.path() / "uv.toml", Source::ProjectFile);
  std::set<std::string> keys;
  for (const auto& [key, value] : file.values) keys.insert(key);
  CHECK(keys == std::set<std::string>{"native-tls", "concurrent-downloads", "https-proxy", "http-proxy", "no-proxy"});
  Settings s;
  apply_config_files(s, kInstall, {file});
  auto o = client_options(s);
  CHECK(o.concurrency == 2);
  CHECK(o.https_proxy == "http://proxy:3128");
  CHECK(o.http_proxy == "http://proxy:3129");
  CHECK(o.no_proxy == "localhost,.internal");
  CHECK(o.proxy.empty());
}

TEST_CASE("client_options: proxies from the environment are left to libcurl") {
  auto env = client_options(from_env({{"HTTPS_PROXY", "http://env:1"},
                                      {"http_proxy", "http://env:2"},
                                      {"ALL_PROXY", "http://env:3"},
                                      {"NO_PROXY", "localhost"}}));
  CHECK(env.proxy.empty());
  CHECK(env.https_proxy.empty());
  CHECK(env.http_proxy.empty());
  CHECK_FALSE(env.no_proxy);

  // --proxy is passed, whatever the environment says.
  Settings c;
  c.set("proxy", cli("--proxy", "http://cli:8080"));
  c = from_env({{"ALL_PROXY", "http://env:3"}}, c);
  CHECK(client_options(c).proxy == "http://cli:8080");

  // The environment beats a config file's https-proxy: nothing explicit, libcurl reads the variable.
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml", "https-proxy = \"http://file:1\"\nno-proxy = [\"a\"]\n");
  Settings s = from_env({{"https_proxy", "http://env:1"}, {"no_proxy", "b"}});
  apply_config_files(s, kInstall, {read_config_file(dir.path() / "uv.toml", Source::ProjectFile)});
  CHECK(s.find("https-proxy")->source == Source::Environment);
  CHECK(client_options(s).https_proxy.empty());
  CHECK_FALSE(client_options(s).no_proxy);
}

TEST_CASE("client_options: an empty variable is unset, so the config file's value counts") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml",
                          "http-proxy = \"http://file:1\"\nno-proxy = [\"localhost\", \"127.0.0.1\"]\n"
                          "allow-insecure-host = [\"file.internal\"]\n");
  Settings s = from_env({{"http_proxy", ""}, {"HTTP_PROXY", ""}, {"no_proxy", ""}, {"NO_PROXY", " "},
                         {"UV_INSECURE_HOST", ""}});
  apply_config_files(s, kInstall, {read_config_file(dir.path() / "uv.toml", Source::ProjectFile)});
  auto o = client_options(s);
  CHECK(o.http_proxy == "http://file:1");
  CHECK(o.no_proxy == "localhost,127.0.0.1");
  CHECK(o.insecure_hosts == std::vector<std::string>{"file.internal"});
}

TEST_CASE("client_options: certificates") {
  util::TempDir dir;
  auto pem = dir.path() / "ca.pem";
  util::write_file_atomic(pem, "not really");
  auto ok = client_options(from_env({{"SSL_CERT_FILE", pem.string()}, {"SSL_CERT_DIR", dir.path().string()}}));
  CHECK(ok.ca_file == pem.string());
  CHECK(ok.ca_dir == dir.path().string());

  // A variable naming nothing is ignored (with a warning), as before.
  auto missing = dir.path() / "missing.pem";
  auto ignored = client_options(from_env({{"SSL_CERT_FILE", missing.string()}, {"SSL_CERT_DIR", missing.string()}}));
  CHECK(ignored.ca_file.empty());
  CHECK(ignored.ca_dir.empty());

  // --cert beats SSL_CERT_FILE, and must exist.
  Settings c;
  c.set("cert", cli("--cert", pem.string()));
  c = from_env({{"SSL_CERT_FILE", "/elsewhere.pem"}}, c);
  CHECK(client_options(c).ca_file == pem.string());
  c = {};
  c.set("cert", cli("--cert", missing.string()));
  CHECK(test::error_message([&] { client_options(c); }) == "invalid value for --cert: '" + missing.string() + "' is not a file");
}

TEST_CASE("network settings: declared once for the resolving commands, flags only where pip or uv have them") {
  std::map<std::string, std::string> flags;
  for (auto key : client_option_keys()) {
    const SettingSpec* spec = find_setting(key);
    REQUIRE(spec);
    INFO(key);
    CHECK((spec->commands & kInstall));
    CHECK((spec->commands & kCompile));
    CHECK((spec->commands & kSync));
    CHECK(spec->implemented);
    flags[std::string(key)] = std::string(spec->flags);
  }
  CHECK(flags["http-timeout"] == "--timeout");
  CHECK(flags["http-retries"] == "--retries");
  CHECK(flags["cert"] == "--cert");
  CHECK(flags["proxy"] == "--proxy");
  CHECK(flags["allow-insecure-host"] == "--allow-insecure-host,--trusted-host");
  CHECK(flags["http-connect-timeout"].empty());
  CHECK(flags["concurrent-downloads"].empty());

  // Declared, not implemented: giving it is an error.
  const SettingSpec* client_cert = find_setting("client-cert");
  REQUIRE(client_cert);
  CHECK_FALSE(client_cert->implemented);
  Settings c;
  c.set("client-cert", cli("--client-cert", "/me.pem"));
  CHECK(test::error_message([&] { reject_unimplemented(c, kInstall); }) == "--client-cert is not supported yet");

  // Accepted: ptinstall always verifies against the system's store.
  const SettingSpec* native = find_setting("native-tls");
  REQUIRE(native);
  CHECK(native->implemented);
  CHECK_NOTHROW(reject_unimplemented(from_env({{"UV_NATIVE_TLS", "1"}}), kInstall));
}
TEST_CASE("docs/network.md and docs/cli.md list every network setting's flags and variables") {
  std::string network = util::read_file(test::source_dir() + "/docs/network.md");
  std::string cli_md = util::read_file(test::source_dir() + "/docs/cli.md");
  std::vector<std::string_view> keys(client_option_keys().begin(), client_option_keys().end());
  keys.push_back("native-tls");
  keys.push_back("client-cert");
  for (auto key : keys) {
    const SettingSpec* spec = find_setting(key);
    REQUIRE(spec);
    for (auto name : spec->env) {
      INFO(key << ": " << name);
      CHECK(network.find("`" + std::string(name) + "`") != std::string::npos);
      CHECK(cli_md.find("`" + std::string(name) + "`") != std::string::npos);
    }
    for (auto part : util::split(spec->flags, ',')) {
      std::string flag(util::trim(part));
      INFO(key << ": " << flag);
      CHECK(network.find("`" + flag) != std::string::npos);
      CHECK(cli_md.find("`" + flag) != std::string::npos);
    }
  }
}
