#pragma once

#include <SQLiteCpp/Statement.h>

namespace SQLite {
class Database;
}

namespace summit::store {

// The text index (events_fts) of the events added since it was last brought
// up to date (schema 012): every event with an id above the mark in
// events_fts_indexed is written into the index in one statement, and the
// mark raised to the highest id. Run just before a transaction that added
// events commits (GroupCommit's before-commit step) and before a text
// search on the connection that added them, never inside a write's
// savepoint: FTS5 writes a segment per savepoint, so one statement per
// group writes one segment for the whole group.
//
// Statements are prepared once, on one connection; catch_up() throws
// SQLite::Exception and writes inside the caller's transaction.
class SearchIndex {
public:
  explicit SearchIndex(SQLite::Database &db);

  // An event was inserted: the next catch_up() has work.
  void added() { m_behind = true; }
  // Whether the table holds events above the mark: rows another program
  // (sqlite3, a bench fill) inserted, which summitd indexes at start-up.
  bool rows_above_mark();
  bool behind() const { return m_behind; }
  // Indexes the events above the mark and raises it. Does nothing when no
  // event was added since the last call on this connection.
  void catch_up();

private:
  SQLite::Statement m_above;
  SQLite::Statement m_index;
  SQLite::Statement m_raise;
  bool m_behind = false;
};

} // namespace summit::store
