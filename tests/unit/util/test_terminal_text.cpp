#include <catch2/catch.hpp>

#include "ptinstall/util/terminal_text.hpp"

using ptinstall::util::escape_for_terminal;

TEST_CASE("escape_for_terminal keeps text and escapes what could harm a terminal", "[util][terminal]") {
  CHECK(escape_for_terminal("plain text, 100% ok") == "plain text, 100% ok");
  CHECK(escape_for_terminal("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x8d") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x8d");
  CHECK(escape_for_terminal("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(escape_for_terminal("\x1b[2J\x1b]0;title\x07") == "\\e[2J\\e]0;title\\x07");
  CHECK(escape_for_terminal(std::string("nul\0byte", 8)) == "nul\\x00byte");
  CHECK(escape_for_terminal("del\x7f") == "del\\x7f");
  CHECK(escape_for_terminal("c1 \xc2\x9b") == "c1 \\xc2\\x9b");           // CSI as a C1 control
  CHECK(escape_for_terminal("bad \xff\xfe") == "bad \\xff\\xfe");         // never UTF-8
  CHECK(escape_for_terminal("cut \xe2\x82") == "cut \\xe2\\x82");         // a sequence cut short
  CHECK(escape_for_terminal("over \xc0\xaf") == "over \\xc0\\xaf");       // overlong '/'
  CHECK(escape_for_terminal("sur \xed\xa0\x80") == "sur \\xed\\xa0\\x80");  // a surrogate
  CHECK(escape_for_terminal("big \xf4\x90\x80\x80") == "big \\xf4\\x90\\x80\\x80");  // past U+10FFFF
}

TEST_CASE("escape_for_terminal can keep line breaks", "[util][terminal]") {
  CHECK(escape_for_terminal("line one\nline two\r\n", true) == "line one\nline two\\r\n");
}
