#pragma once

#include "core/error.hpp"
#include "core/zones.hpp"

#include <date/tz.h>

#include <functional>
#include <optional>
#include <string>

namespace summit::cli {

// A zone and, when it was not given outright, a sentence telling the user
// where it came from (printed to stderr as "summit: <note>").
struct ZoneChoice {
  const date::time_zone *zone = nullptr;
  bool inferred = false; // taken from the location
  std::string note;
};

// The zone the viewer reads times in: --tz, else $TZ (a leading ':' and a
// zoneinfo directory prefix are dropped), else the system zone
// (/etc/localtime, looked up by `system_zone`, which may return null), else
// UTC. An unknown --tz fails with find_zone's did-you-mean message; an
// unusable $TZ is skipped with a note, as a POSIX rule string ("CET-1CEST")
// is not an IANA name we can store.
core::Result<ZoneChoice>
choose_viewer_zone(const std::optional<std::string> &tz_flag,
                   const std::optional<std::string> &tz_env,
                   const std::function<const date::time_zone *()> &system_zone);

// The zone an event's times are read in and stored with: --tz, else the zone
// the location names (gazetteer may be null: no inference), else `fallback`
// (the viewer's zone for a new event, the event's own zone for an edit).
// An inferred zone carries the note "using time zone Europe/Minsk (Minsk is
// in Europe/Minsk); pass --tz to override". Fails only on an unknown --tz.
core::Result<ZoneChoice> choose_event_zone(const std::optional<std::string> &tz_flag,
                                           const std::optional<std::string> &location,
                                           const core::ZoneGazetteer *gazetteer,
                                           const date::time_zone *fallback);

} // namespace summit::cli
