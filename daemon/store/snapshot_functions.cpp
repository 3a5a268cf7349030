#include "daemon/store/snapshot_functions.hpp"

#include "core/event.hpp"
#include "core/zones.hpp"
#include "daemon/scheduler/firing.hpp"

#include <SQLiteCpp/Database.h>
#include <date/date.h>

#include <charconv>
#include <optional>
#include <sqlite3.h>
#include <sstream>
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

template <class T> bool parse_digits(std::string_view text, T &out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

// The wall time as EventStore writes it ("%FT%T", "2025-09-26T10:00:00").
// The common form is read by hand; anything else goes through date::parse as
// EventStore::get reads it.
std::optional<core::LocalSeconds> parse_wall_time(std::string_view text) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  int hours = 0;
  int minutes = 0;
  int seconds = 0;
  if (text.size() == 19 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
      text[16] == ':' && parse_digits(text.substr(0, 4), year) &&
      parse_digits(text.substr(5, 2), month) && parse_digits(text.substr(8, 2), day) &&
      parse_digits(text.substr(11, 2), hours) && parse_digits(text.substr(14, 2), minutes) &&
      parse_digits(text.substr(17, 2), seconds)) {
    const date::year_month_day ymd{date::year{year}, date::month{month}, date::day{day}};
    if (ymd.ok() && hours < 24 && minutes < 60 && seconds < 60) {
      return date::local_days{ymd} + std::chrono::hours{hours} + std::chrono::minutes{minutes} +
             core::Seconds{seconds};
    }
  }
  std::istringstream in{std::string(text)};
  core::LocalSeconds t{};
  in >> date::parse("%FT%T", t);
  if (in.fail()) {
    return std::nullopt;
  }
  return t;
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
