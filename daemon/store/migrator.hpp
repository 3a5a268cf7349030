#pragma once

#include "core/error.hpp"
#include "daemon/store/migrations.hpp"

#include <vector>

namespace SQLite {
class Database;
}

namespace summit::store {

// The given migrations sorted by version. `internal` when two share a
// version or a version is below 1 (a packaging bug, not a user's problem).
core::Result<std::vector<Migration>> ordered_migrations(const std::vector<Migration> &migrations);

// The schema version recorded in the file (PRAGMA user_version). Reads only.
// Throws SQLite::Exception (for example SQLITE_NOTADB) like any query.
int read_schema_version(SQLite::Database &db);

// Applies, in order, every migration of `ordered` newer than the file's
// version, each in its own IMMEDIATE transaction that also sets PRAGMA
// user_version, so a failed step leaves the file at the previous version
// with nothing of the failed step in it. The version is re-read inside each
// transaction, so two processes opening a fresh file do not both apply a
// step. Returns the version reached; on failure `storage` naming the step,
// SQLite's reason and the version the file stays at.
core::Result<int> apply_migrations(SQLite::Database &db, const std::vector<Migration> &ordered);

} // namespace summit::store
