// Wheels prepared while the resolution runs (install/prepare_ahead.hpp), against
// tests/support/index_test_server.py: a wheel started ahead is downloaded once and handed to
// prepare_wheels; a failed one is prepared again and its error said only when the wheel is wanted;
// one never taken (a choice the resolver took back) is only a cache entry.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "ptinstall/install/prepare.hpp"
#include "ptinstall/install/prepare_ahead.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "support/errors.hpp"
#include "unit/index/index_fixture.hpp"
#include "unit/install/wheel_builder.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

namespace {

struct AheadRun {
  test::IndexServer server;
  util::TempDir dir;
  install::Cache cache = install::Cache::at(dir.path());
  install::WheelCache wc{cache};
  net::HttpClient client{test::fast_client_options()};

  install::PrepareItem wheel(const std::string& name, const std::string& version) {
    fs::create_directories(server.root() / "files");
    test::WheelSpec spec;
    spec.name = name;
    spec.version = version;
    spec.files.push_back({name + "/__init__.py", "VERSION = '" + version + "'\n"});
    fs::path path = test::build_wheel(server.root() / "files", spec);
    install::PrepareItem it;
    it.name = name;
    it.file.filename = path.filename().string();
    it.file.url = server.url("/files/" + it.file.filename);
    it.file.hashes["sha256"] = util::sha256_file(path).hex();
    it.file.size = fs::file_size(path);
    return it;
  }
  int gets(const install::PrepareItem& it) { return server.hits(client, "/files/" + it.file.filename); }
};

}  // namespace

TEST_CASE("prepare ahead: a wheel started while resolving is downloaded once and handed over", "[ahead]") {
  AheadRun t;
  auto a = t.wheel("alpha", "1.0");
  auto b = t.wheel("beta", "2.0");
  install::PrepareAhead ahead(t.cache, t.client, {}, 2);
  ahead.start(a);
  ahead.start(a);  // the same URL again: one job
  CHECK(ahead.started() == 1);
  // Let it finish, as a download does while the resolver still waits for other round trips.
  for (int i = 0; i < 500 && ahead.succeeded() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(ahead.succeeded() == 1);
  install::PrepareOptions o;
  o.ahead = &ahead;
  install::PrepareStats st;
  auto out = install::prepare_wheels({a, b}, t.wc, t.cache, t.client, o, &st);
  REQUIRE(out.size() == 2);
  CHECK(out[0].unpacked.sha256 == a.file.hashes["sha256"]);
  CHECK(out[1].unpacked.sha256 == b.file.hashes["sha256"]);
  CHECK(util::read_file(out[0].unpacked.dir / "alpha" / "__init__.py") == "VERSION = '1.0'\n");
  CHECK(t.gets(a) == 1);
  CHECK(t.gets(b) == 1);
  // Counted as downloaded (and unpacked) once, wherever it happened.
  CHECK(st.downloaded == 2);
  CHECK(st.unpacked == 2);
  CHECK(st.bytes == *a.file.size + *b.file.size);
}

TEST_CASE("prepare ahead: a choice taken back leaves only a cache entry, nothing to wait for", "[ahead]") {
  AheadRun t;
  auto old = t.wheel("alpha", "1.0");
  auto chosen = t.wheel("alpha", "2.0");
  {
    install::PrepareAhead ahead(t.cache, t.client, {}, 2);
    ahead.start(old);
    install::PrepareOptions o;
    o.ahead = &ahead;
    auto out = install::prepare_wheels({chosen}, t.wc, t.cache, t.client, o);
    CHECK(out[0].unpacked.sha256 == chosen.file.hashes["sha256"]);
  }
  // Whether the old one finished before the ahead was done with (then it is a complete entry) or was
  // stopped (then there is none), the cache never holds a half of it.
  if (auto dir = t.wc.lookup(old.file.hashes["sha256"])) CHECK(fs::exists(*dir / "alpha" / "__init__.py"));
}

TEST_CASE("prepare ahead: a failure is said only when the wheel is wanted, without asking again", "[ahead]") {
  AheadRun t;
  auto good = t.wheel("alpha", "1.0");
  auto missing = good;
  missing.name = "gone";
  missing.file.filename = "gone-1.0-py3-none-any.whl";
  missing.file.url = t.server.url("/files/gone-1.0-py3-none-any.whl");
  missing.file.hashes.clear();  // nothing to find it by in the cache
  missing.file.size.reset();
  install::PrepareAhead ahead(t.cache, t.client, {}, 2);
  ahead.start(missing);
  ahead.start(good);
  install::PrepareOptions o;
  o.ahead = &ahead;
  // Not wanted: no error.
  auto out = install::prepare_wheels({good}, t.wc, t.cache, t.client, o);
  CHECK(out[0].unpacked.sha256 == good.file.hashes["sha256"]);
  // Wanted: its error is said now, and the failing server is not asked again.
  int before = t.server.hits(t.client, "/files/gone-1.0-py3-none-any.whl");
  CHECK(before >= 1);
  CHECK_THROWS_WITH(install::prepare_wheels({missing}, t.wc, t.cache, t.client, o), Catch::Contains("404"));
  CHECK(t.server.hits(t.client, "/files/gone-1.0-py3-none-any.whl") == before);
}

TEST_CASE("prepare ahead: --hash values the ahead job did not know are checked when the wheel is taken", "[ahead]") {
  AheadRun t;
  auto a = t.wheel("alpha", "1.0");
  install::PrepareAhead ahead(t.cache, t.client, {}, 1);
  ahead.start(a);
  auto wanted = a;
  wanted.file.hashes.clear();  // no index hash: the --hash value alone decides
  wanted.required_hashes = {"sha256:" + std::string(64, '0')};
  install::PrepareOptions o;
  o.ahead = &ahead;
  CHECK_THROWS_WITH(install::prepare_wheels({wanted}, t.wc, t.cache, t.client, o),
                    Catch::Contains("hash mismatch for " + a.file.filename));
}

TEST_CASE("prepare ahead: cancelled jobs never start and leave no entry", "[ahead]") {
  AheadRun t;
  auto a = t.wheel("alpha", "1.0");
  install::PrepareAhead ahead(t.cache, t.client, {}, 1);
  ahead.cancel();
  ahead.start(a);
  CHECK(ahead.started() == 0);
  install::PrepareOptions o;
  o.ahead = &ahead;
  auto out = install::prepare_wheels({a}, t.wc, t.cache, t.client, o);
  CHECK(out[0].downloaded);
  CHECK(t.gets(a) == 1);
}
