#include "core/zone_input.hpp"
#include "core/zones.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

using summit::core::read_typed_zone;
using testing::HasSubstr;
using testing::Not;

TEST(TypedZone, a_zone_name_is_taken_without_a_note) {
  const auto typed = read_typed_zone("Europe/Minsk");
  ASSERT_TRUE(typed) << typed.error().message;
  EXPECT_EQ(typed->zone->name(), "Europe/Minsk");
  EXPECT_TRUE(typed->note.empty());
}

TEST(TypedZone, a_zone_name_in_another_case_is_taken_when_unique) {
  const auto typed = read_typed_zone("europe/minsk");
  ASSERT_TRUE(typed) << typed.error().message;
  EXPECT_EQ(typed->zone->name(), "Europe/Minsk");
  EXPECT_EQ(read_typed_zone("AMERICA/NEW_YORK")->zone->name(), "America/New_York");
}

TEST(TypedZone, an_abbreviation_is_refused_with_a_zone_that_fits) {
  const auto msk = read_typed_zone("MSK");
  ASSERT_FALSE(msk);
  EXPECT_EQ(msk.error().message,
            "unknown time zone 'MSK': an abbreviation is not a zone; did you mean Europe/Moscow?");
  EXPECT_THAT(msk.error().message, Not(HasSubstr("MST")));
  const std::map<std::string, std::string> cases{
      {"PST", "America/Los_Angeles"}, {"PDT", "America/Los_Angeles"}, {"EDT", "America/New_York"},
      {"CST", "America/Chicago"},     {"JST", "Asia/Tokyo"},          {"AEST", "Australia/Sydney"},
      {"IST", "Asia/Kolkata"},        {"CEST", "Europe/Paris"},       {"EEST", "Europe/Athens"},
      {"msk", "Europe/Moscow"},       {"BST", "Europe/London"},
  };
  for (const auto &[abbreviation, zone] : cases) {
    const auto typed = read_typed_zone(abbreviation);
    ASSERT_FALSE(typed) << abbreviation;
    EXPECT_THAT(typed.error().message, HasSubstr("an abbreviation is not a zone; did you mean "))
        << abbreviation;
    EXPECT_THAT(typed.error().message, HasSubstr(zone)) << abbreviation;
  }
}

TEST(TypedZone, every_suggested_zone_exists) {
  for (const char *abbreviation :
       {"MSK",  "PST",  "PDT", "EDT", "CST", "CDT", "MDT", "AKST", "HDT",  "AEST", "AEDT", "ACST",
        "AWST", "NZST", "IST", "JST", "KST", "HKT", "SGT", "CEST", "EEST", "WEST", "BST",  "SAST",
        "CAT",  "EAT",  "WAT", "PKT", "NPT", "ICT", "WIB", "AST",  "ADT",  "NST",  "BRT",  "ART"}) {
    const auto typed = read_typed_zone(abbreviation);
    ASSERT_FALSE(typed) << abbreviation;
    const auto &message = typed.error().message;
    const auto from = message.find("did you mean ") + 13;
    std::string zones = message.substr(from, message.size() - from - 1);
    for (const char *separator : {", ", " or ", " (or "}) {
      for (auto at = zones.find(separator); at != std::string::npos; at = zones.find(separator)) {
        zones.replace(at, std::string(separator).size(), " ");
      }
    }
    std::istringstream words(zones);
    std::string word;
    while (words >> word) {
      if (word.find('/') != std::string::npos) {
        EXPECT_TRUE(summit::core::find_zone(word)) << abbreviation << " suggests " << word;
      }
    }
  }
}

TEST(TypedZone, an_unknown_abbreviation_gets_no_suggestion_by_spelling) {
  const auto typed = read_typed_zone("XYZT");
  ASSERT_FALSE(typed);
  EXPECT_THAT(typed.error().message, HasSubstr("it is not a zone"));
  EXPECT_THAT(typed.error().message, Not(HasSubstr("did you mean")));
}

TEST(TypedZone, a_typo_still_gets_find_zone_s_suggestion) {
  const auto typed = read_typed_zone("Europe/Minks");
  ASSERT_FALSE(typed);
  EXPECT_THAT(typed.error().message, HasSubstr("did you mean Europe/Minsk"));
}

TEST(TypedZone, fixed_offsets_become_etc_zones_with_the_sign_inverted_and_a_note) {
  const std::map<std::string, std::string> cases{
      {"UTC+3", "Etc/GMT-3"},
      {"UTC+03:00", "Etc/GMT-3"},
      {"+03:00", "Etc/GMT-3"},
      {"utc+3", "Etc/GMT-3"},
      {"GMT-5", "Etc/GMT+5"},
      {"-0500", "Etc/GMT+5"},
      {"UTC +14", "Etc/GMT-14"},
      {"UTC-12", "Etc/GMT+12"},
      {"UTC\xe2\x88\x92"
       "5",
       "Etc/GMT+5"},
  };
  for (const auto &[text, zone] : cases) {
    const auto typed = read_typed_zone(text);
    ASSERT_TRUE(typed) << text << ": " << typed.error().message;
    EXPECT_EQ(typed->zone->name(), zone) << text;
    EXPECT_THAT(typed->note, HasSubstr("using " + zone + " for '" + text + "'")) << text;
    EXPECT_THAT(typed->note, HasSubstr("no daylight saving")) << text;
  }
  EXPECT_EQ(read_typed_zone("UTC+0")->zone->name(), "UTC");
}

TEST(TypedZone, offsets_tzdata_has_no_fixed_zone_for_are_refused_with_a_place) {
  const auto india = read_typed_zone("UTC+05:30");
  ASSERT_FALSE(india);
  EXPECT_EQ(india.error().message,
            "unknown time zone 'UTC+05:30': tzdata has no fixed zone for "
            "UTC+05:30; name the place's zone instead, such as Asia/Kolkata");
  EXPECT_FALSE(read_typed_zone("+15:00"));
  EXPECT_FALSE(read_typed_zone("+03:75"));
  EXPECT_FALSE(read_typed_zone("UTC+123"));
}

TEST(TypedZone, legacy_fixed_zones_are_taken_with_a_warning) {
  const auto est = read_typed_zone("EST");
  ASSERT_TRUE(est) << est.error().message;
  EXPECT_EQ(est->zone->name(), "EST");
  EXPECT_THAT(est->note, HasSubstr("EST is a fixed offset with no daylight saving time"));
  EXPECT_THAT(est->note, HasSubstr("America/New_York"));
  EXPECT_THAT(read_typed_zone("HST")->note, HasSubstr("Pacific/Honolulu"));
  EXPECT_THAT(read_typed_zone("MST")->note, HasSubstr("America/Denver"));
  EXPECT_THAT(read_typed_zone("CET")->note, HasSubstr("Europe/Paris"));
  EXPECT_THAT(read_typed_zone("PST8PDT")->note, HasSubstr("America/Los_Angeles"));
}

TEST(TypedZone, empty_and_the_host_s_localtime_are_refused_as_find_zone_does) {
  EXPECT_FALSE(read_typed_zone(" "));
  EXPECT_THAT(read_typed_zone("localtime").error().message, HasSubstr("host's zone"));
}
