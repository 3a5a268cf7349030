#pragma once

#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_series_reading.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

// VALARMs into event.add reminders: an offset before the start, or an
// instant. Internal to core/ical.
namespace summit::ical::detail {

// The VALARMs of a VEVENT as event.add reminders; alarms summit cannot
// keep are left out with a note.
nlohmann::json read_alarms(const VeventSource &source, const SeriesReading &series,
                           std::vector<std::string> &notes);

} // namespace summit::ical::detail
