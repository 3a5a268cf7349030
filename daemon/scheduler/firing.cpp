#include "daemon/scheduler/firing.hpp"

#include "core/time_format.hpp"

#include <fmt/format.h>

namespace summit::scheduler {

void fill_event_fields(Firing &firing, const core::Event &event, const core::Reminder &reminder,
                       const date::time_zone *zone) {
  firing.event_id = event.id;
  firing.title = event.title;
  firing.precision = event.precision;
  firing.start_utc = event.start_utc;
  firing.tz = event.tz;
  firing.location = event.location;
  switch (event.precision) {
  case core::Precision::timed:
    firing.start_local = zone != nullptr ? core::format_iso_offset(event.start_utc, zone)
                                         : core::format_iso_utc(event.start_utc);
    break;
  case core::Precision::all_day:
    // A day has no offset; writing midnight with one would invent a time.
    firing.start_local = core::format_iso_date(event.start_local);
    break;
  case core::Precision::month:
    firing.start_local = core::format_iso_month(event.start_local);
    break;
  }
  if (reminder.at) {
    firing.reminder = core::format_iso_utc(*reminder.at);
  } else {
    firing.reminder = core::format_duration_iso(reminder.before.value_or(core::Seconds{0}));
  }
}

std::string describe(const Firing &firing) {
  return fmt::format("reminder {} (event {} '{}', due {})", firing.reminder_id, firing.event_id,
                     firing.title, core::format_iso_utc(firing.due));
}

} // namespace summit::scheduler
