#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "ptinstall/util/progress.hpp"

using namespace ptinstall;

TEST_CASE("format_bytes uses decimal units", "[util][progress]") {
  CHECK(util::format_bytes(0) == "0 B");
  CHECK(util::format_bytes(999) == "999 B");
  CHECK(util::format_bytes(1000) == "1 kB");
  CHECK(util::format_bytes(830'400) == "830 kB");
  CHECK(util::format_bytes(12'400'000) == "12.4 MB");
  CHECK(util::format_bytes(2'500'000'000ull) == "2.50 GB");
}

TEST_CASE("a disabled progress line draws nothing", "[util][progress]") {
  util::ProgressLine line(false);
  line.update("Preparing 1/2 packages", true);
  line.clear();
  CHECK(line.draws() == 0);
  CHECK_FALSE(line.enabled());
}

TEST_CASE("progress is wanted only on a terminal, without --no-progress, -q or -v", "[util][progress]") {
  CHECK_FALSE(util::progress_wanted(true, false, false));
  CHECK_FALSE(util::progress_wanted(false, true, false));
  CHECK_FALSE(util::progress_wanted(false, false, true));
  // The unit tests' stderr is a pipe or a file under ctest, a terminal when run by hand.
  CHECK(util::progress_wanted(false, false, false) == (::isatty(2) && !(std::getenv("TERM") && std::string(std::getenv("TERM")) == "dumb")));
}

TEST_CASE("updates are throttled unless forced, and clear erases what was drawn", "[util][progress]") {
  // Redirect stderr to a temporary file to see exactly what is written.
  std::FILE* tmp = std::tmpfile();
  REQUIRE(tmp);
  std::fflush(stderr);
  int saved = ::dup(2);
  ::dup2(::fileno(tmp), 2);
  {
    util::ProgressLine line(true, std::chrono::hours(1));
    line.update("Preparing 0/2 packages");
    line.update("Preparing 0/2 packages, 1 kB downloaded");  // within the interval: skipped
    line.update("Preparing 1/2 packages", true);
    line.clear();
    line.clear();  // nothing left to clear
    CHECK(line.draws() == 2);
  }
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::rewind(tmp);
  std::string out;
  char buf[256];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, tmp)) out.append(buf, n);
  std::fclose(tmp);
  CHECK(out == "\rPreparing 0/2 packages\rPreparing 1/2 packages\r                      \r");
}
