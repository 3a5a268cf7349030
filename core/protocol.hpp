#pragma once

#include <array>
#include <string_view>

// summitd's socket protocol in one table: every method, with what it takes
// and what it answers, and the notifications the daemon sends. The daemon
// registers its handlers by these names, the CLI calls by them, and a test
// checks that docs/PROTOCOL.md documents exactly these (each one's params,
// result, errors and an example are there).
namespace summit::core::protocol {

struct Method {
  std::string_view name;
  std::string_view params; // what it takes
  std::string_view result; // what it answers
};

inline constexpr std::string_view event_add = "event.add";
inline constexpr std::string_view event_get = "event.get";
inline constexpr std::string_view event_list = "event.list";
inline constexpr std::string_view event_update = "event.update";
inline constexpr std::string_view event_remove = "event.remove";
inline constexpr std::string_view event_explain = "event.explain";
inline constexpr std::string_view reminder_subscribe = "reminder.subscribe";
inline constexpr std::string_view reminder_snooze = "reminder.snooze";
inline constexpr std::string_view reminder_ack = "reminder.ack";
inline constexpr std::string_view reminder_missed = "reminder.missed";
inline constexpr std::string_view calendar_import = "calendar.import";
inline constexpr std::string_view import_begin = "import.begin";
inline constexpr std::string_view import_chunk = "import.chunk";
inline constexpr std::string_view import_commit = "import.commit";
inline constexpr std::string_view import_abort = "import.abort";
inline constexpr std::string_view calendar_export = "calendar.export";
inline constexpr std::string_view calendar_add = "calendar.add";
inline constexpr std::string_view calendar_list = "calendar.list";
inline constexpr std::string_view calendar_remove = "calendar.remove";
inline constexpr std::string_view calendar_sync = "calendar.sync";
inline constexpr std::string_view calendar_conflicts = "calendar.conflicts";
inline constexpr std::string_view calendar_resolve = "calendar.resolve";
inline constexpr std::string_view daemon_status = "daemon.status";

// Sent by the daemon to a subscriber (JSON-RPC notifications, no id).
inline constexpr std::string_view reminder_fired = "reminder.fired";
inline constexpr std::string_view reminder_gap = "reminder.gap";
// Sent on the connection of a calendar.sync that asked for it (progress).
inline constexpr std::string_view calendar_progress = "calendar.progress";

inline constexpr std::array k_methods{
    Method{event_add,
           "an event: title, start, tz or location, end or duration, all_day, "
           "location, description, tags, reminders, recurrence, calendar?; request_key?",
           "{event, notes}"},
    Method{event_get, "{id}", "{event}"},
    Method{event_list, "from?, to?, tz?, tag?, calendar?, search?, expand?, limit?, after?",
           "{events, series, next}: one page"},
    Method{event_update, "{id} and any event.add fields; occurrence edits", "{event, notes}"},
    Method{event_remove, "{id}", "{removed}"},
    Method{event_explain, "{id}", "{event, reminders, zone_changes}"},
    Method{reminder_subscribe, "{after?}", "{subscribed, cursor, latest}; then reminder.fired"},
    Method{reminder_snooze, "{reminder_id, duration}", "{reminder_id, due}: the new instance"},
    Method{reminder_ack, "{reminder_id}", "{acked}"},
    Method{reminder_missed, "{limit?}", "{missed}"},
    Method{calendar_import, "{ics, tz, dry_run?, request_key?}",
           "{added, updated, unchanged, skipped, skipped_count, notes}"},
    Method{import_begin, "{tz}", "{import}"},
    Method{import_chunk, "{import, text}", "{import, received}"},
    Method{import_commit, "{import, dry_run?, request_key?}", "as calendar.import"},
    Method{import_abort, "{import}", "{aborted}"},
    Method{calendar_export, "from?, to?, tz?, tag?, limit?, after?",
           "{ics, count, next}: one page"},
    Method{calendar_add,
           "{name, subscribe? | caldav?, collection?, every?, user?, password_file?, tz?}",
           "{calendar, notes}"},
    Method{calendar_list, "none", "{calendars}"},
    Method{calendar_remove, "{name}", "{removed, events}"},
    Method{calendar_sync, "{name?, allow_deletions?, progress?}",
           "{calendars, skipped}: what each fetch or CalDAV sync changed"},
    Method{calendar_conflicts, "{name?}", "{conflicts}: local CalDAV changes the server refused"},
    Method{calendar_resolve, "{id, keep: local|server}", "{resolved, kept}"},
    Method{daemon_status, "none", "version, pid, uptime, events, reminders, limits..."},
};

inline constexpr std::array k_notifications{
    Method{reminder_fired, "a firing: ids, title, start, tz, due, late...", ""},
    Method{reminder_gap, "{after, resumes_after, missed}", ""},
    Method{calendar_progress, "{name, fetched, total}: a large CalDAV sync's fetch so far", ""},
};

constexpr bool is_method(std::string_view name) {
  for (const auto &method : k_methods) {
    if (method.name == name) {
      return true;
    }
  }
  return false;
}

} // namespace summit::core::protocol
