#include "core/zones.hpp"
#include "places/place_gazetteer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

using summit::core::PlaceZone;
using summit::core::ZoneGazetteer;
using summit::places::GazetteerFiles;
using summit::places::locale_languages;
using summit::places::PlaceGazetteer;
using summit::places::read_locations_text;
using testing::HasSubstr;

namespace {

// ---- matching rules, on a small hand-written Locations.xml ----

constexpr const char *k_small_xml = R"(<?xml version="1.0" encoding="utf-8"?>
<gweather format="1.0">
  <named-timezone><_name>UTC</_name><timezones><timezone id="UTC"/></timezones>
    <tz-hint>UTC</tz-hint><code>@UTC</code></named-timezone>
  <region><_name>Europe</_name>
    <country><_name>France</_name><iso-code>FR</iso-code><fips-code>FR</fips-code>
      <timezones><timezone id="Europe/Paris"/></timezones><tz-hint>Europe/Paris</tz-hint>
      <location><name>Paris Airport</name><code>LFPG</code></location>
      <city><_name msgctxt="City in France">Paris</_name><coordinates>1 2</coordinates></city>
    </country>
    <country><_name>Moldova</_name><iso-code>MD</iso-code><fips-code>MD</fips-code>
      <timezones><timezone id="Europe/Chisinau"/></timezones><tz-hint>Europe/Chisinau</tz-hint>
      <city><_name>Chişinău</_name></city>
    </country>
    <country><_name>Russia</_name><iso-code>RU</iso-code><fips-code>RS</fips-code>
      <timezones>
        <timezone id="Europe/Moscow"><_name>Moscow Time</_name></timezone>
        <timezone id="Asia/Novosibirsk"><_name>Novosibirsk Time</_name></timezone>
      </timezones>
      <tz-hint>Europe/Moscow</tz-hint>
      <city><_name>Kazan'</_name><tz-hint>Europe/Moscow</tz-hint></city>
      <city><_name>Novosibirsk</_name><tz-hint>Asia/Novosibirsk</tz-hint></city>
    </country>
  </region>
  <region><_name>North America</_name>
    <country><_name>United States</_name><iso-code>US</iso-code><fips-code>US</fips-code>
      <timezones><timezone id="America/New_York"/><timezone id="America/Chicago"/></timezones>
      <tz-hint>America/New_York</tz-hint>
      <state><_name>District of Columbia</_name><fips-code>US11</fips-code>
        <tz-hint>America/New_York</tz-hint>
        <city><_name msgctxt="City in District of Columbia, United States">Washington</_name></city>
      </state>
      <state><_name msgctxt="State in United States">Iowa</_name><fips-code>US19</fips-code>
        <tz-hint>America/Chicago</tz-hint>
        <city><_name msgctxt="City in Iowa, United States">Washington</_name></city>
      </state>
      <state><_name>Texas</_name><fips-code>US48</fips-code><tz-hint>America/Chicago</tz-hint>
        <city><_name msgctxt="City in Texas, United States">Paris</_name></city>
      </state>
      <state><_name msgctxt="State in United States">Georgia</_name><fips-code>US13</fips-code>
        <tz-hint>America/New_York</tz-hint>
        <city><_name>Atlanta</_name></city>
      </state>
    </country>
  </region>
  <region><_name>Asia</_name>
    <country><_name msgctxt="Country">Georgia</_name><iso-code>GE</iso-code><fips-code>GG</fips-code>
      <timezones><timezone id="Asia/Tbilisi"/></timezones><tz-hint>Asia/Tbilisi</tz-hint>
      <city><_name>Tbilisi</_name></city>
    </country>
  </region>
</gweather>
)";

// No tzdata tables, no catalogues: the XML alone answers.
PlaceGazetteer small() {
  auto places = read_locations_text(k_small_xml);
  EXPECT_TRUE(places) << places.error().message;
  GazetteerFiles files;
  files.locale_dir = "/nonexistent";
  files.zoneinfo_dir = "/nonexistent";
  return PlaceGazetteer::from_places(places ? *places : std::vector<summit::places::Place>{},
                                     ZoneGazetteer::parse("", "", ""), files);
}

std::string zone_of(const PlaceGazetteer &g, const std::string &location) {
  const auto found = g.zone_for(location);
  return found.kind == PlaceZone::Kind::found ? found.zone : "(none)";
}

} // namespace

TEST(PlaceGazetteerRules, reads_countries_states_and_cities_but_not_stations) {
  auto places = read_locations_text(k_small_xml);
  ASSERT_TRUE(places);
  EXPECT_EQ(small().size(), places->size());
  for (const auto &place : *places) {
    EXPECT_NE(place.name, "Paris Airport");
    EXPECT_NE(place.name, "Moscow Time"); // a zone's name is not the country's
    EXPECT_NE(place.name, "UTC");
  }
  EXPECT_EQ(places->front().name, "France");
  EXPECT_EQ(places->front().iso_code, "FR");
}

TEST(PlaceGazetteerRules, a_city_takes_its_own_hint_else_its_state_s_else_its_country_s) {
  const auto g = small();
  EXPECT_EQ(zone_of(g, "Novosibirsk, Russia"), "Asia/Novosibirsk");
  EXPECT_EQ(zone_of(g, "Atlanta"), "America/New_York"); // the state's
  EXPECT_EQ(zone_of(g, "Chisinau"), "Europe/Chisinau"); // the country's
}

TEST(PlaceGazetteerRules, case_accents_and_punctuation_do_not_matter) {
  const auto g = small();
  EXPECT_EQ(zone_of(g, "CHIȘINĂU"), "Europe/Chisinau");
  EXPECT_EQ(zone_of(g, "kazan, russia"), "Europe/Moscow");
  EXPECT_EQ(zone_of(g, "Washington, D.C."), "America/New_York");
  EXPECT_EQ(zone_of(g, "Washington DC"), "America/New_York");
}

TEST(PlaceGazetteerRules, the_country_or_state_part_chooses_among_cities_of_one_name) {
  const auto g = small();
  EXPECT_EQ(zone_of(g, "Paris, France"), "Europe/Paris");
  EXPECT_EQ(zone_of(g, "Paris, Texas"), "America/Chicago");
  EXPECT_EQ(zone_of(g, "Paris, Texas, United States"), "America/Chicago");
  EXPECT_EQ(zone_of(g, "Paris, TX, US"), "America/Chicago"); // TX: no such name, US: ISO code
  EXPECT_EQ(zone_of(g, "Washington, Iowa"), "America/Chicago");
  EXPECT_EQ(zone_of(g, "Tbilisi, Georgia"), "Asia/Tbilisi");
  EXPECT_EQ(zone_of(g, "Atlanta, Georgia"), "America/New_York");
}

TEST(PlaceGazetteerRules, a_city_alone_in_several_zones_is_the_one_a_zone_is_named_after) {
  EXPECT_EQ(zone_of(small(), "Paris"), "Europe/Paris");
}

TEST(PlaceGazetteerRules, a_city_name_in_several_zones_asks_for_the_state_or_country) {
  const auto found = small().zone_for("Washington");
  EXPECT_EQ(found.kind, PlaceZone::Kind::ambiguous);
  EXPECT_THAT(found.reason, HasSubstr("'Washington' names places in 2 time zones"));
  EXPECT_THAT(found.reason, HasSubstr("District of Columbia, United States: America/New_York"));
  EXPECT_THAT(found.reason, HasSubstr("add the state or country"));
}

TEST(PlaceGazetteerRules, a_country_alone_with_one_zone_names_it_and_with_several_asks) {
  const auto g = small();
  EXPECT_EQ(zone_of(g, "Moldova"), "Europe/Chisinau");
  const auto russia = g.zone_for("Russia");
  EXPECT_EQ(russia.kind, PlaceZone::Kind::ambiguous);
  EXPECT_EQ(russia.reason, "Russia has 2 time zones (Europe/Moscow, Asia/Novosibirsk); name the "
                           "city (\"Kazan', Russia\")");
  EXPECT_EQ(g.zone_for("United States").kind, PlaceZone::Kind::ambiguous);
  EXPECT_EQ(g.zone_for("USA").kind, PlaceZone::Kind::ambiguous);
}

TEST(PlaceGazetteerRules, a_name_that_is_a_country_and_a_state_alone_is_the_country) {
  EXPECT_EQ(zone_of(small(), "Georgia"), "Asia/Tbilisi");
  EXPECT_EQ(zone_of(small(), "Georgia, United States"), "America/New_York");
}

TEST(PlaceGazetteerRules, a_state_with_one_zone_names_it) {
  EXPECT_EQ(zone_of(small(), "Texas"), "America/Chicago");
}

TEST(PlaceGazetteerRules, words_before_the_place_do_not_matter) {
  EXPECT_EQ(zone_of(small(), "Room 4, Palace of Independence, Kazan, Russia"), "Europe/Moscow");
}

TEST(PlaceGazetteerRules, a_country_that_contradicts_the_city_leaves_the_country) {
  EXPECT_EQ(zone_of(small(), "Paris, Moldova"), "Europe/Chisinau");
}

TEST(PlaceGazetteerRules, unknown_places_are_unknown) {
  const auto g = small();
  EXPECT_EQ(g.zone_for("Atlantis").kind, PlaceZone::Kind::unknown);
  EXPECT_EQ(g.zone_for("").kind, PlaceZone::Kind::unknown);
  EXPECT_EQ(g.zone_for(" , ;").kind, PlaceZone::Kind::unknown);
}

TEST(PlaceGazetteerRules, without_places_tzdata_s_tables_answer) {
  GazetteerFiles files;
  files.locale_dir = "/nonexistent";
  const auto g = PlaceGazetteer::from_places(
      {}, ZoneGazetteer::parse("BY\t+5354+02734\tEurope/Minsk\n", "", "BY\tBelarus\n"), files);
  EXPECT_EQ(zone_of(g, "Minsk, Belarus"), "Europe/Minsk");
  EXPECT_EQ(g.size(), 0U);
}

TEST(PlaceGazetteerRules, a_missing_locations_file_falls_back_to_tzdata) {
  GazetteerFiles files;
  files.locations_xml = "/nonexistent/Locations.xml";
  const auto g = PlaceGazetteer::load(files);
  EXPECT_EQ(g.size(), 0U);
  EXPECT_EQ(zone_of(g, "Minsk, Belarus"), "Europe/Minsk"); // zone1970.tab's city
}

TEST(PlaceGazetteerRules, xml_that_is_not_well_formed_is_an_error) {
  EXPECT_FALSE(read_locations_text("<gweather><region>"));
  EXPECT_FALSE(read_locations_text("not xml"));
}

TEST(LocaleLanguages, follow_gettext_s_order) {
  std::map<std::string, std::string> vars;
  auto getenv = [&vars](const char *name) -> std::optional<std::string> {
    const auto found = vars.find(name);
    return found == vars.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
  EXPECT_TRUE(locale_languages(getenv).empty());
  vars["LANG"] = "ru_RU.UTF-8";
  EXPECT_EQ(locale_languages(getenv), (std::vector<std::string>{"ru_RU", "ru"}));
  vars["LC_MESSAGES"] = "de_DE.UTF-8";
  EXPECT_EQ(locale_languages(getenv), (std::vector<std::string>{"de_DE", "de"}));
  vars["LANGUAGE"] = "be:uk";
  EXPECT_EQ(locale_languages(getenv), (std::vector<std::string>{"be", "uk", "de_DE", "de"}));
  vars["LC_ALL"] = "C";
  EXPECT_TRUE(locale_languages(getenv).empty()); // gettext ignores LANGUAGE in C
}

// ---- the real Locations.xml (Debian package libgweather-4-common) ----

namespace {

constexpr const char *k_locations = "/usr/share/libgweather-4/Locations.xml";

class RealGazetteer : public testing::Test {
protected:
  void SetUp() override {
    if (!std::filesystem::exists(k_locations)) {
      GTEST_SKIP() << k_locations << " is not installed (Debian package libgweather-4-common, "
                   << "in scripts/packages.txt)";
    }
  }
  // English speakers: no catalogue of their own, so names in other scripts
  // are found by scanning the others.
  static const PlaceGazetteer &english() {
    static const PlaceGazetteer g = PlaceGazetteer::load({});
    return g;
  }
};

} // namespace

TEST_F(RealGazetteer, reads_thousands_of_places) { EXPECT_GT(english().size(), 4000U); }

TEST_F(RealGazetteer, the_places_of_issue_15_resolve) {
  const std::map<std::string, std::string> cases{
      {"Astana, Kazakhstan", "Asia/Almaty"},
      {"Минск, Беларусь", "Europe/Minsk"},
      {"Saint Petersburg, Russia", "Europe/Moscow"},
      {"St. Petersburg, Russia", "Europe/Moscow"},
      {"Kazan, Russia", "Europe/Moscow"},
      {"Washington, D.C.", "America/New_York"},
      {"Washington DC", "America/New_York"},
      {"Chișinău", "Europe/Chisinau"},
      {"Chisinau", "Europe/Chisinau"},
      {"Novosibirsk, Russia", "Asia/Novosibirsk"},
      {"Almaty", "Asia/Almaty"},
      {"Minsk, Belarus", "Europe/Minsk"},
      {"Dushanbe, Tajikistan", "Asia/Dushanbe"},
      {"Paris, France", "Europe/Paris"},
      {"Paris, Texas", "America/Chicago"},
      {"Paris, TX", "America/Chicago"}, // a US state's postal code
      {"Denver, CO", "America/Denver"},
      {"Portland, OR", "America/Los_Angeles"},
      {"Portland, ME", "America/New_York"},
      {"Paris", "Europe/Paris"},
      {"Belarus", "Europe/Minsk"},
      {"Palace of Independence, Minsk, Belarus", "Europe/Minsk"},
      {"New York", "America/New_York"},
      {"Tbilisi, Georgia", "Asia/Tbilisi"},
      {"Atlanta, Georgia", "America/New_York"},
  };
  for (const auto &[location, zone] : cases) {
    const auto found = english().zone_for(location);
    EXPECT_EQ(found.kind, PlaceZone::Kind::found) << location << ": " << found.reason;
    EXPECT_EQ(found.zone, zone) << location << ": " << found.reason;
  }
}

TEST_F(RealGazetteer, a_multi_zone_country_alone_asks_for_the_city) {
  for (const char *country : {"Russia", "Kazakhstan", "United States", "USA"}) {
    const auto found = english().zone_for(country);
    EXPECT_EQ(found.kind, PlaceZone::Kind::ambiguous) << country << ": " << found.zone;
    EXPECT_THAT(found.reason, HasSubstr("time zones")) << country;
    EXPECT_THAT(found.reason, HasSubstr("name the city")) << country;
  }
}

TEST_F(RealGazetteer, unknown_places_are_unknown) {
  EXPECT_EQ(english().zone_for("Atlantis").kind, PlaceZone::Kind::unknown);
  EXPECT_EQ(english().zone_for("Хогвартс").kind, PlaceZone::Kind::unknown);
}

TEST_F(RealGazetteer, the_user_s_language_names_places_at_load_time) {
  GazetteerFiles files;
  files.languages = {"de"};
  const auto german = PlaceGazetteer::load(files);
  EXPECT_EQ(german.zone_for("Moskau, Russland").zone, "Europe/Moscow");
  EXPECT_EQ(german.zone_for("München").zone, "Europe/Berlin");
}

// Not a timing assertion: prints what reading costs, for bench/README.md.
TEST_F(RealGazetteer, reports_what_loading_and_resolving_cost) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const auto g = PlaceGazetteer::load({});
  const auto t1 = clock::now();
  (void)g.zone_for("Astana, Kazakhstan");
  const auto t2 = clock::now();
  (void)g.zone_for("Минск, Беларусь");
  const auto t3 = clock::now();
  // What the CLI paid before: tzdata's tables alone.
  const auto t4 = clock::now();
  (void)ZoneGazetteer::load_system().infer("Minsk, Belarus");
  const auto t5 = clock::now();
  const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::cout << "[ cost     ] load " << ms(t1 - t0) << " ms, resolve (ASCII) " << ms(t2 - t1)
            << " ms, resolve (Cyrillic, catalogue scan) " << ms(t3 - t2)
            << " ms; tzdata tables alone (load + infer) " << ms(t5 - t4) << " ms\n";
  SUCCEED();
}
