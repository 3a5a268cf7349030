#pragma once

#include "core/error.hpp"
#include "core/event.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace summit::store {

// Every column of an event, in the order read_event() expects. Reminders
// come along as one JSON array built by a correlated subquery (an index
// lookup per row) so that listing N events is one statement, not N + 1.
inline constexpr const char *k_event_columns =
    "e.id, e.uid, e.title, e.precision, e.start_local, e.end_local, e.has_end, e.tz, "
    "e.start_later, e.start_utc, e.end_utc, e.location, e.description, e.tags, e.status, "
    "e.owner_uid, e.created, e.updated, "
    "(SELECT json_group_array(json_array(r.position, r.before_seconds, r.at_utc)) "
    "FROM reminders r WHERE r.event_id = e.id), e.end_later, e.recurrence, e.lone_series_uid, "
    "e.lone_recurrence_id";

// Reads a row selected with k_event_columns. Throws DamagedRow (or a JSON
// exception) for text the store cannot have written.
core::Event read_event(SQLite::Statement &s);

// A wall time as stored: "2025-09-26T10:00:00" (an event's years are
// 1900-2399: always four digits).
std::string local_text(core::LocalSeconds t);
// The stored wall time of event `id`; throws DamagedRow when unreadable.
core::LocalSeconds parse_local(const std::string &text, std::int64_t id);

// "<10 hex: seconds><6 hex: a counter><16 hex: random>@summit".
std::string new_uid(core::SysSeconds created);

// The invariants the schema enforces, checked first so that the caller gets
// invalid_params and a sentence instead of "CHECK constraint failed".
core::Result<void> check_storable(const core::Event &event);

// Where bind_event puts each column in one statement, looked up by name
// once (a lookup walks the statement's parameter list: 12,800
// instructions an add when done at every bind).
struct EventParameters {
  explicit EventParameters(const SQLite::Statement &s);
  int uid, title, precision, start_local, end_local, has_end, tz, start_later, end_later, start_utc,
      end_utc, location, description, tags, status, owner_uid, created, updated, lone_series_uid,
      lone_recurrence_id;
};

// The rows of one event: `events`, its tag filter rows (event_tags) and its
// reminders (reminders). Statements are prepared once, on one connection;
// methods throw SQLite::Exception or DamagedRow, which the EventStore turns
// into Results (guarded). Writes run inside the caller's transaction.
class EventRows {
public:
  explicit EventRows(SQLite::Database &db);

  // Inserts the event and its children; returns its new id.
  std::int64_t insert(const core::Event &event);
  // Rewrites every column and the children of event `event.id`.
  void update(const core::Event &event);
  // false when there was no such event. Tags and reminders go with it (ON
  // DELETE CASCADE), the text index by trigger.
  bool remove(std::int64_t id);

  std::optional<core::Event> find(std::int64_t id);
  // The id of the event using `uid`, if any.
  std::optional<std::int64_t> id_of_uid(const std::string &uid);
  // The uid of event `id`, or nothing when there is no such event.
  std::optional<std::string> uid_of(std::int64_t id);
  // The ids of the changes of one occurrence of `series_uid` stored without
  // their series (Event::lone_change), in id order, at most `limit`.
  std::vector<std::int64_t> lone_changes_of(const std::string &series_uid, std::int64_t limit);
  std::int64_t count();

  // What a tzdata recompute reads: the wall times and zone of the events
  // with an id above `after`, at most `batch` of them, in id order; a series
  // comes with an empty recurrence (read it whole with find()).
  std::vector<core::Event> wall_times_after(std::int64_t after, std::int64_t batch);
  // Writes the recomputed instants of the event (and, for a series, its
  // recurrence and span).
  void update_instants(const core::Event &event);
  void update_series(const core::Event &event);

private:
  // Rewrites the tag filter rows and the reminders of event `id`; `fresh`:
  // the event was just inserted, so it has none to delete.
  void write_children(const core::Event &event, bool fresh);

  SQLite::Database &m_db;
  SQLite::Statement m_insert_event;
  SQLite::Statement m_update_event;
  EventParameters m_insert_parameters;
  EventParameters m_update_parameters;
  SQLite::Statement m_delete_event;
  SQLite::Statement m_select_event;
  SQLite::Statement m_select_uid;
  SQLite::Statement m_select_id_by_uid;
  SQLite::Statement m_select_lone_changes;
  SQLite::Statement m_delete_tags;
  SQLite::Statement m_insert_tag;
  SQLite::Statement m_delete_reminders;
  SQLite::Statement m_insert_reminder;
  SQLite::Statement m_count;
  SQLite::Statement m_update_series;
  SQLite::Statement m_select_instants;
  SQLite::Statement m_update_instants;
  // Keeps the custom zone an event names (schema 011; absent while a test
  // opens the store with fewer migrations).
  std::optional<SQLite::Statement> m_keep_zone;
  void keep_zone(const core::Event &event);
};

} // namespace summit::store
