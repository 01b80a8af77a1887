// A small fixed-size thread pool for CPU and disk work (unpacking and linking wheels). No packaging
// knowledge. Threads are started as jobs need them (a job queued while no thread waits starts one, up
// to the size), so a pool sized for the widest case costs nothing where few jobs come (a resolver's
// look-ahead pool of 48 for a resolution of ten packages; one per cell of a universal lock). parallel_for runs a job per index and rethrows the first exception after every job
// has finished, so callers can roll back knowing nothing is still running.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ptinstall::util {

class ThreadPool {
 public:
  // threads == 0: one per hardware thread (at least 1, at most 16).
  explicit ThreadPool(std::size_t threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The most threads it runs at once.
  std::size_t size() const { return max_; }
  // The threads started so far.
  std::size_t started();
  void submit(std::function<void()> job);
  // Blocks until every submitted job has run.
  void wait_idle();

 private:
  void work();
  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> queue_;
  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::size_t running_ = 0;
  std::size_t waiting_ = 0;  // threads waiting for a job
  std::size_t max_ = 1;
  bool stop_ = false;
};

// Runs fn(0..count-1) on the pool (inline when count <= 1 or the pool is null) and rethrows the
// first exception thrown by any job once all have finished.
void parallel_for(ThreadPool* pool, std::size_t count, const std::function<void(std::size_t)>& fn);

}  // namespace ptinstall::util
