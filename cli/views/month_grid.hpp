#pragma once

#include "core/error.hpp"
#include "core/time_range.hpp"

#include <date/tz.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace summit::cli {

// The month `summit cal MONTH` means: "2025-09"; a month's name or its
// first three letters ("sep", "September"), this year, or with a year
// ("sep 2026"); "this month", "next month", "last month"; or any time
// core::parse_when reads ("2025-09-26", "next friday"): the month it falls
// in. `now` and `viewer` say what this month and today are. Fails with a
// message naming MONTH and the forms it takes.
core::Result<date::year_month> parse_month(std::string_view text, core::SysSeconds now,
                                           const date::time_zone *viewer);

// "September 2025".
std::string month_title(date::year_month month);

// How `cal` marks days: with colour (stdout is a terminal and NO_COLOR is
// unset or empty), days with events in bold and today in reverse video, in
// `cal`'s own layout (three columns a day); without, in five columns a day,
// today in brackets and days with events followed by '*' ("12*", "[26]*"):
//          September 2025
//    Mo   Tu   We   Th   Fr   Sa   Su
//     1    2    3    4    5    6    7
//    ...
//    22   23   24   25  [26]* 27   28
struct GridStyle {
  bool color = false;
};

// The month grid: the month and year centred over the weekday names, weeks
// from Monday, as many week rows as the month needs, no trailing spaces.
// `marked` holds the days with events; `today` is highlighted when it is in
// the month.
std::string format_month_grid(date::year_month month, const std::set<date::local_days> &marked,
                              std::optional<date::local_days> today, GridStyle style);

} // namespace summit::cli
