#include <catch2/catch.hpp>

#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/util/error.hpp"
#include "support/errors.hpp"

using namespace ptinstall;
using namespace ptinstall::index;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const util::Error& e) {
    return std::string(e.what()) + " | " + e.hint();
  }
  return "";
}

}  // namespace

TEST_CASE("html_unescape decodes named and numeric entities", "[simple_page]") {
  CHECK(html_unescape("&gt;=3.8") == ">=3.8");
  CHECK(html_unescape("&lt;4,&gt;=3.7, !=3.9.*") == "<4,>=3.7, !=3.9.*");
  CHECK(html_unescape("a&amp;b&quot;c&apos;d&#39;e&#x27;f") == "a&b\"c'd'e'f");
  CHECK(html_unescape("caf&#233;") == "caf\xc3\xa9");
  CHECK(html_unescape("&unknown; & &amp") == "&unknown; & &amp");
  CHECK(html_unescape("no entities") == "no entities");
}

TEST_CASE("scan_html reads anchors with attributes in any order and quoting", "[simple_page]") {
  auto doc = scan_html(
      "<HTML><Head><BASE HREF='/base/'><meta name=\"pypi:repository-version\" content=\"1.1\"></head><body>\n"
      "<A data-yanked HREF=\"a.whl\">  a.whl </A>\n"
      "<a href=b.tar.gz data-requires-python=&gt;=3.8>b.tar.gz</a>\n"
      "<a name=\"anchor\">not a link</a>\n"
      "<!-- <a href=\"commented.whl\">commented.whl</a> -->\n"
      "<script>var s = '<a href=\"script.whl\">';</script>\n"
      "<a href = 'c.zip' data-yanked = 'bad &amp; broken'>c.zip</a><br/>\n"
      "</body></html><!--TIMESTAMP 1703347410-->");
  REQUIRE(doc.base_href == "/base/");
  CHECK(doc.meta.at("pypi:repository-version") == "1.1");
  REQUIRE(doc.links.size() == 3);
  CHECK(doc.links[0].href == "a.whl");
  CHECK(doc.links[0].text == "a.whl");
  CHECK(doc.links[0].attributes.count("data-yanked") == 1);
  CHECK_FALSE(doc.links[0].attributes.at("data-yanked").has_value());
  CHECK(doc.links[1].href == "b.tar.gz");
  CHECK(doc.links[1].attributes.at("data-requires-python") == ">=3.8");
  CHECK(doc.links[2].href == "c.zip");
  CHECK(doc.links[2].attributes.at("data-yanked") == "bad & broken");
}

TEST_CASE("file kinds and sdist versions", "[simple_page]") {
  CHECK(file_kind("a-1.0-py3-none-any.whl") == FileKind::Wheel);
  CHECK(file_kind("a-1.0.tar.gz") == FileKind::Sdist);
  CHECK(file_kind("a-1.0.ZIP") == FileKind::Sdist);
  CHECK(file_kind("a-1.0.exe") == FileKind::Other);
  CHECK(file_kind("a-1.0.egg") == FileKind::Other);
  CHECK(sdist_version("Foo_Bar-1.2.3.tar.gz", "foo-bar")->to_string() == "1.2.3");
  CHECK(sdist_version("foo-bar-2.0rc1.zip", "Foo.Bar")->to_string() == "2.0rc1");
  CHECK_FALSE(sdist_version("other-1.0.tar.gz", "foo").has_value());
  CHECK_FALSE(sdist_version("foo-notaversion.tar.gz", "foo").has_value());
  CHECK_FALSE(sdist_version("foo-1.0.tar.gz", "").has_value());
}

TEST_CASE("make_index_file resolves links and reads hash fragments", "[simple_page]") {
  auto f = make_index_file("../../packages/ab/cd/pkg-1.0-py3-none-any.whl#sha256=ABCDEF0123",
                           "https://example.com/simple/pkg/");
  CHECK(f.url == "https://example.com/packages/ab/cd/pkg-1.0-py3-none-any.whl");
  CHECK(f.filename == "pkg-1.0-py3-none-any.whl");
  CHECK(f.hashes.at("sha256") == "abcdef0123");
  CHECK(f.kind == FileKind::Wheel);
  REQUIRE(f.wheel);
  CHECK(f.version->to_string() == "1.0");
  CHECK(f.metadata_url() == "https://example.com/packages/ab/cd/pkg-1.0-py3-none-any.whl.metadata");

  auto g = make_index_file("pkg-1.0.tar.gz#egg=pkg", "https://example.com/simple/pkg/", "pkg");
  CHECK(g.hashes.empty());
  CHECK(g.kind == FileKind::Sdist);
  CHECK(g.version->to_string() == "1.0");

  auto h = make_index_file("pkg-1.0.tar.gz#md5=0123abcd", "https://example.com/simple/pkg/");
  CHECK(h.hashes.at("md5") == "0123abcd");
  auto junk = make_index_file("pkg-1.0.tar.gz#sha256=not-hex", "https://example.com/simple/pkg/");
  CHECK(junk.hashes.empty());
  auto bad_wheel = make_index_file("not_a_wheel.whl", "https://example.com/simple/pkg/");
  CHECK(bad_wheel.kind == FileKind::Other);
  // Names that would leave a download directory are never installable.
  auto evil = make_index_file("..%2F..%2Fevil-1.0.tar.gz", "https://example.com/simple/evil/", "evil");
  CHECK(evil.filename == "../../evil-1.0.tar.gz");
  CHECK(evil.kind == FileKind::Other);
  CHECK_FALSE(evil.version);
  CHECK(make_index_file("a%5Cevil-1.0-py3-none-any.whl", "https://example.com/simple/evil/").kind == FileKind::Other);
  auto json_evil = parse_json_project_page(
      R"({"files":[{"filename":"../evil-1.0-py3-none-any.whl","url":"evil-1.0-py3-none-any.whl","hashes":{}}]})",
      "https://example.com/simple/evil/");
  CHECK(json_evil.files.at(0).kind == FileKind::Other);
  CHECK_FALSE(json_evil.files.at(0).wheel);
  CHECK_THROWS_AS(make_index_file("https:/no-host/x-1.0.tar.gz", "https://example.com/simple/x/"), util::Error);
  CHECK(parse_html_project_page("<a href='https:/no-host/x-1.0.tar.gz'>x</a><a href='x-2.0.tar.gz'>x</a>",
                                "https://example.com/simple/x/", "x").files.size() == 1);
  CHECK_THROWS_WITH(parse_json_project_page(R"({"files":[{"filename":"x-1.0.tar.gz","url":"https:/no-host/x","hashes":{}}]})",
                                            "https://example.com/simple/x/"),
                    Catch::Contains("invalid URL"));
  auto q = make_index_file("/f/pkg-1.0.tar.gz?token=1#sha256=aa", "https://example.com/simple/pkg/");
  CHECK(q.filename == "pkg-1.0.tar.gz");
  CHECK(q.url == "https://example.com/f/pkg-1.0.tar.gz?token=1");
}

TEST_CASE("a page shaped like the PyTorch index", "[simple_page][pytorch]") {
  // Root-relative links, %2B in filenames, both metadata attributes, data-upload-time, cross-host
  // absolute links, no repository version, no JSON, the trailing TIMESTAMP comment.
  const std::string html =
      "<!DOCTYPE html>\n<html>\n  <body>\n    <h1>Links for torch</h1>\n"
      "    <a href=\"/whl/cu128/torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl#sha256="
      "7cb4018f4ce68b61fd3ef87dc1c4ca520731c7b5b200e360ad47b612d7844063\" "
      "data-dist-info-metadata=\"sha256=1111111111111111111111111111111111111111111111111111111111111111\" "
      "data-core-metadata=\"sha256=2222222222222222222222222222222222222222222222222222222222222222\" "
      "data-upload-time=\"2026-07-08T20:24:52Z\">torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl</a><br/>\n"
      "    <a href=\"https://download-r2.pytorch.org/whl/cu128/torch-2.9.1%2Bcu128-cp312-cp312-win_amd64.whl\" "
      "data-upload-time=\"2026-07-08T20:24:52Z\">torch-2.9.1+cu128-cp312-cp312-win_amd64.whl</a><br/>\n"
      "    <a href=\"/whl/torch-2.9.1-cp312-none-macosx_11_0_arm64.whl#sha256=abcd\">"
      "torch-2.9.1-cp312-none-macosx_11_0_arm64.whl</a><br/>\n"
      "  </body>\n</html>\n<!--TIMESTAMP 1703347410-->\n";
  auto page = parse_project_page(html, "text/html", "https://download.pytorch.org/whl/cu128/torch/", "torch");
  CHECK_FALSE(page.api_version.has_value());
  REQUIRE(page.files.size() == 3);
  const auto& a = page.files[0];
  CHECK(a.filename == "torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl");
  CHECK(a.url == "https://download.pytorch.org/whl/cu128/torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl");
  CHECK(a.hashes.at("sha256") == "7cb4018f4ce68b61fd3ef87dc1c4ca520731c7b5b200e360ad47b612d7844063");
  REQUIRE(a.core_metadata);
  CHECK(a.core_metadata->at("sha256") == std::string(64, '2'));  // core-metadata wins over dist-info
  CHECK(a.upload_time == "2026-07-08T20:24:52Z");
  CHECK_FALSE(a.requires_python);
  CHECK_FALSE(a.is_yanked());
  CHECK_FALSE(a.size);
  REQUIRE(a.wheel);
  CHECK(a.version->to_string() == "2.9.1+cu128");
  CHECK(a.wheel->platform_tags == std::vector<std::string>{"manylinux_2_28_x86_64"});
  const auto& b = page.files[1];
  CHECK(b.url == "https://download-r2.pytorch.org/whl/cu128/torch-2.9.1%2Bcu128-cp312-cp312-win_amd64.whl");
  CHECK(b.hashes.empty());
  CHECK_FALSE(b.core_metadata);
  const auto& c = page.files[2];
  CHECK(c.url == "https://download.pytorch.org/whl/torch-2.9.1-cp312-none-macosx_11_0_arm64.whl");
  CHECK(c.version->to_string() == "2.9.1");
}

TEST_CASE("a PyPI-like HTML page", "[simple_page]") {
  const std::string html =
      "<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.4\">\n"
      "    <meta name=\"pypi:project-status\" content=\"active\">\n    <title>Links for jinja2</title>\n"
      "  </head>\n  <body>\n    <h1>Links for jinja2</h1>\n"
      "    <a href=\"https://files.pythonhosted.org/packages/aa/bb/Jinja2-2.0.tar.gz#sha256=aabb\" >Jinja2-2.0.tar.gz</a><br />\n"
      "    <a href=\"https://files.pythonhosted.org/packages/cc/dd/jinja2-3.1.6-py3-none-any.whl#sha256=ccdd\" "
      "data-requires-python=\"&gt;=3.7,\" data-dist-info-metadata=\"sha256=eeff\" data-core-metadata=\"sha256=eeff\">"
      "jinja2-3.1.6-py3-none-any.whl</a><br />\n"
      "    <a href=\"https://files.pythonhosted.org/packages/ee/ff/Jinja2-3.0.0a1.tar.gz#sha256=0011\" "
      "data-requires-python=\"&gt;=3.6, !=3.0.*,, \" data-yanked=\"broken &lt;build&gt;\">Jinja2-3.0.0a1.tar.gz</a><br />\n"
      "    <a href=\"https://files.pythonhosted.org/packages/ee/ff/Jinja2-2.11.0.tar.gz\" data-yanked=\"\">"
      "Jinja2-2.11.0.tar.gz</a><br />\n"
      "    <a href=\"https://files.pythonhosted.org/packages/ee/ff/Jinja2-2.10.zip\" data-core-metadata=\"true\">"
      "Jinja2-2.10.zip</a><br />\n"
      "    <a href=\"https://files.pythonhosted.org/packages/ee/ff/Jinja2-2.9.zip\" data-core-metadata=\"false\">"
      "Jinja2-2.9.zip</a><br />\n"
      "  </body>\n</html>\n<!--SERIAL 123-->";
  auto page = parse_html_project_page(html, "https://pypi.org/simple/jinja2/", "jinja2");
  CHECK(page.api_version == "1.4");
  CHECK(page.project_status == "active");
  REQUIRE(page.files.size() == 6);
  CHECK(page.files[0].kind == FileKind::Sdist);
  CHECK(page.files[0].version->to_string() == "2.0");
  CHECK(page.files[1].requires_python == ">=3.7");
  CHECK(page.files[1].core_metadata->at("sha256") == "eeff");
  CHECK(page.files[2].requires_python == ">=3.6, !=3.0.*");
  CHECK(page.files[2].yanked == "broken <build>");
  CHECK(page.files[3].yanked == "");
  CHECK(page.files[3].is_yanked());
  REQUIRE(page.files[4].core_metadata);
  CHECK(page.files[4].core_metadata->empty());
  CHECK_FALSE(page.files[5].core_metadata);
}

TEST_CASE("relative links, base href and redirects", "[simple_page]") {
  const std::string html =
      "<a href='pkg-1.0.tar.gz'>pkg-1.0.tar.gz</a>"
      "<a href='/root/pkg-1.1.tar.gz'>pkg-1.1.tar.gz</a>"
      "<a href='../../files/pkg-1.2.tar.gz'>pkg-1.2.tar.gz</a>"
      "<a href='//cdn.example.org/pkg-1.3.tar.gz'>pkg-1.3.tar.gz</a>"
      "<a href='subdir/'>subdir</a>";
  // The final response URL (after a redirect to the normalised name) is the base.
  auto page = parse_html_project_page(html, "http://127.0.0.1:8080/simple/pkg/", "pkg");
  REQUIRE(page.files.size() == 4);  // the directory link is no file
  CHECK(page.files[0].url == "http://127.0.0.1:8080/simple/pkg/pkg-1.0.tar.gz");
  CHECK(page.files[1].url == "http://127.0.0.1:8080/root/pkg-1.1.tar.gz");
  CHECK(page.files[2].url == "http://127.0.0.1:8080/files/pkg-1.2.tar.gz");
  CHECK(page.files[3].url == "http://cdn.example.org/pkg-1.3.tar.gz");

  auto based = parse_html_project_page("<base href='https://mirror.example.com/pool/'>" + html,
                                       "http://127.0.0.1:8080/simple/pkg/", "pkg");
  CHECK(based.files[0].url == "https://mirror.example.com/pool/pkg-1.0.tar.gz");
  CHECK(based.files[1].url == "https://mirror.example.com/root/pkg-1.1.tar.gz");
}

TEST_CASE("repository versions", "[simple_page]") {
  auto page = [](const std::string& v) {
    return parse_html_project_page("<meta name='pypi:repository-version' content='" + v + "'>",
                                   "https://example.com/simple/x/");
  };
  CHECK(page("1.0").api_version == "1.0");
  CHECK(page("1.99").api_version == "1.99");  // a newer minor version: warning only
  auto e = error_of([&] { page("2.0"); });
  CHECK_THAT(e, Catch::Contains("version 2.0") && Catch::Contains("https://example.com/simple/x/"));
  CHECK_THAT(error_of([&] { page("one"); }), Catch::Contains("malformed index page"));
  CHECK(test::error_kind([&] { page("one"); }) == "index");
  CHECK(test::error_kind([&] { page("2.0"); }) == "index");
  CHECK_THAT(error_of([] { parse_json_project_page(R"({"meta":{"api-version":"3.0"},"files":[]})",
                                                   "https://u:secret@example.com/simple/x/"); }),
             Catch::Contains("version 3.0") && !Catch::Contains("secret"));
}

TEST_CASE("a PEP 691 JSON page like PyPI's", "[simple_page][json]") {
  const std::string json = R"({
    "meta": {"api-version": "1.1", "_last-serial": 123},
    "name": "pyflyby",
    "versions": ["1.7.8", "1.8.0"],
    "files": [
      {"core-metadata": false, "data-dist-info-metadata": false, "filename": "pyflyby-1.7.8.tar.gz",
       "hashes": {"sha256": "1EE37474"}, "requires-python": ">=2.5, !=3.0.*, <4,",
       "size": 424460, "upload-time": "2022-08-04T10:42:02.190074Z",
       "url": "https://files.pythonhosted.org/packages/ad/39/pyflyby-1.7.8.tar.gz", "yanked": false},
      {"core-metadata": {"sha256": "abcd"}, "filename": "pyflyby-1.8.0-py3-none-any.whl",
       "hashes": {}, "requires-python": null, "size": 1000,
       "url": "../../packages/pyflyby-1.8.0-py3-none-any.whl", "yanked": "security issue", "unknown-key": 1},
      {"dist-info-metadata": true, "filename": "pyflyby-1.8.1-py3-none-any.whl", "hashes": {"sha512": "ff"},
       "url": "/p/pyflyby-1.8.1-py3-none-any.whl", "yanked": true},
      {"data-dist-info-metadata": {"sha256": "ee"}, "filename": "pyflyby-1.8.2-py3-none-any.whl", "hashes": {},
       "url": "/p/pyflyby-1.8.2-py3-none-any.whl"}
    ]
  })";
  auto page = parse_project_page(json, "application/vnd.pypi.simple.v1+json", "https://pypi.org/simple/pyflyby/");
  CHECK(page.api_version == "1.1");
  CHECK(page.versions == std::vector<std::string>{"1.7.8", "1.8.0"});
  REQUIRE(page.files.size() == 4);
  const auto& s = page.files[0];
  CHECK(s.kind == FileKind::Sdist);
  CHECK(s.version->to_string() == "1.7.8");  // the project name comes from the page
  CHECK(s.hashes.at("sha256") == "1ee37474");
  CHECK(s.requires_python == ">=2.5, !=3.0.*, <4");
  CHECK(s.size == 424460u);
  CHECK(s.upload_time == "2022-08-04T10:42:02.190074Z");
  CHECK_FALSE(s.is_yanked());
  CHECK_FALSE(s.core_metadata);
  const auto& w = page.files[1];
  CHECK(w.url == "https://pypi.org/packages/pyflyby-1.8.0-py3-none-any.whl");
  CHECK(w.yanked == "security issue");
  CHECK(w.core_metadata->at("sha256") == "abcd");
  CHECK_FALSE(w.requires_python);
  CHECK(page.files[2].yanked == "");
  CHECK(page.files[2].core_metadata->empty());
  CHECK(page.files[2].hashes.at("sha512") == "ff");
  CHECK(page.files[3].core_metadata->at("sha256") == "ee");
}

TEST_CASE("the format follows the content type, else the body", "[simple_page][json]") {
  const std::string json = R"({"meta":{"api-version":"1.0"},"name":"x","files":[{"filename":"x-1.0.tar.gz","url":"x-1.0.tar.gz","hashes":{}}]})";
  CHECK(parse_project_page(json, "application/vnd.pypi.simple.latest+json", "https://e.com/simple/x/").files.size() == 1);
  CHECK(parse_project_page(json, "", "https://e.com/simple/x/").files.size() == 1);
  CHECK(parse_project_page(json, "application/octet-stream", "https://e.com/simple/x/").files.size() == 1);
  CHECK(parse_project_page("<a href='x-1.0.tar.gz'>x</a>", "text/html; charset=utf-8", "https://e.com/simple/x/")
            .files.size() == 1);
  CHECK(parse_project_page("<a href='x-1.0.tar.gz'>x</a>", "application/vnd.pypi.simple.v1+html",
                           "https://e.com/simple/x/").files.size() == 1);
  CHECK_THROWS_AS(parse_project_page("{}", "application/vnd.pypi.simple.v2+json", "https://e.com/simple/x/"), util::Error);
}

TEST_CASE("malformed JSON pages are errors naming the redacted URL", "[simple_page][json]") {
  const std::string url = "https://user:pw@example.com/simple/x/";
  auto check = [&](const std::string& body, const std::string& what) {
    auto e = error_of([&] { parse_json_project_page(body, url); });
    CHECK_THAT(e, Catch::Contains("malformed index page https://user:****@example.com/simple/x/"));
    CHECK_THAT(e, Catch::Contains(what));
    CHECK_THAT(e, Catch::Contains("hint") || Catch::Contains("Simple API"));
    CHECK_THAT(e, !Catch::Contains(":pw@"));
    CHECK(test::error_kind([&] { parse_json_project_page(body, url); }) == "index");
  };
  check("{not json", "invalid JSON");
  check("[]", "not an object");
  check(R"({"meta":{}})", "no `files`");
  check(R"({"files":{}})", "not a list");
  check(R"({"files":[1]})", "not an object");
  check(R"({"files":[{"url":"a"}]})", "no `filename`");
  check(R"({"files":[{"filename":"a-1.tar.gz"}]})", "no `url`");
  check(R"({"files":[{"filename":"a-1.tar.gz","url":"a","hashes":[]}]})", "`hashes`");
  check(R"({"files":[{"filename":"a-1.tar.gz","url":"a","yanked":1}]})", "`yanked`");
  check(R"({"files":[{"filename":"a-1.tar.gz","url":"a","core-metadata":"yes"}]})", "`core-metadata`");
  check(R"({"files":[{"filename":"a-1.tar.gz","url":"a","size":-1}]})", "`size`");
  check(R"({"files":[{"filename":"a-1.tar.gz","url":"a","requires-python":3}]})", "`requires-python`");
  check(R"({"meta":{"api-version":1},"files":[]})", "api-version");
}

TEST_CASE("root pages", "[simple_page]") {
  CHECK(parse_root_page("<a href='/simple/frob/'>frob</a><a href='/simple/Foo-Bar/'>Foo-Bar</a>", "text/html",
                        "https://e.com/simple/") == std::vector<std::string>{"frob", "Foo-Bar"});
  CHECK(parse_root_page(R"({"meta":{"api-version":"1.0"},"projects":[{"name":"Frob"},{"name":"x"}]})",
                        "application/vnd.pypi.simple.v1+json", "https://e.com/simple/") ==
        std::vector<std::string>{"Frob", "x"});
  CHECK_THROWS_AS(parse_json_root_page(R"({"projects":[{}]})", "https://e.com/simple/"), util::Error);
}

TEST_CASE("large pages: 5000 links in HTML and JSON", "[simple_page][large]") {
  std::string html = "<html><body>\n";
  std::string json = R"({"meta":{"api-version":"1.1"},"name":"big","files":[)";
  for (int i = 0; i < 5000; ++i) {
    std::string fn = "big-1." + std::to_string(i) + "-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
    html += "<a href=\"https://files.example.org/packages/ab/cd/" + fn + "#sha256=" + std::string(64, 'a') +
            "\" data-requires-python=\"&gt;=3.8\" data-dist-info-metadata=\"sha256=" + std::string(64, 'b') +
            "\" data-core-metadata=\"sha256=" + std::string(64, 'b') + "\">" + fn + "</a><br />\n";
    json += std::string(i ? "," : "") + R"({"filename":")" + fn + R"(","url":"https://files.example.org/packages/ab/cd/)" +
            fn + R"(","hashes":{"sha256":")" + std::string(64, 'a') + R"("},"requires-python":">=3.8","core-metadata":{"sha256":")" +
            std::string(64, 'b') + R"("},"size":1000,"yanked":false})";
  }
  html += "</body></html>";
  json += "]}";
  auto h = parse_html_project_page(html, "https://example.org/simple/big/", "big");
  auto j = parse_json_project_page(json, "https://example.org/simple/big/", "big");
  REQUIRE(h.files.size() == 5000);
  REQUIRE(j.files.size() == 5000);
  CHECK(h.files[4999].version->to_string() == "1.4999");
  CHECK(h.files[123].url == j.files[123].url);
  CHECK(h.files[123].hashes == j.files[123].hashes);
  CHECK(h.files[123].core_metadata == j.files[123].core_metadata);
  CHECK(h.files[123].requires_python == j.files[123].requires_python);
}

TEST_CASE("a JSON page with a number too large for a double is malformed, not a crash", "[simple_page]") {
  // Found by the fuzz replay under ASan (tests/fuzz/corpus/simple_page/json-number-overflow.json):
  // nlohmann::json throws out_of_range (406) for it, which escaped as no util::Error.
  const std::string page = R"({"meta":{"api-version":"1.1"},"files":[{"filename":"x-1.0.tar.gz",)"
                           R"("url":"x-1.0.tar.gz","hashes":{"sha256":5517428509e50536757}}]})";
  CHECK_THROWS_AS(parse_json_project_page(page, "https://e.com/simple/x/", "x"), util::Error);
  CHECK_THROWS_AS(parse_json_project_page(R"({"files":[], "n": 1e999})", "https://e.com/simple/x/", "x"), util::Error);
}

TEST_CASE("PEP 740 provenance links: HTML data-provenance and JSON provenance, made absolute", "[simple_page]") {
  auto html = parse_html_project_page(
      "<a href='../../files/x-1.0-py3-none-any.whl#sha256=00' data-provenance='../../files/x-1.0-py3-none-any.whl.provenance'>x</a>"
      "<a href='../../files/x-2.0-py3-none-any.whl'>x</a>",
      "https://h/simple/x/", "x");
  REQUIRE(html.files.size() == 2);
  CHECK(html.files[0].provenance == std::optional<std::string>("https://h/files/x-1.0-py3-none-any.whl.provenance"));
  CHECK_FALSE(html.files[1].provenance);
  auto json = parse_json_project_page(
      R"({"files":[{"filename":"x-1.0-py3-none-any.whl","url":"https://f/x-1.0-py3-none-any.whl","hashes":{},"provenance":"https://h/integrity/x/1.0/x-1.0-py3-none-any.whl/provenance"},)"
      R"({"filename":"x-2.0-py3-none-any.whl","url":"https://f/x-2.0-py3-none-any.whl","hashes":{},"provenance":null}]})",
      "https://h/simple/x/", "x");
  REQUIRE(json.files.size() == 2);
  CHECK(json.files[0].provenance == std::optional<std::string>("https://h/integrity/x/1.0/x-1.0-py3-none-any.whl/provenance"));
  CHECK_FALSE(json.files[1].provenance);
}
