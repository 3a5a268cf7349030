#include "daemon/store/calendar_store.hpp"

#include "core/calendar_rules.hpp"
#include "core/event_json.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/guarded.hpp"
#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <map>
#include <utility>

namespace summit::store {

using core::ErrorCode;

namespace {

constexpr const char *k_columns =
    "c.id, c.name, c.kind, c.url, c.every_seconds, c.user_name, c.password_file, c.tz, "
    "c.owner_uid, c.etag, c.last_modified, c.last_attempt, c.last_success, c.state, c.error, "
    "c.created, c.collection, c.collection_url, c.sync_token, c.ctag";

Calendar read_calendar(SQLite::Statement &s) {
  Calendar c;
  c.id = s.getColumn(0).getInt64();
  c.name = s.getColumn(1).getString();
  c.kind = s.getColumn(2).getString();
  c.url = s.getColumn(3).getString();
  c.every = core::Seconds{s.getColumn(4).getInt64()};
  c.user_name = s.getColumn(5).getString();
  c.password_file = s.getColumn(6).getString();
  c.tz = s.getColumn(7).getString();
  c.owner_uid = static_cast<std::uint32_t>(s.getColumn(8).getInt64());
  c.etag = s.getColumn(9).getString();
  c.last_modified = s.getColumn(10).getString();
  if (!s.getColumn(11).isNull()) {
    c.last_attempt = from_unix(s.getColumn(11).getInt64());
  }
  if (!s.getColumn(12).isNull()) {
    c.last_success = from_unix(s.getColumn(12).getInt64());
  }
  c.state = s.getColumn(13).getString();
  c.error = s.getColumn(14).getString();
  c.created = from_unix(s.getColumn(15).getInt64());
  c.collection = s.getColumn(16).getString();
  c.collection_url = s.getColumn(17).getString();
  c.sync_token = s.getColumn(18).getString();
  c.ctag = s.getColumn(19).getString();
  return c;
}

} // namespace

nlohmann::json comparable_event(const core::Event &event) {
  nlohmann::json out = core::event_to_json(event);
  for (const char *key : {"id", "owner_uid", "created", "updated"}) {
    out.erase(key);
  }
  return out;
}

core::Result<std::vector<Calendar>> CalendarStore::list(bool count_events) {
  return guarded("list calendars", [&]() -> core::Result<std::vector<Calendar>> {
    SQLite::Statement s(m_events.database(),
                        fmt::format("SELECT {}, {} FROM calendars c ORDER BY c.id", k_columns,
                                    count_events ? "(SELECT count(*) FROM events e WHERE "
                                                   "e.calendar_id = c.id)"
                                                 : "0"));
    std::vector<Calendar> out;
    while (s.executeStep()) {
      out.push_back(read_calendar(s));
      out.back().events = s.getColumn(20).getInt64();
    }
    return out;
  });
}

core::Result<std::optional<Calendar>> CalendarStore::find(const std::string &name) {
  return guarded("look up a calendar", [&]() -> core::Result<std::optional<Calendar>> {
    SQLite::Statement s(m_events.database(),
                        fmt::format("SELECT {} FROM calendars c WHERE c.name = ? COLLATE NOCASE "
                                    "ORDER BY c.id LIMIT 1",
                                    k_columns));
    s.bind(1, name);
    if (!s.executeStep()) {
      return std::optional<Calendar>{};
    }
    return read_calendar(s);
  });
}

core::Result<Calendar> CalendarStore::of_event(std::int64_t event_id) {
  return guarded("look up an event's calendar", [&]() -> core::Result<Calendar> {
    SQLite::Statement s(m_events.database(),
                        fmt::format("SELECT {} FROM calendars c WHERE c.id = coalesce((SELECT "
                                    "calendar_id FROM events WHERE id = ?), 1)",
                                    k_columns));
    s.bind(1, event_id);
    if (!s.executeStep()) {
      return core::fail(ErrorCode::storage, "the calendar 'personal' is missing from the database");
    }
    return read_calendar(s);
  });
}

core::Result<Calendar> CalendarStore::add(Calendar calendar, core::SysSeconds now) {
  if (auto file = m_events.ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded("add a calendar", [&]() -> core::Result<Calendar> {
    EventStore::WriteScope transaction(m_events);
    auto &db = m_events.database();
    {
      // Names are ASCII (core::check_calendar_name) and told apart without
      // case: "Personal" is personal, and --calendar OK finds ok.
      SQLite::Statement exists(db, "SELECT name FROM calendars WHERE name = ? COLLATE NOCASE");
      exists.bind(1, calendar.name);
      if (exists.executeStep()) {
        const std::string taken = exists.getColumn(0).getString();
        return core::fail(ErrorCode::conflict,
                          fmt::format("a calendar named '{}' already exists; choose another name "
                                      "or remove it first (summit calendar rm {})",
                                      taken, taken));
      }
    }
    if (db.execAndGet("SELECT count(*) FROM calendars").getInt64() >=
        static_cast<std::int64_t>(core::k_max_calendars)) {
      return core::fail(ErrorCode::over_budget,
                        fmt::format("there are already {} calendars, the most summit keeps; "
                                    "remove one first (summit calendar rm NAME)",
                                    core::k_max_calendars));
    }
    SQLite::Statement insert(
        db, "INSERT INTO calendars (name, kind, url, every_seconds, user_name, password_file, "
            "tz, owner_uid, state, created, collection) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, calendar.name);
    insert.bind(2, calendar.kind);
    insert.bind(3, calendar.url);
    insert.bind(4, static_cast<std::int64_t>(calendar.every.count()));
    insert.bind(5, calendar.user_name);
    insert.bind(6, calendar.password_file);
    insert.bind(7, calendar.tz);
    insert.bind(8, static_cast<std::int64_t>(calendar.owner_uid));
    insert.bind(9, calendar.state);
    insert.bind(10, to_unix(now));
    insert.bind(11, calendar.collection);
    insert.exec();
    calendar.id = db.getLastInsertRowid();
    calendar.created = now;
    transaction.commit();
    return calendar;
  });
}

core::Result<std::int64_t> CalendarStore::remove(std::int64_t id) {
  if (id == 1) {
    return core::fail(ErrorCode::invalid_params,
                      "the calendar 'personal' cannot be removed: it is where events go by "
                      "default");
  }
  if (auto file = m_events.ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded("remove a calendar", [&]() -> core::Result<std::int64_t> {
    EventStore::WriteScope transaction(m_events);
    auto &db = m_events.database();
    // Tags, reminders and pending reminder instances go with each event
    // (ON DELETE CASCADE); the firing log keeps its history.
    SQLite::Statement events(db, "DELETE FROM events WHERE calendar_id = ?");
    events.bind(1, id);
    const std::int64_t removed = events.exec();
    SQLite::Statement calendar(db, "DELETE FROM calendars WHERE id = ?");
    calendar.bind(1, id);
    if (calendar.exec() == 0) {
      return core::fail(ErrorCode::not_found, fmt::format("no calendar with id {}", id));
    }
    transaction.commit();
    return removed;
  });
}

core::Result<void> CalendarStore::assign(std::int64_t event_id, std::int64_t calendar_id) {
  return guarded("put an event in its calendar", [&]() -> core::Result<void> {
    EventStore::WriteScope transaction(m_events);
    SQLite::Statement s(m_events.database(), "UPDATE events SET calendar_id = ? WHERE id = ?");
    s.bind(1, calendar_id);
    s.bind(2, event_id);
    s.exec();
    transaction.commit();
    return {};
  });
}

core::Result<void> CalendarStore::record_failure(std::int64_t id, const std::string &error,
                                                 core::SysSeconds now) {
  if (auto file = m_events.ensure_file(); !file) {
    return file;
  }
  return guarded("record a failed fetch", [&]() -> core::Result<void> {
    EventStore::WriteScope transaction(m_events);
    SQLite::Statement s(m_events.database(), "UPDATE calendars SET state = 'error', error = ?, "
                                             "last_attempt = ? WHERE id = ?");
    s.bind(1, error);
    s.bind(2, to_unix(now));
    s.bind(3, id);
    s.exec();
    transaction.commit();
    return {};
  });
}

core::Result<void> CalendarStore::record_unchanged(std::int64_t id, core::SysSeconds now) {
  if (auto file = m_events.ensure_file(); !file) {
    return file;
  }
  return guarded("record a fetch", [&]() -> core::Result<void> {
    EventStore::WriteScope transaction(m_events);
    SQLite::Statement s(m_events.database(),
                        "UPDATE calendars SET state = 'ok', error = '', last_attempt = ?, "
                        "last_success = ? WHERE id = ?");
    s.bind(1, to_unix(now));
    s.bind(2, to_unix(now));
    s.bind(3, id);
    s.exec();
    transaction.commit();
    return {};
  });
}

core::Result<SubscriptionChange> CalendarStore::replace_events(std::int64_t id,
                                                               std::vector<core::Event> events,
                                                               const std::string &etag,
                                                               const std::string &last_modified,
                                                               core::SysSeconds now) {
  auto plan = plan_replacement(id, std::move(events));
  if (!plan) {
    return tl::unexpected(plan.error());
  }
  return apply_replacement(id, std::move(*plan), etag, last_modified, now);
}

core::Result<ReplacementPlan> CalendarStore::plan_replacement(std::int64_t id,
                                                              std::vector<core::Event> events) {
  // Reads only (no write lock: the firing path writes meanwhile): an
  // unchanged version then costs no write at all but the calendar's row.
  const auto started = std::chrono::steady_clock::now();
  ReplacementPlan plan;
  auto planned = guarded("compare a subscription's events", [&]() -> core::Result<void> {
    auto &db = m_events.database();
    std::map<std::string, std::int64_t> held; // uid -> id, of this calendar
    {
      SQLite::Statement s(db, "SELECT uid, id FROM events WHERE calendar_id = ?");
      s.bind(1, id);
      while (s.executeStep()) {
        held.emplace(s.getColumn(0).getString(), s.getColumn(1).getInt64());
      }
    }
    SQLite::Statement other(db, "SELECT c.name FROM events e JOIN calendars c ON c.id = "
                                "e.calendar_id WHERE e.uid = ?");
    for (core::Event &event : events) {
      auto found = held.find(event.uid);
      if (found == held.end()) {
        other.reset();
        other.bind(1, event.uid);
        if (other.executeStep()) {
          plan.skipped.push_back(
              fmt::format("{} (uid {}): the UID is already in calendar '{}'; left there",
                          core::quoted_for_message(event.title, 60),
                          core::quoted_for_message(event.uid, 60), other.getColumn(0).getString()));
          continue;
        }
        plan.added.push_back(std::move(event));
        continue;
      }
      const std::int64_t event_id = found->second;
      held.erase(found);
      auto current = m_events.get(event_id);
      if (!current) {
        return tl::unexpected(current.error());
      }
      event.id = current->id;
      event.owner_uid = current->owner_uid;
      event.created = current->created;
      if (comparable_event(event) == comparable_event(*current)) {
        ++plan.unchanged;
        continue;
      }
      plan.updated.push_back(std::move(event));
    }
    for (const auto &entry : held) {
      plan.removed.push_back(entry.second);
    }
    return {};
  });
  if (!planned) {
    return tl::unexpected(planned.error());
  }
  plan.compared_in = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return plan;
}

core::Result<SubscriptionChange>
CalendarStore::apply_replacement(std::int64_t id, ReplacementPlan plan, const std::string &etag,
                                 const std::string &last_modified, core::SysSeconds now) {
  const auto started = std::chrono::steady_clock::now();
  auto written = m_events.write_together([&]() -> core::Result<void> {
    for (core::Event &event : plan.added) {
      auto stored = m_events.add(std::move(event));
      if (!stored) {
        return tl::unexpected(stored.error());
      }
      if (auto put = assign(stored->id, id); !put) {
        return put;
      }
    }
    for (const core::Event &event : plan.updated) {
      if (auto stored = m_events.update(event); !stored) {
        return tl::unexpected(stored.error());
      }
    }
    for (const std::int64_t event_id : plan.removed) {
      if (auto gone = m_events.remove(event_id); !gone) {
        return gone;
      }
    }
    return guarded("record a fetch", [&]() -> core::Result<void> {
      SQLite::Statement s(m_events.database(),
                          "UPDATE calendars SET state = 'ok', error = '', etag = ?, "
                          "last_modified = ?, last_attempt = ?, last_success = ? WHERE id = ?");
      s.bind(1, etag);
      s.bind(2, last_modified);
      s.bind(3, to_unix(now));
      s.bind(4, to_unix(now));
      s.bind(5, id);
      s.exec();
      return {};
    });
  });
  if (!written) {
    return tl::unexpected(written.error());
  }
  SubscriptionChange change;
  change.added = static_cast<std::int64_t>(plan.added.size());
  change.updated = static_cast<std::int64_t>(plan.updated.size());
  change.removed = static_cast<std::int64_t>(plan.removed.size());
  change.unchanged = plan.unchanged;
  change.skipped = std::move(plan.skipped);
  change.compared_in = plan.compared_in;
  change.written_in = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return change;
}

} // namespace summit::store
