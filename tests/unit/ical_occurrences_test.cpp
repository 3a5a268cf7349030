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

// The dates of a series' starts, in [from, to) (UTC; New York, 09:00).
Strings days_of(const std::string &rule, const std::string &start, const std::string &from,
                const std::string &to) {
  const auto event = add({{"start", start}, {"tz", "America/New_York"}, {"repeat", rule}});
  Strings out;
  for (const auto &t : local_starts(list(event, from, to))) {
    out.push_back(t.substr(0, 10));
  }
  return out;
}

TEST(Occurrences, yearly_weeks_are_iso_8601_weeks) {
  // Issue 16: libical 3.0.16 gave 1997-12-30, a Tuesday. Week 1 of 1998
  // starts on Monday 1997-12-29; 1998 has no Monday of week 1 (it is in 1997).
  EXPECT_EQ(days_of("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", "1997-12-29T09:00", "1997-01-01T00:00Z",
                    "2001-01-01T00:00Z"),
            (Strings{"1997-12-29", "1999-01-04", "2000-01-03"}));
  // Week 53 only in years that have one (1998, 2004, 2009, 2015, 2020,
  // 2026): libical also gave 2003-12-29, 2014-12-29 and 2025-12-29, which are
  // in week 1 of the next year.
  EXPECT_EQ(days_of("FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO", "1998-12-28T09:00", "1998-01-01T00:00Z",
                    "2027-01-01T00:00Z"),
            (Strings{"1998-12-28", "2004-12-27", "2009-12-28", "2015-12-28", "2020-12-28",
                     "2026-12-28"}));
  // The Sunday of week 52 falls in January when week 52 ends there: libical
  // left out 2000-01-02 and 2006-01-01 (and 2000-12-31, 2001-12-30). 2004
  // has 53 weeks, so its week 52 ends on 26 December.
  EXPECT_EQ(days_of("FREQ=YEARLY;BYWEEKNO=52;BYDAY=SU", "1998-12-27T09:00", "1998-01-01T00:00Z",
                    "2007-01-01T00:00Z"),
            (Strings{"1998-12-27", "2000-01-02", "2000-12-31", "2001-12-30", "2002-12-29",
                     "2003-12-28", "2004-12-26", "2006-01-01", "2006-12-31"}));
  // Without BYDAY, every day of the week (as dateutil).
  EXPECT_EQ(days_of("FREQ=YEARLY;BYWEEKNO=1;COUNT=9", "2025-12-29T09:00", "2025-01-01T00:00Z",
                    "2028-01-01T00:00Z"),
            (Strings{"2025-12-29", "2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02",
                     "2026-01-03", "2026-01-04", "2027-01-04", "2027-01-05"}));
}

TEST(Occurrences, wkst_decides_where_weeks_begin_and_which_is_week_1) {
  // 2026 starts on a Thursday. From Monday, week 1 is 29 Dec 2025 - 4 Jan
  // 2026; from Sunday, the week of 1 January (28 Dec - 3 Jan) has only three
  // days of 2026, so week 1 is 4-10 January.
  EXPECT_EQ(days_of("FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU", "2026-01-04T09:00", "2026-01-01T00:00Z",
                    "2027-01-01T00:00Z"),
            (Strings{"2026-01-04"}));
  EXPECT_EQ(days_of("FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU;WKST=SU", "2026-01-04T09:00",
                    "2026-01-01T00:00Z", "2027-01-01T00:00Z"),
            (Strings{"2026-01-04"}));
  EXPECT_EQ(days_of("FREQ=YEARLY;BYWEEKNO=1;BYDAY=SA;WKST=SU", "2026-01-10T09:00",
                    "2026-01-01T00:00Z", "2027-01-01T00:00Z"),
            (Strings{"2026-01-10"}));
  EXPECT_EQ(days_of("FREQ=YEARLY;BYWEEKNO=1;BYDAY=SA", "2026-01-03T09:00", "2026-01-01T00:00Z",
                    "2027-01-01T00:00Z"),
            (Strings{"2026-01-03"}));
  // WEEKLY;INTERVAL=2 counts its weeks from WKST (RFC 5545's example).
  EXPECT_EQ(days_of("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", "1997-08-05T09:00",
                    "1997-01-01T00:00Z", "1998-01-01T00:00Z"),
            (Strings{"1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"}));
  EXPECT_EQ(days_of("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", "1997-08-05T09:00",
                    "1997-01-01T00:00Z", "1998-01-01T00:00Z"),
            (Strings{"1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"}));
}

TEST(Occurrences, bysetpos_chooses_among_every_date_time_of_the_period) {
  // Issue 16: refused before ("no date matches"). Each month's set is the
  // 13th and the 17th at 06:00 and 18:00: the 3rd is the 17th at 06:00, the
  // 3rd from the end the 13th at 18:00 (dateutil's testMonthlyBySetPos).
  const auto event = add({{"start", "1997-09-13T18:00"},
                          {"tz", "America/New_York"},
                          {"repeat", "FREQ=MONTHLY;COUNT=3;BYSETPOS=3,-3;BYMONTHDAY=13,17;"
                                     "BYHOUR=6,18"}});
  EXPECT_EQ(local_starts(list(event, "1997-01-01T00:00Z", "1999-01-01T00:00Z")),
            (Strings{"1997-09-13T18:00:00", "1997-09-17T06:00:00", "1997-10-13T18:00:00"}));
  // From 2 September 09:00, DTSTART is the first occurrence (RFC 5545;
  // dateutil leaves it out) and counts for COUNT.
  const auto from_the_2nd = add({{"start", "1997-09-02T09:00"},
                                 {"tz", "America/New_York"},
                                 {"repeat", "FREQ=MONTHLY;COUNT=4;BYSETPOS=3,-3;BYMONTHDAY=13,17;"
                                            "BYHOUR=6,18"}});
  EXPECT_EQ(local_starts(list(from_the_2nd, "1997-01-01T00:00Z", "1999-01-01T00:00Z")),
            (Strings{"1997-09-02T09:00:00", "1997-09-13T18:00:00", "1997-09-17T06:00:00",
                     "1997-10-13T18:00:00"}));
  // BYSETPOS=1: one a month, the first of the four (libical gave two).
  EXPECT_EQ(days_of("FREQ=MONTHLY;BYSETPOS=1;BYMONTHDAY=13,17;BYHOUR=6,18", "1997-09-13T06:00",
                    "1997-09-01T00:00Z", "1998-01-01T00:00Z"),
            (Strings{"1997-09-13", "1997-10-13", "1997-11-13", "1997-12-13"}));
  // Below MONTHLY: the second of Monday, Wednesday and Friday is Wednesday;
  // the last time of each day is 17:00.
  EXPECT_EQ(days_of("FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=2", "2025-09-03T09:00",
                    "2025-09-01T00:00Z", "2025-09-25T00:00Z"),
            (Strings{"2025-09-03", "2025-09-10", "2025-09-17", "2025-09-24"}));
  const auto daily = add({{"start", "2025-09-03T09:00"},
                          {"tz", "America/New_York"},
                          {"repeat", "FREQ=DAILY;COUNT=3;BYHOUR=9,17;BYSETPOS=-1"}});
  EXPECT_EQ(local_starts(list(daily, "2025-09-01T00:00Z", "2025-10-01T00:00Z")),
            (Strings{"2025-09-03T09:00:00", "2025-09-03T17:00:00", "2025-09-04T17:00:00"}));
}

TEST(Occurrences, negative_days_count_from_the_end_of_the_month_or_year) {
  // BYMONTHDAY=-1 is the last day of each month (29 February in a leap year).
  EXPECT_EQ(days_of("FREQ=MONTHLY;BYMONTHDAY=-1", "2023-12-31T09:00", "2023-12-01T00:00Z",
                    "2024-04-01T00:00Z"),
            (Strings{"2023-12-31", "2024-01-31", "2024-02-29", "2024-03-31"}));
  // BYYEARDAY=-1 is 31 December, -366 only in a leap year (1 January), and
  // day 366 only in a leap year (31 December).
  EXPECT_EQ(days_of("FREQ=YEARLY;BYYEARDAY=-366,366", "2024-01-01T09:00", "2023-01-01T00:00Z",
                    "2029-01-01T00:00Z"),
            (Strings{"2024-01-01", "2024-12-31", "2028-01-01", "2028-12-31"}));
  EXPECT_EQ(days_of("FREQ=YEARLY;BYYEARDAY=60", "2023-03-01T09:00", "2023-01-01T00:00Z",
                    "2025-01-01T00:00Z"),
            (Strings{"2023-03-01", "2024-02-29"}));
  // YEARLY;BYMONTHDAY without BYMONTH: every month (RFC 5545's expansion,
  // dateutil the same); libical took only the start's month.
  EXPECT_EQ(days_of("FREQ=YEARLY;BYMONTHDAY=-31;COUNT=4", "2025-01-01T09:00", "2025-01-01T00:00Z",
                    "2026-01-01T00:00Z"),
            (Strings{"2025-01-01", "2025-03-01", "2025-05-01", "2025-07-01"}));
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
