#pragma once

#include "error.hpp"
#include "time_range.hpp"

#include <date/tz.h>

#include <optional>
#include <string_view>

namespace summit::core {

// A point in time as a person or a client wrote it, before it is tied to an
// event's zone.
struct When {
  enum class Kind {
    wall_time, // "2025-09-26 10:00", "tomorrow 9am": a wall time, zone to be applied
    instant,   // "+2h", "in 3 days", "2025-09-26T10:00Z", "...+03:00": an exact instant
    date,      // "2025-09-26", "today", "next friday": a whole day
    month,     // "2025-09": a month, day to be announced
  };
  Kind kind = Kind::wall_time;
  // wall_time: the wall time; date: 00:00 of the day; month: 00:00 of the 1st;
  // instant with an explicit offset: the wall time as written.
  LocalSeconds local{};
  SysSeconds instant{};              // kind == instant only
  std::optional<Seconds> utc_offset; // the offset written ("Z" is 0), if any
};

// The strict forms used on the wire and in files: YYYY-MM, YYYY-MM-DD,
// YYYY-MM-DDTHH:MM[:SS] (a space may replace T) optionally followed by Z or
// ±HH:MM / ±HHMM (or ±HH:MM:SS, which format_iso_offset writes for the
// historic offsets that have seconds). Rejects impossible dates and times
// (2025-02-30, 25:00) with a message that names the bad part.
Result<When> parse_iso(std::string_view text);

// Everything a person may type for --at/--end/--from/--to: the ISO forms
// above, relative forms ("+2h", "+1d12h", "in 3 days", "in 90 minutes"),
// everyday words ("now", "today", "tomorrow 9am", "today 17:00",
// "next friday 14:30", "friday", "noon", "9:30pm"), dates as people write
// them ("26.09.2025", "26 Sep 2025", "26 September 2025 10am", "Sept 26",
// "September 26, 2025", "26 сентября 2025"), months ("Sep 2025") and every
// form summit prints ("Fri 26 Sep 2025 10:00", "Sep 2025 (date TBA)"). A
// date without a year is the next such date. "03/04/2025" is refused as
// ambiguous, naming both readings. `now` and `zone` give "today" and
// "friday" their meaning; a time given alone ("10:00") is on
// `time_alone_day` when given (an edit keeps the event's day, an end the
// start's), else today. Nothing here reads the real clock. `day_zone`, when
// given, is the zone whose calendar "today", "tomorrow" and "friday" count
// in (the user's, for an event elsewhere: "tomorrow 10:00" is the user's
// tomorrow, at 10:00 where the event is); `zone` still places instants.
Result<When> parse_when(std::string_view text, SysSeconds now, const date::time_zone *zone,
                        std::optional<date::local_days> time_alone_day = std::nullopt,
                        const date::time_zone *day_zone = nullptr);

// Durations: "90s", "15m", "2h", "3d", "1w", combinations ("1h30m",
// "1d 12h") and ISO 8601 ("P1DT2H", "PT15M", "P1W"). Negative and empty
// durations are refused.
Result<Seconds> parse_duration(std::string_view text);

} // namespace summit::core
