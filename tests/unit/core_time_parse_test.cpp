#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace summit::core {
namespace {

using namespace date::literals;
using date::April, date::February, date::January, date::July, date::June, date::March,
    date::November, date::October, date::September, date::December;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

// find_zone, not date::locate_zone: k_minsk below is made before main(), and
// ZoneLookup tests need a process in which nothing listed the tz database.
const date::time_zone *zone(const char *name) { return *find_zone(name); }

// Wednesday 2025-09-24 10:00 in Minsk (UTC+3).
const SysSeconds k_wednesday = date::sys_days{2025_y / September / 24} + 7h;
const date::time_zone *const k_minsk = zone("Europe/Minsk");

LocalSeconds wall(date::year_month_day day, Seconds time_of_day = 0s) {
  return date::local_days{day} + time_of_day;
}

// What a person sees: the kind and the wall time, or the error message.
std::string read(std::string_view text, SysSeconds now = k_wednesday,
                 const date::time_zone *in = k_minsk) {
  const auto w = parse_when(text, now, in);
  if (!w) {
    return "error: " + w.error().message;
  }
  switch (w->kind) {
  case When::Kind::wall_time:
    return "wall " + format_iso_local(w->local);
  case When::Kind::date:
    return "date " + format_iso_date(w->local);
  case When::Kind::month:
    return "month " + format_iso_month(w->local);
  case When::Kind::instant:
    return "instant " + format_iso_utc(w->instant);
  }
  return "?";
}

std::string iso_error(std::string_view text) {
  const auto w = parse_iso(text);
  return w ? "(accepted)" : w.error().message;
}

// ---- parse_iso ----

TEST(TimeParse, iso_month_is_a_month) {
  const auto w = parse_iso("2025-09");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, When::Kind::month);
  EXPECT_EQ(w->local, wall(2025_y / September / 1));
}

TEST(TimeParse, iso_date_is_a_whole_day) {
  const auto w = parse_iso("2025-09-26");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, When::Kind::date);
  EXPECT_EQ(w->local, wall(2025_y / September / 26));
}

TEST(TimeParse, iso_date_time_without_offset_is_a_wall_time) {
  for (const char *text : {"2025-09-26T10:00", "2025-09-26 10:00", "2025-09-26T10:00:00"}) {
    const auto w = parse_iso(text);
    ASSERT_TRUE(w) << text;
    EXPECT_EQ(w->kind, When::Kind::wall_time) << text;
    EXPECT_EQ(w->local, wall(2025_y / September / 26, 10h)) << text;
    EXPECT_EQ(w->utc_offset, std::nullopt) << text;
  }
  EXPECT_EQ(parse_iso("2025-09-26T10:00:30")->local, wall(2025_y / September / 26, 10h + 30s));
}

TEST(TimeParse, iso_with_offset_is_an_instant_that_keeps_the_written_wall_time) {
  const auto w = parse_iso("2025-09-26T10:00+03:00");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, When::Kind::instant);
  EXPECT_EQ(w->instant, date::sys_days{2025_y / September / 26} + 7h);
  EXPECT_EQ(w->local, wall(2025_y / September / 26, 10h));
  EXPECT_EQ(w->utc_offset, 3h);

  EXPECT_EQ(parse_iso("2025-09-26T10:00Z")->instant, date::sys_days{2025_y / September / 26} + 10h);
  EXPECT_EQ(parse_iso("2025-09-26T10:00Z")->utc_offset, 0s);
  EXPECT_EQ(parse_iso("2025-09-26 10:00 +03:00")->instant,
            date::sys_days{2025_y / September / 26} + 7h);
  EXPECT_EQ(parse_iso("2025-09-26T10:00-0530")->instant,
            date::sys_days{2025_y / September / 26} + 15h + 30min);
}

TEST(TimeParse, iso_rejects_impossible_dates_naming_the_bad_part) {
  EXPECT_EQ(iso_error("2025-02-30"), "2025-02-30: February 2025 has 28 days");
  EXPECT_EQ(iso_error("2025-02-29"), "2025-02-29: February 2025 has 28 days");
  EXPECT_EQ(iso_error("2024-02-30"), "2024-02-30: February 2024 has 29 days");
  EXPECT_EQ(iso_error("2025-09-31"), "2025-09-31: September 2025 has 30 days");
  EXPECT_EQ(iso_error("2025-13-01"), "2025-13-01: month must be 01-12");
  EXPECT_EQ(iso_error("2025-00"), "2025-00: month must be 01-12");
  EXPECT_THAT(iso_error("2025-09-00"), HasSubstr("2025-09-00"));
  EXPECT_TRUE(parse_iso("2024-02-29")); // a leap day is fine
}

TEST(TimeParse, iso_refuses_a_five_digit_year_naming_the_range) {
  // Was "'10000-01-0' is not a date": the text cut where a year of four
  // digits would end.
  EXPECT_EQ(iso_error("10000-01-01T00:00:00Z"),
            "'10000-01-01T00:00:00Z': the year has 5 digits; dates are read from 0000-01-01 to "
            "9999-12-31 (for a range without an end, leave `to` out)");
  EXPECT_TRUE(parse_iso("9999-12-31T23:59:59Z"));
}

TEST(TimeParse, iso_rejects_impossible_times_naming_the_bad_part) {
  EXPECT_EQ(iso_error("2025-09-26T25:00"), "25:00: hour must be 00-23");
  EXPECT_EQ(iso_error("2025-09-26 24:00"), "24:00: hour must be 00-23");
  EXPECT_EQ(iso_error("2025-09-26T10:60"), "10:60: minute must be 00-59");
  EXPECT_EQ(iso_error("2025-09-26T10:00:61"), "10:00:61: second must be 00-59");
  EXPECT_THAT(iso_error("2025-09-26T10:00+25:00"), HasSubstr("+25:00"));
}

TEST(TimeParse, iso_rejects_malformed_text) {
  for (const char *text : {"", "2025", "2025-9-26", "2025-09-26T10", "2025-09-26T1000",
                           "26.09.2025", "2025-09-26X10:00", "2025-09-26T10:00+3", "next friday"}) {
    EXPECT_FALSE(parse_iso(text)) << text;
  }
}

// ---- parse_when: ISO forms and relative instants ----

TEST(TimeParse, when_accepts_every_iso_form) {
  EXPECT_EQ(read("2025-09"), "month 2025-09");
  EXPECT_EQ(read("2025-09-26"), "date 2025-09-26");
  EXPECT_EQ(read("2025-09-26 10:00"), "wall 2025-09-26T10:00:00");
  EXPECT_EQ(read("2025-09-26T10:00+03:00"), "instant 2025-09-26T07:00:00Z");
}

TEST(TimeParse, when_passes_on_iso_errors) {
  EXPECT_EQ(read("2025-02-30"), "error: 2025-02-30: February 2025 has 28 days");
  EXPECT_EQ(read("2025-13-01"), "error: 2025-13-01: month must be 01-12");
  EXPECT_EQ(read("2025-09-26 25:00"), "error: 25:00: hour must be 00-23");
  EXPECT_EQ(read("2025-09-26 10:60"), "error: 10:60: minute must be 00-59");
  EXPECT_EQ(read("today 25:00"), "error: 25:00: hour must be 00-23");
}

TEST(TimeParse, now_is_the_given_instant) {
  EXPECT_EQ(read("now"), "instant 2025-09-24T07:00:00Z");
  EXPECT_EQ(read("NOW"), "instant 2025-09-24T07:00:00Z");
}

TEST(TimeParse, relative_forms_add_to_now) {
  EXPECT_EQ(read("+2h"), "instant 2025-09-24T09:00:00Z");
  EXPECT_EQ(read("+1d12h"), "instant 2025-09-25T19:00:00Z");
  EXPECT_EQ(read("+90m"), "instant 2025-09-24T08:30:00Z");
  EXPECT_EQ(read("in 3 days"), "instant 2025-09-27T07:00:00Z");
  EXPECT_EQ(read("in 2 hours"), "instant 2025-09-24T09:00:00Z");
  EXPECT_EQ(read("in 90 minutes"), "instant 2025-09-24T08:30:00Z");
  EXPECT_EQ(read("in 1 week"), "instant 2025-10-01T07:00:00Z");
}

TEST(TimeParse, bad_relative_forms_are_refused) {
  EXPECT_THAT(read("+"), HasSubstr("error: empty duration"));
  EXPECT_THAT(read("in 5 fortnights"), HasSubstr("unknown unit 'fortnights'"));
  EXPECT_THAT(read("+5x"), HasSubstr("unknown unit 'x'"));
}

// ---- parse_when: everyday words ----

TEST(TimeParse, day_words_are_whole_local_days) {
  EXPECT_EQ(read("today"), "date 2025-09-24");
  EXPECT_EQ(read("tomorrow"), "date 2025-09-25");
  EXPECT_EQ(read("yesterday"), "date 2025-09-23");
  EXPECT_EQ(read("Tomorrow"), "date 2025-09-25");
}

TEST(TimeParse, a_weekday_is_today_or_the_coming_one_and_next_is_strictly_after_today) {
  // now is a Wednesday.
  EXPECT_EQ(read("friday"), "date 2025-09-26");
  EXPECT_EQ(read("next friday"), "date 2025-09-26");
  EXPECT_EQ(read("wednesday"), "date 2025-09-24");
  EXPECT_EQ(read("next wednesday"), "date 2025-10-01");
  EXPECT_EQ(read("tuesday"), "date 2025-09-30");
  EXPECT_EQ(read("fri"), "date 2025-09-26");
  // On the Friday itself.
  const SysSeconds friday = date::sys_days{2025_y / September / 26} + 7h;
  EXPECT_EQ(read("friday", friday), "date 2025-09-26");
  EXPECT_EQ(read("next friday", friday), "date 2025-10-03");
}

TEST(TimeParse, times_of_day_are_today_as_wall_times) {
  EXPECT_EQ(read("17:00"), "wall 2025-09-24T17:00:00");
  EXPECT_EQ(read("9:05"), "wall 2025-09-24T09:05:00");
  EXPECT_EQ(read("9am"), "wall 2025-09-24T09:00:00");
  EXPECT_EQ(read("9:30pm"), "wall 2025-09-24T21:30:00");
  EXPECT_EQ(read("12am"), "wall 2025-09-24T00:00:00");
  EXPECT_EQ(read("12pm"), "wall 2025-09-24T12:00:00");
  EXPECT_EQ(read("noon"), "wall 2025-09-24T12:00:00");
  EXPECT_EQ(read("midnight"), "wall 2025-09-24T00:00:00");
}

TEST(TimeParse, day_and_time_combine) {
  EXPECT_EQ(read("tomorrow 9am"), "wall 2025-09-25T09:00:00");
  EXPECT_EQ(read("tomorrow at 9 am"), "wall 2025-09-25T09:00:00");
  EXPECT_EQ(read("today 17:00"), "wall 2025-09-24T17:00:00");
  EXPECT_EQ(read("next friday 14:30"), "wall 2025-09-26T14:30:00");
  EXPECT_EQ(read("9am tomorrow"), "wall 2025-09-25T09:00:00");
  EXPECT_EQ(read("2025-09-26 9am"), "wall 2025-09-26T09:00:00");
  EXPECT_EQ(read("friday noon"), "wall 2025-09-26T12:00:00");
}

TEST(TimeParse, today_is_the_local_date_when_utc_is_on_another_day) {
  // 22:30Z on the 25th is already 01:30 on the 26th in Minsk...
  const SysSeconds late_utc = date::sys_days{2025_y / September / 25} + 22h + 30min;
  EXPECT_EQ(read("today", late_utc, k_minsk), "date 2025-09-26");
  EXPECT_EQ(read("tomorrow 9am", late_utc, k_minsk), "wall 2025-09-27T09:00:00");
  EXPECT_EQ(read("friday", late_utc, k_minsk), "date 2025-09-26");
  // ...and 02:00Z on the 26th is still 22:00 on the 25th in New York.
  const SysSeconds early_utc = date::sys_days{2025_y / September / 26} + 2h;
  EXPECT_EQ(read("today", early_utc, zone("America/New_York")), "date 2025-09-25");
  EXPECT_EQ(read("friday", early_utc, zone("America/New_York")), "date 2025-09-26");
  EXPECT_EQ(read("next thursday", early_utc, zone("America/New_York")), "date 2025-10-02");
}

TEST(TimeParse, everyday_errors_say_what_was_not_understood) {
  EXPECT_THAT(read("garbage"), HasSubstr("cannot read 'garbage'"));
  EXPECT_THAT(read("tomorrow blah"), HasSubstr("cannot read 'blah'"));
  EXPECT_THAT(read("next week"), HasSubstr("must be followed by a weekday"));
  EXPECT_THAT(read("13pm"), HasSubstr("13pm: hour must be 1-12"));
  EXPECT_THAT(read("today tomorrow"), HasSubstr("two days"));
  EXPECT_THAT(read("9am 17:00"), HasSubstr("two times"));
  EXPECT_THAT(read(""), HasSubstr("error: empty"));
  EXPECT_THAT(read("   "), HasSubstr("error: empty"));
}

// ---- dates as people write them (issue 15) ----

TEST(TimeParse, day_first_dotted_dates_as_cis_documents_write_them) {
  EXPECT_EQ(read("26.09.2025"), "date 2025-09-26");
  EXPECT_EQ(read("6.9.2025"), "date 2025-09-06");
  EXPECT_EQ(read("26.09.2025 10:00"), "wall 2025-09-26T10:00:00");
  EXPECT_EQ(read("26.09.2025, 10:00"), "wall 2025-09-26T10:00:00");
  EXPECT_THAT(read("31.09.2025"), HasSubstr("September 2025 has 30 days"));
  EXPECT_THAT(read("26.13.2025"), HasSubstr("'26.13.2025': the month must be 01-12"));
  EXPECT_THAT(read("26.09.25"), HasSubstr("expected DD.MM.YYYY, such as 26.09.2025"));
}

TEST(TimeParse, month_names_with_a_day_and_year_in_either_order) {
  EXPECT_EQ(read("26 Sep 2025"), "date 2025-09-26");
  EXPECT_EQ(read("26 September 2025 10am"), "wall 2025-09-26T10:00:00");
  EXPECT_EQ(read("September 26, 2025"), "date 2025-09-26");
  EXPECT_EQ(read("Sept. 26th 2025 14:30"), "wall 2025-09-26T14:30:00");
  EXPECT_EQ(read("the 1st of October 2025"), "date 2025-10-01");
  EXPECT_EQ(read("on 3 Oct 2025 at 9 am"), "wall 2025-10-03T09:00:00");
  EXPECT_THAT(read("30 Feb 2028"), HasSubstr("'30 Feb 2028': February 2028 has 29 days"));
}

TEST(TimeParse, a_month_and_year_is_a_month_to_be_announced) {
  EXPECT_EQ(read("Sep 2025"), "month 2025-09");
  EXPECT_EQ(read("September 2025"), "month 2025-09");
  EXPECT_EQ(read("сентябрь 2025"), "month 2025-09");
  EXPECT_THAT(read("Sep 2025 10:00"), HasSubstr("names a month without its day"));
  EXPECT_THAT(
      read("Sep"),
      HasSubstr("'Sep' needs a day or a year after it, such as \"Sep 26\" or \"Sep 2025\""));
  EXPECT_THAT(read("Sep 0"),
              HasSubstr("'Sep 0': 0 is neither a day of the month (1-31) nor a year"));
  EXPECT_THAT(read("at at at"), HasSubstr("'at at at' names no day and no time"));
}

TEST(TimeParse, a_date_without_a_year_is_the_next_such_date) {
  // Today is Wednesday 24 Sep 2025.
  EXPECT_EQ(read("Sept 26"), "date 2025-09-26");
  EXPECT_EQ(read("24 Sep"), "date 2025-09-24"); // today itself
  EXPECT_EQ(read("Sep 23"), "date 2026-09-23"); // passed this year
  EXPECT_EQ(read("Jan 5 9:30"), "wall 2026-01-05T09:30:00");
  EXPECT_EQ(read("29 Feb"), "date 2028-02-29"); // the next leap year
}

TEST(TimeParse, russian_month_names_in_either_case_and_form) {
  EXPECT_EQ(read("26 сентября 2025"), "date 2025-09-26");
  EXPECT_EQ(read("26 Сентября 2025 г. в 10:00"), "wall 2025-09-26T10:00:00");
  EXPECT_EQ(read("1 МАЯ 2026"), "date 2026-05-01");
  EXPECT_EQ(read("5 дек. 2025"), "date 2025-12-05");
}

TEST(TimeParse, every_form_summit_prints_reads_back) {
  EXPECT_EQ(read("Fri 26 Sep 2025 10:00"), "wall 2025-09-26T10:00:00");
  EXPECT_EQ(read("Fri 26 Sep 2025"), "date 2025-09-26");
  EXPECT_EQ(read("Fri 26 Sep 2025 (all day)"), "date 2025-09-26");
  EXPECT_EQ(read("Sep 2025 (date TBA)"), "month 2025-09");
  EXPECT_EQ(read("2025-09-26T10:00:00"), "wall 2025-09-26T10:00:00");
  // A weekday beside a date is checked against it.
  EXPECT_THAT(read("Mon 26 Sep 2025"),
              HasSubstr("'Mon 26 Sep 2025': 26 September 2025 is a Friday, not a Monday"));
}

TEST(TimeParse, slashed_dates_are_refused_naming_both_readings) {
  EXPECT_EQ(read("03/04/2025"), "error: '03/04/2025' is ambiguous: 3 April 2025 (day first) or "
                                "4 March 2025 (month first); write 2025-04-03 or 2025-03-04");
  EXPECT_THAT(read("26/09/2025 10:00"),
              HasSubstr("slashes put the day first in some countries and the month first in "
                        "others; write 2025-09-26"));
  EXPECT_THAT(read("5/5/2025"), HasSubstr("write 2025-05-05"));
}

TEST(TimeParse, an_error_names_the_part_and_shows_accepted_forms_once) {
  const std::string alone = read("someday");
  EXPECT_THAT(alone, HasSubstr("cannot read 'someday'; write a date as 2025-09-26, 26.09.2025"));
  EXPECT_EQ(alone.find("someday", alone.find("someday") + 1), std::string::npos) << alone;
  EXPECT_THAT(read("26 Sep 2025 blah"), HasSubstr("cannot read 'blah' in '26 Sep 2025 blah'"));
}

TEST(TimeParse, a_time_alone_is_on_the_day_given_for_it) {
  const auto on = [](std::string_view text) {
    const auto w = parse_when(text, k_wednesday, k_minsk, date::local_days{2028_y / 9 / 26});
    return w ? format_iso_local(w->local) : "error: " + w.error().message;
  };
  EXPECT_EQ(on("10:00"), "2028-09-26T10:00:00");
  EXPECT_EQ(on("3pm"), "2028-09-26T15:00:00");
  EXPECT_EQ(on("tomorrow 10:00"), "2025-09-25T10:00:00"); // a day given wins
  EXPECT_EQ(read("10:00"), "wall 2025-09-24T10:00:00");   // none given: today
}

// ---- parse_duration ----

Seconds duration(std::string_view text) {
  const auto d = parse_duration(text);
  EXPECT_TRUE(d) << text << ": " << (d ? "" : d.error().message);
  return d.value_or(Seconds{-1});
}

std::string duration_error(std::string_view text) {
  const auto d = parse_duration(text);
  return d ? "(accepted)" : d.error().message;
}

TEST(TimeParse, short_durations) {
  EXPECT_EQ(duration("90s"), 90s);
  EXPECT_EQ(duration("15m"), 15min);
  EXPECT_EQ(duration("2h"), 2h);
  EXPECT_EQ(duration("3d"), date::days{3});
  EXPECT_EQ(duration("1w"), date::weeks{1});
  EXPECT_EQ(duration("1h30m"), 90min);
  EXPECT_EQ(duration("1d 12h"), 36h);
  EXPECT_EQ(duration("2 hours"), 2h);
  EXPECT_EQ(duration("0m"), 0s);
}

TEST(TimeParse, iso_durations) {
  EXPECT_EQ(duration("P1DT2H"), 26h);
  EXPECT_EQ(duration("PT15M"), 15min);
  EXPECT_EQ(duration("P1W"), date::weeks{1});
  EXPECT_EQ(duration("PT1H30M15S"), 1h + 30min + 15s);
}

TEST(TimeParse, bad_durations_are_refused_with_a_reason) {
  EXPECT_THAT(duration_error(""), HasSubstr("empty duration"));
  EXPECT_THAT(duration_error("-5m"), HasSubstr("cannot be negative"));
  EXPECT_THAT(duration_error("5x"), HasSubstr("unknown unit 'x'"));
  EXPECT_THAT(duration_error("P"), HasSubstr("no amount"));
  EXPECT_THAT(duration_error("PT"), HasSubstr("no amount"));
  EXPECT_THAT(duration_error("5"), HasSubstr("needs a unit"));
  EXPECT_THAT(duration_error("P1M"), HasSubstr("no fixed length"));
  EXPECT_THAT(duration_error("h"), HasSubstr("not a duration"));
  EXPECT_THAT(duration_error("99999999999d"), HasSubstr("too long"));
}

} // namespace
} // namespace summit::core
