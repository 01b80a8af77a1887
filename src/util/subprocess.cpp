#include "ptinstall/util/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "ptinstall/util/strings.hpp"

extern char** environ;

namespace ptinstall::util {

std::string find_on_path(const std::string& name, const char* path_env) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : std::string();
  const char* path = path_env ? path_env : std::getenv("PATH");
  if (!path) return {};
  for (auto dir : split(path, ':')) {
    std::string candidate = std::string(dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

namespace {

std::vector<std::string> child_environment(const ProcessOptions& options) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    std::string_view key = entry.substr(0, entry.find('='));
    bool drop = options.env_overrides.count(std::string(key)) > 0;
    for (const auto& r : options.env_remove) drop = drop || key == r;
    if (!drop) env.emplace_back(entry);
  }
  for (const auto& [k, v] : options.env_overrides) env.push_back(k + "=" + v);
  return env;
}

struct Pipe {
  int fd[2] = {-1, -1};
  bool open() { return pipe2(fd, O_CLOEXEC) == 0; }
  void close_both() {
    for (int& f : fd)
      if (f >= 0) close(f), f = -1;
  }
};

}  // namespace

std::optional<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) return std::nullopt;
  std::string program = find_on_path(argv[0]);
  if (program.empty()) return std::nullopt;

  Pipe in, out, err;
  if (!in.open() || !out.open() || (options.capture_stderr && !err.open())) return std::nullopt;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], STDOUT_FILENO);
  if (options.capture_stderr) posix_spawn_file_actions_adddup2(&actions, err.fd[1], STDERR_FILENO);
  if (options.cwd) posix_spawn_file_actions_addchdir_np(&actions, options.cwd->c_str());

  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  auto env = child_environment(options);
  std::vector<char*> cenv;
  for (auto& e : env) cenv.push_back(e.data());
  cenv.push_back(nullptr);

  // With a timeout the child leads a process group of its own, so that killing the group also ends
  // what it started (a wrapper script's `sleep`, a tool's helpers).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (options.timeout) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }

  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &actions, &attr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(in.fd[0]), in.fd[0] = -1;
  close(out.fd[1]), out.fd[1] = -1;
  if (options.capture_stderr) close(err.fd[1]), err.fd[1] = -1;
  if (rc != 0) {
    in.close_both(), out.close_both(), err.close_both();
    return std::nullopt;
  }

  // Feed stdin and drain stdout/stderr together, so a child that writes a lot never blocks.
  ProcessResult result;
  std::string_view to_write = options.stdin_data ? std::string_view(*options.stdin_data) : std::string_view();
  if (to_write.empty()) close(in.fd[1]), in.fd[1] = -1;
  else fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> deadline;
  if (options.timeout) deadline = Clock::now() + *options.timeout;
  // Milliseconds left until the deadline (rounded up), -1 without one, 0 once it has passed.
  auto remaining_ms = [&]() -> int {
    if (!deadline) return -1;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
  };
  bool timed_out = false;
  char buf[65536];
  while (out.fd[0] >= 0 || err.fd[0] >= 0 || in.fd[1] >= 0) {
    pollfd fds[3];
    int n = 0;
    if (out.fd[0] >= 0) fds[n++] = {out.fd[0], POLLIN, 0};
    if (err.fd[0] >= 0) fds[n++] = {err.fd[0], POLLIN, 0};
    if (in.fd[1] >= 0) fds[n++] = {in.fd[1], POLLOUT, 0};
    int wait_ms = remaining_ms();
    if (wait_ms == 0) {
      timed_out = true;
      break;
    }
    int ready = poll(fds, n, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (ready == 0) continue;  // the deadline is checked at the top
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in.fd[1]) {
        ssize_t w = write(in.fd[1], to_write.data(), to_write.size());
        if (w > 0) to_write.remove_prefix(static_cast<size_t>(w));
        if (w < 0 && errno != EAGAIN) to_write = {};
        if (to_write.empty()) close(in.fd[1]), in.fd[1] = -1;
        continue;
      }
      bool is_out = fds[i].fd == out.fd[0];
      ssize_t r = read(fds[i].fd, buf, sizeof buf);
      if (r > 0) {
        (is_out ? result.out : result.err).append(buf, static_cast<size_t>(r));
      } else if (r == 0 || errno != EINTR) {
        int& fd = is_out ? out.fd[0] : err.fd[0];
        close(fd), fd = -1;
      }
    }
  }
  in.close_both(), out.close_both(), err.close_both();  // after a timeout: stop listening

  // Without a deadline, wait as long as the child runs. With one, poll for its exit until the
  // deadline (it may have closed its output and still be running), then kill its process group.
  int status = 0;
  bool reaped = false;
  if (!deadline) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    reaped = true;
  } else {
    auto poll_exit = [&](Clock::time_point until) {
      for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR)) return true;  // exited (or not ours to wait for)
        if (Clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    };
    if (!timed_out) {
      reaped = poll_exit(*deadline);
      timed_out = !reaped;
    }
    if (timed_out) {
      kill(-pid, SIGKILL);  // the group (the child leads it) ...
      kill(pid, SIGKILL);   // ... and the child itself, should the group not exist
      // A process blocked in the kernel dies only when the call returns: give it a second, then
      // leave it rather than hang on it (it is reaped by init once we exit).
      reaped = poll_exit(Clock::now() + std::chrono::seconds(1));
    }
  }
  result.timed_out = timed_out;
  if (reaped) result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace ptinstall::util
