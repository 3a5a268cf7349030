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
// notification for it, and reconnects with backoff (0.2 s doubling to 5 s)
// when the daemon goes away. Exits 3 when the daemon cannot be reached at
// the start, 1 when it refuses to subscribe (too old: no
// reminder.subscribe). Messages go to `err` ("summit: ...").
int run_watch(const WatchOptions &options, const std::string &socket_path,
              const date::time_zone *viewer, std::ostream &out, std::ostream &err);

} // namespace summit::cli
