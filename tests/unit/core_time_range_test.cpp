#include "core/time_range.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace summit::core {
namespace {

using namespace date::literals;
using date::April, date::February, date::January, date::July, date::June, date::March,
    date::November, date::October, date::September, date::December;
using namespace std::chrono_literals;

// Ranges on one day, in hours from 09:00: r(1, 3) is [10:00, 12:00).
const SysSeconds k_base = date::sys_days{2025_y / September / 26} + 9h;
TimeRange r(int from, int to) {
  return TimeRange{k_base + std::chrono::hours{from}, k_base + std::chrono::hours{to}};
}
SysSeconds at(int hour) { return k_base + std::chrono::hours{hour}; }

TEST(TimeRange, contains_its_begin_but_not_its_end) {
  //   |=====)
  //   1     3
  const auto meeting = r(1, 3);
  EXPECT_FALSE(meeting.contains(at(1) - 1s));
  EXPECT_TRUE(meeting.contains(at(1)));
  EXPECT_TRUE(meeting.contains(at(3) - 1s));
  EXPECT_FALSE(meeting.contains(at(3)));
}

TEST(TimeRange, empty_range_contains_nothing) {
  const auto point = r(2, 2);
  EXPECT_TRUE(point.empty());
  EXPECT_FALSE(point.contains(at(2)));
}

TEST(TimeRange, back_to_back_meetings_do_not_overlap) {
  // a: |=====)
  // b:       |=====)
  //    1     3     5
  EXPECT_FALSE(r(1, 3).overlaps(r(3, 5)));
  EXPECT_FALSE(r(3, 5).overlaps(r(1, 3)));
  EXPECT_EQ(r(1, 3).intersect(r(3, 5)), std::nullopt);
}

TEST(TimeRange, partly_overlapping_meetings_share_the_middle) {
  // a: |=====)
  // b:    |=====)
  //    1  2  3  4
  EXPECT_TRUE(r(1, 3).overlaps(r(2, 4)));
  EXPECT_TRUE(r(2, 4).overlaps(r(1, 3)));
  EXPECT_EQ(r(1, 3).intersect(r(2, 4)), r(2, 3));
  EXPECT_EQ(r(2, 4).intersect(r(1, 3)), r(2, 3));
}

TEST(TimeRange, a_range_inside_another_is_the_intersection) {
  // a: |===========)
  // b:    |===)
  //    0  1   2    4
  EXPECT_TRUE(r(0, 4).overlaps(r(1, 2)));
  EXPECT_EQ(r(0, 4).intersect(r(1, 2)), r(1, 2));
  EXPECT_EQ(r(1, 2).intersect(r(0, 4)), r(1, 2));
}

TEST(TimeRange, separate_ranges_share_nothing) {
  // a: |==)
  // b:        |==)
  //    0  1   3  4
  EXPECT_FALSE(r(0, 1).overlaps(r(3, 4)));
  EXPECT_EQ(r(0, 1).intersect(r(3, 4)), std::nullopt);
}

TEST(TimeRange, an_empty_range_overlaps_nothing_even_inside_another) {
  // a: |=====)
  // b:    |       (empty, at 2)
  //    1  2  3
  EXPECT_FALSE(r(1, 3).overlaps(r(2, 2)));
  EXPECT_FALSE(r(2, 2).overlaps(r(1, 3)));
  EXPECT_EQ(r(1, 3).intersect(r(2, 2)), std::nullopt);
}

TEST(TimeRange, identical_ranges_intersect_to_themselves) {
  EXPECT_EQ(r(1, 3).intersect(r(1, 3)), r(1, 3));
}

} // namespace
} // namespace summit::core
