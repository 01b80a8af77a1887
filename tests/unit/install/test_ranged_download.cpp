// Big wheels in ranges (install/ranged_download.hpp): the pieces, the saved state, and prepare_wheels
// against tests/support/index_test_server.py (which serves ranges, or not with a .norange marker),
// with small pieces so that a wheel of a few hundred KB takes the path of a 2 GB one.
#include <catch2/catch.hpp>

#include <random>

#include "ptinstall/install/prepare.hpp"
#include "ptinstall/install/ranged_download.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "support/errors.hpp"
#include "unit/index/index_fixture.hpp"
#include "unit/install/wheel_builder.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

namespace {

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

fs::path big_wheel(test::IndexServer& server) {
  fs::create_directories(server.root() / "files");
  test::WheelSpec spec;
  for (int i = 0; i < 8; ++i)
    spec.files.push_back({"demo/part" + std::to_string(i) + ".bin", random_bytes(100'000, static_cast<unsigned>(i))});
  spec.files.push_back({"demo/__init__.py", "VALUE = 1\n"});
  return test::build_wheel(server.root() / "files", spec);
}

install::PrepareItem item_for(test::IndexServer& server, const fs::path& wheel) {
  install::PrepareItem it;
  it.name = "demo";
  it.file.filename = wheel.filename().string();
  it.file.url = server.url("/files/" + it.file.filename);
  it.file.hashes["sha256"] = util::sha256_file(wheel).hex();
  it.file.size = fs::file_size(wheel);
  return it;
}

install::PrepareOptions ranged(unsigned connections) {
  install::PrepareOptions o;
  o.ranged_min_bytes = 1;
  o.download_ranges = connections;
  o.range_piece_bytes = 64 << 10;
  return o;
}

std::vector<std::string> ranges_asked(test::IndexServer& server, net::HttpClient& client, const std::string& path) {
  auto s = server.stats(client);
  std::vector<std::string> out;
  if (s["ranges"].contains(path))
    for (const auto& r : s["ranges"][path]) out.push_back(r.get<std::string>());
  return out;
}

// The setting of the download tests: the big wheel on a test index, an empty cache, a client, the
// item to prepare, and where its partial download lives. `ranges`: false serves no ranges.
struct BigWheelRun {
  explicit BigWheelRun(bool ranges = true) {
    if (!ranges) server.write("files/.norange", "");
  }
  test::IndexServer server;
  fs::path wheel = big_wheel(server);
  util::TempDir dir;
  install::Cache cache = install::Cache::at(dir.path());
  install::WheelCache wc{cache};
  net::HttpClient client{test::fast_client_options()};
  install::PrepareItem item = item_for(server, wheel);
  fs::path part_file = fs::path(install::partial_download_stem(cache, item.file.url).string() + ".part");
  fs::path state_file = fs::path(install::partial_download_stem(cache, item.file.url).string() + ".json");
};

}  // namespace

TEST_CASE("ranged download: pieces tile the file", "[ranged]") {
  auto p = install::split_pieces(10, 4);
  REQUIRE(p.size() == 3);
  CHECK(p[0].start == 0);
  CHECK(p[0].end == 4);
  CHECK(p[2].start == 8);
  CHECK(p[2].end == 10);
  CHECK(install::split_pieces(0, 4).empty());
  install::RangedOptions o;
  o.connections = 4;
  CHECK(install::piece_size(1ULL << 30, o) == 32ULL << 20);   // 1 GiB: 32 pieces of 32 MiB
  CHECK(install::piece_size(10ULL << 20, o) == 4ULL << 20);   // never below 4 MiB
  CHECK(install::piece_size(100ULL << 30, o) == 64ULL << 20); // nor above 64 MiB
}

TEST_CASE("ranged download: the saved state reads back, and only for its URL and size", "[ranged]") {
  install::PartialState s{"http://x/a.whl", 10, std::string("\"etag\""), install::split_pieces(10, 4)};
  s.pieces[0].done = 4;
  s.pieces[1].done = 2;
  auto text = install::to_json(s);
  auto back = install::parse_partial_state(text, "http://x/a.whl", 10);
  REQUIRE(back);
  CHECK(back->validator == std::optional<std::string>("\"etag\""));
  REQUIRE(back->pieces.size() == 3);
  CHECK(back->pieces[1].done == 2);
  CHECK_FALSE(install::parse_partial_state(text, "http://x/b.whl", 10));
  CHECK_FALSE(install::parse_partial_state(text, "http://x/a.whl", 11));
  CHECK_FALSE(install::parse_partial_state("{", "http://x/a.whl", 10));
  // Pieces that do not tile the file, or claim more than their size, are not trusted.
  CHECK_FALSE(install::parse_partial_state(
      R"({"url":"http://x/a.whl","size":10,"pieces":[[0,4,4],[5,10,0]]})", "http://x/a.whl", 10));
  CHECK_FALSE(install::parse_partial_state(
      R"({"url":"http://x/a.whl","size":10,"pieces":[[0,4,5],[4,10,0]]})", "http://x/a.whl", 10));
}

TEST_CASE("ranged download: a big wheel comes in pieces, several at once, and unpacks whole", "[ranged]") {
  BigWheelRun t;
  auto& [server, wheel, dir, cache, wc, client, item, part_file, state_file] = t;
  install::PrepareStats st;
  auto out = install::prepare_wheels({item}, wc, cache, client, ranged(3), &st);
  REQUIRE(out.size() == 1);
  CHECK(out[0].downloaded);
  CHECK(out[0].unpacked.sha256 == item.file.hashes["sha256"]);
  CHECK(util::read_file(out[0].unpacked.dir / "demo" / "part5.bin") == random_bytes(100'000, 5));
  CHECK(st.bytes == fs::file_size(wheel));
  std::string path = "/files/" + item.file.filename;
  auto asked = ranges_asked(server, client, path);
  std::size_t pieces = (fs::file_size(wheel) + (64 << 10) - 1) / (64 << 10);
  CHECK(asked.size() == pieces);
  CHECK(asked.front() == "bytes=0-65535");
  // The first piece a second connection takes is the last one (the central directory, which the unzip
  // reads first): it is among the first requests, before the pieces in the middle.
  std::string tail = "bytes=" + std::to_string((pieces - 1) * (64 << 10)) + "-" + std::to_string(fs::file_size(wheel) - 1);
  auto at = std::find(asked.begin(), asked.end(), tail);
  REQUIRE(at != asked.end());
  CHECK(at - asked.begin() <= 3);
  // Nothing left of the partial download.
  CHECK_FALSE(fs::exists(part_file));
  CHECK_FALSE(fs::exists(state_file));
}

TEST_CASE("ranged download: a partial file from an earlier run is continued, not fetched again", "[ranged]") {
  BigWheelRun t;
  auto& [server, wheel, dir, cache, wc, client, item, part_file, state_file] = t;
  const std::uint64_t size = fs::file_size(wheel);
  // What a killed run leaves: the first half of the file in place, its state saying so.
  fs::create_directories(part_file.parent_path());
  std::string bytes = util::read_file(wheel);
  auto pieces = install::split_pieces(size, 64 << 10);
  std::uint64_t half = 0;
  for (std::size_t i = 0; i < pieces.size() / 2; ++i) {
    pieces[i].done = pieces[i].size();
    half = pieces[i].end;
  }
  pieces[pieces.size() / 2].done = 1000;  // one piece half-way through
  std::string part(size, '\0');
  std::copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(half + 1000), part.begin());
  util::write_file_atomic(part_file, part);
  util::write_file_atomic(state_file, install::to_json({item.file.url, size, std::nullopt, pieces}));

  auto out = install::prepare_wheels({item}, wc, cache, client, ranged(2));
  CHECK(out[0].unpacked.sha256 == item.file.hashes["sha256"]);
  auto asked = ranges_asked(server, client, "/files/" + item.file.filename);
  REQUIRE_FALSE(asked.empty());
  CHECK(asked.front() == "bytes=" + std::to_string(half + 1000) + "-" + std::to_string(half + (64 << 10) - 1));
  for (const auto& r : asked) CHECK(std::stoull(r.substr(6)) >= half);  // nothing before the half again
  CHECK_FALSE(fs::exists(part_file));
  CHECK_FALSE(fs::exists(state_file));
}

TEST_CASE("ranged download: stale bytes from an earlier run fail the hash once, then the file is fetched again",
          "[ranged]") {
  BigWheelRun t;
  auto& [server, wheel, dir, cache, wc, client, item, part_file, state_file] = t;
  const std::uint64_t size = fs::file_size(wheel);
  fs::create_directories(part_file.parent_path());
  auto pieces = install::split_pieces(size, 64 << 10);
  pieces[1].done = pieces[1].size();  // a piece "in", but its bytes are from another file
  util::write_file_atomic(part_file, std::string(size, 'z'));
  util::write_file_atomic(state_file, install::to_json({item.file.url, size, std::nullopt, pieces}));
  auto out = install::prepare_wheels({item}, wc, cache, client, ranged(2));
  CHECK(out[0].unpacked.sha256 == item.file.hashes["sha256"]);
  CHECK_FALSE(fs::exists(part_file));
}

TEST_CASE("ranged download: a server without ranges sends the whole file on the first request", "[ranged]") {
  BigWheelRun t(/*ranges=*/false);
  auto& [server, wheel, dir, cache, wc, client, item, part_file, state_file] = t;
  auto out = install::prepare_wheels({item}, wc, cache, client, ranged(4));
  CHECK(out[0].unpacked.sha256 == item.file.hashes["sha256"]);
  CHECK(server.hits(client, "/files/" + item.file.filename) == 1);
}
