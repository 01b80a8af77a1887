#include "ptinstall/util/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ptinstall::util {

bool progress_wanted(bool no_progress, bool quiet, bool verbose) {
  if (no_progress || quiet || verbose) return false;
  if (!::isatty(STDERR_FILENO)) return false;
  const char* term = std::getenv("TERM");
  return !(term && std::strcmp(term, "dumb") == 0);
}

ProgressLine::ProgressLine(bool enabled, std::chrono::milliseconds interval) : enabled_(enabled), interval_(interval) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(const std::string& text, bool force) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (!force && shown_ > 0 && now - last_ < interval_) return;
  last_ = now;
  std::string line = "\r" + text;
  if (text.size() < shown_) line += std::string(shown_ - text.size(), ' ') + "\r" + text;
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  shown_ = std::max<std::size_t>(text.size(), 1);
  ++draws_;
}

void ProgressLine::clear() {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (shown_ == 0) return;
  std::string line = "\r" + std::string(shown_, ' ') + "\r";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  shown_ = 0;
}

std::size_t ProgressLine::draws() const {
  std::lock_guard lock(mutex_);
  return draws_;
}

std::string format_bytes(std::uint64_t bytes) {
  char buf[32];
  if (bytes < 1000) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.0f kB", static_cast<double>(bytes) / 1e3);
  } else if (bytes < 1000ull * 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(bytes) / 1e9);
  }
  return buf;
}

}  // namespace ptinstall::util
