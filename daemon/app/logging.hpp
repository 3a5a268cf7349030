#pragma once

#include <memory>
#include <string_view>

namespace spdlog {
class formatter;
}

namespace summit::daemon {

// The formatter every log line goes through: the journal's "<N>message" or
// the timestamped pattern, the message shown with control characters,
// bidi controls and invalid UTF-8 escaped (core::text::escape_controls), so
// nothing a client or a file sends can forge a line or reach a terminal raw.
std::unique_ptr<spdlog::formatter> make_log_formatter(bool journal);

// Logs go to stderr. Under systemd (JOURNAL_STREAM set) each line carries
// its syslog priority as "<N>" and no timestamp, since journald adds both;
// otherwise a normal timestamped pattern. `level` must satisfy is_log_level.
void setup_logging(std::string_view level);
void set_log_level(std::string_view level);

} // namespace summit::daemon
