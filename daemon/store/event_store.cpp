#include "daemon/store/event_store.hpp"

#include "core/event_json.hpp"
#include "core/ical/recurrence.hpp"
#include "core/time_format.hpp"
#include "core/zones.hpp"
#include "daemon/store/fts_query.hpp"
#include "daemon/store/migrator.hpp"
#include "daemon/store/statement_use.hpp"
#include "daemon/store/wall_time.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <date/date.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sqlite3.h>
#include <stdexcept>
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
// recompute_instants reads events in batches of this many, so that it never
// holds every event in memory and never updates the table under a live scan.
constexpr std::int64_t k_recompute_batch = 512;
constexpr const char *k_tzdata_key = "tzdata_version";

// A row whose stored text cannot be read back (hand-edited or damaged file).
class DamagedRow : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Every column of an event, in the order read_event() expects. Reminders
// come along as one JSON array built by a correlated subquery (an index
// lookup per row) so that listing N events is one statement, not N + 1.
constexpr const char *k_event_columns =
    "e.id, e.uid, e.title, e.precision, e.start_local, e.end_local, e.has_end, e.tz, "
    "e.start_later, e.start_utc, e.end_utc, e.location, e.description, e.tags, e.status, "
    "e.owner_uid, e.created, e.updated, "
    "(SELECT json_group_array(json_array(r.position, r.before_seconds, r.at_utc)) "
    "FROM reminders r WHERE r.event_id = e.id), e.end_later, e.recurrence";

// See schema/001_initial.sql for why this finds every event overlapping
// [:from, :to) without visiting the past: :lower is :from minus the longest
// span of any event, the earliest start an overlapping event can have.
constexpr const char *k_overlaps = "(e.end_utc > :from OR e.start_utc >= :from)";

std::string select_by_id_sql() {
  return fmt::format("SELECT {} FROM events e WHERE e.id = :id", k_event_columns);
}

// Single events only: series are listed from events_series and expanded.
// `:after_start`/`:after_id` resume a paged listing after that row; :lower is
// then at least :after_start, so the walk starts at the cursor. The unary +
// keeps the planner from taking :after_start as the walk's lower bound
// instead of :lower: unpaged it is the smallest integer, and the walk went
// through every past event (8 ms a page at 100,000 events, 0.1 ms after).
constexpr const char *k_single = "e.recurrence IS NULL";
constexpr const char *k_after =
    "(+e.start_utc > :after_start OR (+e.start_utc = :after_start AND e.id > :after_id))";

std::string list_sql() {
  return fmt::format("SELECT {} FROM events e "
                     "WHERE e.start_utc >= :lower AND e.start_utc < :to AND {} AND {} AND {} "
                     "ORDER BY e.start_utc, e.id LIMIT :limit",
                     k_event_columns, k_overlaps, k_single, k_after);
}

// Every series whose span overlaps [:from, :to) (a series of point events
// when an occurrence starts at :from), from the partial index events_series.
// Tag and search are tested per series row: series are few. INDEXED BY: left
// to itself, the planner walks events_by_start to save the sort (the ORDER
// BY and the cursor's start_utc test invite it), reading every event from
// the cursor on to find the few series: 170 ms per page at 100,000 events.
std::string list_series_sql() {
  return fmt::format(
      "SELECT {} FROM events e INDEXED BY events_series "
      "WHERE e.recurrence IS NOT NULL AND e.series_start_utc < :to "
      "AND e.series_end_utc >= :from "
      "AND (:tag IS NULL OR EXISTS (SELECT 1 FROM event_tags t WHERE t.event_id = e.id AND "
      "t.tag = :tag)) "
      "AND (:search IS NULL OR EXISTS (SELECT 1 FROM events_fts f WHERE events_fts MATCH "
      ":search AND f.rowid = e.id)) "
      "AND {} ORDER BY e.start_utc, e.id",
      k_event_columns, k_after);
}

// Walks event_tags' primary key (tag, start_utc, event_id): already in list
// order, so it stops after :limit rows. CROSS JOIN pins that loop order.
std::string list_tag_sql() {
  return fmt::format("SELECT {} FROM event_tags t CROSS JOIN events e ON e.id = t.event_id "
                     "WHERE t.tag = :tag AND t.start_utc >= :lower AND t.start_utc < :to AND {} "
                     "AND {} AND {} ORDER BY t.start_utc, t.event_id LIMIT :limit",
                     k_event_columns, k_overlaps, k_single, k_after);
}

// Starts from the FTS matches (few, for the words people search for) and
// sorts them. Measured on 1,000,000 events: a word in 1,000 events takes a
// few ms; one in 143,000 takes ~100-400 ms, dominated by reading the FTS
// doclist. The alternatives were worse or only partly better: testing each
// event of the range with MATCH re-reads the doclist per row (seconds), and
// `+e.id IN (matches)` walking the range helps only very common words (~3x).
std::string list_search_sql(bool with_tag) {
  return fmt::format(
      "SELECT {} FROM events_fts f CROSS JOIN events e ON e.id = f.rowid "
      "WHERE events_fts MATCH :search AND e.start_utc >= :lower AND e.start_utc < :to AND {} "
      "AND {} AND {} {}"
      "ORDER BY e.start_utc, e.id LIMIT :limit",
      k_event_columns, k_overlaps, k_single, k_after,
      with_tag ? "AND EXISTS (SELECT 1 FROM event_tags t WHERE t.tag = :tag AND "
                 "t.start_utc = e.start_utc AND t.event_id = e.id) "
               : "");
}

// SearchPlan::by_start walks the ids in list order: events_by_start (or the
// tag's rows) alone while start_utc >= :from, so no row is read for the
// test; only the few starting before :from are read, for their end.
std::string walk_ids_sql(bool with_tag) {
  if (with_tag) {
    return "SELECT t.event_id FROM event_tags t "
           "WHERE t.tag = :tag AND t.start_utc >= :lower AND t.start_utc < :to AND "
           "(t.start_utc >= :from OR (SELECT e.end_utc FROM events e WHERE e.id = t.event_id) > "
           ":from) ORDER BY t.start_utc, t.event_id";
  }
  return "SELECT e.id FROM events e "
         "WHERE e.start_utc >= :lower AND e.start_utc < :to AND "
         "(e.start_utc >= :from OR e.end_utc > :from) ORDER BY e.start_utc, e.id";
}

// by_start gives up, for from_matches, after walking this many events per
// match without filling the page: the matches then lie mostly outside the
// range, and from_matches costs about this many walked events per match
// (bench/README.md, search plans). So a wrong guess costs at most about
// twice the better plan.
constexpr std::size_t k_walk_per_match = 3;
// Ids above this make the set of matches (one bit per id) too large to hold;
// from_matches is used then.
constexpr std::int64_t k_max_bitmap_id = std::int64_t{1} << 27;

constexpr const char *k_event_values =
    "uid = :uid, title = :title, precision = :precision, start_local = :start_local, "
    "end_local = :end_local, has_end = :has_end, tz = :tz, start_later = :start_later, end_later = "
    ":end_later, "
    "start_utc = :start_utc, end_utc = :end_utc, location = :location, "
    "description = :description, tags = :tags, status = :status, owner_uid = :owner_uid, "
    "created = :created, updated = :updated, recurrence = :recurrence, "
    "series_start_utc = :series_start_utc, series_end_utc = :series_end_utc";

// Runs `body`, turning whatever the database throws into a storage error
// that says what failed: "could not add event: database or disk is full".
template <class F> auto guarded(std::string_view what, F &&body) -> decltype(body()) {
  try {
    return body();
  } catch (const SQLite::Exception &e) {
    return core::fail(ErrorCode::storage, fmt::format("could not {}: {}", what, e.what()));
  } catch (const DamagedRow &e) {
    return core::fail(ErrorCode::storage, fmt::format("could not {}: {}", what, e.what()));
  } catch (const nlohmann::json::exception &e) {
    return core::fail(ErrorCode::storage,
                      fmt::format("could not {}: stored data is damaged ({})", what, e.what()));
  }
}

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

void bind_event(SQLite::Statement &s, const core::Event &event) {
  s.bind(":uid", event.uid);
  s.bind(":title", event.title);
  s.bind(":precision", core::to_string(event.precision));
  s.bind(":start_local", local_text(event.start_local));
  s.bind(":end_local", local_text(event.end_local));
  s.bind(":has_end", event.has_end ? 1 : 0);
  s.bind(":tz", event.tz);
  s.bind(":start_later", event.start_later ? 1 : 0);
  s.bind(":end_later", event.end_later ? 1 : 0);
  s.bind(":start_utc", to_unix(event.start_utc));
  s.bind(":end_utc", to_unix(event.end_utc));
  s.bind(":location", event.location);
  s.bind(":description", event.description);
  s.bind(":tags", nlohmann::json(event.tags).dump());
  s.bind(":status", core::to_string(event.status));
  s.bind(":owner_uid", static_cast<std::int64_t>(event.owner_uid));
  s.bind(":created", to_unix(event.created));
  s.bind(":updated", to_unix(event.updated));
  bind_series(s, event);
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
  return event;
}

// Creates the missing folders above `path`, each with mode 0700: the
// calendar is private to its owner, and XDG says so for $XDG_DATA_HOME.
core::Result<void> make_parent_folders(const fs::path &path) {
  const fs::path parent = path.parent_path();
  std::error_code ec;
  if (parent.empty() || fs::exists(parent, ec)) {
    return {};
  }
  std::vector<fs::path> missing;
  for (fs::path p = parent; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) {
      break;
    }
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (!fs::create_directory(*it, ec) && ec) {
      return core::fail(ErrorCode::storage, fmt::format("could not create folder '{}' for the "
                                                        "database: {}",
                                                        it->string(), ec.message()));
    }
    fs::permissions(*it, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) {
      return core::fail(ErrorCode::storage, fmt::format("could not make folder '{}' private: {}",
                                                        it->string(), ec.message()));
    }
  }
  return {};
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

} // namespace

struct EventStore::Impl {
  Impl(SQLite::Database &&db, int version, core::ReminderPlanOptions plan)
      : m_db(std::move(db)), m_schema_version(version),
        m_insert_event(
            m_db, "INSERT INTO events (uid, title, precision, start_local, end_local, "
                  "has_end, tz, start_later, end_later, start_utc, end_utc, location, "
                  "description, tags, status, owner_uid, created, updated, recurrence, "
                  "series_start_utc, series_end_utc) VALUES "
                  "(:uid, :title, :precision, :start_local, :end_local, :has_end, "
                  ":tz, :start_later, :end_later, :start_utc, :end_utc, :location, :description, "
                  ":tags, :status, :owner_uid, :created, :updated, :recurrence, "
                  ":series_start_utc, :series_end_utc)"),
        m_update_event(m_db, fmt::format("UPDATE events SET {} WHERE id = :id", k_event_values)),
        m_delete_event(m_db, "DELETE FROM events WHERE id = :id"),
        m_select_event(m_db, select_by_id_sql()),
        m_select_uid(m_db, "SELECT uid FROM events WHERE id = :id"),
        m_select_id_by_uid(m_db, "SELECT id FROM events WHERE uid = :uid"),
        m_delete_tags(m_db, "DELETE FROM event_tags WHERE event_id = :id"),
        // OR IGNORE: a tag given twice is one row in the filter table.
        m_insert_tag(m_db, "INSERT OR IGNORE INTO event_tags (tag, start_utc, event_id) "
                           "VALUES (:tag, :start_utc, :id)"),
        m_delete_reminders(m_db, "DELETE FROM reminders WHERE event_id = :id"),
        m_insert_reminder(m_db, "INSERT INTO reminders (event_id, position, before_seconds, "
                                "at_utc) VALUES (:id, :position, :before, :at)"),
        m_count(m_db, "SELECT count(*) FROM events"),
        // Answered from the end of events_by_span (the min/max optimisation
        // applies to the bare max() only, so no coalesce here).
        m_max_span(m_db, "SELECT max(end_utc - start_utc) FROM events"), m_list(m_db, list_sql()),
        m_list_tag(m_db, list_tag_sql()), m_list_search(m_db, list_search_sql(false)),
        m_list_tag_search(m_db, list_search_sql(true)), m_list_series(m_db, list_series_sql()),
        m_update_series(m_db, "UPDATE events SET recurrence = :recurrence, series_start_utc = "
                              ":series_start_utc, series_end_utc = :series_end_utc WHERE id = :id"),
        m_select_instants(m_db, "SELECT id, title, precision, start_local, end_local, has_end, "
                                "tz, start_later, start_utc, end_utc, end_later, "
                                "recurrence IS NOT NULL FROM events "
                                "WHERE id > :after ORDER BY id LIMIT :batch"),
        m_update_instants(m_db, "UPDATE events SET start_utc = :start_utc, end_utc = :end_utc "
                                "WHERE id = :id"),
        m_get_meta(m_db, "SELECT value FROM meta WHERE key = :key"),
        m_set_meta(m_db, "INSERT INTO meta (key, value) VALUES (:key, :value) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
        m_search_ids(m_db, "SELECT rowid FROM events_fts WHERE events_fts MATCH :search"),
        m_savepoint(m_db, "SAVEPOINT write"), m_release(m_db, "RELEASE write"),
        m_rollback_to(m_db, "ROLLBACK TO write"), m_walk_ids(m_db, walk_ids_sql(false)),
        m_walk_tag_ids(m_db, walk_ids_sql(true)), m_plan(plan) {
    if (m_db.tableExists("reminder_instances")) {
      m_planning.emplace(m_db);
    }
    if (m_db.tableExists("request_keys")) {
      m_request_keys.emplace(m_db);
    }
  }

  // Rewrites the tag filter rows and the reminders of event `id`; `fresh`:
  // the event was just inserted, so it has none to delete.
  void write_children(const core::Event &event, bool fresh = false) {
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

  // The id of the event using `uid`, if any.
  std::optional<std::int64_t> id_of_uid(const std::string &uid) {
    Use s(m_select_id_by_uid);
    s->bind(":uid", uid);
    if (!s->executeStep()) {
      return std::nullopt;
    }
    return s->getColumn(0).getInt64();
  }

  std::optional<core::Event> find(std::int64_t id) {
    Use s(m_select_event);
    s->bind(":id", id);
    if (!s->executeStep()) {
      return std::nullopt;
    }
    return read_event(*s);
  }

  // SearchPlan::by_start: reads the ids of the text matches into a set (one
  // bit per id), then walks the events of the range in list order keeping
  // those in the set, until limit + 1. Nothing when from_matches is the
  // better plan: `plan` says so, the matches are no more than a page, an id
  // is too large for the set, or the walk passes k_walk_per_match events per
  // match without filling the page.
  // The single events (up to limit + 1, in list order) matching `search`,
  // found by walking events_by_start and testing each against the set of
  // matching ids; nothing when the other plan is the better one. Series
  // are skipped here: list() expands them apart.
  std::optional<std::vector<core::Event>> search_by_start(const ListQuery &query,
                                                          const std::string &search,
                                                          std::int64_t lower, std::int64_t from,
                                                          std::size_t limit, SearchPlan plan) {
    if (plan == SearchPlan::from_matches) {
      return std::nullopt;
    }
    std::vector<bool> matches;
    std::size_t count = 0;
    {
      Use s(m_search_ids);
      s->bind(":search", search);
      while (s->executeStep()) {
        const std::int64_t id = s->getColumn(0).getInt64();
        if (id < 0 || id > k_max_bitmap_id) {
          return std::nullopt;
        }
        const auto bit = static_cast<std::size_t>(id);
        if (bit >= matches.size()) {
          matches.resize(std::max(bit + 1, 2 * matches.size()));
        }
        matches[bit] = true;
        ++count;
      }
    }
    if (plan == SearchPlan::automatic && count <= limit + 1) {
      return std::nullopt; // a page or less: sorting them is cheapest
    }
    const std::size_t budget = plan == SearchPlan::automatic
                                   ? k_walk_per_match * count
                                   : std::numeric_limits<std::size_t>::max();
    std::vector<core::Event> found;
    {
      Use s(query.tag ? m_walk_tag_ids : m_walk_ids);
      s->bind(":lower", lower);
      s->bind(":from", from);
      s->bind(":to", to_unix(query.range.end));
      if (query.tag) {
        s->bind(":tag", *query.tag);
      }
      std::size_t walked = 0;
      while (found.size() <= limit && s->executeStep()) {
        const std::int64_t id = s->getColumn(0).getInt64();
        const auto bit = static_cast<std::size_t>(id);
        if (id >= 0 && bit < matches.size() && matches[bit]) {
          if (auto event = find(id); event && !event->recurrence) {
            found.push_back(std::move(*event));
          }
        } else if (++walked > budget) {
          return std::nullopt;
        }
      }
    }
    return found;
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
  SQLite::Statement m_insert_event;
  SQLite::Statement m_update_event;
  SQLite::Statement m_delete_event;
  SQLite::Statement m_select_event;
  SQLite::Statement m_select_uid;
  SQLite::Statement m_select_id_by_uid;
  SQLite::Statement m_delete_tags;
  SQLite::Statement m_insert_tag;
  SQLite::Statement m_delete_reminders;
  SQLite::Statement m_insert_reminder;
  SQLite::Statement m_count;
  SQLite::Statement m_max_span;
  SQLite::Statement m_list;
  SQLite::Statement m_list_tag;
  SQLite::Statement m_list_search;
  SQLite::Statement m_list_tag_search;
  SQLite::Statement m_list_series;
  SQLite::Statement m_update_series;
  SQLite::Statement m_select_instants;
  SQLite::Statement m_update_instants;
  SQLite::Statement m_get_meta;
  SQLite::Statement m_set_meta;
  SQLite::Statement m_search_ids;
  // A write's savepoint in the open group (WriteScope): prepared once, as
  // sqlite3_exec would parse them again for every write.
  SQLite::Statement m_savepoint;
  SQLite::Statement m_release;
  SQLite::Statement m_rollback_to;
  SQLite::Statement m_walk_ids;
  SQLite::Statement m_walk_tag_ids;
  core::ReminderPlanOptions m_plan;
  // Reminder planning (schema 002); absent while a test opens the store
  // with fewer migrations.
  struct Planning {
    explicit Planning(SQLite::Database &db)
        : select_pending(db, "SELECT id, position, due, occurrence FROM reminder_instances "
                             "WHERE event_id = :id AND state = 'pending' AND snooze_of IS NULL"),
          delete_instance(db, "DELETE FROM reminder_instances WHERE id = :instance"),
          pending_positions(db, "SELECT DISTINCT position FROM reminder_instances "
                                "WHERE event_id = :id AND state = 'pending' AND snooze_of IS NULL"),
          fired_before(db, "SELECT 1 FROM reminder_instances WHERE event_id = :id AND "
                           "position = :position AND due = :due AND state <> 'pending' "
                           "AND snooze_of IS NULL LIMIT 1"),
          insert(db, "INSERT INTO reminder_instances (event_id, position, due, occurrence) "
                     "VALUES (:id, :position, :due, :occurrence)"),
          move_instance(db, "UPDATE reminder_instances SET due = :due WHERE id = :instance") {}
    SQLite::Statement select_pending;
    SQLite::Statement delete_instance;
    SQLite::Statement pending_positions;
    SQLite::Statement fired_before;
    SQLite::Statement insert;
    SQLite::Statement move_instance;
  };
  std::optional<Planning> m_planning;
  // Request keys (schema 005); absent while a test opens the store with
  // fewer migrations.
  struct RequestKeys {
    explicit RequestKeys(SQLite::Database &db)
        : select(db, "SELECT method, result FROM request_keys WHERE uid = :uid AND key = :key "
                     "AND applied >= :since"),
          prune(db, "DELETE FROM request_keys WHERE applied < :before"),
          insert(db, "INSERT OR REPLACE INTO request_keys (uid, key, method, result, applied) "
                     "VALUES (:uid, :key, :method, :result, :applied)") {}
    SQLite::Statement select;
    SQLite::Statement prune;
    SQLite::Statement insert;
  };
  std::optional<RequestKeys> m_request_keys;

  // Brings the event's pending instances (snoozes aside) in line with its
  // reminders: one per reminder due after `now` (for a recurring event, of
  // the next occurrence it is due for), or, with `only_positions`, just
  // those positions whatever their due (tzdata moved an event: a
  // still-pending reminder stays pending, even if its new instant has
  // passed). An instance already pending at the same position and instant
  // is kept as it is, with its id, even when that instant has passed: it is
  // owed (due, not yet taken by the scheduler), and an edit of the title
  // must not make it vanish.
  void plan_reminders(const core::Event &event, core::SysSeconds now,
                      const std::set<std::int64_t> *only_positions = nullptr) {
    if (!m_planning) {
      return;
    }
    struct Pending {
      std::int64_t id;
      std::optional<std::string> occurrence;
    };
    std::map<std::pair<std::int64_t, std::int64_t>, Pending> pending; // (position, due)
    {
      Use s(m_planning->select_pending);
      s->bind(":id", event.id);
      while (s->executeStep()) {
        Pending row{s->getColumn(0).getInt64(), std::nullopt};
        if (!s->getColumn(3).isNull()) {
          row.occurrence = s->getColumn(3).getString();
        }
        pending.emplace(std::pair(s->getColumn(1).getInt64(), s->getColumn(2).getInt64()), row);
      }
    }
    auto zone = core::find_zone(event.tz);
    if (event.recurrence && only_positions != nullptr) {
      if (zone) {
        move_occurrence_reminders(event, *zone, pending);
      }
      return;
    }
    struct Planned {
      std::int64_t position;
      core::SysSeconds due;
      std::optional<std::string> occurrence;
    };
    std::vector<Planned> planned;
    if (event.status != core::Status::cancelled && zone) {
      if (event.recurrence) {
        // A reminder that fell due but was not taken yet (the daemon was
        // restarting when this edit arrived) stays owed if the edited series
        // still has it: planned from just before it, its position gives the
        // same instant. Taking it plans the next one, so that position gets
        // nothing planned from `now` here.
        std::set<std::int64_t> owed_positions;
        for (const auto &[key, row] : pending) {
          const auto [position, due] = key;
          if (!row.occurrence || from_unix(due) > now || owed_positions.count(position) > 0) {
            continue;
          }
          for (const auto &again : ical::plan_occurrence_reminders(
                   event, *zone, from_unix(due) - core::Seconds{1}, m_plan)) {
            if (static_cast<std::int64_t>(again.index) == position && to_unix(again.due) == due &&
                local_text(again.occurrence) == *row.occurrence) {
              owed_positions.insert(position);
              planned.push_back({position, again.due, local_text(again.occurrence)});
            }
          }
        }
        for (const auto &next : ical::plan_occurrence_reminders(event, *zone, now, m_plan)) {
          if (owed_positions.count(static_cast<std::int64_t>(next.index)) == 0) {
            planned.push_back(
                {static_cast<std::int64_t>(next.index), next.due, local_text(next.occurrence)});
          }
        }
      } else {
        for (const auto &next : core::plan_reminders(event, *zone, m_plan)) {
          planned.push_back({static_cast<std::int64_t>(next.index), next.due, std::nullopt});
        }
      }
    }
    for (const Planned &next : planned) {
      if (only_positions != nullptr && only_positions->count(next.position) == 0) {
        continue;
      }
      if (pending.erase(std::pair(next.position, to_unix(next.due))) > 0) {
        continue; // still owed, unchanged: stays
      }
      if (only_positions == nullptr && next.due <= now) {
        continue; // already past when planned: nothing to remind of
      }
      {
        Use s(m_planning->fired_before);
        s->bind(":id", event.id);
        s->bind(":position", next.position);
        s->bind(":due", to_unix(next.due));
        if (s->executeStep()) {
          continue;
        }
      }
      insert_instance(event.id, next.position, next.due, next.occurrence);
    }
    // What is left no longer matches a reminder of the event.
    for (const auto &[key, row] : pending) {
      Use s(m_planning->delete_instance);
      s->bind(":instance", row.id);
      s->exec();
    }
  }

  void insert_instance(std::int64_t event_id, std::int64_t position, core::SysSeconds due,
                       const std::optional<std::string> &occurrence) {
    Use s(m_planning->insert);
    s->bind(":id", event_id);
    s->bind(":position", position);
    s->bind(":due", to_unix(due));
    if (occurrence) {
      s->bind(":occurrence", *occurrence);
    } else {
      s->bind(":occurrence");
    }
    s->exec();
  }

  // tzdata moved a recurring event: each pending reminder keeps its
  // occurrence and takes that occurrence's new instant.
  template <class PendingMap>
  void move_occurrence_reminders(const core::Event &event, const date::time_zone *zone,
                                 const PendingMap &pending) {
    for (const auto &[key, row] : pending) {
      const auto index = static_cast<std::size_t>(key.first);
      if (!row.occurrence || index >= event.reminders.size()) {
        continue;
      }
      const auto occurrence =
          ical::find_occurrence(event, zone, parse_local(*row.occurrence, event.id));
      if (!occurrence) {
        continue; // left as it was: it fires at its old instant rather than never
      }
      const auto due = core::reminder_due(ical::occurrence_event(event, *occurrence),
                                          event.reminders[index], zone, m_plan);
      Use s(m_planning->move_instance);
      s->bind(":due", to_unix(due));
      s->bind(":instance", row.id);
      s->exec();
    }
  }

  std::set<std::int64_t> pending_positions(std::int64_t event_id) {
    std::set<std::int64_t> positions;
    if (!m_planning) {
      return positions;
    }
    Use s(m_planning->pending_positions);
    s->bind(":id", event_id);
    while (s->executeStep()) {
      positions.insert(s->getColumn(0).getInt64());
    }
    return positions;
  }
};

EventStore::EventStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

EventStore::~EventStore() {
  // Writes nobody was answered about yet: keeping them is the safer outcome.
  if (auto committed = end_group(); !committed) {
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
  m_schedule_commit = std::move(schedule_commit);
}

core::Result<void> EventStore::end_group() {
  if (!m_group_open) {
    return {};
  }
  m_group_open = false;
  try {
    m_impl->m_db.exec("COMMIT");
    return {};
  } catch (const SQLite::Exception &e) {
    try {
      m_impl->m_db.exec("ROLLBACK");
    } catch (const SQLite::Exception &) {
      // Already rolled back by SQLite (disk full, I/O error).
    }
    return core::fail(ErrorCode::storage, fmt::format("could not commit: {}", e.what()));
  }
}

core::Result<void> EventStore::commit_group() {
  auto committed = end_group();
  if (m_group_failure) {
    committed = tl::unexpected(*std::exchange(m_group_failure, std::nullopt));
  }
  return committed;
}

core::Result<void> EventStore::flush_group() {
  auto committed = end_group();
  if (!committed && !m_group_failure) {
    m_group_failure = committed.error();
  }
  return committed;
}

EventStore::WriteScope::WriteScope(EventStore &store) : m_store(store) {
  auto &db = m_store.m_impl->m_db;
  if (m_store.m_scope_depth > 0) {
    // Inside another write (an import, a split): a savepoint in it, so that
    // the outer write commits or rolls back the whole.
    Use(m_store.m_impl->m_savepoint)->exec();
    m_grouped = true;
    ++m_store.m_scope_depth;
    return;
  }
  ++m_store.m_scope_depth;
  if (!m_store.m_schedule_commit) {
    db.exec("BEGIN IMMEDIATE");
    return;
  }
  if (!m_store.m_group_open) {
    db.exec("BEGIN IMMEDIATE");
    m_store.m_group_open = true;
    m_store.m_schedule_commit();
  }
  Use(m_store.m_impl->m_savepoint)->exec();
  m_grouped = true;
}

EventStore::WriteScope::~WriteScope() {
  --m_store.m_scope_depth;
  if (m_done) {
    return;
  }
  try {
    auto &db = m_store.m_impl->m_db;
    if (m_grouped) {
      Use(m_store.m_impl->m_rollback_to)->exec();
      Use(m_store.m_impl->m_release)->exec();
    } else {
      db.exec("ROLLBACK");
    }
  } catch (const SQLite::Exception &e) {
    spdlog::error("could not roll back a failed write: {}", e.what());
  }
}

void EventStore::WriteScope::commit() {
  if (m_grouped) {
    Use(m_store.m_impl->m_release)->exec();
  } else {
    m_store.m_impl->m_db.exec("COMMIT");
  }
  m_done = true;
  ++m_store.m_writes;
}

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
  return std::unique_ptr<EventStore>(new EventStore(std::move(*impl)));
}

core::Result<std::unique_ptr<EventStore::Impl>> EventStore::open_impl(const fs::path &path,
                                                                      const StoreOptions &options) {
  const auto ordered =
      ordered_migrations(options.migrations ? *options.migrations : embedded_migrations());
  if (!ordered) {
    return tl::unexpected(ordered.error());
  }
  const int newest = ordered->empty() ? 0 : ordered->back().version;
  if (auto made = make_parent_folders(path); !made) {
    return tl::unexpected(made.error());
  }
  try {
    std::error_code ec;
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
    db.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON");
    const auto reached = apply_migrations(db, *ordered);
    if (!reached) {
      return tl::unexpected(reached.error());
    }
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

core::Result<void> EventStore::ensure_file() {
  if (m_group_open) {
    return {}; // checked by the group's first write, in this turn of the loop
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
      if (m_hooks.before_close) {
        m_hooks.before_close();
      }
      m_impl = std::move(*reopened);
      install_wal_hook();
      if (m_hooks.after_open) {
        m_hooks.after_open();
      }
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
  auto copied = guarded("write the database back", [&]() -> core::Result<void> {
    SQLite::Statement vacuum(m_impl->m_db, "VACUUM INTO :path");
    vacuum.bind(":path", path.string());
    vacuum.exec();
    return {};
  });
  if (!copied) {
    std::error_code ignored;
    fs::remove(path, ignored); // a partial copy must not pass for the calendar
    return copied;
  }
  // VACUUM INTO does not sync what it wrote; the calendar must be on disk
  // before the next write is acknowledged on top of it.
  for (const fs::path &synced : {path, path.parent_path()}) {
    const int fd = ::open(synced.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
  auto reopened = open_impl(path, m_impl->m_options);
  if (!reopened) {
    return tl::unexpected(reopened.error());
  }
  if (m_hooks.before_close) {
    m_hooks.before_close();
  }
  m_impl = std::move(*reopened);
  install_wal_hook();
  if (m_hooks.after_open) {
    m_hooks.after_open();
  }
  if (shared) {
    shared->dev = m_impl->m_dev;
    shared->ino = m_impl->m_ino;
  }
  spdlog::warn("database '{}' written back and reopened; nothing was lost", path.string());
  return {};
}

core::Result<core::Event> EventStore::add(core::Event event) {
  if (auto ok = check_storable(event); !ok) {
    return tl::unexpected(ok.error());
  }
  if (event.uid.empty()) {
    event.uid = new_uid(event.created);
  }
  if (auto file = ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded("add event", [&]() -> core::Result<core::Event> {
    WriteScope transaction(*this);
    if (const auto other = m_impl->id_of_uid(event.uid)) {
      return core::fail(ErrorCode::conflict,
                        fmt::format("uid '{}' is already used by event {}", event.uid, *other));
    }
    {
      Use s(m_impl->m_insert_event);
      bind_event(*s, event);
      s->exec();
    }
    event.id = m_impl->m_db.getLastInsertRowid();
    m_impl->write_children(event, /*fresh=*/true);
    if (!event.reminders.empty()) { // a new event without reminders has none to plan
      m_impl->plan_reminders(event, event.updated);
    }
    transaction.commit();
    return event;
  });
}

core::Result<core::Event> EventStore::get(std::int64_t id) {
  return guarded(fmt::format("read event {}", id), [&]() -> core::Result<core::Event> {
    auto event = m_impl->find(id);
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
    {
      Use s(m_impl->m_select_uid);
      s->bind(":id", event.id);
      if (!s->executeStep()) {
        return core::fail(ErrorCode::not_found, fmt::format("no event with id {}", event.id));
      }
      if (stored.uid.empty()) {
        stored.uid = s->getColumn(0).getString(); // an empty uid means "keep it"
      }
    }
    if (const auto other = m_impl->id_of_uid(stored.uid); other && *other != event.id) {
      return core::fail(ErrorCode::conflict,
                        fmt::format("uid '{}' is already used by event {}", stored.uid, *other));
    }
    {
      Use s(m_impl->m_update_event);
      bind_event(*s, stored);
      s->bind(":id", stored.id);
      s->exec();
    }
    m_impl->write_children(stored);
    m_impl->plan_reminders(stored, stored.updated);
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
    Use s(m_impl->m_delete_event);
    s->bind(":id", id);
    // Tags and reminders go with it (ON DELETE CASCADE), the text index by trigger.
    if (s->exec() == 0) {
      return core::fail(ErrorCode::not_found, fmt::format("no event with id {}", id));
    }
    transaction.commit();
    return {};
  });
}

core::Result<ListPage> EventStore::list(const ListQuery &query) {
  return guarded("list events", [&]() -> core::Result<ListPage> {
    std::int64_t max_span = 0;
    {
      Use s(m_impl->m_max_span);
      if (s->executeStep() && !s->isColumnNull(0)) {
        max_span = s->getColumn(0).getInt64();
      }
    }
    const std::int64_t from = to_unix(query.range.begin);
    const std::int64_t lower = from < std::numeric_limits<std::int64_t>::min() + max_span
                                   ? std::numeric_limits<std::int64_t>::min()
                                   : from - max_span;
    const std::optional<std::string> search =
        query.search ? fts_query(*query.search) : std::nullopt;
    const bool by_tag = query.tag.has_value();
    // One row more than asked tells whether there are more.
    const auto cap = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max() - 1);
    const std::size_t limit = std::min(query.limit, cap);
    const bool paged = query.after.has_value();
    const std::int64_t after_start =
        paged ? to_unix(query.after->start_utc) : std::numeric_limits<std::int64_t>::min();
    const std::int64_t after_id = paged ? query.after->id : 0;
    const std::int64_t walk_from = std::max(lower, after_start);

    std::vector<core::Event> events;
    std::optional<std::vector<core::Event>> walked;
    if (search && !paged) {
      walked = m_impl->search_by_start(query, *search, lower, from, limit,
                                       m_impl->m_options.search_plan);
      m_last_search_plan = walked ? SearchPlan::by_start : SearchPlan::from_matches;
    }
    if (walked) {
      events = std::move(*walked);
    } else {
      SQLite::Statement &statement =
          search ? (by_tag ? m_impl->m_list_tag_search : m_impl->m_list_search)
                 : (by_tag ? m_impl->m_list_tag : m_impl->m_list);
      Use s(statement);
      s->bind(":lower", walk_from);
      s->bind(":from", from);
      s->bind(":to", to_unix(query.range.end));
      s->bind(":limit", static_cast<std::int64_t>(limit) + 1);
      s->bind(":after_start", after_start);
      s->bind(":after_id", after_id);
      if (by_tag) {
        s->bind(":tag", *query.tag);
      }
      if (search) {
        s->bind(":search", *search);
      }
      while (s->executeStep()) {
        events.push_back(read_event(*s));
      }
    }
    ListPage page;
    std::vector<ListEntry> &entries = page.entries;
    for (auto &event : events) {
      entries.emplace_back(std::move(event));
    }
    const std::size_t singles = entries.size();
    // Expanded, a series is wanted whatever its first start: its cursor
    // test is on occurrences, below.
    const bool series_after = paged && !query.expand;
    // What the cursor has already listed: a prefix of each series'
    // occurrences in list order.
    auto listed_before = [&](std::int64_t id, const ical::Occurrence &occurrence) {
      return paged && ListQuery::Cursor{occurrence.start_utc, id, occurrence.id} <= *query.after;
    };
    auto in_order = [](const ListEntry &a, const ListEntry &b) {
      return cursor_of(a) < cursor_of(b);
    };
    {
      // The series that may have an occurrence in the range; few next to
      // single events, each expanded here (at most limit + 1 occurrences
      // after the cursor). One budget for all of them: a runaway expansion
      // ends the request with over_budget (ical::occurrences). Once
      // limit + 1 entries are known, the later series are expanded only up
      // to the last of them, which nothing after it can displace: the work
      // stays near limit + 1 occurrences however many series there are.
      ical::ExpansionBudget budget(query.expansion_steps);
      core::SysSeconds expand_until = query.range.end;
      auto keep_first = [&] {
        std::sort(entries.begin(), entries.end(), in_order);
        entries.resize(limit + 1);
        const core::SysSeconds last = cursor_of(entries.back()).start_utc;
        if (last >= query.range.begin && last < expand_until) {
          expand_until = last + core::Seconds{1};
        }
      };
      const bool prune = query.expand && limit < std::numeric_limits<std::size_t>::max() / 4;
      if (prune && entries.size() > limit) {
        keep_first();
      }
      Use s(m_impl->m_list_series);
      s->bind(":from", from);
      s->bind(":to", to_unix(query.range.end));
      s->bind(":after_start",
              series_after ? after_start : std::numeric_limits<std::int64_t>::min());
      s->bind(":after_id", series_after ? after_id : 0);
      if (by_tag) {
        s->bind(":tag", *query.tag);
      } else {
        s->bind(":tag");
      }
      if (search) {
        s->bind(":search", *search);
      } else {
        s->bind(":search");
      }
      while (s->executeStep()) {
        core::Event series = read_event(*s);
        if (!query.expand) {
          entries.emplace_back(std::move(series));
          continue;
        }
        auto zone = core::find_zone(series.tz);
        if (!zone) {
          continue; // its zone left tzdata: nothing can be expanded
        }
        // Occurrences before the cursor's start cannot come after it.
        core::TimeRange window = query.range;
        window.end = expand_until;
        if (paged) {
          window.begin = std::max(window.begin, query.after->start_utc);
        }
        if (window.begin > window.end) {
          continue;
        }
        std::vector<ical::Occurrence> found;
        std::size_t skipped = 0;
        for (std::size_t want = limit + 1;;) {
          auto expanded = ical::occurrences(series, *zone, window, want, budget);
          if (!expanded) {
            return tl::unexpected(expanded.error());
          }
          found = std::move(*expanded);
          skipped = 0;
          while (skipped < found.size() && listed_before(series.id, found[skipped])) {
            ++skipped;
          }
          if (found.size() < want || found.size() - skipped > limit) {
            break;
          }
          want = limit + 1 + skipped; // the cursor's own start took some
        }
        for (std::size_t i = skipped; i < found.size(); ++i) {
          const ical::Occurrence &occurrence = found[i];
          ListedOccurrence listed{series.id,
                                  {occurrence.id, occurrence.start_local, occurrence.end_local,
                                   occurrence.start_utc, occurrence.end_utc},
                                  std::nullopt};
          if (occurrence.changed != nullptr) {
            listed.changed = *occurrence.changed;
          }
          entries.emplace_back(std::move(listed));
        }
        if (found.size() > skipped) {
          page.series.emplace(series.id, std::move(series));
        }
        if (prune && entries.size() > 2 * (limit + 1)) {
          keep_first();
        }
      }
    }
    if (entries.size() > singles) {
      std::stable_sort(entries.begin(), entries.end(), in_order);
    }
    if (entries.size() > limit) {
      page.more = true;
      entries.resize(limit);
      std::set<std::int64_t> kept;
      for (const ListEntry &entry : entries) {
        if (const auto *listed = std::get_if<ListedOccurrence>(&entry)) {
          kept.insert(listed->series_id);
        }
      }
      std::erase_if(page.series, [&](const auto &item) { return kept.count(item.first) == 0; });
    }
    return page;
  });
}

ListQuery::Cursor cursor_of(const ListEntry &entry) {
  if (const auto *listed = std::get_if<ListedOccurrence>(&entry)) {
    return {listed->times.start_utc, listed->series_id, listed->times.id};
  }
  const auto &event = std::get<core::Event>(entry);
  return {event.start_utc, event.id, std::nullopt};
}

std::vector<core::Event> ListPage::events() const {
  std::vector<core::Event> out;
  for (const ListEntry &entry : entries) {
    if (const auto *listed = std::get_if<ListedOccurrence>(&entry)) {
      const core::OccurrenceTimes &times = listed->times;
      ical::Occurrence occurrence{times.id,        times.start_local,
                                  times.end_local, times.start_utc,
                                  times.end_utc,   listed->changed ? &*listed->changed : nullptr};
      out.push_back(ical::occurrence_event(series.at(listed->series_id), occurrence));
    } else {
      out.push_back(std::get<core::Event>(entry));
    }
  }
  return out;
}

core::Result<std::optional<core::Event>> EventStore::find_uid(const std::string &uid) {
  return guarded("look up a uid", [&]() -> core::Result<std::optional<core::Event>> {
    const auto id = m_impl->id_of_uid(uid);
    if (!id) {
      return std::optional<core::Event>{};
    }
    return m_impl->find(*id);
  });
}

core::Result<void> EventStore::write_unsynced(const std::function<core::Result<void>()> &body) {
  if (m_group_open) {
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
    Use s(m_impl->m_request_keys->select);
    s->bind(":uid", static_cast<std::int64_t>(uid));
    s->bind(":key", key);
    s->bind(":since", to_unix(since));
    if (!s->executeStep()) {
      return std::optional<AppliedRequest>{};
    }
    return AppliedRequest{s->getColumn(0).getString(), s->getColumn(1).getString()};
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
    auto &keys = *m_impl->m_request_keys;
    {
      Use s(keys.prune);
      s->bind(":before", to_unix(expired_before));
      s->exec();
    }
    {
      // REPLACE: an expired row of the same key not pruned yet (its
      // instant is after expired_before but before the lookup's `since`
      // only when the caller passes different bounds) is overwritten.
      Use s(keys.insert);
      s->bind(":uid", static_cast<std::int64_t>(uid));
      s->bind(":key", key);
      s->bind(":method", method);
      s->bind(":result", result);
      s->bind(":applied", to_unix(applied));
      s->exec();
    }
    transaction.commit();
    return {};
  });
}

core::Result<std::int64_t> EventStore::count() {
  return guarded("count events", [&]() -> core::Result<std::int64_t> {
    Use s(m_impl->m_count);
    s->executeStep();
    return s->getColumn(0).getInt64();
  });
}

int EventStore::schema_version() const { return m_impl->m_schema_version; }

const core::ReminderPlanOptions &EventStore::reminder_plan() const { return m_impl->m_plan; }

core::Result<std::string> EventStore::tzdata_version() {
  return guarded("read the tzdata version", [&]() -> core::Result<std::string> {
    Use s(m_impl->m_get_meta);
    s->bind(":key", k_tzdata_key);
    if (!s->executeStep()) {
      return std::string();
    }
    return s->getColumn(0).getString();
  });
}

core::Result<std::vector<MovedEvent>> EventStore::recompute_instants(const std::string &version) {
  if (auto file = ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  return guarded("recompute event times", [&]() -> core::Result<std::vector<MovedEvent>> {
    WriteScope transaction(*this);
    std::vector<MovedEvent> moved;
    std::int64_t after = 0;
    while (true) {
      std::vector<core::Event> batch;
      {
        Use s(m_impl->m_select_instants);
        s->bind(":after", after);
        s->bind(":batch", k_recompute_batch);
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
            event.recurrence.emplace(); // read whole below: its overrides move too
          }
          batch.push_back(std::move(event));
        }
      }
      if (batch.empty()) {
        break;
      }
      after = batch.back().id;
      for (core::Event &event : batch) {
        if (event.recurrence) {
          if (auto full = m_impl->find(event.id)) {
            event = std::move(*full);
          }
        }
        const core::SysSeconds old_start = event.start_utc;
        const core::SysSeconds old_end = event.end_utc;
        if (auto derived = core::derive_instants(event); !derived) {
          // The zone left tzdata. Keeping the last good instants beats
          // refusing to start; the event stays listed where it was.
          spdlog::warn("event {} ('{}'): kept its times, could not recompute them: {}", event.id,
                       event.title, derived.error().message);
          continue;
        }
        if (event.recurrence) {
          // The overrides' instants and the series' span follow the rules.
          Use s(m_impl->m_update_series);
          bind_series(*s, event);
          s->bind(":id", event.id);
          s->exec();
        }
        if (event.start_utc == old_start && event.end_utc == old_end && !event.recurrence) {
          continue;
        }
        Use s(m_impl->m_update_instants);
        s->bind(":start_utc", to_unix(event.start_utc));
        s->bind(":end_utc", to_unix(event.end_utc));
        s->bind(":id", event.id);
        s->exec();
        if (event.start_utc != old_start) {
          moved.push_back(MovedEvent{event.id, event.title, event.tz, old_start, event.start_utc});
        }
        if (event.start_utc != old_start || event.recurrence) {
          // Its pending reminders move with it; fired ones stay in history.
          const auto positions = m_impl->pending_positions(event.id);
          if (!positions.empty()) {
            if (auto full = m_impl->find(event.id)) {
              m_impl->plan_reminders(*full, {}, &positions);
            }
          }
        }
      }
    }
    {
      Use s(m_impl->m_set_meta);
      s->bind(":key", k_tzdata_key);
      s->bind(":value", version);
      s->exec();
    }
    transaction.commit();
    return moved;
  });
}

SQLite::Database &EventStore::database() { return m_impl->m_db; }

} // namespace summit::store
