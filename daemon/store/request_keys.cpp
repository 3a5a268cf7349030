#include "daemon/store/request_keys.hpp"

#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>

namespace summit::store {

RequestKeys::RequestKeys(SQLite::Database &db)
    : m_select(db, "SELECT method, result FROM request_keys WHERE uid = :uid AND key = :key "
                   "AND applied >= :since"),
      m_prune(db, "DELETE FROM request_keys WHERE applied < :before"),
      m_insert(db, "INSERT OR REPLACE INTO request_keys (uid, key, method, result, applied) "
                   "VALUES (:uid, :key, :method, :result, :applied)") {}

std::optional<AppliedRequest> RequestKeys::find(std::uint32_t uid, const std::string &key,
                                                core::SysSeconds since) {
  Use s(m_select);
  s->bind(":uid", static_cast<std::int64_t>(uid));
  s->bind(":key", key);
  s->bind(":since", to_unix(since));
  if (!s->executeStep()) {
    return std::nullopt;
  }
  return AppliedRequest{s->getColumn(0).getString(), s->getColumn(1).getString()};
}

void RequestKeys::record(std::uint32_t uid, const std::string &key, const std::string &method,
                         const std::string &result, core::SysSeconds applied,
                         core::SysSeconds expired_before) {
  {
    Use s(m_prune);
    s->bind(":before", to_unix(expired_before));
    s->exec();
  }
  // REPLACE: an expired row of the same key not pruned yet (its instant is
  // after expired_before but before the lookup's `since` only when the
  // caller passes different bounds) is overwritten.
  Use s(m_insert);
  s->bind(":uid", static_cast<std::int64_t>(uid));
  s->bind(":key", key);
  s->bind(":method", method);
  s->bind(":result", result);
  s->bind(":applied", to_unix(applied));
  s->exec();
}

} // namespace summit::store
