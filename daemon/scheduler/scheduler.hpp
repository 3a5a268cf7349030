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
  // Takes the reminders due at a second this long before it: records them
  // (fired_at = that second, lateness 0) and lets each channel prepare()
  // them, then hands them to the channels at the second, not before. So
  // the work of a second's thousand firings is done before it rather than
  // after it. A commit by anyone else in between (an edit, a removal) puts
  // them back and takes them again at the second (ReminderQueue::withdraw),
  // so a firing never shows an event as it was before a change committed
  // before its second. Zero: take at the second (as before issue 17).
  std::chrono::milliseconds take_ahead{0};
  // The wall clock to the nanosecond, for take_ahead and for releasing at
  // the second; empty: the Scheduler's clock (whole seconds). Must agree
  // with the Scheduler's clock (this one, truncated, gives that one).
  std::function<WallInstant()> fine_clock{};
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
// Taking ahead (SchedulerOptions::take_ahead): the batch due at second T is
// taken at T - take_ahead and held, ahead of any other take, until the wall
// clock reaches T; a batch held is the newest firings of the outbox. It is
// released at T if nothing else was committed to the database meanwhile
// (ReminderQueue::outside_writes), else withdrawn and taken again at T. A
// clock set back beyond the window withdraws it too; one set forward past
// T releases it at once. After a crash, firings whose fired_at is still
// ahead at start-up are held until then as well, and then put back and
// taken again (what was committed before this process started cannot be
// known), so they are not marked redelivery: nothing had handed them out.
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
    // Taken ahead of its second: handed out at firing.fired_at, not before.
    bool held = false;
  };

  void arm();
  void fire();
  void enqueue(Firing firing, std::vector<std::shared_ptr<Channel>> channels, bool held = false);
  WallInstant fine_now() const;
  // Takes the batch due at `due` (a second still ahead) and holds it.
  void take_ahead(core::SysSeconds due);
  // The held batch's second, if one is held.
  std::optional<core::SysSeconds> held_for() const;
  // Puts the held batch back (ReminderQueue::withdraw); `why` is logged.
  void withdraw_held(const char *why);
  // Something is being handed out (not only a batch waiting for its second).
  bool handing_out() const;
  void prepare_channels(const std::vector<Firing> &firings);
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
  // Firings taken ahead and not handed out yet (the tail of m_outgoing).
  std::size_t m_held = 0;
  // The held batch's second has come and nothing was committed meanwhile:
  // it is being handed out.
  bool m_held_checked = false;
  // ReminderQueue::outside_writes() once the held batch was recorded;
  // nothing when unknown (held since start-up: taken by an earlier process).
  std::optional<std::int64_t> m_held_version;
  // Completions and posted work hold a weak_ptr to this: once the scheduler
  // is gone they do nothing.
  std::shared_ptr<Scheduler *> m_alive;
};

} // namespace summit::scheduler
