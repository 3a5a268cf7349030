#include "core/reminder_plan.hpp"

#include "core/time_format.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace summit::core {

namespace {

// The local day a before-offset lands on for an event without a time of day:
// count back from 00:00 of the first day and take the day that instant is
// in. floor() does the "any part of a day is one more day back" rule.
date::local_days landing_day(LocalSeconds first_day_midnight, Seconds before) {
  return date::floor<date::days>(first_day_midnight - before);
}

} // namespace

SysSeconds reminder_due(const Event &event, const Reminder &reminder, const date::time_zone *zone,
                        const ReminderPlanOptions &options) {
  if (reminder.at) {
    return *reminder.at;
  }
  const Seconds before = reminder.before.value_or(Seconds{0});
  if (event.precision == Precision::timed) {
    return event.start_utc - before;
  }
  // start_local is 00:00 of the first day (all_day) or of the 1st (month);
  // floor again so that a stray time of day cannot shift the rule.
  const LocalSeconds first_day{date::floor<date::days>(event.start_local)};
  const int hour = std::clamp(options.morning_hour, 0, 23);
  const LocalSeconds morning = landing_day(first_day, before) + std::chrono::hours{hour};
  return resolve_local(morning, zone).utc;
}

std::vector<PlannedReminder> plan_reminders(const Event &event, const date::time_zone *zone,
                                            const ReminderPlanOptions &options) {
  std::vector<PlannedReminder> planned;
  planned.reserve(event.reminders.size());
  for (std::size_t i = 0; i < event.reminders.size(); ++i) {
    planned.push_back({i, reminder_due(event, event.reminders[i], zone, options)});
  }
  std::sort(planned.begin(), planned.end(), [](const auto &a, const auto &b) {
    return a.due != b.due ? a.due < b.due : a.index < b.index;
  });
  return planned;
}

namespace {

std::string clock_reading(LocalSeconds t) {
  const auto tod = date::hh_mm_ss<Seconds>{t - date::floor<date::days>(t)};
  return fmt::format("{:02}:{:02}", tod.hours().count(), tod.minutes().count());
}

std::string describe(const ZoneChange &change) {
  const Seconds delta = change.offset_after - change.offset_before;
  const char *direction = delta > Seconds{0} ? "forward" : "back";
  const LocalSeconds wall_before{change.at.time_since_epoch() + change.offset_before};
  const LocalSeconds wall_after{change.at.time_since_epoch() + change.offset_after};
  return fmt::format("clocks go {} {} on {} {} → {} {}", direction,
                     format_duration_short(std::chrono::abs(delta)),
                     format_human_datetime(wall_before), change.abbrev_before,
                     clock_reading(wall_after), change.abbrev_after);
}

} // namespace

std::vector<ZoneChange> zone_changes_between(SysSeconds from, SysSeconds to,
                                             const date::time_zone *zone, std::size_t limit) {
  std::vector<ZoneChange> changes;
  if (to <= from || zone == nullptr) {
    return changes;
  }
  auto info = zone_info(from, zone);
  // info.end is the first instant of the next period; it lies in (from, to]
  // exactly when info.end <= to, because `from` is inside [begin, end).
  while (changes.size() < limit && info.end <= to && info.end > from) {
    auto next = zone_info(info.end, zone);
    if (next.begin <= info.begin) {
      break; // the database ran out of periods; never loop forever
    }
    if (next.offset != info.offset) {
      ZoneChange change{next.begin, info.offset, next.offset, info.abbrev, next.abbrev, {}};
      change.description = describe(change);
      changes.push_back(std::move(change));
    }
    info = std::move(next);
  }
  return changes;
}

} // namespace summit::core
