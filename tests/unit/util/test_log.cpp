#include <catch2/catch.hpp>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

using namespace ptinstall;

TEST_CASE("--log: every line, debug included whatever the verbosity, appended with a timestamp", "[util][log]") {
  util::TempDir dir;
  auto path = dir.path() / "pip.log";
  util::write_file_atomic(path, "earlier line\n");
  util::log::configure(-2, false);  // -qq: nothing on the terminal
  util::log::set_log_file(path.string());
  util::log::debug("a debug line");
  util::log::info("an info line");
  util::log::warn("a warning");
  util::log::set_log_file("");
  util::log::debug("after closing");
  util::log::configure(0, false);
  std::string text = util::read_file(path);
  auto lines = util::split(text, '\n');
  REQUIRE(lines.size() == 5);  // the last piece is empty
  CHECK(lines[0] == "earlier line");
  CHECK(lines[1].substr(23) == " a debug line");
  CHECK(lines[2].substr(23) == " an info line");
  CHECK(lines[3].substr(23) == " warning: a warning");
  CHECK(lines[1][4] == '-');
  CHECK(lines[1][10] == 'T');
  CHECK(lines[1][19] == ',');
  CHECK(text.find("after closing") == std::string::npos);
  CHECK_THROWS_AS(util::log::set_log_file((dir.path() / "no" / "x.log").string()), util::Error);
}
