#pragma once

#include "core/ical/recurrence.hpp"
#include "core/ical/rule.hpp"
#include "core/ical/rule_walk.hpp"

#include <date/tz.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

// Internal to summit_core_ical: the occurrences of one event, expanded on
// demand. The public functions of recurrence.hpp are thin wrappers.
namespace summit::ical {

class Series {
public:
  // `event` and `zone` must outlive the series. The event is trusted to be
  // valid (RecurrenceRules::complete accepted it): overrides are taken to
  // name occurrences. A stored rule that no longer reads counts as absent
  // (the series is then DTSTART and its RDATEs). With a `budget` (which
  // must outlive the series), every walk of the rule takes its steps from
  // it; without, each walk has RuleWalk::k_max_steps.
  Series(const core::Event &event, const date::time_zone *zone, ExpansionBudget *budget = nullptr);

  bool recurring() const { return m_event.recurrence.has_value(); }
  const Rule *rule() const { return m_rule ? &*m_rule : nullptr; }
  // No rule, or one with COUNT or UNTIL.
  bool finite() const { return !m_rule || m_rule->finite(); }
  // Whether the last walk of the rule ran out of steps (so the last answer
  // may lack occurrences).
  bool cut_short() const { return m_walk && m_walk->cut_short(); }

  // Whether `id` is an occurrence: DTSTART, a start the rule gives or an
  // RDATE, and no EXDATE.
  bool is_occurrence(core::LocalSeconds id);
  bool excluded(core::LocalSeconds id) const;
  const core::OccurrenceOverride *override_of(core::LocalSeconds id) const;
  // Occurrence `id` where the rule puts it, ignoring any override.
  Occurrence natural(core::LocalSeconds id) const;
  // Occurrence `id` with its override applied.
  Occurrence make(core::LocalSeconds id) const;

  // As ical::occurrences; with `starting`, only those that start in the
  // range (for walking a series in start order, page by page).
  std::vector<Occurrence> collect(const core::TimeRange &range, std::size_t limit,
                                  bool starting = false);
  // The occurrence ids in [from, to), in order, at most `limit`.
  std::vector<core::LocalSeconds> ids(core::LocalSeconds from, core::LocalSeconds to,
                                      std::size_t limit);
  // Up to `limit` ids nearest to `id`, in order.
  std::vector<core::LocalSeconds> nearby(core::LocalSeconds id, std::size_t limit);
  // As ical::series_span.
  core::TimeRange span();

private:
  RuleWalk &walk();
  // The rule's step (FREQ times INTERVAL), roughly, for sizing windows.
  core::Seconds period() const;
  // Ids before `id`, nearest first, at most `limit`.
  std::vector<core::LocalSeconds> ids_before(core::LocalSeconds id, std::size_t limit);

  const core::Event &m_event;
  const date::time_zone *m_zone;
  ExpansionBudget *m_budget;
  bool m_all_day;
  core::Seconds m_length{}; // timed: exact; all-day: whole days
  std::optional<Rule> m_rule;
  std::unique_ptr<RuleWalk> m_walk;
};

// An occurrence counts as in a range when it overlaps it, or, having no
// length, when it starts inside.
bool touches(const Occurrence &occurrence, const core::TimeRange &range);

} // namespace summit::ical
