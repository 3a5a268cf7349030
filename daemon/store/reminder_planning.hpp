#pragma once

#include "core/event.hpp"
#include "core/reminder_plan.hpp"
#include "core/time_range.hpp"

#include <cstddef>
#include <cstdint>
#include <set>

namespace date {
class time_zone;
}

namespace summit::store {

class ReminderInstances;

// Which reminder instances exist: planned with every event write (add,
// update, a tzdata recompute) in its transaction, and, for a recurring
// event, once more each time one fires (the next occurrence's). Only the
// next instance of each reminder is ever materialised. Throws what
// ReminderInstances throws.

// Brings the event's pending instances (snoozes aside) in line with its
// reminders: one per reminder due after `now` (for a recurring event, of
// the next occurrence it is due for), or, with `only_positions`, just
// those positions whatever their due (tzdata moved an event: a
// still-pending reminder stays pending, even if its new instant has
// passed). An instance already pending at the same position and instant
// is kept as it is, with its id, even when that instant has passed: it is
// owed (due, not yet taken by the scheduler), and an edit of the title
// must not make it vanish. A reminder that already fired at the same
// instant is not planned again, so editing a title never re-fires; a
// cancelled event has none.
void plan_reminders(ReminderInstances &instances, const core::Event &event, core::SysSeconds now,
                    const core::ReminderPlanOptions &options,
                    const std::set<std::int64_t> *only_positions = nullptr);

// Reminder `index` of the series' occurrence after `previous` (the one that
// just fired), skipping those already due before `after` (now - grace: the
// daemon was down). Nothing when the series has no later occurrence.
void plan_next_occurrence(ReminderInstances &instances, const core::Event &series,
                          const date::time_zone *zone, std::size_t index,
                          core::LocalSeconds previous, core::SysSeconds after,
                          const core::ReminderPlanOptions &options);

} // namespace summit::store
