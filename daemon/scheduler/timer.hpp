#pragma once

#include "core/time_range.hpp"

#include <functional>

namespace summit::scheduler {

// How a wait ended.
enum class TimerOutcome {
  due,           // the wall clock reached the instant
  clock_changed, // the wall clock was set; re-read it and re-arm
  cancelled,     // cancel() was called
};

// A one-shot wait for a wall-clock instant. The Scheduler owns one; the
// daemon gives it a WallTimer, tests a fake they fire by hand.
class Timer {
public:
  using Outcome = TimerOutcome;
  using Handler = std::function<void(Outcome)>;

  virtual ~Timer() = default;

  // Arms the timer for `when`, replacing any pending wait (whose handler is
  // then dropped without being called). An instant in the past completes at
  // once. `handler` runs later on the timer's executor, never inside this call.
  virtual void wait_until(core::SysSeconds when, Handler handler) = 0;

  // Disarms; the pending handler, if any, runs with Outcome::cancelled.
  virtual void cancel() = 0;

  // Disarms silently: the pending handler, if any, is dropped uncalled.
  // A disarmed timer causes no wake-ups.
  virtual void disarm() = 0;
};

} // namespace summit::scheduler
