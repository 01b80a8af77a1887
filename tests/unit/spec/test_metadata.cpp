#include <catch2/catch.hpp>

#include <string>

#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;
using ptinstall::util::Error;

namespace {
std::string error_of(const std::string& text) {
  try {
    CoreMetadata::parse(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("Metadata 2.1 wheel METADATA with body description") {
  auto m = CoreMetadata::parse(
      "Metadata-Version: 2.1\n"
      "Name: torch\n"
      "Version: 2.9.1+cu128\n"
      "Summary: Tensors and Dynamic neural networks in Python with strong GPU acceleration\n"
      "Home-page: https://pytorch.org/\n"
      "Classifier: Programming Language :: Python :: 3\n"
      "Classifier: Programming Language :: C++\n"
      "Requires-Python: >=3.10\n"
      "Description-Content-Type: text/markdown\n"
      "License-File: LICENSE\n"
      "Requires-Dist: filelock\n"
      "Requires-Dist: typing-extensions>=4.10.0\n"
      "Requires-Dist: setuptools; python_version >= \"3.12\"\n"
      "Requires-Dist: triton==3.5.1; platform_system == \"Linux\" and platform_machine == \"x86_64\"\n"
      "Provides-Extra: optree\n"
      "Requires-Dist: optree>=0.13.0; extra == \"optree\"\n"
      "Provides-Extra: opt-einsum\n"
      "Requires-Dist: opt-einsum>=3.3; extra == \"opt-einsum\"\n"
      "\n"
      "# PyTorch\n"
      "\n"
      "Key: not a header, part of the body\n");
  CHECK(m.metadata_version == "2.1");
  CHECK(m.name == "torch");
  CHECK(m.version == Version::from_string("2.9.1+cu128"));
  CHECK(m.summary == "Tensors and Dynamic neural networks in Python with strong GPU acceleration");
  REQUIRE(m.requires_python);
  CHECK(m.requires_python->to_string() == ">=3.10");
  CHECK(m.requires_dist == std::vector<std::string>{
                               "filelock", "typing-extensions>=4.10.0", "setuptools; python_version >= \"3.12\"",
                               "triton==3.5.1; platform_system == \"Linux\" and platform_machine == \"x86_64\"",
                               "optree>=0.13.0; extra == \"optree\"", "opt-einsum>=3.3; extra == \"opt-einsum\""});
  CHECK(m.provides_extra == std::vector<std::string>{"optree", "opt-einsum"});
  CHECK(m.description == "# PyTorch\n\nKey: not a header, part of the body\n");
  CHECK(m.description_content_type == "text/markdown");
  CHECK(m.get_all("Classifier").size() == 2);
  CHECK(m.get("home-page") == "https://pytorch.org/");
  CHECK_FALSE(m.get("Author"));
  CHECK(m.headers.size() == 18);
  CHECK(m.headers.front() == std::pair<std::string, std::string>{"Metadata-Version", "2.1"});
  CHECK(m.warnings.empty());
}

TEST_CASE("every Metadata-Version from 1.0 to 2.4 is accepted") {
  for (const char* mv : {"1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4"}) {
    auto m = CoreMetadata::parse(std::string("Metadata-Version: ") + mv + "\nName: a\nVersion: 1\n");
    CHECK(m.metadata_version == mv);
    CHECK(m.warnings.empty());
  }
  auto newer = CoreMetadata::parse("Metadata-Version: 2.5\nName: a\nVersion: 1\n");
  CHECK(newer.warnings.size() == 1);
  auto missing = CoreMetadata::parse("Name: a\nVersion: 1\n");
  CHECK(missing.metadata_version.empty());
  CHECK(missing.warnings == std::vector<std::string>{"no Metadata-Version"});
  CHECK(error_of("Metadata-Version: 3.0\nName: a\nVersion: 1\n").find("not supported") != std::string::npos);
  CHECK_THROWS_AS(CoreMetadata::parse("Metadata-Version: two\nName: a\nVersion: 1\n"), Error);
  CHECK_THROWS_AS(CoreMetadata::parse("Metadata-Version: 0.9\nName: a\nVersion: 1\n"), Error);
  // Parts past int's range: a too-new minor warns, a too-new major is refused (libFuzzer found the first
  // one escaping as std::out_of_range).
  CHECK(CoreMetadata::parse("Metadata-Version: 2.11111111111\nName: a\nVersion: 1\n").warnings.size() == 1);
  CHECK(error_of("Metadata-Version: 99999999999999999999.0\nName: a\nVersion: 1\n").find("not supported") !=
        std::string::npos);
}

TEST_CASE("PKG-INFO 1.x: folded Description header, continuation lines") {
  auto m = CoreMetadata::parse(
      "Metadata-Version: 1.1\n"
      "Name: Jinja2\n"
      "Version: 2.10\n"
      "Summary: A very fast and expressive template engine,\n"
      "  with a folded summary\n"
      "Description: Jinja2\n"
      "        ~~~~~~\n"
      "        \n"
      "        Jinja2 is a template engine.\n"
      "Platform: UNKNOWN\n");
  CHECK(m.name == "Jinja2");
  CHECK(m.summary == "A very fast and expressive template engine, with a folded summary");
  CHECK(m.description == "Jinja2\n~~~~~~\n\nJinja2 is a template engine.");
  CHECK(m.get("Platform") == "UNKNOWN");
  auto bar = CoreMetadata::parse(
      "Metadata-Version: 2.1\nName: x\nVersion: 1\nDescription: first\n       |second\n        |  indented\n");
  CHECK(bar.description == "first\nsecond\n  indented");
}

TEST_CASE("names case-insensitive, CRLF, BOM, whitespace around values") {
  auto m = CoreMetadata::parse("\xEF\xBB\xBFmetadata-version: 2.2\r\nNAME:  Foo_Bar \r\nversion:1.0.post1\r\n"
                               "provides-extra: Foo_Bar\r\nProvides-Extra: foo-bar\r\nProvides-Extra: Test.Extra\r\n"
                               "\r\nbody\r\nline\r\n");
  CHECK(m.metadata_version == "2.2");
  CHECK(m.name == "Foo_Bar");
  CHECK(m.version.to_string() == "1.0.post1");
  CHECK(m.provides_extra == std::vector<std::string>{"foo-bar", "test-extra"});
  CHECK(m.description == "body\nline\n");
  CHECK(m.summary.empty());
  CHECK_FALSE(m.requires_python);
}

TEST_CASE("a line that is not a header starts the body") {
  auto m = CoreMetadata::parse("Metadata-Version: 2.1\nName: a\nVersion: 1\nthis is not a header\nRequires-Dist: b\n");
  CHECK(m.requires_dist.empty());
  CHECK(m.description == "this is not a header\nRequires-Dist: b\n");
}

TEST_CASE("invalid Requires-Python is a warning, not an error") {
  auto m = CoreMetadata::parse("Metadata-Version: 1.2\nName: a\nVersion: 1\nRequires-Python: >=2.7, !=3.0.*, <4\n");
  REQUIRE(m.requires_python);
  CHECK(m.requires_python->contains(Version::from_string("3.11")));
  CHECK_FALSE(m.requires_python->contains(Version::from_string("3.0.1")));
  auto bad = CoreMetadata::parse("Metadata-Version: 1.2\nName: a\nVersion: 1\nRequires-Python: >=3.6.*garbage\n");
  CHECK_FALSE(bad.requires_python);
  REQUIRE(bad.warnings.size() == 1);
  CHECK(bad.warnings[0].find("Requires-Python") != std::string::npos);
  auto empty = CoreMetadata::parse("Metadata-Version: 1.2\nName: a\nVersion: 1\nRequires-Python: \n");
  REQUIRE(empty.requires_python);
  CHECK(empty.requires_python->empty());
}

TEST_CASE("missing or invalid Name and Version are errors") {
  CHECK(error_of("") == "invalid metadata: no Name");
  CHECK(error_of("Metadata-Version: 2.1\nVersion: 1\n") == "invalid metadata: no Name");
  CHECK(error_of("Metadata-Version: 2.1\nName:\nVersion: 1\n") == "invalid metadata: no Name");
  CHECK(error_of("Metadata-Version: 2.1\nName: a\n") == "invalid metadata: no Version for a");
  CHECK(error_of("Metadata-Version: 2.1\nName: a\nVersion: not-a-version\n") ==
        "invalid metadata: Version 'not-a-version' of a is not a PEP 440 version");
  CHECK(error_of("Metadata-Version: 2.1\nName: -bad-\nVersion: 1\n").find("not a valid project name") !=
        std::string::npos);
  // Name and Version after the body separator do not count.
  CHECK(error_of("Metadata-Version: 2.1\n\nName: a\nVersion: 1\n") == "invalid metadata: no Name");
}

TEST_CASE("first value wins for single fields") {
  auto m = CoreMetadata::parse("Name: first\nName: second\nVersion: 1\nSummary: s1\nSummary: s2\n");
  CHECK(m.name == "first");
  CHECK(m.summary == "s1");
  CHECK(m.get_all("name").size() == 2);
}
