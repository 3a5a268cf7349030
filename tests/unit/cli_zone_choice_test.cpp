#include "cli/commands/zone_choice.hpp"
#include "core/zones.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using summit::cli::choose_event_zone;
using summit::cli::choose_viewer_zone;
using summit::core::ZoneGazetteer;
using testing::HasSubstr;

namespace {

const date::time_zone *zone(const char *name) { return date::locate_zone(name); }

// A gazetteer that knows Minsk and Belarus only, independent of the host.
ZoneGazetteer small_gazetteer() {
  return ZoneGazetteer::parse("BY\t+5354+02734\tEurope/Minsk\n", "BY\t+5354+02734\tEurope/Minsk\n",
                              "BY\tBelarus\n");
}

const date::time_zone *no_system_zone() { return nullptr; }

} // namespace

TEST(ViewerZone, tz_flag_wins) {
  auto choice = choose_viewer_zone("Asia/Tokyo", "Europe/Berlin", [] { return zone("UTC"); });
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->zone->name(), "Asia/Tokyo");
}

TEST(ViewerZone, unknown_tz_flag_suggests_the_close_name) {
  auto choice = choose_viewer_zone("Europe/Minks", std::nullopt, no_system_zone);
  ASSERT_FALSE(choice);
  EXPECT_THAT(choice.error().message, HasSubstr("Europe/Minsk"));
}

TEST(ViewerZone, tz_environment_with_leading_colon) {
  auto choice = choose_viewer_zone(std::nullopt, ":Europe/Berlin", no_system_zone);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->zone->name(), "Europe/Berlin");
  EXPECT_TRUE(choice->note.empty());
}

TEST(ViewerZone, tz_environment_as_zoneinfo_path) {
  auto choice =
      choose_viewer_zone(std::nullopt, "/usr/share/zoneinfo/America/New_York", no_system_zone);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->zone->name(), "America/New_York");
}

TEST(ViewerZone, posix_rule_in_tz_falls_back_to_the_system_zone_with_a_note) {
  auto choice = choose_viewer_zone(std::nullopt, "CET-1CEST", [] { return zone("Asia/Almaty"); });
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->zone->name(), "Asia/Almaty");
  EXPECT_THAT(choice->note, HasSubstr("CET-1CEST"));
}

TEST(ViewerZone, nothing_known_means_utc) {
  auto choice = choose_viewer_zone(std::nullopt, std::nullopt, no_system_zone);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->zone->name(), "UTC");
}

TEST(EventZone, location_names_the_zone_and_says_so) {
  const ZoneGazetteer gazetteer = small_gazetteer();
  auto choice =
      choose_event_zone(std::nullopt, "Minsk, Belarus", &gazetteer, zone("America/New_York"));
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->zone->name(), "Europe/Minsk");
  EXPECT_TRUE(choice->inferred);
  EXPECT_THAT(choice->note, HasSubstr("using time zone Europe/Minsk ("));
  EXPECT_THAT(choice->note, HasSubstr("); pass --tz to override"));
}

TEST(EventZone, explicit_tz_beats_the_location) {
  const ZoneGazetteer gazetteer = small_gazetteer();
  auto choice = choose_event_zone("Asia/Dushanbe", "Minsk, Belarus", &gazetteer, zone("UTC"));
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->zone->name(), "Asia/Dushanbe");
  EXPECT_TRUE(choice->note.empty());
}

// Issue 15: the fallback used to be silent, which looked like success.
TEST(EventZone, unknown_location_uses_the_fallback_and_says_so) {
  const ZoneGazetteer gazetteer = small_gazetteer();
  auto choice = choose_event_zone(std::nullopt, "Atlantis", &gazetteer, zone("Europe/Berlin"));
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->zone->name(), "Europe/Berlin");
  EXPECT_FALSE(choice->inferred);
  EXPECT_EQ(choice->note, "no time zone known for 'Atlantis'; using Europe/Berlin (your zone); "
                          "pass --tz to choose another");
  auto edit = choose_event_zone(std::nullopt, "Atlantis", &gazetteer, zone("Europe/Berlin"),
                                "the event's zone");
  EXPECT_THAT(edit->note, HasSubstr("(the event's zone)"));
}

namespace {

// A gazetteer that finds every place in several zones.
struct Undecided final : summit::core::Gazetteer {
  summit::core::PlaceZone zone_for(std::string_view) const override {
    return {
        summit::core::PlaceZone::Kind::ambiguous, {}, "Russia has 12 time zones; name the city"};
  }
};

} // namespace

TEST(EventZone, a_location_in_several_zones_is_refused_as_the_location_s_fault) {
  const Undecided gazetteer;
  auto choice = choose_event_zone(std::nullopt, "Russia", &gazetteer, zone("UTC"));
  ASSERT_FALSE(choice);
  EXPECT_EQ(choice.error().field, "location");
  EXPECT_EQ(choice.error().message, "Russia has 12 time zones; name the city, or pass --tz");
}

TEST(EventZone, no_location_uses_the_fallback_without_a_note) {
  auto choice = choose_event_zone(std::nullopt, std::nullopt, nullptr, zone("UTC"));
  ASSERT_TRUE(choice);
  EXPECT_TRUE(choice->note.empty());
}

TEST(EventZone, a_typed_offset_is_taken_with_its_note) {
  auto choice = choose_event_zone("UTC+3", std::nullopt, nullptr, zone("UTC"));
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->zone->name(), "Etc/GMT-3");
  EXPECT_THAT(choice->note, HasSubstr("UTC+03:00 all year"));
}

TEST(EventZone, unknown_tz_is_refused_with_did_you_mean) {
  auto choice = choose_event_zone("Europe/Minks", std::nullopt, nullptr, zone("UTC"));
  ASSERT_FALSE(choice);
  EXPECT_THAT(choice.error().message, HasSubstr("did you mean Europe/Minsk"));
}
