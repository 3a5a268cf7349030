#include "cli/commands/event_options.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace summit::cli;
using namespace date::literals;
using namespace std::chrono_literals;
using nlohmann::json;
using summit::core::Event;
using summit::core::Precision;
using summit::core::SysSeconds;
using testing::HasSubstr;

namespace {

// Monday 1 September 2025, 12:00 UTC: every relative form below is read
// against this, never against the machine's clock.
const SysSeconds k_now = date::sys_days{2025_y / date::September / 1} + 12h;

const date::time_zone *zone(const char *name) { return date::locate_zone(name); }

EventOptions at(const char *when) {
  EventOptions options;
  options.title = "Council of Heads of Government of the CIS";
  options.at = when;
  return options;
}

// An event as event.get would return it: 10:00 in Minsk on 26 Sep 2025.
Event minsk_meeting() {
  Event event;
  event.id = 2;
  event.title = "Council of Heads of Government of the CIS";
  event.precision = Precision::timed;
  event.tz = "Europe/Minsk";
  event.start_local = date::local_days{2025_y / date::September / 26} + 10h;
  event.end_local = event.start_local;
  event.start_utc = date::sys_days{2025_y / date::September / 26} + 7h;
  event.end_utc = event.start_utc;
  return event;
}

} // namespace

TEST(AddParams, month_precision_event_sends_the_month_and_the_zone) {
  EventOptions options = at("2025-09");
  options.location = "Minsk, Belarus";
  options.tags = std::vector<std::string>{"cis"};
  auto params = build_add_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ(*params, (json{{"title", "Council of Heads of Government of the CIS"},
                           {"start", "2025-09"},
                           {"tz", "Europe/Minsk"},
                           {"location", "Minsk, Belarus"},
                           {"tags", {"cis"}}}));
}

TEST(AddParams, wall_time_with_reminders_travels_as_wall_time_and_iso_durations) {
  EventOptions options = at("2025-09-26 10:00");
  options.reminders = std::vector<std::string>{"7d", "1d"};
  auto params = build_add_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["start"], "2025-09-26T10:00:00");
  EXPECT_EQ((*params)["tz"], "Europe/Minsk");
  EXPECT_EQ((*params)["reminders"], (json{"P7D", "P1D"}));
  EXPECT_FALSE(params->contains("all_day"));
}

TEST(AddParams, instant_is_written_in_the_event_zone_with_its_offset) {
  auto params = build_add_params(at("2025-09-26T07:00Z"), k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["start"], "2025-09-26T10:00:00+03:00");
}

TEST(AddParams, everyday_words_are_read_against_the_given_now_and_zone) {
  // 12:00 UTC on Mon 1 Sep is 15:00 in Minsk: "tomorrow" is Tue 2 Sep.
  auto params = build_add_params(at("tomorrow 9am"), k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["start"], "2025-09-02T09:00:00");
}

TEST(AddParams, all_day_end_is_the_last_day_and_is_sent_exclusive) {
  EventOptions options = at("2025-09-26");
  options.end = "2025-09-28";
  auto params = build_add_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["start"], "2025-09-26");
  EXPECT_EQ((*params)["end"], "2025-09-29");
  EXPECT_EQ((*params)["all_day"], true);
}

TEST(AddParams, all_day_flag_with_a_time_of_day_is_a_usage_error) {
  EventOptions options = at("2025-09-26 10:00");
  options.all_day = true;
  auto params = build_add_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_FALSE(params);
  EXPECT_THAT(params.error().message, HasSubstr("--all-day"));
}

TEST(AddParams, timed_event_with_a_date_end_is_refused) {
  EventOptions options = at("2025-09-26 10:00");
  options.end = "2025-09-27";
  auto params = build_add_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_FALSE(params);
  EXPECT_THAT(params.error().message, HasSubstr("--end"));
}

TEST(AddParams, month_end_is_the_last_month_and_is_sent_exclusive) {
  EventOptions options = at("2025-09");
  options.end = "2025-10";
  auto params = build_add_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["end"], "2025-11");
}

TEST(AddParams, duration_is_normalised_to_iso) {
  EventOptions options = at("2025-09-26 10:00");
  options.duration = "90m";
  auto params = build_add_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["duration"], "PT1H30M");
}

TEST(AddParams, impossible_dates_and_times_name_the_option) {
  for (const char *bad : {"2025-02-30", "2025-09-26 25:00"}) {
    auto params = build_add_params(at(bad), k_now, zone("UTC"));
    ASSERT_FALSE(params) << bad;
    EXPECT_THAT(params.error().message, HasSubstr("--at")) << bad;
  }
}

TEST(AddParams, absolute_reminder_is_read_in_the_event_zone) {
  EventOptions options = at("2025-09-26 10:00");
  options.reminders = std::vector<std::string>{"2025-09-19 09:00"};
  auto params = build_add_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["reminders"], (json{{{"at", "2025-09-19T06:00:00Z"}}}));
}

TEST(AddParams, unreadable_reminder_and_status_are_usage_errors) {
  EventOptions options = at("2025-09-26 10:00");
  options.reminders = std::vector<std::string>{"soonish"};
  auto params = build_add_params(options, k_now, zone("UTC"));
  ASSERT_FALSE(params);
  EXPECT_THAT(params.error().message, HasSubstr("--remind"));

  options = at("2025-09-26 10:00");
  options.status = "maybe";
  params = build_add_params(options, k_now, zone("UTC"));
  ASSERT_FALSE(params);
  EXPECT_THAT(params.error().message, HasSubstr("--status"));
}

TEST(UpdateParams, new_start_is_read_in_the_events_own_zone) {
  EventOptions options;
  options.at = "2025-09-26 11:00";
  auto params = build_update_params(minsk_meeting(), options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ(*params, (json{{"id", 2}, {"start", "2025-09-26T11:00:00"}, {"tz", "Europe/Minsk"}}));
}

TEST(UpdateParams, nothing_to_change_is_a_usage_error) {
  auto params = build_update_params(minsk_meeting(), EventOptions{}, k_now, zone("Europe/Minsk"));
  ASSERT_FALSE(params);
  EXPECT_THAT(params.error().message, HasSubstr("nothing to change"));
}

TEST(UpdateParams, a_new_zone_alone_is_a_change) {
  auto params = build_update_params(minsk_meeting(), EventOptions{}, k_now, zone("Asia/Almaty"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ(*params, (json{{"id", 2}, {"tz", "Asia/Almaty"}}));
}

TEST(UpdateParams, empty_location_clears_it_and_no_end_clears_the_end) {
  EventOptions options;
  options.location = "";
  options.clear_end = true;
  auto params = build_update_params(minsk_meeting(), options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_TRUE((*params)["location"].is_null());
  EXPECT_TRUE((*params)["end"].is_null());
}

TEST(UpdateParams, end_of_an_all_day_event_is_its_last_day) {
  Event event = minsk_meeting();
  event.precision = Precision::all_day;
  event.start_local = date::local_days{2025_y / date::September / 26};
  event.end_local = event.start_local + date::days{1};
  EventOptions options;
  options.end = "2025-09-27";
  auto params = build_update_params(event, options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["end"], "2025-09-28");
}

TEST(UpdateParams, all_day_flag_alone_keeps_the_day) {
  EventOptions options;
  options.all_day = true;
  auto params = build_update_params(minsk_meeting(), options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["start"], "2025-09-26");
  EXPECT_EQ((*params)["all_day"], true);
}

TEST(ListParams, dates_are_read_in_the_viewer_zone_and_sent_as_utc) {
  ListOptions options;
  options.from = "2025-01-01";
  options.to = "2025-09-30"; // includes the 30th
  options.tag = "cis";
  auto params = build_list_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["from"], "2024-12-31T21:00:00Z");
  EXPECT_EQ((*params)["to"], "2025-09-30T21:00:00Z");
  EXPECT_EQ((*params)["tag"], "cis");
  EXPECT_EQ((*params)["tz"], "Europe/Minsk");
}

TEST(ListParams, to_before_from_is_refused) {
  ListOptions options;
  options.from = "2025-09-26";
  options.to = "2025-09-01";
  auto params = build_list_params(options, k_now, zone("UTC"));
  ASSERT_FALSE(params);
  EXPECT_THAT(params.error().message, HasSubstr("--to"));
}

TEST(ListParams, nothing_given_sends_only_the_zone) {
  auto params = build_list_params(ListOptions{}, k_now, zone("UTC"));
  ASSERT_TRUE(params);
  EXPECT_EQ(*params, (json{{"tz", "UTC"}}));
}

TEST(RepeatParam, a_rule_or_a_shortcut_is_sent_as_typed) {
  auto options = at("2025-10-03 10:00");
  options.repeat = "FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR";
  auto params = build_add_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["repeat"], "FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR");
  for (const char *shortcut :
       {"weekly", "every 2 weeks", "weekly until 2027-12-31", "monthly count 10", "weekdays"}) {
    options.repeat = shortcut;
    auto shortcut_params = build_add_params(options, k_now, zone("Europe/Minsk"));
    ASSERT_TRUE(shortcut_params) << shortcut;
    EXPECT_EQ((*shortcut_params)["repeat"], shortcut);
  }
}

TEST(RepeatParam, until_in_everyday_words_becomes_a_date_in_the_events_zone) {
  // Mon 1 Sep 2025 12:00 UTC is already Tuesday in Auckland: "friday" there is the 5th.
  auto rule = repeat_to_wire("weekly until friday", k_now, zone("Pacific/Auckland"));
  ASSERT_TRUE(rule) << rule.error().message;
  EXPECT_EQ(*rule, "weekly until 2025-09-05");
  auto relative = repeat_to_wire("every 2 weeks until in 30 days", k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(relative);
  EXPECT_EQ(*relative, "every 2 weeks until 2025-10-01");
  // An RRULE's UNTIL and what the CLI cannot read are the daemon's business.
  EXPECT_EQ(*repeat_to_wire("FREQ=DAILY;UNTIL=20251231", k_now, zone("UTC")),
            "FREQ=DAILY;UNTIL=20251231");
  EXPECT_EQ(*repeat_to_wire("weekly until the cows come home", k_now, zone("UTC")),
            "weekly until the cows come home");
}

TEST(RepeatParam, an_empty_rule_is_a_usage_error_listing_the_forms) {
  auto options = at("2025-10-03 10:00");
  options.repeat = "  ";
  auto params = build_add_params(options, k_now, zone("Europe/Minsk"));
  ASSERT_FALSE(params);
  EXPECT_THAT(params.error().message, HasSubstr("--repeat: give a rule"));
  EXPECT_THAT(params.error().message, HasSubstr("FREQ="));
}

TEST(UpdateParams, repeat_changes_the_rule_and_no_repeat_sends_null) {
  EventOptions options;
  options.repeat = "daily";
  auto params = build_update_params(minsk_meeting(), options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["repeat"], "daily");

  EventOptions stop;
  stop.clear_repeat = true;
  auto stopped = build_update_params(minsk_meeting(), stop, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_TRUE((*stopped)["repeat"].is_null());

  stop.repeat = "daily";
  auto both = build_update_params(minsk_meeting(), stop, k_now, zone("Europe/Minsk"));
  ASSERT_FALSE(both);
  EXPECT_THAT(both.error().message, HasSubstr("--repeat or --no-repeat"));
}

TEST(AddParams, day_words_count_in_the_users_calendar_not_the_events) {
  // At k_now it is Monday 1 September 12:00 for the user (UTC) and already
  // Tuesday 2 September 02:00 on Kiritimati (UTC+14), where the event is.
  auto params =
      build_add_params(at("tomorrow 10:00"), k_now, zone("Pacific/Kiritimati"), zone("UTC"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["start"], "2025-09-02T10:00:00"); // the user's tomorrow, 10:00 there
  EXPECT_EQ((*params)["tz"], "Pacific/Kiritimati");
  // Without the user's zone, "tomorrow" was the event's: a day later.
  auto theirs = build_add_params(at("tomorrow 10:00"), k_now, zone("Pacific/Kiritimati"));
  ASSERT_TRUE(theirs) << theirs.error().message;
  EXPECT_EQ((*theirs)["start"], "2025-09-03T10:00:00");
}

TEST(UpdateParams, day_words_of_an_edit_count_in_the_users_calendar) {
  Event event = minsk_meeting();
  event.tz = "Pacific/Kiritimati";
  EventOptions options;
  options.at = "tomorrow 09:00";
  options.end = "tomorrow 11:00";
  auto params = build_update_params(event, options, k_now, zone("Pacific/Kiritimati"),
                                    /*require_change=*/true, zone("UTC"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["start"], "2025-09-02T09:00:00");
  EXPECT_EQ((*params)["end"], "2025-09-02T11:00:00");
}

TEST(UpdateParams, a_time_of_day_for_an_all_day_event_asks_for_its_length) {
  Event event = minsk_meeting();
  event.precision = Precision::all_day;
  event.start_local = date::local_days{2025_y / date::September / 26};
  event.end_local = event.start_local + date::days{3};
  event.has_end = true;
  EventOptions options;
  options.at = "10:00";
  auto refused = build_update_params(event, options, k_now, zone("Europe/Minsk"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "--at: event 2 is all-day (3 days from Fri 26 Sep 2025); at a time of day it needs "
            "a length too: add --duration (such as 2h), --end (such as \"2025-09-26 18:00\") or "
            "--no-end (a point in time)");
  options.duration = "2h";
  auto timed = build_update_params(event, options, k_now, zone("Europe/Minsk"));
  ASSERT_TRUE(timed) << timed.error().message;
  EXPECT_EQ((*timed)["start"], "2025-09-26T10:00:00");
  EXPECT_EQ((*timed)["duration"], "PT2H");
  options.duration.reset();
  options.clear_end = true;
  EXPECT_TRUE(build_update_params(event, options, k_now, zone("Europe/Minsk")));
}

TEST(ListParams, a_to_past_9999_means_no_end_and_a_limit_is_bounded) {
  ListOptions options;
  options.to = "9999-12-31";
  auto params = build_list_params(options, k_now, zone("America/New_York"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_FALSE(params->contains("to")) << params->dump();
  options.to = "9999-12-30";
  params = build_list_params(options, k_now, zone("America/New_York"));
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ((*params)["to"], "9999-12-31T05:00:00Z");
  options.to.reset();
  options.limit = k_max_list_rows;
  EXPECT_TRUE(build_list_params(options, k_now, zone("UTC")));
  options.limit = 2147483647;
  auto refused = build_list_params(options, k_now, zone("UTC"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "--limit: at most 100000 events are listed at once; list the next ones with --from "
            "set to the last start listed, or narrow --from/--to");
}

TEST(AddParams, a_reminder_at_a_day_word_counts_in_the_users_calendar) {
  EventOptions options = at("2025-09-10 10:00");
  options.reminders = std::vector<std::string>{"tomorrow 09:00"};
  auto params = build_add_params(options, k_now, zone("Pacific/Kiritimati"), zone("UTC"));
  ASSERT_TRUE(params) << params.error().message;
  // The user's tomorrow (Tue 2 Sep), 09:00 on Kiritimati (UTC+14): 19:00 UTC on the 1st.
  EXPECT_EQ((*params)["reminders"], json::array({json{{"at", "2025-09-01T19:00:00Z"}}}));
}
