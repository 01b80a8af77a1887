#include <catch2/catch.hpp>

#include "index_fixture.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall;
using namespace ptinstall::index;

TEST_CASE("file URLs of local paths", "[find_links]") {
  CHECK(file_url("/tmp/a b/c+d.whl") == "file:///tmp/a%20b/c%2Bd.whl");
  CHECK(local_path("file:///tmp/a%20b/c%2Bd.whl") == std::filesystem::path("/tmp/a b/c+d.whl"));
  CHECK_FALSE(local_path("https://example.com/x.whl").has_value());
  auto rel = file_url("relative/x.whl");
  CHECK(rel.rfind("file:///", 0) == 0);
  CHECK(rel.find("/relative/x.whl") != std::string::npos);
}

TEST_CASE("a find-links directory lists its wheels and sdists", "[find_links]") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "torch-2.9.1+cpu-cp312-cp312-manylinux_2_28_x86_64.whl", "1234");
  util::write_file_atomic(dir.path() / "Foo_Bar-1.0.tar.gz", "sdist");
  util::write_file_atomic(dir.path() / "README.txt", "not a distribution");
  util::write_file_atomic(dir.path() / "sub" / "hidden-1.0-py3-none-any.whl", "nested");
  auto files = scan_find_links_directory(dir.path());
  REQUIRE(files.size() == 2);
  CHECK(files[0].filename == "Foo_Bar-1.0.tar.gz");
  CHECK(files[0].kind == FileKind::Sdist);
  CHECK_FALSE(files[0].version.has_value());  // the project is not known yet
  CHECK(files[1].filename == "torch-2.9.1+cpu-cp312-cp312-manylinux_2_28_x86_64.whl");
  CHECK(files[1].url == file_url(dir.path() / files[1].filename));
  CHECK(files[1].url.find("%2B") != std::string::npos);
  CHECK(files[1].size == 4u);
  CHECK(files[1].version->to_string() == "2.9.1+cpu");

  auto foo = files_for_project(files, "foo-bar");
  REQUIRE(foo.size() == 1);
  CHECK(foo[0].version->to_string() == "1.0");
  CHECK(files_for_project(files, "Torch").size() == 1);
  CHECK(files_for_project(files, "torchvision").empty());
  CHECK_THROWS_AS(scan_find_links_directory(dir.path() / "missing"), util::Error);
}

TEST_CASE("a find-links HTML page is a flat list of links", "[find_links]") {
  const std::string html =
      "<html><body><h1>torch_stable</h1>\n"
      "<a href='cu118/torch-2.0.0%2Bcu118-cp311-cp311-linux_x86_64.whl'>cu118/torch-2.0.0+cu118-cp311-cp311-linux_x86_64.whl</a><br>\n"
      "<a href='cpu/torchvision-0.15.1%2Bcpu-cp311-cp311-linux_x86_64.whl#sha256=aa'>x</a><br>\n"
      "<a href='https://example.com/numpy-1.0.tar.gz' data-requires-python='&gt;=3.8'>numpy</a>\n"
      "<a href='../about.html'>about</a><a href='other/'>a directory</a>\n"
      "</body></html>";
  auto files = parse_find_links_page(html, "https://download.pytorch.org/whl/torch_stable.html");
  REQUIRE(files.size() == 3);
  CHECK(files[0].url == "https://download.pytorch.org/whl/cu118/torch-2.0.0%2Bcu118-cp311-cp311-linux_x86_64.whl");
  CHECK(files[0].filename == "torch-2.0.0+cu118-cp311-cp311-linux_x86_64.whl");
  CHECK(files[1].hashes.at("sha256") == "aa");
  CHECK(files[2].requires_python == ">=3.8");
  CHECK(files_for_project(files, "torch").size() == 1);
  CHECK(files_for_project(files, "numpy")[0].version->to_string() == "1.0");
}

TEST_CASE("find-links locations: URL, local page, single file, missing path", "[find_links][http]") {
  test::IndexServer server;
  net::HttpClient client{test::fast_client_options()};
  server.write("links/index.html", "<a href='pkg-1.0-py3-none-any.whl'>pkg</a><a href='/abs/pkg-0.9.tar.gz'>pkg</a>");
  auto remote = load_find_links(server.url("/links/"), client);
  REQUIRE(remote.size() == 2);
  CHECK(remote[0].url == server.url("/links/pkg-1.0-py3-none-any.whl"));
  CHECK(remote[1].url == server.url("/abs/pkg-0.9.tar.gz"));
  // Redirected (/links -> /links/): links resolve against the final URL.
  auto redirected = load_find_links(server.url("/links"), client);
  REQUIRE(redirected.size() == 2);
  CHECK(redirected[0].url == server.url("/links/pkg-1.0-py3-none-any.whl"));
  // A single remote file.
  auto one = load_find_links(server.url("/files/pkg-2.0-py3-none-any.whl"), client);
  REQUIRE(one.size() == 1);
  CHECK(one[0].version->to_string() == "2.0");
  // HTTP errors name the location.
  try {
    load_find_links(server.url("/nothing/"), client);
    FAIL("expected an error");
  } catch (const util::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("/nothing/") && Catch::Contains("404"));
  }

  util::TempDir dir;
  util::write_file_atomic(dir.path() / "page.html", "<a href='wheels/pkg-3.0-py3-none-any.whl'>pkg</a>");
  auto local = load_find_links((dir.path() / "page.html").string(), client);
  REQUIRE(local.size() == 1);
  CHECK(local[0].url == file_url(dir.path() / "wheels" / "pkg-3.0-py3-none-any.whl"));
  util::write_file_atomic(dir.path() / "pkg-4.0-py3-none-any.whl", "w");
  auto file = load_find_links(file_url(dir.path() / "pkg-4.0-py3-none-any.whl"), client);
  REQUIRE(file.size() == 1);
  CHECK(file[0].size == 1u);
  CHECK(load_find_links(dir.path().string(), client).size() == 1);
  CHECK_THROWS_WITH(load_find_links((dir.path() / "nope").string(), client), Catch::Contains("does not exist"));
}
