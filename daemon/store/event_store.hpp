#pragma once

#include "core/error.hpp"
#include "core/event.hpp"
#include "core/occurrence_json.hpp"
#include "core/reminder_plan.hpp"
#include "core/time_range.hpp"
#include "daemon/store/event_pages.hpp"
#include "daemon/store/group_commit.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/request_keys.hpp"
#include "daemon/store/search_planning.hpp"
#include "daemon/store/tzdata_recompute.hpp"

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace SQLite {
class Database;
}

namespace summit::store {

// One database file open on two connections of this daemon (the request
// side's and the firing thread's): the file they agree is the calendar, so
// that one written back by one connection (ensure_file) is taken up by the
// other instead of passing for a replacement.
struct SharedFile {
  std::mutex mutex; // held while a connection checks, writes back or reopens the file
  dev_t dev = 0;
  ino_t ino = 0;
  // Writes that must not wait (the reminder outbox's) under way or waiting
  // for SQLite's write lock: EventStore::UrgentWrite.
  std::atomic<int> urgent_writes{0};
  // Steady-clock nanoseconds since the firing thread began taking due
  // reminders that the request side has not yet passed on to subscribers
  // (0: none): EventStore::Announcing.
  std::atomic<std::int64_t> unannounced_since{0};
};

struct StoreOptions {
  // Migrations to apply; defaults to the embedded ones. Tests pass their own
  // to check ordering and failure.
  const std::vector<Migration> *migrations = nullptr;
  // How reminders of all-day and month events are placed (morning hour).
  core::ReminderPlanOptions reminder_plan = {};
  // Tests force a plan to compare them; the daemon leaves it automatic.
  SearchPlan search_plan = SearchPlan::automatic;
  // Shared by the stores opened on one file; empty for a store alone.
  std::shared_ptr<SharedFile> shared_file = {};
  // Whether this store writes a removed file back from its connection. A
  // second connection leaves it to the first (one writer of the copy):
  // until that has happened its writes are refused and `on_file_removed`
  // is called (from the thread that writes), so that the first can do it.
  bool writes_back_removed_file = true;
  std::function<void()> on_file_removed = {};
  // Whether open() creates the missing folders above the file (mode 0700).
  // summitd does for its default location only: the folder of a path the
  // user named (--db, `database`) that does not exist is a typo, refused.
  // Writing a removed file back recreates its folders either way.
  bool create_missing_folders = true;
};

// The calendar in one SQLite file (WAL, synchronous=FULL so that every write
// a client is told succeeded survives a crash or power loss). Every write
// runs in a transaction; statements are prepared once and reused; SQLite
// exceptions never leave this class: they come back as ErrorCode::storage
// with a message that says what failed.
class EventStore {
public:
  // Opens or creates the database at `path` (creating its parent folder with
  // mode 0700 if missing and options.create_missing_folders; a new file is
  // created with mode 0600 whatever the umask, and its -wal and -shm take
  // that mode), applies pending migrations in order, each in its
  // own transaction, and records the version in PRAGMA user_version. A
  // database whose user_version is newer than the newest migration is
  // refused with a message naming both versions and left untouched.
  static core::Result<std::unique_ptr<EventStore>> open(const std::filesystem::path &path,
                                                        StoreOptions options = {});
  ~EventStore();
  EventStore(const EventStore &) = delete;
  EventStore &operator=(const EventStore &) = delete;

  // add/update also plan the event's reminders in the same transaction:
  // its pending reminder instances are replaced by one per reminder due
  // after event.updated (the instant of the change; the store never reads the
  // clock). A reminder that already fired at the same instant is not planned
  // again, so editing a title never re-fires; a cancelled event has none.
  // Snoozes stay. remove drops pending instances with the event; the outbox
  // (firings) keeps its history.
  //
  // Inserts the event; assigns id (and a uid "<random>@summit" when empty).
  // `conflict` when the uid is already used. Returns the stored event.
  core::Result<core::Event> add(core::Event event);
  // add() for a caller that found the event's uid unused in the same write
  // (an import's chunk: find_uid, then this): the uid is not looked up a
  // second time. The UNIQUE index still refuses a clash (a storage error
  // then, not `conflict`).
  core::Result<core::Event> add_unused_uid(core::Event event);
  // `not_found` naming the id when absent.
  core::Result<core::Event> get(std::int64_t id);
  // Replaces every field of the event with this id (tags and reminders too).
  core::Result<core::Event> update(const core::Event &event);
  core::Result<void> remove(std::int64_t id);
  core::Result<ListPage> list(const ListQuery &query);
  // The event with this uid, or nothing.
  core::Result<std::optional<core::Event>> find_uid(const std::string &uid);
  // The changes of one occurrence of the series `series_uid` stored without
  // it (Event::lone_change), in id order, at most `limit`.
  core::Result<std::vector<core::Event>> find_lone_changes(const std::string &series_uid,
                                                           std::size_t limit);
  // Runs `body`, which calls the write methods above, as one write: its
  // changes commit together or not at all (an error from `body` or from
  // the database rolls every one of them back).
  core::Result<void> write_together(const std::function<core::Result<void>()> &body);
  // write_together in a transaction of its own (the open group is
  // committed first, with its fsync), committed without waiting for the
  // disk (synchronous=NORMAL, as the reminder outbox commits): a process
  // crash loses nothing, a power loss may roll it back. For a long write in
  // steps whose caller answers only after sync() (an import's chunks): the
  // write lock is then held for the step's work, not for an fsync too.
  //
  // With `flat`, the writes inside `body` take no savepoint of their own
  // (GroupCommit::Flat): one failing rolls the whole write back even if
  // `body` carries on. An import's chunk is all or nothing either way, and
  // the savepoints cost SQLite (and the text index) work for every event.
  //
  // With TextIndex::later, the text index of the events it adds is not
  // written at its commit but left to a later one (the next write_unsynced
  // with TextIndex::now, the next group's commit, or summitd's next start,
  // which indexes every event above the mark): an import indexes every few
  // thousand events and at its last chunk, instead of writing an FTS5
  // segment (and merging it later) for each chunk of a few dozen. Until
  // then a text search does not find those events; everything else does.
  enum class Nesting { savepoints, flat };
  enum class TextIndex { now, later };
  core::Result<void> write_unsynced(const std::function<core::Result<void>()> &body,
                                    Nesting nesting = Nesting::savepoints,
                                    TextIndex index = TextIndex::now);
  // Waits until the disk holds every commit so far (an fsync of the WAL).
  core::Result<void> sync();
  // Request keys (schema 005, docs/PROTOCOL.md "Request keys"): the request
  // `key` of `uid` recorded at or after `since` (older ones have expired),
  // or nothing.
  core::Result<std::optional<AppliedRequest>>
  find_request(std::uint32_t uid, const std::string &key, core::SysSeconds since);
  // Records the first result of request `key` of `uid`, after deleting the
  // keys recorded before `expired_before` (an indexed range: costs only the
  // rows it removes). A write of its own: call it inside the write_together
  // of the change it belongs to, so that both commit or neither does.
  core::Result<void> record_request(std::uint32_t uid, const std::string &key,
                                    const std::string &method, const std::string &result,
                                    core::SysSeconds applied, core::SysSeconds expired_before);
  // The plan the last list() with a search ran (from_matches or by_start);
  // automatic before the first. For tests and diagnostics.
  SearchPlan last_search_plan() const { return m_last_search_plan; }

  core::Result<std::int64_t> count();
  int schema_version() const;
  // How reminders of all-day and month events are placed.
  const core::ReminderPlanOptions &reminder_plan() const;

  // The tzdata version the instants were last computed with ("" if never).
  core::Result<std::string> tzdata_version();
  // Recomputes start_utc/end_utc of every event from its wall time and zone
  // (after a tzdata change), records `version`, and returns the events whose
  // start moved. One transaction.
  core::Result<std::vector<MovedEvent>> recompute_instants(const std::string &version);

  // Every write first checks that the path the store was opened with still
  // names the file it has open (one stat; with group commit, the first
  // write of each group, so at most one turn of the loop before any write):
  // - the file is gone (its folder deleted under the daemon, say): the
  //   database is written back to the path from the open connection (VACUUM
  //   INTO, folders recreated 0700), the connection reopened on it, and the
  //   write goes ahead. Nothing committed is lost, and nothing is written to
  //   a deleted file that would vanish when summitd exits. Logged as an error.
  // - another file is there now (a restore from backup): writes are refused
  //   (storage) until summitd restarts and opens it, so that neither copy
  //   silently misses changes.
  // Reads carry on from the open connection either way.
  core::Result<void> ensure_file();

  // Group commit. Off by default: every write is its own transaction,
  // committed (and fsynced) before the write method returns. Once enabled,
  // the first write after a commit opens a transaction and calls
  // `schedule_commit` (the daemon posts commit_group() to the end of the
  // current loop turn); the writes until then each run in a savepoint
  // inside it, so that a failing one rolls back alone, and all become
  // durable with one fsync at commit_group(). Their callers must not report
  // success before that (the dispatcher holds the replies).
  void enable_group_commit(std::function<void()> schedule_commit);
  bool group_open() const { return m_group.is_open(); }
  // Writes that succeeded so far (whether committed yet or not).
  std::uint64_t writes() const { return m_group.writes(); }
  // Commits the open group, if any. A failure (the group rolled back) is
  // returned here, also when it happened in an earlier flush_group().
  core::Result<void> commit_group();
  // Commits the open group now, for writers that cannot join one (the
  // reminder outbox, ensure_file). A failure is also kept for commit_group.
  core::Result<void> flush_group();

  // SQLite's write lock is not fair: a writer that sleeps in its busy
  // handler can miss every gap between another's transactions. A write that
  // must not wait (the reminder outbox's) is marked for its whole
  // transaction, and a writer that can wait (an import's next chunk) checks
  // urgent_write_waiting() on a store sharing the file and lets it go first.
  class UrgentWrite {
  public:
    explicit UrgentWrite(const EventStore &store);
    ~UrgentWrite();
    UrgentWrite(const UrgentWrite &) = delete;
    UrgentWrite &operator=(const UrgentWrite &) = delete;

  private:
    std::shared_ptr<SharedFile> m_file;
  };
  bool urgent_write_waiting() const;

  // A reminder is late until a subscriber has it, not only until it is
  // recorded: from the moment the firing thread begins taking due reminders
  // until the request side has passed them on (announced()), writers that
  // can wait hold back too, so that no import chunk comes between the
  // outbox's commit and the subscribers' notification. Held for at most
  // k_announce_wait, whatever happens to the announcement.
  class Announcing {
  public:
    explicit Announcing(const EventStore &store);
    // Leaves the mark for the request side's announced(): something fired.
    void keep() { m_keep = true; }
    ~Announcing();
    Announcing(const Announcing &) = delete;
    Announcing &operator=(const Announcing &) = delete;

  private:
    std::shared_ptr<SharedFile> m_file;
    bool m_keep = false;
  };
  void announced();
  // When the firing thread began taking what is not yet announced, if any.
  std::optional<std::chrono::steady_clock::time_point> unannounced_since() const;
  // Something is unannounced, and since less than k_announce_wait (50 ms).
  bool announcement_pending(
      std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) const;

  // WAL checkpoints. By default SQLite runs one inside the commit that
  // leaves 1,000 pages or more in the WAL, on the committing thread: a write
  // of those pages to the database file and an fsync, which on the request
  // side would hold up the loop. Set, this connection never checkpoints;
  // instead `request` is called after such a commit (on this connection's
  // thread) so that another connection, on another thread, runs
  // checkpoint(). Survives a reopen.
  void checkpoint_elsewhere(std::function<void()> request);
  // A passive checkpoint: what no reader still needs is copied into the
  // database file; never waits for a writer or blocks one.
  core::Result<void> checkpoint();

  // One write: its own transaction, or a savepoint in the open group (or in
  // the WriteScope around it, so that several writes, such as an import,
  // commit or roll back together). Rolls back on destruction unless
  // commit() was called. Throws SQLite::Exception when the transaction
  // cannot start.
  class WriteScope {
  public:
    explicit WriteScope(EventStore &store) : m_scope(store.m_group) {}
    void commit() { m_scope.commit(); }

  private:
    GroupCommit::Scope m_scope;
  };

  // Told around a reopen by ensure_file(): `before_close` must drop every
  // statement prepared on database(), `after_open` may prepare them again.
  struct ReopenHooks {
    std::function<void()> before_close;
    std::function<void()> after_open;
  };
  void set_reopen_hooks(ReopenHooks hooks);

  // For tests and diagnostics. Replaced by a reopen (see ensure_file).
  SQLite::Database &database();

private:
  struct Impl;
  explicit EventStore(std::unique_ptr<Impl> impl);
  static core::Result<std::unique_ptr<Impl>> open_impl(const std::filesystem::path &path,
                                                       const StoreOptions &options);
  // Swaps in a connection opened on the file at the same path (after
  // ensure_file), telling the hooks.
  void reopen(std::unique_ptr<Impl> impl);
  void install_wal_hook();
  core::Result<core::Event> add_event(core::Event event, bool look_up_uid);

  std::unique_ptr<Impl> m_impl;
  // After m_impl: destroyed first, with the statements it prepared on the
  // connection.
  GroupCommit m_group;
  ReopenHooks m_hooks;
  std::function<void()> m_checkpoint_request; // set: see checkpoint_elsewhere
  bool m_index_later = false;                 // write_unsynced(TextIndex::later) under way
  SearchPlan m_last_search_plan = SearchPlan::automatic;
};

} // namespace summit::store
