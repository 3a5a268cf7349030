#include "daemon/scheduler/wall_timer.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

namespace summit::scheduler {
namespace {

using namespace std::chrono_literals;
using Outcome = Timer::Outcome;

core::SysSeconds whole_seconds_now() {
  return std::chrono::floor<core::Seconds>(std::chrono::system_clock::now());
}

// Runs the loop until `done` or a generous deadline; never asserts latency.
bool run_until(boost::asio::io_context &io, const std::function<bool()> &done,
               std::chrono::steady_clock::duration limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(20ms);
    io.restart();
  }
  return done();
}

// Runs the loop for a while, for "nothing happens" checks.
void run_for(boost::asio::io_context &io, std::chrono::steady_clock::duration d) {
  io.run_for(d);
  io.restart();
}

TEST(WallTimer, fires_at_the_instant_and_not_before) {
  boost::asio::io_context io;
  WallTimer timer(io.get_executor());
  const auto when = whole_seconds_now() + 1s;
  std::optional<Outcome> outcome;
  std::chrono::system_clock::time_point fired_at;
  timer.wait_until(when, [&](Outcome o) {
    fired_at = std::chrono::system_clock::now();
    outcome = o;
  });
  ASSERT_TRUE(run_until(io, [&] { return outcome.has_value(); })) << "never fired";
  EXPECT_EQ(*outcome, Outcome::due);
  EXPECT_GE(fired_at, when) << "fired early";
}

TEST(WallTimer, an_instant_in_the_past_fires_at_once) {
  boost::asio::io_context io;
  WallTimer timer(io.get_executor());
  std::vector<Outcome> outcomes;
  timer.wait_until(whole_seconds_now() - 1h, [&](Outcome o) { outcomes.push_back(o); });
  EXPECT_TRUE(outcomes.empty()) << "the handler must not run inside wait_until";
  ASSERT_TRUE(run_until(io, [&] { return !outcomes.empty(); }));
  EXPECT_EQ(outcomes, std::vector<Outcome>{Outcome::due});
  // The epoch itself too (a zero it_value would disarm instead).
  timer.wait_until(core::SysSeconds{}, [&](Outcome o) { outcomes.push_back(o); });
  ASSERT_TRUE(run_until(io, [&] { return outcomes.size() == 2; }));
}

TEST(WallTimer, rearming_replaces_the_pending_wait) {
  boost::asio::io_context io;
  WallTimer timer(io.get_executor());
  int first = 0;
  int second = 0;
  timer.wait_until(whole_seconds_now() + 1h, [&](Outcome) { ++first; });
  timer.wait_until(whole_seconds_now() - 1s, [&](Outcome) { ++second; });
  ASSERT_TRUE(run_until(io, [&] { return second == 1; }));
  run_for(io, 100ms);
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
}

TEST(WallTimer, rearming_after_an_expiry_not_yet_handled_discards_that_expiry) {
  boost::asio::io_context io;
  WallTimer timer(io.get_executor());
  int calls = 0;
  // Expires in the kernel at once, but the loop has not run yet...
  timer.wait_until(whole_seconds_now() - 1s, [&](Outcome) { ++calls; });
  // ...and is re-armed for much later before it could be handled.
  timer.wait_until(whole_seconds_now() + 1h, [&](Outcome) { ++calls; });
  run_for(io, 300ms);
  EXPECT_EQ(calls, 0) << "a stale expiry fired the new wait early";
}

TEST(WallTimer, cancel_reports_cancelled_and_disarm_reports_nothing) {
  boost::asio::io_context io;
  WallTimer timer(io.get_executor());
  std::vector<Outcome> outcomes;
  timer.wait_until(whole_seconds_now() + 1h, [&](Outcome o) { outcomes.push_back(o); });
  timer.cancel();
  ASSERT_TRUE(run_until(io, [&] { return !outcomes.empty(); }));
  EXPECT_EQ(outcomes, std::vector<Outcome>{Outcome::cancelled});

  timer.wait_until(whole_seconds_now() + 1s, [&](Outcome o) { outcomes.push_back(o); });
  timer.disarm();
  run_for(io, 1500ms); // past the instant it was armed for
  EXPECT_EQ(outcomes.size(), 1U);
}

TEST(WallTimer, can_be_rearmed_from_its_own_handler) {
  boost::asio::io_context io;
  WallTimer timer(io.get_executor());
  int fired = 0;
  std::function<void(Outcome)> again = [&](Outcome o) {
    ASSERT_EQ(o, Outcome::due);
    if (++fired < 3) {
      timer.wait_until(whole_seconds_now() - 1s, again);
    }
  };
  timer.wait_until(whole_seconds_now() - 1s, again);
  ASSERT_TRUE(run_until(io, [&] { return fired == 3; }));
}

TEST(WallTimer, destroying_a_waiting_timer_calls_nothing) {
  boost::asio::io_context io;
  int calls = 0;
  {
    WallTimer timer(io.get_executor());
    timer.wait_until(whole_seconds_now() + 1h, [&](Outcome) { ++calls; });
  }
  run_for(io, 50ms);
  EXPECT_EQ(calls, 0);
}

} // namespace
} // namespace summit::scheduler
