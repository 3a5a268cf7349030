#pragma once

#include "cli/views/terminal_text.hpp"
#include "cli/views/time_text.hpp"
#include "core/event.hpp"

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace summit::cli {

// The title as lists show it: "[cancelled] " or "[tentative] " before it
// (not for month events, tentative by nature), k_repeat_marker after it for
// a repeating event or an occurrence of one.
std::string marked_title(const core::Event &event);

// The `list` table: a header (ID, WHEN, TITLE, LOCATION, TAGS) and one
// aligned row per event in the order given; cancelled and tentative events
// are marked in the title column. "No events." when there are none.
std::string format_event_table(const std::vector<core::Event> &events,
                               const date::time_zone *viewer);

// The same table a page at a time, for a listing read in pages: the header
// comes with the first rows; a column is as wide as its widest cell so far
// (it may widen on a later page, never narrows). With `max_columns` (a
// terminal's width) the lines fit it: TITLE, LOCATION and TAGS are
// shortened with "…", the widest first, never below 12, 8 and 4 columns;
// ID and WHEN are never cut. 0 (a pipe, a file): nothing is cut.
class EventTable {
public:
  explicit EventTable(const date::time_zone *viewer, std::size_t max_columns = 0);
  // The lines for these events (the header first, the first time).
  std::string rows(const std::vector<core::Event> &events);
  // "No events." when no row was given, else nothing.
  [[nodiscard]] std::string finish() const;

private:
  static constexpr std::size_t k_columns = 5;
  using Row = std::array<std::string, k_columns>;
  // The widths shown: m_widths, narrowed to fit m_max_columns.
  [[nodiscard]] std::array<std::size_t, k_columns> shown_widths() const;

  const date::time_zone *m_viewer;
  std::size_t m_max_columns = 0;
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

// What an edit changed, one indented line per field, under the "Updated"
// line: "  was: Fri 26 Sep 2025 08:00  (10:00 Europe/Minsk)", "  tags: +minsk
// -cis", "  reminders: +1h before", "  title: was \"Old title\"". Empty when
// nothing a person sees changed.
std::string format_event_changes(const core::Event &before, const core::Event &after,
                                 const date::time_zone *viewer);

// After an add or an edit, what the user should know about the past: "event
// 3 starts in the past (Fri 26 Sep 2025 08:00); its reminders will never
// fire: 1d before, 1h before", or, for an event still ahead, "the 7d before
// reminder of event 3 is already past and will not fire". A repeating event
// is left alone (its later occurrences still remind). Empty when all is
// well.
std::vector<std::string> format_past_warnings(const core::Event &event, core::SysSeconds now,
                                              const date::time_zone *viewer);

// daemon.status's result, one "name: value" line per field, the documented
// ones first in their documented order. `reminders` becomes two lines:
// "reminders: 2 pending, 5 fired (1 late), 0 missed, 0 undelivered" and
// "next reminder: Thu 25 Sep 2025 10:00 (event 2)" in `viewer`'s zone (UTC
// when null), or "none". Names read as words ("up for: 2h3m", "database
// schema: 7", "last firing", "watching: 1 (pid 17601)"); --json keeps the
// wire's.
std::string format_status(const nlohmann::json &status, const date::time_zone *viewer = nullptr);

} // namespace summit::cli
