#pragma once

#include "time_range.hpp"

#include <date/tz.h>

#include <string>

namespace summit::core {

std::string format_iso_local(LocalSeconds t);  // "2025-09-26T10:00:00"
std::string format_iso_date(LocalSeconds day); // "2025-09-26"
std::string format_iso_month(LocalSeconds t);  // "2025-09"
std::string format_iso_utc(SysSeconds t);      // "2025-09-26T07:00:00Z"
// The instant as a wall time in `zone` with its offset: "2025-09-26T10:00:00+03:00".
// An offset with seconds (local mean time, e.g. Monrovia before 1972) keeps
// them, "1971-06-01T11:15:30-00:44:30", so that parse_iso reads the same instant.
std::string format_iso_offset(SysSeconds t, const date::time_zone *zone);
// The zone's abbreviation at that instant ("CEST", "+03").
std::string zone_abbrev(SysSeconds t, const date::time_zone *zone);

// ISO 8601 duration, shortest exact form: "P1D", "PT1H30M", "P7D", "PT0S".
std::string format_duration_iso(Seconds d);
// Short human form as typed on the command line: "7d", "1h30m", "90s".
std::string format_duration_short(Seconds d);

// Human forms used by the CLI.
// Seconds are shown when there are any ("Fri 26 Sep 2025 10:00:30"): a
// snooze of 90 s or an event set to the second is not rounded away.
std::string format_human_datetime(LocalSeconds t); // "Fri 26 Sep 2025 10:00"
std::string format_clock_time(LocalSeconds t);     // "10:00", "10:00:30"
std::string format_human_date(LocalSeconds t);     // "Fri 26 Sep 2025"
std::string format_month_tba(LocalSeconds t);      // "Sep 2025 (date TBA)"

} // namespace summit::core
