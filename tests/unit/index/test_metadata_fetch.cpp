#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>

#include "index_fixture.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/index/metadata_fetch.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/hash.hpp"
#include "support/errors.hpp"

using namespace ptinstall;
using namespace ptinstall::index;
using test::IndexServer;

namespace {

struct Entry {
  std::string path, content;
};

// A zip written by libarchive: deflated by default, or stored; zip64 extensions on request.
std::string make_zip(const std::vector<Entry>& entries, bool store = false, bool zip64 = false) {
  util::TempDir dir;
  auto out = dir.path() / "w.zip";
  struct archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  if (store) archive_write_set_format_option(a, "zip", "compression", "store");
  if (zip64) archive_write_set_format_option(a, "zip", "zip64", "1");
  REQUIRE(archive_write_open_filename(a, out.c_str()) == ARCHIVE_OK);
  for (const auto& e : entries) {
    struct archive_entry* ae = archive_entry_new();
    archive_entry_set_pathname(ae, e.path.c_str());
    archive_entry_set_filetype(ae, AE_IFREG);
    archive_entry_set_perm(ae, 0644);
    archive_entry_set_size(ae, static_cast<la_int64_t>(e.content.size()));
    archive_write_header(a, ae);
    archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(ae);
  }
  archive_write_close(a);
  archive_write_free(a);
  return util::read_file(out);
}

void le_put(std::string& s, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// A stored-only zip whose central directory uses zip64 extra fields (sizes and offsets set to
// 0xFFFFFFFF) and ends with a zip64 end-of-central-directory record and locator, as very large
// wheels do.
std::string make_zip64(const std::vector<Entry>& entries) {
  std::string out, cd;
  for (const auto& e : entries) {
    std::uint64_t offset = out.size();
    std::uint32_t crc = 0xFFFFFFFFu;  // CRC-32 of the content
    for (unsigned char c : e.content) {
      crc ^= c;
      for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    crc ^= 0xFFFFFFFFu;
    le_put(out, 0x04034b50, 4); le_put(out, 45, 2); le_put(out, 0, 2); le_put(out, 0, 2);
    le_put(out, 0, 2); le_put(out, 0x21, 2); le_put(out, crc, 4);
    le_put(out, e.content.size(), 4); le_put(out, e.content.size(), 4);
    le_put(out, e.path.size(), 2); le_put(out, 0, 2);
    out += e.path;
    out += e.content;
    le_put(cd, 0x02014b50, 4); le_put(cd, 45, 2); le_put(cd, 45, 2); le_put(cd, 0, 2); le_put(cd, 0, 2);
    le_put(cd, 0, 2); le_put(cd, 0x21, 2); le_put(cd, crc, 4);
    le_put(cd, 0xFFFFFFFF, 4); le_put(cd, 0xFFFFFFFF, 4);
    le_put(cd, e.path.size(), 2); le_put(cd, 4 + 24, 2); le_put(cd, 0, 2);
    le_put(cd, 0, 2); le_put(cd, 0, 2); le_put(cd, 0, 4); le_put(cd, 0xFFFFFFFF, 4);
    cd += e.path;
    le_put(cd, 0x0001, 2); le_put(cd, 24, 2);
    le_put(cd, e.content.size(), 8); le_put(cd, e.content.size(), 8); le_put(cd, offset, 8);
  }
  std::uint64_t cd_offset = out.size();
  out += cd;
  std::uint64_t z64_offset = out.size();
  le_put(out, 0x06064b50, 4); le_put(out, 44, 8); le_put(out, 45, 2); le_put(out, 45, 2);
  le_put(out, 0, 4); le_put(out, 0, 4); le_put(out, entries.size(), 8); le_put(out, entries.size(), 8);
  le_put(out, cd.size(), 8); le_put(out, cd_offset, 8);
  le_put(out, 0x07064b50, 4); le_put(out, 0, 4); le_put(out, z64_offset, 8); le_put(out, 1, 4);
  le_put(out, 0x06054b50, 4); le_put(out, 0, 2); le_put(out, 0, 2); le_put(out, 0xFFFF, 2); le_put(out, 0xFFFF, 2);
  le_put(out, 0xFFFFFFFF, 4); le_put(out, 0xFFFFFFFF, 4); le_put(out, 0, 2);
  return out;
}

std::string metadata_text(const std::string& name, const std::string& version) {
  std::string s = "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version +
                  "\nRequires-Dist: filelock\nRequires-Dist: sympy>=1.13.3\nRequires-Python: >=3.9\n\n";
  s += std::string(3000, 'x') + "\n";  // a long description, so that deflate matters
  return s;
}

// A wheel whose METADATA comes first (far from the tail) and whose other files push the central
// directory beyond a small tail.
std::string make_wheel(const std::string& name, const std::string& version, std::size_t filler_files = 50,
                       bool store = false, bool zip64 = false) {
  std::vector<Entry> entries;
  std::string di = name + "-" + version + ".dist-info/";
  entries.push_back({di + "METADATA", metadata_text(name, version)});
  for (std::size_t i = 0; i < filler_files; ++i)
    entries.push_back({name + "/module_with_a_rather_long_name_" + std::to_string(i) + ".py",
                       "print(" + std::to_string(i) + ")\n" + std::string(200, 'a' + static_cast<char>(i % 26))});
  entries.push_back({di + "WHEEL", "Wheel-Version: 1.0\n"});
  entries.push_back({di + "RECORD", ""});
  return make_zip(entries, store, zip64);
}

IndexFile wheel_file(IndexServer& server, const std::string& rel, const std::string& filename) {
  return make_index_file(server.url("/" + rel + filename), server.url("/"));
}

struct Setup {
  IndexServer server;
  net::HttpClient client{test::fast_client_options()};
  util::TempDir downloads;
  MetadataOptions options(std::uint64_t tail = 1024) {
    MetadataOptions o;
    o.download_dir = downloads.path();
    o.tail_size = tail;
    o.threads = 4;
    return o;
  }
  std::vector<std::string> ranges(const std::string& path) {
    auto s = server.stats(client);
    std::vector<std::string> out;
    if (s["ranges"].contains(path))
      for (auto& r : s["ranges"][path]) out.push_back(r.get<std::string>());
    return out;
  }
};

}  // namespace

TEST_CASE("verify_hashes checks every algorithm it knows", "[metadata_fetch]") {
  std::string data = "hello";
  HashMap h{{"sha256", util::sha256_hex(data)}, {"md5", "5d41402abc4b2a76b9719d911017c592"}};
  CHECK(verify_hashes(data, h, "x") == 2);
  CHECK(verify_hashes(data, {{"whirlpool2", "00"}}, "x") == 0);
  CHECK(verify_hashes(data, {}, "x") == 0);
  h["md5"] = "00";
  CHECK_THROWS_WITH(verify_hashes(data, h, "the thing"), Catch::Contains("hash mismatch for the thing") &&
                                                             Catch::Contains("md5:00"));
  CHECK(test::error_message([&] { verify_hashes(data, {{"md5", "00"}}, "the thing"); }) ==
        "hash mismatch for the thing: expected md5:00, got md5:5d41402abc4b2a76b9719d911017c592");
  CHECK(test::error_kind([&] { verify_hashes(data, h, "the thing"); }) == "hash");
}

TEST_CASE("read_wheel_metadata reads the dist-info of the project", "[metadata_fetch]") {
  util::TempDir dir;
  auto wheel = dir.path() / "w.whl";
  util::write_file_atomic(wheel, make_zip({{"other-1.0.dist-info/METADATA", "Name: other\n"},
                                           {"nested/x-1.0.dist-info/METADATA", "Name: nested\n"},
                                           {"Foo_Bar-1.0.dist-info/METADATA", "Name: Foo_Bar\n"}}));
  CHECK(read_wheel_metadata(wheel, "foo-bar") == "Name: Foo_Bar\n");
  CHECK(read_wheel_metadata(wheel) == "Name: other\n");
  util::write_file_atomic(dir.path() / "empty.whl", make_zip({{"a.txt", "a"}}));
  CHECK_THROWS_WITH(read_wheel_metadata(dir.path() / "empty.whl"), Catch::Contains("no .dist-info/METADATA"));
  util::write_file_atomic(dir.path() / "junk.whl", "not a zip at all");
  CHECK_THROWS_AS(read_wheel_metadata(dir.path() / "junk.whl"), util::Error);
  CHECK(test::error_kind([&] { read_wheel_metadata(dir.path() / "junk.whl"); }) == "wheel");
  CHECK(test::error_kind([&] { read_wheel_metadata(dir.path() / "empty.whl"); }) == "wheel");
  // Stored (not deflated) entries, many of them, METADATA last: found through the central directory.
  std::vector<Entry> many;
  for (int i = 0; i < 500; ++i) many.push_back({"pkg/m" + std::to_string(i) + ".py", std::string(i, 'x')});
  many.push_back({"pkg-2.0.dist-info/METADATA", "Name: pkg\nVersion: 2.0\n"});
  util::write_file_atomic(dir.path() / "stored.whl", make_zip(many, true));
  CHECK(read_wheel_metadata(dir.path() / "stored.whl", "pkg") == "Name: pkg\nVersion: 2.0\n");
  util::write_file_atomic(dir.path() / "deflated.whl", make_zip(many));
  CHECK(read_wheel_metadata(dir.path() / "deflated.whl", "pkg") == "Name: pkg\nVersion: 2.0\n");
}

TEST_CASE("read_wheel_metadata walks the entries when the central directory cannot be followed", "[metadata_fetch]") {
  util::TempDir dir;
  std::string z = make_zip({{"a.txt", "a"}, {"pkg-1.0.dist-info/METADATA", "Name: pkg\n"}});
  // Point the end-of-central-directory record's offset past the end of the file: the direct read
  // gives up, the walk through the local headers still finds the entry.
  auto eocd = z.rfind(std::string("PK\x05\x06", 4));
  REQUIRE(eocd != std::string::npos);
  for (int i = 0; i < 4; ++i) z[eocd + 16 + static_cast<std::size_t>(i)] = static_cast<char>(0xF0);
  util::write_file_atomic(dir.path() / "odd.whl", z);
  std::string got;
  try {
    got = read_wheel_metadata(dir.path() / "odd.whl", "pkg");
  } catch (const util::Error& e) {
    got = std::string("error: ") + e.what();  // libarchive may refuse it too: then with its error
  }
  CHECK((got == "Name: pkg\n" || got.find("is invalid: cannot read") != std::string::npos));
  // A METADATA that is not where the central directory says is not read from the wrong place.
  std::string moved = make_zip({{"pkg-1.0.dist-info/METADATA", "Name: pkg\n"}});
  auto cd = moved.find(std::string("PK\x01\x02", 4));
  REQUIRE(cd != std::string::npos);
  moved[cd + 42] = static_cast<char>(moved[cd + 42] + 1);  // local header offset off by one
  util::write_file_atomic(dir.path() / "moved.whl", moved);
  std::string moved_got;
  try {
    moved_got = read_wheel_metadata(dir.path() / "moved.whl", "pkg");
  } catch (const util::Error& e) {
    moved_got = std::string("error: ") + e.what();
  }
  CHECK((moved_got == "Name: pkg\n" || moved_got.find("is invalid: cannot read") != std::string::npos));
}

TEST_CASE("PEP 658 metadata files are used and hash-checked", "[metadata_fetch][http]") {
  Setup s;
  std::string meta = metadata_text("torch", "2.9.1+cu128");
  s.server.write("whl/cu128/torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl", make_wheel("torch", "2.9.1+cu128"));
  s.server.write("whl/cu128/torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl.metadata", meta);
  IndexFile f = make_index_file("/whl/cu128/torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl",
                                s.server.url("/whl/cu128/torch/"));
  f.core_metadata = HashMap{{"sha256", util::sha256_hex(meta)}};
  MetadataFetcher fetcher(s.client, nullptr, s.options());
  auto m = fetcher.fetch(f);
  CHECK(m.source == MetadataSource::MetadataFile);
  CHECK(m.raw == meta);
  CHECK(m.metadata.name == "torch");
  CHECK(m.metadata.version.to_string() == "2.9.1+cu128");
  CHECK(m.metadata.requires_dist == std::vector<std::string>{"filelock", "sympy>=1.13.3"});
  CHECK_FALSE(m.wheel_path);
  CHECK(fetcher.stats().metadata_files == 1);
  CHECK(fetcher.stats().range_requests == 0);
  CHECK(s.server.hits(s.client, "/whl/cu128/torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl") == 0);
  // The same URL again: answered from memory.
  CHECK(fetcher.fetch(f).raw == meta);
  CHECK(fetcher.stats().metadata_files == 1);

  // A wrong hash is an error (and the cached copy is dropped).
  IndexFile bad = f;
  bad.core_metadata = HashMap{{"sha256", std::string(64, '0')}};
  util::TempDir cache_dir;
  net::HttpCache cache(s.client, net::CacheOptions{cache_dir.path()});
  MetadataFetcher strict(s.client, &cache, s.options());
  CHECK_THROWS_WITH(strict.fetch(bad), Catch::Contains("hash mismatch") && Catch::Contains(".metadata") &&
                                           Catch::Contains("expected sha256:0000"));
  CHECK(test::error_kind([&] { strict.fetch(bad); }) == "hash");
  CHECK_FALSE(std::filesystem::exists(cache.entry_path(net::Request{bad.metadata_url()})));
  // Without a hash on the page, the file is taken as it is.
  IndexFile unhashed = f;
  unhashed.core_metadata = HashMap{};
  MetadataFetcher lax(s.client, &cache, s.options());
  CHECK(lax.fetch(unhashed).source == MetadataSource::MetadataFile);
}

TEST_CASE("range reads find METADATA in a real zip without downloading it", "[metadata_fetch][http]") {
  Setup s;
  std::string wheel = make_wheel("foo_bar", "1.0", 400);  // central directory well beyond 1 KiB
  REQUIRE(wheel.size() > 50000);
  s.server.write("files/foo_bar-1.0-py3-none-any.whl", wheel);
  MetadataFetcher fetcher(s.client, nullptr, s.options(1024));
  auto m = fetcher.fetch(wheel_file(s.server, "files/", "foo_bar-1.0-py3-none-any.whl"));
  CHECK(m.source == MetadataSource::RangeRead);
  CHECK(m.raw == metadata_text("foo_bar", "1.0"));
  CHECK(m.metadata.requires_python->to_string() == ">=3.9");
  CHECK_FALSE(m.wheel_path);
  auto st = fetcher.stats();
  CHECK(st.range_reads == 1);
  CHECK(st.range_requests == 3);  // tail, central directory, METADATA entry
  CHECK(st.full_downloads == 0);
  CHECK(st.bytes < wheel.size() / 2);
  auto ranges = s.ranges("/files/foo_bar-1.0-py3-none-any.whl");
  REQUIRE(ranges.size() == 3);
  CHECK(ranges[0] == "bytes=-1024");
  CHECK(ranges[2].rfind("bytes=0-", 0) == 0);  // METADATA is the first entry
  CHECK_THAT(fetcher.summary(), Catch::Contains("1 range read (3 range requests)") &&
                                    Catch::Contains("0 full downloads"));

  // A small wheel fits in the tail: one request.
  s.server.write("files/small-1.0-py3-none-any.whl", make_wheel("small", "1.0", 2));
  MetadataFetcher big_tail(s.client, nullptr, s.options(64 * 1024));
  auto small = big_tail.fetch(wheel_file(s.server, "files/", "small-1.0-py3-none-any.whl"));
  CHECK(small.metadata.name == "small");
  CHECK(big_tail.stats().range_requests == 1);
}

TEST_CASE("range reads of stored entries and zip64 extensions", "[metadata_fetch][http]") {
  Setup s;
  s.server.write("files/stored-1.0-py3-none-any.whl", make_wheel("stored", "1.0", 100, true));
  s.server.write("files/big-2.0-py3-none-any.whl", make_wheel("big", "2.0", 100, false, true));
  MetadataFetcher fetcher(s.client, nullptr, s.options(2048));
  auto a = fetcher.fetch(wheel_file(s.server, "files/", "stored-1.0-py3-none-any.whl"));
  CHECK(a.source == MetadataSource::RangeRead);
  CHECK(a.raw == metadata_text("stored", "1.0"));
  auto b = fetcher.fetch(wheel_file(s.server, "files/", "big-2.0-py3-none-any.whl"));
  CHECK(b.source == MetadataSource::RangeRead);
  CHECK(b.raw == metadata_text("big", "2.0"));
  std::vector<Entry> entries{{"z64-1.0.dist-info/METADATA", metadata_text("z64", "1.0")}};
  for (int i = 0; i < 300; ++i) entries.push_back({"z64/f" + std::to_string(i) + ".py", std::string(100, 'q')});
  std::string z = make_zip64(entries);
  s.server.write("files/z64-1.0-py3-none-any.whl", z);
  // The file itself is a valid zip64 archive (libarchive reads it from disk too).
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "z.whl", z);
  CHECK(read_wheel_metadata(dir.path() / "z.whl", "z64") == metadata_text("z64", "1.0"));
  auto c = fetcher.fetch(wheel_file(s.server, "files/", "z64-1.0-py3-none-any.whl"));
  CHECK(c.source == MetadataSource::RangeRead);
  CHECK(c.raw == metadata_text("z64", "1.0"));
}

TEST_CASE("an advertised metadata file that is missing falls back to ranges", "[metadata_fetch][http]") {
  Setup s;
  s.server.write("files/pkg-1.0-py3-none-any.whl", make_wheel("pkg", "1.0"));
  IndexFile f = wheel_file(s.server, "files/", "pkg-1.0-py3-none-any.whl");
  f.core_metadata = HashMap{};
  MetadataFetcher fetcher(s.client, nullptr, s.options());
  auto m = fetcher.fetch(f);
  CHECK(m.source == MetadataSource::RangeRead);
  CHECK(fetcher.stats().metadata_files == 1);
  // A server error on the metadata file is an error, not a silent fallback.
  s.server.write("files/err-1.0-py3-none-any.whl", make_wheel("err", "1.0"));
  s.server.status("files/err-1.0-py3-none-any.whl.metadata", 500);
  IndexFile e = wheel_file(s.server, "files/", "err-1.0-py3-none-any.whl");
  e.core_metadata = HashMap{};
  CHECK_THROWS_WITH(fetcher.fetch(e), Catch::Contains("500"));
}

TEST_CASE("hosts without range support get whole downloads, remembered per host", "[metadata_fetch][http]") {
  Setup s;
  std::string w1 = make_wheel("one", "1.0");
  std::string w2 = make_wheel("two", "2.0");
  s.server.write("norange/one-1.0-py3-none-any.whl", w1);
  s.server.write("norange/two-2.0-py3-none-any.whl", w2);
  s.server.write("norange/.norange", "");
  MetadataFetcher fetcher(s.client, nullptr, s.options());
  auto one = fetcher.fetch(wheel_file(s.server, "norange/", "one-1.0-py3-none-any.whl"));
  CHECK(one.source == MetadataSource::FullDownload);
  REQUIRE(one.wheel_path);
  CHECK(*one.wheel_path == s.downloads.path() / "one-1.0-py3-none-any.whl");
  CHECK(util::read_file(*one.wheel_path) == w1);
  CHECK(one.metadata.name == "one");
  CHECK(fetcher.ranges_unsupported(s.server.url("/anything")));
  CHECK(fetcher.stats().range_requests == 1);
  auto two = fetcher.fetch(wheel_file(s.server, "norange/", "two-2.0-py3-none-any.whl"));
  CHECK(two.source == MetadataSource::FullDownload);
  CHECK(fetcher.stats().range_requests == 1);  // no more range attempts on this host
  CHECK(fetcher.stats().full_downloads == 2);
  CHECK(s.ranges("/norange/two-2.0-py3-none-any.whl").empty());
  // No partial files are left behind.
  std::size_t n = 0;
  for (auto& e : std::filesystem::directory_iterator(s.downloads.path())) {
    (void)e;
    ++n;
  }
  CHECK(n == 2);
}

TEST_CASE("whole downloads are hash-checked and reused", "[metadata_fetch][http]") {
  Setup s;
  std::string w = make_wheel("hashed", "1.0");
  s.server.write("norange/hashed-1.0-py3-none-any.whl", w);
  s.server.write("norange/.norange", "");
  MetadataOptions o = s.options();
  o.use_ranges = false;
  {
    MetadataFetcher fetcher(s.client, nullptr, o);
    IndexFile f = wheel_file(s.server, "norange/", "hashed-1.0-py3-none-any.whl");
    f.hashes["sha256"] = std::string(64, 'a');
    CHECK_THROWS_WITH(fetcher.fetch(f), Catch::Contains("hash mismatch") && Catch::Contains("hashed-1.0"));
    CHECK_FALSE(std::filesystem::exists(s.downloads.path() / "hashed-1.0-py3-none-any.whl"));
  }
  IndexFile f = wheel_file(s.server, "norange/", "hashed-1.0-py3-none-any.whl");
  f.hashes["sha256"] = util::sha256_hex(w);
  MetadataFetcher first(s.client, nullptr, o);
  CHECK(first.fetch(f).wheel_path == s.downloads.path() / "hashed-1.0-py3-none-any.whl");
  int hits = s.server.hits(s.client, "/norange/hashed-1.0-py3-none-any.whl");
  MetadataFetcher second(s.client, nullptr, o);
  CHECK(second.fetch(f).source == MetadataSource::FullDownload);
  CHECK(s.server.hits(s.client, "/norange/hashed-1.0-py3-none-any.whl") == hits);  // reused, not downloaded
}

TEST_CASE("local wheels are read in place; sdists are refused", "[metadata_fetch]") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "loc-1.0-py3-none-any.whl", make_wheel("loc", "1.0"));
  net::HttpClient client{test::fast_client_options()};
  MetadataFetcher fetcher(client, nullptr, MetadataOptions{dir.path() / "dl"});
  auto files = scan_find_links_directory(dir.path());
  REQUIRE(files.size() == 1);
  auto m = fetcher.fetch(files[0]);
  CHECK(m.source == MetadataSource::LocalFile);
  CHECK(m.wheel_path == dir.path() / "loc-1.0-py3-none-any.whl");
  CHECK(fetcher.stats().local_reads == 1);
  IndexFile sdist = make_index_file("https://example.com/loc-1.0.tar.gz", "https://example.com/", "loc");
  CHECK_THROWS_WITH(fetcher.fetch(sdist), Catch::Contains("without building it"));
}

TEST_CASE("fetch_all runs in parallel and keeps the order", "[metadata_fetch][http]") {
  Setup s;
  std::vector<IndexFile> files;
  for (int i = 0; i < 8; ++i) {
    std::string name = "p" + std::to_string(i);
    s.server.write("files/" + name + "-1.0-py3-none-any.whl", make_wheel(name, "1.0", 20));
    files.push_back(wheel_file(s.server, "files/", name + "-1.0-py3-none-any.whl"));
  }
  MetadataFetcher fetcher(s.client, nullptr, s.options(4096));
  for (auto& f : files) fetcher.prefetch(f);
  auto all = fetcher.fetch_all(files);
  REQUIRE(all.size() == 8);
  for (int i = 0; i < 8; ++i) CHECK(all[static_cast<std::size_t>(i)].metadata.name == "p" + std::to_string(i));
  CHECK(fetcher.stats().range_reads == 8);
  // One failure is reported once all have finished.
  files.push_back(wheel_file(s.server, "files/", "missing-1.0-py3-none-any.whl"));
  CHECK_THROWS_WITH(fetcher.fetch_all(files), Catch::Contains("404"));
}

TEST_CASE("dist_info_file reads variant.json by range requests and keeps it by the wheel's hash",
          "[metadata_fetch][http]") {
  Setup s;
  const std::string variant_json = R"({"variants": {"cu": {}}})";
  std::vector<Entry> entries{{"foo-1.0.dist-info/METADATA", metadata_text("foo", "1.0")},
                             {"foo-1.0.dist-info/variant.json", variant_json}};
  for (int i = 0; i < 300; ++i)
    entries.push_back({"foo/m" + std::to_string(i) + ".py", std::string(200, 'a' + static_cast<char>(i % 26))});
  entries.push_back({"foo-1.0.dist-info/RECORD", ""});
  std::string wheel = make_zip(entries);
  s.server.write("files/foo-1.0-py3-none-any-cu.whl", wheel);
  s.server.write("files/foo-1.0-py3-none-any-null.whl", make_wheel("foo", "1.0"));  // no variant.json
  IndexFile f = wheel_file(s.server, "files/", "foo-1.0-py3-none-any-cu.whl");
  f.hashes["sha256"] = util::sha256_hex(wheel);
  util::TempDir cache_dir;
  net::HttpCache cache(s.client, net::CacheOptions{cache_dir.path()});
  {
    MetadataFetcher fetcher(s.client, &cache, s.options());
    CHECK(fetcher.dist_info_file(f, "variant.json").get() == variant_json);
    CHECK(fetcher.stats().range_requests >= 2);  // the tail, then the entry: never the whole wheel
    CHECK(fetcher.stats().full_downloads == 0);
    // A wheel without the entry: nullopt.
    CHECK_FALSE(fetcher.dist_info_file(wheel_file(s.server, "files/", "foo-1.0-py3-none-any-null.whl"), "variant.json")
                    .get());
  }
  auto kept = cache_dir.path() / "dist-info-v1" / f.hashes["sha256"].substr(0, 2) / (f.hashes["sha256"] + "-variant.json");
  REQUIRE(std::filesystem::exists(kept));
  CHECK(util::read_file(kept) == variant_json);
  // Kept: a second fetcher answers from the cache without a request.
  MetadataFetcher again(s.client, &cache, s.options());
  CHECK(again.dist_info_file(f, "variant.json").get() == variant_json);
  CHECK(again.stats().range_requests == 0);
  // Local wheels are read in place.
  util::TempDir local;
  auto path = local.path() / "foo-1.0-py3-none-any-cu.whl";
  util::write_file_atomic(path, wheel);
  CHECK(read_wheel_dist_info_file(path, "variant.json", "foo") == variant_json);
  CHECK_FALSE(read_wheel_dist_info_file(path, "nothing.json", "foo"));
}
