#pragma once

#include "error.hpp"
#include "time_range.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace summit::core {

// How precisely an event's start is known.
enum class Precision {
  timed,   // a wall time in a zone
  all_day, // one or more whole local days
  month,   // announced for a month, day not yet fixed ("Sep 2025 (date TBA)")
};

enum class Status { confirmed, tentative, cancelled };

const char *to_string(Precision p);
const char *to_string(Status s);
std::optional<Precision> precision_from_string(std::string_view s);
std::optional<Status> status_from_string(std::string_view s);

// A reminder: either an offset before the event's start or an absolute
// instant. Exactly one of the two is set.
struct Reminder {
  std::optional<Seconds> before;
  std::optional<SysSeconds> at;
  bool operator==(const Reminder &) const = default;
};

// One occurrence of a recurring event changed on its own (RFC 5545
// RECURRENCE-ID): moved, retitled, relocated or cancelled. Fields left
// empty keep the series' value.
struct OccurrenceOverride {
  // The start the rule gives the occurrence (its RECURRENCE-ID), a wall time
  // (timed) or 00:00 of a date (all-day) in the event's zone.
  LocalSeconds occurrence{};
  // Where it was moved; the same precision as the series. start_later /
  // end_later as for Event.
  LocalSeconds start_local{};
  LocalSeconds end_local{};
  bool start_later = false;
  bool end_later = false;
  SysSeconds start_utc{}; // derived (derive_instants)
  SysSeconds end_utc{};   // derived
  std::optional<std::string> title;
  std::optional<std::string> location;
  std::optional<std::string> description;
  std::optional<Status> status;
  // The change came on its own, as a single event with a RECURRENCE-ID
  // (an invitation to one changed meeting), and was joined to the series
  // (ical::join_lone_change). Importing the series again keeps it, where
  // the series' own file does not change that occurrence.
  bool separate = false;
  bool operator==(const OccurrenceOverride &) const = default;
};

// How an event repeats (RFC 5545 RRULE, RDATE, EXDATE, RECURRENCE-ID).
// Occurrences are expanded in the event's local time (core/ical:
// ical::occurrences) and each wall time is tied to an instant as DESIGN.md
// says, so a 10:00 Minsk meeting stays at 10:00 local.
struct Recurrence {
  // The RRULE value in canonical form (ical::RecurrenceRules), UNTIL in UTC
  // for timed events and a DATE for all-day ones. Empty when only rdates
  // give the occurrences.
  std::string rrule;
  // Extra occurrence starts and removed ones: wall times (timed) or 00:00 of
  // dates (all-day) in the event's zone, sorted, no duplicates.
  std::vector<LocalSeconds> rdates;
  std::vector<LocalSeconds> exdates;
  // Sorted by occurrence, at most one per occurrence.
  std::vector<OccurrenceOverride> overrides;
  // "every week on Friday, until 31 Dec 2027": for people, derived from the
  // rule when the event is written (ical::RecurrenceRules::check).
  std::string description;
  bool operator==(const Recurrence &) const = default;
};

// A change of one occurrence imported without its series (RFC 5545
// RECURRENCE-ID whose master was not in the file, nor in the calendar): a
// single event that remembers which occurrence of which series it changes,
// so that importing the series later joins it as that occurrence's
// override (docs/PROTOCOL.md calendar.import).
struct LoneChange {
  std::string series_uid;
  // The RECURRENCE-ID: a UTC instant "2025-10-31T09:00:00Z", or a date
  // "2025-10-31" for an all-day series.
  std::string recurrence_id;
  bool operator==(const LoneChange &) const = default;
};

// A calendar entry. The local wall times plus `tz` are the source of
// truth; start_utc/end_utc are derived from them (derive_instants) and kept
// only to index and sort. When tzdata changes a zone's rules the instants
// are recomputed and the wall times stay.
struct Event {
  std::int64_t id = 0;
  std::string uid;
  std::string title;
  Precision precision = Precision::timed;
  // timed: the wall time; all_day: 00:00 of the first day; month: 00:00 of the 1st.
  LocalSeconds start_local{};
  // Exclusive. timed: end wall time; all_day: 00:00 of the day after the
  // last; month: 00:00 of the 1st of the next month.
  LocalSeconds end_local{};
  // False when neither an end nor a duration was given: a timed event is then
  // a point in time (end_local == start_local); all-day and month events
  // span their day(s) or month regardless.
  bool has_end = false;
  std::string tz; // IANA zone name
  // The start wall time falls in a DST overlap and means the later of the
  // two instants (the user gave that offset). Ignored otherwise.
  bool start_later = false;
  // The same for the end: an end computed from a duration can land on the
  // second pass through an overlap.
  bool end_later = false;
  SysSeconds start_utc{};
  SysSeconds end_utc{};
  std::string location;
  std::string description;
  std::vector<std::string> tags;
  Status status = Status::confirmed;
  std::vector<Reminder> reminders;
  std::uint32_t owner_uid = 0;
  SysSeconds created{};
  SysSeconds updated{};
  // Set for a recurring event; start/end above are then its first
  // occurrence (DTSTART) and the event's span is that of the first.
  std::optional<Recurrence> recurrence;
  // Set when this value is one occurrence of a recurring event, as event.list
  // returns them: the occurrence's RECURRENCE-ID. start/end, title, location,
  // description and status are then the occurrence's own.
  std::optional<LocalSeconds> occurrence;
  // Set for a change of one occurrence stored without its series.
  std::optional<LoneChange> lone_change;

  TimeRange span() const { return {start_utc, end_utc}; }
};

// Recomputes start_utc/end_utc (and those of every occurrence override) from
// the wall times and zone (DST gaps move forward, overlaps take the earlier
// instant unless start_later). Fails only when tz names no known zone.
Result<void> derive_instants(Event &event);

} // namespace summit::core
