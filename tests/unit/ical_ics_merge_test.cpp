// merge_resource: a local edit put onto the server's copy of a resource.
#include "core/ical/ics_merge.hpp"

#include <gtest/gtest.h>

#include <string>

namespace summit::ical {
namespace {

std::string alarm(const std::string &trigger, const std::string &action = "DISPLAY") {
  return "BEGIN:VALARM\r\nACTION:" + action + "\r\nDESCRIPTION:x\r\nTRIGGER:" + trigger +
         "\r\nEND:VALARM\r\n";
}

std::string calendar(const std::string &body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n";
}

// What another client wrote: 5 alarms, attendees, an X- property, a
// parameter summit does not model.
std::string server() {
  return calendar("BEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20260101T000000Z\r\nSEQUENCE:2\r\n"
                  "DTSTART:20301010T090000Z\r\nDTEND:20301010T100000Z\r\n"
                  "SUMMARY;LANGUAGE=en:Board\r\nORGANIZER:mailto:boss@example.org\r\n"
                  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@example.org\r\nX-FOO;X-P=1:bar\r\n" +
                  alarm("-PT15M") + alarm("-PT1H") + alarm("-P1D") + alarm("-P2D") + alarm("-P3D") +
                  "END:VEVENT\r\n");
}

// summit's rendering of what it read (the first 3 alarms).
std::string rendering(const std::string &title, const std::string &alarms) {
  return calendar("BEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20261208T000000Z\r\n"
                  "DTSTART:20301010T090000Z\r\nDTEND:20301010T100000Z\r\nSUMMARY:" +
                  title + "\r\nSTATUS:CONFIRMED\r\n" + alarms + "END:VEVENT\r\n");
}

std::string three() { return alarm("-PT15M") + alarm("-PT1H") + alarm("-PT24H"); }

std::size_t count(const std::string &text, const std::string &what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST(IcsMerge, a_new_title_keeps_everything_summit_does_not_model) {
  const auto merged =
      merge_resource(server(), rendering("Board", three()), rendering("Board (moved)", three()));
  ASSERT_TRUE(merged.merged);
  EXPECT_NE(merged.ics.find("SUMMARY:Board (moved)"), std::string::npos) << merged.ics;
  EXPECT_EQ(merged.ics.find("LANGUAGE=en"), std::string::npos); // replaced whole
  EXPECT_NE(merged.ics.find("ORGANIZER:mailto:boss@example.org"), std::string::npos);
  EXPECT_NE(merged.ics.find("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@example.org"), std::string::npos);
  EXPECT_NE(merged.ics.find("X-FOO;X-P=1:bar"), std::string::npos);
  EXPECT_EQ(count(merged.ics, "BEGIN:VALARM"), 5u);
  EXPECT_NE(merged.ics.find("TRIGGER:-P3D"), std::string::npos);
  EXPECT_NE(merged.ics.find("DTSTAMP:20261208T000000Z"), std::string::npos);
  EXPECT_NE(merged.ics.find("SEQUENCE:2"), std::string::npos); // no time changed
  // STATUS: summit renders CONFIRMED both times; the server had none: kept so.
  EXPECT_EQ(merged.ics.find("STATUS"), std::string::npos);
}

TEST(IcsMerge, unchanged_fields_keep_the_servers_spelling) {
  const auto merged =
      merge_resource(server(), rendering("Board", three()), rendering("Board", three()));
  ASSERT_TRUE(merged.merged);
  EXPECT_NE(merged.ics.find("SUMMARY;LANGUAGE=en:Board"), std::string::npos);
  EXPECT_EQ(count(merged.ics, "BEGIN:VALARM"), 5u);
}

TEST(IcsMerge, changed_reminders_replace_the_shown_alarms_and_keep_the_others) {
  const auto merged =
      merge_resource(server(), rendering("Board", three()), rendering("Board", alarm("-PT5M")));
  ASSERT_TRUE(merged.merged);
  // The 3 summit showed (-PT15M, -PT1H, -P1D) gave way to the user's one;
  // the 2 it never showed stay, after it.
  EXPECT_EQ(count(merged.ics, "BEGIN:VALARM"), 3u) << merged.ics;
  EXPECT_EQ(merged.ics.find("TRIGGER:-PT15M"), std::string::npos);
  EXPECT_EQ(merged.ics.find("TRIGGER:-P1D"), std::string::npos);
  const auto mine = merged.ics.find("TRIGGER:-PT5M");
  ASSERT_NE(mine, std::string::npos);
  EXPECT_LT(mine, merged.ics.find("TRIGGER:-P2D"));
  EXPECT_LT(mine, merged.ics.find("TRIGGER:-P3D"));
}

TEST(IcsMerge, a_moved_event_bumps_the_sequence) {
  std::string moved = rendering("Board", three());
  moved.replace(moved.find("DTSTART:20301010T090000Z"), 24, "DTSTART:20301011T090000Z");
  const auto merged = merge_resource(server(), rendering("Board", three()), moved);
  EXPECT_NE(merged.ics.find("DTSTART:20301011T090000Z"), std::string::npos);
  EXPECT_NE(merged.ics.find("SEQUENCE:3"), std::string::npos);
  EXPECT_NE(merged.ics.find("ATTENDEE"), std::string::npos);
}

TEST(IcsMerge, an_occurrence_changed_here_is_added_and_one_removed_here_goes) {
  const std::string series_server =
      calendar("BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20301010T090000Z\r\nRRULE:FREQ=DAILY\r\n"
               "SUMMARY:S\r\nX-KEEP:1\r\nEND:VEVENT\r\n"
               "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20301011T090000Z\r\n"
               "DTSTART:20301011T100000Z\r\nSUMMARY:S moved\r\nX-KEEP:2\r\nEND:VEVENT\r\n");
  const std::string base =
      calendar("BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20301010T090000Z\r\nRRULE:FREQ=DAILY\r\n"
               "SUMMARY:S\r\nEND:VEVENT\r\n"
               "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20301011T090000Z\r\n"
               "DTSTART:20301011T100000Z\r\nSUMMARY:S moved\r\nEND:VEVENT\r\n");
  const std::string local =
      calendar("BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20301010T090000Z\r\nRRULE:FREQ=DAILY\r\n"
               "SUMMARY:S\r\nEND:VEVENT\r\n"
               "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20301012T090000Z\r\n"
               "DTSTART:20301012T110000Z\r\nSUMMARY:S later\r\nEND:VEVENT\r\n");
  const auto merged = merge_resource(series_server, base, local);
  ASSERT_TRUE(merged.merged);
  EXPECT_NE(merged.ics.find("X-KEEP:1"), std::string::npos);
  EXPECT_EQ(merged.ics.find("X-KEEP:2"), std::string::npos) << merged.ics;
  EXPECT_NE(merged.ics.find("SUMMARY:S later"), std::string::npos);
  EXPECT_EQ(count(merged.ics, "BEGIN:VEVENT"), 2u);
}

TEST(IcsMerge, an_unreadable_server_copy_pushes_summits_own_with_a_note) {
  const std::string local = rendering("Board", three());
  const auto merged = merge_resource("not a calendar", rendering("Board", three()), local);
  EXPECT_FALSE(merged.merged);
  EXPECT_EQ(merged.ics, local);
  EXPECT_EQ(merged.notes.size(), 1u);
}

// A malicious or careless server: its text is untrusted.

TEST(IcsMerge, an_event_of_another_uid_in_the_resource_stays_as_it_is) {
  // Two VEVENTs, neither with a RECURRENCE-ID: the edit of B is B's only.
  const std::string two = calendar("BEGIN:VEVENT\r\nUID:A\r\nDTSTART:20301010T090000Z\r\nSUMMARY:"
                                   "Alpha\r\nX-A:1\r\nEND:VEVENT\r\n"
                                   "BEGIN:VEVENT\r\nUID:B\r\nDTSTART:20301010T090000Z\r\nSUMMARY:"
                                   "Beta\r\nX-B:1\r\nEND:VEVENT\r\n");
  const auto of_b = [](const std::string &title) {
    return calendar("BEGIN:VEVENT\r\nUID:B\r\nDTSTART:20301010T090000Z\r\nSUMMARY:" + title +
                    "\r\nEND:VEVENT\r\n");
  };
  const auto merged = merge_resource(two, of_b("Beta"), of_b("Beta (moved)"));
  ASSERT_TRUE(merged.merged);
  const auto b = merged.ics.find("UID:B");
  ASSERT_NE(b, std::string::npos) << merged.ics;
  EXPECT_NE(merged.ics.find("SUMMARY:Alpha"), std::string::npos) << merged.ics;
  EXPECT_LT(merged.ics.find("SUMMARY:Alpha"), b);
  EXPECT_GT(merged.ics.find("SUMMARY:Beta (moved)"), b) << merged.ics;
  EXPECT_GT(merged.ics.find("X-B:1"), b);
  EXPECT_EQ(count(merged.ics, "BEGIN:VEVENT"), 2u);
}

TEST(IcsMerge, a_resource_without_the_events_uid_is_not_merged) {
  const std::string other = calendar(
      "BEGIN:VEVENT\r\nUID:A\r\nDTSTART:20301010T090000Z\r\nSUMMARY:Alpha\r\nEND:VEVENT\r\n");
  const std::string local = rendering("Board", three());
  const auto merged = merge_resource(other, rendering("Board", three()), local);
  EXPECT_FALSE(merged.merged);
  EXPECT_EQ(merged.ics, local);
}

TEST(IcsMerge, the_sequence_never_wraps_negative) {
  std::string at_most = server();
  at_most.replace(at_most.find("SEQUENCE:2"), 10, "SEQUENCE:2147483647");
  std::string moved = rendering("Board", three());
  moved.replace(moved.find("DTSTART:20301010T090000Z"), 24, "DTSTART:20301011T090000Z");
  const auto merged = merge_resource(at_most, rendering("Board", three()), moved);
  ASSERT_TRUE(merged.merged);
  EXPECT_NE(merged.ics.find("SEQUENCE:2147483647"), std::string::npos) << merged.ics;
  EXPECT_EQ(merged.ics.find("SEQUENCE:-"), std::string::npos);
}

TEST(IcsMerge, components_nested_deep_are_not_merged_nor_walked) {
  // 60,000 levels fit in 1 MiB; walking them recursively overflowed the
  // stack.
  std::string deep;
  for (int i = 0; i < 60000; ++i) {
    deep += "BEGIN:X\r\n";
  }
  for (int i = 0; i < 60000; ++i) {
    deep += "END:X\r\n";
  }
  std::string text = server();
  text.insert(text.rfind("END:VCALENDAR"), deep);
  const std::string local = rendering("Board (moved)", three());
  const auto merged = merge_resource(text, rendering("Board", three()), local);
  EXPECT_FALSE(merged.merged);
  EXPECT_EQ(merged.ics, local);
  ASSERT_EQ(merged.notes.size(), 1u);
  EXPECT_NE(merged.notes[0].find("nest more than 8 deep"), std::string::npos) << merged.notes[0];
}

TEST(IcsMerge, a_nul_byte_is_not_cut_at) {
  // Read up to the NUL only, the rest of the server's text would be lost.
  std::string text = server();
  text.insert(text.find("ORGANIZER"), std::string("X-NUL:a\0b\r\n", 11));
  const std::string local = rendering("Board (moved)", three());
  const auto merged = merge_resource(text, rendering("Board", three()), local);
  EXPECT_FALSE(merged.merged);
  EXPECT_EQ(merged.ics, local);
  ASSERT_EQ(merged.notes.size(), 1u);
  EXPECT_NE(merged.notes[0].find("NUL"), std::string::npos);
}

TEST(IcsMerge, of_one_occurrence_twice_the_one_summit_read_gets_the_edit) {
  // summit's import keeps the higher SEQUENCE (else the first); the merge
  // must edit that one, or the next sync reads back the untouched one.
  const auto change = [](const std::string &title, const std::string &extra) {
    return "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20301011T090000Z\r\n"
           "DTSTART:20301011T100000Z\r\nSUMMARY:" +
           title + "\r\n" + extra + "END:VEVENT\r\n";
  };
  const std::string series =
      "BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20301010T090000Z\r\nRRULE:FREQ=DAILY\r\n"
      "SUMMARY:S\r\nEND:VEVENT\r\n";
  const std::string text = calendar(series + change("old", "SEQUENCE:1\r\nX-OLD:1\r\n") +
                                    change("new", "SEQUENCE:5\r\nX-NEW:1\r\n"));
  const auto merged = merge_resource(text, calendar(series + change("new", "")),
                                     calendar(series + change("new (edited)", "")));
  ASSERT_TRUE(merged.merged);
  const auto edited = merged.ics.find("SUMMARY:new (edited)");
  ASSERT_NE(edited, std::string::npos) << merged.ics;
  EXPECT_GT(merged.ics.rfind("BEGIN:VEVENT", edited), merged.ics.find("X-OLD:1")) << merged.ics;
  EXPECT_NE(merged.ics.find("SUMMARY:old"), std::string::npos);
  EXPECT_NE(merged.ics.find("X-NEW:1"), std::string::npos);
}

TEST(IcsMerge, many_replaced_lines_go_in_one_pass_and_the_rest_stays_in_order) {
  // 20,000 CATEGORIES after 20,000 X- properties, and lines libical cannot
  // read: removing the replaced ones one by one was quadratic (libical
  // walks the whole list for each: 3 s of CPU here; 30 s for 30,000 lines
  // it could not read). The order of what stays is kept.
  std::string lines;
  for (int i = 0; i < 20000; ++i) {
    lines += "X-P:" + std::to_string(i) + "\r\n";
  }
  for (int i = 0; i < 20000; ++i) {
    lines += "CATEGORIES:c" + std::to_string(i) + "\r\n";
  }
  for (int i = 0; i < 100; ++i) {
    lines += "DTEND:bad\r\nX-LIC-ERROR;X-LIC-ERRORTYPE=VALUE-PARSE-ERROR:x\r\n folded\r\n";
  }
  std::string text = server();
  text.insert(text.find("BEGIN:VALARM"), lines);
  const auto categories = [](const std::string &value) {
    return calendar("BEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20261208T000000Z\r\n"
                    "DTSTART:20301010T090000Z\r\nDTEND:20301010T100000Z\r\nSUMMARY:Board\r\n"
                    "CATEGORIES:" +
                    value + "\r\nSTATUS:CONFIRMED\r\n" + three() + "END:VEVENT\r\n");
  };
  const auto merged = merge_resource(text, categories("c0"), categories("work"));
  ASSERT_TRUE(merged.merged);
  EXPECT_EQ(merged.ics.find("X-LIC-ERROR"), std::string::npos);
  EXPECT_EQ(merged.ics.find("bad"), std::string::npos);
  EXPECT_EQ(merged.ics.find("folded"), std::string::npos);
  EXPECT_EQ(count(merged.ics, "CATEGORIES"), 1u);
  EXPECT_NE(merged.ics.find("CATEGORIES:work"), std::string::npos);
  EXPECT_EQ(count(merged.ics, "X-P:"), 20000u);
  EXPECT_LT(merged.ics.find("ORGANIZER"), merged.ics.find("X-P:0\r\n"));
  EXPECT_LT(merged.ics.find("X-P:0\r\n"), merged.ics.find("X-P:19999\r\n"));
  EXPECT_EQ(count(merged.ics, "BEGIN:VALARM"), 5u);
  EXPECT_NE(merged.ics.find("SUMMARY;LANGUAGE=en:Board"), std::string::npos);
}

} // namespace
} // namespace summit::ical
