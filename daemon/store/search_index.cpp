#include "daemon/store/search_index.hpp"

#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>

namespace summit::store {

SearchIndex::SearchIndex(SQLite::Database &db)
    : m_above(db, "SELECT EXISTS (SELECT 1 FROM events WHERE id > (SELECT id FROM "
                  "events_fts_indexed WHERE only = 1))"),
      m_index(db, "INSERT INTO events_fts (rowid, title, location, description) "
                  "SELECT id, title, location, description FROM events "
                  "WHERE id > (SELECT id FROM events_fts_indexed WHERE only = 1) ORDER BY id"),
      // Never lowered: ids above the highest deleted one stay unused (007).
      m_raise(db, "UPDATE events_fts_indexed SET id = max(id, coalesce((SELECT max(id) FROM "
                  "events), 0)) WHERE only = 1") {}

bool SearchIndex::rows_above_mark() {
  Use s(m_above);
  return s->executeStep() && s->getColumn(0).getInt() != 0;
}

void SearchIndex::catch_up() {
  if (!m_behind) {
    return;
  }
  Use(m_index)->exec();
  Use(m_raise)->exec();
  m_behind = false;
}

} // namespace summit::store
