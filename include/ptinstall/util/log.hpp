// Logging to stderr behind a small facade, so spdlog stays out of every header.
// User-facing lines use the pip/uv prefixes: `warning:` and `error:`; debug lines are only shown
// with -v (debug) and -vv (trace).
#pragma once
#include <string_view>

namespace ptinstall::util::log {

enum class Level { Trace, Debug, Info, Warn, Error, Off };

// verbosity: -q count negative, -v count positive. color: whether stderr gets ANSI colours.
void configure(int verbosity, bool color);
// pip's --log FILE: from now on every line (debug included, whatever the verbosity), with a
// timestamp, is appended to `path` as well (an empty path: no file again). Throws util::Error when
// the file cannot be opened.
void set_log_file(const std::string& path);
bool enabled(Level level);
bool color_enabled();

void trace(std::string_view message);
void debug(std::string_view message);
void info(std::string_view message);     // plain line on stderr (summaries, progress text)
void warn(std::string_view message);     // "warning: <message>"
void error(std::string_view message);    // "error: <message>"
void hint(std::string_view message);     // "hint: <message>"

}  // namespace ptinstall::util::log
