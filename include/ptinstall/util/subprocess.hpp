// Running a program and capturing what it prints. No shell is involved: argv is passed as is.
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ptinstall::util {

struct ProcessResult {
  int exit_code = -1;        // the exit status, or 128+signal when killed by a signal; -1 when it timed
                             // out and could not be reaped
  std::string out;           // stdout (with a timeout: what came before the deadline)
  std::string err;           // stderr
  bool timed_out = false;    // ProcessOptions::timeout passed and the child was killed
};

struct ProcessOptions {
  std::optional<std::string> stdin_data;           // written to the child's stdin, then closed
  std::map<std::string, std::string> env_overrides;  // set in the child's environment
  std::vector<std::string> env_remove;             // removed from the child's environment
  std::optional<std::string> cwd;
  bool capture_stderr = true;                      // false: the child's stderr goes to ours
  // Longest run allowed. When it passes, the child's process group gets SIGKILL (the child is then
  // started in a group of its own, so a shell script's own children go too and cannot hold the
  // pipes open) and the result says timed_out. The child is reaped for at most a second after the
  // kill: a process stuck in the kernel (a wedged driver) may not die at once, and is then left
  // behind rather than waited for. Without a timeout the child shares our process group (Ctrl-C
  // reaches it) and is waited for as long as it runs.
  std::optional<std::chrono::milliseconds> timeout;
};

// Runs argv[0] (searched on PATH when it has no slash). Returns std::nullopt when the program
// cannot be started at all (not found, not executable): callers decide whether that is an error.
std::optional<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Finds an executable on PATH (or the given PATH string); empty when absent.
std::string find_on_path(const std::string& name, const char* path_env = nullptr);

}  // namespace ptinstall::util
