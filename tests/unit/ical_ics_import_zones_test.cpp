// parse_calendar: which zone and which wall time or instant each kind of
// DTSTART becomes.
#include "core/ical/recurrence.hpp"
#include "core/ical/windows_zones.hpp"
#include "core/time_format.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"
#include "ical_ics_test_support.hpp"

#include <fmt/format.h>

namespace summit::ical {
namespace {

using testing::calendar;
using testing::mentions;
using testing::only_event;

TEST(IcsImportZones, an_iana_tzid_keeps_the_wall_time_and_the_zone) {
  const auto event = only_event(calendar("BEGIN:VEVENT\nUID:cis-1\nSUMMARY:CIS heads of "
                                         "government\nDTSTART;TZID=Europe/Minsk:20250926T100000\n"
                                         "DTEND;TZID=Europe/Minsk:20250926T123000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["start"], "2025-09-26T10:00:00");
  EXPECT_EQ(event.params["end"], "2025-09-26T12:30:00");
  EXPECT_EQ(event.params["tz"], "Europe/Minsk");
  EXPECT_EQ(event.params["title"], "CIS heads of government");
  EXPECT_EQ(event.line, 4);
  EXPECT_TRUE(event.notes.empty());
}

TEST(IcsImportZones, a_vendor_prefix_before_the_iana_name_is_stripped) {
  for (const char *tzid :
       {"/mozilla.org/20050126_1/Europe/Berlin", "/citadel.org/20190914_1/Europe/Berlin",
        "/freeassociation.sourceforge.net/Europe/Berlin"}) {
    const auto event = only_event(calendar(std::string("BEGIN:VEVENT\nUID:a\nSUMMARY:x\n"
                                                       "DTSTART;TZID=") +
                                           tzid + ":20250115T090000\nEND:VEVENT\n"));
    EXPECT_EQ(event.params["tz"], "Europe/Berlin") << tzid;
    EXPECT_EQ(event.params["start"], "2025-01-15T09:00:00") << tzid;
    EXPECT_TRUE(event.notes.empty()) << tzid;
  }
}

TEST(IcsImportZones, a_windows_zone_name_is_read_through_the_cldr_table_with_a_note) {
  const auto event = only_event(calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART;TZID=\"W. Europe "
                                         "Standard Time\":20250115T090000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["tz"], "Europe/Berlin");
  EXPECT_EQ(event.params["start"], "2025-01-15T09:00:00");
  EXPECT_TRUE(mentions(event.notes,
                       "line 7: TZID 'W. Europe Standard Time' read as Europe/Berlin (CLDR "
                       "windowsZones)"));
}

TEST(IcsImportZones, every_windows_name_in_the_table_names_a_zone_tzdata_knows) {
  EXPECT_EQ(iana_zone_for_windows("Belarus Standard Time"), "Europe/Minsk");
  EXPECT_EQ(iana_zone_for_windows("Tokyo Standard Time"), "Asia/Tokyo");
  EXPECT_EQ(iana_zone_for_windows("Atlantis Standard Time"), "");
  EXPECT_EQ(iana_zone_for_windows(""), "");
}

// A zone only the file knows: +01:00 in winter, +02:00 from the last Sunday
// of March to the last Sunday of October, under a name no table has.
constexpr const char *k_custom_zone = "BEGIN:VTIMEZONE\n"
                                      "TZID:Customized Time Zone\n"
                                      "BEGIN:STANDARD\n"
                                      "DTSTART:19701025T030000\n"
                                      "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\n"
                                      "TZOFFSETFROM:+0200\n"
                                      "TZOFFSETTO:+0100\n"
                                      "END:STANDARD\n"
                                      "BEGIN:DAYLIGHT\n"
                                      "DTSTART:19700329T020000\n"
                                      "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\n"
                                      "TZOFFSETFROM:+0100\n"
                                      "TZOFFSETTO:+0200\n"
                                      "END:DAYLIGHT\n"
                                      "END:VTIMEZONE\n";

// Issue 16: a custom VTIMEZONE is read as the IANA zone with the same
// offsets at every instant of the event's ten years, with a note.
TEST(IcsImportZones, a_custom_vtimezone_with_the_rules_of_an_iana_zone_is_read_as_that_zone) {
  const auto result = testing::parsed(calendar(
      std::string(k_custom_zone) +
      "BEGIN:VEVENT\nUID:winter\nSUMMARY:x\nDTSTART;TZID=Customized Time Zone:20250115T100000\n"
      "DTEND;TZID=Customized Time Zone:20250115T113000\nEND:VEVENT\n"
      "BEGIN:VEVENT\nUID:summer\nSUMMARY:x\nDTSTART;TZID=Customized Time Zone:20250715T100000\n"
      "END:VEVENT\n"));
  ASSERT_EQ(result.events.size(), 2U);
  // The European Union's rules since 1996: the first such zone of the
  // Windows table ("Central Europe Standard Time").
  EXPECT_EQ(result.events[0].params["tz"], "Europe/Budapest");
  EXPECT_EQ(result.events[0].params["start"], "2025-01-15T10:00:00");
  EXPECT_EQ(result.events[0].params["end"], "2025-01-15T11:30:00");
  EXPECT_EQ(result.events[1].params["tz"], "Europe/Budapest");
  EXPECT_EQ(result.events[1].params["start"], "2025-07-15T10:00:00");
  EXPECT_TRUE(mentions(result.events[0].notes,
                       "TZID 'Customized Time Zone' names no IANA zone; the file's "
                       "VTIMEZONE for it gives the offsets of Europe/Budapest at every instant "
                       "from 2025 to 2034: read as Europe/Budapest"))
      << result.events[0].notes.front();
}

// The importer's own zone is tried first: a Berlin user's invitation in the
// EU's rules is Europe/Berlin; one in Minsk (no DST) gets the first such
// zone of the table, as above.
TEST(IcsImportZones, a_custom_vtimezone_is_read_as_the_importers_zone_when_that_zone_matches) {
  const std::string file = calendar(
      std::string(k_custom_zone) +
      "BEGIN:VEVENT\nUID:winter\nSUMMARY:x\nDTSTART;TZID=Customized Time Zone:20250115T100000\n"
      "END:VEVENT\n");
  const auto berlin = testing::parsed(file, ImportOptions{"Europe/Berlin"});
  ASSERT_EQ(berlin.events.size(), 1U);
  EXPECT_EQ(berlin.events[0].params["tz"], "Europe/Berlin");
  EXPECT_EQ(berlin.events[0].params["start"], "2025-01-15T10:00:00");
  const auto minsk = testing::parsed(file, ImportOptions{"Europe/Minsk"});
  ASSERT_EQ(minsk.events.size(), 1U);
  EXPECT_EQ(minsk.events[0].params["tz"], "Europe/Budapest");
}

// Outlook's "Eastern" as some servers send it: today's US rules from 1601 on.
constexpr const char *k_eastern = "BEGIN:VTIMEZONE\n"
                                  "TZID:Eastern\n"
                                  "BEGIN:STANDARD\n"
                                  "DTSTART:16011104T020000\n"
                                  "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\n"
                                  "TZOFFSETFROM:-0400\n"
                                  "TZOFFSETTO:-0500\n"
                                  "END:STANDARD\n"
                                  "BEGIN:DAYLIGHT\n"
                                  "DTSTART:16010311T020000\n"
                                  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\n"
                                  "TZOFFSETFROM:-0500\n"
                                  "TZOFFSETTO:-0400\n"
                                  "END:DAYLIGHT\n"
                                  "END:VTIMEZONE\n";

TEST(IcsImportZones, eastern_with_the_us_rules_is_new_york_and_a_series_keeps_its_wall_times) {
  const auto event = only_event(
      calendar(std::string(k_eastern) +
               "BEGIN:VEVENT\nUID:un-1\nSUMMARY:UN working group\n"
               "DTSTART;TZID=Eastern:20301031T100000\nDTEND;TZID=Eastern:20301031T110000\n"
               "RRULE:FREQ=WEEKLY;COUNT=3\nEXDATE;TZID=Eastern:20301107T100000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["tz"], "America/New_York");
  EXPECT_EQ(event.params["start"], "2030-10-31T10:00:00");
  EXPECT_EQ(event.params["end"], "2030-10-31T11:00:00");
  // 3 November 2030 is the end of DST: the EXDATE still names the 10:00 occurrence.
  ASSERT_TRUE(event.params.contains("recurrence")) << event.params.dump();
  EXPECT_EQ(event.params["recurrence"]["exdates"], nlohmann::json::array({"2030-11-07T10:00:00"}))
      << event.params.dump();
  EXPECT_TRUE(mentions(event.notes, "TZID 'Eastern' names no IANA zone; the file's VTIMEZONE "
                                    "for it gives the offsets of America/New_York at every "
                                    "instant from 2030 to 2039: read as America/New_York"));
}

TEST(IcsImportZones, eastern_before_2007_is_no_iana_zone_and_is_kept_as_its_own) {
  // The VTIMEZONE applies 2007's rules to 2006, when New York changed on
  // 2 April and 29 October: no IANA zone has its offsets then. It is kept
  // as a zone of its own (issue 16), under a TZID of this test's.
  std::string zone = k_eastern;
  zone.replace(zone.find("TZID:Eastern"), 12, "TZID:Eastern 2006");
  const auto event =
      only_event(calendar(zone + "BEGIN:VEVENT\nUID:a\nSUMMARY:x\n"
                                 "DTSTART;TZID=Eastern 2006:20060320T100000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["tz"], "Eastern 2006");
  EXPECT_EQ(event.params["start"], "2006-03-20T10:00:00");
  const auto kept = core::find_zone("Eastern 2006");
  ASSERT_TRUE(kept);
  // 10:00 EDT by the file's rules (New York was still on EST).
  EXPECT_EQ(core::format_iso_offset(core::SysSeconds{date::sys_days{date::year{2006} / 3 / 20}} +
                                        std::chrono::hours{14},
                                    *kept),
            "2006-03-20T10:00:00-04:00");
  EXPECT_TRUE(mentions(event.notes, "TZID 'Eastern 2006' names no IANA zone and no IANA zone has "
                                    "the offsets of the file's VTIMEZONE for it: kept as a zone "
                                    "of its own, 'Eastern 2006' (its changes of offset stored up "
                                    "to 2399, exported again with its VTIMEZONE)"));
}

TEST(IcsImportZones, a_custom_vtimezone_no_iana_zone_has_is_kept_as_its_own_zone) {
  // +01:30 all year: no zone of tzdata has had that offset since 1945.
  const auto event = only_event(calendar("BEGIN:VTIMEZONE\nTZID:Atlantis\nBEGIN:STANDARD\n"
                                         "DTSTART:19700101T000000\nTZOFFSETFROM:+0130\n"
                                         "TZOFFSETTO:+0130\nEND:STANDARD\nEND:VTIMEZONE\n"
                                         "BEGIN:VEVENT\nUID:a\nSUMMARY:x\n"
                                         "DTSTART;TZID=Atlantis:20250926T100000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["tz"], "Atlantis");
  EXPECT_EQ(event.params["start"], "2025-09-26T10:00:00");
  const auto kept = core::find_zone("Atlantis");
  ASSERT_TRUE(kept);
  EXPECT_EQ(core::zone_info(core::SysSeconds{}, *kept).offset, std::chrono::minutes{90});
  EXPECT_EQ(core::zone_info(core::SysSeconds{}, *kept).abbrev, "+0130");
}

// Made-up rules: -05:00, and -04:00 from the first Sunday of April to the
// last of October; no zone of tzdata changes on those days in the 2030s.
constexpr const char *k_made_up = "BEGIN:VTIMEZONE\n"
                                  "TZID:Made Up\n"
                                  "BEGIN:STANDARD\n"
                                  "DTSTART:19901028T020000\n"
                                  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\n"
                                  "TZOFFSETFROM:-0400\n"
                                  "TZOFFSETTO:-0500\n"
                                  "TZNAME:MST-ish\n"
                                  "END:STANDARD\n"
                                  "BEGIN:DAYLIGHT\n"
                                  "DTSTART:19900401T020000\n"
                                  "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\n"
                                  "TZOFFSETFROM:-0500\n"
                                  "TZOFFSETTO:-0400\n"
                                  "TZNAME:MDT-ish\n"
                                  "END:DAYLIGHT\n"
                                  "END:VTIMEZONE\n";

TEST(IcsImportZones, a_weekly_series_in_a_kept_zone_follows_its_own_changes_of_offset) {
  const auto imported = only_event(
      calendar(std::string(k_made_up) +
               "BEGIN:VEVENT\nUID:w\nSUMMARY:weekly\nDTSTART;TZID=Made Up:20300328T100000\n"
               "DURATION:PT1H\nRRULE:FREQ=WEEKLY;UNTIL=20301110T000000Z\nEND:VEVENT\n"));
  ASSERT_EQ(imported.params["tz"], "Made Up");
  auto drafted = core::event_from_add_params(imported.params, testing::input_context());
  ASSERT_TRUE(drafted) << drafted.error().message;
  const auto zone = core::find_zone("Made Up");
  ASSERT_TRUE(zone);
  const core::TimeRange all{date::sys_days{date::year{2030} / 1 / 1},
                            date::sys_days{date::year{2031} / 1 / 1}};
  const auto listed = occurrences(drafted->event, *zone, all, 100);
  std::vector<std::string> starts;
  for (const auto &occurrence : listed) {
    starts.push_back(core::format_iso_utc(occurrence.start_utc));
  }
  // Every occurrence at 10:00 of the zone: 15:00Z in its winter, 14:00Z
  // from 7 April to 27 October 2030 (its own days, not New York's 10 March
  // and 3 November).
  ASSERT_EQ(starts.size(), 33U);
  EXPECT_EQ(starts[0], "2030-03-28T15:00:00Z");
  EXPECT_EQ(starts[1], "2030-04-04T15:00:00Z");
  EXPECT_EQ(starts[2], "2030-04-11T14:00:00Z");
  EXPECT_EQ(starts[30], "2030-10-24T14:00:00Z");
  EXPECT_EQ(starts[31], "2030-10-31T15:00:00Z");
  EXPECT_EQ(starts[32], "2030-11-07T15:00:00Z");
  for (const auto &occurrence : listed) {
    EXPECT_EQ(core::format_iso_local(occurrence.start_local).substr(11), "10:00:00");
  }
}

TEST(IcsImportZones, a_kept_zone_takes_its_changes_from_rdates_and_its_first_offset_before_them) {
  // +01:30 until 1 March 2020 (local, in that offset), +01:45 after: an
  // RDATE-only history no zone of tzdata has.
  const auto event = only_event(calendar(
      "BEGIN:VTIMEZONE\nTZID:Rdate Land\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
      "TZOFFSETFROM:+0130\nTZOFFSETTO:+0130\nTZNAME:RLT\nEND:STANDARD\nBEGIN:STANDARD\n"
      "DTSTART:20200301T000000\nRDATE:20200301T000000\nTZOFFSETFROM:+0130\nTZOFFSETTO:+0145\n"
      "TZNAME:RLT2\nEND:STANDARD\nEND:VTIMEZONE\n"
      "BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART;TZID=Rdate Land:20250926T100000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["tz"], "Rdate Land");
  const auto kept = core::find_zone("Rdate Land");
  ASSERT_TRUE(kept);
  const core::SysSeconds change{date::sys_days{date::year{2020} / 2 / 29} +
                                std::chrono::minutes{22 * 60 + 30}};
  EXPECT_EQ(core::zone_info(change - std::chrono::seconds{1}, *kept).offset,
            std::chrono::minutes{90});
  EXPECT_EQ(core::zone_info(change, *kept).offset, std::chrono::minutes{105});
  EXPECT_EQ(core::zone_info(change, *kept).abbrev, "RLT2");
  EXPECT_EQ(core::zone_info(core::SysSeconds{}, *kept).abbrev, "RLT");
  // Before its first onset (1970-01-01 00:00 at +01:30): that onset's
  // TZOFFSETFROM, named by its offset.
  EXPECT_EQ(
      core::zone_info(core::SysSeconds{date::sys_days{date::year{1960} / 1 / 1}}, *kept).abbrev,
      "+0130");
}

TEST(IcsImportZones, another_files_zone_of_the_same_tzid_with_other_rules_is_another_zone) {
  std::string other = k_made_up;
  other.replace(other.find("TZOFFSETTO:-0500"), 16, "TZOFFSETTO:-0530");
  other.replace(other.find("TZOFFSETFROM:-0500"), 18, "TZOFFSETFROM:-0530");
  const auto first = only_event(calendar(std::string(k_made_up) +
                                         "BEGIN:VEVENT\nUID:a\nSUMMARY:x\n"
                                         "DTSTART;TZID=Made Up:20300128T100000\nEND:VEVENT\n"));
  const auto second = only_event(calendar(other + "BEGIN:VEVENT\nUID:b\nSUMMARY:x\n"
                                                  "DTSTART;TZID=Made Up:20300128T100000\n"
                                                  "END:VEVENT\n"));
  EXPECT_EQ(first.params["tz"], "Made Up");
  EXPECT_EQ(second.params["tz"], "Made Up (2)");
  EXPECT_EQ(core::zone_info(core::SysSeconds{date::sys_days{date::year{2030} / 1 / 28}},
                            *core::find_zone("Made Up (2)"))
                .offset,
            -std::chrono::minutes{330});
}

TEST(IcsImportZones, a_file_keeps_at_most_16_zones_of_its_own) {
  std::string zones;
  std::string events;
  for (int i = 0; i < 17; ++i) {
    // +01:07, +01:08 ...: offsets no zone of tzdata has.
    zones += fmt::format("BEGIN:VTIMEZONE\nTZID:Many {}\nBEGIN:STANDARD\n"
                         "DTSTART:19700101T000000\nTZOFFSETFROM:+01{:02}\nTZOFFSETTO:+01{:02}\n"
                         "END:STANDARD\nEND:VTIMEZONE\n",
                         i, 7 + i, 7 + i);
    events += fmt::format("BEGIN:VEVENT\nUID:m{}\nSUMMARY:x\nDTSTART;TZID=Many {}:"
                          "20250926T100000\nEND:VEVENT\n",
                          i, i);
  }
  const auto read = testing::parsed(calendar(zones + events));
  ASSERT_EQ(read.events.size(), 17U);
  EXPECT_EQ(read.events[15].params["tz"], "Many 15");
  EXPECT_EQ(read.events[16].params["tz"], "Europe/Minsk");
  EXPECT_EQ(read.events[16].params["start"], "2025-09-26T08:37:00Z"); // 10:00 at +01:23
  EXPECT_TRUE(mentions(read.events[16].notes, "(the file defines more than 16 zones of its own; "
                                              "summit keeps the first 16)"));
}

TEST(IcsImportZones, a_fixed_offset_vtimezone_is_the_etc_zone_of_that_offset) {
  // +03:00 all year, as Minsk has been since 2011.
  const auto event =
      only_event(calendar("BEGIN:VTIMEZONE\nTZID:Belarus time\nBEGIN:STANDARD\n"
                          "DTSTART:19700101T000000\nTZOFFSETFROM:+0300\n"
                          "TZOFFSETTO:+0300\nEND:STANDARD\nEND:VTIMEZONE\n"
                          "BEGIN:VEVENT\nUID:a\nSUMMARY:x\n"
                          "DTSTART;TZID=Belarus time:20250926T100000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["start"], "2025-09-26T10:00:00");
  EXPECT_EQ(event.params["tz"], "Etc/GMT-3"); // tzdata writes the sign inverted
  const std::string tz = event.params["tz"];
  auto zone = core::find_zone(tz);
  ASSERT_TRUE(zone);
  EXPECT_EQ(
      core::format_iso_offset(core::SysSeconds{date::sys_days{date::year{2030} / 1 / 1}}, *zone),
      "2030-01-01T03:00:00+03:00")
      << tz;
}

TEST(IcsImportZones, a_vtimezone_whose_x_lic_location_names_a_zone_uses_that_zone) {
  const auto event = only_event(calendar("BEGIN:VTIMEZONE\nTZID:Minsk time\nX-LIC-LOCATION:Europe/"
                                         "Minsk\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
                                         "TZOFFSETFROM:+0300\nTZOFFSETTO:+0300\nEND:STANDARD\n"
                                         "END:VTIMEZONE\nBEGIN:VEVENT\nUID:a\nSUMMARY:x\n"
                                         "DTSTART;TZID=Minsk time:20250926T100000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["tz"], "Europe/Minsk");
  EXPECT_EQ(event.params["start"], "2025-09-26T10:00:00");
  EXPECT_TRUE(mentions(event.notes, "X-LIC-LOCATION"));
}

TEST(IcsImportZones, an_unknown_tzid_without_vtimezone_is_a_wall_time_in_the_fallback_zone) {
  const auto event = only_event(calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART;TZID=LOLOLOL:"
                                         "20250926T100000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["tz"], "Europe/Minsk");
  EXPECT_EQ(event.params["start"], "2025-09-26T10:00:00");
  EXPECT_TRUE(mentions(event.notes, "line 7: TZID 'LOLOLOL' is no known zone"));
}

// Issue 16: RFC 5545's floating time stays floating, whoever imports it.
TEST(IcsImportZones, a_floating_time_stays_floating_whatever_the_importers_zone) {
  for (const char *importer : {"Asia/Dushanbe", "America/New_York"}) {
    const auto event = only_event(calendar("BEGIN:VEVENT\nUID:a\n"
                                           "SUMMARY:x\nDTSTART:20250926T100000\n"
                                           "DTEND:20250926T113000\nEND:VEVENT\n"),
                                  ImportOptions{importer});
    EXPECT_EQ(event.params["tz"], "floating") << importer;
    EXPECT_EQ(event.params["start"], "2025-09-26T10:00:00") << importer;
    EXPECT_EQ(event.params["end"], "2025-09-26T11:30:00") << importer;
    EXPECT_TRUE(event.notes.empty()) << importer;
  }
}

// A calendar that names its zone (X-WR-TIMEZONE, as Google and Apple write
// it) means its floating times in that zone; its dates still float.
TEST(IcsImportZones, a_floating_time_in_a_calendar_that_names_its_zone_is_in_that_zone) {
  for (const char *importer : {"Asia/Dushanbe", "America/New_York"}) {
    const auto read = testing::parsed(calendar("X-WR-TIMEZONE:Asia/Almaty\nBEGIN:VEVENT\nUID:a\n"
                                               "SUMMARY:x\nDTSTART:20250926T100000\n"
                                               "DTEND:20250926T113000\nEND:VEVENT\n"
                                               "BEGIN:VEVENT\nUID:b\nSUMMARY:y\n"
                                               "DTSTART;VALUE=DATE:20250927\nEND:VEVENT\n"),
                                      ImportOptions{importer});
    ASSERT_EQ(read.events.size(), 2U) << importer;
    EXPECT_EQ(read.events[0].params["tz"], "Asia/Almaty") << importer;
    EXPECT_EQ(read.events[0].params["start"], "2025-09-26T10:00:00") << importer;
    EXPECT_EQ(read.events[1].params["tz"], "floating") << importer;
  }
}

TEST(IcsImportZones, a_utc_time_is_shown_in_the_calendars_x_wr_timezone) {
  const auto event = only_event(calendar("X-WR-TIMEZONE:Asia/Almaty\nBEGIN:VEVENT\nUID:a\n"
                                         "SUMMARY:x\nDTSTART:20250926T050000Z\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["tz"], "Asia/Almaty");
  EXPECT_EQ(event.params["start"], "2025-09-26T05:00:00Z");
}

TEST(IcsImportZones, a_utc_time_without_x_wr_timezone_is_shown_in_the_fallback_zone) {
  const auto event = only_event(calendar("X-WR-TIMEZONE:Not/AZone\nBEGIN:VEVENT\nUID:a\n"
                                         "SUMMARY:x\nDTSTART:20250926T050000Z\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["tz"], "Europe/Minsk");
  EXPECT_EQ(event.params["start"], "2025-09-26T05:00:00Z");
}

TEST(IcsImportZones, an_end_in_another_zone_becomes_its_instant) {
  const auto event = only_event(
      calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART;TZID=Europe/Minsk:20250926T100000\n"
               "DTEND;TZID=America/New_York:20250926T050000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["end"], "2025-09-26T09:00:00Z");
}

TEST(IcsImportZones, a_date_start_is_an_all_day_event_with_an_exclusive_end) {
  const auto event = only_event(calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART;VALUE=DATE:"
                                         "20250926\nDTEND;VALUE=DATE:20250928\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["start"], "2025-09-26");
  EXPECT_EQ(event.params["end"], "2025-09-28");
  EXPECT_EQ(event.params["all_day"], true);
  EXPECT_EQ(event.params["tz"], "floating"); // a date is the same day in every zone
}

TEST(IcsImportZones, a_date_summit_exported_with_its_zone_keeps_that_zone) {
  const auto event = only_event(calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART;VALUE=DATE:"
                                         "20250926\nX-SUMMIT-TZID:Asia/Tokyo\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["tz"], "Asia/Tokyo");
}

TEST(IcsImportZones, a_one_day_event_without_dtend_has_no_end) {
  const auto event = only_event(
      calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART;VALUE=DATE:20250926\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["start"], "2025-09-26");
  EXPECT_FALSE(event.params.contains("end"));
}

TEST(IcsImportZones, a_duration_becomes_the_events_duration) {
  const auto event = only_event(calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART;TZID=Europe/"
                                         "Minsk:20250926T100000\nDURATION:PT1H30M\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["duration"], "PT1H30M");
  EXPECT_FALSE(event.params.contains("end"));
}

TEST(IcsImportZones, a_month_summit_exported_comes_back_as_a_month) {
  const auto event = only_event(calendar(
      "BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART;VALUE=DATE:20250901\nDTEND;VALUE=DATE:20251001\n"
      "STATUS:TENTATIVE\nX-SUMMIT-PRECISION:MONTH\nX-SUMMIT-TZID:Europe/Minsk\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["start"], "2025-09");
  EXPECT_FALSE(event.params.contains("end"));
  EXPECT_FALSE(event.params.contains("all_day"));
  EXPECT_EQ(event.params["status"], "tentative");
}

TEST(IcsImportZones, the_fallback_zone_must_be_a_zone) {
  auto result = parse_calendar(calendar(""), ImportOptions{"Europe/Minks"});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("Europe/Minks"), std::string::npos);
}

} // namespace
} // namespace summit::ical
