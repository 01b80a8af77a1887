// The one error type that reaches the user: a message printed after `error: ` and an optional hint
// printed after `hint: `. Layers throw it; only cli/ catches it and turns it into an exit code.
#pragma once
#include <stdexcept>
#include <string>

namespace ptinstall::util {

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, std::string hint = {}, int exit_code = 1)
      : std::runtime_error(std::move(message)), hint_(std::move(hint)), exit_code_(exit_code) {}

  const std::string& hint() const noexcept { return hint_; }
  int exit_code() const noexcept { return exit_code_; }

 private:
  std::string hint_;
  int exit_code_;
};

}  // namespace ptinstall::util
