#include "daemon/store/event_rows.hpp"

#include "core/custom_zones.hpp"
#include "core/event_json.hpp"
#include "core/ical/recurrence.hpp"
#include "core/time_format.hpp"
#include "core/zones.hpp"
#include "daemon/store/guarded.hpp"
#include "daemon/store/statement_use.hpp"
#include "daemon/store/wall_time.hpp"

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <utility>

namespace summit::store {

using core::ErrorCode;

namespace {

constexpr const char *k_event_values =
    "uid = :uid, title = :title, precision = :precision, start_local = :start_local, "
    "end_local = :end_local, has_end = :has_end, tz = :tz, start_later = :start_later, end_later = "
    ":end_later, "
    "start_utc = :start_utc, end_utc = :end_utc, location = :location, "
    "description = :description, tags = :tags, status = :status, owner_uid = :owner_uid, "
    "created = :created, updated = :updated, recurrence = :recurrence, "
    "series_start_utc = :series_start_utc, series_end_utc = :series_end_utc, "
    "lone_series_uid = :lone_series_uid, lone_recurrence_id = :lone_recurrence_id";

std::string select_by_id_sql() {
  return fmt::format("SELECT {} FROM events e WHERE e.id = :id", k_event_columns);
}

// The recurrence and the span of all its occurrences (NULL for an event that
// does not repeat).
void bind_series(SQLite::Statement &s, const core::Event &event) {
  if (event.recurrence) {
    s.bind(":recurrence", core::recurrence_to_json(event).dump());
    auto zone = core::find_zone(event.tz);
    const core::TimeRange span =
        zone ? ical::series_span(event, *zone) : core::TimeRange{event.start_utc, event.end_utc};
    s.bind(":series_start_utc", to_unix(span.begin));
    s.bind(":series_end_utc", to_unix(span.end));
  } else {
    s.bind(":recurrence");
    s.bind(":series_start_utc");
    s.bind(":series_end_utc");
  }
}

} // namespace

EventParameters::EventParameters(const SQLite::Statement &s)
    : uid(s.getIndex(":uid")), title(s.getIndex(":title")), precision(s.getIndex(":precision")),
      start_local(s.getIndex(":start_local")), end_local(s.getIndex(":end_local")),
      has_end(s.getIndex(":has_end")), tz(s.getIndex(":tz")),
      start_later(s.getIndex(":start_later")), end_later(s.getIndex(":end_later")),
      start_utc(s.getIndex(":start_utc")), end_utc(s.getIndex(":end_utc")),
      location(s.getIndex(":location")), description(s.getIndex(":description")),
      tags(s.getIndex(":tags")), status(s.getIndex(":status")), owner_uid(s.getIndex(":owner_uid")),
      created(s.getIndex(":created")), updated(s.getIndex(":updated")),
      lone_series_uid(s.getIndex(":lone_series_uid")),
      lone_recurrence_id(s.getIndex(":lone_recurrence_id")) {}

namespace {

void bind_event(SQLite::Statement &s, const EventParameters &p, const core::Event &event) {
  s.bind(p.uid, event.uid);
  s.bind(p.title, event.title);
  s.bind(p.precision, core::to_string(event.precision));
  s.bind(p.start_local, local_text(event.start_local));
  s.bind(p.end_local, local_text(event.end_local));
  s.bind(p.has_end, event.has_end ? 1 : 0);
  s.bind(p.tz, event.tz);
  s.bind(p.start_later, event.start_later ? 1 : 0);
  s.bind(p.end_later, event.end_later ? 1 : 0);
  s.bind(p.start_utc, to_unix(event.start_utc));
  s.bind(p.end_utc, to_unix(event.end_utc));
  s.bind(p.location, event.location);
  s.bind(p.description, event.description);
  s.bind(p.tags, event.tags.empty() ? std::string("[]") : nlohmann::json(event.tags).dump());
  s.bind(p.status, core::to_string(event.status));
  s.bind(p.owner_uid, static_cast<std::int64_t>(event.owner_uid));
  s.bind(p.created, to_unix(event.created));
  s.bind(p.updated, to_unix(event.updated));
  bind_series(s, event);
  if (event.lone_change) {
    s.bind(p.lone_series_uid, event.lone_change->series_uid);
    s.bind(p.lone_recurrence_id, event.lone_change->recurrence_id);
  } else {
    s.bind(p.lone_series_uid);
    s.bind(p.lone_recurrence_id);
  }
}

std::vector<core::Reminder> parse_reminders(const std::string &text) {
  // [[position, before_seconds|null, at_utc|null], ...]; json_group_array
  // promises no order, so sort by position here.
  const auto rows = nlohmann::json::parse(text);
  std::vector<std::pair<std::int64_t, core::Reminder>> positioned;
  for (const auto &row : rows) {
    core::Reminder reminder;
    if (!row.at(1).is_null()) {
      reminder.before = core::Seconds{row.at(1).get<std::int64_t>()};
    }
    if (!row.at(2).is_null()) {
      reminder.at = from_unix(row.at(2).get<std::int64_t>());
    }
    positioned.emplace_back(row.at(0).get<std::int64_t>(), reminder);
  }
  std::sort(positioned.begin(), positioned.end(),
            [](const auto &a, const auto &b) { return a.first < b.first; });
  std::vector<core::Reminder> reminders;
  reminders.reserve(positioned.size());
  for (auto &[position, reminder] : positioned) {
    reminders.push_back(reminder);
  }
  return reminders;
}

} // namespace

// "2025-09-26T10:00:00" (an event's years are 1900-2399: always four digits).
std::string local_text(core::LocalSeconds t) { return core::format_iso_local(t); }

core::LocalSeconds parse_local(const std::string &text, std::int64_t id) {
  const auto t = parse_wall_time(text);
  if (!t) {
    throw DamagedRow(fmt::format("event {} has an unreadable wall time '{}'", id, text));
  }
  return *t;
}

// "<10 hex: seconds><6 hex: a counter><16 hex: random>@summit", 32 hex digits.
// Time first, as in a UUIDv7 (RFC 9562): new uids land next to each other in
// the uid index instead of on a random page each, which would be one more
// page for every add to write to the WAL. `created` is the instant of the
// request (the store never reads the clock); the counter orders uids made
// within one second; the random part, from a generator seeded once from the
// system's entropy, keeps daemons and restarts apart. Unique, not secret: a
// uid is no credential.
std::string new_uid(core::SysSeconds created) {
  static std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(),
                       device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  static std::uint32_t counter = 0;
  const auto seconds = static_cast<std::uint64_t>(to_unix(created)) & 0xff'ffff'ffffU;
  return fmt::format("{:010x}{:06x}{:016x}@summit", seconds, counter++ & 0xff'ffffU, generator());
}

// The invariants the schema enforces, checked first so that the caller gets
// invalid_params and a sentence instead of "CHECK constraint failed".
core::Result<void> check_storable(const core::Event &event) {
  if (event.end_utc < event.start_utc) {
    return core::fail(ErrorCode::invalid_params, "the event ends before it starts");
  }
  for (std::size_t i = 0; i < event.reminders.size(); ++i) {
    const core::Reminder &reminder = event.reminders[i];
    if (reminder.before.has_value() == reminder.at.has_value()) {
      return core::fail(ErrorCode::invalid_params,
                        fmt::format("reminder {} needs either an offset before the start or an "
                                    "instant, and not both",
                                    i + 1));
    }
  }
  return {};
}

// Reads a row selected with k_event_columns.
core::Event read_event(SQLite::Statement &s) {
  core::Event event;
  event.id = s.getColumn(0).getInt64();
  event.uid = s.getColumn(1).getString();
  event.title = s.getColumn(2).getString();
  const std::string precision = s.getColumn(3).getString();
  const auto parsed_precision = core::precision_from_string(precision);
  if (!parsed_precision) {
    throw DamagedRow(fmt::format("event {} has an unknown precision '{}'", event.id, precision));
  }
  event.precision = *parsed_precision;
  event.start_local = parse_local(s.getColumn(4).getString(), event.id);
  event.end_local = parse_local(s.getColumn(5).getString(), event.id);
  event.has_end = s.getColumn(6).getInt() != 0;
  event.tz = s.getColumn(7).getString();
  event.start_later = s.getColumn(8).getInt() != 0;
  event.start_utc = from_unix(s.getColumn(9).getInt64());
  event.end_utc = from_unix(s.getColumn(10).getInt64());
  event.location = s.getColumn(11).getString();
  event.description = s.getColumn(12).getString();
  event.tags = nlohmann::json::parse(s.getColumn(13).getString()).get<std::vector<std::string>>();
  const std::string status = s.getColumn(14).getString();
  const auto parsed_status = core::status_from_string(status);
  if (!parsed_status) {
    throw DamagedRow(fmt::format("event {} has an unknown status '{}'", event.id, status));
  }
  event.status = *parsed_status;
  event.owner_uid = static_cast<std::uint32_t>(s.getColumn(15).getInt64());
  event.created = from_unix(s.getColumn(16).getInt64());
  event.updated = from_unix(s.getColumn(17).getInt64());
  event.reminders = parse_reminders(s.getColumn(18).getString());
  event.end_later = s.getColumn(19).getInt() != 0;
  if (!s.getColumn(20).isNull()) {
    try {
      event.recurrence =
          core::recurrence_from_json(nlohmann::json::parse(s.getColumn(20).getString()));
    } catch (const std::invalid_argument &e) {
      throw DamagedRow(
          fmt::format("event {} has an unreadable recurrence ({})", event.id, e.what()));
    }
  }
  if (!s.getColumn(21).isNull()) {
    event.lone_change = core::LoneChange{s.getColumn(21).getString(), s.getColumn(22).getString()};
  }
  return event;
}

EventRows::EventRows(SQLite::Database &db)
    : m_db(db),
      m_insert_event(
          db, "INSERT INTO events (id, uid, title, precision, start_local, end_local, "
              "has_end, tz, start_later, end_later, start_utc, end_utc, location, "
              "description, tags, status, owner_uid, created, updated, recurrence, "
              "series_start_utc, series_end_utc, lone_series_uid, lone_recurrence_id) VALUES "
              // Never an id that was deleted (schema/007_event_ids.sql).
              "((SELECT max(id, coalesce((SELECT max(id) FROM events), 0)) + 1 "
              "FROM event_id_floor WHERE only = 1), :uid, :title, :precision, :start_local, "
              ":end_local, :has_end, "
              ":tz, :start_later, :end_later, :start_utc, :end_utc, :location, :description, "
              ":tags, :status, :owner_uid, :created, :updated, :recurrence, "
              ":series_start_utc, :series_end_utc, :lone_series_uid, :lone_recurrence_id)"),
      m_update_event(db, fmt::format("UPDATE events SET {} WHERE id = :id", k_event_values)),
      m_insert_parameters(m_insert_event), m_update_parameters(m_update_event),
      m_delete_event(db, "DELETE FROM events WHERE id = :id"),
      m_select_event(db, select_by_id_sql()),
      m_select_uid(db, "SELECT uid FROM events WHERE id = :id"),
      m_select_id_by_uid(db, "SELECT id FROM events WHERE uid = :uid"),
      m_select_lone_changes(db, "SELECT id FROM events WHERE lone_series_uid = :uid ORDER BY id "
                                "LIMIT :limit"),
      m_delete_tags(db, "DELETE FROM event_tags WHERE event_id = :id"),
      // OR IGNORE: a tag given twice is one row in the filter table.
      m_insert_tag(db, "INSERT OR IGNORE INTO event_tags (tag, start_utc, event_id) "
                       "VALUES (:tag, :start_utc, :id)"),
      m_delete_reminders(db, "DELETE FROM reminders WHERE event_id = :id"),
      m_insert_reminder(db, "INSERT INTO reminders (event_id, position, before_seconds, "
                            "at_utc) VALUES (:id, :position, :before, :at)"),
      m_count(db, "SELECT count(*) FROM events"),
      m_update_series(db, "UPDATE events SET recurrence = :recurrence, series_start_utc = "
                          ":series_start_utc, series_end_utc = :series_end_utc WHERE id = :id"),
      m_select_instants(db, "SELECT id, title, precision, start_local, end_local, has_end, "
                            "tz, start_later, start_utc, end_utc, end_later, "
                            "recurrence IS NOT NULL FROM events "
                            "WHERE id > :after ORDER BY id LIMIT :batch"),
      m_update_instants(db, "UPDATE events SET start_utc = :start_utc, end_utc = :end_utc "
                            "WHERE id = :id") {
  if (db.tableExists("custom_zones")) {
    // OR IGNORE: a zone is kept once, by the first event stored in it; its
    // name is never given to other rules (define_custom_zone).
    m_keep_zone.emplace(db, "INSERT OR IGNORE INTO custom_zones (name, rules, vtimezone) "
                            "VALUES (:name, :rules, :vtimezone)");
  }
}

void EventRows::keep_zone(const core::Event &event) {
  if (!m_keep_zone || !core::is_custom_zone(std::string_view(event.tz))) {
    return;
  }
  const auto zone = core::custom_zone(event.tz);
  if (!zone) {
    return;
  }
  Use s(*m_keep_zone);
  s->bind(":name", zone->name);
  s->bind(":rules", core::format_zone_rules(zone->rules));
  s->bind(":vtimezone", zone->vtimezone);
  s->exec();
}

std::int64_t EventRows::insert(const core::Event &event) {
  keep_zone(event);
  {
    Use s(m_insert_event);
    bind_event(*s, m_insert_parameters, event);
    s->exec();
  }
  core::Event stored = event;
  stored.id = m_db.getLastInsertRowid();
  write_children(stored, /*fresh=*/true);
  return stored.id;
}

void EventRows::update(const core::Event &event) {
  keep_zone(event);
  {
    Use s(m_update_event);
    bind_event(*s, m_update_parameters, event);
    s->bind(":id", event.id);
    s->exec();
  }
  write_children(event, /*fresh=*/false);
}

bool EventRows::remove(std::int64_t id) {
  Use s(m_delete_event);
  s->bind(":id", id);
  return s->exec() > 0;
}

void EventRows::write_children(const core::Event &event, bool fresh) {
  if (!fresh) {
    Use s(m_delete_tags);
    s->bind(":id", event.id);
    s->exec();
  }
  for (const std::string &tag : event.tags) {
    Use s(m_insert_tag);
    s->bind(":tag", tag);
    s->bind(":start_utc", to_unix(event.start_utc));
    s->bind(":id", event.id);
    s->exec();
  }
  if (!fresh) {
    Use s(m_delete_reminders);
    s->bind(":id", event.id);
    s->exec();
  }
  for (std::size_t i = 0; i < event.reminders.size(); ++i) {
    const core::Reminder &reminder = event.reminders[i];
    Use s(m_insert_reminder);
    s->bind(":id", event.id);
    s->bind(":position", static_cast<std::int64_t>(i));
    if (reminder.before) {
      s->bind(":before", static_cast<std::int64_t>(reminder.before->count()));
    }
    if (reminder.at) {
      s->bind(":at", to_unix(*reminder.at));
    }
    s->exec();
  }
}

std::optional<core::Event> EventRows::find(std::int64_t id) {
  Use s(m_select_event);
  s->bind(":id", id);
  if (!s->executeStep()) {
    return std::nullopt;
  }
  return read_event(*s);
}

std::optional<std::int64_t> EventRows::id_of_uid(const std::string &uid) {
  Use s(m_select_id_by_uid);
  s->bind(":uid", uid);
  if (!s->executeStep()) {
    return std::nullopt;
  }
  return s->getColumn(0).getInt64();
}

std::vector<std::int64_t> EventRows::lone_changes_of(const std::string &series_uid,
                                                     std::int64_t limit) {
  std::vector<std::int64_t> ids;
  Use s(m_select_lone_changes);
  s->bind(":uid", series_uid);
  s->bind(":limit", limit);
  while (s->executeStep()) {
    ids.push_back(s->getColumn(0).getInt64());
  }
  return ids;
}

std::optional<std::string> EventRows::uid_of(std::int64_t id) {
  Use s(m_select_uid);
  s->bind(":id", id);
  if (!s->executeStep()) {
    return std::nullopt;
  }
  return s->getColumn(0).getString();
}

std::int64_t EventRows::count() {
  Use s(m_count);
  s->executeStep();
  return s->getColumn(0).getInt64();
}

std::vector<core::Event> EventRows::wall_times_after(std::int64_t after, std::int64_t batch) {
  std::vector<core::Event> events;
  Use s(m_select_instants);
  s->bind(":after", after);
  s->bind(":batch", batch);
  while (s->executeStep()) {
    core::Event event;
    event.id = s->getColumn(0).getInt64();
    event.title = s->getColumn(1).getString();
    const auto precision = core::precision_from_string(s->getColumn(2).getString());
    if (!precision) {
      throw DamagedRow(fmt::format("event {} has an unknown precision", event.id));
    }
    event.precision = *precision;
    event.start_local = parse_local(s->getColumn(3).getString(), event.id);
    event.end_local = parse_local(s->getColumn(4).getString(), event.id);
    event.has_end = s->getColumn(5).getInt() != 0;
    event.tz = s->getColumn(6).getString();
    event.start_later = s->getColumn(7).getInt() != 0;
    event.start_utc = from_unix(s->getColumn(8).getInt64());
    event.end_utc = from_unix(s->getColumn(9).getInt64());
    event.end_later = s->getColumn(10).getInt() != 0;
    if (s->getColumn(11).getInt() != 0) {
      event.recurrence.emplace(); // read whole with find(): its overrides move too
    }
    events.push_back(std::move(event));
  }
  return events;
}

void EventRows::update_instants(const core::Event &event) {
  Use s(m_update_instants);
  s->bind(":start_utc", to_unix(event.start_utc));
  s->bind(":end_utc", to_unix(event.end_utc));
  s->bind(":id", event.id);
  s->exec();
}

void EventRows::update_series(const core::Event &event) {
  Use s(m_update_series);
  bind_series(*s, event);
  s->bind(":id", event.id);
  s->exec();
}

} // namespace summit::store
