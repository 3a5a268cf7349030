#include "daemon/store/snapshot_functions.hpp"

#include "core/event.hpp"
#include "core/zones.hpp"
#include "daemon/scheduler/firing.hpp"
#include "daemon/store/wall_time.hpp"

#include <SQLiteCpp/Database.h>
#include <date/date.h>

#include <optional>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <unordered_map>

namespace summit::store {
namespace {

std::string_view text_of(sqlite3_value *value) {
  const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
  if (text == nullptr) {
    return {};
  }
  return {text, static_cast<std::size_t>(sqlite3_value_bytes(value))};
}

void result_text(sqlite3_context *context, const std::string &text) {
  sqlite3_result_text(context, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// Zones by name, looked up once per thread: a burst of 100,000 reminders of
// events in a handful of zones should not search the tz database 100,000
// times. The tz database is never reloaded while the daemon runs, so the
// pointers stay valid; nullptr records a name find_zone refused.
const date::time_zone *cached_zone(std::string_view name) {
  thread_local std::unordered_map<std::string, const date::time_zone *> zones;
  const std::string key(name);
  if (const auto found = zones.find(key); found != zones.end()) {
    return found->second;
  }
  if (zones.size() >= 1024) {
    zones.clear(); // never more than the zones in use; a bound all the same
  }
  const auto zone = core::find_zone(name);
  return zones.emplace(key, zone ? *zone : nullptr).first->second;
}

void snapshot_start(sqlite3_context *context, int, sqlite3_value **args) {
  const auto precision = core::precision_from_string(text_of(args[0]));
  const std::string_view wall = text_of(args[1]);
  if (!precision) {
    result_text(context, std::string(wall));
    return;
  }
  const core::SysSeconds start_utc{core::Seconds{sqlite3_value_int64(args[2])}};
  core::LocalSeconds start_local{};
  if (*precision != core::Precision::timed) {
    const auto parsed = parse_wall_time(wall);
    if (!parsed) {
      result_text(context, std::string(wall));
      return;
    }
    start_local = *parsed;
  }
  const date::time_zone *zone =
      *precision == core::Precision::timed ? cached_zone(text_of(args[3])) : nullptr;
  result_text(context, scheduler::snapshot_start(*precision, start_local, start_utc, zone));
}

void snapshot_reminder(sqlite3_context *context, int, sqlite3_value **args) {
  core::Reminder reminder;
  if (sqlite3_value_type(args[1]) != SQLITE_NULL) {
    reminder.at = core::SysSeconds{core::Seconds{sqlite3_value_int64(args[1])}};
  } else if (sqlite3_value_type(args[0]) != SQLITE_NULL) {
    reminder.before = core::Seconds{sqlite3_value_int64(args[0])};
  }
  result_text(context, scheduler::snapshot_reminder(reminder));
}

} // namespace

void register_snapshot_functions(SQLite::Database &db) {
  db.createFunction("summit_snapshot_start", 4, true, nullptr, &snapshot_start);
  db.createFunction("summit_snapshot_reminder", 2, true, nullptr, &snapshot_reminder);
}

} // namespace summit::store
