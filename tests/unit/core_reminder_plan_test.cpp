#include "core/reminder_plan.hpp"
#include "core/time_format.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>

namespace summit::core {
namespace {

using namespace date::literals;
using date::April, date::August, date::December, date::February, date::January, date::March,
    date::November, date::October, date::September;
using namespace std::chrono_literals;

const date::time_zone *zone(const char *name) { return date::locate_zone(name); }

SysSeconds utc(date::year_month_day day, std::chrono::minutes time_of_day) {
  return date::sys_days{day} + time_of_day;
}

Reminder before(Seconds offset) { return Reminder{offset, std::nullopt}; }

// A timed event at a wall time in a zone, its instant derived the real way.
Event timed(date::year_month_day day, std::chrono::minutes time_of_day, const char *tz) {
  Event e;
  e.precision = Precision::timed;
  e.tz = tz;
  e.start_local = date::local_days{day} + time_of_day;
  e.end_local = e.start_local;
  EXPECT_TRUE(derive_instants(e));
  return e;
}

Event all_day(date::year_month_day day, const char *tz) {
  Event e;
  e.precision = Precision::all_day;
  e.tz = tz;
  e.start_local = date::local_days{day};
  e.end_local = e.start_local + date::days{1};
  EXPECT_TRUE(derive_instants(e));
  return e;
}

Event month(date::year_month ym, const char *tz) {
  Event e;
  e.precision = Precision::month;
  e.tz = tz;
  e.start_local = date::local_days{ym / 1};
  e.end_local = date::local_days{(ym + date::months{1}) / 1};
  EXPECT_TRUE(derive_instants(e));
  return e;
}

// ---- timed events ----

TEST(ReminderPlan, timed_offset_counts_back_from_the_start_instant) {
  // 10:00 in Minsk (+03) is 07:00Z.
  const auto e = timed(2025_y / September / 26, 10h, "Europe/Minsk");
  const auto *z = zone("Europe/Minsk");
  EXPECT_EQ(reminder_due(e, before(24h), z), utc(2025_y / September / 25, 7h));
  EXPECT_EQ(reminder_due(e, before(1h), z), utc(2025_y / September / 26, 6h));
  EXPECT_EQ(reminder_due(e, before(0s), z), utc(2025_y / September / 26, 7h));
}

TEST(ReminderPlan, timed_offset_is_an_exact_duration_across_a_dst_change) {
  // Berlin, Sun 30 Mar 2025 12:00 CEST = 10:00Z. 24 h earlier is 10:00Z on
  // the 29th, which is 11:00 CET: the offset is a duration counted back from
  // the start instant, not "the same wall time a day earlier".
  const auto e = timed(2025_y / March / 30, 12h, "Europe/Berlin");
  const auto *z = zone("Europe/Berlin");
  const auto due = reminder_due(e, before(24h), z);
  EXPECT_EQ(due, utc(2025_y / March / 29, 10h));
  EXPECT_EQ(format_iso_offset(due, z), "2025-03-29T11:00:00+01:00");
}

TEST(ReminderPlan, absolute_reminder_is_due_as_given) {
  const auto e = timed(2025_y / September / 26, 10h, "Europe/Minsk");
  const Reminder at{std::nullopt, utc(2025_y / September / 1, 12h + 34min)};
  EXPECT_EQ(reminder_due(e, at, zone("Europe/Minsk")), utc(2025_y / September / 1, 12h + 34min));
  // Also for an all-day event: an absolute time has its own time of day.
  const auto d = all_day(2025_y / September / 26, "Europe/Minsk");
  EXPECT_EQ(reminder_due(d, at, zone("Europe/Minsk")), utc(2025_y / September / 1, 12h + 34min));
}

// ---- events without a time of day ----

TEST(ReminderPlan, all_day_fires_in_the_morning_of_the_day_the_offset_lands_on) {
  // 09:00 in Minsk (+03) is 06:00Z.
  const auto e = all_day(2025_y / September / 26, "Europe/Minsk");
  const auto *z = zone("Europe/Minsk");
  EXPECT_EQ(reminder_due(e, before(24h), z), utc(2025_y / September / 25, 6h));
  EXPECT_EQ(reminder_due(e, before(7 * 24h), z), utc(2025_y / September / 19, 6h));
  EXPECT_EQ(reminder_due(e, before(0s), z), utc(2025_y / September / 26, 6h));
}

TEST(ReminderPlan, all_day_offset_with_hours_lands_on_the_previous_day) {
  const auto e = all_day(2025_y / September / 26, "Europe/Minsk");
  const auto *z = zone("Europe/Minsk");
  // 1h before 00:00 on the 26th is the 25th, 23:00: the 25th's morning,
  // never midnight and never after the event has begun.
  EXPECT_EQ(reminder_due(e, before(1h), z), utc(2025_y / September / 25, 6h));
  // 1d12h back from 00:00 on the 26th is 12:00 on the 24th.
  EXPECT_EQ(reminder_due(e, before(36h), z), utc(2025_y / September / 24, 6h));
}

TEST(ReminderPlan, month_event_counts_back_from_the_first_of_the_month) {
  const auto e = month(2025_y / September, "Europe/Minsk");
  const auto *z = zone("Europe/Minsk");
  EXPECT_EQ(reminder_due(e, before(7 * 24h), z), utc(2025_y / August / 25, 6h));
  EXPECT_EQ(reminder_due(e, before(0s), z), utc(2025_y / September / 1, 6h));
}

TEST(ReminderPlan, morning_hour_is_configurable_and_local_to_the_event_zone) {
  const auto e = all_day(2025_y / September / 26, "Asia/Dushanbe"); // +05
  const ReminderPlanOptions eight{8};
  EXPECT_EQ(reminder_due(e, before(24h), zone("Asia/Dushanbe"), eight),
            utc(2025_y / September / 25, 3h));
}

TEST(ReminderPlan, morning_in_a_dst_gap_moves_forward) {
  // Berlin skipped 02:00-03:00 on Sun 30 Mar 2025: a 02:00 morning hour
  // becomes 03:00 CEST = 01:00Z.
  const auto e = all_day(2025_y / March / 31, "Europe/Berlin");
  const ReminderPlanOptions two{2};
  const auto due = reminder_due(e, before(24h), zone("Europe/Berlin"), two);
  EXPECT_EQ(due, utc(2025_y / March / 30, 1h));
}

TEST(ReminderPlan, morning_follows_the_zone_offset_of_that_day) {
  // Berlin all-day on Mon 27 Oct 2025; the day before is the changeover
  // day, whose 09:00 is already CET (+01) = 08:00Z. Two days before is
  // still CEST: 09:00 = 07:00Z.
  const auto e = all_day(2025_y / October / 27, "Europe/Berlin");
  const auto *z = zone("Europe/Berlin");
  EXPECT_EQ(reminder_due(e, before(24h), z), utc(2025_y / October / 26, 8h));
  EXPECT_EQ(reminder_due(e, before(48h), z), utc(2025_y / October / 25, 7h));
}

// ---- plan_reminders ----

TEST(ReminderPlan, plan_lists_every_reminder_sorted_by_due_then_position) {
  auto e = timed(2025_y / September / 26, 10h, "Europe/Minsk");
  e.reminders = {before(1h), before(7 * 24h),
                 Reminder{std::nullopt, utc(2025_y / September / 26, 6h)}, // same as 1h
                 before(24h)};
  const auto plan = plan_reminders(e, zone("Europe/Minsk"));
  const std::vector<PlannedReminder> expected{
      {1, utc(2025_y / September / 19, 7h)},
      {3, utc(2025_y / September / 25, 7h)},
      {0, utc(2025_y / September / 26, 6h)},
      {2, utc(2025_y / September / 26, 6h)},
  };
  EXPECT_EQ(plan, expected);
}

TEST(ReminderPlan, plan_of_an_event_without_reminders_is_empty) {
  const auto e = timed(2025_y / September / 26, 10h, "Europe/Minsk");
  EXPECT_TRUE(plan_reminders(e, zone("Europe/Minsk")).empty());
}

// ---- zone_changes_between ----

TEST(ZoneChanges, autumn_change_is_described_as_clocks_going_back) {
  const auto changes = zone_changes_between(utc(2025_y / October / 1, 0h),
                                            utc(2025_y / November / 1, 0h), zone("Europe/Berlin"));
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].at, utc(2025_y / October / 26, 1h));
  EXPECT_EQ(changes[0].offset_before, 2h);
  EXPECT_EQ(changes[0].offset_after, 1h);
  EXPECT_EQ(changes[0].description, "clocks go back 1h on Sun 26 Oct 2025 03:00 CEST → 02:00 CET");
}

TEST(ZoneChanges, spring_change_is_described_as_clocks_going_forward) {
  const auto changes = zone_changes_between(utc(2025_y / March / 1, 0h),
                                            utc(2025_y / March / 31, 0h), zone("Europe/Berlin"));
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].description,
            "clocks go forward 1h on Sun 30 Mar 2025 02:00 CET → 03:00 CEST");
}

TEST(ZoneChanges, a_rule_change_without_dst_is_reported) {
  // Kazakhstan unified on +05: Almaty went from +06 to +05 at 00:00 on
  // 1 Mar 2024 (18:00Z on 29 Feb).
  const auto changes = zone_changes_between(utc(2024_y / February / 1, 0h),
                                            utc(2024_y / March / 31, 0h), zone("Asia/Almaty"));
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].at, utc(2024_y / February / 29, 18h));
  EXPECT_EQ(changes[0].description, "clocks go back 1h on Fri 1 Mar 2024 00:00 +06 → 23:00 +05");
}

TEST(ZoneChanges, a_zone_without_changes_reports_none) {
  EXPECT_TRUE(zone_changes_between(utc(2025_y / January / 1, 0h), utc(2025_y / December / 31, 0h),
                                   zone("Europe/Minsk"))
                  .empty());
}

TEST(ZoneChanges, interval_is_open_at_the_start_and_closed_at_the_end) {
  const auto *berlin = zone("Europe/Berlin");
  const auto change = utc(2025_y / October / 26, 1h);
  //   from ----|change|---- to
  EXPECT_EQ(zone_changes_between(change - 1s, change, berlin).size(), 1U);
  EXPECT_TRUE(zone_changes_between(change, change + 1h, berlin).empty());
  EXPECT_TRUE(zone_changes_between(change + 1h, change - 1h, berlin).empty());
}

TEST(ZoneChanges, a_year_holds_both_changes_oldest_first_and_limit_applies) {
  const auto *berlin = zone("Europe/Berlin");
  const auto year =
      zone_changes_between(utc(2025_y / January / 1, 0h), utc(2026_y / January / 1, 0h), berlin);
  ASSERT_EQ(year.size(), 2U);
  EXPECT_LT(year[0].at, year[1].at);
  EXPECT_EQ(year[0].offset_after, 2h);
  EXPECT_EQ(
      zone_changes_between(utc(2020_y / January / 1, 0h), utc(2030_y / January / 1, 0h), berlin, 3)
          .size(),
      3U);
}

// The zone file lists Berlin's changes up to October 2037; its footer rule
// ("CET-1CEST,M3.5.0,M10.5.0/3") gives the rest, so `summit explain` shows
// the changes of 2040 as it does those of 2025.
TEST(ZoneChanges, changes_after_2037_come_from_the_zone_files_rule) {
  const auto changes = zone_changes_between(utc(2037_y / January / 1, 0h),
                                            utc(2042_y / January / 1, 0h), zone("Europe/Berlin"));
  const std::array<SysSeconds, 10> expected{
      utc(2037_y / March / 29, 1h), utc(2037_y / October / 25, 1h), // listed in the file
      utc(2038_y / March / 28, 1h), utc(2038_y / October / 31, 1h), // from here on, the rule
      utc(2039_y / March / 27, 1h), utc(2039_y / October / 30, 1h),
      utc(2040_y / March / 25, 1h), utc(2040_y / October / 28, 1h),
      utc(2041_y / March / 31, 1h), utc(2041_y / October / 27, 1h)};
  ASSERT_EQ(changes.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(changes[i].at, expected[i]) << i;
    EXPECT_EQ(changes[i].offset_after, i % 2 == 0 ? 2h : 1h) << i;
  }
  EXPECT_EQ(changes[6].description,
            "clocks go forward 1h on Sun 25 Mar 2040 02:00 CET → 03:00 CEST");
  EXPECT_EQ(changes[7].description, "clocks go back 1h on Sun 28 Oct 2040 03:00 CEST → 02:00 CET");
}

TEST(ZoneChanges, a_southern_zone_changes_twice_a_year_after_2037) {
  // Sydney: summer time ends on the first Sunday of April, starts on the
  // first Sunday of October.
  const auto changes = zone_changes_between(
      utc(2045_y / January / 1, 0h), utc(2046_y / January / 1, 0h), zone("Australia/Sydney"));
  ASSERT_EQ(changes.size(), 2U);
  EXPECT_EQ(changes[0].at, utc(2045_y / April / 1, 16h));
  EXPECT_EQ(changes[0].description, "clocks go back 1h on Sun 2 Apr 2045 03:00 AEDT → 02:00 AEST");
  EXPECT_EQ(changes[1].at, utc(2045_y / September / 30, 16h));
  EXPECT_EQ(changes[1].offset_after, 11h);
}

} // namespace
} // namespace summit::core
