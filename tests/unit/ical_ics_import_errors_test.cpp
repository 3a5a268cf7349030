// parse_calendar: broken texts are refused naming the line; unusable
// components are skipped with a reason, the rest imported.
#include "ical_ics_test_support.hpp"

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

TEST(IcsImportErrors, a_begin_without_its_end_is_refused_naming_the_line) {
  EXPECT_EQ(refusal(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nDTSTART:2025092"
                         "6T100000\nEND:VCALENDAR\n")),
            "line 6: END:VCALENDAR does not close the VEVENT begun at line 3");
  EXPECT_EQ(refusal(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nDTSTART:2025")),
            "line 3: BEGIN:VEVENT has no END:VEVENT: the text ends at line 5 (cut short?)");
}

TEST(IcsImportErrors, a_line_that_is_no_property_is_refused_naming_the_line) {
  EXPECT_EQ(refusal(calendar("BEGIN:VEVENT\nUID:a\nX\nDTSTART:20250926T100000\nEND:VEVENT\n")),
            "line 6: 'X' is not a content line (NAME:VALUE); if it continues the line before, it "
            "must start with a space");
}

TEST(IcsImportErrors, an_unknown_component_name_is_refused) {
  EXPECT_EQ(refusal(calendar("BEGIN:VMEETING\nEND:VMEETING\n")),
            "line 4: BEGIN:VMEETING names no iCalendar component");
}

TEST(IcsImportErrors, a_text_that_is_no_calendar_is_refused) {
  EXPECT_EQ(refusal("Hello, world\n"),
            "line 1: 'Hello, world' is not a content line (NAME:VALUE); if it continues the line "
            "before, it must start with a space");
  EXPECT_EQ(refusal(crlf("BEGIN:VCARD\nFN:A\nEND:VCARD\n")),
            "line 1: 'BEGIN:VCARD' is not the start of an iCalendar file, which begins with "
            "BEGIN:VCALENDAR");
  EXPECT_EQ(refusal(crlf("BEGIN:VEVENT\nUID:a\nDTSTART:20250926T100000\nEND:VEVENT\n")),
            "line 1: 'BEGIN:VEVENT' is not the start of an iCalendar file, which begins with "
            "BEGIN:VCALENDAR");
  EXPECT_EQ(refusal(""), "the text is empty: an iCalendar file starts with BEGIN:VCALENDAR");
  EXPECT_EQ(refusal(std::string("BEGIN:VCALENDAR\r\nX-A:\0\r\nEND:VCALENDAR\r\n", 35)),
            "line 2: contains a NUL byte; an iCalendar file is text");
}

// A space where none belongs at the top of a file: the message says which
// line and what to remove, not that a line indented with a space must
// start with one, nor that BEGIN:VCALENDAR is not the start of a file.
TEST(IcsImportErrors, a_stray_space_at_the_start_of_a_file_is_named) {
  EXPECT_EQ(refusal(crlf(" leading\nBEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n")),
            "line 1: 'leading' starts with a space, so it would continue the line before it, but "
            "there is none: remove the space, or join it to the line it belongs to");
  EXPECT_EQ(refusal(crlf("BEGIN:VCALENDAR\n VERSION:2.0\nPRODID:x\nEND:VCALENDAR\n")),
            "line 1: 'BEGIN:VCALENDARVERSION:2.0': the line after BEGIN:VCALENDAR starts with a "
            "space, so it was read as the rest of that line (a folded line); remove the space at "
            "the start of line 2");
}

TEST(IcsImportErrors, an_event_without_dtstart_is_skipped_with_its_line) {
  const auto result =
      parsed(calendar("BEGIN:VEVENT\nUID:no-start\nSUMMARY:When?\nEND:VEVENT\n"
                      "BEGIN:VEVENT\nUID:ok\nSUMMARY:x\nDTSTART:20250926T100000\nEND:VEVENT\n"));
  ASSERT_EQ(result.events.size(), 1U);
  ASSERT_EQ(result.skipped.size(), 1U);
  EXPECT_EQ(result.skipped[0].line, 4);
  EXPECT_EQ(result.skipped[0].uid, "no-start");
  EXPECT_EQ(result.skipped[0].summary, "When?");
  EXPECT_EQ(result.skipped[0].reason,
            "line 4: DTSTART is missing: summit needs to know when the event starts");
}

TEST(IcsImportErrors, a_value_libical_cannot_read_skips_the_event_naming_line_and_value) {
  const auto result = parsed(calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART:INVALID-DATE\n"
                                      "END:VEVENT\n"));
  ASSERT_EQ(result.skipped.size(), 1U);
  EXPECT_EQ(result.skipped[0].reason,
            "line 7: DTSTART 'INVALID-DATE' cannot be read (Can't parse as DATE-TIME value in "
            "DTSTART property)");
}

TEST(IcsImportErrors, an_end_before_the_start_or_a_negative_duration_is_skipped) {
  const auto result = parsed(calendar(
      "BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART:20250926T100000Z\nDTEND:20250926T090000Z\n"
      "END:VEVENT\nBEGIN:VEVENT\nUID:b\nSUMMARY:x\nDTSTART:20250926T100000Z\nDURATION:-PT2H\n"
      "END:VEVENT\n"));
  EXPECT_TRUE(result.events.empty());
  ASSERT_EQ(result.skipped.size(), 2U);
  EXPECT_EQ(result.skipped[0].reason,
            "line 8: DTEND 2025-09-26T09:00:00Z is before DTSTART 2025-09-26T10:00:00Z");
  EXPECT_EQ(result.skipped[1].reason,
            "line 14: DURATION '-PT2H' is negative: the event would end before it starts");
}

TEST(IcsImportErrors, other_components_are_skipped_as_no_events) {
  const auto result = parsed(calendar("BEGIN:VTODO\nUID:t\nSUMMARY:Write the report\nEND:VTODO\n"
                                      "BEGIN:VJOURNAL\nUID:j\nEND:VJOURNAL\n"));
  ASSERT_EQ(result.skipped.size(), 2U);
  EXPECT_EQ(result.skipped[0].reason, "line 4: VTODO is not an event");
  EXPECT_EQ(result.skipped[0].summary, "Write the report");
  EXPECT_EQ(result.skipped[1].reason, "line 8: VJOURNAL is not an event");
}

TEST(IcsImportErrors, a_property_after_the_calendar_is_reported_and_the_rest_imported) {
  const auto result = parsed(calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART:20250926T100000\n"
                                      "END:VEVENT\n") +
                             "X-COMMENT:cached\r\n");
  EXPECT_EQ(result.events.size(), 1U);
  ASSERT_EQ(result.skipped.size(), 1U);
  EXPECT_EQ(result.skipped[0].line, 10);
}

TEST(IcsImportErrors, properties_summit_does_not_keep_are_ignored_even_when_damaged) {
  const auto result = parsed(calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nDTSTART:20250926T100000\n"
                                      "GEO:;\nATTENDEE;CN=\"Sixt SE\":mailto:x@example.org\n"
                                      "X-UNKNOWN-THING:1\nREFRESH-LATER:2\nEND:VEVENT\n"));
  ASSERT_EQ(result.events.size(), 1U);
  EXPECT_TRUE(result.events[0].notes.empty());
}

} // namespace
} // namespace summit::ical
