#include "daemon/store/event_store.hpp"

#include "core/custom_zones.hpp"
#include "daemon/store/event_rows.hpp"
#include "daemon/store/file_recovery.hpp"
#include "daemon/store/guarded.hpp"
#include "daemon/store/migrator.hpp"
#include "daemon/store/reminder_instances.hpp"
#include "daemon/store/reminder_planning.hpp"
#include "daemon/store/search_index.hpp"
#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <sqlite3.h>
#include <string_view>
#include <system_error>
#include <utility>

namespace summit::store {

namespace fs = std::filesystem;
using core::ErrorCode;

namespace {

// Long enough to ride out a checkpoint or a second process briefly holding
// the write lock; short enough that a stuck lock surfaces as an error.
constexpr int k_busy_timeout_ms = 5000;

// While the other connection (the firing thread's, or the request side's)
// holds SQLite's one write lock, wait in small steps: its transactions last
// a few milliseconds, and SQLite's own busy_timeout sleeps 1, 2, 5, 10, 15 ms
// ... between tries, which would make a reminder due meanwhile late by tens
// of milliseconds. 0.1 ms steps for the first 5 ms, then 1 ms, for
// k_busy_timeout_ms in all.
int wait_for_lock(void * /*unused*/, int tries) {
  constexpr int k_fine_tries = 50;
  constexpr int k_coarse_tries = k_busy_timeout_ms - 5;
  if (tries >= k_fine_tries + k_coarse_tries) {
    return 0; // SQLITE_BUSY
  }
  ::usleep(tries < k_fine_tries ? 100 : 1000);
  return 1;
}
tl::unexpected<core::Error> refuse(const fs::path &path, std::string_view why) {
  return core::fail(
      ErrorCode::storage,
      fmt::format("will not open '{}': {}; the file was left untouched", path.string(), why));
}

// Reads the file's version before anything writes to it and refuses what
// this summitd cannot use. Nothing here writes: journal_mode=WAL rewrites the
// header of a rollback-journal file, so it comes only after these checks.
core::Result<int> check_openable(SQLite::Database &db, const fs::path &path, int newest,
                                 bool wal_existed) {
  int version = 0;
  try {
    version = read_schema_version(db);
  } catch (const SQLite::Exception &e) {
    if (e.getErrorCode() == SQLITE_NOTADB) {
      return refuse(path, "it is not a SQLite database");
    }
    throw;
  }
  if (version > newest) {
    if (wal_existed) {
      // Closing the last connection would checkpoint the newer summitd's
      // WAL into the file; leave that to the summitd that wrote it.
      sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    }
    return refuse(path, fmt::format("its schema version is {} but this summitd knows versions up "
                                    "to {}; upgrade summitd to use this database",
                                    version, newest));
  }
  if (version == 0 && db.execAndGet("SELECT count(*) FROM sqlite_master").getInt64() > 0) {
    return refuse(path, "it is a SQLite database that some other program created (it has "
                        "tables but no summit schema version)");
  }
  return version;
}

// Defines every zone the database keeps (schema 011) for this process,
// before any event is read: events name them in their `tz`. A row that
// cannot be read is logged and left out; its events then read as a zone
// find_zone does not know (as a damaged row).
void define_kept_zones(SQLite::Database &db) {
  if (!db.tableExists("custom_zones")) {
    return;
  }
  SQLite::Statement rows(db, "SELECT name, rules, vtimezone FROM custom_zones ORDER BY name");
  while (rows.executeStep()) {
    const std::string name = rows.getColumn(0).getString();
    auto rules = core::parse_zone_rules(rows.getColumn(1).getString());
    core::Result<std::string> defined =
        rules ? core::define_custom_zone(name, *rules, rows.getColumn(2).getString(),
                                         /*exact=*/true)
              : core::Result<std::string>(tl::unexpected(rules.error()));
    if (!defined) {
      spdlog::error("the database's zone '{}' (table custom_zones) cannot be used: {}; its "
                    "events cannot be listed until it is repaired",
                    name, defined.error().message);
    }
  }
}

} // namespace

// One connection and what is prepared on it, by concern. Replaced whole
// when ensure_file() reopens the file.
struct EventStore::Impl {
  Impl(SQLite::Database &&db, int version, const core::ReminderPlanOptions &plan)
      : m_db(std::move(db)), m_schema_version(version), m_rows(m_db), m_listing(m_db),
        m_tzdata(m_db), m_plan(plan) {
    // Absent while a test opens the store with fewer migrations.
    if (m_db.tableExists("reminder_instances")) {
      m_instances.emplace(m_db);
    }
    if (m_db.tableExists("request_keys")) {
      m_request_keys.emplace(m_db);
    }
    if (m_db.tableExists("events_fts_indexed")) {
      m_search_index.emplace(m_db);
    }
  }

  // Where the database lives and how it was opened (for ensure_file).
  fs::path m_path;
  StoreOptions m_options;
  dev_t m_dev = 0;
  ino_t m_ino = 0;

  // Members are destroyed in reverse order: the statements go before the
  // connection they were prepared on.
  SQLite::Database m_db;
  int m_schema_version;
  EventRows m_rows;
  EventPages m_listing;
  TzdataRecompute m_tzdata;
  std::optional<ReminderInstances> m_instances; // schema 002
  std::optional<RequestKeys> m_request_keys;    // schema 005
  std::optional<SearchIndex> m_search_index;    // schema 012
  core::ReminderPlanOptions m_plan;

  void plan(const core::Event &event, core::SysSeconds now) {
    if (m_instances) {
      plan_reminders(*m_instances, event, now, m_plan);
    }
  }
};

EventStore::EventStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {
  m_group.attach(m_impl->m_db);
  // The text index of a transaction's new events, once, before it commits
  // (schema 012): on whichever connection m_impl holds after a reopen.
  m_group.set_before_commit([this] {
    if (m_impl->m_search_index && !m_index_later) {
      m_impl->m_search_index->catch_up();
    }
  });
  if (m_impl->m_search_index && m_impl->m_search_index->rows_above_mark()) {
    // Inserted by another program: searchable from the start.
    m_impl->m_search_index->added();
    if (auto indexed = write_together([] { return core::Result<void>{}; }); !indexed) {
      spdlog::error("could not index the events another program added: {}",
                    indexed.error().message);
    }
  }
}

EventStore::~EventStore() {
  // Writes nobody was answered about yet: keeping them is the safer outcome.
  if (auto committed = m_group.end(); !committed) {
    spdlog::error("{}", committed.error().message);
  }
}

namespace {

// The WAL size (in pages) past which a checkpoint is asked for: SQLite's
// own default for wal_autocheckpoint.
constexpr int k_checkpoint_pages = 1000;

int ask_for_checkpoint(void *request, sqlite3 *, const char *, int pages) {
  if (pages >= k_checkpoint_pages) {
    (*static_cast<std::function<void()> *>(request))();
  }
  return SQLITE_OK;
}

} // namespace

EventStore::UrgentWrite::UrgentWrite(const EventStore &store)
    : m_file(store.m_impl->m_options.shared_file) {
  if (m_file) {
    m_file->urgent_writes.fetch_add(1, std::memory_order_relaxed);
  }
}

EventStore::UrgentWrite::~UrgentWrite() {
  if (m_file) {
    m_file->urgent_writes.fetch_sub(1, std::memory_order_relaxed);
  }
}

namespace {

// How long a writer that can wait holds back for an announcement: far more
// than taking and announcing a batch takes, so that only a lost
// announcement (a bug) ever reaches it.
constexpr std::chrono::milliseconds k_announce_wait{50};

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

} // namespace

EventStore::Announcing::Announcing(const EventStore &store)
    : m_file(store.m_impl->m_options.shared_file) {
  if (m_file) {
    m_file->unannounced_since.store(std::max<std::int64_t>(steady_ns(), 1),
                                    std::memory_order_relaxed);
  }
}

EventStore::Announcing::~Announcing() {
  if (m_file && !m_keep) {
    m_file->unannounced_since.store(0, std::memory_order_relaxed);
  }
}

void EventStore::announced() {
  if (const auto &file = m_impl->m_options.shared_file) {
    file->unannounced_since.store(0, std::memory_order_relaxed);
  }
}

std::optional<std::chrono::steady_clock::time_point> EventStore::unannounced_since() const {
  const auto &file = m_impl->m_options.shared_file;
  const std::int64_t since = file ? file->unannounced_since.load(std::memory_order_relaxed) : 0;
  if (since == 0) {
    return std::nullopt;
  }
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::nanoseconds(since)));
}

bool EventStore::announcement_pending(std::chrono::steady_clock::time_point now) const {
  const auto since = unannounced_since();
  return since && now - *since < k_announce_wait;
}

bool EventStore::urgent_write_waiting() const {
  const auto &file = m_impl->m_options.shared_file;
  return file && file->urgent_writes.load(std::memory_order_relaxed) > 0;
}

void EventStore::checkpoint_elsewhere(std::function<void()> request) {
  m_checkpoint_request = std::move(request);
  install_wal_hook();
}

void EventStore::install_wal_hook() {
  if (m_checkpoint_request) {
    // Replaces SQLite's own auto-checkpoint hook on this connection.
    sqlite3_wal_hook(m_impl->m_db.getHandle(), ask_for_checkpoint, &m_checkpoint_request);
  } else {
    sqlite3_wal_autocheckpoint(m_impl->m_db.getHandle(), k_checkpoint_pages);
  }
}

core::Result<void> EventStore::checkpoint() {
  const int rc = sqlite3_wal_checkpoint_v2(m_impl->m_db.getHandle(), nullptr,
                                           SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    return core::fail(core::ErrorCode::storage,
                      fmt::format("cannot checkpoint the database's WAL: {}", sqlite3_errstr(rc)));
  }
  return {};
}

void EventStore::enable_group_commit(std::function<void()> schedule_commit) {
  m_group.enable(std::move(schedule_commit));
}

core::Result<void> EventStore::commit_group() { return m_group.commit(); }

core::Result<void> EventStore::flush_group() { return m_group.flush(); }

core::Result<std::unique_ptr<EventStore>> EventStore::open(const fs::path &path,
                                                           StoreOptions options) {
  auto impl = open_impl(path, options);
  if (!impl) {
    return tl::unexpected(impl.error());
  }
  if (const auto &shared = options.shared_file) {
    const std::lock_guard lock(shared->mutex);
    if (shared->ino == 0) {
      shared->dev = (*impl)->m_dev;
      shared->ino = (*impl)->m_ino;
    }
  }
  return guarded("open the database", [&]() -> core::Result<std::unique_ptr<EventStore>> {
    return std::unique_ptr<EventStore>(new EventStore(std::move(*impl)));
  });
}

core::Result<std::unique_ptr<EventStore::Impl>> EventStore::open_impl(const fs::path &path,
                                                                      const StoreOptions &options) {
  const auto ordered =
      ordered_migrations(options.migrations ? *options.migrations : embedded_migrations());
  if (!ordered) {
    return tl::unexpected(ordered.error());
  }
  const int newest = ordered->empty() ? 0 : ordered->back().version;
  std::error_code ec;
  if (options.create_missing_folders) {
    if (auto made = make_parent_folders(path); !made) {
      return tl::unexpected(made.error());
    }
  } else if (const fs::path parent = path.parent_path();
             !parent.empty() && !fs::is_directory(parent, ec)) {
    return core::fail(ErrorCode::storage,
                      fmt::format("the folder '{}' of the database does not exist; create it or "
                                  "fix the path",
                                  parent.string()));
  }
  auto created = create_private_file(path);
  if (!created) {
    return tl::unexpected(created.error());
  }
  // A file made here that SQLite never wrote to is removed again when the
  // open fails, so that it does not pass for an emptied calendar later.
  struct RemoveIfUnused {
    const fs::path &file;
    bool armed;
    ~RemoveIfUnused() {
      std::error_code ignored;
      if (armed && fs::file_size(file, ignored) == 0 && !ignored) {
        fs::remove(file, ignored);
      }
    }
  } unused_file{path, *created};
  try {
    const bool wal_existed = fs::exists(fs::path(path.string() + "-wal"), ec);
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, k_busy_timeout_ms);
    sqlite3_busy_handler(db.getHandle(), wait_for_lock, nullptr);
    if (sqlite3_db_readonly(db.getHandle(), "main") == 1) {
      // Reminders are recorded as they fire: a calendar we cannot write
      // would fire them again at every start.
      return refuse(path, "summitd cannot write it (permissions, or a read-only file system); "
                          "make it writable by the user summitd runs as");
    }
    const auto version = check_openable(db, path, newest, wal_existed);
    if (!version) {
      return tl::unexpected(version.error());
    }
    const std::string journal = db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (journal != "wal") {
      // Still correct (rollback journal), only slower for concurrent readers.
      spdlog::warn("database '{}' could not switch to WAL mode (it is in '{}' mode)", path.string(),
                   journal);
    }
    // synchronous=FULL: a write a client was told succeeded survives power
    // loss. foreign_keys is per connection and cannot change inside a
    // transaction, so it is set here, before the migrations.
    // temp_store=MEMORY: every write is a savepoint (group commit), and
    // SQLite keeps the pages a savepoint may have to restore in a
    // sub-journal, a temporary file past 64 KiB: an import wrote 30 of them
    // an event there (pwrite, plus an open, unlink and close of the file
    // per chunk, strace). In memory it is emptied when a write's outermost
    // savepoint is released: it holds one write's pages (an import chunk's
    // at most).
    constexpr const char *k_connection_pragmas =
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY";
    db.exec(k_connection_pragmas);
    const auto reached = apply_migrations(db, *ordered);
    if (!reached) {
      return tl::unexpected(reached.error());
    }
    if (*reached != *version) {
      // A fresh connection reads the schema as migrated: the one that
      // migrated keeps what it built step by step, and 012 edits a CHECK in
      // sqlite_schema's text, which no step of its own re-reads.
      db = SQLite::Database(path, SQLite::OPEN_READWRITE, k_busy_timeout_ms);
      sqlite3_busy_handler(db.getHandle(), wait_for_lock, nullptr);
      db.exec(k_connection_pragmas);
    }
    define_kept_zones(db);
    auto impl = std::make_unique<Impl>(std::move(db), *reached, options.reminder_plan);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return core::fail(ErrorCode::storage, fmt::format("database '{}' vanished while it was "
                                                        "being opened: {}",
                                                        path.string(), std::strerror(errno)));
    }
    impl->m_path = path;
    impl->m_options = options;
    impl->m_dev = st.st_dev;
    impl->m_ino = st.st_ino;
    unused_file.armed = false;
    return impl;
  } catch (const SQLite::Exception &e) {
    if ((e.getErrorCode() & 0xff) == SQLITE_CORRUPT || (e.getErrorCode() & 0xff) == SQLITE_NOTADB) {
      return refuse(path, fmt::format("it is damaged ({}); restore it from a backup, or salvage "
                                      "what is left with `sqlite3 {} .recover`",
                                      e.what(), path.string()));
    }
    return core::fail(ErrorCode::storage,
                      fmt::format("could not open database '{}': {}", path.string(), e.what()));
  }
}

void EventStore::set_reopen_hooks(ReopenHooks hooks) { m_hooks = std::move(hooks); }

void EventStore::reopen(std::unique_ptr<Impl> impl) {
  if (m_hooks.before_close) {
    m_hooks.before_close();
  }
  m_group.detach();
  m_impl = std::move(impl);
  try {
    m_group.attach(m_impl->m_db);
  } catch (const std::exception &e) {
    // Writes are refused (GroupCommit::Scope) until summitd restarts.
    spdlog::error("database '{}' reopened, but writes cannot be prepared: {}",
                  m_impl->m_path.string(), e.what());
  }
  install_wal_hook();
  if (m_hooks.after_open) {
    m_hooks.after_open();
  }
}

core::Result<void> EventStore::ensure_file() {
  if (m_group.is_open() || m_group.in_write()) {
    // Checked by the group's first write, in this turn of the loop, or by
    // the write this one is part of.
    return {};
  }
  const fs::path path = m_impl->m_path;
  const auto shared = m_impl->m_options.shared_file;
  std::unique_lock<std::mutex> lock;
  if (shared) {
    lock = std::unique_lock(shared->mutex);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (st.st_dev == m_impl->m_dev && st.st_ino == m_impl->m_ino) {
      return {};
    }
    if (shared && st.st_dev == shared->dev && st.st_ino == shared->ino) {
      // The other connection wrote the removed file back: carry on there.
      auto reopened = open_impl(path, m_impl->m_options);
      if (!reopened) {
        return tl::unexpected(reopened.error());
      }
      reopen(std::move(*reopened));
      spdlog::info("database '{}' reopened on the file written back", path.string());
      return {};
    }
    return core::fail(ErrorCode::storage,
                      fmt::format("the database file '{}' was replaced by another file while "
                                  "summitd was running; writes are refused until summitd is "
                                  "restarted and opens the new file",
                                  path.string()));
  }
  if (errno != ENOENT) {
    return core::fail(ErrorCode::storage, fmt::format("cannot check the database file '{}': {}",
                                                      path.string(), std::strerror(errno)));
  }
  if (!m_impl->m_options.writes_back_removed_file) {
    if (m_impl->m_options.on_file_removed) {
      m_impl->m_options.on_file_removed();
    }
    return core::fail(ErrorCode::storage,
                      fmt::format("the database file '{}' was removed while summitd was running; "
                                  "waiting for it to be written back",
                                  path.string()));
  }
  spdlog::error("the database file '{}' was removed while summitd was running; writing it back "
                "from the open connection",
                path.string());
  if (auto made = make_parent_folders(path); !made) {
    return core::fail(ErrorCode::storage,
                      fmt::format("the database file '{}' was removed while summitd was running "
                                  "and cannot be written back ({}); writes are refused until it "
                                  "can",
                                  path.string(), made.error().message));
  }
  // VACUUM cannot run inside a transaction: the open group goes first.
  if (auto flushed = flush_group(); !flushed) {
    return flushed;
  }
  if (auto written = write_back(m_impl->m_db, path); !written) {
    return written;
  }
  auto reopened = open_impl(path, m_impl->m_options);
  if (!reopened) {
    return tl::unexpected(reopened.error());
  }
  reopen(std::move(*reopened));
  if (shared) {
    shared->dev = m_impl->m_dev;
    shared->ino = m_impl->m_ino;
  }
  spdlog::warn("database '{}' written back and reopened; nothing was lost", path.string());
  return {};
}

core::Result<core::Event> EventStore::add(core::Event event) {
  return add_event(std::move(event), /*look_up_uid=*/true);
}

core::Result<core::Event> EventStore::add_unused_uid(core::Event event) {
  return add_event(std::move(event), /*look_up_uid=*/false);
}

core::Result<core::Event> EventStore::add_event(core::Event event, bool look_up_uid) {
  if (auto ok = check_storable(event); !ok) {
    return tl::unexpected(ok.error());
  }
  // A uid made here is new (new_uid: time, counter, random): only one the
  // client chose is looked up first, for a conflict that names the event.
  // The UNIQUE index refuses a clash either way.
  const bool chosen = !event.uid.empty() && look_up_uid;
  if (event.uid.empty()) {
    event.uid = new_uid(event.created);
  }
  if (auto file = ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded("add event", [&]() -> core::Result<core::Event> {
    WriteScope transaction(*this);
    if (const auto other = chosen ? m_impl->m_rows.id_of_uid(event.uid) : std::nullopt) {
      return core::fail(ErrorCode::conflict,
                        fmt::format("uid '{}' is already used by event {}", event.uid, *other));
    }
    event.id = m_impl->m_rows.insert(event);
    if (m_impl->m_search_index) {
      m_impl->m_search_index->added(); // indexed before the commit, with its group
    }
    if (!event.reminders.empty()) { // a new event without reminders has none to plan
      m_impl->plan(event, event.updated);
    }
    transaction.commit();
    return event;
  });
}

core::Result<core::Event> EventStore::get(std::int64_t id) {
  return guarded(fmt::format("read event {}", id), [&]() -> core::Result<core::Event> {
    auto event = m_impl->m_rows.find(id);
    if (!event) {
      return core::fail(ErrorCode::not_found, fmt::format("no event with id {}", id));
    }
    return *event;
  });
}

core::Result<core::Event> EventStore::update(const core::Event &event) {
  if (auto ok = check_storable(event); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto file = ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded(fmt::format("update event {}", event.id), [&]() -> core::Result<core::Event> {
    WriteScope transaction(*this);
    core::Event stored = event;
    const auto uid = m_impl->m_rows.uid_of(event.id);
    if (!uid) {
      return core::fail(ErrorCode::not_found, fmt::format("no event with id {}", event.id));
    }
    if (stored.uid.empty()) {
      stored.uid = *uid; // an empty uid means "keep it"
    }
    if (const auto other = m_impl->m_rows.id_of_uid(stored.uid); other && *other != event.id) {
      return core::fail(ErrorCode::conflict,
                        fmt::format("uid '{}' is already used by event {}", stored.uid, *other));
    }
    m_impl->m_rows.update(stored);
    m_impl->plan(stored, stored.updated);
    transaction.commit();
    return stored;
  });
}

core::Result<void> EventStore::remove(std::int64_t id) {
  if (auto file = ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded(fmt::format("remove event {}", id), [&]() -> core::Result<void> {
    WriteScope transaction(*this);
    if (!m_impl->m_rows.remove(id)) {
      return core::fail(ErrorCode::not_found, fmt::format("no event with id {}", id));
    }
    transaction.commit();
    return {};
  });
}

core::Result<ListPage> EventStore::list(const ListQuery &query) {
  return guarded("list events", [&]() -> core::Result<ListPage> {
    if (query.search && m_impl->m_search_index && m_impl->m_search_index->behind() &&
        m_group.is_open() && !m_group.in_write()) {
      // A search on the connection of an open group sees its events, as
      // the rest of the listing does.
      m_impl->m_search_index->catch_up();
    }
    return m_impl->m_listing.list(m_impl->m_rows, query, m_impl->m_options.search_plan,
                                  m_last_search_plan);
  });
}

core::Result<std::optional<core::Event>> EventStore::find_uid(const std::string &uid) {
  return guarded("look up a uid", [&]() -> core::Result<std::optional<core::Event>> {
    const auto id = m_impl->m_rows.id_of_uid(uid);
    if (!id) {
      return std::optional<core::Event>{};
    }
    return m_impl->m_rows.find(*id);
  });
}

core::Result<std::vector<core::Event>> EventStore::find_lone_changes(const std::string &series_uid,
                                                                     std::size_t limit) {
  return guarded(
      "look up the changes of a series", [&]() -> core::Result<std::vector<core::Event>> {
        std::vector<core::Event> changes;
        for (const std::int64_t id :
             m_impl->m_rows.lone_changes_of(series_uid, static_cast<std::int64_t>(limit))) {
          if (auto event = m_impl->m_rows.find(id)) {
            changes.push_back(std::move(*event));
          }
        }
        return changes;
      });
}

core::Result<void> EventStore::write_unsynced(const std::function<core::Result<void>()> &body,
                                              Nesting nesting, TextIndex index) {
  if (m_group.is_open()) {
    if (auto others = flush_group(); !others) {
      return others;
    }
  }
  return guarded("write the changes", [&]() -> core::Result<void> {
    auto &db = m_impl->m_db;
    db.exec("PRAGMA synchronous = NORMAL");
    struct Restore {
      SQLite::Database &db;
      ~Restore() {
        try {
          db.exec("PRAGMA synchronous = FULL");
        } catch (const SQLite::Exception &e) {
          spdlog::error("could not restore synchronous=FULL: {}", e.what());
        }
      }
    } restore{db};
    struct IndexLater {
      bool &flag;
      ~IndexLater() { flag = false; }
    } index_later{m_index_later};
    m_index_later = index == TextIndex::later;
    if (nesting == Nesting::flat) {
      // Its own transaction, without savepoints (group commit is not open:
      // flushed above).
      const GroupCommit::Flat flat(m_group);
      return write_together(body);
    }
    // Its transaction ends here either way (a failed body leaves the group
    // open and empty): synchronous cannot change inside a transaction.
    auto done = write_together(body);
    auto ended = flush_group();
    return done ? ended : done;
  });
}

core::Result<void> EventStore::sync() {
  return guarded("sync the database to disk", [&]() -> core::Result<void> {
    sqlite3_file *wal = nullptr;
    const int rc =
        sqlite3_file_control(m_impl->m_db.getHandle(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
    if (rc != SQLITE_OK || wal == nullptr || wal->pMethods == nullptr) {
      return {}; // no WAL open: every commit so far was synced with it
    }
    if (const int synced = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL); synced != SQLITE_OK) {
      return core::fail(core::ErrorCode::storage,
                        fmt::format("cannot sync the database's write-ahead log to disk: {}",
                                    sqlite3_errstr(synced)));
    }
    return {};
  });
}

core::Result<void> EventStore::write_together(const std::function<core::Result<void>()> &body) {
  if (auto file = ensure_file(); !file) {
    return file;
  }
  return guarded("write the changes", [&]() -> core::Result<void> {
    WriteScope transaction(*this);
    if (auto done = body(); !done) {
      return done;
    }
    transaction.commit();
    return {};
  });
}

core::Result<std::optional<AppliedRequest>>
EventStore::find_request(std::uint32_t uid, const std::string &key, core::SysSeconds since) {
  if (!m_impl->m_request_keys) {
    return std::optional<AppliedRequest>{};
  }
  return guarded("look up a request key", [&]() -> core::Result<std::optional<AppliedRequest>> {
    return m_impl->m_request_keys->find(uid, key, since);
  });
}

core::Result<void> EventStore::record_request(std::uint32_t uid, const std::string &key,
                                              const std::string &method, const std::string &result,
                                              core::SysSeconds applied,
                                              core::SysSeconds expired_before) {
  if (!m_impl->m_request_keys) {
    return core::fail(ErrorCode::storage, "the database has no request_keys table (schema 005)");
  }
  if (auto file = ensure_file(); !file) {
    return file;
  }
  return guarded("record a request key", [&]() -> core::Result<void> {
    WriteScope transaction(*this);
    m_impl->m_request_keys->record(uid, key, method, result, applied, expired_before);
    transaction.commit();
    return {};
  });
}

core::Result<std::int64_t> EventStore::count() {
  return guarded("count events",
                 [&]() -> core::Result<std::int64_t> { return m_impl->m_rows.count(); });
}

int EventStore::schema_version() const { return m_impl->m_schema_version; }

const core::ReminderPlanOptions &EventStore::reminder_plan() const { return m_impl->m_plan; }

core::Result<std::string> EventStore::tzdata_version() {
  return guarded("read the tzdata version", [&]() -> core::Result<std::string> {
    return m_impl->m_tzdata.recorded_version();
  });
}

core::Result<std::vector<MovedEvent>> EventStore::recompute_instants(const std::string &version) {
  if (auto file = ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded("recompute event times", [&]() -> core::Result<std::vector<MovedEvent>> {
    WriteScope transaction(*this);
    Impl &impl = *m_impl;
    auto moved = impl.m_tzdata.run(impl.m_rows, impl.m_instances ? &*impl.m_instances : nullptr,
                                   impl.m_plan, version);
    transaction.commit();
    return moved;
  });
}

SQLite::Database &EventStore::database() { return m_impl->m_db; }

} // namespace summit::store
