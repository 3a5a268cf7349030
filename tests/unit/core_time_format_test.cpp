#include "core/time_format.hpp"
#include "core/time_parse.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace summit::core {
namespace {

using namespace date::literals;
using date::April, date::February, date::January, date::July, date::June, date::March,
    date::November, date::October, date::September, date::December;
using namespace std::chrono_literals;

const date::time_zone *zone(const char *name) { return date::locate_zone(name); }

const LocalSeconds k_wall = date::local_days{2025_y / September / 26} + 10h;
const SysSeconds k_instant = date::sys_days{2025_y / September / 26} + 7h;

TEST(TimeFormat, iso_forms_of_a_wall_time) {
  EXPECT_EQ(format_iso_local(k_wall), "2025-09-26T10:00:00");
  EXPECT_EQ(format_iso_local(k_wall + 5min + 7s), "2025-09-26T10:05:07");
  EXPECT_EQ(format_iso_date(k_wall), "2025-09-26");
  EXPECT_EQ(format_iso_month(k_wall), "2025-09");
}

TEST(TimeFormat, iso_wall_times_keep_four_digit_years_zero_padded_and_wider_ones_whole) {
  EXPECT_EQ(format_iso_local(date::local_days{date::year{1} / January / 2} + 3h + 4min + 5s),
            "0001-01-02T03:04:05");
  EXPECT_EQ(format_iso_local(date::local_days{date::year{999} / December / 31} + 23h + 59min + 59s),
            "0999-12-31T23:59:59");
  EXPECT_EQ(
      format_iso_local(date::local_days{date::year{9999} / December / 31} + 23h + 59min + 59s),
      "9999-12-31T23:59:59");
  EXPECT_EQ(format_iso_local(date::local_days{date::year{10000} / January / 1}),
            "10000-01-01T00:00:00");
  EXPECT_EQ(format_iso_local(date::local_days{date::year{-1} / March / 1}), "-001-03-01T00:00:00");
  EXPECT_EQ(format_iso_utc(date::sys_days{1970_y / January / 1}), "1970-01-01T00:00:00Z");
}

TEST(TimeFormat, iso_utc_ends_in_z) {
  EXPECT_EQ(format_iso_utc(k_instant), "2025-09-26T07:00:00Z");
}

TEST(TimeFormat, iso_offset_shows_the_wall_time_in_the_zone) {
  EXPECT_EQ(format_iso_offset(k_instant, zone("Europe/Minsk")), "2025-09-26T10:00:00+03:00");
  EXPECT_EQ(format_iso_offset(k_instant, zone("America/New_York")), "2025-09-26T03:00:00-04:00");
  EXPECT_EQ(format_iso_offset(k_instant, zone("Asia/Kolkata")), "2025-09-26T12:30:00+05:30");
  EXPECT_EQ(format_iso_offset(k_instant, zone("UTC")), "2025-09-26T07:00:00+00:00");
  // Winter in New York: the offset follows the rules at that instant.
  EXPECT_EQ(
      format_iso_offset(date::sys_days{2025_y / January / 15} + 17h, zone("America/New_York")),
      "2025-01-15T12:00:00-05:00");
}

TEST(TimeFormat, zone_abbreviation_follows_daylight_saving) {
  EXPECT_EQ(zone_abbrev(k_instant, zone("Europe/Berlin")), "CEST");
  EXPECT_EQ(zone_abbrev(date::sys_days{2025_y / December / 1}, zone("Europe/Berlin")), "CET");
  EXPECT_EQ(zone_abbrev(k_instant, zone("Europe/Minsk")), "+03");
}

TEST(TimeFormat, iso_duration_uses_the_shortest_exact_form) {
  EXPECT_EQ(format_duration_iso(0s), "PT0S");
  EXPECT_EQ(format_duration_iso(24h), "P1D");
  EXPECT_EQ(format_duration_iso(1h + 30min), "PT1H30M");
  EXPECT_EQ(format_duration_iso(date::weeks{1}), "P7D");
  EXPECT_EQ(format_duration_iso(90s), "PT1M30S");
  EXPECT_EQ(format_duration_iso(26h), "P1DT2H");
  EXPECT_EQ(format_duration_iso(24h + 1s), "P1DT1S");
}

TEST(TimeFormat, short_duration_reads_as_typed) {
  EXPECT_EQ(format_duration_short(date::weeks{1}), "7d");
  EXPECT_EQ(format_duration_short(1h + 30min), "1h30m");
  EXPECT_EQ(format_duration_short(90s), "90s");
  EXPECT_EQ(format_duration_short(0s), "0s");
  EXPECT_EQ(format_duration_short(60s), "1m");
  EXPECT_EQ(format_duration_short(150s), "2m30s");
  EXPECT_EQ(format_duration_short(36h), "1d12h");
}

TEST(TimeFormat, human_forms) {
  EXPECT_EQ(format_human_datetime(k_wall), "Fri 26 Sep 2025 10:00");
  EXPECT_EQ(format_human_date(k_wall), "Fri 26 Sep 2025");
  EXPECT_EQ(format_human_date(date::local_days{2025_y / September / 1}), "Mon 1 Sep 2025");
  EXPECT_EQ(format_month_tba(date::local_days{2025_y / September / 1}), "Sep 2025 (date TBA)");
  // Seconds are shown when there are any (issue 15: a snooze of 90 s, an
  // event set to the second).
  EXPECT_EQ(format_human_datetime(date::local_days{2024_y / February / 29} + 23h + 59min + 59s),
            "Thu 29 Feb 2024 23:59:59");
}

TEST(TimeFormat, durations_round_trip_through_both_forms) {
  for (const Seconds d : {Seconds{0}, Seconds{1}, Seconds{90}, Seconds{900}, Seconds{5400},
                          Seconds{86400}, Seconds{93784}, Seconds{604800}, Seconds{1209601}}) {
    const auto iso = parse_duration(format_duration_iso(d));
    ASSERT_TRUE(iso) << format_duration_iso(d) << ": " << iso.error().message;
    EXPECT_EQ(*iso, d) << format_duration_iso(d);
    const auto shorter = parse_duration(format_duration_short(d));
    ASSERT_TRUE(shorter) << format_duration_short(d) << ": " << shorter.error().message;
    EXPECT_EQ(*shorter, d) << format_duration_short(d);
  }
}

TEST(TimeFormat, wall_times_dates_and_months_round_trip_through_parse_iso) {
  const auto local = parse_iso(format_iso_local(k_wall + 59s));
  ASSERT_TRUE(local);
  EXPECT_EQ(local->kind, When::Kind::wall_time);
  EXPECT_EQ(local->local, k_wall + 59s);

  const auto day = parse_iso(format_iso_date(k_wall));
  ASSERT_TRUE(day);
  EXPECT_EQ(day->kind, When::Kind::date);
  EXPECT_EQ(day->local, date::local_days{2025_y / September / 26});

  const auto month = parse_iso(format_iso_month(k_wall));
  ASSERT_TRUE(month);
  EXPECT_EQ(month->kind, When::Kind::month);
  EXPECT_EQ(month->local, date::local_days{2025_y / September / 1});
}

TEST(TimeFormat, instants_round_trip_through_parse_iso) {
  for (const char *name : {"UTC", "Europe/Minsk", "America/New_York", "Asia/Kathmandu"}) {
    const auto with_offset = parse_iso(format_iso_offset(k_instant, zone(name)));
    ASSERT_TRUE(with_offset) << name;
    EXPECT_EQ(with_offset->kind, When::Kind::instant);
    EXPECT_EQ(with_offset->instant, k_instant) << name;
  }
  const auto z = parse_iso(format_iso_utc(k_instant));
  ASSERT_TRUE(z);
  EXPECT_EQ(z->instant, k_instant);
  EXPECT_EQ(z->utc_offset, Seconds{0});
}

} // namespace
} // namespace summit::core
