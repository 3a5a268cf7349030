#include "cli/views/event_view.hpp"
#include "cli/views/terminal_text.hpp"
#include "core/event_json.hpp"
#include "core/zones.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

using namespace summit::cli;
using namespace date::literals;
using namespace std::chrono_literals;
using summit::core::Event;
using summit::core::Precision;
using summit::core::Reminder;
using summit::core::Status;
using testing::HasSubstr;

namespace {

const date::time_zone *zone(const char *name) { return date::locate_zone(name); }

Event timed(const char *tz, date::local_seconds local, date::sys_seconds utc) {
  Event event;
  event.id = 2;
  event.title = "Council of Heads of Government of the CIS";
  event.precision = Precision::timed;
  event.tz = tz;
  event.start_local = local;
  event.end_local = local;
  event.start_utc = utc;
  event.end_utc = utc;
  event.location = "Minsk, Belarus";
  event.tags = {"cis"};
  return event;
}

Event minsk_meeting() {
  return timed("Europe/Minsk", date::local_days{2025_y / date::September / 26} + 10h,
               date::sys_days{2025_y / date::September / 26} + 7h);
}

Event month_meeting() {
  Event event;
  event.id = 1;
  event.title = "Council of Heads of Government of the CIS";
  event.precision = Precision::month;
  event.status = Status::tentative;
  event.tz = "Europe/Minsk";
  event.start_local = date::local_days{2025_y / date::September / 1};
  event.end_local = date::local_days{2025_y / date::October / 1};
  event.start_utc = date::sys_days{2025_y / date::August / 31} + 21h;
  event.end_utc = date::sys_days{2025_y / date::September / 30} + 21h;
  event.location = "Minsk, Belarus";
  event.tags = {"cis"};
  return event;
}

std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

} // namespace

TEST(EventView, timed_event_shows_viewer_time_with_its_own_zone_beside) {
  EXPECT_EQ(format_when(minsk_meeting(), zone("UTC")),
            "Fri 26 Sep 2025 07:00  (10:00 Europe/Minsk)");
}

TEST(EventView, timed_event_in_the_viewers_zone_shows_no_second_time) {
  EXPECT_EQ(format_when(minsk_meeting(), zone("Europe/Minsk")), "Fri 26 Sep 2025 10:00");
}

TEST(EventView, own_time_on_another_day_shows_its_date) {
  Event event = timed("Asia/Tokyo", date::local_days{2025_y / date::September / 26} + 1h,
                      date::sys_days{2025_y / date::September / 25} + 16h);
  EXPECT_EQ(format_when(event, zone("UTC")),
            "Thu 25 Sep 2025 16:00  (Fri 26 Sep 2025 01:00 Asia/Tokyo)");
}

TEST(EventView, end_on_the_same_day_shows_as_a_time_span) {
  Event event = minsk_meeting();
  event.has_end = true;
  event.end_local = event.start_local + 90min;
  event.end_utc = event.start_utc + 90min;
  EXPECT_EQ(format_when(event, zone("UTC")),
            "Fri 26 Sep 2025 07:00–08:30  (10:00–11:30 Europe/Minsk)");
}

TEST(EventView, month_precision_is_date_tba) {
  EXPECT_EQ(format_when(month_meeting(), zone("UTC")), "Sep 2025 (date TBA)");
}

TEST(EventView, all_day_events_show_their_local_dates) {
  Event event = minsk_meeting();
  event.precision = Precision::all_day;
  event.start_local = date::local_days{2025_y / date::September / 26};
  event.end_local = date::local_days{2025_y / date::September / 27};
  EXPECT_EQ(format_when(event, zone("America/New_York")), "Fri 26 Sep 2025 (all day)");
  event.end_local = date::local_days{2025_y / date::September / 29};
  EXPECT_EQ(format_when(event, zone("America/New_York")), "Fri 26 Sep 2025 – Sun 28 Sep 2025");
}

TEST(EventView, reminders_read_as_offsets_or_times) {
  EXPECT_EQ(format_reminder(Reminder{std::chrono::hours(24 * 7), std::nullopt}, zone("UTC")),
            "7d before");
  EXPECT_EQ(
      format_reminder(Reminder{std::nullopt, date::sys_days{2025_y / date::September / 19} + 6h},
                      zone("Europe/Minsk")),
      "at Fri 19 Sep 2025 09:00");
}

TEST(EventView, table_is_aligned_and_marks_cancelled_events) {
  Event cancelled = minsk_meeting();
  cancelled.id = 12;
  cancelled.status = Status::cancelled;
  cancelled.location = "Dushanbe, Tajikistan";
  const auto table = format_event_table({month_meeting(), cancelled}, zone("UTC"));
  const auto rows = lines(table);
  ASSERT_EQ(rows.size(), 3U) << table;
  EXPECT_EQ(rows[0].rfind("ID", 0), 0U);
  EXPECT_THAT(rows[1], HasSubstr("Sep 2025 (date TBA)"));
  EXPECT_THAT(rows[2], HasSubstr("[cancelled] Council"));
  // Every column starts at the same place on every row; "–"-free rows so
  // byte offsets equal display columns here.
  const auto title_at = rows[0].find("TITLE");
  EXPECT_EQ(rows[1].find("Council"), title_at);
  EXPECT_EQ(rows[2].find("[cancelled]"), title_at);
  const auto location_at = rows[0].find("LOCATION");
  EXPECT_EQ(rows[1].find("Minsk, Belarus"), location_at);
  EXPECT_EQ(rows[2].find("Dushanbe"), location_at);
}

TEST(EventView, empty_table_says_so) {
  EXPECT_EQ(format_event_table({}, zone("UTC")), "No events.\n");
}

TEST(EventView, details_list_every_field_including_reminders) {
  Event event = minsk_meeting();
  event.reminders = {Reminder{std::chrono::hours(24 * 7), std::nullopt},
                     Reminder{std::chrono::hours(24), std::nullopt}};
  const std::string text = format_event_details(event, zone("UTC"));
  EXPECT_THAT(text, HasSubstr("reminders:    7d before, 1d before"));
  EXPECT_THAT(text, HasSubstr("2025-09-26T10:00:00+03:00 Europe/Minsk = 2025-09-26T07:00:00Z"));
  EXPECT_THAT(text, HasSubstr("location:     Minsk, Belarus"));
  EXPECT_THAT(text, HasSubstr("status:       confirmed"));
}

TEST(EventView, summary_names_id_title_and_when) {
  EXPECT_EQ(format_event_summary("Added", minsk_meeting(), zone("Europe/Minsk")),
            "Added event 2: Council of Heads of Government of the CIS, Fri 26 Sep 2025 10:00\n");
}

TEST(EventView, status_lists_documented_fields_first) {
  const auto rows = lines(format_status(
      nlohmann::json{{"pid", 42}, {"version", "0.1.0"}, {"extra", true}, {"mode", "user"}}));
  ASSERT_EQ(rows.size(), 4U);
  EXPECT_EQ(rows[0], "version:  0.1.0");
  EXPECT_EQ(rows[1], "pid:      42");
  EXPECT_EQ(rows[2], "mode:     user");
  EXPECT_EQ(rows[3], "extra:    true");
}

TEST(EventView, status_reads_as_words) {
  const auto rows = lines(format_status(
      nlohmann::json{{"version", "0.1.0"},
                     {"uptime_seconds", 7384},
                     {"schema_version", 7},
                     {"firing_log", {{"last_firing_id", 12}}},
                     {"subscribers", nlohmann::json::array({{{"pid", 17601}, {"behind", 0}},
                                                            {{"pid", 17622}, {"behind", 3}}})}}));
  ASSERT_EQ(rows.size(), 5U);
  EXPECT_EQ(rows[0], "version:          0.1.0");
  EXPECT_EQ(rows[1], "up for:           2h3m4s");
  EXPECT_EQ(rows[2], "database schema:  7");
  EXPECT_EQ(rows[3], "last firing:      number 12");
  EXPECT_EQ(rows[4], "watching:         2 (pid 17601, pid 17622 with 3 firings to catch up on)");
}

TEST(EventView, seconds_show_where_an_event_has_them) {
  Event event = minsk_meeting();
  event.start_utc += std::chrono::seconds{30};
  event.start_local += std::chrono::seconds{30};
  event.end_utc = event.start_utc;
  event.end_local = event.start_local;
  EXPECT_EQ(format_event_summary("Added", event, zone("Europe/London")),
            "Added event 2: Council of Heads of Government of the CIS, Fri 26 Sep 2025 "
            "08:00:30  (10:00:30 Europe/Minsk)\n");
}

TEST(EventView, c1_bidi_and_separator_characters_are_shown_escaped_in_lists_and_details) {
  Event event = minsk_meeting();
  event.title = "Summit \u009b2J\u202Eevil";
  event.location = "Minsk\u2028forged line";
  for (const std::string &text :
       {format_event_table({event}, zone("UTC")), format_event_details(event, zone("UTC"))}) {
    EXPECT_EQ(text.find("\u009b"), std::string::npos) << text;
    EXPECT_EQ(text.find("\u202E"), std::string::npos) << text;
    EXPECT_EQ(text.find("\u2028"), std::string::npos) << text;
    EXPECT_THAT(text, HasSubstr("Summit \\u009b2J\\u202eevil")) << text;
  }
}

TEST(EventView, control_characters_never_reach_the_terminal) {
  Event event = minsk_meeting();
  event.title = "line\nbreak \x1b[2J";
  const std::string table = format_event_table({event}, zone("UTC"));
  EXPECT_EQ(lines(table).size(), 2U);
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
}

// ---- issue 15: tables that fit, edits that say what changed, the past ----

namespace summit::cli {
namespace {

TEST(TerminalWidth, wide_characters_take_two_columns_and_combining_marks_none) {
  EXPECT_EQ(display_width("Minsk"), 5U);
  EXPECT_EQ(display_width("Минск"), 5U);
  EXPECT_EQ(display_width("首脑会议"), 8U);       // CJK: two each
  EXPECT_EQ(display_width("정상회의"), 8U);       // Hangul
  EXPECT_EQ(display_width("Summit 🎉"), 9U);       // emoji: two
  EXPECT_EQ(display_width("Chis\u0326inau"), 8U); // a combining comma below: none
  EXPECT_EQ(display_width("ＡＢ"), 4U);           // fullwidth forms
}

TEST(TerminalWidth, fit_width_cuts_whole_characters_and_marks_the_cut) {
  EXPECT_EQ(fit_width("Council of Heads", 20), "Council of Heads");
  EXPECT_EQ(fit_width("Council of Heads", 8), "Council…");
  EXPECT_EQ(display_width(fit_width("首脑会议首脑会议", 7)), 7U);
  EXPECT_EQ(fit_width("首脑会议首脑会议", 7), "首脑会…");
  EXPECT_EQ(fit_width("首脑会议", 6), "首脑…"); // never half a wide character
}

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return lines;
}

std::vector<core::Event> wide_events() {
  core::Event long_one = minsk_meeting();
  long_one.title = "Council of Heads of Government of the Commonwealth of Independent States "
                   "(extraordinary session)";
  long_one.location = "Palace of Independence, Prospekt Pobeditelei 11, Minsk, Belarus";
  long_one.tags = {"cis", "heads-of-government", "minsk"};
  core::Event cjk = minsk_meeting();
  cjk.id = 3;
  cjk.title = "上海合作组织成员国元首理事会会议 🎉";
  cjk.location = "北京，中国";
  return {long_one, cjk};
}

TEST(EventTable, a_terminal_table_fits_its_width_and_keeps_columns_aligned) {
  EventTable table(zone("Europe/London"), 80);
  const std::string text = table.rows(wide_events());
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 3U) << text;
  const std::size_t title_at = lines[0].find("TITLE");
  for (const std::string &line : lines) {
    EXPECT_LE(display_width(line), 80U) << line;
  }
  // TITLE starts in the same column on every line, counted in display
  // columns (the WHEN column is the same text in both rows here).
  EXPECT_EQ(display_width(lines[1].substr(0, lines[1].find("Council"))),
            display_width(lines[0].substr(0, title_at)));
  EXPECT_THAT(lines[1], testing::HasSubstr("…"));
  EXPECT_THAT(lines[1], testing::HasSubstr("Fri 26 Sep 2025 08:00  (10:00 Europe/Minsk)"));
}

TEST(EventTable, a_piped_table_cuts_nothing) {
  EventTable table(zone("Europe/London"), 0);
  const std::string text = table.rows(wide_events());
  EXPECT_THAT(text, testing::HasSubstr("(extraordinary session)"));
  EXPECT_THAT(text, testing::HasSubstr("Prospekt Pobeditelei 11, Minsk, Belarus"));
  EXPECT_EQ(text.find("…"), std::string::npos);
}

TEST(EventChanges, an_edit_lists_what_it_changed) {
  const core::Event before = minsk_meeting();
  core::Event after = before;
  after.start_utc += 1h;
  after.end_utc += 1h;
  after.start_local += 1h;
  after.end_local += 1h;
  after.tags = {"un"};
  after.reminders = {core::Reminder{std::chrono::hours{1}, std::nullopt}};
  after.title = "Council";
  EXPECT_EQ(format_event_changes(before, after, zone("Europe/London")),
            "  title: was \"Council of Heads of Government of the CIS\"\n"
            "  was: Fri 26 Sep 2025 08:00  (10:00 Europe/Minsk)\n"
            "  tags: +un -cis\n"
            "  reminders: +1h before\n");
  EXPECT_EQ(format_event_changes(before, before, zone("Europe/London")), "");
}

TEST(PastWarnings, an_event_in_the_past_names_the_reminders_that_will_never_fire) {
  core::Event event = minsk_meeting(); // Fri 26 Sep 2025 07:00 UTC
  event.reminders = {core::Reminder{24h, std::nullopt}, core::Reminder{1h, std::nullopt}};
  const core::SysSeconds after_it = date::sys_days{2025_y / date::October / 1};
  const auto past = format_past_warnings(event, after_it, zone("Europe/London"));
  ASSERT_EQ(past.size(), 1U);
  EXPECT_EQ(past[0], "event 2 starts in the past (Fri 26 Sep 2025 08:00  (10:00 Europe/Minsk)); "
                     "its reminders will never fire: 1d before, 1h before");
  // The day before at noon: the 1d reminder is past, the 1h one is not.
  const core::SysSeconds day_before = date::sys_days{2025_y / date::September / 25} + 12h;
  EXPECT_EQ(format_past_warnings(event, day_before, zone("Europe/London")),
            std::vector<std::string>{
                "a reminder of event 2 is already past and will not fire: 1d before"});
  EXPECT_TRUE(format_past_warnings(event, date::sys_days{2025_y / date::September / 1}, zone("UTC"))
                  .empty());
}

} // namespace
} // namespace summit::cli

// Issue 16: a floating event (no zone) is shown at its own wall time in
// every viewer's zone, however summitd's zone placed its instants.
TEST(FormatWhen, a_floating_event_is_shown_at_its_own_wall_time_in_every_zone) {
  struct RestoreFloating {
    ~RestoreFloating() { summit::core::set_floating_zone(zone("UTC")); }
  } restore;
  // As a summitd in Berlin sends it: its instants are Berlin's.
  const nlohmann::json sent{{"id", 7},
                            {"title", "Dentist"},
                            {"precision", "timed"},
                            {"tz", "floating"},
                            {"start", "2025-09-26T10:00:00"},
                            {"end", "2025-09-26T11:00:00"},
                            {"start_utc", "2025-09-26T08:00:00Z"},
                            {"end_utc", "2025-09-26T09:00:00Z"},
                            {"has_end", true}};
  for (const char *viewer : {"UTC", "Asia/Tokyo", "America/New_York"}) {
    summit::core::set_floating_zone(zone(viewer)); // as `summit` does for its viewer
    auto event = summit::core::event_from_json(sent);
    ASSERT_TRUE(event) << event.error().message;
    EXPECT_EQ(format_when(*event, zone(viewer)), "Fri 26 Sep 2025 10:00–11:00  (floating)")
        << viewer;
  }
}
