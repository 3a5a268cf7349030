#pragma once

#include "core/event.hpp"

#include <date/tz.h>

#include <string>
#include <vector>

namespace summit::cli {

// How much of an event one day of an agenda holds.
enum class DayPart {
  whole,     // it starts and ends that day (or is a point in time, all-day, a month)
  starts,    // a timed event that goes on past midnight
  continues, // ... neither starts nor ends that day
  ends,      // ... ends that day
};

struct AgendaEntry {
  core::Event event;
  DayPart part = DayPart::whole;
};

// One day of an agenda, a local date in the viewer's zone.
struct AgendaDay {
  date::local_days day;
  std::vector<AgendaEntry> entries;
};

// The days in [first, last] that have events, each with the events it
// holds: a timed event under every day (in `viewer`'s zone) from its start
// to its end, an all-day event under each of its own dates (local dates do
// not move with the viewer's zone), a month event (date TBA) once, under the
// first day of its month in the range. Within a day: month events, then
// all-day ones, then timed ones by start instant (then id, then occurrence).
// Days are calendar dates, so a 23- or 25-hour DST day holds what falls
// between its midnights.
std::vector<AgendaDay> agenda_days(const std::vector<core::Event> &events, date::local_days first,
                                   date::local_days last, const date::time_zone *viewer);

// The `agenda` text: per day a heading ("Fri 26 Sep 2025", "(today)" after
// it on `today`), then one line per event,
//   "10:00–11:00  Title  (location)  [12:00–13:00 Europe/Minsk]"
// the time column in the viewer's zone ("all day", "date TBA", "22:00–…",
// "…–02:00" for timed events crossing midnight), the title marked as in
// `list` (↻ for a repeating event), the location in parentheses, and in
// brackets the event's own wall time and zone when its zone is not the
// viewer's. Days are separated by an empty line.
std::string format_agenda(const std::vector<AgendaDay> &days, date::local_days today,
                          const date::time_zone *viewer);

} // namespace summit::cli
