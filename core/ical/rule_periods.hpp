#pragma once

#include "core/ical/rule.hpp"
#include "core/time_range.hpp"

#include <cstddef>
#include <vector>

// Internal to summit_core_ical: summit's own RFC 5545 expansion, for the
// DAILY, WEEKLY, MONTHLY and YEARLY rules libical 3.0.16 expands wrongly
// (docs/RECURRENCE.md): BYWEEKNO (ISO 8601 weeks from WKST), BYSETPOS (over
// every date-time of the period, BYHOUR, BYMINUTE and BYSECOND included),
// BYYEARDAY, and BYMONTHDAY in a YEARLY rule without BYMONTH.
//
// A rule is expanded one period (a day, week, month or year, stepped by
// INTERVAL from DTSTART's) at a time, as RFC 5545 3.3.10 and python-dateutil
// do: the days of the period every BY part accepts (BYMONTH, BYWEEKNO,
// BYYEARDAY, BYMONTHDAY, BYDAY; a numbered BYDAY counts within the month, or
// within the year for a YEARLY rule without BYMONTH), each at every time of
// BYHOUR x BYMINUTE x BYSECOND (what the rule does not say comes from
// DTSTART), then BYSETPOS's positions within that whole set.
namespace summit::ical {

// Whether summit expands `rule` itself (with RulePeriods) instead of libical.
bool expanded_by_summit(const Rule &rule);

class RulePeriods {
public:
  // `rule` must outlive this; a DAILY or coarser rule (expanded_by_summit).
  RulePeriods(const Rule &rule, core::LocalSeconds dtstart, bool all_day);

  // Restarts at the period that holds `from`; next() then gives the starts
  // at or after max(from, DTSTART).
  void seek(core::LocalSeconds from);
  // Ends the expansion at the first period that begins after `last` (the
  // caller wants nothing later): a rule that matches rarely is not
  // searched past the range. Kept across seeks.
  void stop_after(core::LocalSeconds last) { m_stop = last; }

  enum class Kind {
    start, // a start, in increasing order
    empty, // a period that gave nothing (one step of work, for the budgets)
    end    // past the last year an event may have (2399)
  };
  struct Step {
    Kind kind = Kind::end;
    core::LocalSeconds start{};
  };
  Step next();

private:
  struct NumberedDay {
    int ordinal = 0;
    int weekday = 0; // 0 = Monday
  };
  // The starts of period `period` (its number: a year, a month count, a
  // week count or a day count) at or after m_floor, into m_starts.
  void fill(long long period);
  bool day_matches(long long day) const;
  bool in_weeks(long long day, int year) const;
  // The period that holds `day`, and its first and last day.
  long long period_of(long long day) const;
  long long first_day(long long period) const;
  long long last_day(long long period) const;
  core::LocalSeconds start_at(long long index) const; // of days x times
  bool has_start() const;
  core::LocalSeconds take_start();

  Frequency m_frequency;
  int m_interval;
  int m_wkst = 0; // 0 = Monday
  core::LocalSeconds m_dtstart;
  std::vector<int> m_months, m_weeknos, m_yeardays, m_monthdays, m_setpos;
  std::vector<int> m_weekdays; // plain BYDAY days (0 = Monday)
  std::vector<NumberedDay> m_numbered;
  bool m_numbered_in_month = true;
  std::vector<long long> m_times; // seconds into the day, sorted
  long long m_first_period = 0;
  long long m_next = 0; // k: the next period is m_first_period + k * m_interval
  core::LocalSeconds m_floor{};
  core::LocalSeconds m_stop = core::LocalSeconds::max();
  // The period filled last: its matching days; without BYSETPOS its starts
  // are days x times, given by index (m_size of them), with BYSETPOS the
  // chosen ones are in m_starts (m_size -1).
  std::vector<long long> m_days;
  std::vector<core::LocalSeconds> m_starts;
  long long m_size = -1;
  std::size_t m_index = 0;
};

} // namespace summit::ical
