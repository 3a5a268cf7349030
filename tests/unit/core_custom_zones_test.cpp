// Zones a calendar file defines (issue 16): kept, found by name and
// answered from their own changes of offset.
#include "core/custom_zones.hpp"
#include "core/time_format.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace summit::core {
namespace {

using namespace std::chrono_literals;

SysSeconds at(int y, unsigned m, unsigned d, Seconds time = 0s) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + time;
}

// -05:00 "ZST", and -04:00 "ZDT" from 2030-04-07 07:00Z to 2030-10-27 06:00Z.
CustomZoneRules one_summer() {
  CustomZoneRules rules;
  rules.initial = {-5h, false, "ZST"};
  rules.changes.push_back({at(2030, 4, 7, 7h), {-4h, true, "ZDT"}});
  rules.changes.push_back({at(2030, 10, 27, 6h), {-5h, false, "ZST"}});
  return rules;
}

TEST(CustomZones, a_defined_zone_is_found_by_name_and_gives_its_own_offsets) {
  const auto name = define_custom_zone("Test One Summer", one_summer(), "BEGIN:VTIMEZONE...");
  ASSERT_TRUE(name) << name.error().message;
  EXPECT_EQ(*name, "Test One Summer");
  const auto zone = find_zone(*name);
  ASSERT_TRUE(zone);
  EXPECT_TRUE(is_custom_zone(*zone));
  EXPECT_FALSE(is_custom_zone(*find_zone("America/New_York")));
  EXPECT_EQ(format_iso_offset(at(2030, 3, 1, 15h), *zone), "2030-03-01T10:00:00-05:00");
  EXPECT_EQ(format_iso_offset(at(2030, 7, 1, 14h), *zone), "2030-07-01T10:00:00-04:00");
  EXPECT_EQ(zone_info(at(2030, 7, 1), *zone).abbrev, "ZDT");
  EXPECT_EQ(format_iso_offset(at(2031, 1, 1, 15h), *zone), "2031-01-01T10:00:00-05:00");
  // 02:30 on 7 April does not exist there; it moves forward by the gap.
  const auto gap =
      resolve_local(LocalSeconds{date::local_days{date::year{2030} / 4 / 7}} + 150min, *zone);
  EXPECT_EQ(format_iso_local(gap.local), "2030-04-07T03:30:00");
  EXPECT_EQ(format_iso_utc(gap.utc), "2030-04-07T07:30:00Z");
}

TEST(CustomZones, the_same_name_with_other_rules_is_another_zone) {
  ASSERT_TRUE(define_custom_zone("Test Twice", one_summer(), ""));
  // The same rules again: the same zone.
  EXPECT_EQ(define_custom_zone("Test Twice", one_summer(), ""), "Test Twice");
  CustomZoneRules other = one_summer();
  other.initial.offset = -6h;
  EXPECT_EQ(define_custom_zone("Test Twice", other, ""), "Test Twice (2)");
  EXPECT_EQ(zone_info(at(2030, 1, 1), *find_zone("Test Twice (2)")).offset, -6h);
  EXPECT_EQ(zone_info(at(2030, 1, 1), *find_zone("Test Twice")).offset, -5h);
  // At start-up the name must be the one given.
  CustomZoneRules third = other;
  third.initial.offset = -7h;
  const auto exact = define_custom_zone("Test Twice", third, "", /*exact=*/true);
  ASSERT_FALSE(exact);
  EXPECT_EQ(exact.error().message, "a zone named 'Test Twice' with other rules is kept already");
}

TEST(CustomZones, a_tzdata_name_a_bad_offset_or_changes_out_of_order_are_refused) {
  EXPECT_EQ(define_custom_zone("Europe/Berlin", one_summer(), "").error().message,
            "'Europe/Berlin' is a zone of tzdata, not a custom zone");
  EXPECT_FALSE(define_custom_zone("", one_summer(), ""));
  EXPECT_FALSE(define_custom_zone("Bad\nName", one_summer(), ""));
  CustomZoneRules far = one_summer();
  far.changes[0].to.offset = -(99h + 59min);
  EXPECT_EQ(define_custom_zone("Test Far", far, "").error().message,
            "change 1: offset -9959 is beyond ±18:00");
  CustomZoneRules back = one_summer();
  std::swap(back.changes[0], back.changes[1]);
  EXPECT_EQ(define_custom_zone("Test Back", back, "").error().message,
            "change 2 is not after change 1");
  EXPECT_FALSE(find_zone("Test Far"));
}

TEST(CustomZones, rules_are_stored_as_text_and_read_back) {
  CustomZoneRules rules = one_summer();
  rules.changes[0].to.abbrev = "Zulu Daylight Time"; // a TZNAME may have blanks
  const std::string text = format_zone_rules(rules);
  EXPECT_EQ(text,
            "-18000 0 ZST\n1901775600 -14400 1 Zulu Daylight Time\n1919311200 -18000 0 ZST\n");
  const auto read = parse_zone_rules(text);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, rules);
  EXPECT_EQ(parse_zone_rules("-18000 0 ZST\nx -14400 1 ZDT\n").error().message,
            "line 2 of the zone's rules is not '<unix seconds> <offset> <0|1> <abbrev>'");
  EXPECT_EQ(parse_zone_rules("").error().message, "the zone's rules are empty");
}

} // namespace
} // namespace summit::core

namespace summit::core {
namespace {

TEST(CustomZones, new_zones_stop_at_the_bound_but_a_databases_zones_are_all_defined) {
  CustomZoneRules rules;
  rules.initial = {std::chrono::seconds{3600}, false, "X"};
  std::size_t defined = 0;
  for (std::size_t i = 0; i < k_max_custom_zones + 5; ++i) {
    rules.initial.offset = std::chrono::seconds{60 * static_cast<long>(i)};
    if (define_custom_zone("Bound " + std::to_string(i), rules, "")) {
      ++defined;
    }
  }
  // (fewer when other tests of this process defined some first)
  EXPECT_LE(defined, k_max_custom_zones);
  EXPECT_GT(defined, k_max_custom_zones - 10);
  rules.initial.offset = std::chrono::seconds{-60};
  const auto refused = define_custom_zone("Bound late", rules, "");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "summitd keeps at most 100 zones that calendar files define");
  EXPECT_EQ(define_custom_zone("Bound stored", rules, "", /*exact=*/true), "Bound stored");
}

} // namespace
} // namespace summit::core
