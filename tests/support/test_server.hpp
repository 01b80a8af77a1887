// Starts tests/support/http_test_server.py on a free loopback port for the lifetime of the object
// and kills it afterwards. util::run_process waits for its child, so this forks on its own.
#pragma once
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/paths.hpp"

namespace ptinstall::test {

class TestServer {
 public:
  // extra_args go to the script, e.g. {"--tls", cert, key}.
  explicit TestServer(std::vector<std::string> extra_args = {},
                      const std::string& script = source_dir() + "/tests/support/http_test_server.py") {
    const char* python = ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    std::vector<std::string> args{python, "-u", script};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    std::string line;
    char c;
    while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(fds[0]);
    if (line.empty()) {
      stop();
      throw std::runtime_error("the test HTTP server did not start (" + script + ")");
    }
    port_ = std::stoi(line);
  }
  ~TestServer() { stop(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  std::string base(const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_);
  }
  std::string url(const std::string& path) const { return base() + path; }

 private:
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace ptinstall::test

namespace ptinstall::test {

// One server for the whole test binary, started on first use.
inline TestServer& shared_server() {
  static TestServer server;
  return server;
}

}  // namespace ptinstall::test
