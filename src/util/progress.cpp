#include "ptinstall/util/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

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

ProgressBoard::ProgressBoard(bool enabled, std::chrono::milliseconds interval, std::FILE* out, std::size_t width)
    : enabled_(enabled), interval_(interval), out_(out), width_(width) {
  if (!enabled_) return;
  if (width_ == 0) {
    struct winsize ws{};
    width_ = ::ioctl(::fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
  }
  ticker_ = std::thread([this] { tick(); });
}

ProgressBoard::~ProgressBoard() { clear(); }

void ProgressBoard::tick() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, interval_);
    if (stop_) break;
    // Files in flight change their rate every tick; otherwise only a change is drawn.
    if (dirty_ || !files_.empty()) draw_locked();
  }
}

void ProgressBoard::headline(const std::string& text) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  dirty_ = dirty_ || headline_ != text;
  headline_ = text;
  if (draws_ == 0 && !stop_ && !headline_.empty()) draw_locked();  // the first state at once, then ticks
}

void ProgressBoard::overall(std::size_t done, std::size_t total, std::uint64_t bytes) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  dirty_ = dirty_ || done > done_ || total > total_ || bytes > bytes_;
  done_ = std::max(done_, done);
  total_ = std::max(total_, total);
  bytes_ = std::max(bytes_, bytes);
  if (draws_ == 0 && !stop_) draw_locked();  // the first state at once, then ticks
}

void ProgressBoard::file(const std::string& name, std::uint64_t received, std::uint64_t total, bool finished) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  dirty_ = true;
  if (finished) {
    files_.erase(name);
    return;
  }
  auto [it, added] = files_.try_emplace(name);
  if (added) {
    it->second.started = Clock::now();
    it->second.first = received;  // a download continued from an earlier run starts there
  }
  it->second.received = std::max(it->second.received, received);
  it->second.total = total;
}

std::vector<std::string> ProgressBoard::lines(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return lines_locked(now);
}

std::vector<std::string> ProgressBoard::lines_locked(Clock::time_point now) const {
  auto cut = [this](std::string line) {
    std::size_t w = width_ ? width_ - 1 : 79;  // the last column would wrap on some terminals
    if (line.size() > w) line.resize(w);
    return line;
  };
  std::vector<std::string> out;
  if (!headline_.empty()) {
    out.push_back(cut(headline_));
  } else if (total_ > 0) {
    constexpr std::size_t kBar = 24;
    std::size_t filled = total_ ? kBar * std::min(done_, total_) / total_ : 0;
    std::string bar(filled, '=');
    if (filled < kBar) bar += '>' + std::string(kBar - filled - 1, ' ');
    out.push_back(cut("Preparing " + std::to_string(done_) + "/" + std::to_string(total_) + " packages [" + bar + "]" +
                      (bytes_ ? " " + format_bytes(bytes_) : std::string())));
  }
  // The large files, biggest first (the ones a user waits for).
  std::vector<std::pair<std::string, const FileState*>> big;
  for (const auto& [name, st] : files_)
    if (std::max(st.total, st.received) >= kFileLineBytes) big.emplace_back(name, &st);
  std::stable_sort(big.begin(), big.end(), [](const auto& a, const auto& b) {
    return std::max(a.second->total, a.second->received) > std::max(b.second->total, b.second->received);
  });
  if (big.size() > kMaxFileLines) big.resize(kMaxFileLines);
  std::size_t name_width = 0;
  for (const auto& [name, _] : big) name_width = std::max(name_width, std::min<std::size_t>(name.size(), 48));
  for (const auto& [name, st] : big) {
    std::string shown = name.size() > 48 ? name.substr(0, 45) + "..." : name;
    shown += std::string(name_width - shown.size(), ' ');
    std::string amount = format_bytes(st->received) + (st->total ? "/" + format_bytes(st->total) : std::string());
    double seconds = std::chrono::duration<double>(now - st->started).count();
    std::string rate, eta;
    if (seconds > 0.2) {
      double per_second = static_cast<double>(st->received - std::min(st->first, st->received)) / seconds;
      rate = "  " + format_bytes(static_cast<std::uint64_t>(per_second)) + "/s";
      if (st->total > st->received && per_second > 0) {
        auto left = static_cast<std::uint64_t>(static_cast<double>(st->total - st->received) / per_second + 0.5);
        std::string ss = std::to_string(left % 60);
        eta = "  ETA " + std::to_string(left / 60) + ":" + (ss.size() < 2 ? "0" : "") + ss;
      }
    }
    out.push_back(cut("  " + shown + "  " + amount + rate + eta));
  }
  return out;
}

void ProgressBoard::erase_locked() {
  if (shown_lines_ == 0) return;
  std::string seq = "\r";
  if (shown_lines_ > 1) seq = "\x1b[" + std::to_string(shown_lines_ - 1) + "A\r";
  seq += "\x1b[J";
  std::fputs(seq.c_str(), out_);
  shown_lines_ = 0;
}

void ProgressBoard::draw_locked() {
  auto lines = lines_locked(Clock::now());
  std::string text;
  for (std::size_t i = 0; i < lines.size(); ++i) text += (i ? "\n" : "") + lines[i];
  erase_locked();
  std::fputs(text.c_str(), out_);
  std::fflush(out_);
  shown_lines_ = lines.size();
  dirty_ = false;
  ++draws_;
}

void ProgressBoard::clear() {
  if (!enabled_) return;
  // The ticker stops for good: nothing is drawn after the step's summary starts.
  if (ticker_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    ticker_.join();
  }
  std::lock_guard lock(mutex_);
  erase_locked();
  std::fflush(out_);
}

std::size_t ProgressBoard::draws() const {
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
