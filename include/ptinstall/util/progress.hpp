// A progress display: one status line on stderr ("Preparing 3/10 packages, 12.4 MB downloaded"),
// redrawn in place with a carriage return and cleared when the step ends, so that the summary lines
// that follow are all that stays on the screen. It is drawn only on a terminal (see
// progress_wanted); everywhere else it does nothing, so logs and pipes never see it.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

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

// "12.4 MB", "830 kB", "512 B" (decimal units, as uv and pip print sizes).
std::string format_bytes(std::uint64_t bytes);

}  // namespace ptinstall::util
