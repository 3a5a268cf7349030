#pragma once

#include "core/event.hpp"
#include "core/time_range.hpp"

#include <date/tz.h>

#include <cstddef>
#include <string>
#include <vector>

namespace summit::core {

// How reminders of events without a time of day are placed.
struct ReminderPlanOptions {
  // All-day and month-precision events have no time of day: their reminders
  // fire at this local hour (0-23) in the event's zone, never at midnight.
  int morning_hour = 9;
};

// The instant `reminder` of `event` is due. `zone` is the event's zone
// (find_zone(event.tz)); it is consulted only for all-day and month events.
//
//  - absolute (`at`): that instant, as given;
//  - timed event, `before`: start_utc - before;
//  - all-day or month event, `before`: morning_hour local time, in `zone`, on
//    the local day the offset lands on when counted back from 00:00 of the
//    first day. A whole number of days moves back that many days (1d -> the
//    day before); any part of a day lands on the day before that
//    (1h -> the previous day, 1d12h -> two days before); 0 -> the first day
//    itself. A morning hour that falls in a DST gap moves forward (RFC 5545).
//
// The event's status is not consulted: whether a cancelled event is planned
// at all is the caller's decision.
SysSeconds reminder_due(const Event &event, const Reminder &reminder, const date::time_zone *zone,
                        const ReminderPlanOptions &options = {});

// One reminder of an event and when it is due.
struct PlannedReminder {
  std::size_t index = 0; // position in event.reminders
  SysSeconds due{};
  bool operator==(const PlannedReminder &) const = default;
};

// Every reminder of `event` with its due instant, sorted by (due, index).
std::vector<PlannedReminder> plan_reminders(const Event &event, const date::time_zone *zone,
                                            const ReminderPlanOptions &options = {});

// A change of a zone's UTC offset: a DST transition or a tzdata rule change
// (Asia/Almaty moving from +06 to +05 on 2024-03-01).
struct ZoneChange {
  SysSeconds at{};           // the first instant with the new offset
  Seconds offset_before{};   // UTC offset just before `at`
  Seconds offset_after{};    // UTC offset from `at`
  std::string abbrev_before; // "CEST"
  std::string abbrev_after;  // "CET"
  // For `summit explain`:
  // "clocks go back 1h on Sun 26 Oct 2025 03:00 CEST → 02:00 CET".
  std::string description;
};

// The offset changes of `zone` in the half-open interval (from, to]: each
// change whose first new instant t has from < t <= to, oldest first, at most
// `limit` of them. Boundaries in tzdata that keep the offset (only the
// abbreviation or the DST flag changes) are not reported: a clock reading
// does not move there. Empty when to <= from.
std::vector<ZoneChange> zone_changes_between(SysSeconds from, SysSeconds to,
                                             const date::time_zone *zone, std::size_t limit = 16);

} // namespace summit::core
