#pragma once

#include "core/time_range.hpp"

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace summit::cli {

// Every function here formats what summitd sent (docs/PROTOCOL.md,
// Reminders) for a person reading it in `viewer`'s zone. They are lenient:
// a member missing from an older or newer daemon's object is left out of
// the text, never an exception. Text from the calendar has its control
// characters replaced, as everywhere in the CLI's human output.

// A span as words, the two largest units: "1 day", "1 hour 30 minutes",
// "45 seconds", "0 seconds".
std::string format_duration_words(core::Seconds span);

// An event's start as reminder.fired/reminder.missed give it (`start` with
// the event's `tz`): a timed start in the viewer's zone with the event's
// own zone beside it ("Fri 26 Sep 2025 10:00 (Europe/Minsk)" when the zones
// are the same, "Fri 26 Sep 2025 07:00 (10:00 Europe/Minsk)" when not);
// an all-day start "Fri 26 Sep 2025 (all day)"; a month "Sep 2025 (date TBA)".
std::string format_reminder_start(std::string_view start, std::string_view tz,
                                  const date::time_zone *viewer);

// A reminder as set, in the user's words: "P1D" → "1d before", an instant
// → "at Thu 25 Sep 2025 10:00" (viewer's zone), "snooze" → "snoozed".
std::string format_reminder_setting(std::string_view reminder, const date::time_zone *viewer);

// One `summit watch` line for reminder.fired `params`:
// "[10:00:02] Reminder 12: Council of Heads of Government of the CIS — Fri 26 Sep 2025 10:00
// (Europe/Minsk), in 1 day (P1D) [late 42s]". The bracketed time is fired_at in the viewer's
// zone; "in 1 day" is the reminder's offset (or, for an absolute or snoozed reminder, the time
// from firing to the start, "started 5 minutes ago" once past); "[late …]" only when the daemon
// marked the firing late, "[redelivered]" after a daemon crash. No trailing newline.
std::string format_fired_line(const nlohmann::json &params, const date::time_zone *viewer);

// The desktop notification for reminder.fired `params`: the summary is the
// title; the body says when (as the watch line does) and where, with
// '&', '<' and '>' escaped because notification servers may read markup.
std::string notification_summary(const nlohmann::json &params);
std::string notification_body(const nlohmann::json &params, const date::time_zone *viewer);

// The `summit missed` table (ID, DUE in the viewer's zone, TITLE, REMINDER)
// for reminder.missed's `missed` array; "No missed reminders." when empty.
std::string format_missed_table(const nlohmann::json &missed, const date::time_zone *viewer);

// `summit explain` for event.explain's result: the event's start, then its
// pending reminders and the zone changes (DST, tzdata rules) between now
// and then in time order, each reminder time in the viewer's zone and, when
// it differs, in the event's zone.
std::string format_explanation(const nlohmann::json &result, const date::time_zone *viewer);

} // namespace summit::cli
