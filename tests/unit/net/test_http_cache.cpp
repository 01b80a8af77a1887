#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/url.hpp"
#include "support/errors.hpp"
#include "support/test_server.hpp"

using namespace ptinstall;
using net::HttpCache;
using net::HttpClient;
using net::Request;
using net::Response;
using test::shared_server;

namespace {

net::ClientOptions quick() {
  net::ClientOptions o;
  o.retry_base_delay = std::chrono::milliseconds(5);
  o.use_netrc = false;
  return o;
}

// Configures /mutable/<name> on the test server.
void configure(HttpClient& client, const std::string& name, const std::map<std::string, std::string>& cfg) {
  std::string url = shared_server().url("/_set?path=" + util::percent_encode("/mutable/" + name));
  for (const auto& [k, v] : cfg) url += "&" + k + "=" + util::percent_encode(v);
  REQUIRE(client.get({url}).status == 200);
}

int hits(HttpClient& client, const std::string& path) {
  auto s = nlohmann::json::parse(client.get({shared_server().url("/_stats")}).body);
  return s["hits"].contains(path) ? s["hits"][path].get<int>() : 0;
}

// Each test gets its own names so that server state from other tests does not matter.
std::string unique(const std::string& base) {
  static int n = 0;
  return base + "-" + std::to_string(++n) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const util::Error& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("a fresh entry answers without the network", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string name = unique("fresh");
  configure(client, name, {{"body", "A"}, {"cc", "max-age=600"}, {"etag", "\"v1\""}});
  std::string path = "/mutable/" + name;
  std::string url = "http://user:pw@127.0.0.1:" + std::to_string(shared_server().port()) + path;

  Response first = cache.get({url});
  CHECK(first.status == 200);
  CHECK(first.body == "A");
  CHECK_FALSE(first.from_cache);
  Response second = cache.get({url});
  CHECK(second.status == 200);
  CHECK(second.body == "A");
  CHECK(second.from_cache);
  CHECK(second.header("etag") == "\"v1\"");
  CHECK(hits(client, path) == 1);
  CHECK(cache.stats().fresh_hits == 1);
  CHECK(cache.stats().downloaded == 1);

  // The entry lives under http-v1, keyed without credentials, and holds none.
  auto entry = cache.entry_path({url});
  CHECK(entry == cache.entry_path({shared_server().url(path)}));
  CHECK(entry == cache.entry_path({shared_server().url(path) + "#frag"}));
  CHECK(entry.string().find((dir.path() / "http-v1").string()) == 0);
  REQUIRE(std::filesystem::exists(entry));
  std::string stored = util::read_file(entry);
  CHECK(stored.find("pw") == std::string::npos);
  CHECK(stored.find("user") == std::string::npos);

  // Another cache object over the same directory sees it too.
  HttpCache again(client, {dir.path()});
  CHECK(again.get({shared_server().url(path)}).from_cache);
  CHECK(hits(client, path) == 1);
}

TEST_CASE("no-cache revalidates with ETag; a change is downloaded", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string name = unique("etag");
  std::string path = "/mutable/" + name;
  configure(client, name, {{"body", "A"}, {"cc", "no-cache"}, {"etag", "\"v1\""}});
  CHECK(cache.get({shared_server().url(path)}).body == "A");
  Response r = cache.get({shared_server().url(path)});
  CHECK(r.body == "A");
  CHECK(r.status == 200);
  CHECK(r.from_cache);
  CHECK(hits(client, path) == 2);
  CHECK(cache.stats().revalidated == 1);

  configure(client, name, {{"body", "B"}, {"cc", "no-cache"}, {"etag", "\"v2\""}});
  Response changed = cache.get({shared_server().url(path)});
  CHECK(changed.body == "B");
  CHECK_FALSE(changed.from_cache);
  Response after = cache.get({shared_server().url(path)});
  CHECK(after.body == "B");
  CHECK(after.from_cache);
  CHECK(hits(client, path) == 4);
}

TEST_CASE("Last-Modified revalidation", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string name = unique("lm");
  std::string path = "/mutable/" + name;
  configure(client, name, {{"body", "L"}, {"cc", "max-age=0"}, {"lm", "Wed, 21 Oct 2015 07:28:00 GMT"}});
  CHECK_FALSE(cache.get({shared_server().url(path)}).from_cache);
  Response r = cache.get({shared_server().url(path)});
  CHECK(r.from_cache);
  CHECK(r.body == "L");
  CHECK(hits(client, path) == 2);
  CHECK(cache.stats().revalidated == 1);
}

TEST_CASE("a 304 refreshes the stored headers", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string name = unique("refresh-headers");
  std::string path = "/mutable/" + name;
  configure(client, name, {{"body", "H"}, {"cc", "no-cache"}, {"etag", "\"e\""}});
  cache.get({shared_server().url(path)});
  configure(client, name, {{"body", "H"}, {"cc", "max-age=600"}, {"etag", "\"e\""}});
  Response r = cache.get({shared_server().url(path)});  // 304 carrying the new Cache-Control
  CHECK(r.from_cache);
  CHECK(r.header("cache-control") == "max-age=600");
  CHECK(cache.get({shared_server().url(path)}).from_cache);
  CHECK(hits(client, path) == 2);  // the third get was fresh
}

TEST_CASE("no-store is never written; errors are not cached", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string name = unique("nostore");
  std::string path = "/mutable/" + name;
  configure(client, name, {{"body", "S"}, {"cc", "no-store"}, {"etag", "\"s\""}});
  cache.get({shared_server().url(path)});
  CHECK_FALSE(std::filesystem::exists(cache.entry_path({shared_server().url(path)})));
  CHECK_FALSE(cache.get({shared_server().url(path)}).from_cache);
  CHECK(hits(client, path) == 2);

  std::string missing = unique("/cache-missing");
  Response nf = cache.get({shared_server().url(missing)});
  CHECK(nf.status == 404);
  CHECK_FALSE(std::filesystem::exists(cache.entry_path({shared_server().url(missing)})));
}

TEST_CASE("max-age expires", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string name = unique("maxage");
  std::string path = "/mutable/" + name;
  configure(client, name, {{"body", "M"}, {"cc", "max-age=1, must-revalidate"}, {"etag", "\"m\""}});
  cache.get({shared_server().url(path)});
  CHECK(cache.get({shared_server().url(path)}).from_cache);
  CHECK(hits(client, path) == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Response r = cache.get({shared_server().url(path)});
  CHECK(r.from_cache);  // revalidated
  CHECK(hits(client, path) == 2);
  CHECK(cache.stats().revalidated == 1);
}

TEST_CASE("Expires without max-age", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string future_name = unique("expires-future");
  configure(client, future_name, {{"body", "F"}, {"expires", "Fri, 01 Jan 2100 00:00:00 GMT"}});
  cache.get({shared_server().url("/mutable/" + future_name)});
  CHECK(cache.get({shared_server().url("/mutable/" + future_name)}).from_cache);
  CHECK(hits(client, "/mutable/" + future_name) == 1);

  std::string past_name = unique("expires-past");
  configure(client, past_name, {{"body", "P"}, {"expires", "Thu, 01 Jan 1970 00:00:00 GMT"}});
  cache.get({shared_server().url("/mutable/" + past_name)});
  CHECK_FALSE(cache.get({shared_server().url("/mutable/" + past_name)}).from_cache);  // no validator: full fetch
  CHECK(hits(client, "/mutable/" + past_name) == 2);
}

TEST_CASE("immutable, --refresh and --refresh-package", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  std::string a = unique("imm-a"), b = unique("imm-b");
  configure(client, a, {{"body", "a"}, {"cc", "max-age=31536000, immutable"}, {"etag", "\"a\""}});
  configure(client, b, {{"body", "b"}, {"cc", "max-age=31536000, immutable"}, {"etag", "\"b\""}});
  std::string ua = shared_server().url("/mutable/" + a), ub = shared_server().url("/mutable/" + b);
  {
    HttpCache cache(client, {dir.path()});
    cache.get({ua});
    cache.get({ub});
    CHECK(cache.get({ua}).from_cache);
    CHECK(hits(client, "/mutable/" + a) == 1);
  }
  {
    net::CacheOptions opts{dir.path()};
    opts.refresh_all = true;
    HttpCache cache(client, opts);
    CHECK(cache.get({ua}).from_cache);
    CHECK(hits(client, "/mutable/" + a) == 2);
    CHECK(cache.stats().revalidated == 1);
  }
  {
    net::CacheOptions opts{dir.path()};
    opts.refresh = [&](std::string_view url) { return url.find(b) != std::string_view::npos; };
    HttpCache cache(client, opts);
    cache.get({ua});
    cache.get({ub});
    CHECK(hits(client, "/mutable/" + a) == 2);
    CHECK(hits(client, "/mutable/" + b) == 2);
  }
}

TEST_CASE("a per-request Cache-Control override", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string name = unique("override");
  std::string path = "/mutable/" + name;
  configure(client, name, {{"body", "O"}, {"cc", "no-cache, no-store, must-revalidate"}});
  cache.get({shared_server().url(path)}, "max-age=600");
  CHECK(cache.get({shared_server().url(path)}, "max-age=600").from_cache);
  CHECK(hits(client, path) == 1);
  CHECK_FALSE(cache.get({shared_server().url(path)}).from_cache);  // without it, no-cache applies
}

TEST_CASE("--offline answers from the cache only", "[net][cache][offline]") {
  util::TempDir dir;
  HttpClient client(quick());
  std::string name = unique("offline");
  std::string path = "/mutable/" + name;
  configure(client, name, {{"body", "O"}, {"cc", "no-cache"}});
  {
    HttpCache cache(client, {dir.path()});
    cache.get({shared_server().url(path)});
  }
  net::CacheOptions opts{dir.path()};
  opts.offline = true;
  HttpCache offline(client, opts);
  Response r = offline.get({shared_server().url(path)});
  CHECK(r.from_cache);
  CHECK(r.body == "O");
  CHECK(hits(client, path) == 1);
  std::string msg = error_of([&] { offline.get({"https://tok@example.invalid/simple/torch/"}); });
  CHECK(msg == "failed to fetch https://****@example.invalid/simple/torch/: not in the cache and --offline was given");
  Request range{shared_server().url("/range")};
  range.range = net::ByteRange{0, 9};
  CHECK(error_of([&] { offline.get(range); }).find("--offline") != std::string::npos);
  CHECK(test::error_kind([&] { offline.get(range); }) == "network");
  CHECK(test::error_kind([&] { offline.get({"https://example.invalid/simple/x/"}); }) == "network");
  CHECK(test::error_hint([&] { offline.get({"https://example.invalid/simple/x/"}); }) ==
        "--offline answers only from the cache; run once without it");
}

TEST_CASE("entries are keyed by Accept", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  Request json{shared_server().url("/accept")};
  json.headers = {{"accept", "application/vnd.pypi.simple.v1+json"}};
  Request html{shared_server().url("/accept")};
  html.headers = {{"Accept", "text/html"}};
  CHECK(cache.entry_path(json) != cache.entry_path(html));
  CHECK(cache.get(json).header("content-type") == "application/vnd.pypi.simple.v1+json");
  CHECK(cache.get(html).header("content-type") == "text/html");
  // No Cache-Control: stored (for --offline) but revalidated, which here means a full fetch.
  CHECK(std::filesystem::exists(cache.entry_path(json)));
  net::CacheOptions opts{dir.path()};
  opts.offline = true;
  HttpCache offline(client, opts);
  CHECK(offline.get(json).body == R"({"meta": {"api-version": "1.1"}})");
  CHECK(offline.get(html).body == "<html>links</html>");
}

TEST_CASE("a corrupt entry is a miss", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string name = unique("corrupt");
  std::string path = "/mutable/" + name;
  configure(client, name, {{"body", "C"}, {"cc", "max-age=600"}});
  cache.get({shared_server().url(path)});
  auto entry = cache.entry_path({shared_server().url(path)});
  std::string data = util::read_file(entry);
  util::write_file_atomic(entry, data.substr(0, data.size() - 1));  // body shorter than recorded
  Response r = cache.get({shared_server().url(path)});
  CHECK_FALSE(r.from_cache);
  CHECK(r.body == "C");
  util::write_file_atomic(entry, "garbage");
  CHECK_FALSE(cache.get({shared_server().url(path)}).from_cache);
  CHECK(cache.get({shared_server().url(path)}).from_cache);
  cache.invalidate({shared_server().url(path)});
  CHECK_FALSE(std::filesystem::exists(entry));
}

TEST_CASE("entry headers outside the plain shape are read by the full JSON parser", "[net][cache]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string name = unique("escaped");
  std::string path = "/mutable/" + name;
  configure(client, name, {{"body", "E"}, {"cc", "max-age=600"}, {"etag", "\"v1\""}});
  cache.get({shared_server().url(path)});
  auto entry = cache.entry_path({shared_server().url(path)});
  std::string data = util::read_file(entry);
  auto nl = data.find('\n');
  auto header = nlohmann::json::parse(data.substr(0, nl));
  auto rewrite = [&](const nlohmann::json& h) {
    util::write_file_atomic(entry, h.dump(1, ' ', true) + "\n" + data.substr(nl + 1));
  };
  // A \u escape (non-ASCII header value) and pretty-printing: still the same entry.
  header["headers"]["x-note"] = "caf\u00e9";
  std::string pretty = header.dump(-1, ' ', true);
  util::write_file_atomic(entry, pretty + "\n" + data.substr(nl + 1));
  Response r = cache.get({shared_server().url(path)});
  CHECK(r.from_cache);
  CHECK(r.body == "E");
  CHECK(r.header("x-note") == "caf\u00e9");
  CHECK(r.header("etag") == "\"v1\"");
  // A header value that is not a string: corrupt, a miss (and the entry is stored again).
  header["headers"]["x-note"] = 5;
  rewrite(header);
  CHECK_FALSE(cache.get({shared_server().url(path)}).from_cache);
  CHECK(cache.get({shared_server().url(path)}).from_cache);
}

TEST_CASE("parallel and concurrent use", "[net][cache][parallel]") {
  util::TempDir dir;
  HttpClient client(quick());
  HttpCache cache(client, {dir.path()});
  std::string prefix = unique("par");
  std::vector<Request> reqs;
  for (int i = 0; i < 40; ++i) {
    std::string name = prefix + "-" + std::to_string(i);
    configure(client, name, {{"body", "body " + std::to_string(i)}, {"cc", "max-age=600"}});
    reqs.push_back({shared_server().url("/mutable/" + name)});
  }
  auto first = cache.get_all(reqs);
  for (int i = 0; i < 40; ++i) CHECK(first[i].body == "body " + std::to_string(i));
  std::vector<std::thread> threads;
  std::atomic<int> cached{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto again = cache.get_all(reqs);
      for (int i = 0; i < 40; ++i)
        if (again[i].from_cache && again[i].body == "body " + std::to_string(i)) ++cached;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(cached == 160);
  CHECK(cache.stats().downloaded == 40);
}

TEST_CASE("files on the PyTorch and NVIDIA indexes are immutable", "[net][cache]") {
  CHECK(HttpCache::forced_immutable(
      "https://download.pytorch.org/whl/cu128/torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl#sha256=7c"));
  CHECK(HttpCache::forced_immutable(
      "https://download.pytorch.org/whl/cpu/torch-2.7.1%2Bcpu-cp312-cp312-manylinux_2_28_aarch64.whl.metadata"));
  CHECK(HttpCache::forced_immutable("https://download-r2.pytorch.org/whl/cu128/torch-2.9.1.whl"));
  CHECK(HttpCache::forced_immutable("https://pypi.nvidia.com/nvidia-cudnn-cu12/nvidia_cudnn_cu12-9.10.2.21-py3-none-manylinux_2_27_x86_64.whl"));
  CHECK_FALSE(HttpCache::forced_immutable("https://download.pytorch.org/whl/cu128/torch/"));
  CHECK_FALSE(HttpCache::forced_immutable("https://download.pytorch.org/whl/cu128/torch"));
  CHECK_FALSE(HttpCache::forced_immutable("https://pypi.org/packages/ab/torch-2.9.1.whl"));
  CHECK_FALSE(HttpCache::forced_immutable("https://files.pythonhosted.org/packages/x/numpy-2.0.tar.gz"));
}
