#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace summit::cli {

// calendar.list as a table: NAME, KIND, EVENTS, LAST SYNC (UTC), STATE, URL;
// every text from the daemon shown escaped, the table cut to `width`
// columns (0: no limit). An error follows its calendar on a line of its own.
std::string format_calendar_table(const nlohmann::json &calendars, std::size_t width);
// One calendar for `summit status`: "subscription, last sync
// 2026-12-07T21:00:00Z, ok" or "..., error: <message>".
std::string calendar_status_words(const nlohmann::json &calendar);
// calendar.sync's reply, one line per calendar: "un: 3 added, 1 updated,
// 0 removed, 10 unchanged", "un: not modified", "un: failed: <error>".
std::string format_sync_result(const nlohmann::json &result);

} // namespace summit::cli
