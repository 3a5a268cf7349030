#pragma once

#include "core/ical/ics_time.hpp"
#include "core/time_range.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

// What reading a series VEVENT (one without RECURRENCE-ID) gives: read_series
// (ics_vevent.hpp) fills it; its alarms (ics_alarms.hpp) and overrides
// (ics_override.hpp) are read against it. Internal to core/ical.
namespace summit::ical::detail {

struct SeriesReading {
  int line = 0;
  std::string uid;
  std::string summary; // SUMMARY as written (empty when missing)
  int sequence = 0;
  nlohmann::json params;
  EventFrame frame;
  core::SysSeconds start_utc{};
  core::Seconds length{}; // end - start (0 for a point in time)
  bool repeats = false;   // an RRULE or RDATE
  std::vector<std::string> notes;
};

} // namespace summit::ical::detail
