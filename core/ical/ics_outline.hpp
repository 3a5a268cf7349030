#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// The first pass over an iCalendar text, before libical parses it: content
// lines with the line each starts on, and the components as BEGIN/END nest
// them. It is what gives every message its line number, and it refuses the
// structural damage (a BEGIN without its END, a line that is no property)
// that libical would paper over. Internal to core/ical.
namespace summit::ical::detail {

// Content lines of one file: the outline holds 16 bytes per line of the
// file, and a 16 MiB upload of 5-byte lines ("X:1") at the top of the
// VCALENDAR took summitd to 1.3 GB. A real calendar of 16 MiB has about
// 760,000 lines. (ics_limits.hpp bounds the lines of one component.)
constexpr std::size_t k_max_lines = 1'000'000;
// Components (BEGIN lines) of one file: the outline holds about 100 bytes
// for each, and 500,000 empty VEVENTs (10 MB) took summitd to 931 MB. A
// 14 MB file of 90,000 events has 90,000; 150,000 with names of 32
// characters peak at about 60 MB.
constexpr std::size_t k_max_components = 150'000;

// One content line, unfolded (RFC 5545 3.1: a line end followed by a space
// or tab is removed). 16 bytes: where it is in the text, or in the
// outline's arena when it was folded or its name was not upper-case
// (Outline::text_of and name_of read it).
struct ContentLine {
  static constexpr std::uint32_t k_in_arena = 0x80000000U;
  std::uint32_t offset = 0; // with k_in_arena: in Outline::arena
  std::uint32_t size = 0;
  std::uint32_t name_size = 0;
  int line = 0; // the 1-based line it starts on
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
  // Its properties (not its children's): Outline::own_lines.
  std::uint32_t own_first = 0;
  std::uint32_t own_count = 0;
};

// Views into the text it was made from: the text must outlive it. Moved,
// never copied (its lines may point into its own arena).
struct Outline {
  Outline() = default;
  Outline(Outline &&) = default;
  Outline &operator=(Outline &&) = default;
  Outline(const Outline &) = delete;
  Outline &operator=(const Outline &) = delete;
  ~Outline() = default;

  std::vector<ContentLine> lines;
  std::vector<ComponentOutline> components; // in the order their BEGINs appear
  std::vector<int> calendars;               // the top-level VCALENDARs
  // Property lines after an END:VCALENDAR, in no calendar: left out.
  std::vector<std::size_t> stray;
  // Each component's own property lines (indexes into `lines`), grouped by
  // component in the order of `components`: in file order in `own`, and by
  // name (then file order) in `by_name`, so that line_of finds the n-th
  // EXDATE of 10,000 without a walk.
  std::vector<std::uint32_t> own;
  std::vector<std::uint32_t> by_name;
  // The text, and the lines that are no slice of it, end to end: unfolded
  // ones, and those whose property name was upper-cased.
  std::string_view source;
  std::string arena;

  std::span<const std::uint32_t> own_lines(const ComponentOutline &component) const {
    return std::span<const std::uint32_t>(own).subspan(component.own_first, component.own_count);
  }
  // The line unfolded, without its line end.
  std::string_view text_of(const ContentLine &line) const {
    const bool in_arena = (line.offset & ContentLine::k_in_arena) != 0;
    const std::string_view base = in_arena ? std::string_view(arena) : source;
    return base.substr(line.offset & ~ContentLine::k_in_arena, line.size);
  }
  // Its property name, upper-case: "DTSTART", "BEGIN".
  std::string_view name_of(const ContentLine &line) const {
    return text_of(line).substr(0, line.name_size);
  }
};

// Splits `text` (CRLF, LF or lone CR line ends; a leading UTF-8 byte order
// mark and blank lines are ignored) into content lines and components.
// The outline holds views into `text`, which must outlive it.
// Refused, naming the line: a NUL byte, a line with no ':' (no value), a
// continuation with nothing to continue, a BEGIN whose component name libical
// does not know, an END that does not close the open component, a BEGIN
// left open at the end of the text, a text that does not start with
// BEGIN:VCALENDAR, a component outside one, more than k_max_lines lines or
// k_max_components components. Property lines after an END:VCALENDAR are
// set apart in `stray`.
core::Result<Outline> outline_calendar(std::string_view text);

// The n-th (0-based) property `name` of `component`, or null.
const ContentLine *find_line(const Outline &outline, const ComponentOutline &component,
                             std::string_view name, std::size_t nth = 0);

// The value of a content line: what follows the first ':' that is not
// inside a quoted parameter value (RFC 5545 3.1); empty when there is none.
std::string_view line_value(std::string_view text);

// The line of the n-th (0-based) property `name` of `component`, or 0.
int line_of(const Outline &outline, const ComponentOutline &component, std::string_view name,
            std::size_t nth = 0);

// How many properties `name` the component itself has.
std::size_t count_of(const Outline &outline, const ComponentOutline &component,
                     std::string_view name);

} // namespace summit::ical::detail
