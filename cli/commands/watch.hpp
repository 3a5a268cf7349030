#pragma once

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace summit::cli {

// What `summit watch` was asked to do with each reminder besides printing it.
struct WatchOptions {
  bool json = false;             // one JSON object (the notification's params) per line
  bool notify = false;           // a desktop notification over D-Bus
  std::vector<std::string> exec; // a command (argv) to run per reminder; empty: none
  // Where the watch keeps the id of the last firing it showed, so that the
  // next watch on the same socket first shows what fired in between
  // (watch_cursor_file); none: only new firings, nothing kept.
  std::optional<std::string> cursor_file;
  bool from_now = false; // ignore the kept cursor: start with new firings
};

// The cursor file of a watch on `socket_path`:
// `$XDG_STATE_HOME/summit/watch-<hash of the socket path>.cursor`, with
// XDG_STATE_HOME unset or empty `$HOME/.local/state`; nothing without
// either. One per socket, so a user and a system daemon keep their own.
std::optional<std::string> watch_cursor_file(const std::string &socket_path,
                                             const std::optional<std::string> &xdg_state_home,
                                             const std::optional<std::string> &home);

// The kept cursor: a firing id written as 20 digits and a newline, rewritten
// in place after each firing shown (one pwrite, no rename: a torn write
// reads as no cursor, and the watch starts with new firings).
class WatchCursor {
public:
  // Opens (creating it and its folders, mode 0700/0600) the file; a file
  // that cannot be opened is reported in `problem` and nothing is kept.
  explicit WatchCursor(const std::optional<std::string> &path);
  ~WatchCursor();
  WatchCursor(const WatchCursor &) = delete;
  WatchCursor &operator=(const WatchCursor &) = delete;

  // The firing id kept, if the file holds one.
  std::optional<std::int64_t> load() const;
  // Keeps `firing_id` (ignored when not above what is kept, unless `force`).
  void save(std::int64_t firing_id, bool force = false);
  const std::string &problem() const { return m_problem; }

private:
  int m_fd = -1;
  std::int64_t m_saved = 0;
  std::string m_problem;
};

// The firings a watch has shown, so that a re-delivery after a daemon crash
// (same reminder_id and firing_id) is shown once. Remembers the most recent
// `capacity` firings: a re-delivery comes right after the daemon restarts.
class SeenFirings {
public:
  explicit SeenFirings(std::size_t capacity = 4096) : m_capacity(capacity) {}
  // True the first time (reminder_id, firing_id) is offered, false after.
  bool first_time(std::int64_t reminder_id, std::int64_t firing_id);

private:
  std::size_t m_capacity;
  std::set<std::pair<std::int64_t, std::int64_t>> m_seen;
  std::deque<std::pair<std::int64_t, std::int64_t>> m_order;
};

// `summit watch --exec CMD ARG...` takes every argument after --exec as the
// command's argv (so ARGs may start with "-"). When `args` (argv without
// the program name) runs the watch command, splits them there: the
// arguments for the parser, and the command. Nothing when there is no
// watch --exec; an empty command when --exec is last.
struct ExecSplit {
  std::vector<std::string> parser_args;
  std::vector<std::string> command;
};
std::optional<ExecSplit> split_watch_exec(const std::vector<std::string> &args);

// Runs `summit watch` on `socket_path` until SIGINT or SIGTERM (exit 0):
// subscribes, prints each reminder.fired (format_fired_line in `viewer`, or
// its params as one JSON line), runs options.exec and raises a desktop
// notification for it (with Snooze and Done buttons, which it serves
// between reminders by sending reminder.snooze/reminder.ack on the same
// connection, when the server shows actions), and reconnects with backoff
// (0.2 s doubling to 5 s)
// when the daemon goes away. Exits 3 when the daemon cannot be reached at
// the start, 1 when it refuses to subscribe (too old: no
// reminder.subscribe). Messages go to `err` ("summit: ...").
int run_watch(const WatchOptions &options, const std::string &socket_path,
              const date::time_zone *viewer, std::ostream &out, std::ostream &err);

} // namespace summit::cli
