#include "core/ical/rule_walk.hpp"
#include "ical_test_support.hpp"

#include <gtest/gtest.h>

#include <random>

namespace summit::test {
namespace {

// The starts a walk gives from `from`, at most `n`.
std::vector<LocalSeconds> from(ical::RuleWalk &walk, LocalSeconds start, std::size_t n) {
  std::vector<LocalSeconds> out;
  walk.seek(start);
  while (out.size() < n) {
    const auto next = walk.next();
    if (!next) {
      break;
    }
    out.push_back(*next);
  }
  return out;
}

// seek() jumps (icalrecur_iterator_set_start, or a moved DTSTART for HOURLY
// and MINUTELY); walking from DTSTART is what libical does without help.
// For each shape, both must give the same starts from many points, spread
// over years, at every time of day (a fixed seed: the same points each run).
void expect_seek_matches_walking(const std::string &rrule, const std::string &start) {
  const auto event = add({{"start", start}, {"tz", "Europe/Berlin"}, {"repeat", rrule}});
  ASSERT_TRUE(event.recurrence) << rrule;
  auto rule = ical::read_rule(event.recurrence->rrule, event, zone("Europe/Berlin"));
  ASSERT_TRUE(rule) << rule.error().message;
  const bool all_day = event.precision == core::Precision::all_day;
  ical::RuleWalk jumping(*rule, event.start_local, all_day, zone("Europe/Berlin"));
  ical::RuleWalk walking(*rule, event.start_local, all_day, zone("Europe/Berlin"));

  std::vector<LocalSeconds> all = from(walking, event.start_local, 3000);
  ASSERT_GE(all.size(), 50u) << rrule;
  const auto horizon = all[all.size() - 10] - event.start_local;
  std::mt19937_64 random(20250926);
  for (int i = 0; i < 25; ++i) {
    const LocalSeconds point =
        event.start_local + core::Seconds{static_cast<long long>(
                                random() % static_cast<unsigned long long>(horizon.count()))};
    const auto first = std::lower_bound(all.begin(), all.end(), point);
    const std::vector<LocalSeconds> expected(first, first + 5);
    EXPECT_EQ(from(jumping, point, 5), expected)
        << rrule << " from " << start << ", seeking " << core::format_iso_local(point);
  }
}

TEST(RuleWalk, seeking_gives_what_walking_from_the_start_gives) {
  const std::vector<std::string> timed{
      "FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
      "FREQ=DAILY;INTERVAL=2;BYHOUR=8,20;BYMINUTE=30", "FREQ=DAILY;BYMONTH=3", "FREQ=WEEKLY",
      "FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=5", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR",
      "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SA;WKST=SU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TU;WKST=WE",
      "FREQ=WEEKLY;BYMONTH=3,4;BYDAY=TH", "FREQ=MONTHLY", "FREQ=MONTHLY;INTERVAL=2",
      "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", "FREQ=MONTHLY;BYMONTHDAY=31",
      "FREQ=MONTHLY;BYMONTHDAY=1,15;INTERVAL=5", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
      "FREQ=MONTHLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1", "FREQ=YEARLY",
      "FREQ=YEARLY;INTERVAL=2", "FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR",
      "FREQ=YEARLY;INTERVAL=3;BYMONTH=1,7;BYMONTHDAY=15", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
      "FREQ=YEARLY;BYYEARDAY=100,-1", "FREQ=YEARLY;BYDAY=20MO",
      // Expanded by summit itself (rule_periods.hpp).
      "FREQ=YEARLY;BYWEEKNO=1,-1;BYDAY=MO,SU",
      "FREQ=YEARLY;INTERVAL=2;BYWEEKNO=1,53;BYDAY=TH,SU;WKST=SU", "FREQ=YEARLY;BYWEEKNO=10",
      "FREQ=YEARLY;BYWEEKNO=1,27;BYMONTH=1,7;BYDAY=FR", "FREQ=YEARLY;BYMONTHDAY=-1",
      "FREQ=YEARLY;BYYEARDAY=60;BYMONTH=2,3",
      "FREQ=YEARLY;BYMONTH=6;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,17;BYSETPOS=2,-2",
      "FREQ=MONTHLY;BYMONTHDAY=13,17;BYHOUR=6,18;BYSETPOS=3,-3",
      "FREQ=MONTHLY;INTERVAL=5;BYDAY=SA,SU;BYSETPOS=1",
      "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,WE,FR;BYSETPOS=-1;WKST=TH",
      "FREQ=DAILY;BYHOUR=6,18;BYMINUTE=15,45;BYSETPOS=2",
      "FREQ=DAILY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29,1;BYSETPOS=1", "FREQ=HOURLY;INTERVAL=5",
      "FREQ=HOURLY;INTERVAL=3;BYMINUTE=0,20,40;BYDAY=MO,TU", "FREQ=HOURLY;INTERVAL=7;BYMONTH=2,3",
      "FREQ=MINUTELY", "FREQ=MINUTELY;INTERVAL=7",
      "FREQ=MINUTELY;INTERVAL=997", // prime: its grid meets midnight every 997 days
  };
  for (const auto &rule : timed) {
    expect_seek_matches_walking(rule, "2025-01-15T10:30");
    expect_seek_matches_walking(rule, "2024-02-29T23:45");
  }
  for (const auto &rule : {"FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR",
                           "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"}) {
    expect_seek_matches_walking(rule, "2024-02-29");
  }
}

TEST(RuleWalk, stops_at_its_step_bound_and_says_so) {
  // An endless minutely rule walked from its start to the end: the walk
  // stops at its bound instead of stepping to the year 2399.
  const auto event =
      add({{"start", "2025-09-26T10:00"}, {"tz", "Europe/Minsk"}, {"repeat", "FREQ=MINUTELY"}});
  auto rule = ical::read_rule(event.recurrence->rrule, event, zone("Europe/Minsk"));
  ASSERT_TRUE(rule);
  ical::RuleWalk walk(*rule, event.start_local, false, zone("Europe/Minsk"));
  std::size_t given = 0;
  while (walk.next()) {
    ++given;
  }
  EXPECT_EQ(given, ical::RuleWalk::k_max_steps);
  EXPECT_TRUE(walk.cut_short());
}

} // namespace
} // namespace summit::test

namespace summit::test {
namespace {

// With COUNT, seek() restarts near the point (a computed step for a rule
// with no BY part, else the nearest noted checkpoint) instead of walking
// from DTSTART, yet gives exactly what walking from DTSTART gives, up to
// COUNT's end and not past it.
void expect_count_seek_matches_walking(const std::string &rrule, const std::string &start) {
  const auto event = add({{"start", start}, {"tz", "Europe/Berlin"}, {"repeat", rrule}});
  ASSERT_TRUE(event.recurrence) << rrule;
  auto rule = ical::read_rule(event.recurrence->rrule, event, zone("Europe/Berlin"));
  ASSERT_TRUE(rule) << rule.error().message;
  const bool all_day = event.precision == core::Precision::all_day;
  ical::RuleWalk walking(*rule, event.start_local, all_day, zone("Europe/Berlin"));
  const std::vector<LocalSeconds> all = from(walking, event.start_local, 10'000);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(rule->count)) << rrule;

  ical::RuleWalk jumping(*rule, event.start_local, all_day, zone("Europe/Berlin"));
  std::mt19937_64 random(20251206);
  const auto horizon = all.back() - event.start_local;
  for (int i = 0; i < 25; ++i) {
    const LocalSeconds point =
        event.start_local + core::Seconds{static_cast<long long>(
                                random() % static_cast<unsigned long long>(horizon.count()))};
    const auto first = std::lower_bound(all.begin(), all.end(), point);
    const std::vector<LocalSeconds> expected(first, std::min(first + 5, all.end()));
    EXPECT_EQ(from(jumping, point, 5), expected)
        << rrule << " from " << start << ", seeking " << core::format_iso_local(point);
  }
  // The last start, and nothing after it.
  EXPECT_EQ(from(jumping, all.back(), 5), std::vector<LocalSeconds>{all.back()}) << rrule;
  EXPECT_TRUE(from(jumping, all.back() + core::Seconds{1}, 5).empty()) << rrule;
}

TEST(RuleWalk, seeking_a_count_rule_gives_what_walking_from_the_start_gives) {
  for (const char *rule : {
           "FREQ=MINUTELY;COUNT=5000",
           "FREQ=MINUTELY;INTERVAL=7;COUNT=4000",
           "FREQ=HOURLY;INTERVAL=5;COUNT=3000",
           "FREQ=DAILY;INTERVAL=2;COUNT=3000",
           "FREQ=WEEKLY;INTERVAL=3;WKST=SU;COUNT=2500",
           // No fixed step: checkpoints.
           "FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=4000",
           "FREQ=MINUTELY;INTERVAL=15;BYDAY=TU,TH;COUNT=6000",
           "FREQ=HOURLY;INTERVAL=3;BYMINUTE=0,20,40;BYDAY=MO,TU;COUNT=5000",
           "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;COUNT=3000",
           "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=1500",
           "FREQ=MONTHLY;COUNT=2000",
           // Expanded by summit itself.
           "FREQ=YEARLY;BYWEEKNO=1,2,52,53;BYDAY=MO,SU;COUNT=1200",
           "FREQ=MONTHLY;BYMONTHDAY=13,17;BYHOUR=6,18;BYSETPOS=3,-3;COUNT=2100",
           "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=2;COUNT=2100",
           "FREQ=DAILY;INTERVAL=2;BYHOUR=8,20;BYSETPOS=-1;COUNT=3000",
       }) {
    expect_count_seek_matches_walking(rule, "2025-01-15T10:30");
  }
  expect_count_seek_matches_walking("FREQ=DAILY;INTERVAL=3;COUNT=3000", "2024-02-29");
  expect_count_seek_matches_walking("FREQ=WEEKLY;BYDAY=TU,SA;COUNT=3000", "2024-02-29");
}

TEST(RuleWalk, a_budget_ends_the_walk_and_says_so) {
  const auto event =
      add({{"start", "2025-09-26T10:00"}, {"tz", "Europe/Minsk"}, {"repeat", "FREQ=MINUTELY"}});
  auto rule = ical::read_rule(event.recurrence->rrule, event, zone("Europe/Minsk"));
  ASSERT_TRUE(rule);
  ical::ExpansionBudget budget(1000);
  ical::RuleWalk walk(*rule, event.start_local, false, zone("Europe/Minsk"), &budget);
  std::size_t given = 0;
  while (walk.next()) {
    ++given;
  }
  // DTSTART takes no step; each start libical gives takes one, DTSTART
  // given again (and skipped) too.
  EXPECT_EQ(given, 1000U);
  EXPECT_TRUE(walk.cut_short());
  EXPECT_EQ(budget.used(), 1000U);
}

} // namespace
} // namespace summit::test
