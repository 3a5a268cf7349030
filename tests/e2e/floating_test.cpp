// Floating time through the real summit and summitd (issue 16): the daemon
// runs in Pacific/Chatham (UTC+13:45 in March 2030), the viewers elsewhere;
// a floating event is at its own wall time for all of them.
#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;

using Floating = SummitTest;

TEST_F(Floating, an_event_added_floating_is_at_its_wall_time_for_every_viewer) {
  const ProcessResult added = summit({"add", "Dentist", "--at", "2030-03-04 09:00", "--duration",
                                      "30m", "--tz", "floating", "--remind", "1h"},
                                     "Europe/London");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.out, "Added event 1: Dentist, Mon 4 Mar 2030 09:00–09:30  (floating)\n");

  for (const char *viewer : {"Asia/Tokyo", "America/New_York", "UTC"}) {
    const ProcessResult listed =
        summit({"list", "--from", "2030-03-01", "--to", "2030-03-31"}, viewer);
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_THAT(listed.out, HasSubstr("Mon 4 Mar 2030 09:00–09:30  (floating)")) << viewer;
  }
  // --tz changes the viewer, not the wall time.
  const ProcessResult tokyo = summit({"--tz", "Asia/Tokyo", "show", "1"}, "America/New_York");
  ASSERT_EQ(tokyo.exit_code, 0) << tokyo.err;
  EXPECT_THAT(tokyo.out, HasSubstr("Mon 4 Mar 2030 09:00–09:30  (floating)"));
  EXPECT_THAT(tokyo.out, HasSubstr("2030-03-04T09:00:00 floating"));

  // summitd reads it in its own zone: its reminder is at 08:00 in Chatham.
  const json event = all_events().at(0);
  EXPECT_EQ(event["tz"], "floating");
  EXPECT_EQ(event["start"], "2030-03-04T09:00:00");
  EXPECT_EQ(event["start_utc"], "2030-03-03T19:15:00Z");

  // An edit keeps it floating; the global --tz cannot be "floating".
  const ProcessResult edited = summit({"edit", "1", "--title", "Dentist (Dr Ng)"}, "Asia/Tokyo");
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_EQ(all_events().at(0)["tz"], "floating");
  const ProcessResult refused = summit({"--tz", "floating", "list"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("'floating' is no zone to view times in"));

  // Exported floating: no TZID, no VTIMEZONE.
  const ProcessResult exported = summit({"export"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_THAT(exported.out, HasSubstr("DTSTART:20300304T090000\r\n"));
  EXPECT_EQ(exported.out.find("VTIMEZONE"), std::string::npos) << exported.out;
}

TEST_F(Floating, imported_dates_and_floating_times_stay_floating) {
  const std::string path = dir().path() + "/invite.ics";
  std::ofstream(path, std::ios::binary)
      << "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
         "BEGIN:VEVENT\r\nUID:yoga@example.org\r\nDTSTAMP:20300101T000000Z\r\n"
         "SUMMARY:Yoga\r\nDTSTART:20300305T073000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
         "BEGIN:VEVENT\r\nUID:holiday@example.org\r\nDTSTAMP:20300101T000000Z\r\n"
         "SUMMARY:Holiday\r\nDTSTART;VALUE=DATE:20300306\r\nEND:VEVENT\r\n"
         "END:VCALENDAR\r\n";
  const ProcessResult imported = summit({"import", path}, "Europe/Minsk");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("2 added"));
  const ProcessResult listed =
      summit({"list", "--from", "2030-03-01", "--to", "2030-03-31"}, "America/Los_Angeles");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("Tue 5 Mar 2030 07:30–08:30  (floating)"));
  EXPECT_THAT(listed.out, HasSubstr("Wed 6 Mar 2030 (all day)"));
  const json events = all_events();
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0]["tz"], "floating");
  EXPECT_EQ(events[1]["tz"], "floating");
  // And back out as they came.
  const ProcessResult exported = summit({"export"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_THAT(exported.out, HasSubstr("DTSTART:20300305T073000\r\n"));
  EXPECT_THAT(exported.out, HasSubstr("DTSTART;VALUE=DATE:20300306\r\n"));
  EXPECT_EQ(exported.out.find("X-SUMMIT-TZID"), std::string::npos) << exported.out;
}

// A listing in the viewer's zone chooses floating events by their wall
// times there, not by the instants summitd (Chatham, +13:45) reads them at.
TEST_F(Floating, a_viewers_day_lists_the_floating_events_of_that_wall_day) {
  for (const std::vector<std::string> &args : std::vector<std::vector<std::string>>{
           // 01:00 on 4 March: 3 March 11:15Z in Chatham, before New York's 4 March.
           {"add", "Early", "--at", "2030-03-04 01:00", "--tz", "floating"},
           // 18:00 on 5 March: 5 March 04:15Z in Chatham, inside New York's 4 March.
           {"add", "Next evening", "--at", "2030-03-05 18:00", "--tz", "floating"},
           // Weekly at 01:00 from 4 March.
           {"add", "Weekly early", "--at", "2030-03-04 01:00", "--tz", "floating", "--repeat",
            "FREQ=WEEKLY;COUNT=3"},
           // 02:30 on 10 March: New York's clocks skip it.
           {"add", "In the gap", "--at", "2030-03-10 02:30", "--tz", "floating"}}) {
    const ProcessResult added = summit(args, "America/New_York");
    ASSERT_EQ(added.exit_code, 0) << added.err;
  }
  const auto titles = [this](const std::string &day) {
    const ProcessResult listed =
        summit({"--json", "list", "--from", day, "--to", day}, "America/New_York");
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    std::vector<std::string> seen;
    for (const json &event : json::parse(listed.out)) {
      seen.push_back(event.value("start", "") + " " + event.value("title", ""));
    }
    return seen;
  };
  EXPECT_EQ(titles("2030-03-04"), (std::vector<std::string>{"2030-03-04T01:00:00 Early",
                                                            "2030-03-04T01:00:00 Weekly early"}));
  EXPECT_EQ(titles("2030-03-05"), (std::vector<std::string>{"2030-03-05T18:00:00 Next evening"}));
  EXPECT_EQ(titles("2030-03-11"), (std::vector<std::string>{"2030-03-11T01:00:00 Weekly early"}));
  EXPECT_EQ(titles("2030-03-10"), (std::vector<std::string>{"2030-03-10T02:30:00 In the gap"}));

  // Shown at its wall time, though New York has no 02:30 that day.
  const ProcessResult gap =
      summit({"list", "--from", "2030-03-10", "--to", "2030-03-10"}, "America/New_York");
  ASSERT_EQ(gap.exit_code, 0) << gap.err;
  EXPECT_THAT(gap.out, HasSubstr("Sun 10 Mar 2030 02:30  (floating)")) << gap.out;
}
