#pragma once

#include "core/error.hpp"
#include "core/event.hpp"

#include <date/tz.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

// Internal to summit_core_ical: an RRULE value read, checked and put in
// canonical form. No libical type appears here, so that the files that only
// need the parts (description, edits) do not see libical.
namespace summit::ical {

enum class Frequency { minutely, hourly, daily, weekly, monthly, yearly };

// One checked RRULE.
struct Rule {
  Frequency frequency = Frequency::daily;
  int interval = 1;
  int count = 0; // 0: no COUNT
  // UNTIL, inclusive: an instant for a timed event, a date for an all-day one.
  std::optional<core::SysSeconds> until_utc;
  std::optional<date::local_days> until_date;
  // The parts other than FREQ, INTERVAL, COUNT and UNTIL (BYDAY, WKST, ...),
  // upper case, as given.
  std::map<std::string, std::string> parts;
  // What libical iterates: FREQ, INTERVAL and the BY parts, no COUNT or UNTIL
  // (summit applies those itself: see RuleWalk).
  std::string pattern;
  // The stored value: libical's text of the whole rule, UNTIL in UTC for a
  // timed event and a DATE for an all-day one.
  std::string canonical;

  bool has(const std::string &part) const { return parts.count(part) > 0; }
  bool finite() const { return count > 0 || until_utc || until_date; }
};

// The most a COUNT may say.
constexpr int k_max_count = 100'000;

// Reads an RRULE value (optionally prefixed "RRULE:") for `event` (its
// precision, start, start_utc and tz set; `zone` its zone). Checks every part
// on its own and the parts together, refusing with the part named what
// libical 3.0.16 cannot expand correctly (see docs/RECURRENCE.md). Does not
// iterate: rule_never_matches does that.
core::Result<Rule> read_rule(std::string_view text, const core::Event &event,
                             const date::time_zone *zone);

// Makes libical report errors instead of aborting; called before any use of
// it (once per process, thread-safe).
void prepare_libical();

// The same rule with another COUNT (0: none) or UNTIL, in canonical form.
std::string rule_with_end(const Rule &rule, int count, std::optional<core::SysSeconds> until_utc,
                          std::optional<date::local_days> until_date);

} // namespace summit::ical
