#pragma once

#include "core/event.hpp"
#include "core/time_range.hpp"

#include <date/tz.h>

#include <cstdint>
#include <string>

namespace summit::scheduler {

// One reminder firing as the channels see it: which reminder, when it was
// due and fired, and a snapshot of the event's fields taken when it fired.
// The snapshot lets a firing recovered after a crash be delivered even if the
// event has since been edited or removed.
struct Firing {
  std::int64_t firing_id = 0;   // the outbox row; key for mark_delivered
  std::int64_t reminder_id = 0; // stable across re-deliveries: receivers dedupe on it
  std::int64_t event_id = 0;
  core::SysSeconds due{};
  core::SysSeconds fired_at{};
  core::Seconds lateness{}; // fired_at - due, never negative
  // Set by the Scheduler, not the store: lateness > SchedulerOptions::late_after.
  bool late = false;
  // Set by the Scheduler: delivered again at start-up after a crash.
  bool redelivery = false;

  // Event snapshot.
  std::string title;
  core::Precision precision = core::Precision::timed;
  // timed: "2025-09-26T10:00:00+03:00"; all_day: "2025-09-26"; month: "2025-09".
  std::string start_local;
  core::SysSeconds start_utc{};
  std::string tz;
  std::string location;
  // The reminder as the user set it: an ISO 8601 duration before the start
  // ("P1D", "PT1H") or an absolute instant in UTC ("2025-09-20T08:00:00Z").
  std::string reminder;
};

// The snapshot's start as channels show it: timed "2025-09-26T10:00:00+03:00"
// (the instant in `zone`; in UTC with "Z" when `zone` is nullptr), all_day
// "2025-09-26", month "2025-09" (both from the wall time: a day has no offset).
std::string snapshot_start(core::Precision precision, core::LocalSeconds start_local,
                           core::SysSeconds start_utc, const date::time_zone *zone);

// The snapshot's reminder as the user set it: "P1D", "PT1H" before the start,
// or "2025-09-20T08:00:00Z" for an absolute instant.
std::string snapshot_reminder(const core::Reminder &reminder);

// Fills the snapshot fields (event_id, title, precision, start_local,
// start_utc, tz, location, reminder) from an event and one of its reminders.
// `zone` is the event's zone; with nullptr a timed start is written in UTC.
// For the store, which takes the snapshot when it records the firing.
void fill_event_fields(Firing &firing, const core::Event &event, const core::Reminder &reminder,
                       const date::time_zone *zone);

// "reminder 12 (event 7 'Council of Heads of Government', due 2025-09-25T07:00:00Z)":
// how logs name a firing.
std::string describe(const Firing &firing);

} // namespace summit::scheduler
