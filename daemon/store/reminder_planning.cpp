#include "daemon/store/reminder_planning.hpp"

#include "core/ical/recurrence.hpp"
#include "core/zones.hpp"
#include "daemon/store/event_rows.hpp"
#include "daemon/store/reminder_instances.hpp"
#include "daemon/store/statement_use.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace summit::store {

namespace {

// tzdata moved a recurring event: each pending reminder keeps its
// occurrence and takes that occurrence's new instant.
template <class PendingMap>
void move_occurrence_reminders(ReminderInstances &instances, const core::Event &event,
                               const date::time_zone *zone, const PendingMap &pending,
                               const core::ReminderPlanOptions &options) {
  for (const auto &[key, row] : pending) {
    const auto index = static_cast<std::size_t>(key.first);
    if (!row.occurrence || index >= event.reminders.size()) {
      continue;
    }
    const auto occurrence =
        ical::find_occurrence(event, zone, parse_local(*row.occurrence, event.id));
    if (!occurrence) {
      continue; // left as it was: it fires at its old instant rather than never
    }
    const auto due = core::reminder_due(ical::occurrence_event(event, *occurrence),
                                        event.reminders[index], zone, options);
    instances.move(row.id, due);
  }
}

} // namespace

void plan_reminders(ReminderInstances &instances, const core::Event &event, core::SysSeconds now,
                    const core::ReminderPlanOptions &options,
                    const std::set<std::int64_t> *only_positions) {
  struct Pending {
    std::int64_t id;
    std::optional<std::string> occurrence;
  };
  std::map<std::pair<std::int64_t, std::int64_t>, Pending> pending; // (position, due)
  for (auto &row : instances.pending_of(event.id)) {
    pending.emplace(std::pair(row.position, to_unix(row.due)),
                    Pending{row.id, std::move(row.occurrence)});
  }
  auto zone = core::find_zone(event.tz);
  if (event.recurrence && only_positions != nullptr) {
    if (zone) {
      move_occurrence_reminders(instances, event, *zone, pending, options);
    }
    return;
  }
  struct Planned {
    std::int64_t position;
    core::SysSeconds due;
    std::optional<std::string> occurrence;
  };
  std::vector<Planned> planned;
  if (event.status != core::Status::cancelled && zone) {
    if (event.recurrence) {
      // A reminder that fell due but was not taken yet (the daemon was
      // restarting when this edit arrived) stays owed if the edited series
      // still has it: planned from just before it, its position gives the
      // same instant. Taking it plans the next one, so that position gets
      // nothing planned from `now` here.
      std::set<std::int64_t> owed_positions;
      for (const auto &[key, row] : pending) {
        const auto [position, due] = key;
        if (!row.occurrence || from_unix(due) > now || owed_positions.count(position) > 0) {
          continue;
        }
        for (const auto &again : ical::plan_occurrence_reminders(
                 event, *zone, from_unix(due) - core::Seconds{1}, options)) {
          if (static_cast<std::int64_t>(again.index) == position && to_unix(again.due) == due &&
              local_text(again.occurrence) == *row.occurrence) {
            owed_positions.insert(position);
            planned.push_back({position, again.due, local_text(again.occurrence)});
          }
        }
      }
      for (const auto &next : ical::plan_occurrence_reminders(event, *zone, now, options)) {
        const auto position = static_cast<std::int64_t>(next.index);
        if (owed_positions.count(position) > 0) {
          continue;
        }
        if (instances.fired_before(event.id, position, next.due)) {
          // Taken ahead of its second (the scheduler's take_ahead), so
          // fired though still after `now`: what is owed is the one after
          // it, which that take planned. Planning this one instead would
          // remove that one, and if the take is then handed out as it was
          // (a crash before its second, the batch delivered again after
          // it), the series would have no reminder left.
          for (const auto &after :
               ical::plan_occurrence_reminders(event, *zone, next.due, options)) {
            if (after.index == next.index) {
              planned.push_back({position, after.due, local_text(after.occurrence)});
            }
          }
          continue;
        }
        planned.push_back({position, next.due, local_text(next.occurrence)});
      }
    } else {
      for (const auto &next : core::plan_reminders(event, *zone, options)) {
        planned.push_back({static_cast<std::int64_t>(next.index), next.due, std::nullopt});
      }
    }
  }
  for (const Planned &next : planned) {
    if (only_positions != nullptr && only_positions->count(next.position) == 0) {
      continue;
    }
    if (pending.erase(std::pair(next.position, to_unix(next.due))) > 0) {
      continue; // still owed, unchanged: stays
    }
    if (only_positions == nullptr && next.due <= now) {
      continue; // already past when planned: nothing to remind of
    }
    if (instances.fired_before(event.id, next.position, next.due)) {
      continue;
    }
    instances.insert(event.id, next.position, next.due, next.occurrence);
  }
  // What is left no longer matches a reminder of the event.
  for (const auto &[key, row] : pending) {
    instances.remove(row.id);
  }
}

void plan_next_occurrence(ReminderInstances &instances, const core::Event &series,
                          const date::time_zone *zone, std::size_t index,
                          core::LocalSeconds previous, core::SysSeconds after,
                          const core::ReminderPlanOptions &options) {
  const auto next = ical::next_occurrence_reminder(series, zone, index, previous, after, options);
  if (!next) {
    return;
  }
  instances.insert(series.id, static_cast<std::int64_t>(index), next->due,
                   local_text(next->occurrence));
}

} // namespace summit::store
