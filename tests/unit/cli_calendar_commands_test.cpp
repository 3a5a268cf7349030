// `summit agenda` and `summit cal` against a stand-in daemon.
#include "cli/commands/calendar_commands.hpp"
#include "cli_test_support.hpp"
#include "core/event_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace summit::cli;
using namespace summit::cli::test_support;
using namespace date::literals;
using namespace std::chrono_literals;
using summit::core::event_to_json;
using testing::HasSubstr;
using testing::Not;

namespace {

// A daemon whose event.list returns `events` (and `more`).
FakeDaemon::Handler listing(json events, bool more = false) {
  return [events, more](const json &) { return result_of({{"events", events}, {"more", more}}); };
}

// Thu 25 Sep 2025 12:00 UTC: the meeting in Minsk is tomorrow.
RunContext on_25_september() {
  RunContext context;
  context.now = date::sys_days{2025_y / date::September / 25} + 12h;
  return context;
}

} // namespace

TEST(AgendaCommand, asks_for_now_to_the_end_of_the_last_day_in_the_viewers_zone) {
  FakeDaemon daemon(listing(json::array({event_to_json(minsk_meeting())})));
  auto outcome = run_summit({"--tz", "Europe/Minsk", "agenda", "--days", "3"}, daemon.path(),
                            on_25_september());
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  ASSERT_EQ(daemon.requests().size(), 1U);
  EXPECT_EQ(daemon.requests()[0]["method"], "event.list");
  EXPECT_EQ(daemon.requests()[0]["params"], (json{{"from", "2025-09-25T12:00:00Z"},
                                                  {"to", "2025-09-27"},
                                                  {"tz", "Europe/Minsk"},
                                                  {"expand", true},
                                                  {"limit", 10000}}));
  EXPECT_EQ(outcome.out, "Fri 26 Sep 2025\n"
                         "10:00        Council of Heads of Government of the CIS  (Minsk, "
                         "Belarus)\n");
}

TEST(AgendaCommand, defaults_to_a_week_and_says_when_there_is_nothing_or_more) {
  FakeDaemon empty(listing(json::array()));
  auto none = run_summit({"agenda"}, empty.path(), on_25_september());
  ASSERT_EQ(none.code, k_exit_ok) << none.err;
  EXPECT_EQ(empty.requests()[0]["params"]["to"], "2025-10-01");
  EXPECT_EQ(none.out, "No events in the next 7 days.\n");

  FakeDaemon full(listing(json::array({event_to_json(minsk_meeting())}), /*more=*/true));
  auto more = run_summit({"agenda"}, full.path(), on_25_september());
  EXPECT_THAT(more.out, HasSubstr("\n(more events not shown)\n"));
}

TEST(AgendaCommand, json_prints_the_daemons_events) {
  const json events = json::array({event_to_json(minsk_meeting())});
  FakeDaemon daemon(listing(events));
  auto outcome = run_summit({"--json", "agenda"}, daemon.path(), on_25_september());
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(json::parse(outcome.out), events);
}

TEST(CalCommand, lists_the_month_in_the_viewers_zone_and_marks_its_days) {
  FakeDaemon daemon(listing(json::array({event_to_json(minsk_meeting())})));
  auto outcome =
      run_summit({"--tz", "Europe/Minsk", "cal", "sep", "2025"}, daemon.path(), on_25_september());
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(daemon.requests()[0]["params"], (json{{"from", "2025-09"},
                                                  {"to", "2025-09"},
                                                  {"tz", "Europe/Minsk"},
                                                  {"expand", true},
                                                  {"limit", 10000}}));
  EXPECT_EQ(outcome.out, "         September 2025\n"
                         " Mo   Tu   We   Th   Fr   Sa   Su\n"
                         "  1    2    3    4    5    6    7\n"
                         "  8    9   10   11   12   13   14\n"
                         " 15   16   17   18   19   20   21\n"
                         " 22   23   24  [25]  26*  27   28\n"
                         " 29   30\n"
                         "\n"
                         "Fri 26 Sep 2025\n"
                         "10:00        Council of Heads of Government of the CIS  (Minsk, "
                         "Belarus)\n");
}

TEST(CalCommand, colour_only_on_a_terminal_and_never_with_no_color) {
  const json events = json::array({event_to_json(minsk_meeting())});
  RunContext terminal = on_25_september();
  terminal.stdout_is_terminal = true;
  {
    FakeDaemon daemon(listing(events));
    auto coloured = run_summit({"cal"}, daemon.path(), terminal);
    EXPECT_THAT(coloured.out, HasSubstr("\x1b[7m25\x1b[0m"));
    EXPECT_THAT(coloured.out, HasSubstr("\x1b[1m26\x1b[0m"));
  }
  {
    RunContext empty_no_color = terminal;
    empty_no_color.vars["NO_COLOR"] = ""; // set but empty: no-color.org says colour stays
    FakeDaemon daemon(listing(events));
    EXPECT_THAT(run_summit({"cal"}, daemon.path(), empty_no_color).out, HasSubstr("\x1b["));
  }
  {
    RunContext no_color = terminal;
    no_color.vars["NO_COLOR"] = "1";
    FakeDaemon daemon(listing(events));
    auto plain = run_summit({"cal"}, daemon.path(), no_color);
    EXPECT_THAT(plain.out, Not(HasSubstr("\x1b[")));
    EXPECT_THAT(plain.out, HasSubstr("[25]  26*"));
  }
  {
    FakeDaemon daemon(listing(events));
    EXPECT_THAT(run_summit({"cal"}, daemon.path(), on_25_september()).out, Not(HasSubstr("\x1b[")));
  }
}

TEST(CalCommand, an_empty_month_says_so_and_a_bad_month_is_a_usage_error) {
  FakeDaemon daemon(listing(json::array()));
  auto empty = run_summit({"cal", "next", "month"}, daemon.path(), on_25_september());
  ASSERT_EQ(empty.code, k_exit_ok) << empty.err;
  EXPECT_EQ(daemon.requests()[0]["params"]["from"], "2025-10");
  EXPECT_THAT(empty.out, HasSubstr("\n\nNo events in October 2025.\n"));

  auto bad = run_summit({"cal", "someday"}, k_no_socket);
  EXPECT_EQ(bad.code, k_exit_usage);
  EXPECT_THAT(bad.err, HasSubstr("MONTH: 'someday' is not a month"));
}
