// parse_calendar's bounds (detail::check_limits, docs/RECURRENCE.md
// "Bounds"): what would make an import cost more than its size is refused
// naming the line, before libical parses or expands it; the worst case of
// each kind of line is sent and the outcome asserted (a hang would meet
// ctest's timeout; no test here measures time).
#include "core/event_params.hpp"
#include "core/field_limits.hpp"
#include "ical_ics_test_support.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace summit::ical {
namespace {

using testing::calendar;
using testing::crlf;
using testing::parsed;

std::string refusal(std::string_view text) {
  auto result = parse_calendar(text, testing::minsk());
  EXPECT_FALSE(result.has_value());
  return result ? std::string() : result.error().message;
}

std::string fixture(const std::string &name) {
  std::ifstream in(std::string(SUMMIT_SOURCE_DIR) + "/tests/ical/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A VTIMEZONE 'Custom' (lines 4-12 of calendar()) with one STANDARD part
// holding `part` (LF-separated lines, starting on line 7), and an event in
// it on line 13.
std::string custom_zone(const std::string &part) {
  return calendar("BEGIN:VTIMEZONE\nTZID:Custom\nBEGIN:STANDARD\n" + part +
                  "TZOFFSETFROM:+0300\nTZOFFSETTO:+0200\nEND:STANDARD\nEND:VTIMEZONE\n"
                  "BEGIN:VEVENT\nUID:in-custom\nDTSTART;TZID=Custom:20250926T100000\n"
                  "SUMMARY:Meeting\nEND:VEVENT\n");
}

constexpr const char *k_yearly_help =
    "real zones change their offset once or twice a year (FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU): fix "
    "the VTIMEZONE or use an IANA TZID such as Europe/Berlin";

TEST(IcsLimits, the_315_byte_minutely_vtimezone_is_refused_naming_its_rule) {
  // Issue 13: this file hung summitd at 100% CPU and 750 MB in libical's
  // icaltimezone_expand_vtimezone (a change of offset every minute since
  // 1900). It is refused before libical is asked to expand it.
  const std::string bomb = fixture("vtimezone_bomb.ics");
  ASSERT_EQ(bomb.size(), 315U);
  EXPECT_EQ(refusal(bomb),
            fmt::format("line 7: VTIMEZONE 'X': a time zone rule that repeats more often than "
                        "yearly (FREQ=MINUTELY) cannot be used; {}",
                        k_yearly_help));
}

TEST(IcsLimits, every_rule_more_frequent_than_yearly_is_refused_in_a_vtimezone) {
  for (const char *freq : {"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY"}) {
    EXPECT_EQ(refusal(custom_zone(fmt::format("DTSTART:19000101T000000\nRRULE:FREQ={}\n", freq))),
              fmt::format("line 8: VTIMEZONE 'Custom': a time zone rule that repeats more often "
                          "than yearly (FREQ={}) cannot be used; {}",
                          freq, k_yearly_help));
  }
}

TEST(IcsLimits, an_outlook_zone_from_1601_is_read_and_converts_times) {
  // Outlook writes DTSTART:16010101 with a yearly rule: 804 changes up to
  // the year 2404, well inside the bound.
  const auto event = testing::only_event(
      calendar("BEGIN:VTIMEZONE\nTZID:Custom\nBEGIN:STANDARD\nDTSTART:16011028T030000\n"
               "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\n"
               "END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010325T020000\n"
               "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\n"
               "END:DAYLIGHT\nEND:VTIMEZONE\n"
               "BEGIN:VEVENT\nUID:a\nDTSTART;TZID=Custom:20250926T100000\nSUMMARY:x\n"
               "END:VEVENT\n"));
  // The European Union's rules: read as the first zone of the CLDR table
  // that keeps them (issue 16), at the same wall time.
  EXPECT_EQ(event.params.at("tz"), "Europe/Budapest");
  EXPECT_EQ(event.params.at("start"), "2025-09-26T10:00:00");
}

TEST(IcsLimits, a_yearly_rule_that_changes_every_day_is_refused_by_its_count) {
  EXPECT_EQ(refusal(custom_zone("DTSTART:20000101T000000\n"
                                "RRULE:FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU\n")),
            "line 8: VTIMEZONE 'Custom': its parts give more than 10000 changes of offset up to "
            "the year 2404; a real time zone has a few hundred at most: fix the VTIMEZONE or use "
            "an IANA TZID such as Europe/Berlin");
}

TEST(IcsLimits, more_than_a_thousand_rdates_in_one_part_are_refused) {
  std::string rdates = "RDATE:";
  for (int i = 0; i < 1001; ++i) {
    rdates += fmt::format("{}{}0101T000000", i == 0 ? "" : ",", 1000 + i);
  }
  // 1,001 values on one line: past the per-part bound (and libical's 500
  // per line, which the per-part check meets first here).
  const std::string text = custom_zone("DTSTART:19000101T000000\n" + rdates + "\n");
  EXPECT_EQ(refusal(text), "line 8: RDATE lists 1001 values; libical reads at most 500 of one line "
                           "and drops the rest: split them over several RDATE lines");
  std::string split = "DTSTART:19000101T000000\n";
  for (int line = 0; line < 3; ++line) {
    split += "RDATE:";
    for (int i = 0; i < 400; ++i) {
      split += fmt::format("{}{}0101T000000", i == 0 ? "" : ",", 1000 + line * 400 + i);
    }
    split += "\n";
  }
  EXPECT_EQ(refusal(custom_zone(split)),
            "line 10: VTIMEZONE 'Custom': more than 1000 RDATEs in one STANDARD part; a real time "
            "zone changes its offset far less often");
}

// libical takes each line it cannot read back out of its component by
// walking the component's lines from the start: 19,000 `DTEND:bad` lines in
// one VEVENT (209 KB) took the worker 8 s. The lines it may fail to read
// times the component's lines is bounded; plain dates are not such lines
// (a_hundred_thousand_exdate_lines_over_five_events_are_all_read, below).
TEST(IcsLimits, a_component_of_unreadable_dates_is_refused_before_libical_walks_it) {
  std::string body = "BEGIN:VEVENT\nUID:slow\nDTSTART:20270101T100000Z\nSUMMARY:x\n";
  for (int i = 0; i < 19'000; ++i) {
    body += "DTEND:bad\n";
  }
  body += "END:VEVENT\n";
  EXPECT_EQ(refusal(calendar(body)),
            "line 4: BEGIN:VEVENT has 19000 lines whose value may not be readable (dates that "
            "are not plain dates, rules, numbers) among its 19003 lines; summit reads at most "
            "5000000 of their product in one component (libical would take seconds over it): "
            "remove the repeated lines");

  // Any property with a VALUE parameter is parsed as that type.
  std::string typed_x = "BEGIN:VEVENT\nUID:slow-x\nDTSTART:20270101T100000Z\nSUMMARY:x\n";
  for (int i = 0; i < 3'000; ++i) {
    typed_x += "X-WHEN;X-A=1;value=DATE-TIME:bad\n";
  }
  typed_x += "END:VEVENT\n";
  EXPECT_EQ(refusal(calendar(typed_x)).rfind("line 4: BEGIN:VEVENT has 3000 lines whose", 0), 0U);

  // The same number of text lines is no such cost.
  std::string text_lines = "BEGIN:VEVENT\nUID:text\nDTSTART:20270101T100000Z\nSUMMARY:x\n";
  for (int i = 0; i < 19'000; ++i) {
    text_lines += "COMMENT:fine\n";
  }
  text_lines += "END:VEVENT\n";
  EXPECT_EQ(parsed(calendar(text_lines)).events.size(), 1U);

  std::string series = "BEGIN:VEVENT\nUID:long-series\nDTSTART:20200101T100000Z\n"
                       "RRULE:FREQ=DAILY\nSUMMARY:Stand-up\n";
  for (int i = 0; i < 2'000; ++i) {
    const date::sys_days day = date::sys_days{date::year{2020} / 1 / 2} + date::days{i};
    series += date::format("EXDATE:%Y%m%dT100000Z\n", day);
  }
  for (int i = 0; i < 400; ++i) {
    series += fmt::format("X-NOTE:{}\n", i);
  }
  series += "END:VEVENT\n";
  EXPECT_EQ(parsed(calendar(series)).events.size(), 1U);
}

TEST(IcsLimits, the_zones_of_one_file_share_one_allowance) {
  // Zones of 3,621 changes each (a DTSTART, and 4 a year from 1500 to
  // 2404): each is within its own bound; the 28th takes the file past its.
  std::string zones;
  for (int zone = 0; zone < 30; ++zone) {
    zones += fmt::format("BEGIN:VTIMEZONE\nTZID:Z{}\nBEGIN:STANDARD\nDTSTART:15000101T000000\n"
                         "RRULE:FREQ=YEARLY;BYMONTH=1,4,7,10\nTZOFFSETFROM:+0100\n"
                         "TZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\n",
                         zone);
  }
  // Zone 27 begins on line 4 + 9 x 27 = 247; its RRULE is line 251.
  EXPECT_EQ(refusal(calendar(zones)),
            "line 251: VTIMEZONE 'Z27': the file's VTIMEZONEs give more than 100000 changes of "
            "offset in all; split the file or use IANA TZIDs");
}

TEST(IcsLimits, a_line_with_more_parameters_than_libical_reads_is_refused) {
  // 80,000 parameters on one RRULE line (issue 13: 32 s to import).
  std::string line = "RRULE";
  for (int i = 0; i < 80'000; ++i) {
    line += fmt::format(";X-P{}=v", i);
  }
  line += ":FREQ=DAILY";
  EXPECT_EQ(
      refusal(calendar("BEGIN:VEVENT\nUID:a\nDTSTART:20250926T100000\n" + line + "\nEND:VEVENT\n")),
      "line 7: RRULE has 80000 parameters; libical reads at most 100, so the line would be "
      "read wrongly");
  // A quoted ';' or ':' is part of a parameter value, not a separator.
  const auto event = testing::only_event(calendar(
      "BEGIN:VEVENT\nUID:a\nDTSTART:20250926T100000\nSUMMARY;X-A=\"a;b:c\":Quoted\nEND:VEVENT\n"));
  EXPECT_EQ(event.summary, "Quoted");
}

TEST(IcsLimits, an_exdate_line_with_more_values_than_libical_keeps_is_refused) {
  auto exdates = [](int n) {
    std::string line = "EXDATE:";
    for (int i = 0; i < n; ++i) {
      const auto day =
          date::year_month_day{date::sys_days{date::year{2026} / 1 / 1} + date::days{i}};
      line += fmt::format("{}{:04}{:02}{:02}T100000", i == 0 ? "" : ",", int(day.year()),
                          unsigned(day.month()), unsigned(day.day()));
    }
    return line;
  };
  EXPECT_EQ(refusal(calendar("BEGIN:VEVENT\nUID:a\nDTSTART:20250926T100000\nRRULE:FREQ=DAILY\n" +
                             exdates(501) + "\nEND:VEVENT\n")),
            "line 8: EXDATE lists 501 values; libical reads at most 500 of one line and drops the "
            "rest: split them over several EXDATE lines");
  // 500 on one line: every one kept.
  const auto event = testing::only_event(
      calendar("BEGIN:VEVENT\nUID:a\nDTSTART:20250926T100000\nRRULE:FREQ=DAILY\n" + exdates(500) +
               "\nEND:VEVENT\n"));
  EXPECT_EQ(event.params.at("recurrence").at("exdates").size(), 500U);
}

TEST(IcsLimits, components_nested_too_deep_are_refused) {
  std::string nested;
  for (int i = 0; i < 8; ++i) {
    nested += "BEGIN:VALARM\n";
  }
  for (int i = 0; i < 8; ++i) {
    nested += "END:VALARM\n";
  }
  EXPECT_EQ(
      refusal(calendar("BEGIN:VEVENT\nUID:a\nDTSTART:20250926T100000\n" + nested + "END:VEVENT\n")),
      "line 13: BEGIN:VALARM is nested 9 components deep; summit reads at most 8");
}

// The worst case of each kind of line a file may repeat, at a size that
// took minutes while the import was quadratic: now read in full.
TEST(IcsLimits, a_hundred_thousand_exdate_lines_over_five_events_are_all_read) {
  // As many EXDATE lines as an event may have (20,000 lines of its own),
  // five times over.
  std::string body;
  const date::local_seconds start{date::local_days{date::year{2025} / 9 / 26} +
                                  std::chrono::hours{10}};
  for (int e = 0; e < 5; ++e) {
    body += fmt::format("BEGIN:VEVENT\nUID:{}\nDTSTART;TZID=W. Europe Standard "
                        "Time:20250926T100000\nSUMMARY:Every minute\nRRULE:FREQ=MINUTELY\n",
                        e);
    for (int i = 1; i <= 19'996; ++i) {
      // Each in a zone that gives a note: one note per line, before.
      body += date::format("EXDATE;TZID=W. Europe Standard Time:%Y%m%dT%H%M%S\n",
                           start + std::chrono::minutes{i});
    }
    body += "END:VEVENT\n";
  }
  const auto calendar_read = parsed(calendar(body));
  ASSERT_EQ(calendar_read.events.size(), 5U);
  for (const auto &event : calendar_read.events) {
    EXPECT_EQ(event.params.at("recurrence").at("exdates").size(), 19'996U);
    // A note for DTSTART's zone and one per EXDATE line: at most 100 are
    // kept, then how many more.
    ASSERT_EQ(event.notes.size(), 101U);
    EXPECT_EQ(event.notes.back(), "19897 more notes like these were left out");
  }
  EXPECT_EQ(calendar_read.events.front().notes.front(),
            "line 6: TZID 'W. Europe Standard Time' read as Europe/Berlin (CLDR windowsZones)");
}

TEST(IcsLimits, twenty_thousand_properties_and_a_megabyte_folded_line_are_read) {
  std::string body = "BEGIN:VEVENT\nUID:a\nDTSTART:20250926T100000\nSUMMARY:Big\n";
  for (int i = 0; i < 19'996; ++i) {
    body += fmt::format("X-FILLER-{}:value\n", i);
  }
  // A 1 MB description folded every 74 bytes: 14,000 physical lines.
  std::string description = "DESCRIPTION:";
  const std::string megabyte(1 << 20, 'a');
  for (std::size_t at = 0; at < megabyte.size(); at += 74) {
    description += (at == 0 ? "" : "\n ") + megabyte.substr(at, 74);
  }
  body += description + "\nEND:VEVENT\n";
  const auto event = testing::only_event(calendar(body));
  EXPECT_EQ(event.summary, "Big");
  // Cut where event.add's limit is, so that the event is imported, not cut
  // and then refused (it was cut at 100,000 bytes and skipped for 65,536).
  EXPECT_EQ(event.params.at("description").get<std::string>().size(),
            core::k_max_description_bytes);
  EXPECT_TRUE(core::event_from_add_params(event.params, core::EventInputContext{}))
      << "the event as read is one summit takes";
  EXPECT_NE(std::find(event.notes.begin(), event.notes.end(),
                      "line 20004: DESCRIPTION is longer than the 65536 bytes summit keeps: cut "
                      "there"),
            event.notes.end());
}

// libical holds each line of a component it parses as an object of a few
// hundred bytes: 16 MiB of 5-byte lines took summitd to 1.3 GB. A component
// with more lines of its own than summit reads (the VCALENDAR's stay parsed
// for the whole import, so they have the smaller bound), and a file of more
// lines than summit imports at once, are refused naming the line, before
// libical sees them.
TEST(IcsLimits, a_component_or_a_file_with_more_lines_than_summit_reads_is_refused) {
  std::string event = "BEGIN:VEVENT\nUID:a\nDTSTART:20250926T100000\n";
  for (int i = 0; i < 19'998; ++i) {
    event += "X:1\n";
  }
  EXPECT_EQ(testing::only_event(calendar(event + "END:VEVENT\n")).uid, "a"); // 20,000: read
  EXPECT_EQ(refusal(calendar(event + "X:1\nEND:VEVENT\n")),
            "line 4: BEGIN:VEVENT has 20001 property lines of its own; summit reads at most "
            "20000 in a VEVENT (no calendar program writes that many): the file is damaged or "
            "made to exhaust memory");

  // VERSION and PRODID, and 998 more: 1,000 lines of its own are read.
  const auto own = [](int extra) {
    std::string lines;
    for (int i = 0; i < extra; ++i) {
      lines += "X-WR-CALNAME:Meetings\n";
    }
    return calendar(lines);
  };
  EXPECT_TRUE(parse_calendar(own(998), testing::minsk()));
  EXPECT_EQ(refusal(own(999)),
            "line 1: BEGIN:VCALENDAR has 1001 property lines of its own; summit reads at most "
            "1000 in a VCALENDAR (no calendar program writes that many): the file is damaged or "
            "made to exhaust memory");

  std::string lines;
  for (int i = 0; i < 3'000'000; ++i) {
    lines += "X:1\n";
  }
  EXPECT_EQ(refusal(calendar(lines)),
            "line 1000001: the file has more than 1000000 lines; summit imports at most that "
            "many from one file: split it into smaller files and import each");
}

// The outline holds about 100 bytes per component: 500,000 empty VEVENTs
// (10 MB) took summitd to 931 MB. 150,000 components are read (the
// VCALENDAR is one), one more is refused at its BEGIN line.
TEST(IcsLimits, a_file_with_more_components_than_summit_reads_is_refused_at_the_one_past) {
  std::string body;
  for (int i = 0; i < 149'999; ++i) {
    body += "BEGIN:X-NOTE\nEND:X-NOTE\n";
  }
  const auto read = parse_calendar(calendar(body), testing::minsk());
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->skipped.size(), 149'999U);
  EXPECT_EQ(refusal(calendar(body + "BEGIN:X-NOTE\nEND:X-NOTE\n")),
            "line 300002: the file has more than 150000 components (BEGIN lines); summit imports "
            "at most that many from one file: split it into smaller files and import each");
}

// 2,047 EXDATE lines of 500 values (1,000,000 dates, 16 MB) took summitd to
// 330 MB before the 4,000 a series may have was checked: a component's
// RDATE and EXDATE values together are bounded before libical reads them.
TEST(IcsLimits, more_dates_in_one_component_than_summit_reads_are_refused_at_the_line_past) {
  std::string values;
  for (int i = 0; i < 500; ++i) {
    values += fmt::format("{}20300101T{:02}{:02}00Z", i == 0 ? "" : ",", i / 60, i % 60);
  }
  std::string lines;
  for (int i = 0; i < 40; ++i) {
    lines += "EXDATE:" + values + "\n";
  }
  const std::string head = "BEGIN:VEVENT\nUID:a\nDTSTART:20300101T000000Z\nRRULE:FREQ=MINUTELY\n";
  EXPECT_TRUE(parse_calendar(calendar(head + lines + "END:VEVENT\n"), testing::minsk()));
  EXPECT_EQ(refusal(calendar(head + lines + "RDATE:20300201T000000Z\nEND:VEVENT\n")),
            "line 48: the RDATE and EXDATE lines of the VEVENT begun at line 4 list more than "
            "20000 dates; summit keeps at most 4000 dates and changes of one series: the file is "
            "damaged or made to exhaust memory");
}

TEST(IcsLimits, a_time_past_2399_in_a_file_zone_is_converted_without_expanding_further) {
  // libical would expand the zone again at every conversion of a time past
  // its last year (2582); past 2399 the offset of 2399 is taken. Kept as a
  // zone of its own (issue 16), the time is not converted at all: its
  // changes are listed up to 2399 and its last offset holds after.
  const auto event = testing::only_event(
      calendar("BEGIN:VTIMEZONE\nTZID:Custom\nBEGIN:STANDARD\nDTSTART:19000101T000000\n"
               "TZOFFSETFROM:+0300\nTZOFFSETTO:+0300\nEND:STANDARD\nEND:VTIMEZONE\n"
               "BEGIN:VEVENT\nUID:a\nDTSTART;TZID=Custom:30000101T100000\nSUMMARY:x\n"
               "END:VEVENT\n"));
  EXPECT_EQ(event.params.at("start"), "3000-01-01T10:00:00");
  EXPECT_EQ(event.params.at("tz"), "Custom");
}

} // namespace
} // namespace summit::ical

namespace summit::ical {
namespace {

// Issue 16: an offset no zone can have, or a rule part libical would drop
// silently, refuses the file, naming the line.
TEST(IcsLimits, a_vtimezone_offset_beyond_18_hours_or_with_bad_minutes_is_refused) {
  const auto with_offsets = [](const std::string &from, const std::string &to) {
    return calendar("BEGIN:VTIMEZONE\nTZID:Far\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
                    "TZOFFSETFROM:" +
                    from + "\nTZOFFSETTO:" + to +
                    "\nEND:STANDARD\n"
                    "END:VTIMEZONE\nBEGIN:VEVENT\nUID:a\nDTSTART;TZID=Far:20250926T100000\n"
                    "SUMMARY:x\nEND:VEVENT\n");
  };
  EXPECT_EQ(refusal(with_offsets("+0200", "-9959")),
            "line 9: VTIMEZONE 'Far': TZOFFSETTO '-9959' is beyond ±18:00 (real zones are "
            "within -12:00 and +14:00); fix the VTIMEZONE or use an IANA TZID such as "
            "America/New_York");
  EXPECT_EQ(refusal(with_offsets("+0175", "+0200")),
            "line 8: VTIMEZONE 'Far': TZOFFSETFROM '+0175' has minutes over 59; fix the "
            "VTIMEZONE or use an IANA TZID such as America/New_York");
  EXPECT_EQ(refusal(with_offsets("+020099", "+0200")),
            "line 8: VTIMEZONE 'Far': TZOFFSETFROM '+020099' has seconds over 59; fix the "
            "VTIMEZONE or use an IANA TZID such as America/New_York");
  EXPECT_EQ(refusal(with_offsets("+0200", "2 hours")),
            "line 9: VTIMEZONE 'Far': TZOFFSETTO '2 hours' is not an offset ±HHMM or ±HHMMSS; "
            "fix the VTIMEZONE or use an IANA TZID such as America/New_York");
  // The furthest a zone may be, and seconds (Amsterdam kept +00:19:32 until 1937).
  EXPECT_EQ(testing::only_event(with_offsets("+1800", "-1800")).params["tz"], "Far");
  EXPECT_EQ(testing::only_event(with_offsets("+001932", "+001932")).params["start"],
            "2025-09-26T10:00:00");
}

TEST(IcsLimits, a_bad_offset_in_a_vtimezone_summit_does_not_read_is_let_be) {
  // khal's invalid_tzoffset.ics: Berlin's 1893 offset written "+5328" for
  // "+005328". TZID Europe/Berlin is read from tzdata, not from the file.
  const auto event = testing::only_event(
      calendar("BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:STANDARD\nDTSTART:18930401T000000\n"
               "TZOFFSETFROM:+5328\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\n"
               "BEGIN:VEVENT\nUID:a\nDTSTART;TZID=Europe/Berlin:20251202T080000\nSUMMARY:x\n"
               "END:VEVENT\n"));
  EXPECT_EQ(event.params.at("tz"), "Europe/Berlin");
  EXPECT_EQ(event.params.at("start"), "2025-12-02T08:00:00");
}

TEST(IcsLimits, a_vtimezone_rule_with_a_month_13_or_a_day_32_is_refused) {
  EXPECT_EQ(refusal(custom_zone("DTSTART:19701025T030000\n"
                                "RRULE:FREQ=YEARLY;BYMONTH=10,13;BYDAY=-1SU\n")),
            "line 8: VTIMEZONE 'Custom': RRULE BYMONTH=10,13 has '13', which is no month (1 to "
            "12); libical would leave it out and read the rest: fix the VTIMEZONE or use an IANA "
            "TZID such as America/New_York");
  EXPECT_EQ(refusal(custom_zone("DTSTART:19701025T030000\n"
                                "RRULE:FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=0\n")),
            "line 8: VTIMEZONE 'Custom': RRULE BYMONTHDAY=0 has '0', which is no day of a month "
            "(1 to 31 or -31 to -1); libical would leave it out and read the rest: fix the "
            "VTIMEZONE or use an IANA TZID such as America/New_York");
}

} // namespace
} // namespace summit::ical
