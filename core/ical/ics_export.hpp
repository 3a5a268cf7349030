#pragma once

#include "core/event.hpp"
#include "core/time_range.hpp"

#include <set>
#include <string>
#include <vector>

// Events into iCalendar (RFC 5545) text, over libical: CRLF line ends, lines
// folded at 75 octets (never inside a UTF-8 sequence), text escaped.
namespace summit::ical {

// "BEGIN:VCALENDAR", VERSION, PRODID, CALSCALE.
std::string calendar_header();
// "END:VCALENDAR".
std::string calendar_footer();

// One VEVENT per event with UID, DTSTAMP (`now`), DTSTART/DTEND with TZID
// (VALUE=DATE for all-day), SUMMARY, LOCATION, DESCRIPTION, CATEGORIES,
// STATUS, RRULE/RDATE/EXDATE, a VALARM (ACTION:DISPLAY) per reminder, and
// one more VEVENT with RECURRENCE-ID per override. A month-precision event
// is an all-day event over its month with STATUS:TENTATIVE (unless
// cancelled) and X-SUMMIT-PRECISION:MONTH, which parse_calendar reads back
// as the same month. Adds the zones it used to `zones`.
std::string vevents(const std::vector<core::Event> &events, core::SysSeconds now,
                    std::set<std::string> &zones);

// header + vevents + vtimezones (ics_vtimezone.hpp) + footer.
std::string export_calendar(const std::vector<core::Event> &events, core::SysSeconds now);

} // namespace summit::ical
