#pragma once

namespace SQLite {
class Database;
}

namespace summit::store {

// Registers on `db` the SQL functions the outbox uses to write a firing's
// event snapshot in one INSERT ... SELECT (ReminderStore::take_due), so that
// the text is exactly what scheduler::snapshot_start/snapshot_reminder give:
//
//   summit_snapshot_start(precision, start_local, start_utc, tz)
//     events columns -> "2025-09-26T10:00:00+03:00" / "2025-09-26" / "2025-09"
//   summit_snapshot_reminder(before_seconds, at_utc)
//     reminders columns -> "P1D" / "2025-09-20T08:00:00Z"; both NULL -> "PT0S"
//
// Neither fails: a row they cannot read (an unknown precision, an unreadable
// wall time) gives its stored text back, so that the firing is recorded
// rather than retried for ever. They are used only in the store's own
// statements, never in the schema (triggers, views, indexes), so that the
// file stays readable with the sqlite3 shell. Throws SQLite::Exception when
// registering fails.
void register_snapshot_functions(SQLite::Database &db);

} // namespace summit::store
