// iCalendar import and export through the real summit and summitd (issue 4).
#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;
using testing::StartsWith;

namespace {

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string &path, const std::string &text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The lines, each ended with CRLF.
std::string crlf_lines(const std::vector<std::string> &lines) {
  std::string out;
  for (const auto &line : lines) {
    out += line + "\r\n";
  }
  return out;
}

// Two meetings announced by someone else's calendar (one weekly, with an
// alarm), and a to-do that is not an event.
const std::string k_invitation = "BEGIN:VCALENDAR\r\n"
                                 "VERSION:2.0\r\n"
                                 "PRODID:-//example.org//summit e2e//EN\r\n"
                                 "BEGIN:VEVENT\r\n"
                                 "UID:cis-2030@example.org\r\n"
                                 "DTSTAMP:20300101T000000Z\r\n"
                                 "SUMMARY:CIS summit\r\n"
                                 "LOCATION:Minsk\\, Belarus\r\n"
                                 "CATEGORIES:cis\r\n"
                                 "DTSTART;TZID=Europe/Minsk:20300926T100000\r\n"
                                 "DTEND;TZID=Europe/Minsk:20300926T130000\r\n"
                                 "END:VEVENT\r\n"
                                 "BEGIN:VEVENT\r\n"
                                 "UID:wg-2030@example.org\r\n"
                                 "DTSTAMP:20300101T000000Z\r\n"
                                 "SUMMARY:Working group\r\n"
                                 "DTSTART;TZID=Asia/Dushanbe:20301004T093000\r\n"
                                 "DURATION:PT1H\r\n"
                                 "RRULE:FREQ=WEEKLY;COUNT=10\r\n"
                                 "BEGIN:VALARM\r\n"
                                 "ACTION:DISPLAY\r\n"
                                 "DESCRIPTION:Working group\r\n"
                                 "TRIGGER:-PT1H\r\n"
                                 "END:VALARM\r\n"
                                 "END:VEVENT\r\n"
                                 "BEGIN:VTODO\r\n"
                                 "UID:todo-1@example.org\r\n"
                                 "SUMMARY:Book flights\r\n"
                                 "END:VTODO\r\n"
                                 "END:VCALENDAR\r\n";

// An export without its DTSTAMP lines (the time of the export).
std::string without_stamps(const std::string &ics) {
  std::string kept;
  std::istringstream in(ics);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("DTSTAMP:", 0) != 0) {
      kept += line + "\n";
    }
  }
  return kept;
}

// What an event is, apart from what a new database numbers or stamps anew.
json comparable(json events) {
  for (json &event : events) {
    for (const char *key : {"id", "created", "updated", "owner_uid"}) {
      event.erase(key);
    }
  }
  return events;
}

} // namespace

using ICal = SummitTest;

TEST_F(ICal, an_escape_sequence_in_an_invitation_never_reaches_the_terminal) {
  // An invitation whose TZID would set the terminal's title (OSC 0 ... BEL)
  // and whose summary carries a newline and a bidi override.
  const std::string path = dir() / "hostile.ics";
  write_file(path, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
                   "BEGIN:VEVENT\r\nUID:evil-1@example.org\r\nDTSTAMP:20300101T000000Z\r\n"
                   "SUMMARY:Council\r\n"
                   "DTSTART;TZID=\x1b]0;owned\x07:20300926T100000\r\n"
                   "END:VEVENT\r\n"
                   "BEGIN:VEVENT\r\nUID:evil-2@example.org\r\nDTSTAMP:20300101T000000Z\r\n"
                   "SUMMARY:Council\\nforged \u202Elive\r\n"
                   "DTSTART;TZID=Europe/Minsk:20300926T100000\r\n"
                   "END:VEVENT\r\nEND:VCALENDAR\r\n");
  const ProcessResult imported = summit({"--tz", "Europe/London", "import", path});
  const std::string shown = imported.out + imported.err;
  EXPECT_EQ(shown.find('\x1b'), std::string::npos) << shown;
  EXPECT_EQ(shown.find('\x07'), std::string::npos) << shown;
  EXPECT_THAT(shown, HasSubstr("owned\\x07")) << shown; // libical read ESC ]0 as a name
  EXPECT_THAT(shown, HasSubstr("1 added")) << shown;
  const ProcessResult listed =
      summit({"--tz", "Europe/London", "list", "--from", "2030-09-01", "--to", "2030-10-01"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out.find("\u202E"), std::string::npos) << listed.out;
  EXPECT_THAT(listed.out, HasSubstr("Council\\nforged \\u202elive")) << listed.out;
}

TEST_F(ICal, the_readme_invitation_imports_as_the_readme_shows) {
  // README.md, "iCalendar import and export": examples/invitation.ics.
  const std::string path = dir() / "invitation.ics";
  write_file(path, read_file(std::string(SUMMIT_SOURCE_DIR) + "/examples/invitation.ics"));
  const std::string skipped =
      "  line 18: \"Book flights\" (uid todo-1@example.org): VTODO is not an event\n";
  const ProcessResult first = summit({"--tz", "Europe/London", "import", path});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out,
            "Imported " + path + ": 1 added, 0 updated, 0 unchanged, 1 skipped\n" + skipped);
  const ProcessResult second = summit({"--tz", "Europe/London", "import", path});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out,
            "Imported " + path + ": 0 added, 0 updated, 1 unchanged, 1 skipped\n" + skipped);
}

TEST_F(ICal, importing_a_file_twice_changes_nothing_the_second_time) {
  const std::string path = dir() / "invitation.ics";
  write_file(path, k_invitation);
  const ProcessResult first = summit({"--tz", "Europe/London", "import", path});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, "Imported " + path + ": 2 added, 0 updated, 0 unchanged, 1 skipped\n" +
                           "  line 26: \"Book flights\" (uid todo-1@example.org): VTODO is not "
                           "an event\n");
  const ProcessResult second = summit({"--tz", "Europe/London", "import", path});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, StartsWith("Imported " + path +
                                     ": 0 added, 0 updated, 2 unchanged, 1 "
                                     "skipped\n"));

  const ProcessResult listed =
      summit({"--tz", "Europe/Minsk", "list", "--from", "2030-09-26", "--to", "2030-10-11"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out,
            "ID  WHEN                                                      TITLE            "
            "LOCATION        TAGS\n"
            "1   Thu 26 Sep 2030 10:00–13:00                               CIS summit       "
            "Minsk, Belarus  cis\n"
            "2   Fri 4 Oct 2030 07:30–08:30  (09:30–10:30 Asia/Dushanbe)   Working group ↻\n"
            "2   Fri 11 Oct 2030 07:30–08:30  (09:30–10:30 Asia/Dushanbe)  Working group ↻\n");

  // A changed file updates the event it names by UID.
  std::string moved = k_invitation;
  moved.replace(moved.find("20300926T130000"), 15, "20300926T140000");
  write_file(path, moved);
  const ProcessResult dry = summit({"import", "--dry-run", path});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, StartsWith("Checked " + path +
                                  " (dry run, nothing changed): 0 added, 1 "
                                  "updated, 1 unchanged, 1 skipped\n"));
  const ProcessResult third = summit({"import", path});
  EXPECT_THAT(third.out, StartsWith("Imported " + path + ": 0 added, 1 updated, 1 unchanged"));
}

TEST_F(ICal, a_file_larger_than_a_request_line_goes_up_in_pieces) {
  // About 1.5 MiB: more than summitd's 1 MiB request line, so one
  // calendar.import could not carry it.
  std::string big = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example.org//big//EN\r\n";
  int count = 0;
  while (big.size() < 1536 * 1024) {
    big += "BEGIN:VEVENT\r\nUID:big-" + std::to_string(count) +
           "@example.org\r\nDTSTAMP:20300101T000000Z\r\nSUMMARY:Совещание " +
           std::to_string(count) + " — " + std::string(300, 'x') +
           "\r\nDTSTART;VALUE=DATE:20310101\r\nEND:VEVENT\r\n";
    ++count;
  }
  big += "END:VCALENDAR\r\n";
  const std::string path = dir() / "big.ics";
  write_file(path, big);
  const ProcessResult imported = summit({"import", path});
  ASSERT_EQ(imported.exit_code, 0) << imported.err << daemon_log();
  EXPECT_EQ(imported.out, "Imported " + path + ": " + std::to_string(count) +
                              " added, 0 updated, 0 unchanged, 0 skipped\n");
  // Not a terminal: no progress bar.
  EXPECT_EQ(imported.err, "");
}

TEST_F(ICal, export_then_import_into_a_wiped_database_gives_the_same_events) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  for (const std::vector<std::string> &args : std::vector<std::vector<std::string>>{
           {"add", "CIS working group", "--at", "2030-10-04 10:00", "--duration", "1h", "--tz",
            "Europe/Minsk", "--repeat", "FREQ=WEEKLY;BYDAY=FR;COUNT=8", "--remind", "1h"},
           {"edit", "3", "--occurrence", "2030-10-18 10:00", "--at", "2030-10-17 15:00"},
           {"edit", "3", "--cancel-occurrence", "2030-10-25 10:00"},
           {"add", "Congress", "--at", "2030-12-24", "--end", "2030-12-26", "--all-day", "--tz",
            "Asia/Almaty", "--tag", "congress", "--description", "Three days"}}) {
    const ProcessResult done = summit(args);
    ASSERT_EQ(done.exit_code, 0) << testing::PrintToString(args) << done.err;
  }
  const std::string first = dir() / "first.ics";
  const ProcessResult exported = summit({"export", "-o", first});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(exported.out, "Exported 4 events to " + first + "\n");
  const std::string first_text = read_file(first);
  EXPECT_THAT(first_text, StartsWith("BEGIN:VCALENDAR\r\n"));
  EXPECT_TRUE(first_text.size() > 15 &&
              first_text.compare(first_text.size() - 15, 15, "END:VCALENDAR\r\n") == 0);
  // stdout gets the same bytes, CRLF kept.
  const ProcessResult to_stdout = summit({"export"});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_EQ(without_stamps(to_stdout.out), without_stamps(first_text));
  const json before = comparable(all_events());

  ASSERT_EQ(stop_daemon(), 0);
  for (const char *suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(database() + suffix);
  }
  ASSERT_NO_FATAL_FAILURE(start_daemon());
  ASSERT_TRUE(all_events().empty());

  const ProcessResult imported = summit({"import", first});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(imported.out, "Imported " + first + ": 4 added, 0 updated, 0 unchanged, 0 skipped\n");
  EXPECT_EQ(comparable(all_events()), before);

  const std::string second = dir() / "second.ics";
  ASSERT_EQ(summit({"export", "-o", second}).exit_code, 0);
  EXPECT_EQ(without_stamps(read_file(second)), without_stamps(first_text));
}

TEST_F(ICal, export_takes_a_range_and_a_tag) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  ASSERT_EQ(summit({"add", "Other", "--at", "2025-11-05 10:00", "--tz", "UTC"}).exit_code, 0);
  const ProcessResult tagged = summit({"export", "--tag", "cis"});
  ASSERT_EQ(tagged.exit_code, 0) << tagged.err;
  EXPECT_THAT(tagged.out, HasSubstr("SUMMARY:Council of Heads of Government of the CIS\r\n"));
  EXPECT_THAT(tagged.out, testing::Not(HasSubstr("SUMMARY:Other")));
  const ProcessResult november =
      summit({"--tz", "Europe/Minsk", "export", "--from", "2025-11", "--to", "2025-11"});
  ASSERT_EQ(november.exit_code, 0) << november.err;
  EXPECT_THAT(november.out, HasSubstr("SUMMARY:Other\r\n"));
  EXPECT_THAT(november.out, testing::Not(HasSubstr("CIS")));
}

// Issue 16: every meeting the file holds is imported, and the report says
// what was read differently, per component and line.
TEST_F(ICal, a_file_with_a_lone_change_a_negative_count_and_a_stale_change_keeps_every_meeting) {
  const std::string path = dir() / "invitations.ics";
  write_file(path, crlf_lines({
                       "BEGIN:VCALENDAR",                                 // 1
                       "VERSION:2.0",                                     // 2
                       "PRODID:-//example.org//summit e2e//EN",           // 3
                       "BEGIN:VEVENT",                                    // 4
                       "UID:board@example.org",                           // 5
                       "DTSTAMP:20300101T000000Z",                        // 6
                       "SUMMARY:Board (moved)",                           // 7
                       "RECURRENCE-ID;TZID=Europe/Minsk:20301003T100000", // 8
                       "DTSTART;TZID=Europe/Minsk:20301003T150000",       // 9
                       "DTEND;TZID=Europe/Minsk:20301003T160000",         // 10
                       "END:VEVENT",                                      // 11
                       "BEGIN:VEVENT",                                    // 12
                       "UID:standup@example.org",                         // 13
                       "DTSTAMP:20300101T000000Z",                        // 14
                       "SUMMARY:Standup",                                 // 15
                       "DTSTART;TZID=Europe/Minsk:20301001T090000",       // 16
                       "DURATION:PT15M",                                  // 17
                       "RRULE:FREQ=WEEKLY;COUNT=-1",                      // 18
                       "END:VEVENT",                                      // 19
                       "BEGIN:VEVENT",                                    // 20
                       "UID:sync@example.org",                            // 21
                       "DTSTAMP:20300101T000000Z",                        // 22
                       "SUMMARY:Sync",                                    // 23
                       "DTSTART;TZID=Europe/Minsk:20301004T110000",       // 24
                       "DURATION:PT1H",                                   // 25
                       "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=3",              // 26
                       "SEQUENCE:2",                                      // 27
                       "END:VEVENT",                                      // 28
                       "BEGIN:VEVENT",                                    // 29
                       "UID:sync@example.org",                            // 30
                       "DTSTAMP:20300101T000000Z",                        // 31
                       "SUMMARY:Sync (on Thursday)",                      // 32
                       "RECURRENCE-ID;TZID=Europe/Minsk:20301010T110000", // 33
                       "DTSTART;TZID=Europe/Minsk:20301010T140000",       // 34
                       "SEQUENCE:1",                                      // 35
                       "END:VEVENT",                                      // 36
                       "END:VCALENDAR",                                   // 37
                   }));
  const ProcessResult imported = summit({"--tz", "Europe/Minsk", "import", path});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(imported.out,
            "Imported " + path +
                ": 3 added, 0 updated, 0 unchanged, 0 skipped\n"
                "Notes:\n"
                "  line 8: \"Board (moved)\" (uid board@example.org): a change of the occurrence "
                "20301003T100000 (RECURRENCE-ID) of a series that is not in this file: imported "
                "as a single event with its UID board@example.org (joined to the series if the "
                "calendar has it; importing the series later joins it as the change of that "
                "occurrence)\n"
                "  line 18: \"Standup\" (uid standup@example.org): RRULE COUNT=-1: a count of no "
                "occurrences was read as no COUNT (the event repeats without end), as Google "
                "Calendar, Outlook and Thunderbird read it\n"
                "  line 29: \"Sync\" (uid sync@example.org): the change of the occurrence "
                "2030-10-10T11:00:00 (RECURRENCE-ID) was left out: the series on line 20 does "
                "not give that occurrence (its rule was changed since); its SEQUENCE 1 is older "
                "than the series' 2\n");

  const ProcessResult listed =
      summit({"--json", "list", "--from", "2030-10-01", "--to", "2030-10-19"}, "Europe/Minsk");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::vector<std::string> seen;
  for (const json &event : json::parse(listed.out)) {
    seen.push_back(event.value("start_utc", "") + " " + event.value("title", ""));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "2030-10-01T06:00:00Z Standup",
                      "2030-10-03T12:00:00Z Board (moved)",
                      "2030-10-04T08:00:00Z Sync",
                      "2030-10-08T06:00:00Z Standup",
                      "2030-10-11T08:00:00Z Sync",
                      "2030-10-15T06:00:00Z Standup",
                      "2030-10-18T08:00:00Z Sync",
                  }));

  // Later, an invitation to one changed Sync: it joins the series.
  const std::string later = dir() / "sync-moved.ics";
  write_file(later, crlf_lines({
                        "BEGIN:VCALENDAR",                                 // 1
                        "VERSION:2.0",                                     // 2
                        "PRODID:-//example.org//summit e2e//EN",           // 3
                        "BEGIN:VEVENT",                                    // 4
                        "UID:sync@example.org",                            // 5
                        "DTSTAMP:20300101T000000Z",                        // 6
                        "SUMMARY:Sync (late)",                             // 7
                        "RECURRENCE-ID;TZID=Europe/Minsk:20301011T110000", // 8
                        "DTSTART;TZID=Europe/Minsk:20301011T160000",       // 9
                        "SEQUENCE:3",                                      // 10
                        "END:VEVENT",                                      // 11
                        "END:VCALENDAR",                                   // 12
                    }));
  const ProcessResult joined = summit({"--tz", "Europe/Minsk", "import", later});
  ASSERT_EQ(joined.exit_code, 0) << joined.err;
  EXPECT_THAT(joined.out,
              StartsWith("Imported " + later + ": 0 added, 1 updated, 0 unchanged, 0 skipped\n"))
      << joined.out;
  EXPECT_THAT(joined.out, HasSubstr("  line 4: \"Sync (late)\" (uid sync@example.org): joined "
                                    "to event 3 (uid sync@example.org), already in the calendar, "
                                    "as the change of its occurrence 2030-10-11T08:00:00Z\n"))
      << joined.out;
  const ProcessResult relisted =
      summit({"--json", "list", "--from", "2030-10-11", "--to", "2030-10-12"}, "Europe/Minsk");
  ASSERT_EQ(relisted.exit_code, 0) << relisted.err;
  const json moved = json::parse(relisted.out);
  ASSERT_EQ(moved.size(), 1U) << relisted.out;
  EXPECT_EQ(moved[0]["title"], "Sync (late)");
  EXPECT_EQ(moved[0]["start_utc"], "2030-10-11T13:00:00Z");
  EXPECT_EQ(moved[0]["end_utc"], "2030-10-11T14:00:00Z");
}

// Issue 16: a VTIMEZONE no IANA zone matches is kept as a zone of its own.
// "Eastern Custom" is made up: -05:00, and -04:00 from the first Sunday of
// April to the last of October (no zone of tzdata changes on those days in
// the 2030s).
TEST_F(ICal, a_zone_only_the_file_defines_is_kept_used_after_a_restart_and_exported_again) {
  const std::string path = dir() / "custom.ics";
  write_file(path, crlf_lines({
                       "BEGIN:VCALENDAR",
                       "VERSION:2.0",
                       "PRODID:-//example.org//summit e2e//EN",
                       "BEGIN:VTIMEZONE",
                       "TZID:Eastern Custom",
                       "BEGIN:STANDARD",
                       "DTSTART:19901028T020000",
                       "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
                       "TZOFFSETFROM:-0400",
                       "TZOFFSETTO:-0500",
                       "TZNAME:ECST",
                       "END:STANDARD",
                       "BEGIN:DAYLIGHT",
                       "DTSTART:19900401T020000",
                       "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
                       "TZOFFSETFROM:-0500",
                       "TZOFFSETTO:-0400",
                       "TZNAME:ECDT",
                       "END:DAYLIGHT",
                       "END:VTIMEZONE",
                       "BEGIN:VEVENT",
                       "UID:weekly-custom@example.org",
                       "DTSTAMP:20300101T000000Z",
                       "SUMMARY:Weekly in a custom zone",
                       "DTSTART;TZID=Eastern Custom:20300328T100000",
                       "DTEND;TZID=Eastern Custom:20300328T110000",
                       "RRULE:FREQ=WEEKLY;COUNT=4",
                       "END:VEVENT",
                       // The same series without its two occurrences
                       // before the change, reminded an hour ahead.
                       "BEGIN:VEVENT",
                       "UID:reminded-custom@example.org",
                       "DTSTAMP:20300101T000000Z",
                       "SUMMARY:Reminded",
                       "DTSTART;TZID=Eastern Custom:20300328T100000",
                       "RRULE:FREQ=WEEKLY;COUNT=4",
                       "EXDATE;TZID=Eastern Custom:20300328T100000,20300404T100000",
                       "BEGIN:VALARM",
                       "ACTION:DISPLAY",
                       "DESCRIPTION:soon",
                       "TRIGGER:-PT1H",
                       "END:VALARM",
                       "END:VEVENT",
                       "END:VCALENDAR",
                   }));
  const ProcessResult imported = summit({"--tz", "Europe/London", "import", path});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("TZID 'Eastern Custom' names no IANA zone and no IANA zone "
                                      "has the offsets of the file's VTIMEZONE for it: kept as a "
                                      "zone of its own, 'Eastern Custom'"))
      << imported.out;

  // 10:00 every week: 15:00Z before 7 April 2030 (its first Sunday), 14:00Z
  // after. A zone lost to UTC would give 15:00Z every week.
  const auto starts = [this] {
    const ProcessResult listed =
        summit({"--json", "list", "--from", "2030-03-01", "--to", "2030-05-01"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    std::vector<std::string> seen;
    for (const json &event : json::parse(listed.out)) {
      seen.push_back(event.value("start_utc", "") + " " + event.value("tz", "") + " " +
                     event.value("title", ""));
    }
    std::sort(seen.begin(), seen.end());
    return seen;
  };
  const std::vector<std::string> expected{
      "2030-03-28T15:00:00Z Eastern Custom Weekly in a custom zone",
      "2030-04-04T15:00:00Z Eastern Custom Weekly in a custom zone",
      "2030-04-11T14:00:00Z Eastern Custom Reminded",
      "2030-04-11T14:00:00Z Eastern Custom Weekly in a custom zone",
      "2030-04-18T14:00:00Z Eastern Custom Reminded",
      "2030-04-18T14:00:00Z Eastern Custom Weekly in a custom zone"};
  EXPECT_EQ(starts(), expected);

  // The zone is in the database: a new summitd reads the series the same.
  ASSERT_EQ(stop_daemon(), 0);
  ASSERT_NO_FATAL_FAILURE(start_daemon());
  EXPECT_EQ(starts(), expected);

  // The CLI learns the zone from event.get: an edit keeps the event in it
  // (it would otherwise move it to the viewer's zone), and an occurrence
  // named by its wall time in the zone is found.
  const ProcessResult edited = summit({"edit", "1", "--title", "Weekly, renamed"}, "Asia/Tokyo");
  ASSERT_EQ(edited.exit_code, 0) << edited.err << edited.out;
  const ProcessResult cancelled =
      summit({"edit", "1", "--cancel-occurrence", "2030-04-18 10:00"}, "Asia/Tokyo");
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.err << cancelled.out;
  EXPECT_EQ(starts(),
            (std::vector<std::string>{"2030-03-28T15:00:00Z Eastern Custom Weekly, renamed",
                                      "2030-04-04T15:00:00Z Eastern Custom Weekly, renamed",
                                      "2030-04-11T14:00:00Z Eastern Custom Reminded",
                                      "2030-04-11T14:00:00Z Eastern Custom Weekly, renamed",
                                      "2030-04-18T14:00:00Z Eastern Custom Reminded"}));

  // The reminder follows the zone's own change: the first occurrence
  // left is at 14:00Z, reminded at 13:00Z (summitd's next reminder).
  const ProcessResult status = summit({"--json", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const json reminders = json::parse(status.out).at("reminders");
  EXPECT_EQ(reminders.value("next_due", ""), "2030-04-11T13:00:00Z") << status.out;
  EXPECT_EQ(reminders.value("next_event_id", 0), 2) << status.out;

  // Exported under its TZID, with its own VTIMEZONE.
  const ProcessResult exported = summit({"export"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_THAT(exported.out, HasSubstr("DTSTART;TZID=Eastern Custom:20300328T100000\r\n"));
  EXPECT_THAT(exported.out, HasSubstr("BEGIN:VTIMEZONE\r\nTZID:Eastern Custom\r\n"));
  EXPECT_THAT(exported.out, HasSubstr("RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\n"));
}
