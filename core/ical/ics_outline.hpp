#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// The first pass over an iCalendar text, before libical parses it: content
// lines with the line each starts on, and the components as BEGIN/END nest
// them. It is what gives every message its line number, and it refuses the
// structural damage (a BEGIN without its END, a line that is no property)
// that libical would paper over. Internal to core/ical.
namespace summit::ical::detail {

// One content line, unfolded (RFC 5545 3.1: a line end followed by a space
// or tab is removed).
struct ContentLine {
  int line = 0;     // the 1-based line it starts on
  std::string text; // unfolded, without its line end
  std::string name; // the property name, upper-case: "DTSTART", "BEGIN"
};

// BEGIN:NAME ... END:NAME.
struct ComponentOutline {
  std::string name; // upper-case: "VEVENT"
  int begin_line = 0;
  int end_line = 0;
  std::size_t first = 0; // index of its BEGIN line in Outline::lines
  std::size_t last = 0;  // index of its END line
  int parent = -1;       // index in Outline::components; -1 for a VCALENDAR
  std::vector<int> children;
  std::vector<std::size_t> own_lines; // its properties (not its children's)
  // The line numbers of its own properties by name, in order: line_of and
  // count_of look here instead of walking own_lines each time.
  std::map<std::string, std::vector<int>, std::less<>> lines_by_name;
};

struct Outline {
  std::vector<ContentLine> lines;
  std::vector<ComponentOutline> components; // in the order their BEGINs appear
  std::vector<int> calendars;               // the top-level VCALENDARs
  // Property lines after an END:VCALENDAR, in no calendar: left out.
  std::vector<std::size_t> stray;
};

// Splits `text` (CRLF, LF or lone CR line ends; a leading UTF-8 byte order
// mark and blank lines are ignored) into content lines and components.
// Refused, naming the line: a NUL byte, a line with no ':' (no value), a
// continuation with nothing to continue, a BEGIN whose component name libical
// does not know, an END that does not close the open component, a BEGIN
// left open at the end of the text, a text that does not start with
// BEGIN:VCALENDAR, a component outside one. Property lines after an
// END:VCALENDAR are set apart in `stray`.
core::Result<Outline> outline_calendar(std::string_view text);

// The line of the n-th (0-based) property `name` of `component`, or 0.
int line_of(const Outline &outline, const ComponentOutline &component, std::string_view name,
            std::size_t nth = 0);

// How many properties `name` the component itself has.
std::size_t count_of(const Outline &outline, const ComponentOutline &component,
                     std::string_view name);

} // namespace summit::ical::detail
