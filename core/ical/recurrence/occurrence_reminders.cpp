#include "core/ical/recurrence.hpp"
#include "core/ical/series.hpp"
#include "core/zones.hpp"

#include <algorithm>
#include <functional>
#include <tuple>

namespace summit::ical {

namespace {

using core::SysSeconds;

const SysSeconds k_first_instant{date::sys_days{date::year{1899} / 12 / 30}};
const SysSeconds k_last_instant{date::sys_days{date::year{2401} / 1 / 2}};
// An all-day reminder's due instant is never more than this after
// start - before (the morning hour, a DST change): occurrences that start
// earlier than after + before - k_due_slack cannot be due after `after`.
// A timed one is due exactly at start - before.
constexpr core::Seconds k_due_slack = date::days{3};

using Key = std::pair<SysSeconds, core::LocalSeconds>; // (start_utc, id): start order

Key key_of(const Occurrence &occurrence) { return {occurrence.start_utc, occurrence.id}; }

bool cancelled(const Occurrence &occurrence) {
  return occurrence.changed != nullptr && occurrence.changed->status == core::Status::cancelled;
}

// The first occurrence, in start order, that starts at or after `from` and
// that `wanted` accepts; page by page, so that a series without end costs
// only the occurrences looked at.
std::optional<Occurrence> first_from(Series &series, SysSeconds from,
                                     const std::function<bool(const Occurrence &)> &wanted) {
  // Not the series' span: for a long COUNT that walks the whole series, and
  // a page that comes back short says the series has ended just as well.
  const SysSeconds end = k_last_instant;
  std::size_t page = 64;
  std::optional<Key> seen;
  SysSeconds cursor = std::max(from, k_first_instant);
  while (cursor <= end) {
    const auto found = series.collect({cursor, end + core::Seconds{1}}, page, true);
    for (const auto &occurrence : found) {
      if (seen && key_of(occurrence) <= *seen) {
        continue;
      }
      if (wanted(occurrence)) {
        return occurrence;
      }
    }
    if (found.size() < page) {
      break;
    }
    // Each page walks the rule again from a little before its cursor:
    // growing pages keep a long search to a few of them (and a page of
    // one instant, all overrides moved there, from repeating itself).
    page = std::min<std::size_t>(page * 4, 65'536);
    seen = key_of(found.back());
    cursor = found.back().start_utc;
  }
  return std::nullopt;
}

SysSeconds due_of(const core::Event &event, const Occurrence &occurrence,
                  const core::Reminder &reminder, const date::time_zone *zone,
                  const core::ReminderPlanOptions &options) {
  return core::reminder_due(occurrence_event(event, occurrence), reminder, zone, options);
}

SysSeconds search_from(const core::Event &event, const core::Reminder &reminder, SysSeconds after) {
  const core::Seconds before = reminder.before.value_or(core::Seconds{0});
  const core::Seconds slack =
      event.precision == core::Precision::timed ? core::Seconds{-1} : k_due_slack;
  return std::clamp(after, k_first_instant, k_last_instant) + before - slack;
}

} // namespace

std::vector<OccurrenceReminder>
plan_occurrence_reminders(const core::Event &event, const date::time_zone *zone, SysSeconds after,
                          const core::ReminderPlanOptions &options) {
  std::vector<OccurrenceReminder> planned;
  if (event.status == core::Status::cancelled) {
    return planned;
  }
  Series series(event, zone);
  auto not_cancelled = [](const Occurrence &occurrence) { return !cancelled(occurrence); };
  for (std::size_t i = 0; i < event.reminders.size(); ++i) {
    const core::Reminder &reminder = event.reminders[i];
    if (reminder.at) {
      if (*reminder.at <= after) {
        continue;
      }
      if (const auto first = first_from(series, k_first_instant, not_cancelled)) {
        planned.push_back({i, first->id, *reminder.at});
      }
      continue;
    }
    const auto next = first_from(series, search_from(event, reminder, after), [&](const auto &o) {
      return !cancelled(o) && due_of(event, o, reminder, zone, options) > after;
    });
    if (next) {
      planned.push_back({i, next->id, due_of(event, *next, reminder, zone, options)});
    }
  }
  std::sort(planned.begin(), planned.end(), [](const auto &a, const auto &b) {
    return std::tie(a.due, a.index) < std::tie(b.due, b.index);
  });
  return planned;
}

std::optional<OccurrenceReminder>
next_occurrence_reminder(const core::Event &event, const date::time_zone *zone, std::size_t index,
                         core::LocalSeconds previous, SysSeconds after,
                         const core::ReminderPlanOptions &options) {
  if (index >= event.reminders.size() || event.reminders[index].at ||
      event.status == core::Status::cancelled) {
    return std::nullopt;
  }
  const core::Reminder &reminder = event.reminders[index];
  Series series(event, zone);
  // Where `previous` is now; if it is gone (cancelled since), where the
  // rule put it.
  const Key last = series.is_occurrence(previous) ? key_of(series.make(previous))
                                                  : key_of(series.natural(previous));
  const SysSeconds from = std::max(last.first, search_from(event, reminder, after));
  const auto next = first_from(series, from, [&](const Occurrence &o) {
    return key_of(o) > last && !cancelled(o) && due_of(event, o, reminder, zone, options) > after;
  });
  if (!next) {
    return std::nullopt;
  }
  return OccurrenceReminder{index, next->id, due_of(event, *next, reminder, zone, options)};
}

} // namespace summit::ical
