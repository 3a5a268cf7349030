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
