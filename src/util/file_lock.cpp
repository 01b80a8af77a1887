#include "ptinstall/util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

}  // namespace

std::optional<FileLock> FileLock::try_acquire(const std::filesystem::path& path) {
  int fd = open_lock_file(path);
  int rc = lock_nonblocking(fd);
  if (rc == 0) return FileLock(path, fd);
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
                           std::chrono::milliseconds timeout, bool shared) {
  int fd = open_lock_file(path);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool said = false;
  auto pause = std::chrono::milliseconds(5);
  for (;;) {
    int rc = lock_nonblocking(fd, shared);
    if (rc == 0) return FileLock(path, fd);
    if (rc != EWOULDBLOCK) {
      ::close(fd);
      throw msg::io_failed("lock", path, std::strerror(rc));
    }
    if (!said) {
      log::info("Waiting for another process to release the lock on " + std::string(resource) + " (" + path.string() +
                ")");
      said = true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      throw Error(ErrorKind::Environment,
                  "timed out waiting for the lock on " + std::string(resource) + " (" + path.string() + ")",
                  "another ptinstall process is using it; wait for it to finish");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

FileLock::FileLock(FileLock&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) { other.fd_ = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() { release(); }

void FileLock::release() {
  if (fd_ < 0) return;
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace ptinstall::util
