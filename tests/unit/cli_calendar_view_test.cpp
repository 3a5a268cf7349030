// How `summit calendar list`, `summit sync` and the calendars of `summit
// status` print what summitd sends: aligned, honest about CalDAV, and with
// every text from the daemon (names, URLs, errors, skipped titles) escaped.
#include "cli/views/calendar_view.hpp"
#include "cli/views/terminal_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace summit::cli;
using nlohmann::json;
using testing::HasSubstr;
using testing::Not;

namespace {

json calendars() {
  return json::parse(R"([
    {"name":"personal","kind":"local","url":"","events":17,"last_sync":null,"state":"ok","error":""},
    {"name":"un","kind":"subscription","url":"https://example.org/un.ics","events":42,
     "last_sync":"2026-12-07T21:04:10Z","state":"error",
     "error":"'https://example.org/un.ics' answered HTTP 500 \u001b[2J"},
    {"name":"team","kind":"caldav","url":"https://dav.example.org/","events":0,"last_sync":null,
     "state":"never synced","error":""}
  ])");
}

} // namespace

TEST(CalendarView, the_table_lines_up_and_shows_each_error_under_its_calendar) {
  const std::string table = format_calendar_table(calendars(), 0);
  EXPECT_THAT(table, HasSubstr("NAME      KIND          EVENTS  LAST SYNC"));
  EXPECT_THAT(table, HasSubstr("personal  local         17      -"));
  EXPECT_THAT(table, HasSubstr("un        subscription  42      2026-12-07T21:04:10Z  error"));
  EXPECT_THAT(table, HasSubstr("team      caldav        0       never"));
  EXPECT_THAT(table, HasSubstr("never synced"));
  EXPECT_THAT(table, HasSubstr("  error: 'https://example.org/un.ics' answered HTTP 500 \\x1b[2J"));
  EXPECT_THAT(table, Not(HasSubstr("\x1b")));
}

TEST(CalendarView, a_narrow_terminal_cuts_lines_instead_of_wrapping_them) {
  const std::string table = format_calendar_table(calendars(), 40);
  std::size_t start = 0;
  while (start < table.size()) {
    const auto end = table.find('\n', start);
    EXPECT_LE(display_width(table.substr(start, end - start)), 40u);
    start = end + 1;
  }
  EXPECT_THAT(table, HasSubstr("…"));
}

TEST(CalendarView, sync_results_say_what_changed_or_why_not) {
  const json result = json::parse(R"({"calendars":[
    {"name":"un","outcome":"updated","added":1,"updated":2,"removed":3,"unchanged":4,
     "skipped_count":1,"skipped":["line 9: \u001b]0;pwned\u0007 is not an event"],"error":""},
    {"name":"cis","outcome":"unchanged","added":0,"updated":0,"removed":0,"unchanged":0,
     "skipped":[],"error":""},
    {"name":"old","outcome":"failed","error":"could not fetch 'https://x.org/': timeout"}],
    "skipped":[]})");
  const std::string text = format_sync_result(result);
  EXPECT_THAT(text, HasSubstr("un: 1 added, 2 updated, 3 removed, 4 unchanged, 1 skipped\n"));
  EXPECT_THAT(text, HasSubstr("  skipped: line 9: \\x1b]0;pwned\\x07 is not an event\n"));
  EXPECT_THAT(text, HasSubstr("cis: not modified since the last fetch\n"));
  EXPECT_THAT(text, HasSubstr("old: failed: could not fetch 'https://x.org/': timeout\n"));
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
}

TEST(CalendarView, a_caldav_sync_says_what_moved_each_way_and_its_conflicts) {
  const json result = json::parse(R"({"calendars":[
    {"name":"team","kind":"caldav","outcome":"updated","added":2,"updated":1,"removed":0,
     "pushed":3,"conflicts":1,"skipped":[],"error":""},
    {"name":"board","kind":"caldav","outcome":"failed","added":0,"updated":0,"removed":0,
     "pushed":1,"conflicts":0,"skipped":[],
     "error":"the server no longer lists 5 of the 7 events of 'board'\u001b[2J"}],
    "skipped":[]})");
  const std::string text = format_sync_result(result);
  EXPECT_THAT(text, HasSubstr("team: 2 added, 1 updated, 0 removed, 3 pushed, 1 conflict "
                              "(summit calendar conflicts team)\n"));
  EXPECT_THAT(text, HasSubstr("board: 0 added, 0 updated, 0 removed, 1 pushed, 0 conflicts; "
                              "failed: the server no longer lists 5 of the 7 events of 'board'"));
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
}

TEST(CalendarView, status_words_name_the_last_sync_and_the_error) {
  EXPECT_EQ(calendar_status_words(calendars()[0]), "local, 17 events");
  EXPECT_EQ(calendar_status_words(calendars()[1]),
            "subscription, 42 events, last sync 2026-12-07T21:04:10Z, error: "
            "'https://example.org/un.ics' answered HTTP 500 \\x1b[2J");
  EXPECT_EQ(calendar_status_words(calendars()[2]),
            "caldav, 0 events, last sync never, never synced");
}

TEST(CalendarView, sync_results_list_the_notes_of_what_was_changed_on_the_way_in) {
  const json result = json::parse(R"({"calendars":[
    {"name":"un","outcome":"updated","added":1,"updated":0,"removed":0,"unchanged":0,
     "skipped_count":0,"skipped":[],"error":"",
     "notes_count":3,
     "notes":["line 7: SUMMARY is longer than the 1000 bytes summit keeps: cut there",
              "line 9: \u001b[2J an alarm was left out"]}]})");
  const std::string text = format_sync_result(result);
  EXPECT_THAT(text, HasSubstr("un: 1 added, 0 updated, 0 removed, 0 unchanged\n"));
  EXPECT_THAT(text, HasSubstr("  note: line 7: SUMMARY is longer than the 1000 bytes summit "
                              "keeps: cut there\n"));
  EXPECT_THAT(text, HasSubstr("  note: line 9: \\x1b[2J an alarm was left out\n"));
  EXPECT_THAT(text, HasSubstr("  ... and 1 more note\n"));
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
}
