#pragma once

#include "cli/commands/event_options.hpp"
#include "core/error.hpp"
#include "core/event.hpp"

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace summit::cli {

// Which occurrence of a repeating event `edit` names, as typed; at most one
// is set.
struct OccurrenceOptions {
  std::optional<std::string> occurrence;        // --occurrence WHEN: change that one
  std::optional<std::string> cancel_occurrence; // --cancel-occurrence WHEN: remove it
  std::optional<std::string> from_occurrence;   // --from-occurrence WHEN: it and the ones after
};

enum class OccurrenceEdit { change, cancel, split };

// An occurrence named on the command line, read in the series' own zone.
struct OccurrenceTarget {
  OccurrenceEdit edit = OccurrenceEdit::change;
  std::string option; // "--occurrence", "--cancel-occurrence", "--from-occurrence"
  std::string member; // event.update's "occurrence", "cancel_occurrence", "from_occurrence"
  // The RECURRENCE-ID to send: "2025-10-31T10:00:00" (timed) or
  // "2025-10-31" (all-day). Empty when only `day` is known.
  std::string id;
  // A timed series named by a date ("2025-10-31", "next friday"): the
  // occurrence on that day is to be looked up (event.list) before sending.
  std::optional<date::local_days> day;
};

// The occurrence `options` name, if any. WHEN is read with core::parse_when
// in the event's zone (so "2025-10-31 10:00" is 10:00 where the meeting is,
// whatever --tz says); an instant is the wall time it is there; a wall time
// given for an all-day series names its date. Fails (a usage error) when
// several are given, WHEN cannot be read or is a month, or the event does
// not repeat (ErrorCode::conflict: the daemon's state, not the command line).
// Day words ("tomorrow", "friday") count in `day_zone`, the user's, when
// given: "tomorrow" is the user's tomorrow wherever the meeting is.
core::Result<std::optional<OccurrenceTarget>>
read_occurrence_target(const OccurrenceOptions &options, const core::Event &series,
                       core::SysSeconds now, const date::time_zone *day_zone = nullptr);

// How many days either side of a date `edit` asks event.list about when a
// timed series is named by that date.
inline constexpr int k_lookup_days = 14;

// The occurrences of event `id` among event.list's `events` that fall on
// `day` -- by their RECURRENCE-ID or by their (moved) start, both wall
// times in the event's zone -- as RECURRENCE-IDs in start order; and, when
// none does, up to three others nearest to it, in time order.
struct DayOccurrences {
  std::vector<std::string> on_day;
  std::vector<std::string> nearest;
};
DayOccurrences occurrences_on_day(const nlohmann::json &events, std::int64_t id,
                                  date::local_days day);

// event.update params for `target` (with target.id known) and the changes
// in `options`:
//   change: start (--at), end/duration, title, location, description and
//           status of that occurrence only, times read in the series' zone;
//           anything else belongs to the series and is refused naming the
//           option; at least one change is needed.
//   cancel: nothing but the occurrence.
//   split:  any `edit` change (build_update_params in `zone`, the zone the
//           new series will have); none is needed.
core::Result<nlohmann::json>
build_occurrence_params(const core::Event &series, const OccurrenceTarget &target,
                        const EventOptions &options, core::SysSeconds now,
                        const date::time_zone *zone, const date::time_zone *day_zone = nullptr);

} // namespace summit::cli
