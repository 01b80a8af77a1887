#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>

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

namespace {
std::string read_all(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  return out;
}
}  // namespace

TEST_CASE("the board shows an overall bar and a line per large file, biggest first", "[util][progress]") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out);
  util::ProgressBoard board(true, std::chrono::hours(1), out, 120);
  board.overall(3, 12, 40'900'000);
  board.file("small-1.0-py3-none-any.whl", 10'000, 20'000, false);
  board.file("nvidia_cudnn_cu12-9.10.2.21-py3-none-manylinux_2_27_x86_64.whl", 120'000'000, 664'800'000, false);
  // Continued from an earlier run at 300 MB: the rate counts what came since (51.24 MB/s over 10 s).
  board.file("torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl", 300'000'000, 2'100'000'000, false);
  board.file("torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl", 812'400'000, 2'100'000'000, false);
  auto t = util::ProgressBoard::Clock::now() + std::chrono::seconds(10);
  auto lines = board.lines(t);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "Preparing 3/12 packages [======>                 ] 40.9 MB");
  // Long names are cut to 48 characters, and the names padded to one column.
  const std::string torch = "torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl";
  CHECK(lines[1].rfind("  " + torch.substr(0, 45) + "...  812.4 MB", 0) == 0);
  CHECK(lines[1].find("812.4 MB/2.10 GB") != std::string::npos);
  CHECK(lines[1].find("  51.2 MB/s  ETA 0:25") != std::string::npos);
  CHECK(lines[2].find("nvidia_cudnn_cu12") != std::string::npos);
  board.file("torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl", 0, 0, true);
  CHECK(board.lines(t).size() == 2);
  board.clear();
  // Drawn once (the first state, at once); cleared with the cursor back over every line drawn.
  CHECK(board.draws() == 1);
  std::string text = read_all(out);
  CHECK(text.rfind("Preparing 3/12 packages", 0) == 0);
  std::fclose(out);
}

TEST_CASE("the board's counts only go up and lines fit the terminal", "[util][progress]") {
  util::ProgressBoard board(true, std::chrono::hours(1), std::tmpfile(), 30);
  board.overall(39, 62, 5'000'000);
  board.overall(33, 62, 4'000'000);  // a thread that read the counters earlier reports late
  auto lines = board.lines(util::ProgressBoard::Clock::now());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == std::string("Preparing 39/62 packages [====").substr(0, 29));
  CHECK(lines[0].size() == 29);
  board.headline("Building demo==1.0");
  CHECK(board.lines(util::ProgressBoard::Clock::now())[0] == "Building demo==1.0");
  board.clear();
}

TEST_CASE("the board redraws at most once per interval", "[util][progress]") {
  std::FILE* out = std::tmpfile();
  util::ProgressBoard board(true, std::chrono::milliseconds(100), out, 100);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i <= 400; ++i) {
    board.overall(static_cast<std::size_t>(i), 400, static_cast<std::uint64_t>(i) * 1000);
    board.file("big-1.0-py3-none-any.whl", static_cast<std::uint64_t>(i) * 10'000, 4'000'000, false);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  board.clear();
  CHECK(board.draws() >= 2);
  CHECK(board.draws() <= static_cast<std::size_t>(seconds * 10) + 2);
  std::string text = read_all(out);
  // Every redraw after the first moves back over the two lines it drew and erases them.
  CHECK(text.find("\x1b[1A\r\x1b[J") != std::string::npos);
  std::fclose(out);
}

TEST_CASE("a disabled board draws nothing", "[util][progress]") {
  util::ProgressBoard board(false);
  board.overall(1, 2, 3);
  board.file("x", 5'000'000, 6'000'000, false);
  board.clear();
  CHECK(board.draws() == 0);
}
