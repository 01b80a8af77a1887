#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <string>

#include "ptinstall/net/http_client.hpp"
#include "ptinstall/net/keyring.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/strings.hpp"
#include "support/test_server.hpp"

using namespace ptinstall;
using test::shared_server;

namespace {

// A stand-in for Python's keyring CLI: logs its arguments (one call a line) and answers from a table
// of "SERVICE USERNAME PASSWORD" lines; `--mode creds` answers "USERNAME\nPASSWORD" for the first
// line of the service. `old` makes it refuse --mode as keyring < 25.2.1 does.
struct FakeKeyring {
  util::TempDir dir;
  std::filesystem::path program = dir.path() / "keyring";
  std::filesystem::path log = dir.path() / "calls.log";

  explicit FakeKeyring(const std::string& table, bool old = false) {
    util::write_file_atomic(dir.path() / "table", table);
    std::string script = "#!/bin/sh\n"
                         "echo \"$*\" >> '" + log.string() + "'\n"
                         "[ \"$1\" = get ] || exit 2\n";
    if (old)
      script += "if [ \"$3\" = --mode ]; then echo 'keyring: error: unrecognized arguments: --mode' >&2; exit 2; fi\n";
    script += "if [ \"$3\" = --mode ]; then\n"
              "  awk -v s=\"$2\" '$1 == s { print $2; print $3; found = 1; exit } END { exit !found }' '" +
              (dir.path() / "table").string() + "'\n  exit $?\nfi\n"
              "awk -v s=\"$2\" -v u=\"$3\" '$1 == s && $2 == u { print $3; found = 1; exit } END { exit !found }' '" +
              (dir.path() / "table").string() + "'\n";
    util::write_file_atomic(program, script);
    ::chmod(program.c_str(), 0755);
  }
  std::vector<std::string> calls() const {
    if (!std::filesystem::exists(log)) return {};
    std::vector<std::string> out;
    std::string text = util::read_file(log);
    for (auto line : util::split(text, '\n'))
      if (!line.empty()) out.emplace_back(line);
    return out;
  }
};

net::ClientOptions keyring_options(const FakeKeyring& fake) {
  net::ClientOptions o;
  o.retry_base_delay = std::chrono::milliseconds(5);
  o.use_netrc = false;
  o.keyring = true;
  o.keyring_program = fake.program.string();
  return o;
}

}  // namespace

TEST_CASE("keyring: the index URL first, then the host; answers remembered", "[net][keyring]") {
  FakeKeyring fake("example.com:8443 alice pw-host\nhttps://other.org/simple bob pw-url\nother.org bob pw-other\n");
  net::Keyring k(fake.program.string());

  auto c = k.fetch("https://example.com:8443/simple/numpy/", "https://example.com:8443/simple", "alice");
  REQUIRE(c);
  CHECK(c->username == "alice");
  CHECK(c->password == "pw-host");
  CHECK(fake.calls() == std::vector<std::string>{"get https://example.com:8443/simple alice",
                                                 "get example.com:8443 alice"});
  // Asked again: answered from memory, no new call.
  CHECK(k.fetch("https://example.com:8443/simple/torch/", "https://example.com:8443/simple", "alice"));
  CHECK(fake.calls().size() == 2);

  // The URL's own entry wins over the host's (pip and uv ask in this order).
  c = k.fetch("https://other.org/simple/x/", "https://other.org/simple", "bob");
  REQUIRE(c);
  CHECK(c->password == "pw-url");
  CHECK(fake.calls().back() == "get https://other.org/simple bob");
}

TEST_CASE("keyring: no username asks --mode creds; an old keyring is told apart", "[net][keyring]") {
  SECTION("creds mode") {
    FakeKeyring fake("example.com carol pw-carol\n");
    net::Keyring k(fake.program.string());
    auto c = k.fetch("https://example.com/files/a.whl", "", "");
    REQUIRE(c);
    CHECK(c->username == "carol");
    CHECK(c->password == "pw-carol");
    // No index: the request URL is the first service name (uv's choice), credentials stripped.
    CHECK(fake.calls() == std::vector<std::string>{"get https://example.com/files/a.whl --mode creds",
                                                   "get example.com --mode creds"});
  }
  SECTION("keyring < 25.2.1") {
    FakeKeyring fake("example.com carol pw-carol\n", /*old=*/true);
    net::Keyring k(fake.program.string());
    CHECK_FALSE(k.fetch("https://example.com/simple/a/", "https://example.com/simple/", ""));
    CHECK(fake.calls().size() == 2);
  }
  SECTION("a host that had nothing is not asked again for its other files") {
    FakeKeyring fake("");
    net::Keyring k(fake.program.string());
    CHECK_FALSE(k.fetch("https://cdn.example.com/a.whl", "", "dave"));
    CHECK_FALSE(k.fetch("https://cdn.example.com/b.whl", "", "dave"));
    CHECK(fake.calls().size() == 2);
  }
}

TEST_CASE("keyring: a missing program gives nothing, once", "[net][keyring]") {
  net::Keyring k("/nonexistent/keyring");
  CHECK_FALSE(k.fetch("https://example.com/simple/", "", "alice"));
  CHECK(k.missing());
  CHECK(net::keyring_host_service("https://user@Example.com:8080/x") == "example.com:8080");
  CHECK(net::keyring_host_service("https://example.com/x") == "example.com");
}

TEST_CASE("http client: a 401 asks the keyring, retries, and remembers the host's credentials",
          "[net][http][auth][keyring]") {
  std::string port = std::to_string(shared_server().port());
  std::string host = "127.0.0.1:" + port;
  FakeKeyring fake(host + " alice s3cr@t\n");
  net::HttpClient client(keyring_options(fake));
  std::string index = "http://alice@" + host + "/auth/index/";
  client.add_index_url(index);

  // The username comes from the index URL; the keyring gives the password.
  auto r = client.get({shared_server().url("/auth/index/")});
  CHECK(r.status == 200);
  CHECK(r.body == "welcome alice");
  CHECK(fake.calls() == std::vector<std::string>{"get http://" + host + "/auth/index/ alice", "get " + host + " alice"});
  // A file of the same host: the remembered credentials go with the first request.
  CHECK(client.get({shared_server().url("/auth/files/a.whl")}).status == 200);
  // A URL with the username alone (as the index URL is written) keeps the keyring's password.
  CHECK(client.get({"http://alice@" + host + "/auth/files/b.whl"}).status == 200);
  CHECK(fake.calls().size() == 2);
}

TEST_CASE("http client: the keyring's wrong password ends in the 401, asked once", "[net][http][auth][keyring]") {
  std::string host = "127.0.0.1:" + std::to_string(shared_server().port());
  FakeKeyring fake(host + " alice wrong\n");
  net::HttpClient client(keyring_options(fake));
  auto r = client.get({"http://alice@" + host + "/auth/a"});
  CHECK(r.status == 401);
  CHECK(fake.calls().size() == 2);  // the URL, then the host; no loop

  // Off: the keyring is never asked.
  FakeKeyring unused(host + " alice s3cr@t\n");
  auto o = keyring_options(unused);
  o.keyring = false;
  net::HttpClient off(o);
  CHECK(off.get({"http://alice@" + host + "/auth/a"}).status == 401);
  CHECK(unused.calls().empty());
}
