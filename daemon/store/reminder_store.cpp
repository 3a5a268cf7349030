#include "daemon/store/reminder_store.hpp"

#include "core/ical/recurrence.hpp"
#include "core/zones.hpp"
#include "daemon/store/guarded.hpp"
#include "daemon/store/reminder_instances.hpp"
#include "daemon/store/reminder_planning.hpp"
#include "daemon/store/snapshot_functions.hpp"
#include "daemon/store/statement_use.hpp"
#include "daemon/store/wall_time.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <sqlite3.h>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>

namespace summit::store {

namespace {

using core::ErrorCode;

// A firing's columns, its snapshot read with SQLite's JSON functions (the
// snapshot is written by json_object() in take_due, or by nlohmann::json in
// summitd before schema 4: the same keys either way). A key that is missing
// reads as NULL: empty text, 0, and "timed" for the precision.
constexpr const char *k_firing_columns =
    "f.id, f.reminder_id, f.event_id, f.due, f.fired_at, f.lateness, f.missed, f.acked_at, "
    "json_extract(f.snapshot, '$.title'), json_extract(f.snapshot, '$.precision'), "
    "json_extract(f.snapshot, '$.start_local'), json_extract(f.snapshot, '$.start_utc'), "
    "json_extract(f.snapshot, '$.tz'), json_extract(f.snapshot, '$.location'), "
    "json_extract(f.snapshot, '$.reminder')";
constexpr int k_firing_column_count = 15;

FiredReminder read_fired(SQLite::Statement &s) {
  FiredReminder out;
  scheduler::Firing &f = out.firing;
  f.firing_id = s.getColumn(0).getInt64();
  f.reminder_id = s.getColumn(1).getInt64();
  f.event_id = s.getColumn(2).getInt64();
  f.due = from_unix(s.getColumn(3).getInt64());
  f.fired_at = from_unix(s.getColumn(4).getInt64());
  f.lateness = core::Seconds{s.getColumn(5).getInt64()};
  out.missed = s.getColumn(6).getInt() != 0;
  if (!s.getColumn(7).isNull()) {
    out.acked_at = from_unix(s.getColumn(7).getInt64());
  }
  f.title = s.getColumn(8).getString();
  f.precision =
      core::precision_from_string(s.getColumn(9).getString()).value_or(core::Precision::timed);
  f.start_local = s.getColumn(10).getString();
  f.start_utc = from_unix(s.getColumn(11).getInt64());
  f.tz = s.getColumn(12).getString();
  f.location = s.getColumn(13).getString();
  f.reminder = s.getColumn(14).getString();
  return out;
}

// take_due's batch: the first :limit pending instances due by :now, in
// (due, id) order (a walk of reminder_instances_pending, no sort), with
// their event's snapshot computed once, numbered k = 1, 2, ... A per-connection
// temporary table, emptied at the end of each take_due; firing ids are
// :after + k. An instance whose event is gone (cannot happen while foreign
// keys cascade) is recorded as "(removed event)" rather than lost.
constexpr const char *k_create_taken =
    "CREATE TEMP TABLE IF NOT EXISTS outbox_taken (k INTEGER PRIMARY KEY, "
    "reminder_id INTEGER NOT NULL, event_id INTEGER NOT NULL, due INTEGER NOT NULL, "
    "missed INTEGER NOT NULL, title TEXT NOT NULL, precision TEXT NOT NULL, "
    "start_local TEXT NOT NULL, start_utc INTEGER NOT NULL, tz TEXT NOT NULL, "
    "location TEXT NOT NULL, reminder TEXT NOT NULL, occurrence TEXT, position INTEGER NOT NULL, "
    "snooze INTEGER NOT NULL)";
constexpr const char *k_take_due =
    "INSERT INTO temp.outbox_taken (reminder_id, event_id, due, missed, title, precision, "
    "start_local, start_utc, tz, location, reminder, occurrence, position, snooze) "
    "SELECT i.id, i.event_id, i.due, (:now - i.due) > :grace, "
    "CASE WHEN e.id IS NULL THEN '(removed event)' ELSE e.title END, "
    "coalesce(e.precision, 'timed'), "
    "CASE WHEN e.id IS NULL THEN '' "
    "ELSE summit_snapshot_start(e.precision, e.start_local, e.start_utc, e.tz) END, "
    "coalesce(e.start_utc, 0), coalesce(e.tz, ''), coalesce(e.location, ''), "
    "CASE WHEN e.id IS NULL THEN '' "
    "ELSE summit_snapshot_reminder(r.before_seconds, r.at_utc) END, "
    "i.occurrence, i.position, i.snooze_of IS NOT NULL "
    "FROM reminder_instances i LEFT JOIN events e ON e.id = i.event_id "
    "LEFT JOIN reminders r ON r.event_id = i.event_id AND r.position = i.position "
    "WHERE i.state = 'pending' AND i.due <= :now ORDER BY i.due, i.id LIMIT :limit";
// The snapshot keeps the keys summitd wrote before schema 4 (nlohmann::json).
constexpr const char *k_record_taken =
    "INSERT INTO firings (id, reminder_id, event_id, due, fired_at, lateness, missed, snapshot) "
    "SELECT :after + k, reminder_id, event_id, due, :now, max(0, :now - due), missed, "
    "json_object('title', title, 'precision', precision, 'start_local', start_local, "
    "'start_utc', start_utc, 'tz', tz, 'location', location, 'reminder', reminder) "
    "FROM temp.outbox_taken ORDER BY k";
// The taken instances of recurring events' occurrences: their snapshots are
// corrected in C++ (an occurrence's start, and an override's title or
// place, come from the rule, which SQL cannot expand) and the next
// occurrence's reminder is planned.
constexpr const char *k_taken_occurrences =
    "SELECT k, event_id, position, occurrence, snooze FROM temp.outbox_taken "
    "WHERE occurrence IS NOT NULL ORDER BY k";
constexpr const char *k_correct_taken =
    "UPDATE temp.outbox_taken SET title = :title, precision = :precision, "
    "start_local = :start_local, start_utc = :start_utc, location = :location WHERE k = :k";
constexpr const char *k_read_taken =
    "SELECT k, reminder_id, event_id, due, missed, title, precision, start_local, start_utc, tz, "
    "location, reminder FROM temp.outbox_taken ORDER BY k";

// Runs the outbox writes (take_due, mark_delivered) with synchronous=NORMAL
// instead of the store's FULL: in WAL mode that skips the fsync on commit,
// which is most of the time between a reminder's due second and its delivery.
// It is safe for the promise made: a process crash loses nothing (the WAL is
// in the OS), and a power loss can only roll back the newest firings, whose
// instances are then pending again and fire once more after the reboot with
// the same reminder id: a marked re-delivery, never a loss. The next FULL
// commit (any client write) syncs these frames too.
//
// Nor do they checkpoint the WAL at the usual size: a checkpoint syncs the
// WAL and the database file, the only disk waits left on this path, and it
// runs in the commit that crosses wal_autocheckpoint, which for the outbox
// means at the instant reminders are due (take_due) or while the last of a
// burst still waits to be written to its subscribers (mark_delivered). The
// client writes' commits (FULL, waiting for the disk anyway) checkpoint as
// before; take_due never does, and mark_delivered only once the WAL has grown
// to k_outbox_checkpoint_factor times wal_autocheckpoint (with the default,
// 8,000 pages, about 32 MiB), so that a daemon that only fires reminders
// still keeps its WAL bounded.
enum class Checkpoint { never, large_wal_only };
constexpr int k_outbox_checkpoint_factor = 8;

class RelaxedSync {
public:
  // What may throw comes first: once synchronous is lowered, only the
  // destructor may raise it again.
  RelaxedSync(SQLite::Database &db, Checkpoint checkpoint)
      : m_db(db), m_autocheckpoint(m_db.execAndGet("PRAGMA wal_autocheckpoint").getInt()) {
    m_db.exec("PRAGMA synchronous = NORMAL");
    sqlite3_wal_autocheckpoint(m_db.getHandle(),
                               checkpoint == Checkpoint::never || m_autocheckpoint <= 0
                                   ? 0
                                   : m_autocheckpoint * k_outbox_checkpoint_factor);
  }
  ~RelaxedSync() {
    sqlite3_wal_autocheckpoint(m_db.getHandle(), m_autocheckpoint);
    try {
      m_db.exec("PRAGMA synchronous = FULL");
    } catch (const SQLite::Exception &e) {
      spdlog::error("could not restore synchronous=FULL: {}", e.what());
    }
  }
  RelaxedSync(const RelaxedSync &) = delete;
  RelaxedSync &operator=(const RelaxedSync &) = delete;

private:
  SQLite::Database &m_db;
  int m_autocheckpoint; // wal_autocheckpoint as found, restored at the end
};

} // namespace

struct ReminderStore::Impl {
  explicit Impl(EventStore &events)
      : m_events(events), m_db(events.database()),
        m_functions((register_snapshot_functions(m_db), true)),
        m_taken_table((m_db.exec(k_create_taken), true)),
        m_next_due(m_db, "SELECT due, event_id FROM reminder_instances WHERE state = 'pending' "
                         "ORDER BY due, id LIMIT 1"),
        m_last_firing(m_db, "SELECT coalesce(max(id), 0) FROM firings"),
        m_take_due(m_db, k_take_due), m_record_taken(m_db, k_record_taken),
        m_taken_occurrences(m_db, k_taken_occurrences), m_correct_taken(m_db, k_correct_taken),
        m_read_taken(m_db, k_read_taken), m_clear_taken(m_db, "DELETE FROM temp.outbox_taken"),
        m_insert_owed(m_db, "INSERT INTO owed_deliveries (channel, first_firing, last_firing) "
                            "VALUES (:channel, :first, :last)"),
        m_owed_before(m_db, "SELECT first_firing, last_firing FROM owed_deliveries "
                            "WHERE channel = :channel AND first_firing <= :last "
                            "ORDER BY first_firing DESC"),
        m_shorten_owed(m_db, "UPDATE owed_deliveries SET last_firing = :last "
                             "WHERE channel = :channel AND first_firing = :first"),
        m_delete_owed(m_db, "DELETE FROM owed_deliveries WHERE channel = :channel "
                            "AND first_firing = :first"),
        m_undelivered(m_db, fmt::format("SELECT {}, group_concat(o.channel, char(31)) "
                                        "FROM owed_deliveries o JOIN firings f "
                                        "ON f.id BETWEEN o.first_firing AND o.last_firing "
                                        "WHERE f.missed = 0 GROUP BY f.id "
                                        "ORDER BY f.due, f.reminder_id, f.id",
                                        k_firing_columns)),
        m_ack_firings(m_db, "UPDATE firings SET acked_at = :now WHERE reminder_id = :id "
                            "AND acked_at IS NULL"),
        m_missed(m_db, fmt::format("SELECT {} FROM firings f WHERE f.missed = 1 "
                                   "ORDER BY f.due DESC, f.id DESC LIMIT :limit",
                                   k_firing_columns)),
        m_pending_for_event(m_db, "SELECT id, due FROM reminder_instances WHERE event_id = :id "
                                  "AND state = 'pending' ORDER BY due, id"),
        m_log_after(m_db, fmt::format("SELECT {} FROM firings f WHERE f.id > :after "
                                      "ORDER BY f.id LIMIT :limit",
                                      k_firing_columns)),
        m_oldest_firings(m_db, "SELECT id, fired_at FROM firings ORDER BY id LIMIT :limit"),
        m_prune_firings(m_db, "DELETE FROM firings WHERE id <= :through "
                              "AND id < (SELECT max(id) FROM firings) "
                              "AND id < coalesce((SELECT min(first_firing) FROM owed_deliveries), "
                              "9223372036854775807)"),
        m_last_released(m_db, "SELECT coalesce((SELECT min(id) - 1 FROM (SELECT id, fired_at "
                              "FROM firings ORDER BY id DESC LIMIT 4096) WHERE fired_at > :now), "
                              "(SELECT coalesce(max(id), 0) FROM firings))"),
        m_data_version(m_db, "PRAGMA data_version"),
        m_cut_owed(m_db, "UPDATE owed_deliveries SET last_firing = :first - 1 "
                         "WHERE first_firing < :first AND last_firing >= :first"),
        m_drop_owed(m_db, "DELETE FROM owed_deliveries WHERE first_firing >= :first"),
        m_drop_firings(m_db, "DELETE FROM firings WHERE id >= :first AND missed = 0"),
        m_instances(m_db) {
    m_instances.prepare_outbox(); // outbox_taken exists by now (m_taken_table)
  }

  EventStore &m_events;
  SQLite::Database &m_db;
  bool m_functions;   // registered before the statements that call them are prepared
  bool m_taken_table; // created before the statements that use it are prepared
  SQLite::Statement m_next_due;
  SQLite::Statement m_last_firing;
  SQLite::Statement m_take_due;
  SQLite::Statement m_record_taken;
  SQLite::Statement m_taken_occurrences;
  SQLite::Statement m_correct_taken;
  SQLite::Statement m_read_taken;
  SQLite::Statement m_clear_taken;
  SQLite::Statement m_insert_owed;
  SQLite::Statement m_owed_before;
  SQLite::Statement m_shorten_owed;
  SQLite::Statement m_delete_owed;
  SQLite::Statement m_undelivered;
  SQLite::Statement m_ack_firings;
  SQLite::Statement m_missed;
  SQLite::Statement m_pending_for_event;
  SQLite::Statement m_log_after;
  SQLite::Statement m_oldest_firings;
  SQLite::Statement m_prune_firings;
  SQLite::Statement m_last_released;
  SQLite::Statement m_data_version;
  SQLite::Statement m_cut_owed;
  SQLite::Statement m_drop_owed;
  SQLite::Statement m_drop_firings;
  ReminderInstances m_instances;

  // For each taken instance of a recurring event's occurrence: the snapshot
  // of that occurrence (its own start; an override's title and place), and,
  // unless it is a snooze, the same reminder of the next occurrence planned
  // in this transaction: only the next one is ever materialised.
  void take_occurrences(core::SysSeconds after) {
    struct Taken {
      std::int64_t k;
      std::int64_t event_id;
      std::size_t position;
      std::string occurrence;
      bool snooze;
    };
    std::vector<Taken> taken;
    {
      Use s(m_taken_occurrences);
      while (s->executeStep()) {
        taken.push_back(Taken{s->getColumn(0).getInt64(), s->getColumn(1).getInt64(),
                              static_cast<std::size_t>(s->getColumn(2).getInt64()),
                              s->getColumn(3).getString(), s->getColumn(4).getInt() != 0});
      }
    }
    std::optional<core::Event> series; // taken rows of one series usually follow each other
    for (const Taken &row : taken) {
      if (!series || series->id != row.event_id) {
        auto found = m_events.get(row.event_id);
        if (!found) {
          series.reset();
          continue; // a removed event: its "(removed event)" snapshot stands
        }
        series = std::move(*found);
      }
      const auto zone = core::find_zone(series->tz);
      const auto id = parse_wall_time(row.occurrence);
      if (!series->recurrence || !zone || !id) {
        continue; // no longer a series: the event's own start stands
      }
      const auto occurrence = ical::find_occurrence(*series, *zone, *id);
      if (occurrence) {
        const core::Reminder reminder = row.position < series->reminders.size()
                                            ? series->reminders[row.position]
                                            : core::Reminder{core::Seconds{0}, std::nullopt};
        scheduler::Firing f;
        scheduler::fill_event_fields(f, ical::occurrence_event(*series, *occurrence), reminder,
                                     *zone);
        Use s(m_correct_taken);
        s->bind(":title", f.title);
        s->bind(":precision", std::string(core::to_string(f.precision)));
        s->bind(":start_local", f.start_local);
        s->bind(":start_utc", to_unix(f.start_utc));
        s->bind(":location", f.location);
        s->bind(":k", row.k);
        s->exec();
      }
      if (!row.snooze && row.position < series->reminders.size()) {
        plan_next_occurrence(m_instances, *series, *zone, row.position, *id, after,
                             m_events.reminder_plan());
      }
    }
  }

  // The batch recorded in outbox_taken, as firings numbered from `after`
  // + 1, in (due, reminder_id, firing_id) order; empties outbox_taken.
  DueBatch read_taken(std::int64_t after, core::SysSeconds now, std::size_t taken) {
    DueBatch batch;
    batch.fired.reserve(taken);
    {
      Use s(m_read_taken);
      while (s->executeStep()) {
        scheduler::Firing f;
        f.firing_id = after + s->getColumn(0).getInt64();
        f.reminder_id = s->getColumn(1).getInt64();
        f.event_id = s->getColumn(2).getInt64();
        f.due = from_unix(s->getColumn(3).getInt64());
        f.fired_at = now;
        f.lateness = std::max(core::Seconds{0}, now - f.due);
        const bool missed = s->getColumn(4).getInt() != 0;
        f.title = s->getColumn(5).getString();
        f.precision = core::precision_from_string(s->getColumn(6).getString())
                          .value_or(core::Precision::timed);
        f.start_local = s->getColumn(7).getString();
        f.start_utc = from_unix(s->getColumn(8).getInt64());
        f.tz = s->getColumn(9).getString();
        f.location = s->getColumn(10).getString();
        f.reminder = s->getColumn(11).getString();
        (missed ? batch.missed : batch.fired).push_back(std::move(f));
      }
    }
    {
      Use s(m_clear_taken);
      s->exec();
    }
    // Numbered in (due, id) order as chosen; should SQLite ever number them
    // otherwise, the channels still see (due, reminder_id) order.
    const auto by_due = [](const scheduler::Firing &a, const scheduler::Firing &b) {
      return std::tie(a.due, a.reminder_id, a.firing_id) <
             std::tie(b.due, b.reminder_id, b.firing_id);
    };
    for (auto *list : {&batch.fired, &batch.missed}) {
      if (!std::is_sorted(list->begin(), list->end(), by_due)) {
        std::sort(list->begin(), list->end(), by_due);
      }
    }
    return batch;
  }

  // One pending delivery per channel for each fired firing, as ranges of
  // firing ids: usually one range per channel, the whole batch's.
  void owe(const std::vector<std::string> &channels, const std::vector<scheduler::Firing> &fired) {
    std::vector<std::int64_t> ids;
    ids.reserve(fired.size());
    for (const scheduler::Firing &f : fired) {
      ids.push_back(f.firing_id);
    }
    std::sort(ids.begin(), ids.end());
    for (std::size_t begin = 0; begin < ids.size();) {
      std::size_t end = begin + 1;
      while (end < ids.size() && ids[end] == ids[end - 1] + 1) {
        ++end;
      }
      for (const std::string &channel : channels) {
        Use s(m_insert_owed);
        s->bind(":channel", channel);
        s->bind(":first", ids[begin]);
        s->bind(":last", ids[end - 1]);
        s->exec();
      }
      begin = end;
    }
  }

  // Takes firings [first, last] out of `channel`'s owed ranges: a range
  // inside goes, one that overlaps an end is cut, one around it is split.
  // Ids owed by no range are ignored (delivered already, or never owed).
  void forget_owed(std::string_view channel, std::int64_t first, std::int64_t last) {
    const std::string name(channel);
    std::vector<std::pair<std::int64_t, std::int64_t>> overlapping;
    {
      Use s(m_owed_before);
      s->bind(":channel", name);
      s->bind(":last", last);
      // Ranges of one channel never overlap: walking down from `last`, the
      // first that ends before `first` ends the search.
      while (s->executeStep()) {
        const std::int64_t range_first = s->getColumn(0).getInt64();
        const std::int64_t range_last = s->getColumn(1).getInt64();
        if (range_last < first) {
          break;
        }
        overlapping.emplace_back(range_first, range_last);
      }
    }
    for (const auto &[range_first, range_last] : overlapping) {
      if (range_first < first) {
        Use s(m_shorten_owed);
        s->bind(":channel", name);
        s->bind(":first", range_first);
        s->bind(":last", first - 1);
        s->exec();
      } else {
        Use s(m_delete_owed);
        s->bind(":channel", name);
        s->bind(":first", range_first);
        s->exec();
      }
      if (range_last > last) {
        Use s(m_insert_owed);
        s->bind(":channel", name);
        s->bind(":first", last + 1);
        s->bind(":last", range_last);
        s->exec();
      }
    }
  }
};

ReminderStore::ReminderStore(EventStore &events, std::unique_ptr<Impl> impl)
    : m_events(events), m_impl(std::move(impl)) {
  // When the event store reopens its database (ensure_file), the statements
  // here go first and come back on the new connection at the next use.
  m_events.set_reopen_hooks({[this] { m_impl.reset(); }, {}});
}

ReminderStore::~ReminderStore() { m_events.set_reopen_hooks({}); }

ReminderStore::Impl &ReminderStore::impl() {
  if (!m_impl) {
    m_impl = std::make_unique<Impl>(m_events);
  }
  return *m_impl;
}

core::Result<void> ReminderStore::ensure_file() {
  // The outbox is written outside any group of client writes, with its own
  // durability (RelaxedSync): commit the group first.
  if (auto flushed = m_events.flush_group(); !flushed) {
    return flushed;
  }
  return m_events.ensure_file();
}

core::Result<std::unique_ptr<ReminderStore>> ReminderStore::open(EventStore &events) {
  if (!events.database().tableExists("reminder_instances")) {
    return core::fail(ErrorCode::storage,
                      fmt::format("the database is at schema version {}; reminders need 2",
                                  events.schema_version()));
  }
  return guarded("open the reminder schedule",
                 [&]() -> core::Result<std::unique_ptr<ReminderStore>> {
                   return std::unique_ptr<ReminderStore>(
                       new ReminderStore(events, std::make_unique<Impl>(events)));
                 });
}

core::Result<std::optional<core::SysSeconds>> ReminderStore::next_due() {
  return guarded("read the next due reminder",
                 [&]() -> core::Result<std::optional<core::SysSeconds>> {
                   Use s(impl().m_next_due);
                   if (!s->executeStep()) {
                     return std::nullopt;
                   }
                   return from_unix(s->getColumn(0).getInt64());
                 });
}

core::Result<ReminderStore::DueBatch>
ReminderStore::take_due(core::SysSeconds now, core::Seconds grace,
                        const std::vector<std::string> &channels, std::size_t limit) {
  if (auto file = ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded("record due reminders", [&]() -> core::Result<DueBatch> {
    return take_due_now(now, grace, channels, limit);
  });
}

ReminderStore::DueBatch ReminderStore::take_due_now(core::SysSeconds now, core::Seconds grace,
                                                    const std::vector<std::string> &channels,
                                                    std::size_t limit) {
  DueBatch batch;
  Impl &store = impl();
  // Due now: writers that can wait let this one have the lock first, and
  // then the request side's announcement of what fired.
  EventStore::Announcing announcing(m_events);
  const EventStore::UrgentWrite urgent(m_events);
  const RelaxedSync relaxed(store.m_db, Checkpoint::never);
  SQLite::Transaction transaction(store.m_db, SQLite::TransactionBehavior::IMMEDIATE);
  // Set-wise: the batch is chosen once, with its snapshots, into
  // outbox_taken; one statement records its firings, one takes its instances
  // off the schedule, and the firings handed back are read from it. Then a
  // range of firing ids per channel is owed. Nothing costs a statement per
  // firing.
  std::int64_t after = 0;
  {
    Use s(store.m_last_firing);
    if (s->executeStep()) {
      after = s->getColumn(0).getInt64();
    }
  }
  int taken = 0;
  {
    Use s(store.m_take_due);
    s->bind(":now", to_unix(now));
    s->bind(":grace", static_cast<std::int64_t>(grace.count()));
    s->bind(":limit", static_cast<std::int64_t>(std::clamp<std::size_t>(limit, 1, batch_limit())));
    taken = s->exec();
  }
  if (taken == 0) {
    return batch; // nothing due; the rollback leaves outbox_taken empty
  }
  store.take_occurrences(now - grace);
  {
    Use s(store.m_record_taken);
    s->bind(":after", after);
    s->bind(":now", to_unix(now));
    s->exec();
  }
  if (const int moved = store.m_instances.take_off_schedule(now, grace); moved != taken) {
    throw std::runtime_error(fmt::format("took {} reminders but moved {} off the schedule; "
                                         "nothing was changed",
                                         taken, moved));
  }
  batch = store.read_taken(after, now, static_cast<std::size_t>(taken));
  store.owe(channels, batch.fired);
  transaction.commit();
  if (!batch.fired.empty()) {
    announcing.keep();
  }
  return batch;
}

core::Result<std::vector<ReminderStore::Undelivered>> ReminderStore::undelivered() {
  return guarded("read undelivered reminders",
                 [&]() -> core::Result<std::vector<Undelivered>> { return undelivered_now(); });
}

std::vector<ReminderStore::Undelivered> ReminderStore::undelivered_now() {
  std::vector<Undelivered> out;
  Use s(impl().m_undelivered);
  while (s->executeStep()) {
    Undelivered item;
    item.firing = read_fired(*s).firing;
    const std::string channels = s->getColumn(k_firing_column_count).getString();
    std::size_t begin = 0;
    while (begin <= channels.size()) {
      const auto end = channels.find('\x1f', begin);
      const auto name =
          channels.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
      if (!name.empty()) {
        item.channels.push_back(name);
      }
      if (end == std::string::npos) {
        break;
      }
      begin = end + 1;
    }
    if (!item.channels.empty()) {
      std::sort(item.channels.begin(), item.channels.end()); // group_concat has no order
      out.push_back(std::move(item));
    }
  }
  return out;
}

core::Result<void> ReminderStore::mark_delivered(const std::vector<Delivery> &deliveries) {
  if (deliveries.empty()) {
    return {};
  }
  // By channel, then firing id: a channel's completions of one loop turn are
  // usually one run of consecutive ids, taken out of its ranges with one or
  // two statements.
  std::vector<std::pair<std::string_view, std::int64_t>> done;
  done.reserve(deliveries.size());
  for (const Delivery &delivery : deliveries) {
    done.emplace_back(delivery.channel, delivery.firing_id);
  }
  std::sort(done.begin(), done.end());
  done.erase(std::unique(done.begin(), done.end()), done.end());
  if (auto file = ensure_file(); !file) {
    return file;
  }
  return guarded("record deliveries", [&]() -> core::Result<void> {
    Impl &store = impl();
    const EventStore::UrgentWrite urgent(m_events);
    const RelaxedSync relaxed(store.m_db, Checkpoint::large_wal_only);
    SQLite::Transaction transaction(store.m_db, SQLite::TransactionBehavior::IMMEDIATE);
    for (std::size_t begin = 0; begin < done.size();) {
      std::size_t end = begin + 1;
      while (end < done.size() && done[end].first == done[begin].first &&
             done[end].second == done[end - 1].second + 1) {
        ++end;
      }
      store.forget_owed(done[begin].first, done[begin].second, done[end - 1].second);
      begin = end;
    }
    transaction.commit();
    return {};
  });
}

core::Result<void> ReminderStore::withdraw(const std::vector<scheduler::Firing> &held) {
  if (held.empty()) {
    return {};
  }
  if (auto file = ensure_file(); !file) {
    return file;
  }
  std::int64_t first = held.front().firing_id;
  std::int64_t last = first;
  core::SysSeconds earliest = held.front().due;
  std::vector<std::int64_t> events;
  for (const scheduler::Firing &f : held) {
    first = std::min(first, f.firing_id);
    last = std::max(last, f.firing_id);
    earliest = std::min(earliest, f.due);
    events.push_back(f.event_id);
  }
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());
  return guarded("put back reminders taken ahead", [&]() -> core::Result<void> {
    Impl &store = impl();
    const EventStore::UrgentWrite urgent(m_events);
    const RelaxedSync relaxed(store.m_db, Checkpoint::never);
    SQLite::Transaction transaction(store.m_db, SQLite::TransactionBehavior::IMMEDIATE);
    {
      Use s(store.m_last_firing);
      if (!s->executeStep() || s->getColumn(0).getInt64() != last) {
        return core::fail(ErrorCode::conflict, fmt::format("firings {}-{} are not the newest "
                                                           "of the log; left as they are",
                                                           first, last));
      }
    }
    {
      Use s(store.m_cut_owed);
      s->bind(":first", first);
      s->exec();
    }
    {
      Use s(store.m_drop_owed);
      s->bind(":first", first);
      s->exec();
    }
    {
      Use s(store.m_drop_firings);
      s->bind(":first", first);
      if (const auto dropped = s->exec(); dropped != static_cast<int>(held.size())) {
        throw std::runtime_error(fmt::format("{} firings from {} on, {} held; nothing was changed",
                                             dropped, first, held.size()));
      }
    }
    for (const scheduler::Firing &f : held) {
      store.m_instances.unfire(f.reminder_id);
    }
    // Each event planned again as an edit plans it, from just before the
    // firings' second: an instance that still matches a reminder of the
    // event stays pending (same id), one that no longer does goes, and the
    // next occurrence a recurring event's take planned goes too (it is
    // planned again when this one is taken). A removed event took its
    // instances with it.
    for (const std::int64_t id : events) {
      auto event = m_events.get(id);
      if (event) {
        plan_reminders(store.m_instances, *event, earliest - core::Seconds{1},
                       m_events.reminder_plan());
      }
    }
    transaction.commit();
    return {};
  });
}

core::Result<std::int64_t> ReminderStore::outside_writes() {
  return guarded("read the database's data version", [&]() -> core::Result<std::int64_t> {
    Use s(impl().m_data_version);
    return s->executeStep() ? s->getColumn(0).getInt64() : 0;
  });
}

core::Result<std::int64_t> ReminderStore::snooze(std::int64_t reminder_id, core::Seconds duration,
                                                 core::SysSeconds now) {
  if (auto file = m_events.ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded(
      fmt::format("snooze reminder {}", reminder_id), [&]() -> core::Result<std::int64_t> {
        EventStore::WriteScope transaction(m_events);
        const auto instance = impl().m_instances.find(reminder_id);
        if (!instance) {
          return core::fail(ErrorCode::not_found,
                            fmt::format("no reminder with id {} (its event may have "
                                        "been removed); `summit status` lists recent ones",
                                        reminder_id));
        }
        if (instance->state == "pending") {
          return core::fail(ErrorCode::conflict,
                            fmt::format("reminder {} has not fired yet; only a fired "
                                        "reminder can be snoozed",
                                        reminder_id));
        }
        const auto id = impl().m_instances.insert_snooze(*instance, reminder_id, now + duration);
        transaction.commit();
        return id;
      });
}

core::Result<void> ReminderStore::ack(std::int64_t reminder_id, core::SysSeconds now) {
  if (auto file = m_events.ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded(fmt::format("acknowledge reminder {}", reminder_id), [&]() -> core::Result<void> {
    EventStore::WriteScope transaction(m_events);
    const auto instance = impl().m_instances.find(reminder_id);
    if (!instance) {
      return core::fail(
          ErrorCode::not_found,
          fmt::format("no reminder with id {} (its event may have been removed)", reminder_id));
    }
    if (instance->state == "pending") {
      return core::fail(
          ErrorCode::conflict,
          fmt::format("reminder {} has not fired yet; nothing to acknowledge", reminder_id));
    }
    impl().m_instances.acknowledge(reminder_id);
    {
      Use s(impl().m_ack_firings);
      s->bind(":now", to_unix(now));
      s->bind(":id", reminder_id);
      s->exec();
    }
    transaction.commit();
    return {};
  });
}

core::Result<std::int64_t> ReminderStore::event_of(std::int64_t reminder_id) {
  return guarded("look up a reminder", [&]() -> core::Result<std::int64_t> {
    const auto instance = impl().m_instances.find(reminder_id);
    if (!instance) {
      return core::fail(
          ErrorCode::not_found,
          fmt::format("no reminder with id {} (its event may have been removed)", reminder_id));
    }
    return instance->event_id;
  });
}

core::Result<std::vector<FiredReminder>> ReminderStore::missed(std::size_t limit) {
  return guarded("list missed reminders", [&]() -> core::Result<std::vector<FiredReminder>> {
    std::vector<FiredReminder> out;
    Use s(impl().m_missed);
    s->bind(":limit", static_cast<std::int64_t>(limit));
    while (s->executeStep()) {
      out.push_back(read_fired(*s));
    }
    return out;
  });
}

core::Result<ReminderStats> ReminderStore::stats(core::Seconds late_after) {
  return guarded("count reminders", [&]() -> core::Result<ReminderStats> {
    ReminderStats stats;
    auto scalar = [&](const char *sql) {
      SQLite::Statement s(impl().m_db, sql);
      s.bind(1, static_cast<std::int64_t>(late_after.count()));
      return s.executeStep() ? s.getColumn(0).getInt64() : 0;
    };
    // Kept by triggers (schema/006_reminder_counts.sql): three rows read,
    // whatever the size of the calendar; the late ones are a range of
    // firings_late.
    stats.pending = scalar("SELECT value FROM reminder_counts WHERE name = 'pending' AND ?1 = ?1");
    stats.fired = scalar("SELECT value FROM reminder_counts WHERE name = 'fired' AND ?1 = ?1");
    stats.late = scalar("SELECT count(*) FROM firings WHERE missed = 0 AND lateness > ?1");
    stats.missed = scalar("SELECT value FROM reminder_counts WHERE name = 'missed' AND ?1 = ?1");
    stats.undelivered =
        scalar("SELECT count(DISTINCT f.id) FROM owed_deliveries o JOIN firings f "
               "ON f.id BETWEEN o.first_firing AND o.last_firing WHERE f.missed = 0 AND ?1 = ?1");
    Use s(impl().m_next_due);
    if (s->executeStep()) {
      stats.next_due = from_unix(s->getColumn(0).getInt64());
      stats.next_event_id = s->getColumn(1).getInt64();
    }
    return stats;
  });
}

core::Result<std::vector<std::pair<std::int64_t, core::SysSeconds>>>
ReminderStore::pending_for_event(std::int64_t event_id) {
  using Pending = std::vector<std::pair<std::int64_t, core::SysSeconds>>;
  return guarded("list pending reminders", [&]() -> core::Result<Pending> {
    Pending out;
    Use s(impl().m_pending_for_event);
    s->bind(":id", event_id);
    while (s->executeStep()) {
      out.emplace_back(s->getColumn(0).getInt64(), from_unix(s->getColumn(1).getInt64()));
    }
    return out;
  });
}

core::Result<ReminderStore::LogPage> ReminderStore::firings_after(std::int64_t after,
                                                                  std::size_t limit) {
  return guarded("read the firing log", [&]() -> core::Result<LogPage> {
    LogPage page;
    page.scanned_to = after;
    Use s(impl().m_log_after);
    s->bind(":after", after);
    s->bind(":limit", static_cast<std::int64_t>(limit));
    while (s->executeStep()) {
      auto row = read_fired(*s);
      if (page.first_scanned == 0) {
        page.first_scanned = row.firing.firing_id;
      }
      page.scanned_to = row.firing.firing_id;
      ++page.scanned;
      if (!row.missed) {
        page.fired.push_back(std::move(row.firing));
      }
    }
    return page;
  });
}

core::Result<std::int64_t> ReminderStore::last_firing_id() {
  return guarded("read the firing log", [&]() -> core::Result<std::int64_t> {
    Use s(impl().m_last_firing);
    return s->executeStep() ? s->getColumn(0).getInt64() : 0;
  });
}

core::Result<std::int64_t> ReminderStore::last_released_firing_id(core::SysSeconds now) {
  return guarded("read the firing log", [&]() -> core::Result<std::int64_t> {
    Use s(impl().m_last_released);
    s->bind(":now", to_unix(now));
    return s->executeStep() ? s->getColumn(0).getInt64() : 0;
  });
}

core::Result<std::int64_t> ReminderStore::prune_firings(core::SysSeconds before,
                                                        std::size_t limit) {
  if (auto file = m_events.ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded("prune the firing log", [&]() -> core::Result<std::int64_t> {
    Impl &store = impl();
    std::optional<std::int64_t> through;
    {
      Use s(store.m_oldest_firings);
      s->bind(":limit", static_cast<std::int64_t>(limit));
      while (s->executeStep() && s->getColumn(1).getInt64() < to_unix(before)) {
        through = s->getColumn(0).getInt64();
      }
    }
    if (!through) {
      return 0;
    }
    const RelaxedSync relaxed(store.m_db, Checkpoint::large_wal_only);
    SQLite::Transaction transaction(store.m_db, SQLite::TransactionBehavior::IMMEDIATE);
    Use s(store.m_prune_firings);
    s->bind(":through", *through);
    const auto removed = s->exec();
    transaction.commit();
    return static_cast<std::int64_t>(removed);
  });
}

} // namespace summit::store
