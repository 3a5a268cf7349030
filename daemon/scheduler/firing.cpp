#include "daemon/scheduler/firing.hpp"

#include "core/text.hpp"
#include "core/time_format.hpp"

#include <fmt/format.h>

namespace summit::scheduler {

std::string snapshot_start(core::Precision precision, core::LocalSeconds start_local,
                           core::SysSeconds start_utc, const date::time_zone *zone) {
  switch (precision) {
  case core::Precision::timed:
    return zone != nullptr ? core::format_iso_offset(start_utc, zone)
                           : core::format_iso_utc(start_utc);
  case core::Precision::all_day:
    // A day has no offset; writing midnight with one would invent a time.
    return core::format_iso_date(start_local);
  case core::Precision::month:
    return core::format_iso_month(start_local);
  }
  return core::format_iso_utc(start_utc);
}

std::string snapshot_reminder(const core::Reminder &reminder) {
  if (reminder.at) {
    return core::format_iso_utc(*reminder.at);
  }
  return core::format_duration_iso(reminder.before.value_or(core::Seconds{0}));
}

void fill_event_fields(Firing &firing, const core::Event &event, const core::Reminder &reminder,
                       const date::time_zone *zone) {
  firing.event_id = event.id;
  firing.title = event.title;
  firing.precision = event.precision;
  firing.start_utc = event.start_utc;
  firing.tz = event.tz;
  firing.location = event.location;
  firing.start_local = snapshot_start(event.precision, event.start_local, event.start_utc, zone);
  firing.reminder = snapshot_reminder(reminder);
}

std::string describe(const Firing &firing) {
  return fmt::format("reminder {} (event {} '{}', due {})", firing.reminder_id, firing.event_id,
                     core::text::escape_controls(firing.title), core::format_iso_utc(firing.due));
}

} // namespace summit::scheduler
