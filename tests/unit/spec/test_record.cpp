#include <catch2/catch.hpp>

#include <string>

#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/hash.hpp"

using namespace ptinstall::spec;
using ptinstall::util::Error;
using ptinstall::util::ErrorKind;

TEST_CASE("RECORD parses a typical file, RECORD itself without hash and size") {
  std::string text =
      "torch/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n"
      "torch-2.9.1.dist-info/METADATA,sha256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0,1234\n"
      "../../../bin/torchrun,sha256=abc_-XYZ,248\n"
      "torch-2.9.1.dist-info/RECORD,,\n";
  auto r = parse_record(text);
  REQUIRE(r.size() == 4);
  CHECK(r[0].path == "torch/__init__.py");
  CHECK(r[0].hash == "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  CHECK(r[0].hash_algorithm() == "sha256");
  CHECK(r[0].hash_value() == "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  CHECK(r[0].size == 0u);
  CHECK(r[1].size == 1234u);
  CHECK(r[2].path == "../../../bin/torchrun");
  CHECK(r[3].path == "torch-2.9.1.dist-info/RECORD");
  CHECK(r[3].hash.empty());
  CHECK(r[3].hash_algorithm().empty());
  CHECK_FALSE(r[3].size.has_value());
}

TEST_CASE("RECORD reading follows Python's csv module") {
  // csv.reader('a,"b""c"x,1\r\n\r\n"multi\nline",,\nlast') ==
  //   [['a', 'b"cx', '1'], [], ['multi\nline', '', ''], ['last']]
  auto r = parse_record("a,\"sha256=b\"\"c\"x,1\r\n\r\n\"multi\nline\",,\nlast");
  REQUIRE(r.size() == 3);
  CHECK(r[0].path == "a");
  CHECK(r[0].hash == "sha256=b\"cx");
  CHECK(r[0].size == 1u);
  CHECK(r[1].path == "multi\nline");
  CHECK(r[2].path == "last");
  CHECK(r[2].hash.empty());
  CHECK_FALSE(r[2].size.has_value());
  // Classic Mac line endings and a missing final newline.
  auto cr = parse_record("a,,\rb,,1");
  REQUIRE(cr.size() == 2);
  CHECK(cr[1].size == 1u);
  CHECK(parse_record("").empty());
  CHECK(parse_record("\n\n\r\n").empty());
  CHECK(parse_record("\"with,comma.py\",,").at(0).path == "with,comma.py");
}

TEST_CASE("RECORD errors name the line") {
  try {
    parse_record("a,,\nb,,\nc,,1,extra\n");
    FAIL("accepted four fields");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "invalid RECORD line 3: expected path,hash,size but found 4 fields");
    CHECK(e.kind() == ErrorKind::Wheel);
  }
  CHECK_THROWS_AS(parse_record("\"open,,\n"), Error);
  CHECK_THROWS_AS(parse_record("a,nohash,1\n"), Error);
  CHECK_THROWS_AS(parse_record("a,=abc,1\n"), Error);
  CHECK_THROWS_AS(parse_record("a,sha256=,1\n"), Error);
  CHECK_THROWS_AS(parse_record("a,sha256=abc,-1\n"), Error);
  CHECK_THROWS_AS(parse_record("a,sha256=abc,12kb\n"), Error);
  CHECK_THROWS_AS(parse_record(",sha256=abc,1\n"), Error);
  try {
    parse_record("a,,\n\"multi\nline\",,\nbad,x,\n");
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("line 4") != std::string::npos);  // counts the embedded newline
  }
}

TEST_CASE("RECORD writing quotes like csv.writer") {
  std::vector<RecordEntry> rows{{"a.py", "sha256=abc", 12},
                                {"dir/with,comma.py", "", std::nullopt},
                                {"quote\"d.py", "sha256=x", 0},
                                {"new\nline", "", std::nullopt},
                                {"sp ace.py", "", std::nullopt},
                                {"pkg-1.0.dist-info/RECORD", "", std::nullopt}};
  // Python: csv.writer(io.StringIO()).writerows(...) on the same rows.
  CHECK(write_record(rows) ==
        "a.py,sha256=abc,12\r\n\"dir/with,comma.py\",,\r\n\"quote\"\"d.py\",sha256=x,0\r\n\"new\nline\",,\r\n"
        "sp ace.py,,\r\npkg-1.0.dist-info/RECORD,,\r\n");
  CHECK(write_record(rows, "\n").find("a.py,sha256=abc,12\n\"dir") == 0);
  CHECK(parse_record(write_record(rows)) == rows);
  CHECK(parse_record(write_record(rows, "\n")) == rows);
  CHECK(write_record({}).empty());
}

TEST_CASE("record_hash is sha256 in urlsafe base64 without padding") {
  CHECK(record_hash("") == "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  CHECK(record_hash("abc") == "sha256=" + ptinstall::util::Sha256().update("abc").urlsafe_b64_nopad());
}
