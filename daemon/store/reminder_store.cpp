#include "daemon/store/reminder_store.hpp"

#include "core/ical/recurrence.hpp"
#include "core/zones.hpp"
#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace summit::store {

namespace {

using core::ErrorCode;
using nlohmann::json;

template <class F> auto guarded(std::string_view what, F &&body) -> decltype(body()) {
  try {
    return body();
  } catch (const SQLite::Exception &e) {
    return core::fail(ErrorCode::storage, fmt::format("could not {}: {}", what, e.what()));
  } catch (const json::exception &e) {
    return core::fail(ErrorCode::storage,
                      fmt::format("could not {}: stored data is damaged ({})", what, e.what()));
  }
}

std::string snapshot_of(const scheduler::Firing &f) {
  return json{{"title", f.title},
              {"precision", core::to_string(f.precision)},
              {"start_local", f.start_local},
              {"start_utc", to_unix(f.start_utc)},
              {"tz", f.tz},
              {"location", f.location},
              {"reminder", f.reminder}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

void restore_snapshot(scheduler::Firing &f, const std::string &text) {
  const json j = json::parse(text);
  f.title = j.value("title", "");
  f.precision =
      core::precision_from_string(j.value("precision", "timed")).value_or(core::Precision::timed);
  f.start_local = j.value("start_local", "");
  f.start_utc = from_unix(j.value("start_utc", std::int64_t{0}));
  f.tz = j.value("tz", "");
  f.location = j.value("location", "");
  f.reminder = j.value("reminder", "");
}

// A RECURRENCE-ID as the store writes it ('2025-10-31T10:00:00').
std::optional<core::LocalSeconds> parse_local_text(const std::string &text) {
  std::istringstream in(text);
  core::LocalSeconds t{};
  in >> date::parse("%FT%T", t);
  if (in.fail()) {
    return std::nullopt;
  }
  return t;
}

constexpr const char *k_firing_columns =
    "f.id, f.reminder_id, f.event_id, f.due, f.fired_at, f.lateness, f.snapshot, f.missed, "
    "f.acked_at";

FiredReminder read_fired(SQLite::Statement &s) {
  FiredReminder out;
  scheduler::Firing &f = out.firing;
  f.firing_id = s.getColumn(0).getInt64();
  f.reminder_id = s.getColumn(1).getInt64();
  f.event_id = s.getColumn(2).getInt64();
  f.due = from_unix(s.getColumn(3).getInt64());
  f.fired_at = from_unix(s.getColumn(4).getInt64());
  f.lateness = core::Seconds{s.getColumn(5).getInt64()};
  restore_snapshot(f, s.getColumn(6).getString());
  out.missed = s.getColumn(7).getInt() != 0;
  if (!s.getColumn(8).isNull()) {
    out.acked_at = from_unix(s.getColumn(8).getInt64());
  }
  return out;
}

// Runs the outbox writes (take_due, mark_delivered) with synchronous=NORMAL
// instead of the store's FULL: in WAL mode that skips the fsync on commit,
// which is most of the time between a reminder's due second and its delivery.
// It is safe for the promise made: a process crash loses nothing (the WAL is
// in the OS), and a power loss can only roll back the newest firings, whose
// instances are then pending again and fire once more after the reboot with
// the same reminder id: a marked re-delivery, never a loss. The next FULL
// commit (any client write) syncs these frames too.
class RelaxedSync {
public:
  explicit RelaxedSync(SQLite::Database &db) : m_db(db) {
    m_db.exec("PRAGMA synchronous = NORMAL");
  }
  ~RelaxedSync() {
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
};

} // namespace

struct ReminderStore::Impl {
  explicit Impl(EventStore &events)
      : m_events(events), m_db(events.database()),
        m_next_due(m_db, "SELECT due, event_id FROM reminder_instances WHERE state = 'pending' "
                         "ORDER BY due, id LIMIT 1"),
        m_select_due(m_db, "SELECT id, event_id, position, due, occurrence, snooze_of IS NOT NULL "
                           "FROM reminder_instances WHERE state = 'pending' AND due <= :now "
                           "ORDER BY due, id LIMIT :limit"),
        m_insert_instance(m_db, "INSERT INTO reminder_instances (event_id, position, due, "
                                "occurrence) VALUES (:event, :position, :due, :occurrence)"),
        m_set_state(m_db, "UPDATE reminder_instances SET state = :state WHERE id = :id"),
        m_insert_firing(m_db, "INSERT INTO firings (reminder_id, event_id, due, fired_at, "
                              "lateness, missed, snapshot) VALUES (:reminder, :event, :due, "
                              ":fired_at, :lateness, :missed, :snapshot)"),
        m_insert_delivery(m_db, "INSERT OR IGNORE INTO pending_deliveries (firing_id, channel) "
                                "VALUES (:firing, :channel)"),
        m_undelivered(m_db, fmt::format("SELECT {}, group_concat(d.channel, char(31)) "
                                        "FROM firings f JOIN pending_deliveries d "
                                        "ON d.firing_id = f.id GROUP BY f.id "
                                        "ORDER BY f.due, f.reminder_id, f.id",
                                        k_firing_columns)),
        m_delete_delivery(m_db, "DELETE FROM pending_deliveries WHERE firing_id = :firing "
                                "AND channel = :channel"),
        m_instance(m_db, "SELECT state, event_id, position, occurrence FROM reminder_instances "
                         "WHERE id = :id"),
        m_insert_snooze(m_db, "INSERT INTO reminder_instances (event_id, position, due, "
                              "snooze_of, occurrence) VALUES (:event, :position, :due, :of, "
                              ":occurrence)"),
        m_ack_firings(m_db, "UPDATE firings SET acked_at = :now WHERE reminder_id = :id "
                            "AND acked_at IS NULL"),
        m_missed(m_db, fmt::format("SELECT {} FROM firings f WHERE f.missed = 1 "
                                   "ORDER BY f.due DESC, f.id DESC LIMIT :limit",
                                   k_firing_columns)),
        m_pending_for_event(m_db, "SELECT id, due FROM reminder_instances WHERE event_id = :id "
                                  "AND state = 'pending' ORDER BY due, id") {}

  EventStore &m_events;
  SQLite::Database &m_db;
  SQLite::Statement m_next_due;
  SQLite::Statement m_select_due;
  SQLite::Statement m_insert_instance;
  SQLite::Statement m_set_state;
  SQLite::Statement m_insert_firing;
  SQLite::Statement m_insert_delivery;
  SQLite::Statement m_undelivered;
  SQLite::Statement m_delete_delivery;
  SQLite::Statement m_instance;
  SQLite::Statement m_insert_snooze;
  SQLite::Statement m_ack_firings;
  SQLite::Statement m_missed;
  SQLite::Statement m_pending_for_event;

  struct Instance {
    std::string state;
    std::int64_t event_id = 0;
    std::int64_t position = 0;
    std::optional<std::string> occurrence;
  };

  // The same reminder of the occurrence after `previous`, skipping those
  // already due before `after` (now - grace: the daemon was down).
  void plan_next_occurrence(const core::Event &series, const date::time_zone *zone,
                            std::size_t index, core::LocalSeconds previous,
                            core::SysSeconds after) {
    const auto next = ical::next_occurrence_reminder(series, zone, index, previous, after,
                                                     m_events.reminder_plan());
    if (!next) {
      return;
    }
    Use s(m_insert_instance);
    s->bind(":event", series.id);
    s->bind(":position", static_cast<std::int64_t>(index));
    s->bind(":due", to_unix(next->due));
    s->bind(":occurrence", date::format("%FT%T", next->occurrence));
    s->exec();
  }

  std::optional<Instance> instance(std::int64_t id) {
    Use s(m_instance);
    s->bind(":id", id);
    if (!s->executeStep()) {
      return std::nullopt;
    }
    Instance found{s->getColumn(0).getString(), s->getColumn(1).getInt64(),
                   s->getColumn(2).getInt64(), std::nullopt};
    if (!s->getColumn(3).isNull()) {
      found.occurrence = s->getColumn(3).getString();
    }
    return found;
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

void ReminderStore::ensure_file() {
  // The outbox is written outside any group of client writes, with its own
  // durability (RelaxedSync): commit the group first.
  if (auto flushed = m_events.flush_group(); !flushed) {
    throw std::runtime_error(flushed.error().message);
  }
  if (auto file = m_events.ensure_file(); !file) {
    throw std::runtime_error(file.error().message);
  }
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

std::optional<core::SysSeconds> ReminderStore::next_due() {
  Use s(impl().m_next_due);
  if (!s->executeStep()) {
    return std::nullopt;
  }
  return from_unix(s->getColumn(0).getInt64());
}

ReminderStore::DueBatch ReminderStore::take_due(core::SysSeconds now, core::Seconds grace,
                                                const std::vector<std::string> &channels) {
  struct Row {
    std::int64_t id;
    std::int64_t event_id;
    std::int64_t position;
    core::SysSeconds due;
    std::optional<std::string> occurrence; // of a recurring event
    bool snooze = false;
  };
  DueBatch batch;
  ensure_file();
  const RelaxedSync relaxed(impl().m_db);
  SQLite::Transaction transaction(impl().m_db, SQLite::TransactionBehavior::IMMEDIATE);
  std::vector<Row> rows;
  {
    Use s(impl().m_select_due);
    s->bind(":now", to_unix(now));
    s->bind(":limit", static_cast<std::int64_t>(batch_limit()));
    while (s->executeStep()) {
      Row row{s->getColumn(0).getInt64(),
              s->getColumn(1).getInt64(),
              s->getColumn(2).getInt64(),
              from_unix(s->getColumn(3).getInt64()),
              std::nullopt,
              s->getColumn(5).getInt() != 0};
      if (!s->getColumn(4).isNull()) {
        row.occurrence = s->getColumn(4).getString();
      }
      rows.push_back(std::move(row));
    }
  }
  if (rows.empty()) {
    return batch;
  }
  // Many reminders of one event fall due together: read each event once.
  std::unordered_map<std::int64_t, std::optional<core::Event>> events;
  for (const Row &row : rows) {
    auto cached = events.find(row.event_id);
    if (cached == events.end()) {
      auto event = impl().m_events.get(row.event_id);
      cached = events.emplace(row.event_id, event ? std::optional(*event) : std::nullopt).first;
    }
    scheduler::Firing firing;
    firing.reminder_id = row.id;
    firing.due = row.due;
    firing.fired_at = now;
    firing.lateness = std::max(core::Seconds{0}, now - row.due);
    if (cached->second) {
      const core::Event &event = *cached->second;
      const auto index = static_cast<std::size_t>(row.position);
      const core::Reminder reminder = index < event.reminders.size()
                                          ? event.reminders[index]
                                          : core::Reminder{core::Seconds{0}, std::nullopt};
      auto zone = core::find_zone(event.tz);
      if (row.occurrence && event.recurrence && zone) {
        // One occurrence of a series: its own start, and the same reminder
        // of the next occurrence planned in this transaction (only the next
        // one is ever materialised).
        const auto id = parse_local_text(*row.occurrence);
        const auto occurrence = id ? ical::find_occurrence(event, *zone, *id) : std::nullopt;
        scheduler::fill_event_fields(
            firing, occurrence ? ical::occurrence_event(event, *occurrence) : event, reminder,
            *zone);
        if (!row.snooze && id && index < event.reminders.size()) {
          impl().plan_next_occurrence(event, *zone, index, *id, now - grace);
        }
      } else {
        scheduler::fill_event_fields(firing, event, reminder, zone ? *zone : nullptr);
      }
    } else {
      // Cannot happen while foreign keys cascade; recorded rather than lost.
      firing.event_id = row.event_id;
      firing.title = "(removed event)";
    }
    const bool missed = now - row.due > grace;
    {
      Use s(impl().m_set_state);
      s->bind(":state", missed ? "missed" : "fired");
      s->bind(":id", row.id);
      s->exec();
    }
    {
      Use s(impl().m_insert_firing);
      s->bind(":reminder", row.id);
      s->bind(":event", firing.event_id);
      s->bind(":due", to_unix(firing.due));
      s->bind(":fired_at", to_unix(firing.fired_at));
      s->bind(":lateness", static_cast<std::int64_t>(firing.lateness.count()));
      s->bind(":missed", missed ? 1 : 0);
      s->bind(":snapshot", snapshot_of(firing));
      s->exec();
    }
    firing.firing_id = impl().m_db.getLastInsertRowid();
    if (missed) {
      batch.missed.push_back(std::move(firing));
      continue;
    }
    for (const std::string &channel : channels) {
      Use s(impl().m_insert_delivery);
      s->bind(":firing", firing.firing_id);
      s->bind(":channel", channel);
      s->exec();
    }
    batch.fired.push_back(std::move(firing));
  }
  transaction.commit();
  return batch;
}

std::vector<ReminderStore::Undelivered> ReminderStore::undelivered() {
  std::vector<Undelivered> out;
  Use s(impl().m_undelivered);
  while (s->executeStep()) {
    Undelivered item;
    item.firing = read_fired(*s.operator->()).firing;
    const std::string channels = s->getColumn(9).getString();
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
      out.push_back(std::move(item));
    }
  }
  return out;
}

void ReminderStore::mark_delivered(const std::vector<Delivery> &deliveries) {
  if (deliveries.empty()) {
    return;
  }
  ensure_file();
  const RelaxedSync relaxed(impl().m_db);
  SQLite::Transaction transaction(impl().m_db, SQLite::TransactionBehavior::IMMEDIATE);
  for (const Delivery &delivery : deliveries) {
    Use s(impl().m_delete_delivery);
    s->bind(":firing", delivery.firing_id);
    s->bind(":channel", delivery.channel);
    s->exec();
  }
  transaction.commit();
}

core::Result<std::int64_t> ReminderStore::snooze(std::int64_t reminder_id, core::Seconds duration,
                                                 core::SysSeconds now) {
  if (auto file = m_events.ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded(
      fmt::format("snooze reminder {}", reminder_id), [&]() -> core::Result<std::int64_t> {
        EventStore::WriteScope transaction(m_events);
        const auto instance = impl().instance(reminder_id);
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
        Use s(impl().m_insert_snooze);
        s->bind(":event", instance->event_id);
        s->bind(":position", instance->position);
        s->bind(":due", to_unix(now + duration));
        s->bind(":of", reminder_id);
        if (instance->occurrence) {
          s->bind(":occurrence", *instance->occurrence);
        } else {
          s->bind(":occurrence");
        }
        s->exec();
        const auto id = impl().m_db.getLastInsertRowid();
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
    const auto instance = impl().instance(reminder_id);
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
    {
      Use s(impl().m_set_state);
      s->bind(":state", "acked");
      s->bind(":id", reminder_id);
      s->exec();
    }
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
    const auto instance = impl().instance(reminder_id);
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
      out.push_back(read_fired(*s.operator->()));
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
    // Status is asked rarely; these need no cached statements.
    stats.pending =
        scalar("SELECT count(*) FROM reminder_instances WHERE state = 'pending' AND ?1 = ?1");
    stats.fired = scalar("SELECT count(*) FROM firings WHERE missed = 0 AND ?1 = ?1");
    stats.late = scalar("SELECT count(*) FROM firings WHERE missed = 0 AND lateness > ?1");
    stats.missed = scalar("SELECT count(*) FROM firings WHERE missed = 1 AND ?1 = ?1");
    stats.undelivered =
        scalar("SELECT count(DISTINCT firing_id) FROM pending_deliveries WHERE ?1 = ?1");
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

} // namespace summit::store
