#pragma once

#include "core/event.hpp"

#include <date/tz.h>

#include <string>
#include <utility>
#include <vector>

namespace summit::cli {

// Marks a repeating event -- a series, or one occurrence of it -- after its
// title in `list`, `agenda` and `cal`, and before the rule in `add`/`edit`
// confirmations (docs/man/summit.1, README).
inline constexpr const char *k_repeat_marker = "↻";

// Whether `event` is a series or an occurrence of one.
bool repeats(const core::Event &event);

// How an occurrence is named in messages and in `show`: its RECURRENCE-ID,
// a wall time in the series' zone, "Fri 31 Oct 2025 10:00", with the zone
// after it when the viewer's differs ("Fri 31 Oct 2025 10:00
// Europe/Minsk"); a date for an all-day series ("Fri 31 Oct 2025").
std::string format_occurrence_id(const core::Event &series, core::LocalSeconds id,
                                 const date::time_zone *viewer);

// The occurrence `id` of `series` as one event value, as event.list would
// give it: the override's start, end, title, location, description and
// status applied when there is one; `occurrence` set.
core::Event occurrence_of(const core::Event &series, core::LocalSeconds id);

// The `show` lines of a repeating event, name and value, in this order:
//   repeats    the daemon's description ("every week on Friday"), else the rule
//   rule       the RRULE as stored (omitted when only rdates give the dates)
//   also on    the RDATEs
//   except on  the EXDATEs (cancelled occurrences)
//   changed    one line per override: "Fri 25 Dec 2026 10:00 → Thu 24 Dec
//              2026 08:00 (10:00 Europe/Minsk); title "…""
//              (continuation lines have an empty name).
// Nothing for an event that does not repeat.
std::vector<std::pair<std::string, std::string>> recurrence_fields(const core::Event &event,
                                                                   const date::time_zone *viewer);

} // namespace summit::cli
