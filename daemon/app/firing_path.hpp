#pragma once

#include "core/clock.hpp"
#include "daemon/notify/exec_channel.hpp"
#include "daemon/scheduler/scheduler.hpp"
#include "daemon/store/event_store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace summit::store {
class ReminderStore;
}

namespace summit::daemon {

struct FiringPathOptions {
  std::filesystem::path database;
  // For the firing thread's own connection: shares the request side's
  // SharedFile and leaves writing a removed file back to it.
  store::StoreOptions store;
  scheduler::SchedulerOptions scheduler;
  std::vector<notify::ExecCommand> exec_commands;
  // Firings older than this leave the log (reminder.subscribe's cursor,
  // `summit missed`); zero keeps them for ever.
  core::Seconds keep_firings = std::chrono::hours{24 * 30};
  // systemd's watchdog: pinged from the firing thread every interval (zero: off).
  std::chrono::microseconds watchdog_interval{0};
  std::function<void()> ping_watchdog;
  // Called on the firing thread after firings up to this id were recorded
  // and handed to the channels; must only post (to the request side).
  std::function<void(std::int64_t)> on_fired;
  // Called on the firing thread when firings up to this id were recorded
  // ahead of their second (take_ahead), and when those from this id on were
  // withdrawn before it; must only post (the feed prepares their lines).
  std::function<void(std::int64_t first, std::int64_t last)> on_prepared;
  std::function<void(std::int64_t)> on_withdrawn;
  // How long before a second its reminders are taken (recorded, their lines
  // formatted) to be handed out at the second: SchedulerOptions::take_ahead.
  std::chrono::milliseconds take_ahead{250};
  // Called on the firing thread whenever the next wake-up changes.
  std::function<void()> on_next_wake;
};

// Whether a write that can wait (an import's next chunk, a transaction of a
// few milliseconds) should not start at `now`, given the firing path's next
// wake-up: a reminder falls due within 4 ms, so the chunk would still hold
// SQLite's write lock when the firing thread comes for it, or fell due less
// than 50 ms ago and is being taken.
bool clear_the_way(std::optional<core::SysSeconds> next_wake,
                   std::chrono::system_clock::time_point now);

// The firing path: the scheduler, its timer (a CLOCK_REALTIME timerfd), the
// reminder outbox on a SQLite connection of its own, and the delivery
// channels (log, exec hooks, and the nudge that tells the subscriber feed),
// all on one thread with its own io_context. No request, import or client
// runs there, so none can delay a due reminder: what it shares with the
// request side is SQLite's write lock, which request-side writes hold for
// one short transaction at a time (docs/ARCHITECTURE.md, Threads).
class FiringPath {
public:
  // Opens the firing thread's connection and the outbox on the calling
  // thread; throws Fatal when the database cannot be opened.
  explicit FiringPath(FiringPathOptions options);
  ~FiringPath();
  FiringPath(const FiringPath &) = delete;
  FiringPath &operator=(const FiringPath &) = delete;

  // Starts the thread: re-delivers what a crash left owed, fires what fell
  // due while the daemon was down, and sleeps until the next reminder.
  // Returns once that start-up work is done (so READY=1 follows it).
  void start();
  // Starts pinging systemd's watchdog from the firing thread (after
  // READY=1: the first ping must not come before it). Any thread.
  void start_watchdog();
  // Asks the outbox again for the next due instant (after the request side
  // committed a change to pending reminders). Any thread.
  void replan();
  // Stops the scheduler (completions in hand are recorded) and joins the
  // thread. Any thread but the firing thread; idempotent.
  void stop();
  // The instant the timer is armed for; nothing when nothing is pending.
  // Any thread.
  std::optional<core::SysSeconds> next_wake() const;

private:
  void ping();
  void prune();

  FiringPathOptions m_options;
  boost::asio::io_context m_io{1};
  std::unique_ptr<store::EventStore> m_store;
  std::unique_ptr<store::ReminderStore> m_reminders;
  std::unique_ptr<scheduler::Scheduler> m_scheduler;
  std::shared_ptr<notify::ExecChannel> m_exec;
  boost::asio::steady_timer m_watchdog{m_io};
  boost::asio::steady_timer m_prune_timer{m_io};
  std::atomic<std::int64_t> m_next_wake{-1}; // unix seconds; -1: none
  std::thread m_thread;
  bool m_stopped = false;
};

} // namespace summit::daemon
