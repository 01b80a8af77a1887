// prepare_wheels against wheels served on 127.0.0.1: streamed unpacking, hash checks, cache hits
// without the network, local wheels.
#include <catch2/catch.hpp>

#include <fstream>

#include "unit/index/index_fixture.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/install/prepare.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/hash.hpp"
#include "support/errors.hpp"
#include "unit/install/wheel_builder.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

namespace {

install::PrepareItem item_for(test::IndexServer& server, const fs::path& wheel, bool with_hash) {
  install::PrepareItem it;
  it.name = "demo";
  it.file.filename = wheel.filename().string();
  it.file.url = server.url("/files/" + it.file.filename);
  if (with_hash) it.file.hashes["sha256"] = util::sha256_file(wheel).hex();
  return it;
}

fs::path files_dir(test::IndexServer& server) {
  fs::create_directories(server.root() / "files");
  return server.root() / "files";
}

}  // namespace

TEST_CASE("prepare: download, unpack, then cache hits without the network", "[prepare]") {
  test::IndexServer server;
  test::WheelSpec spec;
  spec.files = {{"demo/__init__.py", std::string(200000, 'x')}};
  fs::path wheel = test::build_wheel(files_dir(server), spec);
  util::TempDir cache_dir;
  auto cache = install::Cache::at(cache_dir.path());
  install::WheelCache wc(cache);
  net::HttpClient client(test::fast_client_options());

  for (bool with_hash : {true, false}) {
    util::TempDir fresh;
    auto c2 = install::Cache::at(fresh.path());
    install::WheelCache w2(c2);
    auto item = item_for(server, wheel, with_hash);
    install::PrepareStats st;
    auto out = install::prepare_wheels({item}, w2, c2, client, {}, &st);
    REQUIRE(out.size() == 1);
    CHECK(out[0].downloaded);
    CHECK(st.downloaded == 1);
    CHECK(st.parallel == 0);  // a small wheel streams
    CHECK(out[0].unpacked.threads == 1);
    CHECK(st.bytes == fs::file_size(wheel));
    CHECK(fs::exists(out[0].unpacked.dir / "demo" / "__init__.py"));
    CHECK(out[0].unpacked.sha256 == util::sha256_file(wheel).hex());
    int hits = server.hits(client, "/files/" + item.file.filename);
    // Again: from the cache (by hash, or by URL when the index gave none), no request.
    auto again = install::prepare_wheels({item}, w2, c2, client, {}, &st);
    CHECK_FALSE(again[0].downloaded);
    CHECK(st.from_cache == 1);
    CHECK(server.hits(client, "/files/" + item.file.filename) == hits);
  }
}

TEST_CASE("prepare: hash mismatches are errors and commit nothing", "[prepare]") {
  test::IndexServer server;
  fs::path wheel = test::build_wheel(files_dir(server), test::WheelSpec{});
  util::TempDir cache_dir;
  auto cache = install::Cache::at(cache_dir.path());
  install::WheelCache wc(cache);
  net::HttpClient client(test::fast_client_options());
  std::string actual = util::sha256_file(wheel).hex();

  auto bad_index = item_for(server, wheel, false);
  bad_index.file.hashes["sha256"] = std::string(64, '0');
  CHECK_THROWS_WITH(install::prepare_wheels({bad_index}, wc, cache, client),
                    Catch::Contains("hash mismatch for demo-1.0-py3-none-any.whl") && Catch::Contains(actual));
  CHECK(test::error_message([&] { install::prepare_wheels({bad_index}, wc, cache, client); }) ==
        "hash mismatch for demo-1.0-py3-none-any.whl: expected sha256:" + std::string(64, '0') + ", got sha256:" + actual);
  CHECK(test::error_kind([&] { install::prepare_wheels({bad_index}, wc, cache, client); }) == "hash");
  CHECK_FALSE(wc.lookup(actual));

  auto bad_required = item_for(server, wheel, false);
  bad_required.required_hashes = {"sha256:" + std::string(64, 'a'), "sha256:" + std::string(64, 'b')};
  CHECK_THROWS_WITH(install::prepare_wheels({bad_required}, wc, cache, client),
                    Catch::Contains("expected sha256:" + std::string(64, 'a') + " or sha256:" + std::string(64, 'b')) &&
                        Catch::Contains("got sha256:" + actual));

  auto conflicting = item_for(server, wheel, true);
  conflicting.required_hashes = {"sha256:" + std::string(64, 'c')};
  CHECK_THROWS_WITH(install::prepare_wheels({conflicting}, wc, cache, client), Catch::Contains("hash mismatch"));
  // Before any download: the --hash values against the index's hash, in the same wording.
  CHECK(test::error_message([&] { install::prepare_wheels({conflicting}, wc, cache, client); }) ==
        "hash mismatch for demo-1.0-py3-none-any.whl: expected sha256:" + std::string(64, 'c') + ", got sha256:" + actual);
  CHECK_THAT(test::error_hint([&] { install::prepare_wheels({conflicting}, wc, cache, client); }),
             Catch::Contains("--hash values of demo") && Catch::Contains("the index gives (sha256:" + actual + ")"));
  CHECK(test::error_kind([&] { install::prepare_wheels({conflicting}, wc, cache, client); }) == "hash");

  auto good = item_for(server, wheel, false);
  good.required_hashes = {"sha256:" + std::string(64, 'd'), "sha256:" + actual, "md5:abc"};
  CHECK(install::prepare_wheels({good}, wc, cache, client)[0].unpacked.sha256 == actual);
}

TEST_CASE("prepare: HTTP errors, local wheels, many at once", "[prepare]") {
  test::IndexServer server;
  util::TempDir cache_dir;
  auto cache = install::Cache::at(cache_dir.path());
  install::WheelCache wc(cache);
  net::HttpClient client(test::fast_client_options());

  install::PrepareItem missing;
  missing.name = "gone";
  missing.file.filename = "gone-1.0-py3-none-any.whl";
  missing.file.url = server.url("/files/gone-1.0-py3-none-any.whl");
  CHECK_THROWS_WITH(install::prepare_wheels({missing}, wc, cache, client), Catch::Contains("404"));

  util::TempDir local;
  std::vector<install::PrepareItem> items;
  for (int i = 0; i < 6; ++i) {
    test::WheelSpec s;
    s.name = "pkg" + std::to_string(i);
    fs::path p = test::build_wheel(i % 2 ? local.path() : files_dir(server), s);
    install::PrepareItem it;
    it.name = s.name;
    it.file.filename = p.filename().string();
    it.file.url = i % 2 ? index::file_url(p) : server.url("/files/" + it.file.filename);
    items.push_back(it);
  }
  install::PrepareStats st;
  auto out = install::prepare_wheels(items, wc, cache, client, {}, &st);
  CHECK(st.downloaded == 3);
  CHECK(st.unpacked == 6);
  for (std::size_t i = 0; i < out.size(); ++i) CHECK(fs::exists(out[i].unpacked.dir / ("pkg" + std::to_string(i) + "-1.0.dist-info")));
}

TEST_CASE("prepare: a big wheel is downloaded to a file and unpacked by several threads",
          "[prepare][parallel]") {
  test::IndexServer server;
  test::WheelSpec spec;
  for (int i = 0; i < 120; ++i)
    spec.files.push_back({"demo/m" + std::to_string(i) + ".py", std::string(3000 + i * 50, static_cast<char>('a' + i % 26)),
                          i % 7 ? 0644 : 0755});
  fs::path wheel = test::build_wheel(files_dir(server), spec);
  std::string actual = util::sha256_file(wheel).hex();
  net::HttpClient client(test::fast_client_options());
  install::WheelCacheOptions opts;
  opts.parallel_min_bytes = 1000;  // "big" for this test
  opts.parallel_threads = 3;

  // The size from the index (PEP 700), or from the response's Content-Length (the PyTorch index
  // gives no sizes).
  for (bool with_hash : {true, false})
  for (bool index_size : {true, false}) {
    INFO("with hash " << with_hash << ", size from the index " << index_size);
    util::TempDir cache_dir;
    auto cache = install::Cache::at(cache_dir.path());
    install::WheelCache wc(cache, opts);
    auto item = item_for(server, wheel, with_hash);
    if (index_size) item.file.size = fs::file_size(wheel);
    install::PrepareStats st;
    auto out = install::prepare_wheels({item}, wc, cache, client, {}, &st);
    CHECK(out[0].downloaded);
    CHECK(out[0].unpacked.threads == 3);
    CHECK(st.parallel == 1);
    CHECK(st.bytes == fs::file_size(wheel));
    CHECK(out[0].unpacked.sha256 == actual);
    CHECK(util::read_file(out[0].unpacked.dir / "demo/m5.py") == std::string(3250, 'f'));
    // The same tree as the one-thread path gives.
    util::TempDir serial_dir;
    auto serial_cache = install::Cache::at(serial_dir.path());
    install::WheelCache serial(serial_cache);
    auto ref = serial.unpack_file(wheel);
    for (int i = 0; i < 120; ++i) {
      std::string rel = "demo/m" + std::to_string(i) + ".py";
      CHECK(util::read_file(out[0].unpacked.dir / rel) == util::read_file(ref.dir / rel));
      CHECK(fs::status(out[0].unpacked.dir / rel).permissions() == fs::status(ref.dir / rel).permissions());
    }
    // The temporary download is gone.
    for (auto& e : fs::directory_iterator(cache.root())) CHECK(e.path().filename().string().rfind(".download-", 0) != 0);
  }

  SECTION("a wrong index hash is an error and commits nothing") {
    util::TempDir cache_dir;
    auto cache = install::Cache::at(cache_dir.path());
    install::WheelCache wc(cache, opts);
    auto item = item_for(server, wheel, false);
    item.file.size = fs::file_size(wheel);
    item.file.hashes["sha256"] = std::string(64, '0');
    CHECK_THROWS_WITH(install::prepare_wheels({item}, wc, cache, client),
                      Catch::Contains("hash mismatch for demo-1.0-py3-none-any.whl") && Catch::Contains(actual));
    CHECK_FALSE(wc.lookup(actual));
    CHECK((!fs::exists(wc.root()) || fs::is_empty(wc.root())));
  }
  SECTION("a corrupt big wheel is an error with a hint and commits nothing") {
    std::string bytes = util::read_file(wheel);
    for (size_t i = 2000; i < bytes.size() / 2; i += 997) bytes[i] ^= 0x21;
    fs::path bad = files_dir(server) / "bad-1.0-py3-none-any.whl";
    { std::ofstream(bad, std::ios::binary) << bytes; }
    util::TempDir cache_dir;
    auto cache = install::Cache::at(cache_dir.path());
    install::WheelCache wc(cache, opts);
    auto item = item_for(server, bad, false);
    item.file.size = fs::file_size(bad);
    try {
      install::prepare_wheels({item}, wc, cache, client);
      FAIL("no error");
    } catch (const util::Error& e) {
      CHECK_THAT(e.what(), Catch::Contains("bad-1.0-py3-none-any.whl is invalid"));
      CHECK(!e.hint().empty());
    }
    CHECK((!fs::exists(wc.root()) || fs::is_empty(wc.root())));
  }
}
