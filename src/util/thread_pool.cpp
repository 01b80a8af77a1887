#include "ptinstall/util/thread_pool.hpp"

#include <algorithm>
#include <exception>

namespace ptinstall::util {

ThreadPool::ThreadPool(std::size_t threads) {
  if (threads == 0) threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 16);
  max_ = threads;
  workers_.reserve(threads);
}

std::size_t ThreadPool::started() {
  std::lock_guard lock(mutex_);
  return workers_.size();
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  // A job still running may submit another (a look-ahead chain), which may start a thread: join
  // until no thread is left unjoined, reading the list under the lock.
  for (std::size_t i = 0;; ++i) {
    std::thread t;
    {
      std::lock_guard lock(mutex_);
      if (i >= workers_.size()) break;
      t = std::move(workers_[i]);
    }
    t.join();
  }
}

void ThreadPool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
    // More jobs queued than threads waiting for one: one more thread, while under the size.
    if (queue_.size() > waiting_ && workers_.size() < max_) workers_.emplace_back([this] { work(); });
  }
  wake_.notify_one();
}

void ThreadPool::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void ThreadPool::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ++waiting_;
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      --waiting_;
      if (queue_.empty()) return;  // stop_ and nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    job();  // jobs given through parallel_for never throw out of here
    {
      std::lock_guard lock(mutex_);
      --running_;
      if (queue_.empty() && running_ == 0) idle_.notify_all();
    }
  }
}

void parallel_for(ThreadPool* pool, std::size_t count, const std::function<void(std::size_t)>& fn) {
  if (!pool || count <= 1 || pool->size() <= 1) {
    for (std::size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::mutex m;
  std::condition_variable done_cv;
  std::size_t done = 0;
  std::exception_ptr first;
  for (std::size_t i = 0; i < count; ++i) {
    pool->submit([&, i] {
      std::exception_ptr error;
      try {
        fn(i);
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard lock(m);
      if (error && !first) first = error;
      if (++done == count) done_cv.notify_all();
    });
  }
  std::unique_lock lock(m);
  done_cv.wait(lock, [&] { return done == count; });
  if (first) std::rethrow_exception(first);
}

}  // namespace ptinstall::util
