#include "ptinstall/util/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "ptinstall/util/terminal_text.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

#include "ptinstall/util/error.hpp"

namespace ptinstall::util::log {
namespace {

Level g_level = Level::Info;
bool g_color = false;
std::mutex g_mutex;
std::FILE* g_file = nullptr;  // --log

// pip's log line: "2026-12-07T20:27:21,123 message" (local time), any level.
void to_file(std::string_view prefix, std::string_view message) {
  std::lock_guard lock(g_mutex);
  if (!g_file) return;
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::fprintf(g_file, "%s,%03d %.*s%.*s\n", stamp, static_cast<int>(ms), static_cast<int>(prefix.size()),
               prefix.data(), static_cast<int>(message.size()), message.data());
  std::fflush(g_file);
}

std::shared_ptr<spdlog::logger> debug_logger() {
  // Created lazily: a plain run that never logs at debug level never builds it.
  static auto logger = [] {
    auto l = spdlog::stderr_logger_mt("ptinstall");
    l->set_pattern("%^%l%$ [%H:%M:%S.%e] %v");
    l->set_level(spdlog::level::trace);
    return l;
  }();
  return logger;
}

// Every message may carry bytes from outside (a server's page, a wheel's metadata): escaped here,
// once, so that none can drive the terminal or garble it (util/terminal_text.hpp).
void prefixed(const char* prefix, const char* ansi, std::string_view raw) {
  std::string safe = escape_for_terminal(raw, true);
  std::string_view message = safe;
  if (g_file) to_file(std::string(prefix) + ": ", message);
  std::lock_guard lock(g_mutex);
  if (g_color) {
    std::fprintf(stderr, "\033[%sm%s\033[0m\033[1m:\033[0m %.*s\n", ansi, prefix,
                 static_cast<int>(message.size()), message.data());
  } else {
    std::fprintf(stderr, "%s: %.*s\n", prefix, static_cast<int>(message.size()), message.data());
  }
}

}  // namespace

void configure(int verbosity, bool color) {
  g_color = color;
  if (verbosity <= -2) g_level = Level::Off;
  else if (verbosity == -1) g_level = Level::Warn;
  else if (verbosity == 0) g_level = Level::Info;
  else if (verbosity == 1) g_level = Level::Debug;
  else g_level = Level::Trace;
}

bool enabled(Level level) { return level >= g_level && g_level != Level::Off; }

void set_log_file(const std::string& path) {
  if (path.empty()) {
    std::lock_guard lock(g_mutex);
    if (g_file) std::fclose(g_file);
    g_file = nullptr;
    return;
  }
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (!f)
    throw Error(ErrorKind::Io, "cannot open the log file " + path + " (--log)", "give a file in a writable directory");
  std::lock_guard lock(g_mutex);
  if (g_file) std::fclose(g_file);
  g_file = f;
}
bool color_enabled() { return g_color; }

void trace(std::string_view message) {
  if (enabled(Level::Trace)) debug_logger()->trace("{}", escape_for_terminal(message, true));
}
void debug(std::string_view message) {
  if (g_file) to_file("", escape_for_terminal(message, true));
  if (enabled(Level::Debug)) debug_logger()->debug("{}", escape_for_terminal(message, true));
}
void info(std::string_view raw) {
  if (g_file) to_file("", escape_for_terminal(raw, true));
  if (!enabled(Level::Info)) return;
  std::string safe = escape_for_terminal(raw, true);
  std::string_view message = safe;
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
}
void warn(std::string_view message) {
  if (enabled(Level::Warn))
    prefixed("warning", "1;33", message);
  else if (g_file)
    to_file("warning: ", escape_for_terminal(message, true));
}
// Errors are shown even with -qq: a failing command must always say why.
void error(std::string_view message) { prefixed("error", "1;31", message); }
void hint(std::string_view message) { prefixed("hint", "1;36", message); }

}  // namespace ptinstall::util::log
