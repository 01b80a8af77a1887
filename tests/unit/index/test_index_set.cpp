#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "index_fixture.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/index/index_set.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/util/error.hpp"
#include "support/errors.hpp"

using namespace ptinstall;
using namespace ptinstall::index;
using test::IndexServer;

namespace {

std::string anchor(const std::string& filename, const std::string& attrs = "") {
  return "<a href=\"/files/" + filename + "#sha256=00ff\"" + (attrs.empty() ? "" : " " + attrs) + ">" + filename + "</a><br/>\n";
}

std::string page(const std::vector<std::string>& links) {
  std::string s = "<!DOCTYPE html><html><body>\n";
  for (auto& l : links) s += l;
  return s + "</body></html>\n";
}

std::vector<std::string> versions(const Candidates& c) {
  std::vector<std::string> out;
  for (auto& v : c.versions()) out.push_back(v.to_string());
  return out;
}

// Two indexes: A has foo 1.0 and 1.5, B has foo 2.0 and 1.0; onlyb only on B.
struct TwoIndexes {
  IndexServer server;
  net::HttpClient client{test::fast_client_options()};
  TwoIndexes() {
    server.write("a/simple/foo/index.html", page({anchor("foo-1.0-py3-none-any.whl"), anchor("foo-1.5-py3-none-any.whl")}));
    server.write("b/simple/foo/index.html",
                 page({anchor("foo-2.0-py3-none-any.whl"), anchor("foo-1.0-py2.py3-none-any.whl"), anchor("foo-1.0.tar.gz")}));
    server.write("b/simple/onlyb/index.html", page({anchor("onlyb-1.0-py3-none-any.whl")}));
  }
  std::string a() const { return server.url("/a/simple"); }
  std::string b() const { return server.url("/b/simple/"); }
  IndexSetOptions options(IndexStrategy s) const {
    IndexSetOptions o;
    o.indexes = {IndexSpec{"", a(), false, false}, IndexSpec{"", b(), false, true}};
    o.strategy = s;
    return o;
  }
};

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const util::Error& e) {
    return std::string(e.what()) + " | " + e.hint();
  }
  return "";
}

}  // namespace

TEST_CASE("index strategies parse and print", "[index_set]") {
  CHECK(parse_index_strategy("first-index") == IndexStrategy::FirstIndex);
  CHECK(parse_index_strategy("unsafe_first_match") == IndexStrategy::UnsafeFirstMatch);
  CHECK(parse_index_strategy(" Unsafe-Best-Match ") == IndexStrategy::UnsafeBestMatch);
  CHECK(to_string(IndexStrategy::UnsafeBestMatch) == "unsafe-best-match");
  CHECK_THROWS_AS(parse_index_strategy("best"), util::Error);
}

TEST_CASE("indexes are ordered like uv's", "[index_set]") {
  auto urls = [](const std::vector<IndexSpec>& specs) {
    std::vector<std::string> out;
    for (auto& s : specs) out.push_back(s.url);
    return out;
  };
  // No default given: PyPI last.
  auto o = order_indexes({}, {"https://x1", "https://x2"}, std::nullopt);
  CHECK(urls(o) == std::vector<std::string>{"https://x1", "https://x2", std::string(kPyPiUrl)});
  CHECK(o.back().is_default);
  // Named indexes before the extra index URLs; --index-url replaces PyPI.
  o = order_indexes({{"pytorch", "https://torch", true, false}, {"mine", "https://mine", false, false}},
                    {"https://extra"}, std::string("https://main"));
  CHECK(urls(o) == std::vector<std::string>{"https://torch", "https://mine", "https://extra", "https://main"});
  CHECK(o[0].explicit_only);
  // A named default index replaces PyPI and goes last; a second default and a repeated name are dropped.
  o = order_indexes({{"corp", "https://corp", false, true}, {"other", "https://other", false, true},
                     {"mine", "https://mine", false, false}, {"mine", "https://mine2", false, false}},
                    {}, std::nullopt);
  CHECK(urls(o) == std::vector<std::string>{"https://mine", "https://corp"});
  // --index-url wins over a named default.
  o = order_indexes({{"corp", "https://corp", false, true}}, {}, std::string("https://cli"));
  CHECK(urls(o) == std::vector<std::string>{"https://cli"});
  CHECK(IndexSet::project_url("https://pypi.org/simple", "Foo.Bar_baz") == "https://pypi.org/simple/foo-bar-baz/");
  CHECK(IndexSet::project_url("https://pypi.org/simple//", "x") == "https://pypi.org/simple/x/");
}

TEST_CASE("first-index uses only the first index that has the project", "[index_set][http]") {
  TwoIndexes t;
  IndexSet set(t.options(IndexStrategy::FirstIndex), t.client);
  auto c = set.candidates("Foo");
  CHECK(c.name == "foo");
  CHECK(versions(c) == std::vector<std::string>{"1.5", "1.0"});
  CHECK(c.found_on == std::vector<std::string>{t.a()});
  CHECK(c.searched == std::vector<std::string>{t.a()});
  for (auto& f : c.files) CHECK(f.file.index_url == t.a());
  CHECK(c.files[1].file.url == t.server.url("/files/foo-1.0-py3-none-any.whl"));
  // B also has foo, but is never asked: the hint can only say that it may have other versions.
  CHECK(t.server.hits(t.client, "/b/simple/foo/") == 0);
  CHECK(c.unasked_indexes == std::vector<std::string>{t.b()});
  CHECK_THAT(c.first_index_hint(), Catch::Contains("`foo` was found on " + t.a()) &&
                                       Catch::Contains("a later index was not asked and may have other versions (" +
                                                       t.b() + ")") &&
                                       Catch::Contains("--index-strategy unsafe-best-match"));
  CHECK(c.files[1].file.hashes.at("sha256") == "00ff");
  // A package only on the second index is found there, after the first said "not found".
  auto b = set.candidates("onlyb");
  CHECK(versions(b) == std::vector<std::string>{"1.0"});
  CHECK(b.found_on == std::vector<std::string>{t.b()});
  CHECK(b.searched == std::vector<std::string>{t.a(), t.b()});
  CHECK(b.unasked_indexes.empty());
  CHECK(b.first_index_hint().empty());
  // A package on no index.
  auto none = set.candidates("missing");
  CHECK_FALSE(none.exists());
  CHECK(none.files.empty());
  CHECK(none.searched == std::vector<std::string>{t.a(), t.b()});
  CHECK(set.stats().pages_not_found == 3);  // onlyb on A, missing on A and B
  CHECK(set.stats().pages_requested == 5);
}

TEST_CASE("first-index asks each index only after the previous one did not have the project", "[index_set][http]") {
  // Three indexes: A (private) has priv and both; B has both, onlyb and priv; C (the default, like PyPI)
  // has everything.
  IndexServer server;
  net::HttpClient client{test::fast_client_options()};
  for (const char* idx : {"a", "b", "c"})
    for (const char* name : {"priv", "both", "onlyb", "onlyc"}) {
      std::string n(name), i(idx);
      bool has = i == "c" || (i == "a" && (n == "priv" || n == "both")) || (i == "b" && n != "onlyc");
      if (has) server.write(i + "/simple/" + n + "/index.html", page({anchor(n + "-1.0-py3-none-any.whl")}));
    }
  IndexSetOptions o;
  o.indexes = {IndexSpec{"", server.url("/a/simple"), false, false}, IndexSpec{"", server.url("/b/simple"), false, false},
               IndexSpec{"", server.url("/c/simple"), false, true}};
  std::vector<std::string> names{"priv", "both", "onlyb", "onlyc", "nowhere"};
  auto hits = [&](const std::string& idx, const std::string& name) {
    return server.hits(client, "/" + idx + "/simple/" + name + "/");
  };

  SECTION("looked up one by one") {
    IndexSet set(o, client);
    for (const auto& n : names) set.candidates(n);
  }
  SECTION("prefetched together: the walks go on in the background") {
    IndexSet set(o, client);
    set.prefetch(names);
    // Without any candidates() call, the background walks reach the index that has each name.
    for (int i = 0; i < 500 && (hits("c", "onlyc") == 0 || hits("c", "nowhere") == 0); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(hits("c", "onlyc") == 1);
    CHECK(hits("c", "nowhere") == 1);
    for (const auto& n : names) set.candidates(n);
    CHECK(set.stats().pages_requested == 10);
  }
  SECTION("several threads at once") {
    IndexSet set(o, client);
    set.prefetch({"onlyc", "nowhere"});
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int k = 0; k < 6; ++k)
      threads.emplace_back([&, k] {
        for (std::size_t j = 0; j < names.size(); ++j) {
          auto c = set.candidates(names[(j + static_cast<std::size_t>(k)) % names.size()]);
          if (c.name == "nowhere" ? !c.exists() : c.found_on.size() == 1) ++ok;
        }
      });
    for (auto& th : threads) th.join();
    CHECK(ok == 30);
  }
  // Whatever the path: a name is asked of an index only when every earlier index lacked it.
  CHECK(hits("a", "priv") == 1);
  CHECK(hits("b", "priv") == 0);  // the private name never leaks to a later index
  CHECK(hits("c", "priv") == 0);
  CHECK(hits("a", "both") == 1);
  CHECK(hits("b", "both") == 0);
  CHECK(hits("c", "both") == 0);
  CHECK(hits("a", "onlyb") == 1);
  CHECK(hits("b", "onlyb") == 1);
  CHECK(hits("c", "onlyb") == 0);
  for (const char* n : {"onlyc", "nowhere"})
    for (const char* i : {"a", "b", "c"}) CHECK(hits(i, n) == 1);

  IndexSet again(o, client);
  auto c = again.candidates("priv");
  CHECK(c.found_on == std::vector<std::string>{server.url("/a/simple")});
  CHECK(c.unasked_indexes == std::vector<std::string>{server.url("/b/simple"), server.url("/c/simple")});
  CHECK_THAT(c.first_index_hint(), Catch::Contains("later indexes were not asked and may have other versions (" +
                                                   server.url("/b/simple") + ", " + server.url("/c/simple") + ")"));
  auto onlyb = again.candidates("onlyb");
  CHECK(onlyb.unasked_indexes == std::vector<std::string>{server.url("/c/simple")});
  CHECK(onlyb.searched == std::vector<std::string>{server.url("/a/simple"), server.url("/b/simple")});
}

TEST_CASE("an IndexSet destroyed while background walks run waits for them and asks no further index",
          "[index_set][http]") {
  TwoIndexes t;
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) names.push_back("name" + std::to_string(i));
  {
    IndexSet set(t.options(IndexStrategy::FirstIndex), t.client);
    set.prefetch(names);
  }
  // No crash, and at most one request per name and index.
  auto stats = t.server.stats(t.client);
  for (const auto& n : names) {
    for (const char* idx : {"/a/simple/", "/b/simple/"}) {
      std::string path = idx + n + "/";
      int h = stats["hits"].contains(path) ? stats["hits"][path].get<int>() : 0;
      CHECK(h <= 1);
    }
  }
}

TEST_CASE("unsafe-first-match exhausts the first index before the next", "[index_set][http]") {
  TwoIndexes t;
  IndexSet set(t.options(IndexStrategy::UnsafeFirstMatch), t.client);
  auto c = set.candidates("foo");
  CHECK(versions(c) == std::vector<std::string>{"1.5", "1.0", "2.0"});
  CHECK(c.found_on == std::vector<std::string>{t.a(), t.b()});
  CHECK(c.unasked_indexes.empty());
  // B's 1.0 files come after A's 1.0: the same version is not hidden, only ordered later.
  auto one = c.files_of(spec::Version::from_string("1.0"));
  REQUIRE(one.size() == 3);
  CHECK(one[0]->file.index_url == t.a());
  CHECK(one[1]->file.index_url == t.b());
  CHECK(one[2]->file.kind == FileKind::Sdist);
  CHECK(c.files.back().file.filename == "foo-1.0.tar.gz");
  for (auto& s : c.skipped) CHECK(s.reason != SkipReason::Shadowed);
}

TEST_CASE("unsafe-best-match takes the highest version anywhere", "[index_set][http]") {
  TwoIndexes t;
  IndexSet set(t.options(IndexStrategy::UnsafeBestMatch), t.client);
  auto c = set.candidates("foo");
  CHECK(versions(c) == std::vector<std::string>{"2.0", "1.5", "1.0"});
  CHECK(c.files[0].file.index_url == t.b());
  // B's 1.0 (wheel and sdist) is hidden by A's 1.0.
  REQUIRE(c.files_of(spec::Version::from_string("1.0")).size() == 1);
  CHECK(c.files_of(spec::Version::from_string("1.0"))[0]->file.index_url == t.a());
  int shadowed = 0;
  for (auto& s : c.skipped)
    if (s.reason == SkipReason::Shadowed) ++shadowed;
  CHECK(shadowed == 2);
  auto reasons = c.skip_reasons(spec::Version::from_string("1.0"));
  REQUIRE(reasons.size() == 1);
  CHECK_THAT(reasons[0], Catch::Contains("hidden by the same version on an earlier index"));
}

TEST_CASE("403 and 404 mean not found; a 500 is an error after retries", "[index_set][http]") {
  TwoIndexes t;
  t.server.status("a/simple/forbidden/", 403);
  t.server.write("b/simple/forbidden/index.html", page({anchor("forbidden-1.0-py3-none-any.whl")}));
  t.server.status("a/simple/broken/", 500);
  t.server.write("b/simple/broken/index.html", page({anchor("broken-1.0-py3-none-any.whl")}));
  t.server.status("b/simple/foo/", 503);
  t.server.status("a/simple/gone/", 410);
  IndexSet set(t.options(IndexStrategy::FirstIndex), t.client);
  CHECK(versions(set.candidates("forbidden")) == std::vector<std::string>{"1.0"});
  CHECK_FALSE(set.candidates("gone").exists());
  auto e = error_of([&] { set.candidates("broken"); });
  CHECK_THAT(e, Catch::Contains("HTTP 500") && Catch::Contains(t.server.url("/a/simple/broken/")));
  CHECK(t.server.hits(t.client, "/a/simple/broken/") == 3);  // 1 + 2 retries
  // first-index: an index that fails ends the search with its error; the next one is not asked
  // (it might serve a copy that the failing index would have hidden).
  CHECK(t.server.hits(t.client, "/b/simple/broken/") == 0);
  CHECK_THAT(error_of([&] { set.candidates("broken"); }), Catch::Contains("HTTP 500"));  // kept, not retried
  CHECK(test::error_kind([&] { set.candidates("broken"); }) == "network");
  CHECK(t.server.hits(t.client, "/a/simple/broken/") == 3);
  // first-index: a later index that would fail is not asked once the first one has the project.
  CHECK(versions(set.candidates("foo")) == std::vector<std::string>{"1.5", "1.0"});
  CHECK(t.server.hits(t.client, "/b/simple/foo/") == 0);
  IndexSet unsafe(t.options(IndexStrategy::UnsafeBestMatch), t.client);
  CHECK_THAT(error_of([&] { unsafe.candidates("foo"); }), Catch::Contains("HTTP 503"));
  IndexSet first_match(t.options(IndexStrategy::UnsafeFirstMatch), t.client);
  CHECK_THAT(error_of([&] { first_match.candidates("foo"); }), Catch::Contains("HTTP 503"));
}

TEST_CASE("a dead first index is an error under first-index, and the next index is not asked", "[index_set][http]") {
  TwoIndexes t;
  IndexSetOptions o = t.options(IndexStrategy::FirstIndex);
  o.indexes.insert(o.indexes.begin(), IndexSpec{"", "http://127.0.0.1:1/simple", false, false});  // nothing listens
  IndexSet set(o, t.client);
  CHECK_THAT(error_of([&] { set.candidates("onlyb"); }), Catch::Contains("127.0.0.1:1"));
  CHECK(t.server.hits(t.client, "/a/simple/onlyb/") == 0);
  CHECK(t.server.hits(t.client, "/b/simple/onlyb/") == 0);
}

TEST_CASE("a 401 is an error with a hint about credentials", "[index_set][http]") {
  TwoIndexes t;
  t.server.status("a/simple/secret/", 401);
  IndexSet set(t.options(IndexStrategy::FirstIndex), t.client);
  CHECK_THAT(error_of([&] { set.candidates("secret"); }), Catch::Contains("HTTP 401") && Catch::Contains("credentials"));
}

TEST_CASE("a malformed page is an error naming the URL", "[index_set][http]") {
  TwoIndexes t;
  t.server.write("a/simple/bad/index.json", "{\"files\": 12}");
  IndexSet set(t.options(IndexStrategy::FirstIndex), t.client);
  auto e = error_of([&] { set.candidates("bad"); });
  CHECK_THAT(e, Catch::Contains("malformed index page") && Catch::Contains("/a/simple/bad/"));
}

TEST_CASE("JSON is asked for and preferred; HTML is accepted", "[index_set][http]") {
  TwoIndexes t;
  t.server.write("a/simple/both/index.html", page({anchor("both-1.0-py3-none-any.whl")}));
  t.server.write("a/simple/both/index.json",
                 R"({"meta":{"api-version":"1.1"},"name":"both","files":[{"filename":"both-2.0-py3-none-any.whl",)"
                 R"("url":"../../../files/both-2.0-py3-none-any.whl","hashes":{"sha256":"ab"},"size":12,"yanked":false}]})");
  IndexSet set(t.options(IndexStrategy::FirstIndex), t.client);
  auto c = set.candidates("both");
  CHECK(versions(c) == std::vector<std::string>{"2.0"});
  CHECK(c.files[0].file.url == t.server.url("/files/both-2.0-py3-none-any.whl"));
  CHECK(c.files[0].file.size == 12u);
  auto stats = t.server.stats(t.client);
  CHECK(stats["accept"]["/a/simple/both/"].get<std::string>() == std::string(kSimpleAccept));
}

TEST_CASE("files are filtered by tags, Requires-Python and yanking", "[index_set][http]") {
  IndexServer server;
  net::HttpClient client{test::fast_client_options()};
  server.write("simple/pkg/index.html",
               page({anchor("pkg-4.0-py3-none-any.whl", "data-requires-python=\"&gt;=3.13\""),
                     anchor("pkg-3.5-cp313-cp313-manylinux_2_28_x86_64.whl"),
                     anchor("pkg-3.0-cp312-cp312-win_amd64.whl"),
                     anchor("pkg-3.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
                     anchor("pkg-3.0-py3-none-any.whl"),
                     anchor("pkg-3.0.tar.gz"),
                     anchor("pkg-2.5-py3-none-any.whl", "data-yanked=\"broken\""),
                     anchor("pkg-2.0-1-py3-none-any.whl"),
                     anchor("pkg-2.0-2-py3-none-any.whl"),
                     anchor("pkg-1.0-py3-none-any.whl", "data-requires-python=\"&gt;=3.6,\""),
                     anchor("pkg-0.9.exe"),
                     anchor("pkg-0.8-py3-none-any.whl", "data-requires-python=\"not a specifier\"")}));
  IndexSetOptions o;
  o.indexes = {IndexSpec{"", server.url("/simple/"), false, true}};
  TargetFilter f;
  f.tags = spec::SupportedTags::from_ordered({spec::Tag::parse("cp312-cp312-manylinux_2_17_x86_64"),
                                              spec::Tag::parse("cp312-none-any"), spec::Tag::parse("py3-none-any")});
  f.python_version = spec::Version::from_string("3.12.4");
  IndexSet set(o, client, nullptr, f);
  auto c = set.candidates("pkg");
  CHECK(versions(c) == std::vector<std::string>{"3.0", "2.0", "1.0", "0.8"});
  auto three = c.files_of(spec::Version::from_string("3.0"));
  REQUIRE(three.size() == 3);
  CHECK(three[0]->file.filename == "pkg-3.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
  CHECK(three[0]->tag_priority == 0u);
  CHECK(three[1]->file.filename == "pkg-3.0-py3-none-any.whl");
  CHECK(three[2]->file.filename == "pkg-3.0.tar.gz");
  auto two = c.files_of(spec::Version::from_string("2.0"));
  REQUIRE(two.size() == 2);
  CHECK(two[0]->file.filename == "pkg-2.0-2-py3-none-any.whl");  // higher build tag first
  auto reasons = c.skip_reasons();
  CHECK(std::find(reasons.begin(), reasons.end(), "pkg==4.0 requires Python >=3.13") != reasons.end());
  CHECK(std::find(reasons.begin(), reasons.end(), "pkg==2.5 was yanked (reason: broken)") != reasons.end());
  CHECK(std::find(reasons.begin(), reasons.end(), "pkg-0.9.exe is not a wheel or sdist with a readable version") !=
        reasons.end());
  // 3.0's win_amd64 wheel was skipped, but 3.0 is available: no line for it.
  CHECK(std::find(reasons.begin(), reasons.end(), "pkg==3.5 has no wheel with a supported platform tag") != reasons.end());
  for (auto& r : reasons) CHECK_THAT(r, !Catch::Contains("pkg==3.0"));
  auto three_reasons = c.skip_reasons(spec::Version::from_string("3.0"));
  CHECK(three_reasons == std::vector<std::string>{"pkg==3.0 has no wheel with a supported platform tag"});

  // An exact pin allows the yanked version; a range does not.
  auto pinned = set.candidates("pkg", spec::SpecifierSet::parse("==2.5"));
  CHECK(versions(pinned) == std::vector<std::string>{"3.0", "2.5", "2.0", "1.0", "0.8"});
  CHECK(pinned.files_of(spec::Version::from_string("2.5"))[0]->file.yanked == "broken");
  CHECK(versions(set.candidates("pkg", spec::SpecifierSet::parse("===2.5"))).size() == 5);
  CHECK(versions(set.candidates("pkg", spec::SpecifierSet::parse(">=2.5"))).size() == 4);
  CHECK(versions(set.candidates("pkg", spec::SpecifierSet::parse("==2.*"))).size() == 4);

  // Only wheels, or only sdists.
  TargetFilter binary = f;
  binary.allow_sdists = false;
  IndexSet only_binary(o, client, nullptr, binary);
  CHECK(only_binary.candidates("pkg").files_of(spec::Version::from_string("3.0")).size() == 2);
  TargetFilter source = f;
  source.allow_wheels = false;
  IndexSet no_binary(o, client, nullptr, source);
  CHECK(versions(no_binary.candidates("pkg")) == std::vector<std::string>{"3.0"});
}

TEST_CASE("routed packages use only their override indexes, first match first", "[index_set][http][torch]") {
  IndexServer server;
  net::HttpClient client{test::fast_client_options()};
  server.write("pypi/simple/torch/index.html", page({anchor("torch-9.0-py3-none-any.whl")}));
  server.write("pypi/simple/numpy/index.html", page({anchor("numpy-2.0-py3-none-any.whl")}));
  server.status("whl/cu130/torch/", 403);  // the PyTorch index answers 403 for unknown projects
  server.status("whl/cu129/torch/", 401);
  server.write("whl/cu128/torch/index.html",
               page({anchor("torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl"),
                     anchor("torch-2.8.0%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl")}));
  server.write("whl/cpu/torch/index.html", page({anchor("torch-2.10.0%2Bcpu-cp312-cp312-manylinux_2_28_x86_64.whl"),
                                                 anchor("torch-2.9.1%2Bcpu-cp312-cp312-manylinux_2_28_x86_64.whl")}));
  server.write("whl/cu128/numpy/index.html", page({anchor("numpy-1.0-py3-none-any.whl")}));
  IndexSetOptions o;
  o.indexes = {IndexSpec{"", server.url("/pypi/simple"), false, true}};
  o.strategy = IndexStrategy::UnsafeBestMatch;  // ignored for routed packages
  o.overrides["Torch"] = {server.url("/whl/cu130"), server.url("/whl/cu129"), server.url("/whl/cu128"),
                          server.url("/whl/cpu")};
  IndexSet set(o, client);
  bool routed = false;
  CHECK(set.indexes_for("torch", &routed).size() == 4);
  CHECK(routed);
  auto c = set.candidates("torch");
  CHECK(c.routed);
  CHECK(versions(c) == std::vector<std::string>{"2.9.1+cu128", "2.8.0+cu128", "2.10.0+cpu", "2.9.1+cpu"});
  CHECK(c.files[0].file.filename == "torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl");
  CHECK(server.hits(client, "/pypi/simple/torch/") == 0);  // the user's index is not asked
  // Non-routed packages never see the PyTorch indexes.
  auto n = set.candidates("numpy");
  CHECK(versions(n) == std::vector<std::string>{"2.0"});
  CHECK(server.hits(client, "/whl/cu128/numpy/") == 0);

  // Routed packages keep unsafe-first-match under the default first-index: every PyTorch index is
  // asked (at once, as uv does), also those after the first that has torch.
  IndexSetOptions first = o;
  first.strategy = IndexStrategy::FirstIndex;
  IndexSet fset(first, client);
  int cpu_before = server.hits(client, "/whl/cpu/torch/");
  auto fc = fset.candidates("torch");
  CHECK(versions(fc) == std::vector<std::string>{"2.9.1+cu128", "2.8.0+cu128", "2.10.0+cpu", "2.9.1+cpu"});
  CHECK(fc.unasked_indexes.empty());
  CHECK(server.hits(client, "/whl/cpu/torch/") == cpu_before + 1);

  // A pin wins over the override.
  IndexSetOptions pinned = o;
  pinned.indexes.insert(pinned.indexes.begin(), IndexSpec{"mine", server.url("/pypi/simple"), true, false});
  pinned.pins["torch"] = "mine";
  IndexSet pset(pinned, client);
  CHECK(versions(pset.candidates("torch")) == std::vector<std::string>{"9.0"});
}

TEST_CASE("explicit indexes serve only pinned packages", "[index_set][http]") {
  TwoIndexes t;
  IndexSetOptions o;
  o.indexes = order_indexes({IndexSpec{"bee", t.b(), true, false}}, {}, t.a());
  o.pins["onlyB"] = "bee";
  IndexSet set(o, t.client);
  CHECK(set.indexes_for("foo") == std::vector<std::string>{t.a()});
  CHECK(set.indexes_for("OnlyB") == std::vector<std::string>{t.b()});
  CHECK(versions(set.candidates("foo")) == std::vector<std::string>{"1.5", "1.0"});
  CHECK(t.server.hits(t.client, "/b/simple/foo/") == 0);
  o.pins["foo"] = "nope";
  CHECK_THAT(error_of([&] { IndexSet bad(o, t.client); }), Catch::Contains("`nope`") && Catch::Contains("not defined"));
}

TEST_CASE("find-links are searched alongside the indexes, and alone with --no-index", "[index_set][http]") {
  TwoIndexes t;
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "foo-3.0-py3-none-any.whl", "wheel");
  util::write_file_atomic(dir.path() / "foo-1.5.tar.gz", "sdist");
  util::write_file_atomic(dir.path() / "bar-1.0-py3-none-any.whl", "wheel");
  auto o = t.options(IndexStrategy::FirstIndex);
  o.find_links = {dir.path().string()};
  IndexSet set(o, t.client);
  auto c = set.candidates("foo");
  CHECK(versions(c) == std::vector<std::string>{"3.0", "1.5", "1.0"});
  CHECK(c.files[0].file.index_url == dir.path().string());
  CHECK(c.files[0].file.url.rfind("file://", 0) == 0);
  auto fifteen = c.files_of(spec::Version::from_string("1.5"));
  REQUIRE(fifteen.size() == 2);
  CHECK(fifteen[0]->file.kind == FileKind::Wheel);  // the index's wheel before the local sdist
  CHECK(c.searched.front() == dir.path().string());

  o.no_index = true;
  IndexSet offline(o, t.client);
  CHECK(offline.indexes_for("foo").empty());
  CHECK(versions(offline.candidates("foo")) == std::vector<std::string>{"3.0", "1.5"});
  CHECK(versions(offline.candidates("bar")) == std::vector<std::string>{"1.0"});
  CHECK_FALSE(offline.candidates("onlyb").exists());

  o.find_links = {(dir.path() / "missing").string()};
  IndexSet broken(o, t.client);
  CHECK_THROWS_AS(broken.candidates("foo"), util::Error);
}

TEST_CASE("a local directory can be an index", "[index_set]") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "simple" / "foo" / "index.html", page({anchor("foo-1.0-py3-none-any.whl")}));
  net::HttpClient client{test::fast_client_options()};
  IndexSetOptions o;
  o.indexes = {IndexSpec{"", file_url(dir.path() / "simple"), false, true}};
  IndexSet set(o, client);
  auto c = set.candidates("foo");
  REQUIRE(versions(c) == std::vector<std::string>{"1.0"});
  CHECK(c.files[0].file.url == "file:///files/foo-1.0-py3-none-any.whl");  // root-relative, as written
  CHECK_FALSE(set.candidates("bar").exists());
}

TEST_CASE("pages are fetched once, prefetched in parallel, and can go through the HTTP cache", "[index_set][http]") {
  TwoIndexes t;
  util::TempDir cache_dir;
  net::HttpCache cache(t.client, net::CacheOptions{cache_dir.path()});
  {
    IndexSet set(t.options(IndexStrategy::UnsafeBestMatch), t.client, &cache);
    set.prefetch({"foo", "onlyb"});
    CHECK(versions(set.candidates("foo")).size() == 3);
    CHECK(versions(set.candidates("foo")).size() == 3);
    CHECK(versions(set.candidates("onlyb")).size() == 1);
    CHECK(set.stats().pages_requested == 4);
  }
  CHECK(t.server.hits(t.client, "/a/simple/foo/") == 1);
  CHECK(t.server.hits(t.client, "/b/simple/foo/") == 1);  // unsafe strategies ask every index
  CHECK(cache.stats().stored >= 2);
  // A second run revalidates or reuses the stored pages (the test server sends no validators, so
  // the pages are fetched again but still parse the same).
  IndexSet again(t.options(IndexStrategy::UnsafeBestMatch), t.client, &cache);
  CHECK(versions(again.candidates("foo")) == std::vector<std::string>{"2.0", "1.5", "1.0"});
}
