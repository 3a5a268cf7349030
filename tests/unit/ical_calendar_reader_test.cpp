// CalendarReader: a file's events a batch at a time, with what holds at once
// bounded by the batch (issue 13: a 14 MB file of 90,000 events took 470 MB
// when libical and the readings held it whole).
#include "core/ical/ics_import.hpp"
#include "core/ical/ics_outline.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace summit::ical {
namespace {

std::string vevent(const std::string &uid, int day, const std::string &extra = {}) {
  return fmt::format("BEGIN:VEVENT\r\nUID:{}\r\nDTSTAMP:20260101T000000Z\r\n"
                     "DTSTART;TZID=Europe/Minsk:202809{:02}T100000\r\nDURATION:PT1H\r\n"
                     "SUMMARY:meeting {}\r\n{}END:VEVENT\r\n",
                     uid, day, uid, extra);
}

std::string wrap(const std::string &body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n";
}

std::vector<std::string> uids(const ParsedCalendar &parsed) {
  std::vector<std::string> out;
  for (const auto &event : parsed.events) {
    out.push_back(event.uid);
  }
  return out;
}

// Every event comes out once, in the order of its series in the file, and
// the reader stops at each batch with the rest still to read; what it gives
// is what parse_calendar gives for the whole text. A change of one
// occurrence is folded into its series whichever side of a batch boundary
// it is on, and a duplicate UID is decided across the whole file.
TEST(CalendarReader, reads_in_batches_what_parse_calendar_reads_whole) {
  std::string body;
  // A change that comes before its series, and one far after it.
  body += vevent("weekly", 3, "RECURRENCE-ID;TZID=Europe/Minsk:20280910T100000\r\n");
  for (int i = 0; i < 25; ++i) {
    const std::string rule = i == 2 ? "RRULE:FREQ=WEEKLY;COUNT=5\r\n" : "";
    body += vevent(i == 2 ? "weekly" : fmt::format("e{}", i), 1 + i % 28, rule);
  }
  body += vevent("weekly", 4, "RECURRENCE-ID;TZID=Europe/Minsk:20280917T100000\r\n");
  // The same UID again with a higher SEQUENCE: it replaces the first.
  body += vevent("e5", 20, "SEQUENCE:2\r\n");
  const std::string text = wrap(body);

  auto whole = parse_calendar(text, ImportOptions{"UTC"});
  ASSERT_TRUE(whole) << whole.error().message;
  ASSERT_EQ(whole->events.size(), 25U);

  auto reader = CalendarReader::open(text, ImportOptions{"UTC"});
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ((*reader)->series(), 25U);
  ParsedCalendar batches;
  std::vector<std::size_t> sizes;
  bool more = true;
  while (more) {
    // A batch is 10 components, events or skipped (the first e5 is
    // replaced by the second, and skipped).
    const std::size_t before = batches.events.size() + batches.skipped.size();
    more = (*reader)->read(10, batches);
    sizes.push_back(batches.events.size() + batches.skipped.size() - before);
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 10, 6}));
  EXPECT_EQ(batches.skipped.size(), 1U);
  EXPECT_EQ(uids(batches), uids(*whole));
  for (std::size_t i = 0; i < batches.events.size(); ++i) {
    EXPECT_EQ(batches.events[i].params, whole->events[i].params) << batches.events[i].uid;
  }
  const auto &weekly = batches.events[2];
  ASSERT_EQ(weekly.uid, "weekly");
  EXPECT_EQ(weekly.params["recurrence"]["overrides"].size(), 2U);
  const auto &e5 = batches.events[5];
  ASSERT_EQ(e5.uid, "e5");
  EXPECT_EQ(e5.params["start"], "2028-09-20T10:00:00") << "the higher SEQUENCE wins";
  ASSERT_EQ(batches.skipped.size(), 1U);
  EXPECT_NE(batches.skipped[0].reason.find("another event has the same UID e5"), std::string::npos)
      << batches.skipped[0].reason;
}

// A change whose series is not in the file becomes a single event, and a
// component that is no event is skipped, where they are met, each once.
TEST(CalendarReader, reads_changes_without_their_series_and_skips_components_that_are_no_events) {
  const std::string text =
      wrap(vevent("a", 1) + vevent("lost", 2, "RECURRENCE-ID:20280905T100000Z\r\n") +
           "BEGIN:VTODO\r\nUID:t\r\nSUMMARY:todo\r\nEND:VTODO\r\n" + vevent("b", 3));
  auto reader = CalendarReader::open(text, ImportOptions{"UTC"});
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ((*reader)->series(), 3U) << "a, the change of lost, b";
  ParsedCalendar first;
  EXPECT_TRUE((*reader)->read(1, first));
  EXPECT_EQ(uids(first), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(first.skipped.empty());
  ParsedCalendar rest;
  EXPECT_FALSE((*reader)->read(10, rest));
  EXPECT_EQ(uids(rest), (std::vector<std::string>{"lost", "b"}));
  ASSERT_EQ(rest.skipped.size(), 1U);
  EXPECT_NE(rest.skipped[0].reason.find("VTODO is not an event"), std::string::npos)
      << rest.skipped[0].reason;
}

// What refuses the whole file is found by open(), before any event is read.
TEST(CalendarReader, a_damaged_file_is_refused_before_any_event_is_read) {
  const std::string text = wrap(vevent("a", 1) + "BEGIN:VEVENT\r\nUID:b\r\n");
  auto reader = CalendarReader::open(text, ImportOptions{"UTC"});
  ASSERT_FALSE(reader);
  EXPECT_NE(reader.error().message.find("END:VCALENDAR does not close the VEVENT"),
            std::string::npos)
      << reader.error().message;
}

// The outline holds slices of the text, not copies: only a folded line, or
// one whose property name is not upper-case, is copied.
TEST(IcsOutline, lines_are_slices_of_the_text_unless_folded_or_renamed) {
  const std::string text = wrap("BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:long\r\n  title\r\n"
                                "dtstart:20280901T100000Z\r\nEND:VEVENT\r\n");
  auto outline = detail::outline_calendar(text);
  ASSERT_TRUE(outline) << outline.error().message;
  EXPECT_EQ(outline->arena, "SUMMARY:long titleDTSTART:20280901T100000Z");
  std::size_t slices = 0;
  for (const auto &line : outline->lines) {
    slices += (line.offset & detail::ContentLine::k_in_arena) == 0 ? 1 : 0;
  }
  EXPECT_EQ(slices, outline->lines.size() - 2);
  EXPECT_EQ(sizeof(detail::ContentLine), 16U);
  const auto &event = outline->components[1];
  const auto *summary = detail::find_line(*outline, event, "SUMMARY");
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(outline->text_of(*summary), "SUMMARY:long title");
  const auto *start = detail::find_line(*outline, event, "DTSTART");
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(outline->text_of(*start), "DTSTART:20280901T100000Z");
  EXPECT_EQ(start->line, 8);
}

} // namespace
} // namespace summit::ical
