#pragma once

#include "core/time_range.hpp"

#include <chrono>
#include <functional>

namespace summit::scheduler {

// How a wait ended.
enum class TimerOutcome {
  due,           // the wall clock reached the instant
  clock_changed, // the wall clock was set; re-read it and re-arm
  cancelled,     // cancel() was called
};

// A wall-clock instant to the nanosecond (the system clock's own type):
// reminders are due at whole seconds, but the scheduler wakes a little
// before a second to take its batch early (SchedulerOptions::take_ahead).
// A core::SysSeconds converts to it implicitly.
using WallInstant = std::chrono::system_clock::time_point;

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
  virtual void wait_until(WallInstant when, Handler handler) = 0;

  // Disarms; the pending handler, if any, runs with Outcome::cancelled.
  virtual void cancel() = 0;

  // Disarms silently: the pending handler, if any, is dropped uncalled.
  // A disarmed timer causes no wake-ups.
  virtual void disarm() = 0;
};

} // namespace summit::scheduler
