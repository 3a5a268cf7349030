#pragma once

#include "core/error.hpp"
#include "core/gazetteer.hpp"

#include <date/tz.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

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
// UTC. --tz is read as people type zones (core::read_typed_zone: "UTC+3",
// "europe/minsk"; its note is this choice's); an unknown --tz fails with
// its message (did you mean...); an unusable $TZ is skipped with a note, as
// a POSIX rule string ("CET-1CEST") is not an IANA name we can store.
core::Result<ZoneChoice>
choose_viewer_zone(const std::optional<std::string> &tz_flag,
                   const std::optional<std::string> &tz_env,
                   const std::function<const date::time_zone *()> &system_zone);

// The zone an event's times are read in and stored with: --tz (as
// choose_viewer_zone reads it), else the zone the location names
// (gazetteer may be null: no inference), else `fallback` (the viewer's zone
// for a new event, the event's own zone for an edit; `fallback_whose` says
// which: "your zone"). Never silent about a location: an inferred zone
// carries the note "using time zone Europe/Minsk (Minsk, Belarus is in
// Europe/Minsk); pass --tz to override", a location no gazetteer knows "no
// time zone known for 'Atlantis'; using Europe/London (your zone); pass
// --tz to choose another". Fails on an unknown --tz (error field "tz") and
// on a location that spans several zones ("Russia"; field "location"),
// whose message says what to name instead.
core::Result<ZoneChoice> choose_event_zone(const std::optional<std::string> &tz_flag,
                                           const std::optional<std::string> &location,
                                           const core::Gazetteer *gazetteer,
                                           const date::time_zone *fallback,
                                           std::string_view fallback_whose = "your zone");

} // namespace summit::cli
