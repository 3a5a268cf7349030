#pragma once

#include "core/error.hpp"
#include "core/ical/ics_outline.hpp"

#include <cstddef>

// Bounds on what one iCalendar text may ask of libical, checked on the
// outline before libical parses or expands anything, so that the cost of an
// import grows with the size of the file and no more (docs/RECURRENCE.md,
// "Bounds"). Internal to core/ical.
namespace summit::ical::detail {

// Components nest at most this deep (VCALENDAR > VEVENT > VALARM is 3).
constexpr std::size_t k_max_nesting = 8;
// libical reads at most 100 parameters of a line (the rest become its value)
// and at most 500 values of a multi-valued line (the rest are dropped
// silently): past these a line would be read wrongly, so it is refused.
constexpr std::size_t k_max_parameters = 100;
constexpr std::size_t k_max_values = 500;
// RDATE and EXDATE values of one component, all its lines together: summit
// keeps at most 4,000 dates and changes per series (event_json), and 2,047
// EXDATE lines of 500 values each (1,000,000 dates) took summitd to 330 MB
// before that check was reached. As many as a component may have lines.
constexpr std::size_t k_max_component_dates = 20'000;
// Property lines of one component (its own, not its children's); the lines
// and components of a whole file are bounded by the outline
// (k_max_lines, k_max_components in ics_outline.hpp). libical holds each
// line of a component it parses as an object of a few hundred bytes. The
// VCALENDAR's own lines stay parsed for the whole import (a real one has a
// dozen); any other component is parsed, read and let go one at a time
// (200,000 lines of one event took 110 MB).
constexpr std::size_t k_max_calendar_lines = 1'000;
constexpr std::size_t k_max_component_lines = 20'000;
// libical takes a line whose value it cannot read out of its component
// again by walking the component's list of lines from the start, so a
// component of n lines with u lines it may fail to read (dates that are not
// plain dates, rules, durations, numbers, GEO, any line with a VALUE
// parameter) may cost u x n steps: 19,000 `DTEND:bad` lines in one VEVENT
// (209 KB) took summitd's worker 8 s of CPU. The product is bounded per
// component; well-formed dates do not count (20,000 EXDATE lines are read).
constexpr std::size_t k_max_component_unreadable_cost = 5'000'000;
// A VTIMEZONE's transitions, as libical would expand them up to the year
// k_zone_horizon_year: DTSTARTs, RDATE values and the starts of RRULEs.
constexpr std::size_t k_max_zone_rdates = 1000;              // per STANDARD/DAYLIGHT part
constexpr std::size_t k_max_zone_transitions = 10'000;       // per VTIMEZONE
constexpr std::size_t k_max_file_zone_transitions = 100'000; // per file
// libical expands a zone up to five years past the latest time converted
// with it; summit converts no time after 2399 with a file's zone.
constexpr int k_zone_horizon_year = 2404;
constexpr int k_zone_last_converted_year = 2399;

// Refuses, naming the line: a VCALENDAR with more than
// k_max_calendar_lines property lines of its own, any other component with
// more than k_max_component_lines, or whose lines libical may fail to read
// times its lines exceed k_max_component_unreadable_cost; components nested
// deeper than k_max_nesting; a
// line with more than k_max_parameters parameters; an RDATE or EXDATE (or
// any line) with more than k_max_values values; a VTIMEZONE part whose RRULE
// repeats more often than yearly, that has more than k_max_zone_rdates
// RDATE values, or whose rules give more transitions than the bounds above
// (each walk stops at the bound, so the check itself is bounded).
core::Result<void> check_limits(const Outline &outline);

} // namespace summit::ical::detail
