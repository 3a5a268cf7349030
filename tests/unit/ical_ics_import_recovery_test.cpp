// parse_calendar keeps every meeting it can understand (issue 16): a change
// of one occurrence whose series is not in the file, rules other calendars
// write and libical refuses (COUNT=-1, a part given twice, UNTIL before
// DTSTART), a stale change of an occurrence; each with a line-numbered note.
#include "core/time_format.hpp"
#include "core/zones.hpp"
#include "ical_ics_test_support.hpp"

#include <fmt/format.h>

#include <vector>

namespace summit::ical {
namespace {

using testing::calendar;
using testing::input_context;
using testing::mentions;
using testing::only_event;
using testing::parsed;

// The header of calendar() takes lines 1-3: BEGIN:VEVENT is line 4, UID 5,
// SUMMARY 6, DTSTART 7, the first of `lines` 8.
std::string council_with(const std::string &lines) {
  return calendar("BEGIN:VEVENT\nUID:cis-1\nSUMMARY:Council\n"
                  "DTSTART;TZID=Europe/Minsk:20250926T100000\nDURATION:PT1H\n" +
                  lines + "END:VEVENT\n");
}

// The event as the daemon would store it: it must be valid.
core::Event stored(const ImportedEvent &imported) {
  auto drafted = core::event_from_add_params(imported.params, input_context());
  EXPECT_TRUE(drafted.has_value()) << (drafted ? "" : drafted.error().message);
  return drafted ? drafted->event : core::Event{};
}

// The UTC starts of the event's occurrences from 2025-09-01 on, at most `limit`.
std::vector<std::string> starts(const core::Event &event, std::size_t limit = 10) {
  const auto *zone = *core::find_zone(event.tz);
  const core::TimeRange range{core::SysSeconds{date::sys_days{date::year{2025} / 9 / 1}},
                              core::SysSeconds{date::sys_days{date::year{2030} / 1 / 1}}};
  std::vector<std::string> out;
  for (const auto &occurrence : occurrences(event, zone, range, limit)) {
    out.push_back(core::format_iso_utc(occurrence.start_utc));
  }
  return out;
}

// The ends of the event's occurrences from 2025-09-01 on.
std::vector<std::string> ends(const core::Event &event) {
  const auto *zone = *core::find_zone(event.tz);
  const core::TimeRange range{core::SysSeconds{date::sys_days{date::year{2025} / 9 / 1}},
                              core::SysSeconds{date::sys_days{date::year{2030} / 1 / 1}}};
  std::vector<std::string> out;
  for (const auto &occurrence : occurrences(event, zone, range, 10)) {
    out.push_back(core::format_iso_utc(occurrence.end_utc));
  }
  return out;
}

TEST(IcsImportRecovery, each_rdate_period_keeps_its_own_length) {
  const auto event =
      only_event(council_with("RDATE;VALUE=PERIOD:20251001T120000Z/20251001T150000Z\n"
                              "RDATE;VALUE=PERIOD:20251008T120000Z/PT30M\n"
                              "RDATE;TZID=Europe/Minsk:20251015T100000\n"));
  EXPECT_TRUE(event.notes.empty());
  const core::Event series = stored(event);
  EXPECT_EQ(starts(series),
            (std::vector<std::string>{"2025-09-26T07:00:00Z", "2025-10-01T12:00:00Z",
                                      "2025-10-08T12:00:00Z", "2025-10-15T07:00:00Z"}));
  EXPECT_EQ(ends(series),
            (std::vector<std::string>{"2025-09-26T08:00:00Z", "2025-10-01T15:00:00Z",
                                      "2025-10-08T12:30:00Z", "2025-10-15T08:00:00Z"}))
      << "three hours, half an hour, and the series' hour";
}

TEST(IcsImportRecovery, a_change_of_an_rdate_period_keeps_the_periods_end) {
  const auto result = parsed(calendar("BEGIN:VEVENT\nUID:p\nSUMMARY:Review\n"
                                      "DTSTART:20250926T070000Z\nDURATION:PT1H\n"
                                      "RDATE;VALUE=PERIOD:20251001T120000Z/20251001T150000Z\n"
                                      "END:VEVENT\n"
                                      "BEGIN:VEVENT\nUID:p\nSUMMARY:Review (room 2)\n"
                                      "RECURRENCE-ID:20251001T120000Z\nEND:VEVENT\n"));
  ASSERT_EQ(result.events.size(), 1U);
  EXPECT_TRUE(result.skipped.empty());
  const core::Event series = stored(result.events[0]);
  ASSERT_EQ(series.recurrence->overrides.size(), 1U);
  EXPECT_EQ(series.recurrence->overrides[0].title, "Review (room 2)");
  EXPECT_EQ(ends(series),
            (std::vector<std::string>{"2025-09-26T08:00:00Z", "2025-10-01T15:00:00Z"}));
}

TEST(IcsImportRecovery, a_change_without_its_series_is_a_single_event_keeping_its_uid) {
  const auto result = parsed(calendar("BEGIN:VEVENT\n"                                    // 4
                                      "UID:board@example.org\n"                           // 5
                                      "SUMMARY:Board (moved)\n"                           // 6
                                      "RECURRENCE-ID;TZID=Europe/Minsk:20251003T100000\n" // 7
                                      "DTSTART;TZID=Europe/Minsk:20251003T150000\n"       // 8
                                      "DTEND;TZID=Europe/Minsk:20251003T160000\n"         // 9
                                      "SEQUENCE:1\n"                                      // 10
                                      "END:VEVENT\n"));                                   // 11
  EXPECT_TRUE(result.skipped.empty());
  ASSERT_EQ(result.events.size(), 1U);
  const ImportedEvent &event = result.events[0];
  EXPECT_EQ(event.uid, "board@example.org");
  EXPECT_EQ(event.line, 4);
  EXPECT_EQ(event.params["title"], "Board (moved)");
  const core::Event meeting = stored(event);
  EXPECT_EQ(meeting.uid, "board@example.org");
  EXPECT_FALSE(meeting.recurrence.has_value());
  EXPECT_EQ(core::format_iso_utc(meeting.start_utc), "2025-10-03T12:00:00Z");
  EXPECT_EQ(core::format_iso_utc(meeting.end_utc), "2025-10-03T13:00:00Z");
  EXPECT_TRUE(mentions(
      event.notes, "line 7: a change of the occurrence 20251003T100000 "
                   "(RECURRENCE-ID) of a series that is not in this file: "
                   "imported as a single event with its UID "
                   "board@example.org (joined to the series if the calendar has "
                   "it; importing the series later joins it as the change of that occurrence)"));
  EXPECT_EQ(event.recurrence_id, "2025-10-03T07:00:00Z");
  EXPECT_EQ(event.series_uid, "board@example.org");
}

TEST(IcsImportRecovery, two_changes_without_their_series_are_two_events) {
  const auto result = parsed(calendar("BEGIN:VEVENT\n"                                    // 4
                                      "UID:board\n"                                       // 5
                                      "SUMMARY:Board 3 Oct\n"                             // 6
                                      "RECURRENCE-ID;TZID=Europe/Minsk:20251003T100000\n" // 7
                                      "DTSTART;TZID=Europe/Minsk:20251003T150000\n"       // 8
                                      "END:VEVENT\n"                                      // 9
                                      "BEGIN:VEVENT\n"                                    // 10
                                      "UID:board\n"                                       // 11
                                      "SUMMARY:Board 10 Oct\n"                            // 12
                                      "RECURRENCE-ID;TZID=Europe/Minsk:20251010T100000\n" // 13
                                      "DTSTART;TZID=Europe/Minsk:20251010T110000\n"       // 14
                                      "END:VEVENT\n"));                                   // 15
  EXPECT_TRUE(result.skipped.empty());
  ASSERT_EQ(result.events.size(), 2U);
  EXPECT_EQ(result.events[0].uid, "board");
  EXPECT_EQ(result.events[0].params["title"], "Board 3 Oct");
  EXPECT_NE(result.events[1].uid, "board");
  EXPECT_EQ(result.events[1].params["uid"], result.events[1].uid);
  EXPECT_EQ(result.events[1].params["title"], "Board 10 Oct");
  EXPECT_EQ(result.events[1].params["start"], "2025-10-10T11:00:00");
  EXPECT_TRUE(mentions(result.events[1].notes,
                       "line 13: a change of the occurrence 20251010T100000 (RECURRENCE-ID) of a "
                       "series that is not in this file: imported as a single event (joined "
                       "to the series if the calendar has it); its UID board is taken by an "
                       "earlier change of the same series, so it was given import-"));
  EXPECT_EQ(result.events[1].series_uid, "board");
  EXPECT_EQ(result.events[1].recurrence_id, "2025-10-10T07:00:00Z");
  // The same file again: the same UIDs.
  const auto again = parsed(calendar("BEGIN:VEVENT\nUID:board\nSUMMARY:Board 3 Oct\n"
                                     "RECURRENCE-ID;TZID=Europe/Minsk:20251003T100000\n"
                                     "DTSTART;TZID=Europe/Minsk:20251003T150000\nEND:VEVENT\n"
                                     "BEGIN:VEVENT\nUID:board\nSUMMARY:Board 10 Oct\n"
                                     "RECURRENCE-ID;TZID=Europe/Minsk:20251010T100000\n"
                                     "DTSTART;TZID=Europe/Minsk:20251010T110000\nEND:VEVENT\n"));
  ASSERT_EQ(again.events.size(), 2U);
  EXPECT_EQ(again.events[1].uid, result.events[1].uid);
}

TEST(IcsImportRecovery, a_negative_count_is_read_as_no_count) {
  const auto event = only_event(council_with("RRULE:FREQ=WEEKLY;COUNT=-1\n"));
  EXPECT_EQ(event.params["recurrence"]["rrule"], "FREQ=WEEKLY");
  EXPECT_TRUE(mentions(event.notes, "line 9: RRULE COUNT=-1: a count of no occurrences was read "
                                    "as no COUNT (the event repeats without end)"));
  EXPECT_EQ(starts(stored(event), 3),
            (std::vector<std::string>{"2025-09-26T07:00:00Z", "2025-10-03T07:00:00Z",
                                      "2025-10-10T07:00:00Z"}));
  EXPECT_EQ(starts(stored(event), 1000).back(), "2029-12-28T07:00:00Z") << "and on, every week";
}

TEST(IcsImportRecovery, a_zero_count_is_read_as_no_count) {
  const auto event = only_event(council_with("RRULE:FREQ=DAILY;COUNT=0;INTERVAL=2\n"));
  EXPECT_EQ(event.params["recurrence"]["rrule"], "FREQ=DAILY;INTERVAL=2");
  EXPECT_TRUE(mentions(event.notes, "line 9: RRULE COUNT=0: a count of no occurrences"));
  EXPECT_EQ(starts(stored(event), 2),
            (std::vector<std::string>{"2025-09-26T07:00:00Z", "2025-09-28T07:00:00Z"}));
}

TEST(IcsImportRecovery, a_rule_part_given_twice_counts_once_the_first) {
  const auto frequency = only_event(council_with("RRULE:FREQ=WEEKLY;FREQ=WEEKLY;COUNT=2\n"));
  EXPECT_EQ(frequency.params["recurrence"]["rrule"], "FREQ=WEEKLY;COUNT=2");
  EXPECT_TRUE(mentions(frequency.notes, "line 9: the RRULE gives FREQ twice: 'FREQ=WEEKLY' was "
                                        "left out, the first one counts"));
  EXPECT_EQ(starts(stored(frequency)),
            (std::vector<std::string>{"2025-09-26T07:00:00Z", "2025-10-03T07:00:00Z"}));

  const auto days = only_event(council_with("RRULE:FREQ=WEEKLY;BYDAY=FR;BYDAY=MO;COUNT=3\n"));
  EXPECT_EQ(days.params["recurrence"]["rrule"], "FREQ=WEEKLY;COUNT=3;BYDAY=FR");
  EXPECT_TRUE(mentions(days.notes, "line 9: the RRULE gives BYDAY twice: 'BYDAY=MO' was left "
                                   "out, the first one counts"));
  EXPECT_EQ(starts(stored(days)),
            (std::vector<std::string>{"2025-09-26T07:00:00Z", "2025-10-03T07:00:00Z",
                                      "2025-10-10T07:00:00Z"}));
}

TEST(IcsImportRecovery, an_until_before_the_start_leaves_one_event_at_the_start) {
  const auto event = only_event(council_with("RRULE:FREQ=WEEKLY;UNTIL=20250901T000000Z\n"));
  EXPECT_FALSE(event.params.contains("recurrence"));
  EXPECT_TRUE(mentions(event.notes, "line 9: RRULE 'FREQ=WEEKLY;UNTIL=20250901T000000Z' ends "
                                    "(UNTIL) before the event starts (DTSTART), so it gives no "
                                    "occurrence: read as one event at DTSTART"));
  const core::Event meeting = stored(event);
  EXPECT_FALSE(meeting.recurrence.has_value());
  EXPECT_EQ(core::format_iso_utc(meeting.start_utc), "2025-09-26T07:00:00Z");
}

TEST(IcsImportRecovery, an_until_before_the_start_keeps_the_rdates) {
  const auto event = only_event(council_with("RRULE:FREQ=WEEKLY;UNTIL=20250901\n"
                                             "RDATE;TZID=Europe/Minsk:20251001T100000\n"));
  EXPECT_FALSE(event.params["recurrence"].contains("rrule"));
  EXPECT_TRUE(mentions(event.notes, "line 9: RRULE 'FREQ=WEEKLY;UNTIL=20250901' ends (UNTIL)"));
  EXPECT_EQ(starts(stored(event)),
            (std::vector<std::string>{"2025-09-26T07:00:00Z", "2025-10-01T07:00:00Z"}));
}

TEST(IcsImportRecovery, several_rrules_give_the_union_of_their_occurrences) {
  // Every Friday, and on the first three Mondays: one rule and RDATEs.
  const auto event = only_event(council_with("RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3\n"
                                             "RRULE:FREQ=WEEKLY;BYDAY=FR\n"));
  EXPECT_EQ(event.params["recurrence"]["rrule"], "FREQ=WEEKLY;BYDAY=FR");
  EXPECT_TRUE(mentions(event.notes, "line 9: another RRULE 'FREQ=WEEKLY;BYDAY=MO;COUNT=3': "
                                    "summit keeps one rule per event (the one on line 10), so "
                                    "its 2 occurrences were added as RDATEs"));
  EXPECT_EQ(starts(stored(event), 6),
            (std::vector<std::string>{"2025-09-26T07:00:00Z", "2025-09-29T07:00:00Z",
                                      "2025-10-03T07:00:00Z", "2025-10-06T07:00:00Z",
                                      "2025-10-10T07:00:00Z", "2025-10-17T07:00:00Z"}));
}

TEST(IcsImportRecovery, of_two_rrules_without_end_the_first_is_kept_with_a_note) {
  const auto event = only_event(council_with("RRULE:FREQ=WEEKLY\nRRULE:FREQ=MONTHLY;COUNT=-1\n"));
  EXPECT_EQ(event.params["recurrence"]["rrule"], "FREQ=WEEKLY");
  EXPECT_FALSE(event.params["recurrence"].contains("rdates"));
  EXPECT_TRUE(mentions(event.notes,
                       "line 10: a second RRULE was left out ('FREQ=MONTHLY;COUNT=-1'; "
                       "the one on line 9 was kept): summit keeps one rule per "
                       "event, and both repeat without end"));
}

TEST(IcsImportRecovery, the_rdates_other_rules_add_are_bounded) {
  // Line 9 repeats without end: the rule; lines 10-21 are twelve others.
  std::string lines = "RRULE:FREQ=WEEKLY\nRRULE:FREQ=DAILY;COUNT=2000\n";
  for (int month = 1; month <= 11; ++month) {
    lines += fmt::format("RRULE:FREQ=YEARLY;BYMONTH={};BYMONTHDAY=1;COUNT=2\n", month);
  }
  const auto event = only_event(council_with(lines));
  EXPECT_EQ(event.params["recurrence"]["rrule"], "FREQ=WEEKLY");
  EXPECT_TRUE(mentions(event.notes, "line 10: another RRULE was left out ('FREQ=DAILY;COUNT=2000'; "
                                    "the one on line 9 was kept): its occurrences would pass the "
                                    "1000 RDATEs summit adds for an event's other rules"));
  EXPECT_TRUE(mentions(event.notes, "line 20: another RRULE was left out ("));
  EXPECT_TRUE(mentions(event.notes, "summit adds the occurrences of at most 10 other rules of an "
                                    "event"));
  EXPECT_EQ(event.params["recurrence"]["rdates"].size(), 9U)
      << "one date from each of the nine monthly rules walked (COUNT=2 counts DTSTART)";
}

TEST(IcsImportRecovery, a_rule_that_cannot_be_mended_still_skips_the_event_naming_the_line) {
  const auto result = parsed(council_with("RRULE:FREQ=FORTNIGHTLY\n"));
  EXPECT_TRUE(result.events.empty());
  ASSERT_EQ(result.skipped.size(), 1U);
  EXPECT_EQ(result.skipped[0].reason, "line 9: RRULE 'FREQ=FORTNIGHTLY' cannot be read");
}

TEST(IcsImportRecovery, a_stale_change_is_left_out_and_the_series_kept) {
  const auto result = parsed(calendar("BEGIN:VEVENT\n"                                    // 4
                                      "UID:sync\n"                                        // 5
                                      "SUMMARY:Sync\n"                                    // 6
                                      "DTSTART;TZID=Europe/Minsk:20250926T100000\n"       // 7
                                      "DURATION:PT1H\n"                                   // 8
                                      "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=4\n"              // 9
                                      "SEQUENCE:3\n"                                      // 10
                                      "END:VEVENT\n"                                      // 11
                                      "BEGIN:VEVENT\n"                                    // 12
                                      "UID:sync\n"                                        // 13
                                      "SUMMARY:Sync (Thursday)\n"                         // 14
                                      "RECURRENCE-ID;TZID=Europe/Minsk:20251002T100000\n" // 15
                                      "DTSTART;TZID=Europe/Minsk:20251002T140000\n"       // 16
                                      "SEQUENCE:1\n"                                      // 17
                                      "END:VEVENT\n"                                      // 18
                                      "BEGIN:VEVENT\n"                                    // 19
                                      "UID:sync\n"                                        // 20
                                      "SUMMARY:Sync (late)\n"                             // 21
                                      "RECURRENCE-ID;TZID=Europe/Minsk:20251010T100000\n" // 22
                                      "DTSTART;TZID=Europe/Minsk:20251010T120000\n"       // 23
                                      "SEQUENCE:3\n"                                      // 24
                                      "END:VEVENT\n"));                                   // 25
  EXPECT_TRUE(result.skipped.empty());
  ASSERT_EQ(result.events.size(), 1U);
  const ImportedEvent &event = result.events[0];
  ASSERT_EQ(event.params["recurrence"]["overrides"].size(), 1U);
  EXPECT_TRUE(mentions(event.notes,
                       "line 12: the change of the occurrence 2025-10-02T10:00:00 "
                       "(RECURRENCE-ID) was left out: the series on line 4 does not give that "
                       "occurrence (its rule was changed since); its SEQUENCE 1 is older than "
                       "the series' 3"));
  const core::Event series = stored(event);
  EXPECT_EQ(starts(series),
            (std::vector<std::string>{"2025-09-26T07:00:00Z", "2025-10-03T07:00:00Z",
                                      "2025-10-10T09:00:00Z", "2025-10-17T07:00:00Z"}));
  ASSERT_EQ(series.recurrence->overrides.size(), 1U);
  EXPECT_EQ(series.recurrence->overrides[0].title, "Sync (late)");
}

TEST(IcsImportRecovery, a_change_of_a_cancelled_occurrence_is_left_out_and_the_series_kept) {
  const auto result = parsed(calendar("BEGIN:VEVENT\n"                                    // 4
                                      "UID:sync\n"                                        // 5
                                      "SUMMARY:Sync\n"                                    // 6
                                      "DTSTART;TZID=Europe/Minsk:20250926T100000\n"       // 7
                                      "RRULE:FREQ=WEEKLY;COUNT=3\n"                       // 8
                                      "EXDATE;TZID=Europe/Minsk:20251003T100000\n"        // 9
                                      "END:VEVENT\n"                                      // 10
                                      "BEGIN:VEVENT\n"                                    // 11
                                      "UID:sync\n"                                        // 12
                                      "RECURRENCE-ID;TZID=Europe/Minsk:20251003T100000\n" // 13
                                      "DTSTART;TZID=Europe/Minsk:20251003T120000\n"       // 14
                                      "END:VEVENT\n"));                                   // 15
  ASSERT_EQ(result.events.size(), 1U);
  EXPECT_FALSE(result.events[0].params["recurrence"].contains("overrides"));
  EXPECT_TRUE(mentions(result.events[0].notes,
                       "line 11: the change of the occurrence 2025-10-03T10:00:00 "
                       "(RECURRENCE-ID) was left out: the series on line 4 does not give that "
                       "occurrence (an EXDATE cancels it)"));
  EXPECT_EQ(starts(stored(result.events[0])),
            (std::vector<std::string>{"2025-09-26T07:00:00Z", "2025-10-10T07:00:00Z"}));
}

} // namespace
} // namespace summit::ical
