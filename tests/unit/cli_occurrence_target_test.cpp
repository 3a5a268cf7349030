// `summit edit ID --occurrence/--cancel-occurrence/--from-occurrence WHEN`
// against a stand-in daemon: what is sent, what is printed.
#include "cli/commands/occurrence_target.hpp"
#include "cli_test_support.hpp"
#include "core/event_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace summit::cli;
using namespace summit::cli::test_support;
using namespace date::literals;
using namespace std::chrono_literals;
using summit::core::event_to_json;
using testing::ElementsAre;
using testing::HasSubstr;

namespace {

// The series with the occurrence of Fri 31 Oct moved to Thursday 30th and retitled.
summit::core::Event with_moved_occurrence() {
  summit::core::Event series = weekly_working_group();
  summit::core::OccurrenceOverride moved;
  moved.occurrence = date::local_days{2025_y / date::October / 31} + 10h;
  moved.start_local = date::local_days{2025_y / date::October / 30} + 10h;
  moved.end_local = moved.start_local + 1h;
  moved.start_utc = date::sys_days{2025_y / date::October / 30} + 7h;
  moved.end_utc = moved.start_utc + 1h;
  moved.title = "CIS working group (moved)";
  series.recurrence->overrides.push_back(moved);
  return series;
}

// Answers event.get with `series`, event.list with `listed`, event.update
// with `updated`.
FakeDaemon::Handler daemon_with(const summit::core::Event &series, json listed, json updated) {
  return [series, listed, updated](const json &request) {
    const std::string method = request["method"];
    if (method == "event.get") {
      return result_of({{"event", event_to_json(series)}});
    }
    if (method == "event.list") {
      return result_of({{"events", listed}, {"more", false}});
    }
    return result_of(updated);
  };
}

} // namespace

TEST(OccurrenceEdit, when_is_read_in_the_events_zone_not_the_viewers) {
  const json updated{{"event", event_to_json(with_moved_occurrence())}, {"notes", json::array()}};
  FakeDaemon daemon(daemon_with(weekly_working_group(), json::array(), updated));
  RunContext context;
  context.vars["TZ"] = "America/New_York";
  auto outcome = run_summit({"--tz", "Asia/Tokyo", "edit", "5", "--occurrence", "2025-10-31 10:00",
                             "--at", "2025-10-30 10:00", "--title", "CIS working group (moved)"},
                            daemon.path(), context);
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  ASSERT_THAT(daemon.methods(), ElementsAre("event.get", "event.update"));
  // 10:00 in Minsk, where the meeting is; no zone: it belongs to the series.
  EXPECT_EQ(daemon.requests()[1]["params"], (json{{"id", 5},
                                                  {"occurrence", "2025-10-31T10:00:00"},
                                                  {"start", "2025-10-30T10:00:00"},
                                                  {"title", "CIS working group (moved)"}}));
  EXPECT_EQ(outcome.out, "Changed the Fri 31 Oct 2025 10:00 Europe/Minsk occurrence of event 5: "
                         "CIS working group (moved), Thu 30 Oct 2025 16:00–17:00  (10:00–11:00 "
                         "Europe/Minsk)\n");
}

TEST(OccurrenceEdit, an_instant_names_the_wall_time_it_is_where_the_event_is) {
  auto target = read_occurrence_target(OccurrenceOptions{"2025-10-31T07:00Z", {}, {}},
                                       weekly_working_group(), RunContext{}.now);
  ASSERT_TRUE(target) << target.error().message;
  ASSERT_TRUE(*target);
  EXPECT_EQ((*target)->id, "2025-10-31T10:00:00");
  EXPECT_EQ((*target)->member, "occurrence");
  EXPECT_FALSE((*target)->day);
}

TEST(OccurrenceEdit, cancel_sends_only_the_occurrence_and_says_which_was_cancelled) {
  summit::core::Event cancelled = weekly_working_group();
  cancelled.recurrence->exdates.push_back(date::local_days{2025_y / date::October / 31} + 10h);
  FakeDaemon daemon(daemon_with(weekly_working_group(), json::array(),
                                {{"event", event_to_json(cancelled)}, {"notes", json::array()}}));
  auto outcome =
      run_summit({"edit", "5", "--cancel-occurrence", "2025-10-31 10:00"}, daemon.path());
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(daemon.requests()[1]["params"],
            (json{{"id", 5}, {"cancel_occurrence", "2025-10-31T10:00:00"}}));
  EXPECT_EQ(outcome.out, "Cancelled the Fri 31 Oct 2025 10:00 Europe/Minsk occurrence of event 5: "
                         "CIS working group\n");
}

TEST(OccurrenceEdit, a_date_alone_is_looked_up_on_that_day_in_the_events_zone) {
  const json listed = json::array({event_to_json(minsk_meeting()),
                                   event_to_json(weekly_occurrence(weekly_working_group(), 4))});
  FakeDaemon daemon(
      daemon_with(weekly_working_group(), listed,
                  {{"event", event_to_json(weekly_working_group())}, {"notes", json::array()}}));
  auto outcome = run_summit({"edit", "5", "--cancel-occurrence", "2025-10-31"}, daemon.path());
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  ASSERT_THAT(daemon.methods(), ElementsAre("event.get", "event.list", "event.update"));
  EXPECT_EQ(daemon.requests()[1]["params"], (json{{"from", "2025-10-17"},
                                                  {"to", "2025-11-14"},
                                                  {"tz", "Europe/Minsk"},
                                                  {"expand", true},
                                                  {"limit", 10000}}));
  EXPECT_EQ(daemon.requests()[2]["params"]["cancel_occurrence"], "2025-10-31T10:00:00");
}

TEST(OccurrenceEdit, a_day_without_an_occurrence_is_refused_naming_the_nearest) {
  const summit::core::Event series = weekly_working_group();
  json listed = json::array();
  for (int week = 2; week <= 6; ++week) {
    listed.push_back(event_to_json(weekly_occurrence(series, week)));
  }
  FakeDaemon daemon(daemon_with(series, listed, json::object()));
  auto outcome =
      run_summit({"edit", "5", "--occurrence", "2025-10-30", "--title", "x"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_refused);
  EXPECT_EQ(outcome.err, "summit: --occurrence: event 5 has no occurrence on Thu 30 Oct 2025 "
                         "(Europe/Minsk); the nearest: Fri 24 Oct 2025 10:00, Fri 31 Oct 2025 "
                         "10:00, Fri 7 Nov 2025 10:00\n");
  EXPECT_THAT(daemon.methods(), ElementsAre("event.get", "event.list"));
}

TEST(OccurrenceEdit, a_day_finds_a_moved_occurrence_by_its_new_day_or_its_own) {
  summit::core::Event moved = weekly_occurrence(weekly_working_group(), 4); // Fri 31 Oct
  moved.start_local -= date::days{1};                                       // now on Thursday
  moved.end_local -= date::days{1};
  const json listed = json::array({event_to_json(moved)});
  for (const auto when : {2025_y / date::October / 30, 2025_y / date::October / 31}) {
    const DayOccurrences found = occurrences_on_day(listed, 5, date::local_days{when});
    ASSERT_EQ(found.on_day.size(), 1U);
    EXPECT_EQ(found.on_day[0], "2025-10-31T10:00:00");
  }
  const DayOccurrences other =
      occurrences_on_day(listed, 5, date::local_days{2025_y / date::November / 1});
  EXPECT_TRUE(other.on_day.empty());
  EXPECT_EQ(other.nearest, (std::vector<std::string>{"2025-10-31T10:00:00"}));
  EXPECT_TRUE(
      occurrences_on_day(listed, 6, date::local_days{2025_y / date::October / 31}).on_day.empty());
}

TEST(OccurrenceEdit, from_occurrence_prints_the_truncated_and_the_new_series) {
  summit::core::Event previous = weekly_working_group();
  previous.recurrence->rrule = "FREQ=WEEKLY;UNTIL=20251030T205959Z;BYDAY=FR";
  previous.recurrence->description = "every week on Friday, until 30 Oct 2025";
  summit::core::Event next = weekly_occurrence(weekly_working_group(), 4);
  next.occurrence.reset();
  next.id = 9;
  next.start_local += 1h;
  next.end_local += 1h;
  next.start_utc += 1h;
  next.end_utc += 1h;
  FakeDaemon daemon(daemon_with(weekly_working_group(), json::array(),
                                {{"event", event_to_json(next)},
                                 {"previous", event_to_json(previous)},
                                 {"notes", json::array()}}));
  auto outcome = run_summit({"--tz", "Europe/Minsk", "edit", "5", "--from-occurrence",
                             "2025-10-31 10:00", "--at", "2025-10-31 11:00"},
                            daemon.path());
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(daemon.requests()[1]["params"], (json{{"id", 5},
                                                  {"from_occurrence", "2025-10-31T10:00:00"},
                                                  {"start", "2025-10-31T11:00:00"},
                                                  {"tz", "Europe/Minsk"}}));
  EXPECT_EQ(outcome.out,
            "Updated event 5: CIS working group, Fri 3 Oct 2025 10:00–11:00 ↻ every week on "
            "Friday, until 30 Oct 2025\n"
            "Added event 9: CIS working group, Fri 31 Oct 2025 11:00–12:00 ↻ every week on "
            "Friday\n");
}

TEST(OccurrenceEdit, series_fields_and_other_changes_on_a_cancel_are_usage_errors) {
  FakeDaemon daemon(daemon_with(weekly_working_group(), json::array(), json::object()));
  auto tagged =
      run_summit({"edit", "5", "--occurrence", "2025-10-31 10:00", "--tag", "x"}, daemon.path());
  EXPECT_EQ(tagged.code, k_exit_usage);
  EXPECT_THAT(tagged.err, HasSubstr("--tag: belongs to the whole series"));
  EXPECT_THAT(daemon.methods(), ElementsAre("event.get"));

  auto target = read_occurrence_target(OccurrenceOptions{{}, "2025-10-31 10:00", {}},
                                       weekly_working_group(), RunContext{}.now);
  ASSERT_TRUE(target && *target);
  EventOptions retitle;
  retitle.title = "x";
  auto params = build_occurrence_params(weekly_working_group(), **target, retitle, RunContext{}.now,
                                        date::locate_zone("Europe/Minsk"));
  ASSERT_FALSE(params);
  EXPECT_THAT(params.error().message, HasSubstr("--cancel-occurrence takes no other change"));
}

TEST(OccurrenceEdit, naming_an_occurrence_of_a_single_event_is_refused_without_an_update) {
  FakeDaemon daemon([](const json &) {
    return result_of({{"event", event_to_json(minsk_meeting())}});
  });
  auto outcome =
      run_summit({"edit", "2", "--cancel-occurrence", "2025-09-26 10:00"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_refused);
  EXPECT_THAT(outcome.err, HasSubstr("event 2 does not repeat"));
  EXPECT_THAT(daemon.methods(), ElementsAre("event.get"));
}

TEST(OccurrenceEdit, two_occurrence_options_at_once_are_a_usage_error) {
  auto outcome = run_summit(
      {"edit", "5", "--occurrence", "2025-10-31 10:00", "--cancel-occurrence", "2025-10-31 10:00"},
      k_no_socket);
  EXPECT_EQ(outcome.code, k_exit_usage);
}

TEST(OccurrenceEdit, an_all_day_series_takes_the_date_of_whatever_names_the_day) {
  summit::core::Event series = weekly_working_group();
  series.precision = summit::core::Precision::all_day;
  series.start_local = date::local_days{2025_y / date::October / 3};
  series.end_local = series.start_local + date::days{1};
  auto target = read_occurrence_target(OccurrenceOptions{"2025-10-31 15:00", {}, {}}, series,
                                       RunContext{}.now);
  ASSERT_TRUE(target && *target);
  EXPECT_EQ((*target)->id, "2025-10-31");
  auto month =
      read_occurrence_target(OccurrenceOptions{"2025-10", {}, {}}, series, RunContext{}.now);
  ASSERT_FALSE(month);
  EXPECT_THAT(month.error().message, HasSubstr("is a month"));
}
