#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/subprocess.hpp"
#include "ptinstall/util/url.hpp"
#include "support/errors.hpp"
#include "support/test_server.hpp"
#include "support/tls_cert.hpp"

using namespace ptinstall;
using net::HttpClient;
using net::Request;
using net::Response;
using test::shared_server;

namespace {

net::ClientOptions fast_options() {
  net::ClientOptions o;
  o.retry_base_delay = std::chrono::milliseconds(5);
  o.retry_max_delay = std::chrono::milliseconds(20);
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.read_timeout = std::chrono::milliseconds(5000);
  o.use_netrc = false;
  return o;
}

std::string pattern(size_t n, size_t start = 0) {
  std::string s;
  for (size_t i = start; i < start + n; ++i) s += static_cast<char>(i % 251);
  return s;
}

nlohmann::json stats(HttpClient& client) {
  return nlohmann::json::parse(client.get({shared_server().url("/_stats")}).body);
}

void reset(HttpClient& client) { client.get({shared_server().url("/_reset")}); }

int hits(HttpClient& client, const std::string& path) {
  auto s = stats(client);
  return s["hits"].contains(path) ? s["hits"][path].get<int>() : 0;
}

// A loopback port nobody listens on.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

struct EnvGuard {
  std::string name;
  std::optional<std::string> old;
  EnvGuard(std::string n, const char* value) : name(std::move(n)) {
    if (const char* o = std::getenv(name.c_str())) old = o;
    if (value)
      ::setenv(name.c_str(), value, 1);
    else
      ::unsetenv(name.c_str());
  }
  ~EnvGuard() {
    if (old)
      ::setenv(name.c_str(), old->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }
};


}  // namespace

TEST_CASE("GET returns status, body and lower-case headers", "[net][http]") {
  HttpClient client(fast_options());
  auto before = client.request_count();
  Response r = client.get({shared_server().url("/static/one")});
  CHECK(r.status == 200);
  CHECK(r.ok());
  CHECK(r.body == "hello one");
  CHECK(r.header("content-type") == "text/plain");
  CHECK(r.header("content-length") == "9");
  CHECK_FALSE(r.header("Content-Type"));
  CHECK(r.effective_url == shared_server().url("/static/one"));
  CHECK(r.attempts == 1);
  CHECK_FALSE(r.from_cache);
  CHECK(client.request_count() == before + 1);
}

TEST_CASE("a 404 is a response, raise_for_status makes it an error", "[net][http]") {
  HttpClient client(fast_options());
  Response r = client.get({shared_server().url("/nothing/here")});
  CHECK(r.status == 404);
  CHECK_FALSE(r.ok());
  CHECK(r.body == "not found: /nothing/here");
  CHECK(r.attempts == 1);  // 4xx is not retried
  std::string msg = test::error_message([&] { net::raise_for_status(r, "http://u:pw@127.0.0.1/nothing/here"); });
  CHECK(msg == "failed to fetch http://u:****@127.0.0.1/nothing/here: HTTP 404 Not Found");
  CHECK(test::error_kind([&] { net::raise_for_status(r, "x"); }) == "network");
  CHECK_NOTHROW(net::raise_for_status(client.get({shared_server().url("/static/x")}), "x"));
}

TEST_CASE("custom headers, Accept negotiation, user agent and HEAD", "[net][http]") {
  HttpClient client(fast_options());
  Request json{shared_server().url("/accept")};
  json.headers = {{"Accept", "application/vnd.pypi.simple.v1+json, text/html;q=0.1"}};
  Response j = client.get(json);
  CHECK(j.header("content-type") == "application/vnd.pypi.simple.v1+json");
  CHECK(j.body == R"({"meta": {"api-version": "1.1"}})");
  CHECK(j.header("vary") == "Accept");
  Response h = client.get({shared_server().url("/accept")});
  CHECK(h.header("content-type") == "text/html");

  Request echo{shared_server().url("/headers")};
  echo.headers = {{"X-Custom", "forty two"}};
  Response e = client.get(echo);
  CHECK(e.body.find("x-custom: forty two\n") != std::string::npos);
  CHECK(e.body.find("user-agent: ptinstall/") != std::string::npos);
  CHECK(e.body.find("authorization") == std::string::npos);

  Request head{shared_server().url("/static/head")};
  head.head = true;
  Response hr = client.get(head);
  CHECK(hr.status == 200);
  CHECK(hr.body.empty());
  CHECK(hr.header("content-length") == "10");
}

TEST_CASE("range requests", "[net][http]") {
  HttpClient client(fast_options());
  Request r{shared_server().url("/range")};
  r.range = net::ByteRange{100, 199};
  Response a = client.get(r);
  CHECK(a.status == 206);
  CHECK(a.body == pattern(100, 100));
  CHECK(a.header("content-range") == "bytes 100-199/10000");

  r.range = net::ByteRange{9990, std::nullopt};
  Response b = client.get(r);
  CHECK(b.status == 206);
  CHECK(b.body == pattern(10, 9990));

  r.range = net::ByteRange{64, std::nullopt, true};
  Response c = client.get(r);
  CHECK(c.status == 206);
  CHECK(c.body == pattern(64, 10000 - 64));
  CHECK(c.header("content-range") == "bytes 9936-9999/10000");

  r.range = net::ByteRange{20000, std::nullopt};
  CHECK(client.get(r).status == 416);

  Response whole = client.get({shared_server().url("/range")});
  CHECK(whole.status == 200);
  CHECK(whole.body == pattern(10000));
}

TEST_CASE("5xx is retried with backoff until it succeeds or retries run out", "[net][http][retry]") {
  HttpClient client(fast_options());
  reset(client);
  Response ok = client.get({shared_server().url("/flaky/a?fail=2")});
  CHECK(ok.status == 200);
  CHECK(ok.body == "ok after 2");
  CHECK(ok.attempts == 3);
  CHECK(hits(client, "/flaky/a") == 3);

  Request few{shared_server().url("/flaky/b?fail=5&code=503")};
  few.retries = 1;
  Response still = client.get(few);
  CHECK(still.status == 503);
  CHECK(still.attempts == 2);
  CHECK(hits(client, "/flaky/b") == 2);

  Response always = client.get({shared_server().url("/always500")});
  CHECK(always.status == 500);
  CHECK(always.attempts == 11);  // 1 + the default of 10 retries (docs/network.md)

  Response tooMany = client.get({shared_server().url("/flaky/c?fail=1&code=429")});
  CHECK(tooMany.status == 200);
  CHECK(tooMany.attempts == 2);

  Request none{shared_server().url("/flaky/d?fail=1")};
  none.retries = 0;
  CHECK(client.get(none).status == 500);
}

TEST_CASE("connection refused is retried, then reported with a redacted URL and a hint", "[net][http][retry]") {
  auto o = fast_options();
  o.retries = 2;
  HttpClient client(o);
  std::string url = "http://bob:hunter2@127.0.0.1:" + std::to_string(closed_port()) + "/simple/";
  auto before = client.request_count();
  std::string hint;
  std::string msg = test::error_message([&] { client.get({url}); }, &hint);
  CHECK(msg == "failed to fetch http://bob:****@127.0.0.1:" + url.substr(url.rfind(':') + 1) +
                   ": connection refused (after 3 attempts)");
  CHECK(msg.find("hunter2") == std::string::npos);
  CHECK(hint.find("--offline") != std::string::npos);
  CHECK(client.request_count() == before + 3);
  CHECK(test::error_kind([&] { client.get({url}); }) == "network");
}

TEST_CASE("a truncated body is an error after the retries", "[net][http][retry]") {
  auto o = fast_options();
  o.retries = 1;
  HttpClient client(o);
  std::string msg = test::error_message([&] { client.get({shared_server().url("/truncated")}); });
  CHECK(msg == "failed to fetch " + shared_server().url("/truncated") +
                   ": the connection closed before the whole body arrived (after 2 attempts)");
}

TEST_CASE("streaming: a dropped connection resets the consumer and the retry delivers the body", "[net][http][stream]") {
  HttpClient client(fast_options());
  reset(client);
  std::string got;
  int resets = 0;
  int chunks = 0;
  net::StreamHandler handler{[&](std::string_view c) {
                               got.append(c);
                               ++chunks;
                             },
                             [&] {
                               got.clear();
                               ++resets;
                             }};
  Response r = client.fetch_streaming({shared_server().url("/drop/s1?times=2")}, handler);
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  CHECK(r.attempts == 3);
  CHECK(resets == 2);
  CHECK(chunks >= 1);
  CHECK(got == pattern(1000));
}

TEST_CASE("streaming: bodies of error responses are kept, not streamed", "[net][http][stream]") {
  HttpClient client(fast_options());
  std::string got;
  Response r = client.fetch_streaming({shared_server().url("/missing")}, {[&](std::string_view c) { got.append(c); }, {}});
  CHECK(r.status == 404);
  CHECK(got.empty());
  CHECK(r.body == "not found: /missing");

  std::string big;
  Response b = client.fetch_streaming({shared_server().url("/bytes?n=300000")}, {[&](std::string_view c) { big.append(c); }, {}});
  CHECK(b.status == 200);
  CHECK(big == pattern(300000));
}

TEST_CASE("streaming: a consumer that throws aborts without a retry", "[net][http][stream]") {
  HttpClient client(fast_options());
  reset(client);
  auto f = client.submit({shared_server().url("/bytes?n=100000")},
                         {[](std::string_view) { throw std::runtime_error("disk full"); }, {}});
  CHECK_THROWS_WITH(f.get(), "disk full");
  CHECK(hits(client, "/bytes") == 1);
}

TEST_CASE("read timeout", "[net][http][timeout]") {
  auto o = fast_options();
  o.read_timeout = std::chrono::milliseconds(1000);
  o.retries = 0;
  HttpClient client(o);
  std::string hint;
  auto t0 = std::chrono::steady_clock::now();
  std::string msg = test::error_message([&] { client.get({shared_server().url("/slow?delay=4")}); }, &hint);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  CHECK(msg == "failed to fetch " + shared_server().url("/slow?delay=4") + ": timed out");
  CHECK(hint.find("UV_HTTP_TIMEOUT") != std::string::npos);
  CHECK(elapsed < std::chrono::milliseconds(3500));

  std::string msg2 = test::error_message([&] { client.get({shared_server().url("/slowbody?delay=4")}); });
  CHECK(msg2 == "failed to fetch " + shared_server().url("/slowbody?delay=4") + ": timed out");

  // Slower than nothing but within the timeout: fine.
  o.read_timeout = std::chrono::milliseconds(5000);
  HttpClient patient(o);
  CHECK(patient.get({shared_server().url("/slow?delay=0.5")}).body == "finally");
}

TEST_CASE("redirects", "[net][http]") {
  HttpClient client(fast_options());
  Response r = client.get({shared_server().url("/redirect?to=/static/target")});
  CHECK(r.status == 200);
  CHECK(r.body == "hello target");
  CHECK(r.effective_url == shared_server().url("/static/target"));

  Response p = client.get({shared_server().url("/redirect?to=/static/perm&code=301")});
  CHECK(p.body == "hello perm");

  Request no{shared_server().url("/redirect?to=/static/target")};
  no.follow_redirects = false;
  Response n = client.get(no);
  CHECK(n.status == 302);
  CHECK(n.header("location") == "/static/target");

  std::string msg = test::error_message([&] { client.get({shared_server().url("/redirect-loop")}); });
  CHECK(msg == "failed to fetch " + shared_server().url("/redirect-loop") + ": too many redirects");
}

TEST_CASE("credentials from the URL, remembered for the host", "[net][http][auth]") {
  HttpClient client(fast_options());
  CHECK(client.get({shared_server().url("/auth/a")}).status == 401);
  std::string base = "http://alice:wrong@127.0.0.1:" + std::to_string(shared_server().port());
  CHECK(client.get({base + "/auth/a"}).status == 401);
  std::string good = "http://alice:s3cr%40t@127.0.0.1:" + std::to_string(shared_server().port());
  Response r = client.get({good + "/auth/index/"});
  CHECK(r.status == 200);
  CHECK(r.body == "welcome alice");
  // A file linked from the index, without credentials in its URL.
  CHECK(client.get({shared_server().url("/auth/files/a.whl")}).status == 200);
  // Another client has no memory of them.
  HttpClient fresh(fast_options());
  CHECK(fresh.get({shared_server().url("/auth/files/a.whl")}).status == 401);
}

TEST_CASE("credentials from a netrc file ($NETRC)", "[net][http][auth]") {
  util::TempDir dir;
  auto netrc = dir.path() / "netrc";
  util::write_file_atomic(netrc, "machine 127.0.0.1\n  login alice\n  password s3cr@t\n");
  {
    EnvGuard env("NETRC", netrc.c_str());
    auto o = net::ClientOptions::from_environment();
    REQUIRE(o.netrc_file);
    CHECK(*o.netrc_file == netrc);
    o.retry_base_delay = std::chrono::milliseconds(5);
    HttpClient client(o);
    Response r = client.get({shared_server().url("/auth/netrc")});
    CHECK(r.status == 200);
    CHECK(r.body == "welcome alice");
  }
  auto o = fast_options();
  o.use_netrc = true;
  o.netrc_file = dir.path() / "absent";
  HttpClient without(o);
  CHECK(without.get({shared_server().url("/auth/netrc")}).status == 401);
}

TEST_CASE("100 parallel requests reuse connections", "[net][http][parallel]") {
  auto o = fast_options();
  o.concurrency = 10;
  HttpClient client(o);
  reset(client);
  std::vector<Request> reqs;
  for (int i = 0; i < 100; ++i) reqs.push_back({shared_server().url("/static/p" + std::to_string(i))});
  auto before = client.request_count();
  auto responses = client.get_all(reqs);
  REQUIRE(responses.size() == 100);
  for (int i = 0; i < 100; ++i) {
    CHECK(responses[i].status == 200);
    CHECK(responses[i].body == "hello p" + std::to_string(i));
  }
  CHECK(client.request_count() == before + 100);
  auto s = stats(client);
  int connections = s["connections"].get<int>();
  INFO("connections: " << connections);
  CHECK(connections <= 12);  // 10 transfers at a time, plus the /_reset and /_stats ones
  CHECK(connections >= 1);
}

TEST_CASE("the concurrency limit holds", "[net][http][parallel]") {
  auto o = fast_options();
  o.concurrency = 4;
  HttpClient client(o);
  reset(client);
  std::vector<Request> reqs;
  for (int i = 0; i < 16; ++i) reqs.push_back({shared_server().url("/concurrency?delay=0.15&i=" + std::to_string(i))});
  auto t0 = std::chrono::steady_clock::now();
  auto responses = client.get_all(reqs);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  for (int i = 0; i < 16; ++i) CHECK(responses[i].body == "done delay=0.15&i=" + std::to_string(i));
  int max_inflight = stats(client)["max_inflight"].get<int>();
  CHECK(max_inflight <= 4);
  CHECK(max_inflight >= 2);
  CHECK(elapsed >= std::chrono::milliseconds(550));  // 16 / 4 rounds of 150 ms
}

TEST_CASE("submit from several threads", "[net][http][parallel]") {
  HttpClient client(fast_options());
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<Response>> fs;
      for (int i = 0; i < 25; ++i) fs.push_back(client.submit({shared_server().url("/static/t" + std::to_string(t * 100 + i))}));
      for (int i = 0; i < 25; ++i)
        if (fs[i].get().body == "hello t" + std::to_string(t * 100 + i)) ++good;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(good == 100);
}

TEST_CASE("get_all reports a failure after every transfer finished", "[net][http][parallel]") {
  auto o = fast_options();
  o.retries = 0;
  HttpClient client(o);
  std::vector<Request> reqs{{shared_server().url("/static/a")},
                            {"http://127.0.0.1:" + std::to_string(closed_port()) + "/x"},
                            {shared_server().url("/static/b")}};
  CHECK_THROWS_WITH(client.get_all(reqs), Catch::Contains("connection refused"));
}

TEST_CASE("offline clients and invalid URLs fail without touching the network", "[net][http]") {
  auto o = fast_options();
  o.offline = true;
  HttpClient client(o);
  std::string msg = test::error_message([&] { client.get({"https://t:secret@pypi.org/simple/"}); });
  CHECK(msg == "failed to fetch https://t:****@pypi.org/simple/: not in the cache and --offline was given");
  CHECK(test::error_kind([&] { client.get({"https://pypi.org/simple/"}); }) == "network");
  CHECK(client.request_count() == 0);
  HttpClient online(fast_options());
  CHECK(test::error_message([&] { online.get({"not a url"}); }) == "invalid URL: not a url");
  CHECK(test::error_kind([&] { online.get({"not a url"}); }) == "network");
  CHECK(test::error_message([&] { online.get({"ftp://host/x"}); }).find("unsupported URL scheme 'ftp'") != std::string::npos);
}

TEST_CASE("proxies come from the environment", "[net][http][proxy]") {
  std::string proxy = shared_server().base();
  {
    EnvGuard p("http_proxy", proxy.c_str());
    EnvGuard np("no_proxy", "127.0.0.1,localhost");
    EnvGuard NP("NO_PROXY", nullptr);
    HttpClient client(fast_options());
    Response r = client.get({"http://pkgs.example.invalid/simple/torch/"});
    CHECK(r.status == 200);
    CHECK(r.body == "proxied http://pkgs.example.invalid/simple/torch/");
    // no_proxy keeps loopback direct.
    CHECK(client.get({shared_server().url("/static/direct")}).body == "hello direct");
  }
  {
    EnvGuard p("http_proxy", nullptr);
    EnvGuard P("HTTP_PROXY", proxy.c_str());
    EnvGuard np("no_proxy", nullptr);
    EnvGuard NP("NO_PROXY", nullptr);
    HttpClient client(fast_options());
    CHECK(client.get({"http://upper.example.invalid/x"}).body == "proxied http://upper.example.invalid/x");
  }
  {
    EnvGuard p("http_proxy", proxy.c_str());
    EnvGuard np("no_proxy", "example.invalid");
    auto o = fast_options();
    o.retries = 0;
    HttpClient client(o);
    std::string msg = test::error_message([&] { client.get({"http://direct.example.invalid/x"}); });
    CHECK(msg.find("could not resolve host direct.example.invalid") != std::string::npos);
  }
}

TEST_CASE("explicit proxies win over the environment; no_proxy applies to them", "[net][http][proxy]") {
  std::string proxy = shared_server().base();
  std::string dead = "http://127.0.0.1:" + std::to_string(closed_port());
  EnvGuard np("no_proxy", nullptr);
  EnvGuard NP("NO_PROXY", nullptr);
  EnvGuard all("ALL_PROXY", nullptr);
  EnvGuard all_lower("all_proxy", nullptr);
  EnvGuard P("HTTP_PROXY", nullptr);
  {
    // --proxy beats the environment's http_proxy.
    EnvGuard p("http_proxy", dead.c_str());
    auto o = fast_options();
    o.proxy = proxy;
    HttpClient client(o);
    CHECK(client.get({"http://pkgs.example.invalid/simple/"}).body == "proxied http://pkgs.example.invalid/simple/");
  }
  EnvGuard p("http_proxy", nullptr);
  {
    // The per-scheme proxy for http:// URLs; the https one is not used for them.
    auto o = fast_options();
    o.http_proxy = proxy;
    o.https_proxy = dead;
    HttpClient client(o);
    CHECK(client.get({"http://per-scheme.example.invalid/x"}).body == "proxied http://per-scheme.example.invalid/x");
  }
  {
    // An explicit no_proxy keeps loopback direct, even with an explicit (dead) proxy.
    auto o = fast_options();
    o.proxy = dead;
    o.no_proxy = "localhost,127.0.0.1";
    o.retries = 0;
    HttpClient client(o);
    CHECK(client.get({shared_server().url("/static/direct")}).body == "hello direct");
    CHECK(test::error_message([&] { client.get({"http://elsewhere.example.invalid/x"}); }).find("connection refused") !=
          std::string::npos);
  }
  {
    // And so does the environment's NO_PROXY.
    EnvGuard env_np("NO_PROXY", "127.0.0.1");
    auto o = fast_options();
    o.proxy = dead;
    HttpClient client(o);
    CHECK(client.get({shared_server().url("/static/direct")}).body == "hello direct");
  }
}

TEST_CASE("parse_number_setting", "[net][http][env]") {
  CHECK(net::parse_number_setting("X", " 2.5 ", false) == 2.5);
  CHECK(net::parse_number_setting("X", "0", true) == 0);
  std::string hint;
  CHECK(test::error_message([] { net::parse_number_setting("UV_HTTP_TIMEOUT", "0", false); }, &hint) ==
        "invalid value for UV_HTTP_TIMEOUT: '0'");
  CHECK(hint == "expected a number > 0");
  CHECK(test::error_message([] { net::parse_number_setting("--retries", "-1", true); }, &hint) ==
        "invalid value for --retries: '-1'");
  CHECK(hint == "expected a number >= 0");
  CHECK(test::error_message([] { net::parse_number_setting("X", "", true); }) == "invalid value for X: ''");
  CHECK(test::error_message([] { net::parse_number_setting("X", "1e999", true); }) == "invalid value for X: '1e999'");
  CHECK(test::error_message([] { net::parse_number_setting("X", "5s", true); }) == "invalid value for X: '5s'");
}

TEST_CASE("ClientOptions::from_environment", "[net][http][env]") {
  EnvGuard a("PTINSTALL_HTTP_TIMEOUT", nullptr);
  EnvGuard b("UV_HTTP_TIMEOUT", nullptr);
  EnvGuard c("UV_HTTP_RETRIES", nullptr);
  EnvGuard d("PTINSTALL_HTTP_RETRIES", nullptr);
  EnvGuard e("UV_CONCURRENT_DOWNLOADS", nullptr);
  EnvGuard f("PTINSTALL_CONCURRENT_DOWNLOADS", nullptr);
  EnvGuard g("UV_HTTP_CONNECT_TIMEOUT", nullptr);
  EnvGuard h("PTINSTALL_HTTP_CONNECT_TIMEOUT", nullptr);
  EnvGuard i("UV_REQUEST_TIMEOUT", nullptr);
  EnvGuard j("SSL_CERT_FILE", nullptr);
  EnvGuard k("SSL_CERT_DIR", nullptr);
  auto def = net::ClientOptions::from_environment();
  CHECK(def.concurrency == 50);
  CHECK(def.retries == 10);
  CHECK(def.read_timeout == std::chrono::seconds(30));
  CHECK(def.connect_timeout == std::chrono::seconds(10));
  CHECK(def.ca_file.empty());

  ::setenv("UV_HTTP_TIMEOUT", "5", 1);
  ::setenv("UV_HTTP_RETRIES", "0", 1);
  ::setenv("UV_CONCURRENT_DOWNLOADS", "8", 1);
  ::setenv("UV_HTTP_CONNECT_TIMEOUT", "2.5", 1);
  auto uv = net::ClientOptions::from_environment();
  CHECK(uv.read_timeout == std::chrono::seconds(5));
  CHECK(uv.retries == 0);
  CHECK(uv.concurrency == 8);
  CHECK(uv.connect_timeout == std::chrono::milliseconds(2500));

  ::setenv("PTINSTALL_HTTP_TIMEOUT", "7", 1);
  ::setenv("PTINSTALL_CONCURRENT_DOWNLOADS", "3", 1);
  auto pt = net::ClientOptions::from_environment();
  CHECK(pt.read_timeout == std::chrono::seconds(7));
  CHECK(pt.concurrency == 3);

  ::setenv("UV_CONCURRENT_DOWNLOADS", "0", 1);
  ::unsetenv("PTINSTALL_CONCURRENT_DOWNLOADS");
  CHECK(test::error_message([] { net::ClientOptions::from_environment(); }) == "invalid value for UV_CONCURRENT_DOWNLOADS: '0'");
  ::setenv("UV_CONCURRENT_DOWNLOADS", "many", 1);
  CHECK(test::error_message([] { net::ClientOptions::from_environment(); }) == "invalid value for UV_CONCURRENT_DOWNLOADS: 'many'");
  ::unsetenv("UV_CONCURRENT_DOWNLOADS");

  util::TempDir dir;
  util::write_file_atomic(dir.path() / "ca.pem", "not really");
  ::setenv("SSL_CERT_FILE", (dir.path() / "ca.pem").c_str(), 1);
  ::setenv("SSL_CERT_DIR", dir.path().c_str(), 1);
  auto ca = net::ClientOptions::from_environment();
  CHECK(ca.ca_file == (dir.path() / "ca.pem").string());
  CHECK(ca.ca_dir == dir.path().string());
  ::setenv("SSL_CERT_FILE", (dir.path() / "missing.pem").c_str(), 1);
  CHECK(net::ClientOptions::from_environment().ca_file.empty());
}

TEST_CASE("insecure hosts", "[net][http]") {
  auto o = fast_options();
  o.insecure_hosts = {"mirror.internal", "other.internal:8443"};
  HttpClient client(o);
  CHECK(client.is_insecure("https://mirror.internal/simple/"));
  CHECK(client.is_insecure("https://user:pw@MIRROR.internal:9000/simple/"));
  CHECK(client.is_insecure("https://other.internal:8443/x"));
  CHECK_FALSE(client.is_insecure("https://other.internal/x"));
  CHECK_FALSE(client.is_insecure("https://pypi.org/simple/"));
  CHECK_FALSE(client.is_insecure("garbage"));
}

TEST_CASE("the client shuts down with transfers in flight", "[net][http]") {
  std::future<Response> pending;
  {
    auto o = fast_options();
    HttpClient client(o);
    pending = client.submit({shared_server().url("/slow?delay=2")});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK_THROWS_WITH(pending.get(), Catch::Contains("shutting down"));
}

TEST_CASE("TLS: verification, SSL_CERT_FILE and insecure hosts", "[net][http][tls]") {
  util::TempDir dir;
  auto made = test::self_signed_cert(dir.path());
  if (!made) {
    WARN("openssl not found (or failed): TLS test skipped");
    return;
  }
  const std::string cert = made->cert, key = made->key;
  test::TestServer tls({"--tls", cert, key});
  std::string url = tls.base("https") + "/static/secure";

  auto o = fast_options();
  o.retries = 0;
  {
    HttpClient client(o);
    std::string hint;
    std::string msg = test::error_message([&] { client.get({url}); }, &hint);
    CHECK(msg == "failed to fetch " + url + ": TLS certificate verification failed");
    CHECK(hint.find("--allow-insecure-host 127.0.0.1") != std::string::npos);
    CHECK(hint.find("SSL_CERT_FILE") != std::string::npos);
  }
  {
    auto io = o;
    io.insecure_hosts = {"127.0.0.1:" + std::to_string(tls.port())};
    HttpClient client(io);
    Response r = client.get({url});
    CHECK(r.status == 200);
    CHECK(r.body == "hello secure");
  }
  {
    auto wrong = o;
    wrong.insecure_hosts = {"127.0.0.1:1"};
    HttpClient client(wrong);
    CHECK_THROWS_WITH(client.get({url}), Catch::Contains("TLS certificate verification failed"));
  }
  {
    EnvGuard env("SSL_CERT_FILE", cert.c_str());
    auto co = net::ClientOptions::from_environment();
    CHECK(co.ca_file == cert);
    co.retries = 0;
    HttpClient client(co);
    CHECK(client.get({url}).body == "hello secure");
  }
}

TEST_CASE("file:// URLs answer like a server", "[net][http]") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "page.html", "<a href='x.whl'>x.whl</a>");
  HttpClient client(fast_options());
  std::string url = "file://" + (dir.path() / "page.html").string();
  Response r = client.get({url});
  CHECK(r.status == 200);
  CHECK(r.body == "<a href='x.whl'>x.whl</a>");
  std::string streamed;
  CHECK(client.fetch_streaming({url}, {[&](std::string_view c) { streamed.append(c); }, {}}).status == 200);
  CHECK(streamed == r.body);
  Response missing = client.get({"file://" + (dir.path() / "absent.html").string()});
  CHECK(missing.status == 404);
  CHECK(missing.attempts == 1);
}

TEST_CASE("sequential requests share one connection", "[net][http][parallel]") {
  HttpClient client(fast_options());
  reset(client);
  for (int i = 0; i < 20; ++i) CHECK(client.get({shared_server().url("/static/seq" + std::to_string(i))}).status == 200);
  CHECK(stats(client)["connections"].get<int>() == 1);
}

TEST_CASE("credentials do not follow a redirect to another host", "[net][http][auth]") {
  HttpClient client(fast_options());
  std::string port = std::to_string(shared_server().port());
  // Same host: the credentials stay.
  Response same = client.get({"http://alice:s3cr%40t@127.0.0.1:" + port + "/redirect?to=/headers"});
  CHECK(same.body.find("authorization: Basic") != std::string::npos);
  // Another host name (localhost) for the same server: they are dropped.
  Response other = client.get({"http://alice:s3cr%40t@127.0.0.1:" + port + "/redirect?to=" +
                               util::percent_encode("http://localhost:" + port + "/headers")});
  CHECK(other.status == 200);
  CHECK(other.effective_url == "http://localhost:" + port + "/headers");
  CHECK(other.body.find("authorization") == std::string::npos);
}

namespace {

std::vector<std::string> ranges_asked(HttpClient& client, const std::string& path) {
  auto s = stats(client);
  std::vector<std::string> out;
  if (s["ranges"].contains(path))
    for (const auto& r : s["ranges"][path]) out.push_back(r.get<std::string>());
  return out;
}

struct Collector {
  std::string got;
  int resets = 0;
  net::StreamHandler handler() {
    return {[this](std::string_view c) { got.append(c); }, [this] {
              got.clear();
              ++resets;
            }};
  }
};

}  // namespace

TEST_CASE("resume: a streamed body cut short continues from the byte reached (Range + If-Range)", "[net][http][resume]") {
  HttpClient client(fast_options());
  reset(client);
  Collector c;
  Response r = client.fetch_streaming({shared_server().url("/resumable/a?times=2")}, c.handler());
  CHECK(r.status == 206);
  CHECK(r.attempts == 3);
  CHECK(r.resumed == 2);
  CHECK(c.resets == 0);
  CHECK(c.got == pattern(100000));
  CHECK(ranges_asked(client, "/resumable/a") == std::vector<std::string>{"", "bytes=50000-", "bytes=75000-"});
}

TEST_CASE("resume: a file changed between attempts is fetched whole, never spliced", "[net][http][resume]") {
  HttpClient client(fast_options());
  reset(client);
  Collector c;
  Response r = client.fetch_streaming({shared_server().url("/resumable/b?times=1&etag=changing")}, c.handler());
  CHECK(r.status == 200);
  CHECK(r.resumed == 0);
  CHECK(c.resets == 1);
  CHECK(c.got == pattern(100000));
  CHECK(ranges_asked(client, "/resumable/b") == std::vector<std::string>{"", "bytes=50000-"});
}

TEST_CASE("resume: without Accept-Ranges the retry starts over", "[net][http][resume]") {
  HttpClient client(fast_options());
  reset(client);
  Collector c;
  Response r = client.fetch_streaming({shared_server().url("/resumable/c?times=1&ranges=0")}, c.handler());
  CHECK(r.status == 200);
  CHECK(c.resets == 1);
  CHECK(c.got == pattern(100000));
  CHECK(ranges_asked(client, "/resumable/c") == std::vector<std::string>{"", ""});

  Request off{shared_server().url("/resumable/d?times=1")};
  off.resume = false;
  Collector d;
  CHECK(client.fetch_streaming(off, d.handler()).status == 200);
  CHECK(d.resets == 1);
  CHECK(d.got == pattern(100000));
  CHECK(ranges_asked(client, "/resumable/d") == std::vector<std::string>{"", ""});
}

TEST_CASE("resume: a range request continues inside its range", "[net][http][resume]") {
  HttpClient client(fast_options());
  reset(client);
  Collector c;
  Request req{shared_server().url("/resumable/e?times=1")};
  req.range = net::ByteRange{1000, std::nullopt, false};
  Response r = client.fetch_streaming(req, c.handler());
  CHECK(r.status == 206);
  CHECK(r.resumed == 1);
  CHECK(c.resets == 0);
  CHECK(c.got == pattern(99000, 1000));
  CHECK(ranges_asked(client, "/resumable/e") == std::vector<std::string>{"bytes=1000-", "bytes=50500-"});
}

TEST_CASE("Retry-After is honoured", "[net][http][retry]") {
  HttpClient client(fast_options());
  reset(client);
  auto t0 = std::chrono::steady_clock::now();
  Response r = client.get({shared_server().url("/retry-after/a?fail=1&after=1")});
  auto elapsed = std::chrono::steady_clock::now() - t0;
  CHECK(r.status == 200);
  CHECK(r.attempts == 2);
  CHECK(elapsed >= std::chrono::milliseconds(1000));
}

TEST_CASE("the deadline bounds a request, its retries included", "[net][http][deadline]") {
  auto o = fast_options();
  o.retries = 1000;
  o.retry_base_delay = std::chrono::milliseconds(100);
  o.retry_max_delay = std::chrono::milliseconds(200);
  o.deadline = std::chrono::milliseconds(1500);
  HttpClient client(o);
  auto t0 = std::chrono::steady_clock::now();
  Response r = client.get({shared_server().url("/always500")});
  CHECK(r.status == 500);  // no retry starts past the deadline: the last answer stands
  CHECK(r.attempts > 2);
  CHECK(r.attempts < 20);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(2500));

  std::string hint;
  std::string msg = test::error_message([&] { client.get({shared_server().url("/slow?delay=4")}); }, &hint);
  CHECK(msg == "failed to fetch " + shared_server().url("/slow?delay=4") + ": no complete answer within 2 s");
  CHECK(hint.find("PTINSTALL_HTTP_DEADLINE") != std::string::npos);
}

TEST_CASE("a server dripping its body times out", "[net][http][timeout]") {
  auto o = fast_options();
  o.read_timeout = std::chrono::milliseconds(1000);
  o.retries = 0;
  HttpClient client(o);
  auto t0 = std::chrono::steady_clock::now();
  std::string hint;
  std::string msg = test::error_message([&] { client.get({shared_server().url("/drip?bps=5")}); }, &hint);
  CHECK(msg == "failed to fetch " + shared_server().url("/drip?bps=5") + ": timed out (the server sends too slowly)");
  CHECK(hint.find("bytes a second") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(4000));
}

TEST_CASE("bodies are bounded: pages by max_page_bytes, streams by their limit", "[net][http][limits]") {
  auto o = fast_options();
  o.max_page_bytes = 1 << 20;
  o.max_download_bytes = 3 << 20;
  HttpClient client(o);
  reset(client);
  std::string hint;
  std::string msg = test::error_message([&] { client.get({shared_server().url("/endless")}); }, &hint);
  CHECK(msg == "failed to fetch " + shared_server().url("/endless") +
                   ": the response is larger than 1 MiB, the limit for index pages and metadata");
  CHECK(hint.find("PTINSTALL_HTTP_MAX_PAGE_SIZE") != std::string::npos);
  CHECK(hits(client, "/endless") == 1);  // not retried

  Collector c;
  msg = test::error_message([&] { client.fetch_streaming({shared_server().url("/endless")}, c.handler()); });
  CHECK(msg == "failed to fetch " + shared_server().url("/endless") +
                   ": the response is larger than 3 MiB, the limit for downloads");
  CHECK(c.got.size() <= (3u << 20));

  // Content-Length beyond the declared size: refused before a byte is handed over.
  Request declared{shared_server().url("/bytes?n=5000")};
  declared.limit = net::BodyLimit{4000, "the 4000 bytes the index declared", "", true};
  Collector d;
  msg = test::error_message([&] { client.fetch_streaming(declared, d.handler()); });
  CHECK(msg == "failed to fetch " + shared_server().url("/bytes?n=5000") +
                   ": the response is larger than the 4000 bytes the index declared");
  CHECK(d.got.empty());

  // Shorter than declared: cut short, retried, then an error naming both sizes.
  Request longer{shared_server().url("/bytes?n=1000")};
  longer.limit = net::BodyLimit{2000, "the 2000 bytes the index declared", "", true};
  longer.retries = 1;
  Collector e;
  msg = test::error_message([&] { client.fetch_streaming(longer, e.handler()); });
  CHECK(msg == "failed to fetch " + shared_server().url("/bytes?n=1000") +
                   ": the body ended after 1000 of the 2000 bytes the index declared (after 2 attempts)");
}

TEST_CASE("a host that never answered gets at most 3 retries of a refused connection", "[net][http][retry]") {
  auto o = fast_options();
  o.retries = 10;
  HttpClient client(o);
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/simple/";
  auto before = client.request_count();
  std::string msg = test::error_message([&] { client.get({url}); });
  CHECK(msg == "failed to fetch " + url + ": connection refused (after 4 attempts)");
  CHECK(client.request_count() == before + 4);
}
