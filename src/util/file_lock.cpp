#include "ptinstall/util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::util {

namespace {

int open_lock_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) throw msg::io_failed("open the lock file", path, std::strerror(errno));
  return fd;
}

// 0: locked; EWOULDBLOCK: held elsewhere; other: error.
int lock_nonblocking(int fd, bool shared = false) {
  while (::flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    return errno;
  }
  return 0;
}

std::atomic<long long> g_default_timeout_ms{300'000};

// The holder's pid, for the waiting message (best effort: a lock file of an older ptinstall is empty).
void write_pid(int fd) {
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    ssize_t n = ::pwrite(fd, pid.data(), pid.size(), 0);
    (void)n;
  }
}

std::string holder_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  long long pid = 0;
  if (in >> pid && pid > 0) return ", held by process " + std::to_string(pid);
  return "";
}

}  // namespace

void FileLock::set_default_timeout(std::chrono::milliseconds timeout) { g_default_timeout_ms = timeout.count(); }
std::chrono::milliseconds FileLock::default_timeout() { return std::chrono::milliseconds(g_default_timeout_ms.load()); }

std::optional<FileLock> FileLock::try_acquire(const std::filesystem::path& path) {
  int fd = open_lock_file(path);
  int rc = lock_nonblocking(fd);
  if (rc == 0) {
    write_pid(fd);
    FileLock lock(path, fd);
    lock.wrote_pid_ = true;
    return lock;
  }
  ::close(fd);
  if (rc == EWOULDBLOCK) return std::nullopt;
  throw msg::io_failed("lock", path, std::strerror(rc));
}

std::optional<FileLock> FileLock::try_acquire_shared(const std::filesystem::path& path) {
  int fd = open_lock_file(path);
  int rc = lock_nonblocking(fd, true);
  if (rc == 0) return FileLock(path, fd);
  ::close(fd);
  if (rc == EWOULDBLOCK) return std::nullopt;
  throw msg::io_failed("lock", path, std::strerror(rc));
}

FileLock FileLock::acquire(const std::filesystem::path& path, std::string_view resource,
                           std::optional<std::chrono::milliseconds> timeout, bool shared) {
  int fd = open_lock_file(path);
  auto wait = timeout.value_or(default_timeout());
  auto deadline = std::chrono::steady_clock::now() + wait;
  bool said = false;
  auto pause = std::chrono::milliseconds(5);
  for (;;) {
    int rc = lock_nonblocking(fd, shared);
    if (rc == 0) {
      FileLock lock(path, fd);
      if (!shared) {  // shared holders are several: none owns the file's content
        write_pid(fd);
        lock.wrote_pid_ = true;
      }
      return lock;
    }
    if (rc != EWOULDBLOCK) {
      ::close(fd);
      throw msg::io_failed("lock", path, std::strerror(rc));
    }
    if (!said) {
      auto secs = (wait.count() + 999) / 1000;
      log::info("Waiting for another process to release the lock on " + std::string(resource) + " (" + path.string() +
                holder_of(path) + "; giving up after " + std::to_string(secs) + " s)");
      said = true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      throw Error(ErrorKind::Environment,
                  "timed out waiting for the lock on " + std::string(resource) + " (" + path.string() +
                      holder_of(path) + ")",
                  "another ptinstall process is using it; wait for it to finish, or wait longer with "
                  "PTINSTALL_LOCK_TIMEOUT (seconds)");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

FileLock::FileLock(FileLock&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), wrote_pid_(other.wrote_pid_) {
  other.fd_ = -1;
  other.wrote_pid_ = false;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    wrote_pid_ = other.wrote_pid_;
    other.fd_ = -1;
    other.wrote_pid_ = false;
  }
  return *this;
}

FileLock::~FileLock() { release(); }

void FileLock::release() {
  if (fd_ < 0) return;
  // Emptied while still held, so that no later waiter names a process that is gone.
  if (wrote_pid_ && ::ftruncate(fd_, 0) != 0) {
  }
  wrote_pid_ = false;
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace ptinstall::util
