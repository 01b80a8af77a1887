#include <catch2/catch.hpp>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "index_fixture.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/url.hpp"
#include "support/test_server.hpp"
#include "ptinstall/index/index_set.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/index/variants_json.hpp"

using namespace ptinstall::index;
using ptinstall::spec::Version;

TEST_CASE("{name}-{version}-variants.json filenames") {
  auto p = parse_variants_json_filename("torch-2.13.0-variants.json");
  REQUIRE(p);
  CHECK(p->first == "torch");
  CHECK(p->second == Version::from_string("2.13.0"));
  auto q = parse_variants_json_filename("Flash_Attn-2.8.3.post1-variants.json");
  REQUIRE(q);
  CHECK(q->first == "flash-attn");
  CHECK(q->second == Version::from_string("2.8.3.post1"));
  CHECK_FALSE(parse_variants_json_filename("variants.json"));
  CHECK_FALSE(parse_variants_json_filename("torch-variants.json"));
  CHECK_FALSE(parse_variants_json_filename("torch-2.13.0.json"));
  CHECK_FALSE(parse_variants_json_filename("torch-notaversion-variants.json"));
  CHECK(is_variants_json_filename("torch-2.13.0-variants.json"));
}

TEST_CASE("variant wheels and the variants.json link on a PEP 503 page") {
  const char* html = R"(<html><body>
<a href="/files/torch-2.13.0-cp312-cp312-manylinux_2_28_x86_64-cuda13.0.whl#sha256=aa">x</a>
<a href="/files/torch-2.13.0-cp312-cp312-manylinux_2_28_x86_64-null.whl">x</a>
<a href="/files/torch-2.13.0-variants.json#sha256=bb">torch-2.13.0-variants.json</a>
</body></html>)";
  auto page = parse_html_project_page(html, "http://host/simple/torch/", "torch");
  REQUIRE(page.files.size() == 3);
  CHECK(page.files[0].kind == FileKind::Wheel);
  REQUIRE(page.files[0].wheel);
  CHECK(page.files[0].wheel->variant_label == "cuda13.0");
  CHECK(page.files[1].wheel->variant_label == "null");
  CHECK(page.files[2].kind == FileKind::Other);
  CHECK(page.files[2].hashes.at("sha256") == "bb");
  CHECK(is_variants_json_filename(page.files[2].filename));

  Candidates c;
  c.name = "torch";
  IndexFile f = page.files[2];
  f.index_url = "http://host/simple";
  c.variants_json.push_back(f);
  CHECK(c.variants_json_of(Version::from_string("2.13.0"), "http://host/simple") != nullptr);
  CHECK(c.variants_json_of(Version::from_string("2.13.0"), "http://other/simple") == nullptr);
  CHECK(c.variants_json_of(Version::from_string("2.12.0"), "http://host/simple") == nullptr);
}

TEST_CASE("IndexSet keeps variant wheels only with variants on, and the variants.json apart", "[index_set][http]") {
  ptinstall::test::IndexServer server;
  ptinstall::net::HttpClient client{ptinstall::test::fast_client_options()};
  std::string body = R"({"$schema": "https://x/v0.1.1.json", "default-priorities": {"namespace": ["nvidia"]},
    "variants": {"cu": {"nvidia": {"sm_arch": ["90_real"]}}, "null": {}}})";
  std::string sha = ptinstall::util::sha256_hex(body);
  server.write("files/foo-1.0-variants.json", body);
  server.write("files/bar-1.0-variants.json", body);
  server.write("simple/foo/index.html",
               "<html><body>\n"
               "<a href=\"/files/foo-1.0-py3-none-any-cu.whl\">a</a>\n"
               "<a href=\"/files/foo-1.0-py3-none-any-null.whl\">b</a>\n"
               "<a href=\"/files/foo-1.0-py3-none-any.whl\">c</a>\n"
               "<a href=\"/files/foo-1.0-variants.json#sha256=" + sha + "\">d</a>\n</body></html>\n");
  IndexSetOptions o;
  o.indexes = {IndexSpec{"", server.url("/simple")}};
  {
    IndexSet off(o, client);
    auto c = off.candidates("foo");
    REQUIRE(c.files.size() == 1);
    CHECK_FALSE(c.files[0].file.wheel->is_variant());
    CHECK(c.skipped.size() == 2);
    for (const auto& s : c.skipped) CHECK(s.reason == SkipReason::VariantsOff);
    REQUIRE(c.variants_json.size() == 1);
  }
  TargetFilter on;
  on.allow_variants = true;
  IndexSet set(o, client, nullptr, on);
  auto c = set.candidates("foo");
  CHECK(c.files.size() == 3);
  const IndexFile* vj = c.variants_json_of(Version::from_string("1.0"), c.files[0].file.index_url);
  REQUIRE(vj);
  VariantsJsonFetcher fetcher(client, nullptr);
  auto meta = fetcher.fetch(*vj).get();
  CHECK(meta->variants.count("cu") == 1);
  CHECK(fetcher.fetch(*vj).get() == meta);  // once per URL
  CHECK(fetcher.requests() == 1);
  // A hash on the page that the file does not have: refused.
  IndexFile wrong = *vj;
  wrong.url = server.url("/files/bar-1.0-variants.json");
  wrong.hashes["sha256"] = std::string(64, '0');
  CHECK_THROWS_AS(fetcher.fetch(wrong).get(), ptinstall::util::Error);
}

TEST_CASE("variants.json is mutable: fresh for 10 minutes whatever the server says, then revalidated", "[http]") {
  namespace net = ptinstall::net;
  net::ClientOptions co;
  co.retry_base_delay = std::chrono::milliseconds(5);
  co.use_netrc = false;
  net::HttpClient client(co);
  std::string name = "foo-1.0-variants.json." +
                     std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  auto configure = [&](const std::string& body, const std::string& etag) {
    std::string url = ptinstall::test::shared_server().url("/_set?path=" + ptinstall::util::percent_encode("/mutable/" + name));
    url += "&body=" + ptinstall::util::percent_encode(body) + "&etag=" + ptinstall::util::percent_encode(etag) +
           "&cc=" + ptinstall::util::percent_encode("max-age=31536000, immutable");
    REQUIRE(client.get({url}).status == 200);
  };
  auto hits = [&] {
    auto s = nlohmann::json::parse(client.get({ptinstall::test::shared_server().url("/_stats")}).body);
    return s["hits"].contains("/mutable/" + name) ? s["hits"]["/mutable/" + name].get<int>() : 0;
  };
  std::string url = ptinstall::test::shared_server().url("/mutable/" + name);
  IndexFile vj = make_index_file(url, ptinstall::test::shared_server().url("/"));
  ptinstall::util::TempDir dir;
  auto label_of = [&](bool refresh = false) {
    net::CacheOptions o{dir.path()};
    o.refresh_all = refresh;
    net::HttpCache cache(client, o);
    VariantsJsonFetcher fetcher(client, &cache);
    auto meta = fetcher.fetch(vj).get();
    REQUIRE(meta->variants.size() == 1);
    return meta->variants.begin()->first;
  };
  // Ages the stored copy by 11 minutes.
  auto age = [&] {
    net::HttpCache cache(client, net::CacheOptions{dir.path()});
    auto path = cache.entry_path(net::Request{url});
    std::string text = ptinstall::util::read_file(path);
    auto nl = text.find('\n');
    auto header = nlohmann::json::parse(text.substr(0, nl));
    header["stored_at_ms"] = header["stored_at_ms"].get<std::int64_t>() - 11 * 60 * 1000;
    ptinstall::util::write_file_atomic(path, header.dump() + text.substr(nl));
  };
  configure(R"({"variants": {"a": {}}})", "\"a\"");
  CHECK(label_of() == "a");
  CHECK(hits() == 1);
  // Changed on the server: within 10 minutes the stored copy answers (the `immutable` header is not believed
  // for longer than that).
  configure(R"({"variants": {"b": {}}})", "\"b\"");
  CHECK(label_of() == "a");
  CHECK(hits() == 1);
  // Older than 10 minutes: asked again, and the new variants are seen.
  age();
  CHECK(label_of() == "b");
  CHECK(hits() == 2);
  // --refresh asks at once.
  configure(R"({"variants": {"c": {}}})", "\"c\"");
  CHECK(label_of() == "b");
  CHECK(label_of(true) == "c");
  CHECK(hits() == 3);
}
