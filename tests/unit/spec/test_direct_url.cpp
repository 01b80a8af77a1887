#include <catch2/catch.hpp>

#include <string>

#include "ptinstall/spec/direct_url.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;
using ptinstall::util::Error;

// Expected strings are what pip 23's DirectUrl(...).to_json() prints for the same values.

TEST_CASE("archive direct_url.json is written like pip, credentials removed") {
  DirectUrl d;
  d.url = "https://u:p@files.example/x-1.0-py3-none-any.whl";
  d.archive_hash = "sha256=abc";
  CHECK(d.to_json() ==
        R"({"archive_info": {"hash": "sha256=abc", "hashes": {"sha256": "abc"}}, "url": "https://files.example/x-1.0-py3-none-any.whl"})");
  DirectUrl nohash;
  nohash.url = "https://h/caf\xc3\xa9.whl";
  CHECK(nohash.to_json() == R"({"archive_info": {}, "url": "https://h/caf\u00e9.whl"})");
  DirectUrl env;
  env.url = "https://${USER}:${PASS}@h/x.whl";
  CHECK(env.to_json() == R"({"archive_info": {}, "url": "https://${USER}:${PASS}@h/x.whl"})");
}

TEST_CASE("directory and editable direct_url.json") {
  DirectUrl d;
  d.url = "file:///src/pkg";
  d.is_dir = true;
  CHECK(d.to_json() == R"({"dir_info": {}, "url": "file:///src/pkg"})");
  d.editable = true;
  CHECK(d.to_json() == R"({"dir_info": {"editable": true}, "url": "file:///src/pkg"})");
  auto back = DirectUrl::from_json(d.to_json());
  CHECK(back == d);
}

TEST_CASE("vcs direct_url.json keeps git@ and sorts keys") {
  DirectUrl d;
  d.url = "https://git@github.com/a/b.git";
  d.vcs = VcsInfo{"git", "deadbeef", std::string("main")};
  d.subdirectory = "sub";
  CHECK(d.to_json() ==
        R"({"subdirectory": "sub", "url": "https://git@github.com/a/b.git", "vcs_info": {"commit_id": "deadbeef", "requested_revision": "main", "vcs": "git"}})");
  CHECK(DirectUrl::from_json(d.to_json()) == d);
  DirectUrl hg = d;
  hg.vcs->vcs = "hg";
  hg.url = "https://git@example.org/repo";
  CHECK(hg.to_json().find("\"url\": \"https://example.org/repo\"") != std::string::npos);
}

TEST_CASE("reading direct_url.json") {
  auto a = DirectUrl::from_json(R"({"url": "https://h/x.whl", "archive_info": {"hashes": {"sha256": "ff", "md5": "00"}}})");
  CHECK(a.url == "https://h/x.whl");
  CHECK(a.archive_hash == "sha256=ff");
  CHECK_FALSE(a.is_dir);
  CHECK_FALSE(a.vcs);
  auto legacy = DirectUrl::from_json(R"({"url": "https://h/x.whl", "archive_info": {"hash": "md5=00"}})");
  CHECK(legacy.archive_hash == "md5=00");
  auto other = DirectUrl::from_json(R"({"url": "https://h/x.whl", "archive_info": {"hashes": {"sha512": "aa"}}})");
  CHECK(other.archive_hash == "sha512=aa");
  auto none = DirectUrl::from_json(R"({"url": "https://h/x.whl", "archive_info": {}})");
  CHECK_FALSE(none.archive_hash);
  auto dir = DirectUrl::from_json(R"({"url": "file:///p", "dir_info": {"editable": false}})");
  CHECK(dir.is_dir);
  CHECK_FALSE(dir.editable);
  auto vcs = DirectUrl::from_json(R"({"url": "https://g/r.git", "vcs_info": {"vcs": "git", "commit_id": "abc"}})");
  REQUIRE(vcs.vcs);
  CHECK(vcs.vcs->commit_id == "abc");
  CHECK_FALSE(vcs.vcs->requested_revision);
  // Unknown keys are ignored.
  CHECK(DirectUrl::from_json(R"({"url": "u", "dir_info": {}, "x": 1})").is_dir);
}

TEST_CASE("invalid direct_url.json throws") {
  for (const char* bad : {
           "", "not json", "[]", R"({"archive_info": {}})", R"({"url": 3, "archive_info": {}})",
           R"({"url": "u"})", R"({"url": "u", "archive_info": {}, "dir_info": {}})",
           R"({"url": "u", "archive_info": []})", R"({"url": "u", "archive_info": {"hash": "nohash"}})",
           R"({"url": "u", "archive_info": {"hashes": {"sha256": 1}}})", R"({"url": "u", "dir_info": {"editable": "yes"}})",
           R"({"url": "u", "vcs_info": {"vcs": "git"}})", R"({"url": "u", "vcs_info": {"commit_id": "c"}})",
           R"({"url": "u", "subdirectory": 1, "dir_info": {}})"}) {
    INFO(bad);
    CHECK_THROWS_AS(DirectUrl::from_json(bad), Error);
  }
  try {
    DirectUrl::from_json(R"({"url": "u"})");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "invalid direct_url.json: missing one of archive_info, dir_info, vcs_info");
  }
}
