// An exclusive advisory lock (flock) on a lock file, held for the lifetime of the object. Two
// ptinstall processes that lock the same file take turns; the lock goes away with the process,
// so a crash never leaves a stale lock behind. Locks are per open file: two FileLock objects in
// one process on the same path also exclude each other.
#pragma once
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ptinstall::util {

class FileLock {
 public:
  // Blocks until the lock is free, saying once on stderr what it waits for (`resource`, the lock
  // file and the holder's pid, which every exclusive holder writes into the lock file); throws
  // util::Error after `timeout` (default: default_timeout()) or when the lock file cannot be
  // created (parents are created).
  // `shared`: a shared lock (flock LOCK_SH), which excludes only exclusive holders.
  static FileLock acquire(const std::filesystem::path& path, std::string_view resource,
                          std::optional<std::chrono::milliseconds> timeout = std::nullopt, bool shared = false);
  // The wait of acquire() without a timeout of its own: 300 s unless set (PTINSTALL_LOCK_TIMEOUT).
  static void set_default_timeout(std::chrono::milliseconds timeout);
  static std::chrono::milliseconds default_timeout();
  // nullopt when another holder has it.
  static std::optional<FileLock> try_acquire(const std::filesystem::path& path);
  // nullopt when an exclusive holder has it.
  static std::optional<FileLock> try_acquire_shared(const std::filesystem::path& path);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  void release();
  bool held() const { return fd_ >= 0; }
  const std::filesystem::path& path() const { return path_; }

 private:
  FileLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
  bool wrote_pid_ = false;  // an exclusive holder: its pid is in the file until release() empties it
};

}  // namespace ptinstall::util
