#include <catch2/catch.hpp>

#include "ptinstall/net/http_client.hpp"

using ptinstall::net::longest_sequential_chain;
using Clock = std::chrono::steady_clock;

namespace {

std::pair<Clock::time_point, Clock::time_point> span(int start_ms, int end_ms) {
  Clock::time_point t0{};
  return {t0 + std::chrono::milliseconds(start_ms), t0 + std::chrono::milliseconds(end_ms)};
}

}  // namespace

TEST_CASE("round trips paid in sequence") {
  CHECK(longest_sequential_chain({}) == 0);
  // Ten requests at once: one round trip.
  std::vector<std::pair<Clock::time_point, Clock::time_point>> parallel;
  for (int i = 0; i < 10; ++i) parallel.push_back(span(i, 50 + i));
  CHECK(longest_sequential_chain(parallel) == 1);
  // One after another: each one.
  CHECK(longest_sequential_chain({span(0, 50), span(50, 100), span(100, 150)}) == 3);
  // A page, then its metadata, while other pages overlap: two levels.
  CHECK(longest_sequential_chain({span(0, 50), span(1, 51), span(52, 102), span(53, 103), span(60, 110)}) == 2);
  // The order given does not matter.
  CHECK(longest_sequential_chain({span(100, 150), span(0, 50), span(50, 100)}) == 3);
}
