#pragma once

#include "daemon/scheduler/firing.hpp"

#include <functional>
#include <string_view>
#include <vector>

namespace summit::scheduler {

// A way a firing reaches the user: the log, socket subscribers, commands.
class Channel {
public:
  virtual ~Channel() = default;

  // The name recorded with each pending delivery ("log", "exec",
  // "subscribers"). Stable across runs: a firing left pending for a name
  // that is no longer registered at start-up is dropped with a warning.
  virtual std::string_view name() const = 0;

  // Starts delivering `firing` and returns at once: it never blocks, sleeps
  // or waits for a child, a socket or a disk, because the scheduler's loop
  // and every other channel wait behind it. `firing` is valid only during
  // the call; copy what is needed.
  //
  // Calls `on_delivered` at most once, from any thread, when the channel is
  // done with this firing — whatever the result: a command that failed or
  // timed out is logged, not retried, and still counts as done. That call is
  // what keeps the firing from being delivered again after a restart; a
  // channel that never calls it gets the firing again (marked redelivery)
  // at the next start-up.
  virtual void deliver(const Firing &firing, std::function<void()> on_delivered) = 0;

  // Called after each batch of deliver() calls (the firings handed out in
  // one turn of the loop). A channel may gather a batch's work and do it
  // here at once (the log writes its lines in one write), calling each
  // firing's `on_delivered` when that is done. Never blocks either. The
  // default does nothing.
  virtual void flush() {}

  // Firings taken shortly before their second (SchedulerOptions::take_ahead)
  // and recorded, to be handed to deliver() at their fired_at, not before.
  // A channel may do now what it can of the work (the subscribers' feed
  // formats their lines) but must not let the user see any of them yet.
  // Never blocks. The default does nothing.
  virtual void prepare(const std::vector<Firing> &firings) { (void)firings; }

  // The firings prepared with ids from `first_firing_id` on were withdrawn
  // before their second (an edit was committed meanwhile, or the clock was
  // set back): forget what was prepared of them; their ids will be used
  // again. The default does nothing.
  virtual void withdraw(std::int64_t first_firing_id) { (void)first_firing_id; }
};

} // namespace summit::scheduler
