#include "core/ical/rule_periods.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace summit::ical {

namespace {

constexpr std::array k_weekday_names{"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr long long k_day_seconds = 86'400;
// The first day no event reaches (events end in 2399).
const long long k_horizon_day =
    date::local_days{date::year{2400} / 1 / 1}.time_since_epoch().count();

long long floor_div(long long a, long long b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
long long floor_mod(long long a, long long b) { return a - floor_div(a, b) * b; }

date::year_month_day ymd_of(long long day) {
  return date::year_month_day{date::local_days{date::days{day}}};
}
long long day_of(const date::year_month_day &ymd) {
  return date::local_days{ymd}.time_since_epoch().count();
}
// 0 = Monday (1970-01-01 was a Thursday).
int weekday_of(long long day) { return static_cast<int>(floor_mod(day + 3, 7)); }
int weekday_named(const std::string &name) {
  for (std::size_t i = 0; i < k_weekday_names.size(); ++i) {
    if (name == k_weekday_names[i]) {
      return static_cast<int>(i);
    }
  }
  return 0;
}

// The first day of week 1 of `year`, weeks starting on `wkst`: the first
// week with at least four days in the year (ISO 8601, RFC 5545 BYWEEKNO).
long long week_one(int year, int wkst) {
  const long long january_1 = day_of(date::year{year} / 1 / 1);
  const int before = static_cast<int>(floor_mod(weekday_of(january_1) - wkst, 7));
  return january_1 - before + (before >= 4 ? 7 : 0);
}

std::vector<int> numbers_of(const Rule &rule, const char *part) {
  std::vector<int> out;
  if (const auto found = rule.parts.find(part); found != rule.parts.end()) {
    for (const auto item : core::text::split(found->second, ',')) {
      std::string_view text = item;
      if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
      }
      if (const auto number = core::text::to_int(text)) {
        out.push_back(*number);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool has(const std::vector<int> &sorted, int value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

} // namespace

bool expanded_by_summit(const Rule &rule) {
  if (rule.frequency == Frequency::hourly || rule.frequency == Frequency::minutely) {
    return false;
  }
  // libical 3.0.16 skips or refuses days counted from the end of the month
  // in a DAILY rule (FREQ=DAILY;BYMONTHDAY=-16 finds nothing).
  const auto monthday = rule.parts.find("BYMONTHDAY");
  const bool from_month_end =
      monthday != rule.parts.end() && monthday->second.find('-') != std::string::npos;
  // libical 3.0.16 counts a WEEKLY rule's INTERVAL in weeks from Sunday
  // whatever WKST says (FREQ=WEEKLY;INTERVAL=7;BYDAY=SU from Friday 31
  // December 2032 misses Sunday 2 January, in the week of the start).
  const bool weeks_matter =
      rule.frequency == Frequency::weekly && rule.interval > 1 && rule.has("BYDAY");
  return weeks_matter || rule.has("BYWEEKNO") || rule.has("BYSETPOS") || rule.has("BYYEARDAY") ||
         (rule.frequency == Frequency::yearly && rule.has("BYMONTHDAY") && !rule.has("BYMONTH")) ||
         (rule.frequency == Frequency::daily && from_month_end);
}

RulePeriods::RulePeriods(const Rule &rule, core::LocalSeconds dtstart, bool all_day)
    : m_frequency(rule.frequency), m_interval(rule.interval), m_dtstart(dtstart) {
  if (const auto wkst = rule.parts.find("WKST"); wkst != rule.parts.end()) {
    m_wkst = weekday_named(wkst->second);
  }
  m_months = numbers_of(rule, "BYMONTH");
  m_weeknos = numbers_of(rule, "BYWEEKNO");
  m_yeardays = numbers_of(rule, "BYYEARDAY");
  m_monthdays = numbers_of(rule, "BYMONTHDAY");
  m_setpos = numbers_of(rule, "BYSETPOS");
  if (const auto days = rule.parts.find("BYDAY"); days != rule.parts.end()) {
    for (const auto item : core::text::split(days->second, ',')) {
      const std::string text(item);
      if (text.size() < 2) {
        continue;
      }
      const int weekday = weekday_named(text.substr(text.size() - 2));
      std::string_view ordinal(text.data(), text.size() - 2);
      if (!ordinal.empty() && ordinal.front() == '+') {
        ordinal.remove_prefix(1);
      }
      if (ordinal.empty()) {
        m_weekdays.push_back(weekday);
      } else if (const auto n = core::text::to_int(ordinal); n && *n != 0) {
        m_numbered.push_back({*n, weekday});
      }
    }
    std::sort(m_weekdays.begin(), m_weekdays.end());
  }
  // A numbered BYDAY counts within the month, except in a YEARLY rule
  // without BYMONTH: within the year (RFC 5545 3.3.10).
  m_numbered_in_month = !(m_frequency == Frequency::yearly && m_months.empty());

  const long long start_day = date::floor<date::days>(dtstart).time_since_epoch().count();
  const date::year_month_day start_ymd = ymd_of(start_day);
  // What the rule does not say comes from DTSTART (RFC 5545; dateutil the same).
  const bool day_part = !m_weeknos.empty() || !m_yeardays.empty() || !m_monthdays.empty() ||
                        !m_weekdays.empty() || !m_numbered.empty();
  if (!day_part) {
    if (m_frequency == Frequency::yearly) {
      if (m_months.empty()) {
        m_months = {static_cast<int>(static_cast<unsigned>(start_ymd.month()))};
      }
      m_monthdays = {static_cast<int>(static_cast<unsigned>(start_ymd.day()))};
    } else if (m_frequency == Frequency::monthly) {
      m_monthdays = {static_cast<int>(static_cast<unsigned>(start_ymd.day()))};
    } else if (m_frequency == Frequency::weekly) {
      m_weekdays = {weekday_of(start_day)};
    }
  }
  if (all_day) {
    m_times = {0};
  } else {
    const long long tod = (dtstart - date::floor<date::days>(dtstart)).count();
    auto or_start = [&](const char *part, int value) {
      auto list = numbers_of(rule, part);
      return list.empty() ? std::vector<int>{value} : list;
    };
    for (int hour : or_start("BYHOUR", static_cast<int>(tod / 3600))) {
      for (int minute : or_start("BYMINUTE", static_cast<int>(tod / 60 % 60))) {
        for (int second : or_start("BYSECOND", static_cast<int>(tod % 60))) {
          m_times.push_back(hour * 3600LL + minute * 60LL + second);
        }
      }
    }
    std::sort(m_times.begin(), m_times.end());
  }
  m_first_period = period_of(start_day);
  seek(dtstart);
}

long long RulePeriods::period_of(long long day) const {
  switch (m_frequency) {
  case Frequency::yearly:
    return static_cast<int>(ymd_of(day).year());
  case Frequency::monthly: {
    const auto ymd = ymd_of(day);
    return static_cast<int>(ymd.year()) * 12LL + static_cast<unsigned>(ymd.month()) - 1;
  }
  case Frequency::weekly:
    // Weeks start on WKST: the day whose weekday is WKST is day 7k + WKST - 3.
    return floor_div(day - (m_wkst - 3), 7);
  default:
    return day;
  }
}

long long RulePeriods::first_day(long long period) const {
  switch (m_frequency) {
  case Frequency::yearly:
    return day_of(date::year{static_cast<int>(period)} / 1 / 1);
  case Frequency::monthly:
    return day_of(date::year{static_cast<int>(floor_div(period, 12))} /
                  static_cast<unsigned>(floor_mod(period, 12) + 1) / 1);
  case Frequency::weekly:
    return period * 7 + (m_wkst - 3);
  default:
    return period;
  }
}

long long RulePeriods::last_day(long long period) const {
  switch (m_frequency) {
  case Frequency::yearly:
    return day_of(date::year{static_cast<int>(period)} / 12 / 31);
  case Frequency::monthly:
    return day_of(date::year_month_day_last{
        date::year{static_cast<int>(floor_div(period, 12))},
        date::month_day_last{date::month{static_cast<unsigned>(floor_mod(period, 12) + 1)}}});
  case Frequency::weekly:
    return period * 7 + (m_wkst - 3) + 6;
  default:
    return period;
  }
}

bool RulePeriods::in_weeks(long long day, int year) const {
  // The week-numbering year of `day` may be the calendar year before or
  // after its own (29 December 1997 is in week 1 of 1998).
  long long first = week_one(year, m_wkst);
  if (day < first) {
    --year;
    first = week_one(year, m_wkst);
  } else if (const long long next = week_one(year + 1, m_wkst); day >= next) {
    ++year;
    first = next;
  }
  const int number = static_cast<int>((day - first) / 7) + 1;
  const int weeks = static_cast<int>((week_one(year + 1, m_wkst) - first) / 7);
  return has(m_weeknos, number) || has(m_weeknos, number - weeks - 1);
}

bool RulePeriods::day_matches(long long day) const {
  const date::year_month_day ymd = ymd_of(day);
  const int year = static_cast<int>(ymd.year());
  const int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  if (!m_months.empty() && !has(m_months, month)) {
    return false;
  }
  if (!m_weeknos.empty() && !in_weeks(day, year)) {
    return false;
  }
  if (!m_yeardays.empty()) {
    const long long january_1 = day_of(date::year{year} / 1 / 1);
    const int length = ymd.year().is_leap() ? 366 : 365;
    const int yearday = static_cast<int>(day - january_1) + 1;
    if (!has(m_yeardays, yearday) && !has(m_yeardays, yearday - length - 1)) {
      return false;
    }
  }
  if (!m_monthdays.empty()) {
    const int monthday = static_cast<int>(static_cast<unsigned>(ymd.day()));
    const int length = static_cast<int>(static_cast<unsigned>(
        date::year_month_day_last{ymd.year(), date::month_day_last{ymd.month()}}.day()));
    if (!has(m_monthdays, monthday) && !has(m_monthdays, monthday - length - 1)) {
      return false;
    }
  }
  if (m_weekdays.empty() && m_numbered.empty()) {
    return true;
  }
  const int weekday = weekday_of(day);
  if (has(m_weekdays, weekday)) {
    return true;
  }
  if (m_numbered.empty()) {
    return false;
  }
  const long long first =
      m_numbered_in_month ? day_of(ymd.year() / ymd.month() / 1) : day_of(ymd.year() / 1 / 1);
  const long long last =
      m_numbered_in_month
          ? day_of(date::year_month_day_last{ymd.year(), date::month_day_last{ymd.month()}})
          : day_of(ymd.year() / 12 / 31);
  for (const auto &numbered : m_numbered) {
    if (numbered.weekday != weekday) {
      continue;
    }
    const long long nth =
        numbered.ordinal > 0
            ? first + floor_mod(weekday - weekday_of(first), 7) + (numbered.ordinal - 1) * 7LL
            : last - floor_mod(weekday_of(last) - weekday, 7) + (numbered.ordinal + 1) * 7LL;
    if (nth == day) {
      return true;
    }
  }
  return false;
}

void RulePeriods::seek(core::LocalSeconds from) {
  m_floor = std::max(from, m_dtstart);
  const long long day = date::floor<date::days>(m_floor).time_since_epoch().count();
  // The last period of the rule's grid that starts at or before `from`'s.
  m_next = std::max(0LL, floor_div(period_of(day) - m_first_period, m_interval));
  m_starts.clear();
  m_index = 0;
  m_size = -1;
}

void RulePeriods::fill(long long period) {
  m_starts.clear();
  m_index = 0;
  std::vector<long long> &days = m_days;
  days.clear();
  const long long last = last_day(period);
  for (long long day = first_day(period); day <= last; ++day) {
    if (day_matches(day)) {
      days.push_back(day);
    }
  }
  const long long times = static_cast<long long>(m_times.size());
  const long long size = static_cast<long long>(days.size()) * times;
  if (m_setpos.empty()) {
    // Given one at a time from the days and times (a YEARLY rule with
    // every hour, minute and second has 31 million starts a year): from
    // the first at or after m_floor.
    m_size = size;
    m_index = 0;
    const long long floor_day = date::floor<date::days>(m_floor).time_since_epoch().count();
    const auto day = std::lower_bound(days.begin(), days.end(), floor_day);
    m_index = static_cast<std::size_t>(day - days.begin()) * m_times.size();
    if (day != days.end() && *day == floor_day) {
      const long long tod = (m_floor - date::floor<date::days>(m_floor)).count();
      m_index += static_cast<std::size_t>(std::lower_bound(m_times.begin(), m_times.end(), tod) -
                                          m_times.begin());
    }
    return;
  }
  // BYSETPOS numbers the whole set of the period, before DTSTART's too.
  m_size = -1;
  for (int position : m_setpos) {
    const long long i = position > 0 ? position - 1LL : size + position;
    if (i >= 0 && i < size) {
      if (const auto start = start_at(i); start >= m_floor) {
        m_starts.push_back(start);
      }
    }
  }
  std::sort(m_starts.begin(), m_starts.end());
  m_starts.erase(std::unique(m_starts.begin(), m_starts.end()), m_starts.end());
}

core::LocalSeconds RulePeriods::start_at(long long i) const {
  const auto times = static_cast<long long>(m_times.size());
  return core::LocalSeconds{
      core::Seconds{m_days[static_cast<std::size_t>(i / times)] * k_day_seconds +
                    m_times[static_cast<std::size_t>(i % times)]}};
}

bool RulePeriods::has_start() const {
  return m_size >= 0 ? static_cast<long long>(m_index) < m_size : m_index < m_starts.size();
}

core::LocalSeconds RulePeriods::take_start() {
  const std::size_t i = m_index++;
  return m_size >= 0 ? start_at(static_cast<long long>(i)) : m_starts[i];
}

RulePeriods::Step RulePeriods::next() {
  if (has_start()) {
    return {Kind::start, take_start()};
  }
  const long long period = m_first_period + m_next * m_interval;
  // Past 2399 before any date is made of it (date::year holds 16 bits: a
  // YEARLY rule with INTERVAL=32767 would wrap).
  const bool past_2399 = m_frequency == Frequency::yearly    ? period >= 2400
                         : m_frequency == Frequency::monthly ? floor_div(period, 12) >= 2400
                         : m_frequency == Frequency::weekly  ? period * 7 >= k_horizon_day
                                                             : period >= k_horizon_day;
  if (past_2399) {
    return {Kind::end, {}};
  }
  const long long first = first_day(period);
  if (first >= k_horizon_day || core::LocalSeconds{core::Seconds{first * k_day_seconds}} > m_stop) {
    return {Kind::end, {}};
  }
  ++m_next;
  fill(period);
  if (!has_start()) {
    return {Kind::empty, {}};
  }
  return {Kind::start, take_start()};
}

} // namespace summit::ical
