#pragma once

#include "core/time_range.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>

namespace SQLite {
class Database;
}

namespace summit::store {

// A request a client sent with a request key, as first applied.
struct AppliedRequest {
  std::string method; // "event.add", "calendar.import", "import.commit"
  std::string result; // the reply's `result` member, JSON text
};

// The request_keys table (schema 005, docs/PROTOCOL.md "Request keys").
// Statements are prepared once, on one connection; methods throw
// SQLite::Exception, and write inside the caller's transaction.
class RequestKeys {
public:
  explicit RequestKeys(SQLite::Database &db);

  // The request `key` of `uid` recorded at or after `since`, or nothing.
  std::optional<AppliedRequest> find(std::uint32_t uid, const std::string &key,
                                     core::SysSeconds since);
  // Deletes the keys recorded before `expired_before` (an indexed range:
  // costs only the rows it removes), then records this one.
  void record(std::uint32_t uid, const std::string &key, const std::string &method,
              const std::string &result, core::SysSeconds applied, core::SysSeconds expired_before);

private:
  SQLite::Statement m_select;
  SQLite::Statement m_prune;
  SQLite::Statement m_insert;
};

} // namespace summit::store
