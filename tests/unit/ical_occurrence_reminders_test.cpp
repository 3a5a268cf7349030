#include "ical_test_support.hpp"

#include <gtest/gtest.h>

namespace summit::test {
namespace {

using ical::OccurrenceReminder;

// Fridays 10:00 in Minsk (07:00Z) from 26 Sep 2025, a day and an hour before.
core::Event weekly(json extra = json::object()) {
  json params{{"start", "2025-09-26T10:00"},
              {"tz", "Europe/Minsk"},
              {"repeat", "weekly"},
              {"reminders", {"P1D", "PT1H"}}};
  params.update(extra);
  return add(params);
}

std::vector<OccurrenceReminder> plan(const core::Event &event, const std::string &after) {
  return ical::plan_occurrence_reminders(event, zone(event.tz), instant(after), {});
}

OccurrenceReminder reminder(std::size_t index, const std::string &occurrence,
                            const std::string &due) {
  return {index, wall(occurrence), instant(due)};
}

TEST(OccurrenceReminders, each_reminder_of_the_next_occurrence_only) {
  EXPECT_EQ(plan(weekly(), "2025-10-01T00:00Z"),
            (std::vector{reminder(0, "2025-10-03T10:00", "2025-10-02T07:00Z"),
                         reminder(1, "2025-10-03T10:00", "2025-10-03T06:00Z")}));
}

TEST(OccurrenceReminders, a_reminder_already_past_goes_to_the_following_occurrence) {
  // The day-before reminder of 3 Oct has passed; its hour-before has not.
  EXPECT_EQ(plan(weekly(), "2025-10-02T08:00Z"),
            (std::vector{reminder(1, "2025-10-03T10:00", "2025-10-03T06:00Z"),
                         reminder(0, "2025-10-10T10:00", "2025-10-09T07:00Z")}));
}

TEST(OccurrenceReminders, a_cancelled_occurrence_has_none) {
  const auto event =
      weekly({{"repeat", nullptr},
              {"recurrence",
               {{"rrule", "weekly"},
                {"overrides", {{{"occurrence", "2025-10-03T10:00"}, {"status", "cancelled"}}}}}}});
  EXPECT_EQ(plan(event, "2025-10-01T00:00Z"),
            (std::vector{reminder(0, "2025-10-10T10:00", "2025-10-09T07:00Z"),
                         reminder(1, "2025-10-10T10:00", "2025-10-10T06:00Z")}));
}

TEST(OccurrenceReminders, a_cancelled_series_has_none) {
  EXPECT_TRUE(plan(weekly({{"status", "cancelled"}}), "2025-10-01T00:00Z").empty());
}

TEST(OccurrenceReminders, follow_an_occurrence_that_was_moved) {
  const auto event = weekly(
      {{"repeat", nullptr},
       {"recurrence",
        {{"rrule", "weekly"},
         {"overrides", {{{"occurrence", "2025-10-03T10:00"}, {"start", "2025-10-02T15:00"}}}}}}});
  EXPECT_EQ(plan(event, "2025-10-01T00:00Z"),
            (std::vector{reminder(0, "2025-10-03T10:00", "2025-10-01T12:00Z"),
                         reminder(1, "2025-10-03T10:00", "2025-10-02T11:00Z")}));
}

TEST(OccurrenceReminders, an_all_day_series_reminds_at_the_morning_hour) {
  const auto event = add({{"start", "2025-09-26"},
                          {"tz", "Europe/Minsk"},
                          {"repeat", "weekly"},
                          {"reminders", {"P1D"}}});
  // Thu 2 Oct 09:00 in Minsk, for Fri 3 Oct.
  EXPECT_EQ(plan(event, "2025-10-01T00:00Z"),
            (std::vector{reminder(0, "2025-10-03", "2025-10-02T06:00Z")}));
}

TEST(OccurrenceReminders, an_absolute_reminder_fires_once_for_the_first_occurrence) {
  const auto event = weekly({{"reminders", {{{"at", "2025-09-20T09:00Z"}}}}});
  EXPECT_EQ(plan(event, "2025-09-01T00:00Z"),
            (std::vector{reminder(0, "2025-09-26T10:00", "2025-09-20T09:00Z")}));
  EXPECT_TRUE(plan(event, "2025-09-21T00:00Z").empty());
}

TEST(OccurrenceReminders, a_series_that_repeats_every_minute_forever_costs_one_per_reminder) {
  const auto event = add({{"start", "2025-09-26T10:00"},
                          {"tz", "Europe/Minsk"},
                          {"repeat", "FREQ=MINUTELY"},
                          {"reminders", {"PT5M", "PT0S"}}});
  EXPECT_EQ(plan(event, "2040-01-01T00:00:30Z"),
            (std::vector{reminder(0, "2040-01-01T03:06", "2040-01-01T00:01Z"),
                         reminder(1, "2040-01-01T03:01", "2040-01-01T00:01Z")}));
}

TEST(NextOccurrenceReminder, is_that_reminder_of_the_following_occurrence) {
  const auto event = weekly();
  const auto next = ical::next_occurrence_reminder(
      event, zone(event.tz), 1, wall("2025-10-03T10:00"), instant("2025-10-03T06:00Z"), {});
  EXPECT_EQ(next, reminder(1, "2025-10-10T10:00", "2025-10-10T06:00Z"));
}

TEST(NextOccurrenceReminder, skips_occurrences_whose_reminder_is_beyond_the_grace_period) {
  // The daemon was down from 3 Oct to 1 Nov: October's are not fired late.
  const auto event = weekly();
  const auto next = ical::next_occurrence_reminder(
      event, zone(event.tz), 1, wall("2025-10-03T10:00"), instant("2025-11-01T00:00Z"), {});
  EXPECT_EQ(next, reminder(1, "2025-11-07T10:00", "2025-11-07T06:00Z"));
}

TEST(NextOccurrenceReminder, nothing_once_the_series_ends_or_for_an_absolute_reminder) {
  const auto counted = weekly({{"repeat", "weekly count 2"}});
  EXPECT_FALSE(ical::next_occurrence_reminder(
      counted, zone(counted.tz), 0, wall("2025-10-03T10:00"), instant("2025-10-02T07:00Z"), {}));
  const auto absolute = weekly({{"reminders", {{{"at", "2025-09-20T09:00Z"}}}}});
  EXPECT_FALSE(ical::next_occurrence_reminder(
      absolute, zone(absolute.tz), 0, wall("2025-09-26T10:00"), instant("2025-09-20T09:00Z"), {}));
}

TEST(NextOccurrenceReminder, goes_on_from_a_previous_occurrence_cancelled_since) {
  const auto event =
      weekly({{"repeat", nullptr},
              {"recurrence", {{"rrule", "weekly"}, {"exdates", {"2025-10-03T10:00"}}}}});
  const auto next = ical::next_occurrence_reminder(
      event, zone(event.tz), 0, wall("2025-10-03T10:00"), instant("2025-10-02T07:00Z"), {});
  EXPECT_EQ(next, reminder(0, "2025-10-10T10:00", "2025-10-09T07:00Z"));
}

} // namespace
} // namespace summit::test
