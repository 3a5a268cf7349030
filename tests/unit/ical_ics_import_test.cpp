// parse_calendar: text fields, uid, recurrence, changed occurrences and
// alarms of a VEVENT.
#include "ical_ics_test_support.hpp"

namespace summit::ical {
namespace {

using nlohmann::json;
using testing::calendar;
using testing::mentions;
using testing::only_event;
using testing::parsed;

constexpr const char *k_start = "DTSTART;TZID=Europe/Minsk:20250926T100000\n";

std::string event_with(const std::string &lines) {
  return calendar("BEGIN:VEVENT\nUID:cis-1\nSUMMARY:Council\n" + std::string(k_start) + lines +
                  "END:VEVENT\n");
}

TEST(IcsImport, text_is_unescaped_and_categories_become_tags) {
  const auto event = only_event(calendar(
      "BEGIN:VEVENT\nUID:a\nSUMMARY:Budget\\, plan\\; vote \\\\ 2026\nDTSTART:20250926T100000\n"
      "LOCATION:Minsk\\, Belarus\nDESCRIPTION:line one\\nline two\n"
      "CATEGORIES:cis,summit\nCATEGORIES:minsk\nSTATUS:CANCELLED\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["title"], "Budget, plan; vote \\ 2026");
  EXPECT_EQ(event.params["location"], "Minsk, Belarus");
  EXPECT_EQ(event.params["description"], "line one\nline two");
  EXPECT_EQ(event.params["tags"], json({"cis", "summit", "minsk"}));
  EXPECT_EQ(event.params["status"], "cancelled");
  EXPECT_EQ(event.summary, "Budget, plan; vote \\ 2026");
  EXPECT_EQ(event.uid, "a");
}

TEST(IcsImport, an_event_without_summary_is_titled_no_title_with_a_note) {
  const auto event =
      only_event(calendar("BEGIN:VEVENT\nUID:a\nDTSTART:20250926T100000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["title"], "(no title)");
  EXPECT_TRUE(mentions(event.notes, "line 4: the event has no SUMMARY"));
}

TEST(IcsImport, an_event_without_uid_gets_one_derived_from_its_start_and_title) {
  const auto text = calendar("BEGIN:VEVENT\nSUMMARY:x\nDTSTART:20250926T100000\nEND:VEVENT\n");
  const auto first = only_event(text);
  const auto again = only_event(text);
  const auto other =
      only_event(calendar("BEGIN:VEVENT\nSUMMARY:y\nDTSTART:20250926T100000\nEND:VEVENT\n"));
  EXPECT_EQ(first.uid, again.uid);
  EXPECT_EQ(first.params["uid"], first.uid);
  EXPECT_NE(first.uid, other.uid);
  EXPECT_EQ(first.uid.rfind("import-", 0), 0U);
  EXPECT_TRUE(mentions(first.notes, "the event has no UID"));
}

TEST(IcsImport, invalid_utf8_is_replaced_with_a_note) {
  const auto event = only_event(calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:caf\xE9\nDTSTART:"
                                         "20250926T100000\nEND:VEVENT\n"));
  EXPECT_EQ(event.params["title"], "caf\xEF\xBF\xBD");
  EXPECT_TRUE(mentions(event.notes, "line 6: SUMMARY is not valid UTF-8"));
}

TEST(IcsImport, the_rrule_is_passed_on_as_text) {
  const auto event = only_event(event_with("RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR\n"));
  EXPECT_EQ(event.params["recurrence"]["rrule"], "FREQ=YEARLY;BYDAY=-1FR;BYMONTH=9");
}

TEST(IcsImport, a_floating_until_is_read_in_the_events_zone_and_written_in_utc) {
  const auto event = only_event(event_with("RRULE:FREQ=WEEKLY;UNTIL=20251231T100000\n"));
  EXPECT_EQ(event.params["recurrence"]["rrule"], "FREQ=WEEKLY;UNTIL=20251231T070000Z");
}

// Until issue 16 the second rule was left out; ical_ics_import_recovery_test.cpp
// has the other cases.
TEST(IcsImport, a_second_rrule_adds_its_occurrences_as_rdates_with_a_note) {
  const auto event =
      only_event(event_with("RRULE:FREQ=WEEKLY;COUNT=3\nRRULE:FREQ=MONTHLY;COUNT=2\n"));
  EXPECT_EQ(event.params["recurrence"]["rrule"], "FREQ=WEEKLY;COUNT=3");
  EXPECT_EQ(event.params["recurrence"]["rdates"], json({"2025-10-26T10:00:00"}));
  EXPECT_TRUE(mentions(event.notes, "line 9: another RRULE 'FREQ=MONTHLY;COUNT=2': "
                                    "summit keeps one rule per event (the one on line 8), so "
                                    "its occurrence was added as an RDATE"));
}

TEST(IcsImport, rdates_and_exdates_are_read_in_every_list_form_and_zone) {
  const auto event =
      only_event(event_with("RRULE:FREQ=WEEKLY\n"
                            "RDATE;TZID=Europe/Minsk:20251001T100000,20251002T100000\n"
                            "RDATE:20251003T070000Z\n"
                            "EXDATE;TZID=America/New_York:20251003T030000\n"
                            "EXDATE;TZID=Europe/Minsk:20251010T100000\nEXDATE:20251017T100000\n"));
  EXPECT_EQ(event.params["recurrence"]["rdates"],
            json({"2025-10-01T10:00:00", "2025-10-02T10:00:00", "2025-10-03T07:00:00Z"}));
  EXPECT_EQ(event.params["recurrence"]["exdates"],
            json({"2025-10-03T07:00:00Z", "2025-10-10T10:00:00", "2025-10-17T10:00:00"}));
}

TEST(IcsImport, exdates_alone_make_no_recurrence) {
  const auto event = only_event(event_with("EXDATE;TZID=Europe/Minsk:20251010T100000\n"));
  EXPECT_FALSE(event.params.contains("recurrence"));
}

TEST(IcsImport, changed_occurrences_are_folded_into_their_series) {
  const auto result = parsed(calendar(
      "BEGIN:VEVENT\nUID:weekly\nSUMMARY:Changed\nRECURRENCE-ID;TZID=Europe/Minsk:20251003T100000"
      "\nDTSTART;TZID=Europe/Minsk:20251003T140000\nDTEND;TZID=Europe/Minsk:20251003T150000\n"
      "LOCATION:Room 2\nEND:VEVENT\n"
      "BEGIN:VEVENT\nUID:weekly\nSUMMARY:Weekly\nDTSTART;TZID=Europe/Minsk:20250926T100000\n"
      "DTEND;TZID=Europe/Minsk:20250926T110000\nRRULE:FREQ=WEEKLY\nEND:VEVENT\n"
      "BEGIN:VEVENT\nUID:weekly\nSUMMARY:Weekly\nRECURRENCE-ID;TZID=Europe/Minsk:20251010T100000"
      "\nDTSTART;TZID=Europe/Minsk:20251010T100000\nSTATUS:CANCELLED\nEND:VEVENT\n"));
  ASSERT_EQ(result.events.size(), 1U);
  EXPECT_TRUE(result.skipped.empty());
  const json &overrides = result.events[0].params["recurrence"]["overrides"];
  ASSERT_EQ(overrides.size(), 2U);
  EXPECT_EQ(overrides[0], json({{"occurrence", "2025-10-03T10:00:00"},
                                {"start", "2025-10-03T14:00:00"},
                                {"end", "2025-10-03T15:00:00"},
                                {"title", "Changed"},
                                {"location", "Room 2"}}));
  EXPECT_EQ(overrides[1], json({{"occurrence", "2025-10-10T10:00:00"}, {"status", "cancelled"}}));
  EXPECT_EQ(result.events[0].line, 12);
}

// Was skipped until issue 16: an invitation to one changed meeting is a
// meeting (ical_ics_import_recovery_test.cpp has the rest).
TEST(IcsImport, a_change_of_an_occurrence_whose_series_is_missing_is_a_single_event) {
  const auto result = parsed(calendar(
      "BEGIN:VEVENT\nUID:lost\nSUMMARY:x\nRECURRENCE-ID:20251003T100000Z\nDTSTART:20251003T1200"
      "00Z\nEND:VEVENT\n"));
  EXPECT_TRUE(result.skipped.empty());
  ASSERT_EQ(result.events.size(), 1U);
  EXPECT_EQ(result.events[0].line, 4);
  EXPECT_EQ(result.events[0].uid, "lost");
  EXPECT_EQ(result.events[0].params["start"], "2025-10-03T12:00:00Z");
  EXPECT_FALSE(result.events[0].params.contains("recurrence"));
  EXPECT_TRUE(mentions(result.events[0].notes,
                       "line 7: a change of the occurrence 20251003T100000Z (RECURRENCE-ID) of a "
                       "series that is not in this file: imported as a single event"));
}

TEST(IcsImport, alarms_become_reminders_before_the_start) {
  const auto event = only_event(event_with(
      "DTEND;TZID=Europe/Minsk:20250926T120000\n"
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:-P1D\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:AUDIO\nTRIGGER:-PT15M\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:EMAIL\nSUMMARY:x\nDESCRIPTION:x\nATTENDEE:mailto:a@example.org\n"
      "TRIGGER;RELATED=END:-PT3H\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER;VALUE=DATE-TIME:20250925T090000Z\n"
      "END:VALARM\n"
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:PT0S\nEND:VALARM\n"));
  EXPECT_EQ(event.params["reminders"], json::parse(R"([{"before": "P1D"}, {"before": "PT15M"},
      {"before": "PT1H"}, {"at": "2025-09-25T09:00:00Z"}, {"before": "PT0S"}])"));
  EXPECT_TRUE(event.notes.empty());
}

TEST(IcsImport, alarms_summit_cannot_keep_are_left_out_with_a_note) {
  const auto event = only_event(event_with(
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:PT10M\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:PROCEDURE\nATTACH:file:///bin/true\nTRIGGER:-PT5M\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER;VALUE=TIME:230000\nEND:VALARM\n"));
  EXPECT_FALSE(event.params.contains("reminders"));
  EXPECT_TRUE(mentions(event.notes, "line 11: an alarm 10m after the start was left out"));
  EXPECT_TRUE(mentions(event.notes, "line 13: an alarm with ACTION:PROCEDURE was left out"));
  EXPECT_TRUE(mentions(event.notes, "line 21: an alarm was left out: TRIGGER"));
}

TEST(IcsImport, an_event_with_the_same_uid_twice_keeps_the_higher_sequence) {
  const auto result = parsed(calendar(
      "BEGIN:VEVENT\nUID:a\nSEQUENCE:1\nSUMMARY:old\nDTSTART:20250926T100000\nEND:VEVENT\n"
      "BEGIN:VEVENT\nUID:a\nSEQUENCE:2\nSUMMARY:new\nDTSTART:20250926T100000\nEND:VEVENT\n"));
  ASSERT_EQ(result.events.size(), 1U);
  EXPECT_EQ(result.events[0].params["title"], "new");
  ASSERT_EQ(result.skipped.size(), 1U);
  EXPECT_EQ(result.skipped[0].line, 4);
}

TEST(IcsImport, several_calendars_lf_line_ends_and_folded_lines_are_read) {
  const std::string text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:one\nSUMMARY:Засе\n "
                           "дание\nDTSTART:20250926T100000\nEND:VEVENT\nEND:VCALENDAR\n"
                           "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:two\nSUMMARY:b\n"
                           "DTSTART:20250927T100000\nEND:VEVENT\nEND:VCALENDAR\n";
  const auto result = parsed(text);
  ASSERT_EQ(result.events.size(), 2U);
  EXPECT_EQ(result.events[0].params["title"], "Заседание");
  EXPECT_EQ(result.events[1].line, 12);
}

} // namespace
} // namespace summit::ical
