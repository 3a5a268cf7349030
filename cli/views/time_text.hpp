#pragma once

#include "core/event.hpp"

#include <date/tz.h>

#include <string>

// When an event or a reminder is, as the views write it for a viewer in
// their zone.
namespace summit::cli {

// The wall time of instant `t` in `zone`, to the second.
core::LocalSeconds local_time_in(core::SysSeconds t, const date::time_zone *zone);

// When an event happens, as a person reads it in `viewer`'s zone:
//   timed:   "Fri 26 Sep 2025 08:00  (10:00 Europe/Minsk)" -- the event's own
//            zone and local time beside it when the zones differ; an end
//            shows as "08:00–09:30"; a floating event at its own wall time
//            whatever the viewer's zone: "Fri 26 Sep 2025 10:00  (floating)";
//   all-day: "Fri 26 Sep 2025 (all day)", or "Fri 26 Sep 2025 – Sun 28 Sep
//            2025" (local dates: they do not move with the viewer's zone);
//   month:   "Sep 2025 (date TBA)".
std::string format_when(const core::Event &event, const date::time_zone *viewer);

// A reminder as `show` lists it: "7d before", or the time it is set for in
// the viewer's zone.
std::string format_reminder(const core::Reminder &reminder, const date::time_zone *viewer);

} // namespace summit::cli
