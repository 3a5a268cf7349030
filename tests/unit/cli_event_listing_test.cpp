// `list`, `agenda` and `cal` read event.list page after page, and an
// occurrence that refers to its series.
#include "cli/client/event_listing.hpp"
#include "cli_test_support.hpp"
#include "core/event_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

using namespace summit::cli;
using namespace summit::cli::test_support;
using namespace date::literals;
using namespace std::chrono_literals;
using summit::core::event_to_json;
using testing::HasSubstr;

namespace {

// The occurrence `weeks` after the first of the weekly working group, as
// event.list now sends it: only what is its own.
json occurrence_entry(int weeks) {
  const summit::core::Event occurrence = weekly_occurrence(weekly_working_group(), weeks);
  json entry = event_to_json(occurrence);
  json own = json::object();
  for (const char *member :
       {"id", "occurrence", "start", "end", "start_utc", "end_utc", "start_offset"}) {
    own[member] = entry[member];
  }
  return own;
}

json series_map() { return json{{"5", event_to_json(weekly_working_group())}}; }

// A daemon whose event.list gives the working group's first `weeks`
// occurrences, `per_page` a page, with cursors "p1", "p2"...; and
// remembers the requests.
FakeDaemon::Handler paged_weeks(int weeks, int per_page) {
  return [weeks, per_page](const json &request) {
    int page = 0;
    if (request["params"].contains("after")) {
      page = std::stoi(request["params"]["after"].get<std::string>().substr(1));
    }
    const int limit = request["params"].value("limit", 100);
    const int first = page * per_page;
    const int count = std::min({per_page, limit, weeks - first});
    json events = json::array();
    for (int i = first; i < first + count; ++i) {
      events.push_back(occurrence_entry(i));
    }
    const bool more = first + count < weeks;
    return result_of({{"events", events},
                      {"series", series_map()},
                      {"more", more},
                      {"next", more ? json("p" + std::to_string(page + 1)) : json()}});
  };
}

// Sat 27 Sep 2025 12:00 UTC: the working group starts the Friday after.
RunContext before_october() {
  RunContext context;
  context.now = date::sys_days{2025_y / date::September / 27} + 12h;
  return context;
}

} // namespace

TEST(EventListing, an_occurrence_becomes_its_series_with_its_own_members_over_it) {
  const json whole = whole_event(occurrence_entry(1), series_map());
  EXPECT_EQ(whole, event_to_json(weekly_occurrence(weekly_working_group(), 1)));
  // An event that is not an occurrence stays as it is.
  const json single = event_to_json(minsk_meeting());
  EXPECT_EQ(whole_event(single, series_map()), single);
}

TEST(EventListing, the_json_printer_prints_what_print_json_prints) {
  for (const json &array : {json::array(), json::array({event_to_json(minsk_meeting())}),
                            json::array({event_to_json(minsk_meeting()), json{{"a", {1, 2}}}})}) {
    std::ostringstream streamed;
    JsonArrayPrinter printer(streamed);
    for (const json &element : array) {
      printer.add(element);
    }
    printer.finish();
    EXPECT_EQ(streamed.str(), array.dump(2) + "\n");
  }
}

TEST(EventListing, agenda_reads_every_page_and_prints_each_occurrence_once) {
  FakeDaemon daemon(paged_weeks(/*weeks=*/3, /*per_page=*/1));
  auto outcome = run_summit({"--tz", "Europe/Minsk", "agenda", "--days", "30"}, daemon.path(),
                            before_october());
  ASSERT_EQ(outcome.code, summit::cli::k_exit_ok) << outcome.err;
  ASSERT_EQ(daemon.requests().size(), 3U);
  EXPECT_FALSE(daemon.requests()[0]["params"].contains("after"));
  EXPECT_EQ(daemon.requests()[1]["params"]["after"], "p1");
  EXPECT_EQ(daemon.requests()[2]["params"]["after"], "p2");
  EXPECT_EQ(outcome.out, "Fri 3 Oct 2025\n"
                         "10:00–11:00  CIS working group ↻  (Minsk, Belarus)\n"
                         "\n"
                         "Fri 10 Oct 2025\n"
                         "10:00–11:00  CIS working group ↻  (Minsk, Belarus)\n"
                         "\n"
                         "Fri 17 Oct 2025\n"
                         "10:00–11:00  CIS working group ↻  (Minsk, Belarus)\n");
  EXPECT_THAT(outcome.out, testing::Not(HasSubstr("more events")));
}

TEST(EventListing, cal_marks_and_lists_days_from_every_page) {
  FakeDaemon daemon(paged_weeks(/*weeks=*/3, /*per_page=*/2));
  auto outcome =
      run_summit({"--tz", "Europe/Minsk", "cal", "2025-10"}, daemon.path(), before_october());
  ASSERT_EQ(outcome.code, summit::cli::k_exit_ok) << outcome.err;
  // Two passes of two pages: one marks the grid, one prints the days.
  EXPECT_EQ(daemon.requests().size(), 4U);
  EXPECT_THAT(outcome.out, HasSubstr("Fri 17 Oct 2025\n10:00–11:00  CIS working group ↻"));
  EXPECT_THAT(outcome.out, HasSubstr("Fri 3 Oct 2025\n"));
}

TEST(EventListing, list_stops_at_its_limit_across_pages_and_says_more_match) {
  FakeDaemon daemon(paged_weeks(/*weeks=*/10, /*per_page=*/2));
  auto outcome =
      run_summit({"--tz", "Europe/Minsk", "list", "--limit", "5"}, daemon.path(), before_october());
  ASSERT_EQ(outcome.code, summit::cli::k_exit_ok) << outcome.err;
  ASSERT_EQ(daemon.requests().size(), 3U);
  EXPECT_EQ(daemon.requests()[0]["params"]["limit"], 5);
  EXPECT_EQ(daemon.requests()[1]["params"]["limit"], 3);
  EXPECT_EQ(daemon.requests()[2]["params"]["limit"], 1);
  EXPECT_EQ(outcome.out,
            "ID  WHEN                         TITLE                LOCATION        TAGS\n"
            "5   Fri 3 Oct 2025 10:00–11:00   CIS working group ↻  Minsk, Belarus\n"
            "5   Fri 10 Oct 2025 10:00–11:00  CIS working group ↻  Minsk, Belarus\n"
            "5   Fri 17 Oct 2025 10:00–11:00  CIS working group ↻  Minsk, Belarus\n"
            "5   Fri 24 Oct 2025 10:00–11:00  CIS working group ↻  Minsk, Belarus\n"
            "5   Fri 31 Oct 2025 10:00–11:00  CIS working group ↻  Minsk, Belarus\n");
  EXPECT_THAT(outcome.err, HasSubstr("more events match"));
}

TEST(EventListing, json_list_prints_each_occurrence_as_a_whole_event_across_pages) {
  FakeDaemon daemon(paged_weeks(/*weeks=*/3, /*per_page=*/2));
  auto outcome =
      run_summit({"--json", "--tz", "Europe/Minsk", "list"}, daemon.path(), before_october());
  ASSERT_EQ(outcome.code, summit::cli::k_exit_ok) << outcome.err;
  json expected = json::array();
  for (int weeks = 0; weeks < 3; ++weeks) {
    expected.push_back(event_to_json(weekly_occurrence(weekly_working_group(), weeks)));
  }
  EXPECT_EQ(json::parse(outcome.out), expected);
  EXPECT_TRUE(outcome.err.empty()) << outcome.err;
}
