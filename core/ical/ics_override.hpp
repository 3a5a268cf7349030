#pragma once

#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_series_reading.hpp"

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <string>
#include <vector>

// A VEVENT with RECURRENCE-ID: one changed occurrence of a series, read in
// the series' zone and precision into one entry of its
// recurrence.overrides. Internal to core/ical; ics_import.cpp folds them
// into their series.
namespace summit::ical::detail {

struct OverrideReading {
  int line = 0;
  int sequence = 0;
  std::string occurrence; // as in the item
  nlohmann::json item;    // one entry of recurrence.overrides
  std::vector<std::string> notes;
};

// An override of `series`, in its frame; fails with the reason.
tl::expected<OverrideReading, std::string> read_override(const VeventSource &source,
                                                         const SeriesReading &series);

} // namespace summit::ical::detail
