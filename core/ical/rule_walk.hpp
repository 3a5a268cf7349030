#pragma once

#include "core/ical/recurrence.hpp"
#include "core/ical/rule.hpp"
#include "core/ical/rule_periods.hpp"

#include <date/tz.h>

#include <cstddef>
#include <memory>
#include <optional>

struct icalrecur_iterator_impl;
struct icalrecurrencetype;

// Internal to summit_core_ical: walking the starts of a rule.
namespace summit::ical {

// The starts a Rule gives for a DTSTART, in increasing order: wall times in
// the event's zone, or 00:00 of dates for an all-day event. libical does the
// RRULE arithmetic, except for the rules summit expands itself
// (expanded_by_summit: RulePeriods); this adds what summit means by a
// series:
//  - DTSTART comes first, whether or not the pattern gives it (RFC 5545:
//    DTSTART always counts as the first occurrence, for COUNT too);
//  - COUNT and UNTIL are applied here, UNTIL to each start's instant
//    (resolve_local), so that a start in a DST gap compares by the instant
//    it really has;
//  - seek() restarts at a wall time without walking from DTSTART: for a
//    rule with no BY part (a fixed step), at the first DTSTART + k steps
//    at or after it; else, when the rule has no COUNT,
//    icalrecur_iterator_set_start for DAILY and coarser rules; for HOURLY
//    and MINUTELY (where set_start does not keep the
//    INTERVAL grid in 3.0.16) a new iterator whose DTSTART is moved by a
//    whole number of days that is also a whole number of intervals, so that
//    libical sees the same time of day and the same grid;
//  - with COUNT, seek() knows how many starts come before the point it
//    restarts at: for a rule with no BY part (FREQ=MINUTELY;COUNT=100000)
//    the k-th start is DTSTART + k intervals, computed; for any other, the
//    walk notes every k_checkpoint_every-th start and its number in a
//    process-wide cache (by rule and DTSTART), and a later seek restarts
//    at the nearest noted start before the point, as above. So a seek costs
//    at most k_checkpoint_every steps once the series was walked once;
//  - nothing after the year 2399 (the last year an event may have);
//  - at most k_max_steps steps (a start libical gives, or a period summit
//    expands, empty or not) after each seek, or, with a budget,
//    only the steps the budget has left (shared by every walk of one
//    request): past that, next() ends and cut_short() says so.
class RuleWalk {
public:
  static constexpr std::size_t k_max_steps = 200'000;
  static constexpr int k_checkpoint_every = 1024;

  // `rule` (and `budget`, when given) must outlive the walk.
  RuleWalk(const Rule &rule, core::LocalSeconds dtstart, bool all_day, const date::time_zone *zone,
           ExpansionBudget *budget = nullptr);
  ~RuleWalk();
  RuleWalk(const RuleWalk &) = delete;
  RuleWalk &operator=(const RuleWalk &) = delete;

  // Restarts so that next() gives the first start at or after `from`. With
  // `until`, the caller wants no start after it: a rule summit expands
  // itself then ends there instead of searching on for its next start.
  void seek(core::LocalSeconds from, core::LocalSeconds until = core::LocalSeconds::max());
  // The next start, or nothing once the rule (or the work bound) ends.
  std::optional<core::LocalSeconds> next();
  bool cut_short() const { return m_cut_short; }

private:
  void open(core::LocalSeconds base);
  void close();
  // Restarts so that the next start given is `start`, the position-th.
  void resume(core::LocalSeconds start, int position);
  // A new iterator near `from` for HOURLY and MINUTELY: see above.
  void open_near(core::LocalSeconds from);
  bool past_until(core::LocalSeconds start) const;
  // The wall-time step of a rule with no BY part (the k-th start is DTSTART
  // plus k of it), or nothing.
  std::optional<core::Seconds> fixed_step() const;

  const Rule &m_rule;
  core::LocalSeconds m_dtstart;
  bool m_all_day;
  const date::time_zone *m_zone;
  ExpansionBudget *m_budget;
  std::string m_key; // the checkpoint cache's: pattern, DTSTART, all-day
  std::unique_ptr<icalrecurrencetype> m_pattern;
  std::unique_ptr<RulePeriods> m_periods; // for a rule summit expands itself
  icalrecur_iterator_impl *m_iterator = nullptr;
  core::LocalSeconds m_from{};
  core::LocalSeconds m_last{};
  bool m_dtstart_pending = false;
  bool m_done = false;
  bool m_cut_short = false;
  int m_position = 0; // starts given since DTSTART (COUNT)
  std::size_t m_steps = 0;
};

// Whether the rule's pattern gives no start at all from `dtstart` on, so
// that the series would be DTSTART alone however it was meant
// (FREQ=MONTHLY;BYMONTH=2;BYDAY=5SU;BYMONTHDAY=30). A DAILY or coarser
// rule is searched with summit's own expansion (RulePeriods) to the year
// 2399: at most 500 years, 6,000 months, 26,100 weeks or 182,600 days, a
// few milliseconds. An HOURLY or MINUTELY one by libical, to its own
// horizon (the year 2582): at worst about a second, paid only when a rule
// is written.
bool rule_never_matches(const Rule &rule, core::LocalSeconds dtstart, bool all_day);

} // namespace summit::ical
