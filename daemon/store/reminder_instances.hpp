#pragma once

#include "core/time_range.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace summit::store {

// The one writer of reminder_instances (schema 002): every statement that
// inserts, moves, changes the state of or deletes an instance is here, for
// the planning done with an event write (reminder_planning), for the
// outbox (ReminderStore::take_due) and for snooze and ack. Each connection
// that writes has one. Statements are prepared once (the outbox's by
// prepare_outbox: it reads the connection's temp.outbox_taken); methods throw
// SQLite::Exception, and run inside the caller's transaction.
class ReminderInstances {
public:
  explicit ReminderInstances(SQLite::Database &db);

  struct Pending {
    std::int64_t id = 0;
    std::int64_t position = 0;
    core::SysSeconds due{};
    std::optional<std::string> occurrence; // of a recurring event: its RECURRENCE-ID
  };
  // The pending instances of an event, snoozes aside.
  std::vector<Pending> pending_of(std::int64_t event_id);
  // The positions (reminder indexes) that have a pending instance, snoozes aside.
  std::set<std::int64_t> pending_positions(std::int64_t event_id);
  // Whether the reminder at `position` already fired (or was missed or
  // acknowledged) at `due`: it is then not planned again.
  bool fired_before(std::int64_t event_id, std::int64_t position, core::SysSeconds due);

  struct Instance {
    std::string state; // pending, fired, missed, acked
    std::int64_t event_id = 0;
    std::int64_t position = 0;
    std::optional<std::string> occurrence;
  };
  std::optional<Instance> find(std::int64_t instance_id);

  void insert(std::int64_t event_id, std::int64_t position, core::SysSeconds due,
              const std::optional<std::string> &occurrence);
  // A new pending instance snoozing `of`; returns its id.
  std::int64_t insert_snooze(const Instance &of_instance, std::int64_t of, core::SysSeconds due);
  void move(std::int64_t instance_id, core::SysSeconds due);
  void remove(std::int64_t instance_id);
  void acknowledge(std::int64_t instance_id);
  // A fired instance pending again (its firing was withdrawn before its
  // second: ReminderStore::withdraw). One acknowledged meanwhile stays so.
  // Returns whether it changed.
  bool unfire(std::int64_t instance_id);
  // Prepares take_off_schedule's statement, once the connection's
  // temp.outbox_taken exists (ReminderStore makes it): at start-up, not on
  // the firing path.
  void prepare_outbox();
  // Takes the instances listed in temp.outbox_taken off the schedule:
  // fired, or missed when more than `grace` before `now`. Returns how many.
  // Needs prepare_outbox().
  int take_off_schedule(core::SysSeconds now, core::Seconds grace);

private:
  SQLite::Database &m_db;
  SQLite::Statement m_select_pending;
  SQLite::Statement m_pending_positions;
  SQLite::Statement m_fired_before;
  SQLite::Statement m_select;
  SQLite::Statement m_insert;
  SQLite::Statement m_insert_snooze;
  SQLite::Statement m_move;
  SQLite::Statement m_delete;
  SQLite::Statement m_set_state;
  SQLite::Statement m_unfire;
  std::optional<SQLite::Statement> m_take_off; // prepare_outbox()
};

} // namespace summit::store
