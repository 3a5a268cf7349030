#pragma once

#include "error.hpp"
#include "event.hpp"

#include <nlohmann/json.hpp>

namespace summit::core {

// The times of one occurrence of a series (its RECURRENCE-ID, and where it
// falls, moved or not).
struct OccurrenceTimes {
  LocalSeconds id{};
  LocalSeconds start_local{};
  LocalSeconds end_local{};
  SysSeconds start_utc{};
  SysSeconds end_utc{};
};

// An occurrence as event.list lists it (docs/PROTOCOL.md): only what is its
// own -- the series' `id`, `occurrence`, `start`, `end`, `start_utc`,
// `end_utc`, `start_offset`, and the `title`, `location`, `description`,
// `status` that `changed` (its override, may be null) gives it. The reply
// carries the series once, beside.
nlohmann::json occurrence_to_json(const Event &series, const OccurrenceTimes &times,
                                  const OccurrenceOverride *changed);
// The inverse, for clients: `series` with the entry's members applied and
// `occurrence` set. A client that shows many occurrences passes the series
// without what it does not show (the description, the recurrence) rather
// than copying it into each.
Result<Event> occurrence_from_json(Event series, const nlohmann::json &entry);

} // namespace summit::core
