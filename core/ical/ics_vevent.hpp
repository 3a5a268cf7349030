#pragma once

#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_series_reading.hpp"

#include <libical/ical.h>
#include <tl/expected.hpp>

#include <string>

// One VEVENT without RECURRENCE-ID into event.add params: the series, with
// its rule (ics_repeat.hpp) and alarms (ics_alarms.hpp). A VEVENT with
// RECURRENCE-ID is read by ics_override.hpp. Internal to core/ical;
// ics_import.cpp puts them together.
namespace summit::ical::detail {

// The UID of a VEVENT, or empty.
std::string uid_of(icalcomponent *component);
// Whether it has a RECURRENCE-ID (it changes one occurrence of a series).
bool is_override(icalcomponent *component);

// The series; fails with the reason, "line 12: DTSTART is missing".
tl::expected<SeriesReading, std::string> read_series(const VeventSource &source);

} // namespace summit::ical::detail
