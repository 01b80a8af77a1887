// The one error type that reaches the user: a kind (where the failure happened), a message printed
// after `error: ` and an optional hint printed after `hint: `. Layers throw it; only cli/ catches it
// and turns it into an exit code (by kind, see exit_code_of) and, where the thrower gave no hint, a
// hint chosen by kind.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace ptinstall::util {

// Where a failure comes from. Decides the exit code and the default hint; never the wording.
enum class ErrorKind {
  Other,        // anything not classified yet
  Usage,        // the command line or a setting is wrong (exit code 2)
  Network,      // a request failed: DNS, connect, TLS, timeout, HTTP status
  Index,        // an index answered something unusable: a malformed page, no such project
  Resolution,   // no set of versions satisfies the requirements
  Hash,         // a file's hash differs from the one expected
  Wheel,        // a wheel (or its metadata) is invalid or does not fit the target
  Environment,  // the target environment: no interpreter, PEP 668, permissions, a lock
  Build,        // building a source distribution (or refusing to)
  Io,           // reading or writing local files
};

std::string_view to_string(ErrorKind kind);
// The process exit code for an error of `kind`: 2 for Usage, 1 for every other kind (as pip and uv).
int exit_code_of(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), hint_(std::move(hint)), kind_(kind) {}
  // Unclassified errors; an exit code of 2 means a usage error.
  explicit Error(std::string message, std::string hint = {}, int exit_code = 1)
      : std::runtime_error(std::move(message)),
        hint_(std::move(hint)),
        kind_(exit_code == 2 ? ErrorKind::Usage : ErrorKind::Other) {}

  const std::string& hint() const noexcept { return hint_; }
  ErrorKind kind() const noexcept { return kind_; }
  int exit_code() const noexcept { return exit_code_of(kind_); }

 private:
  std::string hint_;
  ErrorKind kind_;
};

}  // namespace ptinstall::util
