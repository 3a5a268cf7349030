#include "daemon/store/reminder_instances.hpp"

#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>

namespace summit::store {

ReminderInstances::ReminderInstances(SQLite::Database &db)
    : m_db(db),
      m_select_pending(db, "SELECT id, position, due, occurrence FROM reminder_instances "
                           "WHERE event_id = :id AND state = 'pending' AND snooze_of IS NULL"),
      m_pending_positions(db, "SELECT DISTINCT position FROM reminder_instances "
                              "WHERE event_id = :id AND state = 'pending' AND snooze_of IS NULL"),
      m_fired_before(db, "SELECT 1 FROM reminder_instances WHERE event_id = :id AND "
                         "position = :position AND due = :due AND state <> 'pending' "
                         "AND snooze_of IS NULL LIMIT 1"),
      m_select(db, "SELECT state, event_id, position, occurrence FROM reminder_instances "
                   "WHERE id = :id"),
      m_insert(db, "INSERT INTO reminder_instances (event_id, position, due, occurrence) "
                   "VALUES (:id, :position, :due, :occurrence)"),
      m_insert_snooze(db, "INSERT INTO reminder_instances (event_id, position, due, "
                          "snooze_of, occurrence) VALUES (:event, :position, :due, :of, "
                          ":occurrence)"),
      m_move(db, "UPDATE reminder_instances SET due = :due WHERE id = :instance"),
      m_delete(db, "DELETE FROM reminder_instances WHERE id = :instance"),
      m_set_state(db, "UPDATE reminder_instances SET state = :state WHERE id = :id"),
      m_unfire(db, "UPDATE reminder_instances SET state = 'pending' WHERE id = :id "
                   "AND state = 'fired'") {}

std::vector<ReminderInstances::Pending> ReminderInstances::pending_of(std::int64_t event_id) {
  std::vector<Pending> pending;
  Use s(m_select_pending);
  s->bind(":id", event_id);
  while (s->executeStep()) {
    Pending row{s->getColumn(0).getInt64(), s->getColumn(1).getInt64(),
                from_unix(s->getColumn(2).getInt64()), std::nullopt};
    if (!s->getColumn(3).isNull()) {
      row.occurrence = s->getColumn(3).getString();
    }
    pending.push_back(std::move(row));
  }
  return pending;
}

std::set<std::int64_t> ReminderInstances::pending_positions(std::int64_t event_id) {
  std::set<std::int64_t> positions;
  Use s(m_pending_positions);
  s->bind(":id", event_id);
  while (s->executeStep()) {
    positions.insert(s->getColumn(0).getInt64());
  }
  return positions;
}

bool ReminderInstances::fired_before(std::int64_t event_id, std::int64_t position,
                                     core::SysSeconds due) {
  Use s(m_fired_before);
  s->bind(":id", event_id);
  s->bind(":position", position);
  s->bind(":due", to_unix(due));
  return s->executeStep();
}

std::optional<ReminderInstances::Instance> ReminderInstances::find(std::int64_t instance_id) {
  Use s(m_select);
  s->bind(":id", instance_id);
  if (!s->executeStep()) {
    return std::nullopt;
  }
  Instance found{s->getColumn(0).getString(), s->getColumn(1).getInt64(),
                 s->getColumn(2).getInt64(), std::nullopt};
  if (!s->getColumn(3).isNull()) {
    found.occurrence = s->getColumn(3).getString();
  }
  return found;
}

void ReminderInstances::insert(std::int64_t event_id, std::int64_t position, core::SysSeconds due,
                               const std::optional<std::string> &occurrence) {
  Use s(m_insert);
  s->bind(":id", event_id);
  s->bind(":position", position);
  s->bind(":due", to_unix(due));
  if (occurrence) {
    s->bind(":occurrence", *occurrence);
  } else {
    s->bind(":occurrence");
  }
  s->exec();
}

std::int64_t ReminderInstances::insert_snooze(const Instance &of_instance, std::int64_t of,
                                              core::SysSeconds due) {
  Use s(m_insert_snooze);
  s->bind(":event", of_instance.event_id);
  s->bind(":position", of_instance.position);
  s->bind(":due", to_unix(due));
  s->bind(":of", of);
  if (of_instance.occurrence) {
    s->bind(":occurrence", *of_instance.occurrence);
  } else {
    s->bind(":occurrence");
  }
  s->exec();
  return m_db.getLastInsertRowid();
}

void ReminderInstances::move(std::int64_t instance_id, core::SysSeconds due) {
  Use s(m_move);
  s->bind(":due", to_unix(due));
  s->bind(":instance", instance_id);
  s->exec();
}

void ReminderInstances::remove(std::int64_t instance_id) {
  Use s(m_delete);
  s->bind(":instance", instance_id);
  s->exec();
}

void ReminderInstances::acknowledge(std::int64_t instance_id) {
  Use s(m_set_state);
  s->bind(":state", "acked");
  s->bind(":id", instance_id);
  s->exec();
}

bool ReminderInstances::unfire(std::int64_t instance_id) {
  Use s(m_unfire);
  s->bind(":id", instance_id);
  return s->exec() > 0;
}

void ReminderInstances::prepare_outbox() {
  m_take_off.emplace(m_db, "UPDATE reminder_instances SET state = CASE WHEN (:now - due) > "
                           ":grace THEN 'missed' ELSE 'fired' END WHERE id IN "
                           "(SELECT reminder_id FROM temp.outbox_taken)");
}

int ReminderInstances::take_off_schedule(core::SysSeconds now, core::Seconds grace) {
  Use s(m_take_off.value());
  s->bind(":now", to_unix(now));
  s->bind(":grace", static_cast<std::int64_t>(grace.count()));
  return s->exec();
}

} // namespace summit::store
