#include <catch2/catch.hpp>

#include <string>

#include "ptinstall/spec/entry_points.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;
using ptinstall::util::Error;

TEST_CASE("entry_points.txt with several groups") {
  auto eps = parse_entry_points(
      "[console_scripts]\n"
      "torchrun = torch.distributed.run:main\n"
      "convert-caffe2-to-onnx = caffe2.python.onnx.bin.conversion:caffe2_to_onnx\n"
      "\n"
      "[gui_scripts]\n"
      "MyGui=pkg.gui:Main.run\n"
      "[torch.backends]\n"
      "device_backend = pkg.backend\n");
  REQUIRE(eps.size() == 4);
  CHECK(eps[0] == EntryPoint{"console_scripts", "torchrun", "torch.distributed.run", "main", {},
                             "torch.distributed.run:main"});
  CHECK(eps[1].name == "convert-caffe2-to-onnx");
  CHECK(eps[2].group == "gui_scripts");
  CHECK(eps[2].name == "MyGui");  // case preserved (optionxform = str)
  CHECK(eps[2].module == "pkg.gui");
  CHECK(eps[2].attr == "Main.run");
  CHECK(eps[3].module == "pkg.backend");
  CHECK(eps[3].attr.empty());
  for (const auto& ep : eps) CHECK(ep.is_valid());
  CHECK(entry_points_in_group(eps, "console_scripts").size() == 2);
  CHECK(entry_points_in_group(eps, "gui_scripts").size() == 1);
  CHECK(entry_points_in_group(eps, "nothing").empty());
}

TEST_CASE("extras, comments, blank lines, CRLF, spaces around separators") {
  auto eps = parse_entry_points(
      "# leading comment\r\n"
      "; another comment\r\n"
      "[ console_scripts ]\r\n"
      "  # indented comment\r\n"
      "tool = pkg.cli : main [extra1, extra-2]\r\n"
      "other=pkg:run[one]\r\n");
  REQUIRE(eps.size() == 2);
  CHECK(eps[0].group == "console_scripts");
  CHECK(eps[0].module == "pkg.cli");
  CHECK(eps[0].attr == "main");
  CHECK(eps[0].extras == std::vector<std::string>{"extra1", "extra-2"});
  CHECK(eps[0].value == "pkg.cli : main [extra1, extra-2]");
  CHECK(eps[0].is_valid());
  CHECK(eps[1].attr == "run");
  CHECK(eps[1].extras == std::vector<std::string>{"one"});
  CHECK(parse_entry_points("").empty());
  CHECK(parse_entry_points("[empty]\n").empty());
}

TEST_CASE("values keep '=' after the first one and indented lines continue a value") {
  auto eps = parse_entry_points("[g]\nkey = a=b\nname = pkg.mod:\n    func\n");
  REQUIRE(eps.size() == 2);
  CHECK(eps[0].value == "a=b");
  CHECK_FALSE(eps[0].is_valid());
  CHECK(eps[1].value == "pkg.mod: func");
  CHECK(eps[1].attr == "func");
  CHECK(eps[1].is_valid());
}

TEST_CASE("is_valid follows the object reference grammar") {
  auto check = [](const std::string& value) {
    return parse_entry_points("[g]\nx = " + value + "\n").at(0).is_valid();
  };
  CHECK(check("a"));
  CHECK(check("a.b:c.d"));
  CHECK(check("_a1:b2 [x]"));
  CHECK_FALSE(check("1a:b"));
  CHECK_FALSE(check("a:"));
  CHECK_FALSE(check(":b"));
  CHECK_FALSE(check("a..b:c"));
  CHECK_FALSE(check("a:b [x"));
  CHECK_FALSE(check("a b:c"));
  CHECK_FALSE(check("a:b:c"));
}

TEST_CASE("entry_points.txt errors name the line") {
  try {
    parse_entry_points("[a]\nx = m:f\nno delimiter here\n");
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "invalid entry_points.txt line 3: expected name = value");
  }
  CHECK_THROWS_AS(parse_entry_points("x = m:f\n"), Error);
  CHECK_THROWS_AS(parse_entry_points("[a]\n= m:f\n"), Error);
  CHECK_THROWS_AS(parse_entry_points("[a]\nx = m:f\nx = m:g\n"), Error);
  CHECK_THROWS_AS(parse_entry_points("[a]\n[a]\n"), Error);
  CHECK_THROWS_AS(parse_entry_points("[]\n"), Error);
  // The same name in two groups is fine.
  CHECK(parse_entry_points("[a]\nx = m:f\n[b]\nx = m:f\n").size() == 2);
}

TEST_CASE("is_script_name: what may be a file name in bin/") {
  for (const char* ok : {"tool", "pip3.12", "tool-cli", "my tool", "caf\xc3\xa9", ".hidden", "a..b"}) {
    INFO(ok);
    CHECK(is_script_name(ok));
  }
  for (const char* bad : {"", ".", "..", "sub/evil", "/abs", "back\\slash", "new\nline", "tab\there", "esc\x1b[0m", "del\x7f"}) {
    INFO(bad);
    CHECK_FALSE(is_script_name(bad));
  }
}

TEST_CASE("an object reference with code after it is not valid") {
  auto eps = parse_entry_points("[console_scripts]\nx = foo:main\n  import os\ny = foo:main;import os\nz = foo.bar:Baz.run [e1]\n");
  REQUIRE(eps.size() == 3);
  CHECK_FALSE(eps[0].is_valid());
  CHECK_FALSE(eps[1].is_valid());
  CHECK(eps[2].is_valid());
}
