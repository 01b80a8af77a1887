#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "ptinstall/util/thread_pool.hpp"

using namespace ptinstall;

TEST_CASE("ThreadPool: threads start as jobs need them, up to the size") {
  util::ThreadPool pool(48);
  CHECK(pool.size() == 48);
  CHECK(pool.started() == 0);  // a pool nobody uses costs no thread
  std::atomic<int> ran{0};
  pool.submit([&] { ++ran; });
  pool.wait_idle();
  CHECK(ran == 1);
  CHECK(pool.started() == 1);
  // Jobs that block each other's thread: each needs a thread of its own, up to the size.
  std::atomic<int> inside{0};
  std::atomic<bool> release{false};
  for (int i = 0; i < 4; ++i)
    pool.submit([&] {
      ++inside;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  for (int i = 0; i < 2000 && inside < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(inside == 4);
  CHECK(pool.started() >= 4);
  CHECK(pool.started() <= 5);
  release = true;
  pool.wait_idle();
}

TEST_CASE("ThreadPool: parallel_for runs every index once and never more threads than the size") {
  util::ThreadPool pool(3);
  std::atomic<int> sum{0};
  util::parallel_for(&pool, 100, [&](std::size_t i) { sum += static_cast<int>(i); });
  CHECK(sum == 4950);
  CHECK(pool.started() <= 3);
}
