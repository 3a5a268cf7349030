#pragma once

#include "core/clock.hpp"
#include "daemon/scheduler/channel.hpp"
#include "daemon/scheduler/reminder_queue.hpp"
#include "daemon/scheduler/timer.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace summit::scheduler {

struct SchedulerOptions {
  // Reminders that fell due longer ago than this (the daemon was down, the
  // machine asleep) are recorded as missed instead of fired.
  core::Seconds grace = std::chrono::hours{24};
  // A firing more than this after its due instant is marked late.
  core::Seconds late_after{60};
  // Firings handed to the channels per turn of the loop, so that 100,000
  // firings due at one second do not keep clients waiting meanwhile.
  std::size_t delivery_batch = 512;
  // A wake takes at most this many due reminders first, so that the head of
  // a burst reaches the channels before the rest of it is recorded; while
  // the burst lasts, the queue's batch_limit() at a time.
  std::size_t first_batch = 64;
  // How long to wait before asking the queue again after it failed.
  core::Seconds retry_after{5};
  // Told the instant the timer is armed for (nothing: disarmed) each time it
  // changes, on the scheduler's thread; for a status line kept elsewhere.
  std::function<void(std::optional<core::SysSeconds>)> on_armed;
};

// Sleeps until the next due reminder, fires it through the queue's outbox
// and hands each firing to every channel.
//
// Delivery: every firing goes to every registered channel, in the order
// take_due returned them (due, reminder_id), one channel after another.
// After each batch handed out, every channel's flush() is called. Each
// channel's completion is recorded separately (mark_delivered with the
// channel's name), in one transaction for all those reported, once the batch
// being handed out is all out (at most 4,096 held back); a firing is
// delivered when all the channels registered at the time it fired have
// completed. After a crash
// only the channels that had not completed get it again, marked
// redelivery, with the same reminder and firing ids.
//
// Single-threaded: construct and call it on `executor`'s thread; channels
// may call their completions from any thread.
class Scheduler {
public:
  Scheduler(boost::asio::any_io_executor executor, ReminderQueue &queue, core::Clock clock,
            std::unique_ptr<Timer> timer, SchedulerOptions options = {});
  ~Scheduler();
  Scheduler(const Scheduler &) = delete;
  Scheduler &operator=(const Scheduler &) = delete;

  // Registers a channel before start(). Names must be distinct.
  void add_channel(std::shared_ptr<Channel> channel);

  // Hands every undelivered firing to the channels still owing it (marked
  // redelivery), then takes whatever fell due while the daemon was down
  // (late, or missed beyond the grace) and sleeps until the next one.
  void start();

  // Asks the queue again for the next due instant and re-arms. Call after
  // any change to pending reminders (add, edit, remove, snooze). Cheap: one
  // indexed query.
  void replan();

  // Disarms the timer and stops delivering; completions that arrive later
  // are still recorded. Idempotent.
  void stop();

  // The instant the timer is armed for, or nothing when nothing is pending
  // (or before start/after stop). For `summit status`.
  std::optional<core::SysSeconds> next_wake() const { return m_armed_for; }

  // What the timer reported. Public so that tests can drive the outcomes a
  // real clock cannot be made to produce on demand; the timer calls it too.
  void on_timer(Timer::Outcome outcome);

private:
  struct Outgoing {
    Firing firing;
    // Empty: every registered channel (a new firing; no copy per firing).
    std::vector<std::shared_ptr<Channel>> channels;
  };

  void arm();
  void fire();
  void enqueue(Firing firing, std::vector<std::shared_ptr<Channel>> channels);
  void drain();
  // Moves what the channels reported into m_delivered.
  void collect_completions();
  // Records the completions the channels reported, unless a batch is still
  // being handed out (then drain() calls it again when it is).
  void take_completions();
  void flush_deliveries();
  // Sets m_armed_for and tells options.on_armed.
  void set_armed(std::optional<core::SysSeconds> when);
  std::vector<std::string> channel_names() const;
  std::shared_ptr<Channel> find_channel(std::string_view name) const;

  boost::asio::any_io_executor m_executor;
  ReminderQueue &m_queue;
  core::Clock m_clock;
  std::unique_ptr<Timer> m_timer;
  SchedulerOptions m_options;
  std::vector<std::shared_ptr<Channel>> m_channels;
  std::deque<Outgoing> m_outgoing;
  std::vector<ReminderQueue::Delivery> m_delivered;
  // Completions as channels report them, from any thread; the first of a
  // batch posts one take_completions() for all of them (a burst of 1,000
  // firings to three channels is one posted handler, not 3,000).
  struct Inbox {
    std::mutex mutex;
    std::vector<ReminderQueue::Delivery> deliveries;
  };
  std::shared_ptr<Inbox> m_inbox = std::make_shared<Inbox>();
  std::optional<core::SysSeconds> m_armed_for;
  bool m_started = false;
  bool m_stopped = false;
  bool m_drain_posted = false;
  bool m_in_burst = false; // the last take was a full batch: take the next at batch_limit()
  // Completions and posted work hold a weak_ptr to this: once the scheduler
  // is gone they do nothing.
  std::shared_ptr<Scheduler *> m_alive;
};

} // namespace summit::scheduler
