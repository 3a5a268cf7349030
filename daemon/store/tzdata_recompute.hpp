#pragma once

#include "core/reminder_plan.hpp"
#include "core/time_range.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace summit::store {

class EventRows;
class ReminderInstances;

// An event whose UTC instant moved when tzdata changed.
struct MovedEvent {
  std::int64_t id;
  std::string title;
  std::string tz;
  core::SysSeconds old_start_utc;
  core::SysSeconds new_start_utc;
};

// Events keep their wall time and zone; their UTC instants are derived. When
// tzdata changes a zone's rules, the instants (and the series' spans and the
// pending reminders) are derived again, and the version they were derived
// with is recorded in `meta`. Statements are prepared once, on one
// connection; methods throw SQLite::Exception or DamagedRow, and write
// inside the caller's transaction.
class TzdataRecompute {
public:
  explicit TzdataRecompute(SQLite::Database &db);

  // The tzdata version the instants were last computed with ("" if never).
  std::string recorded_version();
  // Recomputes start_utc/end_utc of every event (512 at a time, never all
  // in memory), moves their pending reminders (`instances`: null while a
  // test opens the store without the schedule tables), records `version`,
  // and returns the events whose start moved.
  std::vector<MovedEvent> run(EventRows &rows, ReminderInstances *instances,
                              const core::ReminderPlanOptions &plan, const std::string &version);

private:
  SQLite::Statement m_get_meta;
  SQLite::Statement m_set_meta;
};

} // namespace summit::store
