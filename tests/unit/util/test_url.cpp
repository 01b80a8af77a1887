#include <catch2/catch.hpp>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/url.hpp"

using namespace ptinstall::util;

TEST_CASE("Url::parse splits every component", "[util][url]") {
  auto u = Url::parse("HTTPS://User:p%40ss@Download.PyTorch.org:8443/whl/cu128/?a=1&b=2#sha256=abc");
  REQUIRE(u);
  CHECK(u->scheme == "https");
  CHECK(u->has_authority);
  CHECK(u->username == "User");
  CHECK(u->password == "p%40ss");
  CHECK(u->decoded_password() == "p@ss");
  CHECK(u->host == "download.pytorch.org");
  CHECK(u->port == 8443);
  CHECK(u->path == "/whl/cu128/");
  CHECK(u->query == "a=1&b=2");
  CHECK(u->fragment == "sha256=abc");
  CHECK(u->effective_port() == 8443);
  CHECK(u->authority_host_port() == "download.pytorch.org:8443");
  CHECK(u->str() == "https://User:p%40ss@download.pytorch.org:8443/whl/cu128/?a=1&b=2#sha256=abc");
}

TEST_CASE("Url::parse handles minimal and unusual URLs", "[util][url]") {
  auto a = Url::parse("https://pypi.org");
  REQUIRE(a);
  CHECK(a->path.empty());
  CHECK_FALSE(a->port);
  CHECK_FALSE(a->query);
  CHECK_FALSE(a->fragment);
  CHECK(a->effective_port() == 443);
  CHECK(a->str() == "https://pypi.org");

  auto b = Url::parse("http://127.0.0.1:8080/simple/");
  REQUIRE(b);
  CHECK(b->host == "127.0.0.1");
  CHECK(b->effective_port() == 8080);

  auto v6 = Url::parse("http://[::1]:9000/x");
  REQUIRE(v6);
  CHECK(v6->host == "[::1]");
  CHECK(v6->port == 9000);
  CHECK(v6->str() == "http://[::1]:9000/x");

  auto file = Url::parse("file:///tmp/wheels/a.whl");
  REQUIRE(file);
  CHECK(file->scheme == "file");
  CHECK(file->host.empty());
  CHECK(file->path == "/tmp/wheels/a.whl");
  CHECK(file->str() == "file:///tmp/wheels/a.whl");

  auto token = Url::parse("https://tok3n@host/simple");
  REQUIRE(token);
  CHECK(token->username == "tok3n");
  CHECK_FALSE(token->password);

  auto emptyq = Url::parse("https://h/p?#");
  REQUIRE(emptyq);
  CHECK(emptyq->query == "");
  CHECK(emptyq->fragment == "");
  CHECK(emptyq->str() == "https://h/p?#");

  // '@' in the password is legal when the last '@' ends the userinfo.
  auto at = Url::parse("https://u:p@ss@h/");
  REQUIRE(at);
  CHECK(at->password == "p@ss");
  CHECK(at->host == "h");
}

TEST_CASE("Url::parse rejects what is not an absolute URL", "[util][url]") {
  CHECK_FALSE(Url::parse(""));
  CHECK_FALSE(Url::parse("/whl/cpu"));
  CHECK_FALSE(Url::parse("torch==2.9.1"));
  CHECK_FALSE(Url::parse("https://"));
  CHECK_FALSE(Url::parse("https://host:99999/"));
  CHECK_FALSE(Url::parse("https://host:12ab/"));
  CHECK_FALSE(Url::parse("http:relative"));
  CHECK_FALSE(Url::parse("https://[::1/"));
  CHECK_THROWS_AS(Url::parse_or_throw("not a url"), Error);
}

TEST_CASE("Url::join follows RFC 3986 section 5.4 normal examples", "[util][url]") {
  const std::string base = "http://a/b/c/d;p?q";
  const std::pair<const char*, const char*> cases[] = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  };
  for (auto [ref, expected] : cases) {
    INFO(ref);
    CHECK(join_url(base, ref) == expected);
  }
}

TEST_CASE("Url::join follows RFC 3986 section 5.4 abnormal examples", "[util][url]") {
  const std::string base = "http://a/b/c/d;p?q";
  const std::pair<const char*, const char*> cases[] = {
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
  };
  for (auto [ref, expected] : cases) {
    INFO(ref);
    CHECK(join_url(base, ref) == expected);
  }
}

TEST_CASE("Url::join on index pages", "[util][url]") {
  // PyTorch's root-relative hrefs and PyPI's absolute ones.
  CHECK(join_url("https://download.pytorch.org/whl/cu128/torch/",
                 "/whl/cu128/torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl#sha256=7cb4") ==
        "https://download.pytorch.org/whl/cu128/torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl#sha256=7cb4");
  CHECK(join_url("https://download.pytorch.org/whl/cu128/torch/",
                 "https://download-r2.pytorch.org/whl/cu128/torch-2.9.1.whl") ==
        "https://download-r2.pytorch.org/whl/cu128/torch-2.9.1.whl");
  CHECK(join_url("https://pypi.org/simple/numpy/", "../../packages/ab/numpy.whl") ==
        "https://pypi.org/packages/ab/numpy.whl");
  CHECK(join_url("https://pypi.org/simple/numpy", "numpy-2.0.whl") == "https://pypi.org/simple/numpy-2.0.whl");
  CHECK(join_url("https://pypi.org", "simple/") == "https://pypi.org/simple/");
  CHECK(join_url("https://h/simple/a/?x=1", "?page=2") == "https://h/simple/a/?page=2");
  // The base's credentials travel with same-host references, not to other hosts.
  CHECK(join_url("https://u:p@h/simple/a/", "/files/a.whl") == "https://u:p@h/files/a.whl");
  CHECK(join_url("https://u:p@h/simple/a/", "//other/a.whl") == "https://other/a.whl");
  // Scheme-relative references keep the base scheme.
  CHECK(join_url("http://h:81/x", "//g:82/y") == "http://g:82/y");
}

TEST_CASE("redaction hides credentials", "[util][url]") {
  CHECK(Url::parse_or_throw("https://user:secret@host/simple/").redacted() == "https://user:****@host/simple/");
  CHECK(Url::parse_or_throw("https://token@host/simple/").redacted() == "https://****@host/simple/");
  CHECK(Url::parse_or_throw("https://user:@host/").redacted() == "https://user:****@host/");
  CHECK(Url::parse_or_throw("https://host/simple/").redacted() == "https://host/simple/");
  CHECK(redact_url("https://u:pw@h:1/x?y#z") == "https://u:****@h:1/x?y#z");
  CHECK(redact_url("https://h/x") == "https://h/x");
  CHECK(redact_url("torch") == "torch");
  // Not parseable as a URL, still no secret.
  std::string odd = redact_url("git+ssh://me:hunter2@host:bad port/x");
  CHECK(odd.find("hunter2") == std::string::npos);
  CHECK(odd.find("host") != std::string::npos);
  auto u = Url::parse_or_throw("https://u:p@h/x#f");
  CHECK(u.without_credentials().str() == "https://h/x#f");
  CHECK(u.without_fragment().str() == "https://u:p@h/x");
}

TEST_CASE("percent decoding and encoding", "[util][url]") {
  CHECK(percent_decode("torch-2.9.1%2Bcu128") == "torch-2.9.1+cu128");
  CHECK(percent_decode("a%20b%2fc") == "a b/c");
  CHECK(percent_decode("100%") == "100%");
  CHECK(percent_decode("%zz%4") == "%zz%4");
  CHECK(percent_decode("a+b") == "a+b");
  CHECK(percent_encode("torch-2.9.1+cu128") == "torch-2.9.1%2Bcu128");
  CHECK(percent_encode("a b/c", "/") == "a%20b/c");
  CHECK(percent_encode("p@ss:w") == "p%40ss%3Aw");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  CHECK(percent_decode(percent_encode(all)) == all);
}

TEST_CASE("host_matches for --allow-insecure-host", "[util][url]") {
  auto u = Url::parse_or_throw("https://Mirror.Example.com:8443/simple/");
  CHECK(host_matches(u, "mirror.example.com"));
  CHECK(host_matches(u, "MIRROR.example.com"));
  CHECK(host_matches(u, "mirror.example.com:8443"));
  CHECK(host_matches(u, "https://mirror.example.com:8443"));
  CHECK(host_matches(u, "mirror.example.com:8443/simple"));
  CHECK(host_matches(u, "*"));
  CHECK_FALSE(host_matches(u, "mirror.example.com:443"));
  CHECK_FALSE(host_matches(u, "http://mirror.example.com"));
  CHECK_FALSE(host_matches(u, "example.com"));
  CHECK_FALSE(host_matches(u, ""));
  auto plain = Url::parse_or_throw("https://pypi.org/simple/");
  CHECK(host_matches(plain, "pypi.org:443"));
  CHECK_FALSE(host_matches(plain, "pypi.org:8443"));
  auto v6 = Url::parse_or_throw("http://[::1]:8000/");
  CHECK(host_matches(v6, "[::1]:8000"));
  CHECK(host_matches(v6, "[::1]"));
}
