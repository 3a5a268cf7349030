#pragma once

#include "core/time_range.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstdint>

namespace summit::store {

// Resets a prepared statement before use and again when the use ends, so
// that a SELECT left half-stepped (limit reached, exception) never keeps a
// read transaction, and with it an old WAL snapshot, open.
class Use {
public:
  explicit Use(SQLite::Statement &statement) : m_statement(statement) {
    m_statement.tryReset();
    m_statement.clearBindings();
  }
  ~Use() { m_statement.tryReset(); }
  Use(const Use &) = delete;
  Use &operator=(const Use &) = delete;
  SQLite::Statement *operator->() { return &m_statement; }
  SQLite::Statement &operator*() { return m_statement; }

private:
  SQLite::Statement &m_statement;
};

// Instants are stored as unix seconds (INTEGER, UTC).
inline std::int64_t to_unix(core::SysSeconds t) { return t.time_since_epoch().count(); }
inline core::SysSeconds from_unix(std::int64_t s) { return core::SysSeconds{core::Seconds{s}}; }

} // namespace summit::store
