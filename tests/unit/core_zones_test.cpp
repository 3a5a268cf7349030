#include "core/time_format.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <dirent.h>
#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace summit::core {
namespace {

using namespace date::literals;
using date::April, date::February, date::January, date::July, date::June, date::March,
    date::November, date::October, date::September, date::December;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const date::time_zone *zone(const char *name) { return date::locate_zone(name); }

// Folders this process has opened: date lists its database with opendir().
// Defined here, it stands in for libc's for the whole test binary (date's
// library calls it through the PLT) and passes each call on.
std::atomic<int> g_opendir_calls{0};

} // namespace
} // namespace summit::core

extern "C" DIR *opendir(const char *name) {
  using Opendir = DIR *(*)(const char *);
  static const auto real = reinterpret_cast<Opendir>(::dlsym(RTLD_NEXT, "opendir"));
  ++summit::core::g_opendir_calls;
  return real(name);
}

namespace summit::core {
namespace {

LocalSeconds wall(date::year_month_day day, std::chrono::minutes time_of_day) {
  return date::local_days{day} + time_of_day;
}
SysSeconds utc(date::year_month_day day, std::chrono::minutes time_of_day) {
  return date::sys_days{day} + time_of_day;
}

// ---- find_zone ----

TEST(Zones, find_zone_returns_the_named_zone) {
  const auto z = find_zone("Europe/Minsk");
  ASSERT_TRUE(z) << z.error().message;
  EXPECT_EQ((*z)->name(), "Europe/Minsk");
}

TEST(Zones, find_zone_accepts_an_old_name_kept_as_a_link) {
  const auto z = find_zone("Europe/Kiev");
  ASSERT_TRUE(z) << z.error().message;
  // Same rules as the new name: 2025-07-01 12:00Z is 15:00 in Kyiv.
  EXPECT_EQ(format_iso_offset(utc(2025_y / July / 1, 12h), *z), "2025-07-01T15:00:00+03:00");
}

TEST(Zones, find_zone_suggests_the_close_name_for_a_typo) {
  const auto z = find_zone("Europe/Minks");
  ASSERT_FALSE(z);
  EXPECT_EQ(z.error().code, ErrorCode::invalid_params);
  EXPECT_EQ(z.error().message, "unknown time zone 'Europe/Minks' (did you mean Europe/Minsk?)");
}

TEST(Zones, find_zone_suggests_the_right_case) {
  const auto z = find_zone("europe/berlin");
  ASSERT_FALSE(z);
  EXPECT_THAT(z.error().message, HasSubstr("did you mean Europe/Berlin?"));
}

TEST(Zones, find_zone_suggests_a_zone_for_a_bare_city) {
  const auto z = find_zone("New York");
  ASSERT_FALSE(z);
  EXPECT_THAT(z.error().message, HasSubstr("did you mean America/New_York?"));
}

TEST(Zones, find_zone_does_not_suggest_for_garbage) {
  const auto z = find_zone("Qqqqqqq/Zzzzzzzzzz");
  ASSERT_FALSE(z);
  EXPECT_EQ(z.error().message, "unknown time zone 'Qqqqqqq/Zzzzzzzzzz'");
}

TEST(Zones, find_zone_prefers_the_whole_name_on_a_tie) {
  const auto z = find_zone("utc");
  ASSERT_FALSE(z);
  EXPECT_THAT(z.error().message, HasSubstr("did you mean UTC?"));
}

TEST(Zones, find_zone_ignores_surrounding_blanks) {
  const auto z = find_zone(" Europe/Minsk\n");
  ASSERT_TRUE(z) << z.error().message;
  EXPECT_EQ((*z)->name(), "Europe/Minsk");
}

TEST(Zones, find_zone_refuses_the_hosts_localtime) {
  // Debian ships zoneinfo/localtime -> /etc/localtime; a request naming it
  // would get the daemon's own zone.
  const auto z = find_zone("localtime");
  ASSERT_FALSE(z);
  EXPECT_THAT(z.error().message, HasSubstr("host"));
}

TEST(Zones, find_zone_gives_no_suggestion_for_very_long_text) {
  const std::string huge(100000, 'x');
  const auto z = find_zone(huge);
  ASSERT_FALSE(z);
  EXPECT_THAT(z.error().message, Not(HasSubstr("did you mean")));
  EXPECT_LT(z.error().message.size(), 200U);
}

TEST(Zones, find_zone_refuses_an_empty_name) {
  const auto z = find_zone("  ");
  ASSERT_FALSE(z);
  EXPECT_EQ(z.error().code, ErrorCode::invalid_params);
}

// ---- find_zone reads one zone at a time ----

TEST(ZoneLookup, finds_every_zone_of_dates_own_database_with_the_same_rules) {
  const std::vector<SysSeconds> instants{utc(1970_y / January / 1, 0h), utc(2024_y / March / 1, 0h),
                                         utc(2025_y / July / 1, 12h),
                                         utc(2038_y / December / 31, 23h)};
  std::size_t checked = 0;
  for (const auto &known : date::get_tzdb().zones) {
    if (known.name() == "localtime") {
      continue; // the host's zone, refused on purpose (below)
    }
    const auto found = find_zone(known.name());
    ASSERT_TRUE(found) << known.name() << ": " << found.error().message;
    EXPECT_EQ((*found)->name(), known.name());
    for (const auto instant : instants) {
      const auto ours = (*found)->get_info(instant);
      const auto theirs = known.get_info(instant);
      EXPECT_EQ(ours.offset, theirs.offset) << known.name();
      EXPECT_EQ(ours.abbrev, theirs.abbrev) << known.name();
      EXPECT_EQ(ours.begin, theirs.begin) << known.name();
    }
    ++checked;
  }
  EXPECT_GT(checked, 300U); // the whole database, not an empty folder
}

TEST(ZoneLookup, refuses_the_names_dates_own_database_does_not_list) {
  const std::vector<std::string> names{"posixrules",
                                       "posix/Europe/Minsk",
                                       "right/UTC",
                                       "Factory",
                                       "tzdata.zi",
                                       "zone.tab",
                                       "zone1970.tab",
                                       "iso3166.tab",
                                       "leapseconds",
                                       "leap-seconds.list",
                                       "Europe",
                                       "Europe/",
                                       "Europe//Minsk",
                                       "./UTC",
                                       "Etc/../UTC",
                                       "../zoneinfo/UTC",
                                       "/usr/share/zoneinfo/UTC",
                                       "Europe/Minsk/",
                                       "Europe/Minsk/x",
                                       std::string("UTC\0", 4),
                                       "Europe/Nowhere"};
  for (const auto &name : names) {
    EXPECT_FALSE(find_zone(name)) << name;
    EXPECT_THROW(date::locate_zone(name), std::runtime_error) << name;
  }
}

TEST(ZoneLookup, a_name_always_gives_the_same_zone) {
  const auto first = find_zone("Asia/Dushanbe");
  const auto again = find_zone(" Asia/Dushanbe ");
  ASSERT_TRUE(first && again);
  EXPECT_EQ(*first, *again);
  EXPECT_NE(*find_zone("Europe/Kiev"), *find_zone("Europe/Kyiv")); // a link is its own name
}

TEST(ZoneLookup, finding_zones_does_not_list_the_whole_database) {
  // In a fresh process (the death test runs this test again on its own), so
  // that the tests before it, which read rules, do not count.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const bool found = find_zone("Europe/Minsk") && find_zone("Europe/Kiev") &&
                           find_zone("UTC") && find_zone("America/Argentina/Buenos_Aires");
        // No folder opened in this process at all, static initialisers included.
        std::exit(found && g_opendir_calls == 0 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(ZoneLookup, reading_a_zones_rules_lists_no_folder) {
  // Debian's date 3.0.1 looks up leap seconds in its full database whenever
  // it reads a zone file (hundreds of stat calls, issue 17); summit reads the
  // one file itself, for a zone find_zone gave and for one date's database
  // gave alike.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const auto zone = find_zone("Europe/Minsk");
        const int before = g_opendir_calls;
        load_rules(*zone);
        const bool right =
            zone_info(utc(2025_y / July / 1, 0h), *zone).offset == 3h &&
            to_local(utc(2040_y / July / 1, 0h), *find_zone("Europe/Berlin")) ==
                wall(2040_y / July / 1, 2h) &&
            resolve_local(wall(2025_y / March / 30, 2h + 30min), *find_zone("Europe/Berlin"))
                    .local == wall(2025_y / March / 30, 3h + 30min);
        std::exit(right && g_opendir_calls == before ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(ZoneLookup, a_suggestion_lists_the_whole_database) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const int before = g_opendir_calls;
        const bool refused = !find_zone("Europe/Minks");
        std::exit(refused && g_opendir_calls > before ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(ZoneLookup, the_system_zone_is_the_one_date_finds) {
  const date::time_zone *theirs = nullptr;
  try {
    theirs = date::current_zone();
  } catch (const std::exception &) {
    GTEST_SKIP() << "no /etc/localtime on this machine";
  }
  const date::time_zone *ours = system_zone();
  ASSERT_NE(ours, nullptr);
  EXPECT_EQ(ours->name(), theirs->name());
}

// ---- resolve_local ----

TEST(Zones, ordinary_wall_time_maps_to_one_instant_without_a_note) {
  const auto r = resolve_local(wall(2025_y / September / 26, 10h), zone("Europe/Minsk"));
  EXPECT_EQ(r.utc, utc(2025_y / September / 26, 7h));
  EXPECT_EQ(r.local, wall(2025_y / September / 26, 10h));
  EXPECT_FALSE(r.later);
  EXPECT_EQ(r.note, "");
}

TEST(Zones, berlin_spring_gap_moves_forward_by_one_hour) {
  // 02:00 CET -> 03:00 CEST on 2025-03-30: 02:30 never happens.
  const auto r = resolve_local(wall(2025_y / March / 30, 2h + 30min), zone("Europe/Berlin"));
  EXPECT_EQ(r.local, wall(2025_y / March / 30, 3h + 30min));
  EXPECT_EQ(r.utc, utc(2025_y / March / 30, 1h + 30min));
  EXPECT_EQ(r.note, "02:30 does not exist in Europe/Berlin on 2025-03-30 (clocks jumped "
                    "forward 1h); moved to 03:30");
}

TEST(Zones, berlin_autumn_overlap_takes_the_earlier_instant) {
  // 03:00 CEST -> 02:00 CET on 2025-10-26: 02:30 happens twice.
  const auto r = resolve_local(wall(2025_y / October / 26, 2h + 30min), zone("Europe/Berlin"));
  EXPECT_EQ(r.utc, utc(2025_y / October / 26, 30min)); // 02:30+02:00
  EXPECT_EQ(r.local, wall(2025_y / October / 26, 2h + 30min));
  EXPECT_FALSE(r.later);
  EXPECT_THAT(r.note, HasSubstr("02:30"));
  EXPECT_THAT(r.note, HasSubstr("Europe/Berlin"));
  EXPECT_THAT(r.note, HasSubstr("+02:00 CEST"));
  EXPECT_THAT(r.note, HasSubstr("+01:00 CET"));
  EXPECT_THAT(r.note, HasSubstr("earlier"));
}

TEST(Zones, berlin_autumn_overlap_takes_the_later_instant_when_asked) {
  const auto r =
      resolve_local(wall(2025_y / October / 26, 2h + 30min), zone("Europe/Berlin"), true);
  EXPECT_EQ(r.utc, utc(2025_y / October / 26, 1h + 30min)); // 02:30+01:00
  EXPECT_TRUE(r.later);
  EXPECT_THAT(r.note, HasSubstr("later"));
}

TEST(Zones, new_york_spring_gap_moves_forward_by_one_hour) {
  const auto r = resolve_local(wall(2025_y / March / 9, 2h + 30min), zone("America/New_York"));
  EXPECT_EQ(r.local, wall(2025_y / March / 9, 3h + 30min));
  EXPECT_EQ(r.utc, utc(2025_y / March / 9, 7h + 30min)); // 03:30-04:00
  EXPECT_THAT(r.note, HasSubstr("America/New_York on 2025-03-09"));
  EXPECT_THAT(r.note, HasSubstr("moved to 03:30"));
}

TEST(Zones, new_york_autumn_overlap_has_both_readings) {
  const auto at = wall(2025_y / November / 2, 1h + 30min);
  const auto first = resolve_local(at, zone("America/New_York"));
  const auto second = resolve_local(at, zone("America/New_York"), true);
  EXPECT_EQ(first.utc, utc(2025_y / November / 2, 5h + 30min));  // 01:30 EDT
  EXPECT_EQ(second.utc, utc(2025_y / November / 2, 6h + 30min)); // 01:30 EST
  EXPECT_THAT(first.note, HasSubstr("-04:00 EDT"));
  EXPECT_THAT(first.note, HasSubstr("-05:00 EST"));
}

TEST(Zones, almaty_moved_to_utc_plus_5_in_march_2024) {
  const auto almaty = zone("Asia/Almaty");
  EXPECT_EQ(resolve_local(wall(2023_y / June / 1, 10h), almaty).utc,
            utc(2023_y / June / 1, 4h)); // UTC+6 then
  EXPECT_EQ(resolve_local(wall(2024_y / June / 1, 10h), almaty).utc,
            utc(2024_y / June / 1, 5h)); // UTC+5 now
}

TEST(Zones, almaty_repeated_the_last_hour_of_february_2024) {
  // At 2024-03-01 00:00 (+06) clocks went back to 2024-02-29 23:00 (+05).
  const auto r = resolve_local(wall(2024_y / February / 29, 23h + 30min), zone("Asia/Almaty"));
  EXPECT_EQ(r.utc, utc(2024_y / February / 29, 17h + 30min));
  EXPECT_THAT(r.note, HasSubstr("+06:00"));
  EXPECT_THAT(r.note, HasSubstr("+05:00"));
}

TEST(Zones, lord_howe_half_hour_gap_moves_forward_thirty_minutes) {
  // Lord Howe Island springs forward by 30 minutes, 02:00 -> 02:30.
  const auto r = resolve_local(wall(2025_y / October / 5, 2h + 10min), zone("Australia/Lord_Howe"));
  EXPECT_EQ(r.local, wall(2025_y / October / 5, 2h + 40min));
  EXPECT_THAT(r.note, HasSubstr("forward 30m"));
}

// ---- ZoneGazetteer on hand-written tables ----

constexpr const char *k_zone1970 = "# comment line\n"
                                   "BY\t+5354+02734\tEurope/Minsk\n"
                                   "CH,DE,LI\t+4723+00832\tEurope/Zurich\tBuesingen\n"
                                   "DE\t+5230+01322\tEurope/Berlin\tmost of Germany\r\n"
                                   "US\t+404251-0740023\tAmerica/New_York\tEastern\n"
                                   "US\t+415100-0873900\tAmerica/Chicago\tCentral\n";
constexpr const char *k_zone = "BY\t+5354+02734\tEurope/Minsk\n"
                               "CH\t+4723+00832\tEurope/Zurich\n"
                               "DE\t+5230+01322\tEurope/Berlin\tmost of Germany\n"
                               "DE\t+4742+00841\tEurope/Busingen\tBusingen\n"
                               "LI\t+4709+00931\tEurope/Vaduz\n"
                               "US\t+404251-0740023\tAmerica/New_York\tEastern\n"
                               "US\t+415100-0873900\tAmerica/Chicago\tCentral\n";
constexpr const char *k_iso3166 = "# ISO 3166\n"
                                  "BY\tBelarus\n"
                                  "CH\tSwitzerland\n"
                                  "DE\tGermany\n"
                                  "LI\tLiechtenstein\n"
                                  "US\tUnited States\n";

ZoneGazetteer small() { return ZoneGazetteer::parse(k_zone1970, k_zone, k_iso3166); }

TEST(ZoneGazetteer, a_city_names_its_zone) {
  const auto i = small().infer("Minsk");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->zone, "Europe/Minsk");
  EXPECT_EQ(i->reason, "Minsk is in Europe/Minsk");
}

TEST(ZoneGazetteer, city_match_ignores_case_spaces_and_underscores) {
  const auto i = small().infer("  new   YORK ");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->zone, "America/New_York");
}

TEST(ZoneGazetteer, a_city_anywhere_in_the_location_beats_the_country) {
  const auto i = small().infer("Conference Hall, Chicago, United States");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->zone, "America/Chicago");
}

TEST(ZoneGazetteer, a_single_zone_country_names_its_zone) {
  const auto i = small().infer("Geneva, Switzerland");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->zone, "Europe/Zurich");
  EXPECT_EQ(i->reason, "Switzerland has one time zone, Europe/Zurich");
}

TEST(ZoneGazetteer, a_zone_shared_in_zone1970_does_not_make_a_country_single_zone) {
  // zone1970.tab lists Europe/Zurich for DE too, but zone.tab gives Germany
  // two zones, so "Germany" alone says nothing.
  EXPECT_EQ(small().infer("Bonn, Germany"), std::nullopt);
  ASSERT_TRUE(small().infer("Liechtenstein"));
  EXPECT_EQ(small().infer("Liechtenstein")->zone, "Europe/Vaduz");
}

TEST(ZoneGazetteer, a_multi_zone_country_infers_nothing) {
  EXPECT_EQ(small().infer("Springfield, United States"), std::nullopt);
}

TEST(ZoneGazetteer, unknown_or_empty_locations_infer_nothing) {
  EXPECT_EQ(small().infer("Atlantis"), std::nullopt);
  EXPECT_EQ(small().infer(""), std::nullopt);
  EXPECT_EQ(small().infer(" , ,"), std::nullopt);
}

TEST(ZoneGazetteer, empty_tables_infer_nothing) {
  const auto g = ZoneGazetteer::parse("", "", "");
  EXPECT_EQ(g.infer("Minsk, Belarus"), std::nullopt);
}

TEST(ZoneGazetteer, missing_directory_gives_a_gazetteer_that_infers_nothing) {
  const auto g = ZoneGazetteer::load_system("/nonexistent/zoneinfo");
  EXPECT_EQ(g.infer("Minsk, Belarus"), std::nullopt);
}

TEST(ZoneGazetteer, on_demand_reads_the_tables_at_the_first_inference) {
  const auto dir = std::filesystem::temp_directory_path() / "summit-gazetteer-on-demand";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto g = ZoneGazetteer::load_system_on_demand(dir.string());
  const auto copy = g; // copies share what is read
  // Written after the gazetteer was made: it has not read anything yet.
  std::ofstream(dir / "zone1970.tab") << "BY\t+5354+02734\tEurope/Minsk\n";
  std::ofstream(dir / "zone.tab") << "BY\t+5354+02734\tEurope/Minsk\n";
  std::ofstream(dir / "iso3166.tab") << "BY\tBelarus\n";
  const auto minsk = copy.infer("Minsk, Belarus");
  ASSERT_TRUE(minsk);
  EXPECT_EQ(minsk->zone, "Europe/Minsk");
  std::filesystem::remove_all(dir); // read once: later inferences need no files
  EXPECT_EQ(g.infer("Belarus")->zone, "Europe/Minsk");
}

TEST(ZoneGazetteer, on_demand_infers_what_load_system_infers) {
  const auto eager = ZoneGazetteer::load_system();
  const auto lazy = ZoneGazetteer::load_system_on_demand();
  for (const char *place : {"Minsk, Belarus", "Dushanbe, Tajikistan", "Kiev", "Kazakhstan",
                            "New York", "Atlantis", ""}) {
    const auto a = eager.infer(place);
    const auto b = lazy.infer(place);
    ASSERT_EQ(a.has_value(), b.has_value()) << place;
    if (a) {
      EXPECT_EQ(a->zone, b->zone) << place;
      EXPECT_EQ(a->reason, b->reason) << place;
    }
  }
}

// ---- ZoneGazetteer on the system tables ----

class SystemGazetteer : public ::testing::Test {
protected:
  void SetUp() override {
    if (!std::filesystem::exists("/usr/share/zoneinfo/zone1970.tab")) {
      GTEST_SKIP() << "no system tzdata tables";
    }
  }
  static const ZoneGazetteer &gazetteer() {
    static const auto g = ZoneGazetteer::load_system();
    return g;
  }
  static std::string zone_of(const char *location) {
    const auto i = gazetteer().infer(location);
    return i ? i->zone : "(none)";
  }
};

TEST_F(SystemGazetteer, infers_the_zones_of_summit_venues) {
  EXPECT_EQ(zone_of("Minsk, Belarus"), "Europe/Minsk");
  EXPECT_EQ(zone_of("Dushanbe, Tajikistan"), "Asia/Dushanbe");
  EXPECT_EQ(zone_of("New York, USA"), "America/New_York");
  EXPECT_EQ(zone_of("Geneva, Switzerland"), "Europe/Zurich");
  EXPECT_EQ(zone_of("Berlin"), "Europe/Berlin");
}

TEST_F(SystemGazetteer, reasons_name_the_place_and_the_zone) {
  EXPECT_EQ(gazetteer().infer("Minsk, Belarus")->reason, "Minsk is in Europe/Minsk");
  EXPECT_EQ(gazetteer().infer("Somewhere, Belarus")->reason,
            "Belarus has one time zone, Europe/Minsk");
}

TEST_F(SystemGazetteer, does_not_guess_in_a_country_with_several_zones) {
  // Astana is no zone's name and Kazakhstan has several zones.
  EXPECT_EQ(zone_of("Astana, Kazakhstan"), "(none)");
  EXPECT_EQ(zone_of("Kazakhstan"), "(none)");
  EXPECT_EQ(zone_of("Springfield, United States"), "(none)");
}

TEST_F(SystemGazetteer, old_city_names_from_links_still_work) {
  EXPECT_EQ(zone_of("Kiev, Ukraine"), "Europe/Kyiv");
  EXPECT_EQ(zone_of("Kyiv"), "Europe/Kyiv");
  EXPECT_EQ(zone_of("Calcutta"), "Asia/Kolkata");
  // Australia/Victoria is a state's link, not the Seychelles' capital.
  EXPECT_EQ(zone_of("Victoria, Seychelles"), "Indian/Mahe");
}

TEST_F(SystemGazetteer, short_and_alternative_country_names_work) {
  EXPECT_EQ(zone_of("Somewhere, Britain"), "Europe/London");
  EXPECT_EQ(zone_of("Somewhere, UK"), "Europe/London");
  EXPECT_EQ(zone_of("Somewhere, United Kingdom"), "Europe/London");
  EXPECT_EQ(zone_of("Somewhere, Burma"), "Asia/Yangon");
  // "Samoa" is two countries' short name, so it names neither.
  EXPECT_EQ(zone_of("Somewhere, Samoa"), "(none)");
}

} // namespace
} // namespace summit::core
