#include "daemon/store/migrator.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include <algorithm>

namespace summit::store {

using core::ErrorCode;

core::Result<std::vector<Migration>> ordered_migrations(const std::vector<Migration> &migrations) {
  std::vector<Migration> ordered = migrations;
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Migration &a, const Migration &b) { return a.version < b.version; });
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    if (ordered[i].version < 1) {
      return core::fail(ErrorCode::internal,
                        fmt::format("migration {} has version {}; versions start at 1",
                                    ordered[i].name, ordered[i].version));
    }
    if (i > 0 && ordered[i].version == ordered[i - 1].version) {
      return core::fail(ErrorCode::internal,
                        fmt::format("migrations {} and {} share version {}", ordered[i - 1].name,
                                    ordered[i].name, ordered[i].version));
    }
  }
  return ordered;
}

int read_schema_version(SQLite::Database &db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

core::Result<int> apply_migrations(SQLite::Database &db, const std::vector<Migration> &ordered) {
  int version = read_schema_version(db);
  for (const Migration &migration : ordered) {
    if (migration.version <= version) {
      continue;
    }
    try {
      SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
      version = read_schema_version(db);
      if (migration.version <= version) {
        continue; // another process applied it while we waited for the lock
      }
      db.exec(migration.sql);
      // PRAGMA takes no bound parameters; the value is our own integer.
      db.exec(fmt::format("PRAGMA user_version = {}", migration.version));
      transaction.commit();
      version = migration.version;
    } catch (const SQLite::Exception &e) {
      return core::fail(ErrorCode::storage,
                        fmt::format("could not apply schema migration {}: {}; the database "
                                    "stays at schema version {}",
                                    migration.name, e.what(), version));
    }
  }
  return version;
}

} // namespace summit::store
