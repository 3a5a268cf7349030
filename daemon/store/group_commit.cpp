#include "daemon/store/group_commit.hpp"

#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <utility>

namespace summit::store {

GroupCommit::Savepoints::Savepoints(SQLite::Database &db)
    : savepoint(db, "SAVEPOINT write"), release(db, "RELEASE write"),
      rollback_to(db, "ROLLBACK TO write") {}

void GroupCommit::attach(SQLite::Database &db) {
  m_savepoints.reset();
  m_db = nullptr;
  m_savepoints.emplace(db); // may throw: then no Scope can begin
  m_db = &db;
}

void GroupCommit::detach() {
  m_savepoints.reset();
  m_db = nullptr;
}

void GroupCommit::enable(std::function<void()> schedule_commit) {
  m_schedule_commit = std::move(schedule_commit);
}

void GroupCommit::set_before_commit(std::function<void()> before_commit) {
  m_before_commit = std::move(before_commit);
}

core::Result<void> GroupCommit::end() {
  if (!m_open) {
    return {};
  }
  m_open = false;
  try {
    if (m_before_commit) {
      m_before_commit();
    }
    m_db->exec("COMMIT");
    return {};
  } catch (const SQLite::Exception &e) {
    try {
      m_db->exec("ROLLBACK");
    } catch (const SQLite::Exception &) {
      // Already rolled back by SQLite (disk full, I/O error).
    }
    return core::fail(core::ErrorCode::storage, fmt::format("could not commit: {}", e.what()));
  }
}

core::Result<void> GroupCommit::commit() {
  auto committed = end();
  if (m_failure) {
    committed = tl::unexpected(*std::exchange(m_failure, std::nullopt));
  }
  return committed;
}

core::Result<void> GroupCommit::flush() {
  auto committed = end();
  if (!committed && !m_failure) {
    m_failure = committed.error();
  }
  return committed;
}

GroupCommit::Flat::Flat(GroupCommit &group) : m_group(group) {
  if (m_group.m_open || m_group.m_depth > 0 || m_group.m_flat) {
    throw std::logic_error("a flat write must begin outside every write, with no group open");
  }
  m_group.m_flat = true;
  m_group.m_flat_failed = false;
}

GroupCommit::Flat::~Flat() {
  m_group.m_flat = false;
  m_group.m_flat_failed = false;
}

GroupCommit::Scope::Scope(GroupCommit &group) : m_group(group) {
  if (m_group.m_db == nullptr || !m_group.m_savepoints) {
    // attach() failed after a reopen (out of memory): refuse the write.
    throw std::runtime_error("the database connection is not ready for writes");
  }
  // The depth counts only a scope that began: when BEGIN or SAVEPOINT
  // throws, no destructor runs to take it back.
  SQLite::Database &db = *m_group.m_db;
  if (m_group.m_depth > 0 && m_group.m_flat) {
    // Inside a flat write: its transaction is this write's.
    m_flat = true;
    ++m_group.m_depth;
    return;
  }
  if (m_group.m_depth > 0) {
    // Inside another write (an import, a split): a savepoint in it, so that
    // the outer write commits or rolls back the whole.
    Use(m_group.m_savepoints->savepoint)->exec();
    m_grouped = true;
    ++m_group.m_depth;
    return;
  }
  if (!m_group.m_schedule_commit || m_group.m_flat) {
    db.exec("BEGIN IMMEDIATE");
    ++m_group.m_depth;
    return;
  }
  if (!m_group.m_open) {
    db.exec("BEGIN IMMEDIATE");
    m_group.m_open = true;
    m_group.m_schedule_commit();
  }
  Use(m_group.m_savepoints->savepoint)->exec();
  m_grouped = true;
  ++m_group.m_depth;
}

GroupCommit::Scope::~Scope() {
  --m_group.m_depth;
  if (m_done) {
    return;
  }
  if (m_flat) {
    m_group.m_flat_failed = true; // the flat transaction rolls back whole
    return;
  }
  try {
    if (m_grouped) {
      Use(m_group.m_savepoints->rollback_to)->exec();
      Use(m_group.m_savepoints->release)->exec();
    } else {
      m_group.m_db->exec("ROLLBACK");
    }
  } catch (const SQLite::Exception &e) {
    spdlog::error("could not roll back a failed write: {}", e.what());
  }
}

void GroupCommit::Scope::commit() {
  if (m_flat) {
    m_done = true;
    ++m_group.m_writes;
    return;
  }
  if (m_group.m_flat && m_group.m_flat_failed) {
    // Throws before COMMIT: the destructor rolls the transaction back.
    throw std::runtime_error("a write inside it failed, so none of it was kept");
  }
  if (m_grouped) {
    Use(m_group.m_savepoints->release)->exec();
  } else {
    if (m_group.m_before_commit) {
      m_group.m_before_commit();
    }
    m_group.m_db->exec("COMMIT");
  }
  m_done = true;
  ++m_group.m_writes;
}

} // namespace summit::store
