#pragma once

#include "core/error.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace SQLite {
class Database;
}

namespace summit::store {

// Group commit on one connection. Off until enabled: every write is its own
// transaction, committed (and fsynced) before the write returns. Once
// enabled, the first write after a commit opens a transaction and calls
// `schedule_commit` (the daemon posts commit() to the end of the current
// loop turn); the writes until then each run in a savepoint inside it, so
// that a failing one rolls back alone, and all become durable with one
// fsync at commit(). Their callers must not report success before that.
//
// Lives as long as the EventStore; attached to its connection, and again
// after the store reopens its file.
class GroupCommit {
public:
  GroupCommit() = default;
  GroupCommit(const GroupCommit &) = delete;
  GroupCommit &operator=(const GroupCommit &) = delete;

  // Prepares the savepoint statements on `db`; detach() drops them before
  // the connection closes.
  void attach(SQLite::Database &db);
  void detach();

  void enable(std::function<void()> schedule_commit);
  // Run in the transaction, outside every write's savepoint, just before
  // each COMMIT (of a group, or of a write outside one): work that is
  // cheaper once per transaction than once per write (SearchIndex). When it
  // throws, the transaction rolls back and the commit fails.
  void set_before_commit(std::function<void()> before_commit);
  // A write's Scope is alive (its savepoint is open).
  bool in_write() const { return m_depth > 0; }
  bool is_open() const { return m_open; }
  // Writes that succeeded so far (whether committed yet or not).
  std::uint64_t writes() const { return m_writes; }
  // Commits (or, when the commit fails, rolls back) the open group; the
  // failure, if any.
  core::Result<void> end();
  // end(), and also a failure an earlier flush() kept.
  core::Result<void> commit();
  // end() now, for writers that cannot join a group; a failure is also kept
  // for commit().
  core::Result<void> flush();

  // While a Flat is alive (made outside every write, with no group open),
  // the next write is a transaction of its own (BEGIN IMMEDIATE ... COMMIT,
  // with the before-commit step) and the writes inside it take no savepoint:
  // they share its transaction, and when one of them fails the whole
  // transaction rolls back, also if the code around it ignored the failure
  // (its commit() then throws). For a bulk write that is all or nothing
  // anyway (an import's chunk): a savepoint per write costs SQLite a
  // savepoint of every table and of the text index (FTS5's xSavepoint), and
  // each RELEASE, for nothing.
  class Flat {
  public:
    explicit Flat(GroupCommit &group);
    ~Flat();
    Flat(const Flat &) = delete;
    Flat &operator=(const Flat &) = delete;

  private:
    GroupCommit &m_group;
  };

  // One write: its own transaction, or a savepoint in the open group (or in
  // the Scope around it, so that several writes, such as an import, commit
  // or roll back together; no savepoint under a Flat). Rolls back on
  // destruction unless commit() was called. Throws SQLite::Exception when
  // the transaction cannot start.
  class Scope {
  public:
    explicit Scope(GroupCommit &group);
    ~Scope();
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;
    void commit();

  private:
    GroupCommit &m_group;
    bool m_grouped = false;
    bool m_flat = false; // inside a Flat transaction: no savepoint of its own
    bool m_done = false;
  };

private:
  // A write's savepoint (Scope): prepared once, as sqlite3_exec would parse
  // them again for every write.
  struct Savepoints {
    explicit Savepoints(SQLite::Database &db);
    SQLite::Statement savepoint;
    SQLite::Statement release;
    SQLite::Statement rollback_to;
  };
  SQLite::Database *m_db = nullptr;
  std::optional<Savepoints> m_savepoints;
  std::function<void()> m_schedule_commit; // set: group commit is on
  std::function<void()> m_before_commit;
  bool m_open = false;
  int m_depth = 0;            // Scopes alive: nested ones are savepoints
  bool m_flat = false;        // a Flat is alive
  bool m_flat_failed = false; // a write inside the Flat transaction failed
  std::uint64_t m_writes = 0;
  std::optional<core::Error> m_failure; // from a flush, for commit()
};

} // namespace summit::store
