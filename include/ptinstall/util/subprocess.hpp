// Running a program and capturing what it prints. No shell is involved: argv is passed as is.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ptinstall::util {

struct ProcessResult {
  int exit_code = -1;        // the exit status, or 128+signal when killed by a signal
  std::string out;           // stdout
  std::string err;           // stderr
};

struct ProcessOptions {
  std::optional<std::string> stdin_data;           // written to the child's stdin, then closed
  std::map<std::string, std::string> env_overrides;  // set in the child's environment
  std::vector<std::string> env_remove;             // removed from the child's environment
  std::optional<std::string> cwd;
  bool capture_stderr = true;                      // false: the child's stderr goes to ours
};

// Runs argv[0] (searched on PATH when it has no slash). Returns std::nullopt when the program
// cannot be started at all (not found, not executable): callers decide whether that is an error.
std::optional<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Finds an executable on PATH (or the given PATH string); empty when absent.
std::string find_on_path(const std::string& name, const char* path_env = nullptr);

}  // namespace ptinstall::util
