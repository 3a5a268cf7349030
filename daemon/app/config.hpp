#pragma once

#include "core/error.hpp"
#include "core/time_range.hpp"
#include "daemon/notify/exec_channel.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace summit::daemon {

inline constexpr std::size_t k_default_max_line = 1024 * 1024;
inline constexpr const char *k_default_tzdata_file = "/usr/share/zoneinfo/tzdata.zi";
inline constexpr const char *k_default_zoneinfo_dir = "/usr/share/zoneinfo";

// summitd.toml. Every key is optional; unset ones fall back to the defaults
// (paths.hpp) or the flags override them.
//
//   socket = "/run/user/1000/summit/summitd.sock"
//   database = "/home/me/.local/share/summit/summit.db"
//   log_level = "info"
//   tzdata = "/usr/share/zoneinfo/tzdata.zi"   # where the tzdata version is read
//   zoneinfo = "/usr/share/zoneinfo"           # zone.tab etc. for location -> zone
//   [limits]
//   max_line = 1048576                          # bytes per request line
//   max_connections = 4096                      # clients served at once
//   max_connections_per_uid = 64                # of those, held by one uid
//   max_uploads_per_connection = 4              # import.begin not yet committed
//   max_staged_bytes_per_uid = 16777216         # upload bytes one uid may stage
//   idle_timeout = "5m"        # close a connection quiet this long ("0s": never);
//                              # subscribers (summit watch) are exempt
//   request_timeout = "30s"    # a request line must be complete this soon
//   [reminders]
//   defaults = ["1d", "1h"]    # for new events that give none (default: none)
//   grace = "24h"              # older ones found at start-up are missed, not fired
//   morning_hour = 9           # all-day and month events remind at this local hour
//   late_after = "60s"         # a firing later than this is marked late
//   keep_firings = "30d"       # how long the firing log keeps a firing for
//                              # `summit watch` to catch up on ("0s": for ever)
//   [[notify.exec]]            # one entry per command, run for every reminder
//   command = ["/usr/local/bin/page-me", "--urgent"]
//   timeout = "30s"
//   [sync]
//   max_deletion_percent = 50  # a CalDAV sync that would remove more of a
//                              # calendar stops until --allow-deletions
//   after_change = "2s"        # a CalDAV calendar changed here syncs this soon
//                              # after ("0s": only on its interval and at
//                              # `summit sync`)
//   [subscribers]
//   queue = 4096               # accepted for older files; no longer used: a
//                              # subscriber reads the firing log by cursor
struct ReminderConfig {
  // Durations as written ("1d"), each already checked with parse_duration.
  std::vector<std::string> defaults;
  core::Seconds grace = std::chrono::hours{24};
  int morning_hour = 9;
  core::Seconds late_after{60};
  core::Seconds keep_firings = std::chrono::hours{24 * 30};
};

struct Config {
  std::optional<std::filesystem::path> socket;
  std::optional<std::filesystem::path> database;
  std::optional<std::string> log_level;
  std::filesystem::path tzdata_file = k_default_tzdata_file;
  std::filesystem::path zoneinfo_dir = k_default_zoneinfo_dir;
  std::size_t max_line = k_default_max_line;
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_uid = 64;
  std::size_t max_uploads_per_connection = 4;
  std::size_t max_staged_bytes_per_uid = 16 * 1024 * 1024;
  core::Seconds idle_timeout = std::chrono::minutes(5);
  core::Seconds request_timeout{30};
  ReminderConfig reminders;
  std::vector<notify::ExecCommand> exec_commands;
  std::size_t subscriber_queue = 4096;
  double caldav_max_deletion_share = 0.5;
  core::Seconds caldav_after_change{2};
  // A CalDAV sync fetching at least this many resources tells `summit sync`
  // how far it is, at most once per caldav_progress_every (docs/SYNC.md).
  std::size_t caldav_progress_after = 1000;
  core::Seconds caldav_progress_every{1};
};

// Parses configuration text. `origin` names the file in messages. Errors say
// where and what: "summitd.toml:3: limits.max_line must be an integer between
// 1024 and 1073741824", "summitd.toml:5: unknown key 'sokcet'",
// "summitd.toml:9: reminders.grace: 'soon' is not a duration ...".
core::Result<Config> parse_config(std::string_view text, const std::string &origin);

// Reads and parses a file. A missing file is an error unless `may_be_missing`
// (the default location), in which case the defaults are returned.
core::Result<Config> load_config(const std::filesystem::path &path, bool may_be_missing);

// True when `level` is a spdlog level name we accept.
bool is_log_level(std::string_view level);

} // namespace summit::daemon
