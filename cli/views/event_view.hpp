#pragma once

#include "core/event.hpp"

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace summit::cli {

// Display width in terminal columns, close enough for our text: one column
// per code point (UTF-8 continuation bytes do not count).
std::size_t display_width(std::string_view text);

// Text from the calendar goes to a terminal: a newline would break a table
// and an escape sequence could rewrite the screen, so control characters
// become spaces.
std::string printable(std::string_view text);

// The title as lists show it: "[cancelled] " or "[tentative] " before it
// (not for month events, tentative by nature), k_repeat_marker after it for
// a repeating event or an occurrence of one.
std::string marked_title(const core::Event &event);

// When an event happens, as a person reads it in `viewer`'s zone:
//   timed:   "Fri 26 Sep 2025 08:00  (10:00 Europe/Minsk)" -- the event's own
//            zone and local time beside it when the zones differ; an end
//            shows as "08:00–09:30";
//   all-day: "Fri 26 Sep 2025 (all day)", or "Fri 26 Sep 2025 – Sun 28 Sep
//            2025" (local dates: they do not move with the viewer's zone);
//   month:   "Sep 2025 (date TBA)".
std::string format_when(const core::Event &event, const date::time_zone *viewer);

// A reminder as `show` lists it: "7d before", or the time it is set for in
// the viewer's zone.
std::string format_reminder(const core::Reminder &reminder, const date::time_zone *viewer);

// The `list` table: a header (ID, WHEN, TITLE, LOCATION, TAGS) and one
// aligned row per event in the order given; cancelled and tentative events
// are marked in the title column. "No events." when there are none.
std::string format_event_table(const std::vector<core::Event> &events,
                               const date::time_zone *viewer);

// The same table a page at a time, for a listing read in pages: the header
// comes with the first rows; a column is as wide as its widest cell so far
// (it may widen on a later page, never narrows).
class EventTable {
public:
  explicit EventTable(const date::time_zone *viewer);
  // The lines for these events (the header first, the first time).
  std::string rows(const std::vector<core::Event> &events);
  // "No events." when no row was given, else nothing.
  [[nodiscard]] std::string finish() const;

private:
  static constexpr std::size_t k_columns = 5;
  using Row = std::array<std::string, k_columns>;
  const date::time_zone *m_viewer;
  std::array<std::size_t, k_columns> m_widths{};
  bool m_started = false;
};

// Every field of one event, one "name: value" line each (`show`); a
// repeating event adds recurrence_fields() after its end.
std::string format_event_details(const core::Event &event, const date::time_zone *viewer);

// `add`/`edit` confirmations: "Added event 2: <title>, <when>", and for a
// series " ↻ every week on Friday" (the daemon's description, else the rule).
std::string format_event_summary(const char *verb, const core::Event &event,
                                 const date::time_zone *viewer);

// daemon.status's result, one "name: value" line per field, the documented
// ones first in their documented order. `reminders` becomes two lines:
// "reminders: 2 pending, 5 fired (1 late), 0 missed, 0 undelivered" and
// "next reminder: Thu 25 Sep 2025 10:00 (event 2)" in `viewer`'s zone (UTC
// when null), or "none".
std::string format_status(const nlohmann::json &status, const date::time_zone *viewer = nullptr);

} // namespace summit::cli
