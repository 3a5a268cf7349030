#pragma once

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace summit::cli {

// The environment a `summit watch --exec` command gets for reminder.fired
// `params`: `base` ("NAME=value" strings, the watch process's own
// environment) with SUMMIT_REMINDER_ID, SUMMIT_EVENT_ID, SUMMIT_TITLE,
// SUMMIT_START, SUMMIT_START_UTC, SUMMIT_TZ, SUMMIT_LOCATION,
// SUMMIT_REMINDER and SUMMIT_LATE_SECONDS set (an inherited variable of the
// same name is replaced) -- the same names and values summitd's
// [[notify.exec]] commands get. Values are passed verbatim, never through a
// shell; a NUL byte, which no environment can hold, ends the value.
std::vector<std::string> reminder_environment(const nlohmann::json &params,
                                              const std::vector<std::string> &base);

// Runs one command per reminder with posix_spawnp: no shell, stdin from
// /dev/null, the signal mask and dispositions reset. Never waits for a
// command: finished ones are collected by reap(), which the caller runs when
// SIGCHLD arrives.
class ReminderCommand {
public:
  // `argv` is the command and its arguments (not empty). With
  // `stdout_to_stderr` the command's stdout goes to our stderr, so that it
  // cannot break `watch --json`'s one-object-per-line output.
  ReminderCommand(std::vector<std::string> argv, bool stdout_to_stderr);

  // Starts the command for `params`; a sentence for the user on failure
  // ("cannot run page-me: No such file or directory").
  tl::expected<pid_t, std::string> start(const nlohmann::json &params);

  // Collects every finished command without blocking; a sentence for each
  // that failed ("page-me for reminder 12 exited with status 3").
  std::vector<std::string> reap();

  // Commands started and not yet reaped.
  [[nodiscard]] std::size_t running() const { return m_children.size(); }

private:
  std::vector<std::string> m_argv;
  bool m_stdout_to_stderr;
  std::map<pid_t, std::int64_t> m_children; // pid -> reminder id
};

} // namespace summit::cli
