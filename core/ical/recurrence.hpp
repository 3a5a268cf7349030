#pragma once

#include "core/error.hpp"
#include "core/event.hpp"
#include "core/event_params.hpp"
#include "core/reminder_plan.hpp"
#include "core/time_range.hpp"

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Recurrence over libical (RFC 5545 RRULE, RDATE, EXDATE, RECURRENCE-ID).
// summit_core_ical is the only part of core that links libical: the CLI does
// not, so that its start-up does not pay for libical and ICU.
//
// Implemented in core/ical/recurrence/: recurrence_rules.cpp (the rules the
// daemon validates with), occurrences.cpp (expansion and the series' span),
// occurrence_reminders.cpp (the next occurrence's reminders) and
// occurrence_edit.cpp (event.update on one occurrence, or from one on).
namespace summit::ical {

// The RecurrenceRules the daemon hands to event_from_add_params.
//
// canonical_rule accepts an RRULE value ("FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR",
// optionally prefixed "RRULE:") or a shortcut: daily, weekly, monthly,
// yearly, weekdays, "every 2 weeks", "every 3 days", each optionally followed
// by "until DATE" or "count N" ("every 2 weeks until 2027-12-31", "weekly
// count 10"). The result is libical's canonical text with UNTIL in UTC for
// timed events (RFC 5545 3.3.10: DTSTART has a zone) and a DATE for all-day
// ones; a date UNTIL on a timed event means the end of that day in the
// event's zone. Refused, with the part named: an unknown frequency or part,
// an hourly or finer rule or BYHOUR/BYMINUTE/BYSECOND on an all-day event,
// COUNT above 100,000, COUNT together with UNTIL, an UNTIL before the start.
//
// Also refused, because libical 3.0.16 expands them wrongly, RFC 5545 does
// not allow them or a calendar has no use for them (docs/RECURRENCE.md,
// "Refused rules, and why"; each message names the limit and why):
// FREQ=SECONDLY; BYHOUR with HOURLY or MINUTELY, BYMINUTE with MINUTELY, and
// any narrowing of an hourly or minutely rule but BYDAY and BYMONTH (and
// BYMINUTE for HOURLY); BYWEEKNO but with YEARLY, BYYEARDAY with DAILY,
// WEEKLY or MONTHLY, BYMONTHDAY with WEEKLY; a numbered BYDAY below MONTHLY
// or with BYWEEKNO; BYSETPOS alone; INTERVAL above 32,767 (libical keeps it
// in 16 bits); a rule no date matches from the start. The DAILY to YEARLY
// rules libical expands wrongly (BYWEEKNO, BYSETPOS, BYYEARDAY, ...) summit
// expands itself (rule_periods.hpp).
//
// complete checks the recurrence as a whole and fills its description: a
// month-precision event cannot repeat; rdates/exdates have the event's
// precision; every override names an occurrence the rule (or an RDATE)
// gives, and not an excluded one; the series has at least one occurrence.
// It also puts the stored rule in canonical form.
const core::RecurrenceRules &recurrence_rules();

// One occurrence of a recurring event.
struct Occurrence {
  core::LocalSeconds id{}; // its RECURRENCE-ID: the start the rule gives it
  core::LocalSeconds start_local{};
  core::LocalSeconds end_local{};
  core::SysSeconds start_utc{};
  core::SysSeconds end_utc{};
  // The override that moved or changed it, or null.
  const core::OccurrenceOverride *changed = nullptr;
  core::TimeRange span() const { return {start_utc, end_utc}; }
};

// The work one request may spend walking rules: each start a rule gives
// (before the range, excluded, or listed) takes one step. Shared by every
// series a listing expands; once it is spent, occurrences() fails instead
// of answering late or in part.
class ExpansionBudget {
public:
  static constexpr std::size_t k_default_steps = 1'000'000;
  explicit ExpansionBudget(std::size_t steps = k_default_steps) : m_steps(steps), m_left(steps) {}
  // Takes one step; false, taking nothing, once none is left.
  bool take() {
    if (m_left == 0) {
      return false;
    }
    --m_left;
    return true;
  }
  std::size_t steps() const { return m_steps; }
  std::size_t used() const { return m_steps - m_left; }

private:
  std::size_t m_steps;
  std::size_t m_left;
};

// The occurrences of `event` that overlap `range` (an occurrence with no
// length when its start lies inside), in (start_utc, id) order, at most
// `limit`. Expanded in the event's local time: each wall time the rule gives
// is tied to an instant as DESIGN.md says (a DST gap moves it forward, an
// overlap takes the earlier instant), and each occurrence lasts as long as
// the first (the exact duration for a timed event, whole days for an all-day
// one). DTSTART is always the first occurrence, given by the rule or not
// (RFC 5545; it counts for COUNT). EXDATEs remove occurrences, RDATEs add
// them, overrides replace the occurrence they name wherever they moved it
// (the event is trusted to be valid: complete() checked the overrides). A
// non-recurring event yields itself when it overlaps. `zone` is
// find_zone(event.tz). Cheap for a range far from the start, COUNT or not
// (RuleWalk: the walk starts near the range). Each start the rule gives
// takes a step of `budget`; when the budget runs out first, fails with
// over_budget: "this listing would expand more than N occurrences of event
// 5 ('Standup'); narrow the range (--from/--to)".
core::Result<std::vector<Occurrence>> occurrences(const core::Event &event,
                                                  const date::time_zone *zone,
                                                  const core::TimeRange &range, std::size_t limit,
                                                  ExpansionBudget &budget);
// The same with a budget of its own of RuleWalk::k_max_steps, for tools and
// tests: what the budget does not reach is left out, silently.
std::vector<Occurrence> occurrences(const core::Event &event, const date::time_zone *zone,
                                    const core::TimeRange &range, std::size_t limit);

// The occurrence whose RECURRENCE-ID is `id` (removed ones do not count).
std::optional<Occurrence> find_occurrence(const core::Event &event, const date::time_zone *zone,
                                          core::LocalSeconds id);

// Up to `limit` RECURRENCE-IDs of the event nearest to `id`, for an error
// message: "2025-10-30T10:00 is not an occurrence; nearby: ...".
std::vector<core::LocalSeconds> nearby_occurrences(const core::Event &event,
                                                   const date::time_zone *zone,
                                                   core::LocalSeconds id, std::size_t limit);

// The series as one event value for this occurrence: start/end and the
// override's fields applied, `occurrence` set to its id. The recurrence is
// kept (so that a client can say "every week on Friday" beside it).
core::Event occurrence_event(const core::Event &series, const Occurrence &occurrence);

// [start of the earliest occurrence, end of the latest): what the store
// indexes to find a series by range. The end is SysSeconds::max() for a rule
// without COUNT or UNTIL. For a non-recurring event, its span.
core::TimeRange series_span(const core::Event &event, const date::time_zone *zone);

// A reminder of one occurrence and when it is due.
struct OccurrenceReminder {
  std::size_t index = 0;           // position in event.reminders
  core::LocalSeconds occurrence{}; // the occurrence's id
  core::SysSeconds due{};
  bool operator==(const OccurrenceReminder &) const = default;
};

// For each reminder of a recurring event, the first occurrence (in start
// order) whose due instant (core::reminder_due on occurrence_event) is after
// `after`; an absolute (`at`) reminder once, at its instant, tied to the
// first occurrence, when that instant is after `after`. Cancelled
// occurrences (an override with status cancelled) have no reminders, a
// cancelled series none at all. Sorted by (due, index). Only the next
// occurrence's reminders exist at any time: an event that repeats every
// minute forever costs one row per reminder. A non-recurring event is its
// own single occurrence.
std::vector<OccurrenceReminder> plan_occurrence_reminders(const core::Event &event,
                                                          const date::time_zone *zone,
                                                          core::SysSeconds after,
                                                          const core::ReminderPlanOptions &options);

// Reminder `index` of the first occurrence that starts after occurrence
// `previous` (start order) and whose reminder is due after `after`; nothing
// once the series has no such occurrence, or for an `at` reminder. Called
// when the reminder of `previous` is taken off the schedule; `after` is
// now - grace, so occurrences that fell due longer ago than the grace
// period (the daemon was down) are skipped, not fired.
std::optional<OccurrenceReminder>
next_occurrence_reminder(const core::Event &event, const date::time_zone *zone, std::size_t index,
                         core::LocalSeconds previous, core::SysSeconds after,
                         const core::ReminderPlanOptions &options);

// Reads the RECURRENCE-ID given in an event.update request (`occurrence`,
// `cancel_occurrence`, `from_occurrence`): a wall time or date in the event's
// zone, or an instant with an offset. `field` names it in errors; an id that
// is no occurrence is refused, naming nearby ones, or, when it is where an
// occurrence now starts (moved by an override or a DST gap), naming that
// occurrence's id; an excluded one is refused as cancelled already.
core::Result<core::LocalSeconds> parse_occurrence_id(const nlohmann::json &value,
                                                     const std::string &field,
                                                     const core::Event &series,
                                                     const date::time_zone *zone);

// event.update with `occurrence`: changes that one occurrence only (an
// override). Params may hold start, end, duration, title, location,
// description and status (null puts the series' value back; a new start
// without end keeps the occurrence's length); id, occurrence,
// cancel_occurrence and from_occurrence are the request's own and ignored;
// anything else applies to the whole series and is refused naming the
// field. Errors name the request's field ("start: ..."). An override left
// with nothing different is dropped. Returns the updated series.
core::Result<core::DraftedEvent> update_occurrence(core::Event series, core::LocalSeconds id,
                                                   const nlohmann::json &params,
                                                   const core::EventInputContext &ctx);

// event.update with `cancel_occurrence`: adds an EXDATE (and drops any
// override of it). Refused for the only occurrence left (remove the event
// instead). Returns the updated series.
core::Result<core::DraftedEvent> cancel_occurrence(core::Event series, core::LocalSeconds id,
                                                   const core::EventInputContext &ctx);

// event.update with `from_occurrence` ("this and following"): the series
// ends before occurrence `id` (UNTIL one second before its instant, or the
// day before for an all-day series; or COUNT reduced to the starts before
// it) and a new series starts at it (DTSTART = the start the rule gives it,
// the same length), with the same rule (COUNT: what remained), the RDATEs,
// EXDATEs and overrides from `id` on, and `params` applied to it as
// event.update applies them (core::event_apply_update_params; the request's
// own keys are left out). Both are validated in full. The new series has id
// 0, an empty uid (the store assigns both) and created = ctx.now; an old
// series left with its start alone stops repeating. Refused for the first
// occurrence (edit the whole series instead), for an RDATE the rule does
// not give, and for an occurrence in a DST gap (a series cannot start at a
// wall time that does not exist).
struct SplitSeries {
  core::Event before;       // the original series, now ending before `id`
  core::DraftedEvent after; // the new series from `id` on
};
core::Result<SplitSeries> split_series(const core::Event &series, core::LocalSeconds id,
                                       const nlohmann::json &params,
                                       const core::EventInputContext &ctx);

} // namespace summit::ical
