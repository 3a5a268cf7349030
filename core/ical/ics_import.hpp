#pragma once

#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

// iCalendar (RFC 5545) files into event.add params, over libical. Pure: text
// in, values out; the daemon validates each event with the same rules as
// event.add (core::event_from_add_params) and writes them.
namespace summit::ical {

struct ImportOptions {
  // The importing user's IANA zone: used, with a note, for events whose
  // TZID is neither an IANA name, a Windows name in the CLDR table, nor a
  // VTIMEZONE this file defines (nor one an IANA zone matches), and for
  // UTC times without X-WR-TIMEZONE. DATE values and floating times (no
  // TZID, no Z) stay floating: tz "floating" (core::k_floating).
  std::string fallback_tz;
};

// One VEVENT (with its RECURRENCE-ID overrides folded in) as event.add params:
// title, start, end or duration, all_day, tz, location, description, tags
// (CATEGORIES), status, reminders (VALARM DISPLAY/AUDIO/EMAIL with a
// relative or absolute TRIGGER), uid, recurrence {rrule, rdates, exdates,
// overrides}. Month-precision events exported by summit (all-day over a
// month, X-SUMMIT-PRECISION:MONTH) come back as a month start ("2025-09").
// An event without SUMMARY is titled "(no title)"; one without UID gets
// "import-<hash>@summit", derived from its DTSTART, SUMMARY and RRULE lines,
// so that importing the same file again finds the same events (both with a
// note). Leading and trailing blanks of a text value are lost (libical
// strips them).
struct ImportedEvent {
  nlohmann::json params;
  int line = 0; // where its BEGIN:VEVENT is, 1-based
  std::string uid;
  std::string summary;
  // For a change of one occurrence whose series is not in the file, read
  // as a single event: its RECURRENCE-ID (a UTC instant "...Z", or a date
  // for an all-day event) and the series' UID, so that the daemon joins it
  // to the series when the calendar has it (join_lone_change,
  // ics_lone_change.hpp). Empty otherwise.
  std::string recurrence_id;
  std::string series_uid;
  // Sentences for the user: "line 40: TZID 'W. Europe Standard Time' read
  // as Europe/Berlin (CLDR windowsZones)", "an alarm after the start was left
  // out". At most 100, then one that says how many more were left out.
  std::vector<std::string> notes;
};

// A component that could not be imported, and why ("line 88: VTODO is not
// an event", "line 12: DTSTART is missing").
struct SkippedComponent {
  int line = 0;
  std::string uid;
  std::string summary;
  std::string reason;
};

struct ParsedCalendar {
  std::vector<ImportedEvent> events;
  std::vector<SkippedComponent> skipped;
};

// Parses a whole iCalendar text (CRLF or LF, folded lines, several VCALENDARs
// one after another). A text that is not iCalendar at all, or whose structure
// is broken (a BEGIN without its END, a line that is no property), is refused
// with a message that names the line; components that are well-formed but
// unusable are skipped with a reason, the rest imported. Also refused,
// naming the line, before libical parses or expands anything: what would
// make the cost grow faster than the text (detail::check_limits,
// docs/RECURRENCE.md "Bounds"): a VTIMEZONE whose rule repeats more often
// than yearly or that would expand to more than 10,000 changes of offset,
// more than 100 parameters on a line, more than 500 values on an RDATE or
// EXDATE line, components nested more than 8 deep. The time taken is
// linear in the size of the text.
core::Result<ParsedCalendar> parse_calendar(std::string_view text, const ImportOptions &options);

// parse_calendar a few events at a time, so that what is held at once does
// not grow with the file: libical parses one component at a time (the
// VCALENDAR's own lines and VTIMEZONEs stay parsed), and the caller takes
// the events in batches. What refuses the whole file is found by open(),
// before any event is read. Series come out in the order of their first
// VEVENT in the file, each with its overrides folded in, as parse_calendar
// gives them.
class CalendarReader {
public:
  // `text` must outlive the reader.
  static core::Result<std::unique_ptr<CalendarReader>> open(std::string_view text,
                                                            const ImportOptions &options);
  ~CalendarReader();
  CalendarReader(const CalendarReader &) = delete;
  CalendarReader &operator=(const CalendarReader &) = delete;

  // How many events the file holds, before any is read: its VEVENTs
  // without RECURRENCE-ID, one per UID, and the changes of occurrences
  // whose series is not in the file (each a single event).
  std::size_t series() const;

  // Reads on until `out.events` has `limit` more events or the text is all
  // read; what is skipped on the way is added to `out.skipped` (not
  // sorted). Returns whether anything is left to read.
  bool read(std::size_t limit, ParsedCalendar &out);

private:
  struct Impl;
  explicit CalendarReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

} // namespace summit::ical
