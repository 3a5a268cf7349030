#pragma once

#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_time.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

// RRULE, RDATE and EXDATE of a VEVENT (the rule is passed on as text; the
// daemon's recurrence rules check and expand it). Internal to core/ical.
namespace summit::ical::detail {

// RRULE, RDATE and EXDATE into params["recurrence"] (nothing when the
// event does not repeat); the reason when they cannot be read.
std::optional<std::string> read_repeat(const VeventSource &source, const IcalMoment &start,
                                       const EventFrame &frame, nlohmann::json &params,
                                       std::vector<std::string> &notes);

} // namespace summit::ical::detail
