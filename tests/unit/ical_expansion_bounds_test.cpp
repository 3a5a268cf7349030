// What expanding a series costs: a COUNT rule starts near the requested
// range (so a small budget suffices far from DTSTART), the occurrences
// found there are exactly the ones a walk from DTSTART numbers, and a
// budget that runs out ends the expansion with an error, never a silently
// shorter answer. Expected values are computed by hand or by a plain loop
// over days written here, not by libical.
#include "ical_test_support.hpp"

#include <gtest/gtest.h>

namespace summit::test {
namespace {

using Strings = std::vector<std::string>;
using namespace std::chrono_literals;

std::vector<ical::Occurrence> listed(const core::Event &event, const std::string &from,
                                     const std::string &to, std::size_t budget_steps,
                                     std::size_t limit = 1000) {
  ical::ExpansionBudget budget(budget_steps);
  auto found = ical::occurrences(event, zone(event.tz), range(from, to), limit, budget);
  EXPECT_TRUE(found) << found.error().message;
  return found ? *found : std::vector<ical::Occurrence>{};
}

// Minsk has kept UTC+3 all year since 2011: wall time = instant + 3 h.
core::Event minutely_count(const json &exdates = json::array()) {
  json params{{"start", "2025-01-06T09:00"},
              {"tz", "Europe/Minsk"},
              {"repeat", "FREQ=MINUTELY;COUNT=100000"}};
  if (!exdates.empty()) {
    params["recurrence"] = {{"rrule", "FREQ=MINUTELY;COUNT=100000"}, {"exdates", exdates}};
    params.erase("repeat");
  }
  return add(params);
}

TEST(ExpansionBounds, the_end_of_a_100000_minute_count_series_is_exact_and_cheap) {
  // The k-th occurrence (from 0) is 09:00 + k minutes; the last, k =
  // 99,999, is 69 days 10 h 39 min later: 2025-03-16T19:39 (16:39Z).
  // Walking there from DTSTART would take 99,990 steps: 100 are enough.
  const auto found =
      listed(minutely_count(), "2025-03-16T16:30Z", "2025-03-17T00:00Z", /*budget_steps=*/100);
  EXPECT_EQ(local_starts(found),
            (Strings{"2025-03-16T19:30:00", "2025-03-16T19:31:00", "2025-03-16T19:32:00",
                     "2025-03-16T19:33:00", "2025-03-16T19:34:00", "2025-03-16T19:35:00",
                     "2025-03-16T19:36:00", "2025-03-16T19:37:00", "2025-03-16T19:38:00",
                     "2025-03-16T19:39:00"}));
  EXPECT_EQ(utc_starts(found).back(), "2025-03-16T16:39:00Z");
  // Nothing after the 100,000th.
  EXPECT_TRUE(listed(minutely_count(), "2025-03-16T16:40Z", "2026-01-01T00:00Z", 100).empty());
  // In the middle: 2025-02-01T03:00 local is 25 days 18 h = 37,080 minutes
  // after the start, an occurrence like every minute around it.
  EXPECT_EQ(local_starts(listed(minutely_count(), "2025-02-01T00:00Z", "2025-02-01T00:03Z", 100)),
            (Strings{"2025-02-01T03:00:00", "2025-02-01T03:01:00", "2025-02-01T03:02:00"}));
}

TEST(ExpansionBounds, exdates_remove_occurrences_without_renumbering_count) {
  // RFC 5545: COUNT counts the rule's starts; an EXDATE removes one after.
  const auto event = minutely_count({"2025-03-16T19:35", "2025-03-16T19:36"});
  EXPECT_EQ(local_starts(listed(event, "2025-03-16T16:34Z", "2025-03-17T00:00Z", 100)),
            (Strings{"2025-03-16T19:34:00", "2025-03-16T19:37:00", "2025-03-16T19:38:00",
                     "2025-03-16T19:39:00"}));
}

// The starts of a rule that takes, from `first` on, the listed weekdays
// (at `times` each), as a person would count them: the first `count`.
std::vector<LocalSeconds> by_hand(date::local_days first, const std::vector<date::weekday> &days,
                                  const std::vector<core::Seconds> &times, std::size_t count) {
  std::vector<LocalSeconds> out;
  for (date::local_days day = first; out.size() < count; day += date::days{1}) {
    if (std::find(days.begin(), days.end(), date::weekday{day}) == days.end()) {
      continue;
    }
    for (const auto time : times) {
      if (out.size() < count) {
        out.push_back(LocalSeconds{day} + time);
      }
    }
  }
  return out;
}

std::vector<LocalSeconds> ids(const std::vector<ical::Occurrence> &found) {
  std::vector<LocalSeconds> out;
  for (const auto &o : found) {
    out.push_back(o.id);
  }
  return out;
}

std::vector<LocalSeconds> between(const std::vector<LocalSeconds> &all, LocalSeconds from,
                                  LocalSeconds to) {
  std::vector<LocalSeconds> out;
  for (const auto t : all) {
    if (t >= from && t < to) {
      out.push_back(t);
    }
  }
  return out;
}

TEST(ExpansionBounds, a_count_rule_with_byday_gives_what_counting_by_hand_gives) {
  // Mondays, Wednesdays and Fridays at 09:00 from Monday 6 January 2025,
  // 3,000 of them: to 2044.
  const auto event = add({{"start", "2025-01-06T09:00"},
                          {"tz", "Europe/Minsk"},
                          {"repeat", "FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=3000"}});
  const auto expected = by_hand(date::local_days{date::year{2025} / 1 / 6},
                                {date::Monday, date::Wednesday, date::Friday}, {9h}, 3000);
  // A window years on, and the window holding the end (the first listing
  // walks from DTSTART and notes checkpoints on its way).
  EXPECT_EQ(ids(listed(event, "2035-01-01T00:00Z", "2035-03-01T00:00Z", 10'000)),
            between(expected, wall("2035-01-01T03:00"), wall("2035-03-01T03:00")));
  EXPECT_EQ(ids(listed(event, "2044-01-01T00:00Z", "2046-01-01T00:00Z", 10'000)),
            between(expected, wall("2044-01-01T03:00"), wall("2046-01-01T03:00")));
  EXPECT_EQ(ids(listed(event, "2044-01-01T00:00Z", "2046-01-01T00:00Z", 10'000)).back(),
            expected.back());
  // Later listings restart at a checkpoint: at most 1,024 steps to reach
  // the window, whatever its distance from DTSTART.
  EXPECT_EQ(ids(listed(event, "2040-06-01T00:00Z", "2040-07-01T00:00Z", 1100)),
            between(expected, wall("2040-06-01T03:00"), wall("2040-07-01T03:00")));
}

TEST(ExpansionBounds, a_minutely_count_rule_with_byday_gives_what_counting_by_hand_gives) {
  // Every 30 minutes on Tuesdays and Thursdays from Tuesday 7 January 2025
  // 00:00, 20,000 of them (96 a week): 208 weeks and 32 more, the last at
  // 15:30 on Tuesday 2 January 2029.
  const auto event = add({{"start", "2025-01-07T00:00"},
                          {"tz", "Europe/Minsk"},
                          {"repeat", "FREQ=MINUTELY;INTERVAL=30;BYDAY=TU,TH;COUNT=20000"}});
  std::vector<core::Seconds> half_hours;
  for (int i = 0; i < 48; ++i) {
    half_hours.push_back(core::Seconds{i * 1800});
  }
  const auto expected = by_hand(date::local_days{date::year{2025} / 1 / 7},
                                {date::Tuesday, date::Thursday}, half_hours, 20'000);
  const std::string end =
      core::format_iso_utc(core::resolve_local(expected.back(), zone("Europe/Minsk")).utc);
  EXPECT_EQ(core::format_iso_local(expected.back()), "2029-01-02T15:30:00");
  const auto last_days = listed(event, "2028-12-01T00:00Z", "2029-02-01T00:00Z", 200'000, 100'000);
  EXPECT_EQ(ids(last_days), between(expected, wall("2028-12-01T03:00"), wall("2029-02-01T03:00")));
  EXPECT_EQ(utc_starts(last_days).back(), end);
}

std::string every(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) {
    out += (out.empty() ? "" : ",") + std::to_string(i);
  }
  return out;
}

TEST(ExpansionBounds, a_year_of_every_second_is_listed_from_where_the_range_is) {
  // 31.6 million starts in each year's set (summit's own expansion, for
  // BYYEARDAY): the last seconds of 2026 are found with a budget of ten
  // steps, so nothing before them was built or walked.
  const std::string rule = "FREQ=YEARLY;BYYEARDAY=1,-1;BYHOUR=" + every(0, 23) +
                           ";BYMINUTE=" + every(0, 59) + ";BYSECOND=" + every(0, 59);
  const auto event = add({{"start", "2026-01-01T00:00"}, {"tz", "Europe/Minsk"}, {"repeat", rule}});
  const auto found = listed(event, "2026-12-31T20:59:57Z", "2026-12-31T21:00:00Z", 10);
  EXPECT_EQ(local_starts(found),
            (Strings{"2026-12-31T23:59:57", "2026-12-31T23:59:58", "2026-12-31T23:59:59"}));
  // BYSETPOS picks from that set without building it either: the last
  // second of each year.
  const auto last = add({{"start", "2026-12-31T23:59:59"},
                         {"tz", "Europe/Minsk"},
                         {"repeat", rule + ";BYSETPOS=-1"}});
  EXPECT_EQ(local_starts(listed(last, "2030-01-01T00:00Z", "2033-01-01T00:00Z", 10)),
            (Strings{"2030-12-31T23:59:59", "2031-12-31T23:59:59", "2032-12-31T23:59:59"}));
}

TEST(ExpansionBounds, a_rare_rule_is_not_searched_past_the_range) {
  // The last day of February when it is a Monday: 2033, 2039, 2044 after
  // the start (28 Feb 2028, itself not the last: 2028 is a leap year). Summit's own expansion (a
  // DAILY month day from the end) takes a step for each day it looks at: a week in 2030 costs about
  // ten, not the three years of days to the next one.
  const auto event = add({{"start", "2028-02-28T09:00"},
                          {"tz", "Europe/Minsk"},
                          {"repeat", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=-1;BYDAY=MO"}});
  EXPECT_EQ(local_starts(listed(event, "2030-06-01T00:00Z", "2030-06-08T00:00Z", 20)), Strings{});
  EXPECT_EQ(local_starts(listed(event, "2030-01-01T00:00Z", "2040-01-01T00:00Z", 5000)),
            (Strings{"2033-02-28T09:00:00", "2039-02-28T09:00:00"}));
}

TEST(ExpansionBounds, a_spent_budget_is_an_error_naming_the_event_not_a_shorter_list) {
  // The first listing of a COUNT rule with BY parts walks from DTSTART:
  // 4,000 steps to reach its end, more than this budget.
  auto event = add({{"title", "Heartbeat"},
                    {"start", "2025-02-03T08:15"},
                    {"tz", "Europe/Minsk"},
                    {"repeat", "FREQ=MINUTELY;BYDAY=MO,TU,WE,TH,FR,SA,SU;COUNT=5000"}});
  event.id = 5;
  ical::ExpansionBudget budget(500);
  const auto found = ical::occurrences(
      event, zone(event.tz), range("2025-02-05T00:00Z", "2025-02-06T00:00Z"), 100, budget);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, core::ErrorCode::over_budget);
  EXPECT_EQ(found.error().message, "this listing would expand more than 500 occurrences of event "
                                   "5 ('Heartbeat'); narrow the range (--from/--to)");
  // The same series with room enough: the 5,000 minutes end 4,999 minutes
  // (3 days 11 h 19 min) after 08:15 on the 3rd, at 19:34 on the 6th.
  const auto enough = listed(event, "2025-02-06T16:30Z", "2025-02-07T00:00Z", 10'000);
  EXPECT_EQ(local_starts(enough),
            (Strings{"2025-02-06T19:30:00", "2025-02-06T19:31:00", "2025-02-06T19:32:00",
                     "2025-02-06T19:33:00", "2025-02-06T19:34:00"}));
}

} // namespace
} // namespace summit::test
