#pragma once

#include "core/ical/ics_document.hpp"
#include "core/ical/ics_time.hpp"
#include "core/ical/ics_zones.hpp"

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <optional>
#include <string>
#include <vector>

// One VEVENT into event.add params (the series), or into one entry of its
// series' recurrence.overrides (a VEVENT with RECURRENCE-ID). Internal to
// core/ical; ics_import.cpp puts them together.
namespace summit::ical::detail {

// Where the component is and what it is called, for every message.
struct VeventSource {
  icalcomponent *component = nullptr;
  const Document *document = nullptr;
  ZoneResolver *zones = nullptr;
};

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

struct OverrideReading {
  int line = 0;
  int sequence = 0;
  std::string occurrence; // as in the item
  nlohmann::json item;    // one entry of recurrence.overrides
  std::vector<std::string> notes;
};

// The UID of a VEVENT, or empty.
std::string uid_of(icalcomponent *component);
// Whether it has a RECURRENCE-ID (it changes one occurrence of a series).
bool is_override(icalcomponent *component);

// The series; fails with the reason, "line 12: DTSTART is missing".
tl::expected<SeriesReading, std::string> read_series(const VeventSource &source);

// An override of `series`, in its frame; fails with the reason.
tl::expected<OverrideReading, std::string> read_override(const VeventSource &source,
                                                         const SeriesReading &series);

// RRULE, RDATE and EXDATE into params["recurrence"] (nothing when the
// event does not repeat); the reason when they cannot be read.
std::optional<std::string> read_repeat(const VeventSource &source, const IcalMoment &start,
                                       const EventFrame &frame, nlohmann::json &params,
                                       std::vector<std::string> &notes);

// The VALARMs of a VEVENT as event.add reminders; alarms summit cannot
// keep are left out with a note.
nlohmann::json read_alarms(const VeventSource &source, const SeriesReading &series,
                           std::vector<std::string> &notes);

} // namespace summit::ical::detail
