#pragma once

#include <string_view>

namespace summit::daemon {

// Logs go to stderr. Under systemd (JOURNAL_STREAM set) each line carries
// its syslog priority as "<N>" and no timestamp, since journald adds both;
// otherwise a normal timestamped pattern. `level` must satisfy is_log_level.
void setup_logging(std::string_view level);
void set_log_level(std::string_view level);

} // namespace summit::daemon
