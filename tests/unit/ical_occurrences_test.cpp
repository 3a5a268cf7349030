#include "ical_test_support.hpp"

#include <gtest/gtest.h>

namespace summit::test {
namespace {

using Strings = std::vector<std::string>;

core::Event weekly_minsk() {
  return add({{"start", "2025-09-26T10:00"},
              {"duration", "PT2H"},
              {"tz", "Europe/Minsk"},
              {"repeat", "weekly"}});
}

TEST(Occurrences, a_weekly_minsk_meeting_stays_at_ten_local) {
  const auto found = list(weekly_minsk(), "2025-10-01T00:00Z", "2025-11-01T00:00Z");
  EXPECT_EQ(local_starts(found),
            (Strings{"2025-10-03T10:00:00", "2025-10-10T10:00:00", "2025-10-17T10:00:00",
                     "2025-10-24T10:00:00", "2025-10-31T10:00:00"}));
  EXPECT_EQ(utc_starts(found).front(), "2025-10-03T07:00:00Z");
  // Each lasts as long as the first.
  EXPECT_EQ(found.front().end_utc - found.front().start_utc, std::chrono::hours{2});
  EXPECT_EQ(found.front().id, wall("2025-10-03T10:00"));
  EXPECT_EQ(found.front().changed, nullptr);
}

TEST(Occurrences, berlin_keeps_its_wall_time_when_summer_time_ends) {
  const auto event =
      add({{"start", "2025-10-17T10:00"}, {"tz", "Europe/Berlin"}, {"repeat", "weekly"}});
  const auto found = list(event, "2025-10-20T00:00Z", "2025-11-04T00:00Z");
  EXPECT_EQ(local_starts(found), (Strings{"2025-10-24T10:00:00", "2025-10-31T10:00:00"}));
  EXPECT_EQ(utc_starts(found), (Strings{"2025-10-24T08:00:00Z", "2025-10-31T09:00:00Z"}));
}

TEST(Occurrences, new_york_keeps_its_wall_time_when_summer_time_starts) {
  const auto event =
      add({{"start", "2026-03-02T09:00"}, {"tz", "America/New_York"}, {"repeat", "weekly"}});
  const auto found = list(event, "2026-03-01T00:00Z", "2026-03-17T00:00Z");
  EXPECT_EQ(utc_starts(found),
            (Strings{"2026-03-02T14:00:00Z", "2026-03-09T13:00:00Z", "2026-03-16T13:00:00Z"}));
}

TEST(Occurrences, a_start_in_the_spring_gap_moves_forward_by_the_gap) {
  // Berlin jumps from 02:00 to 03:00 on Sun 29 Mar 2026.
  const auto event =
      add({{"start", "2026-03-27T02:30"}, {"tz", "Europe/Berlin"}, {"repeat", "daily"}});
  const auto found = list(event, "2026-03-28T00:00Z", "2026-03-31T00:00Z");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(local_starts(found),
            (Strings{"2026-03-28T02:30:00", "2026-03-29T03:30:00", "2026-03-30T02:30:00"}));
  EXPECT_EQ(utc_starts(found),
            (Strings{"2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"}));
  // Its id stays the wall time the rule gives.
  EXPECT_EQ(found[1].id, wall("2026-03-29T02:30"));
}

TEST(Occurrences, a_start_in_the_autumn_overlap_takes_the_earlier_instant) {
  // Berlin 02:30 happens twice on Sun 25 Oct 2026: 00:30Z (CEST) and 01:30Z (CET).
  const auto berlin =
      add({{"start", "2026-10-23T02:30"}, {"tz", "Europe/Berlin"}, {"repeat", "daily"}});
  const auto found = list(berlin, "2026-10-25T00:00Z", "2026-10-25T02:00Z");
  EXPECT_EQ(utc_starts(found), (Strings{"2026-10-25T00:30:00Z"}));
  // New York 01:30 twice on Sun 2 Nov 2025: 05:30Z (EDT) and 06:30Z (EST).
  const auto new_york =
      add({{"start", "2025-10-30T01:30"}, {"tz", "America/New_York"}, {"repeat", "daily"}});
  EXPECT_EQ(utc_starts(list(new_york, "2025-11-02T00:00Z", "2025-11-03T00:00Z")),
            (Strings{"2025-11-02T05:30:00Z"}));
}

TEST(Occurrences, exdates_remove_and_rdates_add_in_start_order) {
  const auto event = add({{"start", "2025-09-26T10:00"},
                          {"tz", "Europe/Minsk"},
                          {"recurrence",
                           {{"rrule", "weekly"},
                            {"exdates", {"2025-10-10T10:00"}},
                            {"rdates", {"2025-10-14T15:00", "2025-10-10T18:00"}}}}});
  EXPECT_EQ(local_starts(list(event, "2025-10-01T00:00Z", "2025-10-20T00:00Z")),
            (Strings{"2025-10-03T10:00:00", "2025-10-10T18:00:00", "2025-10-14T15:00:00",
                     "2025-10-17T10:00:00"}));
}

TEST(Occurrences, an_override_is_found_where_it_was_moved_and_not_where_it_was) {
  const auto event = add({{"start", "2025-09-26T10:00"},
                          {"tz", "Europe/Minsk"},
                          {"recurrence",
                           {{"rrule", "weekly"},
                            {"overrides",
                             {{{"occurrence", "2025-10-03T10:00"},
                               {"start", "2025-11-20T16:00"},
                               {"title", "Moved to November"}}}}}}});
  // Out of its natural range:
  EXPECT_EQ(local_starts(list(event, "2025-10-01T00:00Z", "2025-10-08T00:00Z")), Strings{});
  // Into the range it was moved to, in start order, with its override:
  const auto found = list(event, "2025-11-19T00:00Z", "2025-11-22T00:00Z");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(local_starts(found), (Strings{"2025-11-20T16:00:00", "2025-11-21T10:00:00"}));
  EXPECT_EQ(found[0].id, wall("2025-10-03T10:00"));
  ASSERT_NE(found[0].changed, nullptr);
  EXPECT_EQ(ical::occurrence_event(event, found[0]).title, "Moved to November");
  EXPECT_EQ(ical::occurrence_event(event, found[0]).occurrence, wall("2025-10-03T10:00"));
}

TEST(Occurrences, an_override_far_from_its_place_is_found_by_a_narrow_range) {
  // Moved from 2025 to 2031: a narrow range in 2031 still sees it.
  const auto event = add(
      {{"start", "2025-09-26T10:00"},
       {"tz", "Europe/Minsk"},
       {"recurrence",
        {{"rrule", "weekly count 5"},
         {"overrides", {{{"occurrence", "2025-10-10T10:00"}, {"start", "2031-01-01T12:00"}}}}}}});
  EXPECT_EQ(local_starts(list(event, "2031-01-01T08:00Z", "2031-01-01T10:00Z")),
            (Strings{"2031-01-01T12:00:00"}));
  // And it extends the series' span past the rule's last occurrence.
  const auto span = ical::series_span(event, zone(event.tz));
  EXPECT_EQ(span.begin, instant("2025-09-26T07:00Z"));
  EXPECT_EQ(span.end, instant("2031-01-01T09:00Z"));
}

TEST(Occurrences, an_all_day_series_repeats_whole_local_days) {
  const auto event = add({{"start", "2025-09-26"},
                          {"end", "2025-09-28"},
                          {"tz", "Europe/Minsk"},
                          {"repeat", "weekly count 3"}});
  const auto found = list(event, "2025-09-01T00:00Z", "2026-01-01T00:00Z");
  EXPECT_EQ(local_starts(found),
            (Strings{"2025-09-26T00:00:00", "2025-10-03T00:00:00", "2025-10-10T00:00:00"}));
  EXPECT_EQ(core::format_iso_local(found[1].end_local), "2025-10-05T00:00:00");
  EXPECT_EQ(core::format_iso_utc(found[1].start_utc), "2025-10-02T21:00:00Z");
  // An all-day occurrence overlapping the range by its second day counts.
  EXPECT_EQ(list(event, "2025-10-04T12:00Z", "2025-10-04T13:00Z").size(), 1u);
}

TEST(Occurrences, limit_keeps_the_earliest) {
  const auto found = ical::occurrences(weekly_minsk(), zone("Europe/Minsk"),
                                       range("2025-01-01T00:00Z", "2030-01-01T00:00Z"), 3);
  EXPECT_EQ(local_starts(found),
            (Strings{"2025-09-26T10:00:00", "2025-10-03T10:00:00", "2025-10-10T10:00:00"}));
}

TEST(Occurrences, a_point_event_counts_when_its_start_lies_inside) {
  const auto event =
      add({{"start", "2025-09-26T10:00"}, {"tz", "Europe/Minsk"}, {"repeat", "daily"}});
  EXPECT_EQ(list(event, "2025-09-27T07:00Z", "2025-09-27T07:00:01Z").size(), 1u);
  EXPECT_EQ(list(event, "2025-09-27T06:00Z", "2025-09-27T07:00Z").size(), 0u);
}

TEST(Occurrences, a_non_recurring_event_yields_itself_when_it_overlaps) {
  const auto event =
      add({{"start", "2025-09-26T10:00"}, {"duration", "PT1H"}, {"tz", "Europe/Minsk"}});
  EXPECT_EQ(local_starts(list(event, "2025-09-26T07:30Z", "2025-09-26T09:00Z")),
            (Strings{"2025-09-26T10:00:00"}));
  EXPECT_EQ(list(event, "2025-09-26T08:00Z", "2025-09-26T09:00Z").size(), 0u);
}

TEST(Occurrences, a_start_the_rule_does_not_give_is_still_the_first_occurrence) {
  // RFC 5545: DTSTART always counts as the first occurrence, COUNT included.
  const auto event = add({{"start", "2025-09-01T10:00"},
                          {"tz", "Europe/Minsk"},
                          {"repeat", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"}});
  EXPECT_EQ(local_starts(list(event, "2025-01-01T00:00Z", "2027-01-01T00:00Z")),
            (Strings{"2025-09-01T10:00:00", "2025-09-26T10:00:00", "2025-10-31T10:00:00"}));
}

TEST(Occurrences, days_a_month_or_year_lacks_are_skipped) {
  const auto monthly =
      add({{"start", "2025-01-31T10:00"}, {"tz", "Europe/Minsk"}, {"repeat", "monthly"}});
  EXPECT_EQ(local_starts(list(monthly, "2025-01-01T00:00Z", "2025-06-01T00:00Z")),
            (Strings{"2025-01-31T10:00:00", "2025-03-31T10:00:00", "2025-05-31T10:00:00"}));
  const auto leap = add({{"start", "2096-02-29"}, {"tz", "Europe/Minsk"}, {"repeat", "yearly"}});
  EXPECT_EQ(local_starts(list(leap, "2097-01-01T00:00Z", "2105-01-01T00:00Z")),
            (Strings{"2104-02-29T00:00:00"})); // 2100 is no leap year
}

TEST(Occurrences, every_two_weeks_keeps_its_grid_years_later) {
  const auto event =
      add({{"start", "2025-09-26T10:00"}, {"tz", "Europe/Minsk"}, {"repeat", "every 2 weeks"}});
  // 2030-01-04 is 223 weeks after 2025-09-26: off the grid; 2030-01-11 is on it.
  EXPECT_EQ(local_starts(list(event, "2030-01-01T00:00Z", "2030-01-26T00:00Z")),
            (Strings{"2030-01-11T10:00:00", "2030-01-25T10:00:00"}));
}

TEST(Occurrences, a_minutely_rule_without_end_is_cheap_to_list_years_later) {
  // From DTSTART to 2035 is over five million minutes, ten times the walk's
  // step bound: a result at all means the walk did not start at DTSTART.
  const auto every_minute =
      add({{"start", "2025-09-26T10:00"}, {"tz", "Europe/Minsk"}, {"repeat", "FREQ=MINUTELY"}});
  const auto minutes = list(every_minute, "2035-06-01T00:00Z", "2035-06-08T00:00Z", 100'000);
  ASSERT_EQ(minutes.size(), 7u * 24 * 60);
  EXPECT_EQ(utc_starts(minutes).front(), "2035-06-01T00:00:00Z");
  EXPECT_EQ(utc_starts(minutes).back(), "2035-06-07T23:59:00Z");
  // Every 7 minutes keeps its grid: 2035-06-01T00:00Z is 5,089,980 minutes
  // (a multiple of 7) after 2025-09-26T07:00Z.
  const auto sevens = add({{"start", "2025-09-26T10:00"},
                           {"tz", "Europe/Minsk"},
                           {"repeat", "FREQ=MINUTELY;INTERVAL=7"}});
  EXPECT_EQ(utc_starts(list(sevens, "2035-06-01T00:00Z", "2035-06-01T00:20Z")),
            (Strings{"2035-06-01T00:00:00Z", "2035-06-01T00:07:00Z", "2035-06-01T00:14:00Z"}));
}

TEST(Occurrences, rare_rules_terminate_with_what_they_give) {
  // The fifth Sunday of February: only a leap February that starts on a
  // Sunday (2032, 2060).
  const auto rare = add({{"start", "2004-02-29T10:00"},
                         {"tz", "Europe/Minsk"},
                         {"repeat", "FREQ=MONTHLY;BYMONTH=2;BYDAY=5SU"}});
  EXPECT_EQ(local_starts(list(rare, "2033-01-01T00:00Z", "2059-12-31T00:00Z")), Strings{});
  EXPECT_EQ(local_starts(list(rare, "2033-01-01T00:00Z", "2061-01-01T00:00Z")),
            (Strings{"2060-02-29T10:00:00"}));
  EXPECT_EQ(ical::series_span(rare, zone("Europe/Minsk")).end, SysSeconds::max());
}

TEST(Occurrences, a_stored_rule_no_date_matches_still_terminates) {
  // Written past the checks (an older build, a hand-edited database): libical
  // searches to its horizon, finds nothing, and listing ends with DTSTART.
  auto event = weekly_minsk();
  event.recurrence->rrule = "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30;BYDAY=MO";
  EXPECT_EQ(local_starts(list(event, "2025-01-01T00:00Z", "2030-01-01T00:00Z")),
            (Strings{"2025-09-26T10:00:00"}));
  // A stored rule that no longer reads at all counts as absent.
  event.recurrence->rrule = "FREQ=SECONDLY";
  EXPECT_EQ(local_starts(list(event, "2025-01-01T00:00Z", "2030-01-01T00:00Z")),
            (Strings{"2025-09-26T10:00:00"}));
}

TEST(SeriesSpan, a_finite_series_ends_with_its_last_occurrence) {
  const auto counted = add({{"start", "2025-09-26T10:00"},
                            {"duration", "PT2H"},
                            {"tz", "Europe/Minsk"},
                            {"repeat", "weekly count 3"}});
  EXPECT_EQ(ical::series_span(counted, zone("Europe/Minsk")),
            range("2025-09-26T07:00Z", "2025-10-10T09:00Z"));
  const auto until = add({{"start", "2025-09-26T10:00"},
                          {"tz", "Europe/Minsk"},
                          {"repeat", "weekly until 2027-12-31"}});
  // Fri 31 Dec 2027 10:00 is the last.
  EXPECT_EQ(ical::series_span(until, zone("Europe/Minsk")),
            range("2025-09-26T07:00Z", "2027-12-31T07:00Z"));
}

TEST(SeriesSpan, a_series_without_end_has_no_end) {
  EXPECT_EQ(ical::series_span(weekly_minsk(), zone("Europe/Minsk")).end, SysSeconds::max());
}

TEST(SeriesSpan, begins_at_the_first_occurrence_left) {
  const auto event =
      add({{"start", "2025-09-26T10:00"},
           {"tz", "Europe/Minsk"},
           {"recurrence", {{"rrule", "weekly count 3"}, {"exdates", {"2025-09-26T10:00"}}}}});
  EXPECT_EQ(ical::series_span(event, zone("Europe/Minsk")),
            range("2025-10-03T07:00Z", "2025-10-10T07:00Z"));
}

TEST(FindOccurrence, knows_occurrences_and_what_changed_them) {
  const auto event =
      add({{"start", "2025-09-26T10:00"},
           {"tz", "Europe/Minsk"},
           {"recurrence",
            {{"rrule", "weekly"},
             {"exdates", {"2025-10-10T10:00"}},
             {"overrides", {{{"occurrence", "2025-10-17T10:00"}, {"title", "Special"}}}}}}});
  const auto *minsk = zone("Europe/Minsk");
  EXPECT_TRUE(ical::find_occurrence(event, minsk, wall("2025-10-03T10:00")));
  EXPECT_TRUE(ical::find_occurrence(event, minsk, wall("2035-10-05T10:00")));
  EXPECT_FALSE(ical::find_occurrence(event, minsk, wall("2025-10-10T10:00"))); // EXDATE
  EXPECT_FALSE(ical::find_occurrence(event, minsk, wall("2025-10-04T10:00")));
  EXPECT_FALSE(ical::find_occurrence(event, minsk, wall("2025-09-19T10:00"))); // before DTSTART
  const auto special = ical::find_occurrence(event, minsk, wall("2025-10-17T10:00"));
  ASSERT_TRUE(special);
  ASSERT_NE(special->changed, nullptr);
  EXPECT_EQ(special->changed->title, "Special");
}

TEST(NearbyOccurrences, are_the_nearest_on_both_sides_in_order) {
  const auto near =
      ical::nearby_occurrences(weekly_minsk(), zone("Europe/Minsk"), wall("2025-10-30T10:00"), 3);
  ASSERT_EQ(near.size(), 3u);
  EXPECT_EQ(core::format_iso_local(near[0]), "2025-10-24T10:00:00");
  EXPECT_EQ(core::format_iso_local(near[1]), "2025-10-31T10:00:00");
  EXPECT_EQ(core::format_iso_local(near[2]), "2025-11-07T10:00:00");
}

TEST(OccurrenceEvent, is_the_series_at_that_occurrence) {
  const auto event = weekly_minsk();
  const auto found = list(event, "2025-10-03T00:00Z", "2025-10-04T00:00Z");
  ASSERT_EQ(found.size(), 1u);
  const auto one = ical::occurrence_event(event, found[0]);
  EXPECT_EQ(core::format_iso_local(one.start_local), "2025-10-03T10:00:00");
  EXPECT_EQ(core::format_iso_local(one.end_local), "2025-10-03T12:00:00");
  EXPECT_EQ(one.occurrence, wall("2025-10-03T10:00"));
  EXPECT_EQ(one.title, event.title);
}

} // namespace
} // namespace summit::test
