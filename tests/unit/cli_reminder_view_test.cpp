#include "cli/views/reminder_view.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace summit::cli;
using namespace std::chrono_literals;
using nlohmann::json;
using testing::HasSubstr;

namespace {

const date::time_zone *zone(const char *name) { return date::locate_zone(name); }

// The meeting, its 1-day reminder fired 42 s late.
json fired_p1d() {
  return json{{"reminder_id", 12},
              {"firing_id", 30},
              {"event_id", 2},
              {"title", "Council of Heads of Government of the CIS"},
              {"start", "2025-09-26T10:00:00+03:00"},
              {"start_utc", "2025-09-26T07:00:00Z"},
              {"tz", "Europe/Minsk"},
              {"location", "Minsk, Belarus"},
              {"reminder", "P1D"},
              {"due", "2025-09-25T07:00:00Z"},
              {"fired_at", "2025-09-25T07:00:42Z"},
              {"late_seconds", 42},
              {"late", true},
              {"redelivery", false}};
}

} // namespace

TEST(ReminderView, duration_words_use_the_two_largest_adjacent_units) {
  EXPECT_EQ(format_duration_words(86400s), "1 day");
  EXPECT_EQ(format_duration_words(5400s), "1 hour 30 minutes");
  EXPECT_EQ(format_duration_words(2 * 86400s + 3h + 59s), "2 days 3 hours");
  EXPECT_EQ(format_duration_words(86400s + 59s), "1 day");
  EXPECT_EQ(format_duration_words(45s), "45 seconds");
  EXPECT_EQ(format_duration_words(0s), "0 seconds");
}

TEST(ReminderView, fired_line_in_the_events_own_zone) {
  EXPECT_EQ(format_fired_line(fired_p1d(), zone("Europe/Minsk")),
            "[10:00:42] Reminder 12: Council of Heads of Government of the CIS — "
            "Fri 26 Sep 2025 10:00 (Europe/Minsk), in 1 day (P1D) [late 42s]");
}

TEST(ReminderView, fired_line_in_another_viewers_zone_shows_both_times) {
  json params = fired_p1d();
  params["late"] = false;
  params["late_seconds"] = 0;
  params["fired_at"] = "2025-09-25T07:00:00Z";
  EXPECT_EQ(format_fired_line(params, zone("America/New_York")),
            "[03:00:00] Reminder 12: Council of Heads of Government of the CIS — "
            "Fri 26 Sep 2025 03:00 (10:00 Europe/Minsk), in 1 day (P1D)");
}

TEST(ReminderView, fired_line_for_all_day_month_absolute_and_redelivered_reminders) {
  json all_day = fired_p1d();
  all_day["start"] = "2025-09-26";
  all_day["late"] = false;
  EXPECT_THAT(format_fired_line(all_day, zone("UTC")),
              HasSubstr("— Fri 26 Sep 2025 (all day), in 1 day (P1D)"));

  json month = fired_p1d();
  month["start"] = "2025-09";
  EXPECT_THAT(format_fired_line(month, zone("UTC")), HasSubstr("— Sep 2025 (date TBA), "));

  json absolute = fired_p1d();
  absolute["reminder"] = "2025-09-26T06:30:00Z";
  absolute["fired_at"] = "2025-09-26T06:30:00Z";
  absolute["late"] = false;
  absolute["redelivery"] = true;
  EXPECT_THAT(format_fired_line(absolute, zone("UTC")),
              testing::EndsWith("(10:00 Europe/Minsk), in 30 minutes [redelivered]"));

  json snoozed = fired_p1d();
  snoozed["reminder"] = "snooze";
  snoozed["fired_at"] = "2025-09-26T07:05:00Z";
  snoozed["late"] = false;
  EXPECT_THAT(format_fired_line(snoozed, zone("UTC")),
              testing::EndsWith(", started 5 minutes ago (snoozed)"));
}

TEST(ReminderView, control_characters_in_a_title_never_reach_the_terminal) {
  json params = fired_p1d();
  params["title"] = "line\nbreak \x1b[2J";
  const std::string line = format_fired_line(params, zone("UTC"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
}

TEST(ReminderView, a_reminder_from_a_newer_or_older_daemon_with_missing_members_still_prints) {
  EXPECT_EQ(format_fired_line(json{{"reminder_id", 3}, {"title", "x"}}, zone("UTC")),
            "Reminder 3: x — ");
  EXPECT_NO_THROW(format_fired_line(json::array(), zone("UTC")));
}

TEST(ReminderView, notification_is_the_title_and_when_and_where_with_markup_escaped) {
  json params = fired_p1d();
  params["location"] = "Minsk <Palace> & co";
  EXPECT_EQ(notification_summary(params), "Council of Heads of Government of the CIS");
  EXPECT_EQ(notification_body(params, zone("Europe/Minsk")),
            "Fri 26 Sep 2025 10:00 (Europe/Minsk), in 1 day (P1D)\nMinsk &lt;Palace&gt; &amp; co");
}

TEST(ReminderView, missed_table_shows_due_in_the_viewers_zone) {
  const json missed = json::array({json{{"reminder_id", 3},
                                        {"event_id", 1},
                                        {"title", "Council of Heads of Government of the CIS"},
                                        {"start", "2025-09-26T10:00:00+03:00"},
                                        {"tz", "Europe/Minsk"},
                                        {"reminder", "P7D"},
                                        {"due", "2025-09-19T07:00:00Z"},
                                        {"fired_at", "2025-09-27T09:12:03Z"}},
                                   json{{"reminder_id", 14},
                                        {"title", "Call"},
                                        {"reminder", "2025-09-18T22:00:00Z"},
                                        {"due", "2025-09-18T22:00:00Z"}}});
  EXPECT_EQ(format_missed_table(missed, zone("Asia/Tokyo")),
            "ID  DUE                    TITLE                                      REMINDER\n"
            "3   Fri 19 Sep 2025 16:00  Council of Heads of Government of the CIS  7d before\n"
            "14  Fri 19 Sep 2025 07:00  Call                                       at Fri 19 Sep "
            "2025 07:00\n");
  EXPECT_EQ(format_missed_table(json::array(), zone("UTC")), "No missed reminders.\n");
}

TEST(ReminderView, explanation_puts_reminders_and_zone_changes_on_one_timeline_in_both_zones) {
  const json event{{"id", 4},
                   {"uid", "x@summit"},
                   {"title", "Board"},
                   {"precision", "timed"},
                   {"start", "2026-10-26T10:00:00"},
                   {"end", "2026-10-26T10:00:00"},
                   {"start_utc", "2026-10-26T09:00:00Z"},
                   {"end_utc", "2026-10-26T09:00:00Z"},
                   {"has_end", false},
                   {"tz", "Europe/Berlin"},
                   {"status", "confirmed"},
                   {"location", ""},
                   {"description", ""},
                   {"tags", json::array()},
                   {"reminders", json::array({json{{"before", "P7D"}}, json{{"before", "PT1H"}}})},
                   {"owner_uid", 1000},
                   {"created", "2026-01-01T00:00:00Z"},
                   {"updated", "2026-01-01T00:00:00Z"}};
  const json result{
      {"event", event},
      {"reminders",
       json::array(
           {json{{"reminder_id", 7}, {"reminder", "P7D"}, {"due", "2026-10-19T08:00:00Z"}},
            json{{"reminder_id", 8}, {"reminder", "PT1H"}, {"due", "2026-10-26T08:00:00Z"}}})},
      {"zone_changes",
       json::array({json{
           {"at", "2026-10-25T01:00:00Z"},
           {"description", "clocks go back 1h on Sun 25 Oct 2026 03:00 CEST → 02:00 CET"}}})}};
  const std::string text = format_explanation(result, zone("America/New_York"));
  EXPECT_EQ(text,
            "Event 4: Board, Mon 26 Oct 2026 05:00  (10:00 Europe/Berlin)\n"
            "                          YOUR TIME (America/New_York)  EVENT'S TIME (Europe/Berlin)\n"
            "  reminder 7 (7d before)  Mon 19 Oct 2026 04:00 EDT     Mon 19 Oct 2026 10:00 CEST\n"
            "  note                    Sat 24 Oct 2026 21:00 EDT     clocks go back 1h on Sun 25 "
            "Oct 2026 03:00 CEST → 02:00 CET\n"
            "  reminder 8 (1h before)  Mon 26 Oct 2026 04:00 EDT     Mon 26 Oct 2026 09:00 CET\n");
}

TEST(ReminderView, explanation_without_pending_reminders_says_so) {
  const json result{{"event", json{{"id", 4}, {"title", "Board"}}},
                    {"reminders", json::array()},
                    {"zone_changes", json::array()}};
  EXPECT_THAT(format_explanation(result, zone("UTC")), HasSubstr("No pending reminders.\n"));
}

TEST(ReminderView, a_snoozed_firing_of_an_offset_reminder_says_how_long_until_the_start) {
  json snoozed = fired_p1d();
  snoozed["due"] = "2025-09-25T07:15:00Z";
  snoozed["fired_at"] = "2025-09-25T07:15:01Z";
  snoozed["late"] = false;
  EXPECT_THAT(format_fired_line(snoozed, zone("UTC")),
              testing::EndsWith(", in 23 hours 45 minutes (P1D)"));
}
