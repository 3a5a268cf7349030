#include "cli/views/month_grid.hpp"
#include "cli_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace summit::cli;
using namespace summit::cli::test_support;
using namespace date::literals;
using namespace std::chrono_literals;
using testing::HasSubstr;
using testing::Not;

namespace {

const date::time_zone *zone(const char *name) { return date::locate_zone(name); }

date::local_days day(date::year_month_day ymd) { return date::local_days{ymd}; }

} // namespace

TEST(MonthGrid, a_month_starting_on_monday_fills_the_first_row) {
  const std::string grid =
      format_month_grid(2025_y / date::September, {day(2025_y / date::September / 12)},
                        day(2025_y / date::September / 26), GridStyle{false});
  EXPECT_EQ(grid, "         September 2025\n"
                  " Mo   Tu   We   Th   Fr   Sa   Su\n"
                  "  1    2    3    4    5    6    7\n"
                  "  8    9   10   11   12*  13   14\n"
                  " 15   16   17   18   19   20   21\n"
                  " 22   23   24   25  [26]  27   28\n"
                  " 29   30\n");
}

TEST(MonthGrid, a_month_starting_on_sunday_leaves_six_days_blank) {
  const std::string grid = format_month_grid(
      2025_y / date::June, {day(2025_y / date::June / 1), day(2025_y / date::June / 30)},
      std::nullopt, GridStyle{false});
  EXPECT_EQ(grid, "            June 2025\n"
                  " Mo   Tu   We   Th   Fr   Sa   Su\n"
                  "                                1*\n"
                  "  2    3    4    5    6    7    8\n"
                  "  9   10   11   12   13   14   15\n"
                  " 16   17   18   19   20   21   22\n"
                  " 23   24   25   26   27   28   29\n"
                  " 30*\n");
}

TEST(MonthGrid, leap_february_has_29_days_and_other_februaries_28) {
  const std::string leap =
      format_month_grid(2024_y / date::February, {}, std::nullopt, GridStyle{false});
  EXPECT_THAT(leap, HasSubstr("\n 26   27   28   29\n"));
  const std::string common =
      format_month_grid(2025_y / date::February, {}, std::nullopt, GridStyle{false});
  // 1 Feb 2025 is a Saturday; the 28th a Friday, and there is no 29th.
  EXPECT_THAT(common, HasSubstr("\n                           1    2\n"));
  EXPECT_THAT(common, HasSubstr("\n 24   25   26   27   28\n"));
  EXPECT_THAT(common, Not(HasSubstr("29")));
}

TEST(MonthGrid, today_with_events_shows_both_marks) {
  const auto today = day(2025_y / date::September / 26);
  const std::string grid =
      format_month_grid(2025_y / date::September, {today}, today, GridStyle{false});
  EXPECT_THAT(grid, HasSubstr(" 25  [26]* 27"));
}

TEST(MonthGrid, brackets_hug_a_one_digit_today) {
  const auto today = day(2026_y / date::December / 1);
  const std::string grid =
      format_month_grid(2026_y / date::December, {today}, today, GridStyle{false});
  EXPECT_THAT(grid, HasSubstr(" Mo   Tu   We   Th   Fr   Sa   Su\n"
                              "      [1]*  2    3    4    5    6\n"));
}

TEST(MonthGrid, colour_marks_days_in_bold_and_today_in_reverse_in_cals_layout) {
  const std::string grid =
      format_month_grid(2025_y / date::September,
                        {day(2025_y / date::September / 12), day(2025_y / date::September / 26)},
                        day(2025_y / date::September / 26), GridStyle{true});
  EXPECT_EQ(grid, "   September 2025\n"
                  "Mo Tu We Th Fr Sa Su\n"
                  " 1  2  3  4  5  6  7\n"
                  " 8  9 10 11 \x1b[1m12\x1b[0m 13 14\n"
                  "15 16 17 18 19 20 21\n"
                  "22 23 24 25 \x1b[1m\x1b[7m26\x1b[0m 27 28\n"
                  "29 30\n");
}

TEST(MonthGrid, months_are_read_as_people_write_them) {
  const summit::core::SysSeconds now = date::sys_days{2025_y / date::September / 30} + 22h;
  // 22:00 UTC on 30 Sep is already October in Minsk.
  EXPECT_EQ(*parse_month("", now, zone("Europe/Minsk")), 2025_y / date::October);
  EXPECT_EQ(*parse_month("", now, zone("UTC")), 2025_y / date::September);
  EXPECT_EQ(*parse_month("2026-02", now, zone("UTC")), 2026_y / date::February);
  EXPECT_EQ(*parse_month("sep", now, zone("UTC")), 2025_y / date::September);
  EXPECT_EQ(*parse_month("December", now, zone("UTC")), 2025_y / date::December);
  EXPECT_EQ(*parse_month("sept 2027", now, zone("UTC")), 2027_y / date::September);
  EXPECT_EQ(*parse_month("next month", now, zone("UTC")), 2025_y / date::October);
  EXPECT_EQ(*parse_month("Last  Month", now, zone("UTC")), 2025_y / date::August);
  EXPECT_EQ(*parse_month("2025-12-24", now, zone("UTC")), 2025_y / date::December);
  EXPECT_EQ(*parse_month("tomorrow", now, zone("UTC")), 2025_y / date::October);
  auto year = parse_month("2026", now, zone("UTC"));
  ASSERT_FALSE(year);
  EXPECT_THAT(year.error().message, HasSubstr("is a year"));
  auto nonsense = parse_month("soon", now, zone("UTC"));
  ASSERT_FALSE(nonsense);
  EXPECT_THAT(nonsense.error().message, HasSubstr("MONTH: 'soon' is not a month"));
}
