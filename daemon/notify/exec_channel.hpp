#pragma once

#include "daemon/scheduler/channel.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace summit::notify {

// One `[[notify.exec]]` entry of the configuration.
struct ExecCommand {
  // argv[0] is a path, or a bare name looked up in the daemon's own PATH.
  // Run as is, never through a shell.
  std::vector<std::string> argv;
  core::Seconds timeout{30};
};

// How one command run for one firing ended; logged, and handed to
// ExecOptions::on_finished.
struct ExecResult {
  std::size_t command = 0; // index into the configured commands
  std::int64_t firing_id = 0;
  std::int64_t reminder_id = 0;
  std::optional<int> exit_code; // it exited
  std::optional<int> signal;    // it was killed by this signal
  bool timed_out = false;       // we killed it (its process group) at the timeout
  std::string spawn_error;      // non-empty: it never started
  std::string stderr_text;      // the first ExecOptions::stderr_limit bytes
  bool stderr_truncated = false;
};

// "PATH=...", "HOME=...", "LANG=..." taken from the daemon's environment
// (PATH defaults to /usr/local/bin:/usr/bin:/bin, LANG to C.UTF-8; HOME is
// left out when unset). Nothing else of the daemon's environment reaches a
// command: it may hold secrets or sockets the command should not see.
std::vector<std::string> safe_base_environment();

// `base` plus the firing's fields: SUMMIT_REMINDER_ID, SUMMIT_EVENT_ID,
// SUMMIT_TITLE, SUMMIT_START (local, ISO 8601 with offset; a date or month
// for events without a time of day), SUMMIT_START_UTC, SUMMIT_TZ,
// SUMMIT_LOCATION, SUMMIT_REMINDER (P1D, or the absolute instant) and
// SUMMIT_LATE_SECONDS. Values are passed verbatim, never interpreted.
std::vector<std::string> firing_environment(const scheduler::Firing &firing,
                                            const std::vector<std::string> &base);

struct ExecOptions {
  // Runs of one command at once; more wait in that command's queue: 10,000
  // reminders at one second must not start 10,000 processes at once. Each
  // command has slots and a queue of its own, so a hung or slow command
  // delays only its own runs.
  std::size_t max_running = 32;
  // Runs one command may have waiting. Past it the oldest waiting run of
  // that command is dropped (logged as a warning; it counts as done for its
  // firing), so a hung command cannot grow the daemon's memory.
  std::size_t max_queued = 4096;
  std::size_t stderr_limit = 4096;
  std::vector<std::string> base_environment = safe_base_environment();
  // Called on the channel's executor after each command run ends (tests,
  // status). Optional.
  std::function<void(const ExecResult &)> on_finished;
  // Asked before processes start: while it says so they wait, looking again
  // every k_held_start_pause, so that the subscribers that keep up have a
  // batch's reminders before its processes compete with them for the CPU
  // (ten `sh` a second on two cores made a subscriber's reminders 5–7 ms
  // late). Optional; must turn false by itself soon
  // (EventStore::announcement_pending does within 50 ms).
  std::function<bool()> hold_starts;
};

// Runs the configured commands for each firing with posix_spawn: no shell,
// stdin and stdout on /dev/null, stderr captured through a pipe (bounded)
// and logged with the exit status, each command in its own process group so
// that a timeout kills it and everything it started. Children are reaped
// through a pidfd watched by the loop, so a hanging command delays nothing.
// The firing counts as delivered when all its commands have ended, however
// they ended (failures are logged, not retried), or a command's run was
// dropped from its full queue. Commands are isolated from each other: each
// has its own run slots and its own bounded queue.
//
// Create with std::make_shared: running commands keep the channel alive.
// Single-threaded: call it on `executor`'s thread.
class ExecChannel final : public scheduler::Channel,
                          public std::enable_shared_from_this<ExecChannel> {
public:
  ExecChannel(boost::asio::any_io_executor executor, std::vector<ExecCommand> commands,
              ExecOptions options = {});

  std::string_view name() const override { return "exec"; }
  void deliver(const scheduler::Firing &firing, std::function<void()> on_delivered) override;

  // Kills (SIGKILL, whole process group) every running command and drops
  // the queued ones, for shutdown. Their firings are not marked delivered.
  void stop();

  // Runs in progress (a slot taken, the process started or about to start
  // on a later turn) and waiting, all commands together.
  std::size_t running() const;
  std::size_t queued() const;
  // Processes started and not yet reaped.
  std::size_t started() const { return m_running.size(); }
  // The same for one command (an index into the commands as configured,
  // after those with an empty argv were left out).
  std::size_t running(std::size_t command) const { return m_hooks.at(command).running; }
  std::size_t queued(std::size_t command) const { return m_hooks.at(command).queue.size(); }
  // Runs dropped because their command's queue was full, since the start.
  std::uint64_t dropped() const { return m_dropped; }

private:
  using Clock = std::chrono::steady_clock;
  struct Run;
  struct Job; // one firing: its commands still to finish and its completion
  struct Pending {
    std::shared_ptr<const std::vector<std::string>> environment; // shared by the firing's runs
    std::int64_t firing_id;
    std::int64_t reminder_id;
    std::shared_ptr<Job> job;
  };
  // One configured command: its runs in progress and its waiting runs.
  struct Hook {
    ExecCommand command;
    std::deque<Pending> queue;          // waiting for a slot
    std::deque<Pending> starting;       // has a slot; its process starts on a later turn
    std::size_t running = 0;            // slots taken: starting or started
    std::uint64_t dropped_unlogged = 0; // dropped since the last warning
    bool warned_of_drops = false;
    Clock::time_point last_drop_warning{};
  };

  // Moves what waits for command `index` to its free slots (to `starting`).
  void take_slots(std::size_t index);
  // Has start_one_each() run on a later turn (once however often asked).
  void post_start();
  // Starts one process of each command that has runs in `starting`, and
  // posts itself again while any is left.
  void start_one_each();
  void start(std::size_t index, Pending pending);
  void finished(const std::shared_ptr<Run> &run);
  // One of the job's commands is done with it; the last one reports the
  // firing delivered (on a later turn of the loop when `defer`).
  void complete(const std::shared_ptr<Job> &job, bool defer);
  static void read_stderr(const std::shared_ptr<Run> &run, std::size_t limit);

  boost::asio::any_io_executor m_executor;
  std::vector<Hook> m_hooks;
  ExecOptions m_options;
  std::vector<std::shared_ptr<Run>> m_running;
  std::uint64_t m_dropped = 0;
  bool m_start_posted = false;
  bool m_stopped = false;
  boost::asio::steady_timer m_hold_timer; // start_one_each() again, after a hold
  static constexpr std::chrono::microseconds k_held_start_pause{250};
};

} // namespace summit::notify
