// A progress display: one status line on stderr ("Preparing 3/10 packages, 12.4 MB downloaded"),
// redrawn in place with a carriage return and cleared when the step ends, so that the summary lines
// that follow are all that stays on the screen. It is drawn only on a terminal (see
// progress_wanted); everywhere else it does nothing, so logs and pipes never see it.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ptinstall::util {

// Whether a progress display belongs on stderr: stderr is a terminal, TERM is not `dumb`, and neither
// --no-progress nor -q was given. (-v also turns it off: debug lines would tear the status line.)
bool progress_wanted(bool no_progress, bool quiet, bool verbose);

class ProgressLine {
 public:
  // `interval`: redraws closer together than this are skipped, unless forced.
  explicit ProgressLine(bool enabled, std::chrono::milliseconds interval = std::chrono::milliseconds(80));
  ~ProgressLine();  // clears the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Shows `text` (one line, no newline) in place of the previous text. Thread-safe.
  void update(const std::string& text, bool force = false);
  // Erases the line (the cursor goes back to its start). Thread-safe; a later update draws again.
  void clear();
  bool enabled() const { return enabled_; }
  // Times the line was drawn (for tests).
  std::size_t draws() const;

 private:
  bool enabled_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
  std::size_t shown_ = 0;  // width of the text on screen; 0: nothing shown
  std::size_t draws_ = 0;
};

// The display of a preparation with big downloads (a torch install fetches 2 to 4 GB): an overall line
// with a bar ("Preparing 31/62 packages [=====>    ] 40.9 MB") and under it one line per large file in
// flight ("  torch-2.9.1-...whl  812.4 MB/2.10 GB  45.2 MB/s  ETA 0:28"; the rate counts the bytes since
// the file's first report, so a download continued from an earlier run is not shown as fast), redrawn in place by a ticker thread
// once per `interval` (10 a second by default) when something changed, never more often, and erased
// when the step ends. Updates only record the state, so the threads that report never write. The package count and the bytes
// shown only go up (callbacks from several threads may report an older count after a newer one); a
// line is cut to the terminal's width, so the redraw never wraps. Like ProgressLine it draws only when
// enabled (see progress_wanted).
class ProgressBoard {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ProgressBoard(bool enabled, std::chrono::milliseconds interval = std::chrono::milliseconds(100),
                         std::FILE* out = stderr, std::size_t width = 0 /* 0: the terminal's */);
  ~ProgressBoard();  // erases what is shown
  ProgressBoard(const ProgressBoard&) = delete;
  ProgressBoard& operator=(const ProgressBoard&) = delete;

  // What the overall line says instead of the counts (e.g. "Building demo==1.0"); empty: the counts.
  void headline(const std::string& text);
  void overall(std::size_t done, std::size_t total, std::uint64_t bytes);
  // A file's bytes so far and its size (0: unknown); `finished` takes it off the board.
  void file(const std::string& name, std::uint64_t received, std::uint64_t total, bool finished);
  // Erases what is shown and stops drawing for good (the step is over). Not thread-safe with itself.
  void clear();
  bool enabled() const { return enabled_; }
  std::size_t draws() const;
  // The lines as they would be drawn at `now` (for tests); thread-safe.
  std::vector<std::string> lines(Clock::time_point now) const;

  // Files smaller than this get no line of their own (their bytes still count in the overall line).
  static constexpr std::uint64_t kFileLineBytes = 1'000'000;
  static constexpr std::size_t kMaxFileLines = 8;

 private:
  struct FileState {
    std::uint64_t received = 0, total = 0;
    std::uint64_t first = 0;  // received at the first report: the rate counts the bytes since
    Clock::time_point started;
  };
  std::vector<std::string> lines_locked(Clock::time_point now) const;
  void draw_locked();
  void erase_locked();
  void tick();

  bool enabled_;
  std::chrono::milliseconds interval_;
  std::FILE* out_;
  std::size_t width_;
  mutable std::mutex mutex_;
  std::string headline_;
  std::size_t done_ = 0, total_ = 0;
  std::uint64_t bytes_ = 0;
  std::map<std::string, FileState> files_;
  std::size_t shown_lines_ = 0;
  std::size_t draws_ = 0;
  bool dirty_ = false;
  bool stop_ = false;
  std::condition_variable wake_;
  std::thread ticker_;
};

// "12.4 MB", "830 kB", "512 B" (decimal units, as uv and pip print sizes).
std::string format_bytes(std::uint64_t bytes);

}  // namespace ptinstall::util
