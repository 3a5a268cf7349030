// Recurring meetings through the real summit and summitd (issue 4): a
// weekly series listed over a month, one occurrence moved, one cancelled,
// the series split from a later one.
#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace summit::e2e;
using nlohmann::json;
using testing::ElementsAre;
using testing::HasSubstr;

namespace {

const std::string k_group = "CIS working group";

// Rows of `summit list` after its header.
std::vector<std::string> rows_of(const std::string &table) {
  std::vector<std::string> rows = lines_of(table);
  if (!rows.empty()) {
    rows.erase(rows.begin());
  }
  return rows;
}

} // namespace

class Recurring : public SummitTest {
protected:
  // Fridays 10:00–11:00 in Minsk from Fri 4 Oct 2030: event 1.
  void add_weekly_series() const {
    const ProcessResult added =
        summit({"--tz", "Europe/Minsk", "add", k_group, "--at", "2030-10-04 10:00", "--duration",
                "1h", "--tz", "Europe/Minsk", "--location", "Minsk, Belarus", "--repeat", "weekly",
                "--remind", "1h"});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    EXPECT_EQ(added.out, "Added event 1: " + k_group +
                             ", Fri 4 Oct 2030 10:00–11:00 ↻ every week on Friday\n");
  }

  std::vector<std::string> month(const std::string &which) const {
    const ProcessResult listed =
        summit({"--tz", "Europe/Minsk", "list", "--from", which, "--to", which});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    return rows_of(listed.out);
  }
};

TEST_F(Recurring, a_weekly_series_lists_each_occurrence_of_the_month) {
  ASSERT_NO_FATAL_FAILURE(add_weekly_series());
  EXPECT_THAT(month("2030-10"),
              ElementsAre("1   Fri 4 Oct 2030 10:00–11:00   CIS working group ↻  Minsk, Belarus",
                          "1   Fri 11 Oct 2030 10:00–11:00  CIS working group ↻  Minsk, Belarus",
                          "1   Fri 18 Oct 2030 10:00–11:00  CIS working group ↻  Minsk, Belarus",
                          "1   Fri 25 Oct 2030 10:00–11:00  CIS working group ↻  Minsk, Belarus"));
  // Viewed from London the wall time in Minsk stays beside each row.
  const ProcessResult london =
      summit({"--tz", "Europe/London", "list", "--from", "2030-10-25", "--to", "2030-11-01"});
  ASSERT_EQ(london.exit_code, 0) << london.err;
  EXPECT_THAT(rows_of(london.out),
              ElementsAre("1   Fri 25 Oct 2030 08:00–09:00  (10:00–11:00 Europe/Minsk)  CIS "
                          "working group ↻  Minsk, Belarus",
                          "1   Fri 1 Nov 2030 07:00–08:00  (10:00–11:00 Europe/Minsk)   CIS "
                          "working group ↻  Minsk, Belarus"));

  const ProcessResult raw =
      summit({"--json", "list", "--from", "2030-10-01T00:00:00Z", "--to", "2030-10-12T00:00:00Z"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  const json events = json::parse(raw.out);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[1]["occurrence"], "2030-10-11T10:00:00");
  EXPECT_EQ(events[1]["start_utc"], "2030-10-11T07:00:00Z");
  EXPECT_EQ(events[1]["recurrence"]["rrule"], "FREQ=WEEKLY");

  const ProcessResult shown = summit({"--tz", "Europe/Minsk", "show", "1"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("\nrepeats:      every week on Friday\n"
                                   "rule:         FREQ=WEEKLY\n"
                                   "zone:         Europe/Minsk\n"));
}

TEST_F(Recurring, one_occurrence_moved_one_cancelled_and_the_series_split) {
  ASSERT_NO_FATAL_FAILURE(add_weekly_series());
  // WHEN is the wall time in Minsk whatever the viewer's zone.
  const ProcessResult moved =
      summit({"--tz", "Asia/Tokyo", "edit", "1", "--occurrence", "2030-10-18 10:00", "--at",
              "2030-10-17 10:00", "--title", "CIS working group (moved)"},
             "America/New_York");
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_EQ(moved.out, "Changed the Fri 18 Oct 2030 10:00 Europe/Minsk occurrence of event 1: CIS "
                       "working group (moved), Thu 17 Oct 2030 16:00–17:00  (10:00–11:00 "
                       "Europe/Minsk)\n");

  // A date alone names that day's occurrence.
  const ProcessResult cancelled = summit({"edit", "1", "--cancel-occurrence", "2030-10-25"});
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.err;
  EXPECT_EQ(cancelled.out, "Cancelled the Fri 25 Oct 2030 10:00 Europe/Minsk occurrence of event "
                           "1: CIS working group\n");
  const ProcessResult again = summit({"edit", "1", "--cancel-occurrence", "2030-10-25"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("event 1 has no occurrence on Fri 25 Oct 2030 (Europe/Minsk); "
                                   "the nearest: "));

  EXPECT_THAT(month("2030-10"),
              ElementsAre("1   Fri 4 Oct 2030 10:00–11:00   CIS working group ↻          "
                          "Minsk, Belarus",
                          "1   Fri 11 Oct 2030 10:00–11:00  CIS working group ↻          "
                          "Minsk, Belarus",
                          "1   Thu 17 Oct 2030 10:00–11:00  CIS working group (moved) ↻  "
                          "Minsk, Belarus"));

  const ProcessResult split = summit({"--tz", "Europe/Minsk", "edit", "1", "--from-occurrence",
                                      "2030-11-08 10:00", "--at", "2030-11-08 11:00"});
  ASSERT_EQ(split.exit_code, 0) << split.err;
  const std::vector<std::string> said = lines_of(split.out);
  ASSERT_EQ(said.size(), 2U) << split.out;
  EXPECT_THAT(said[0], HasSubstr("Updated event 1: CIS working group, Fri 4 Oct 2030 10:00–11:00 "
                                 "↻ every week on Friday"));
  EXPECT_THAT(said[0], HasSubstr("until"));
  EXPECT_EQ(said[1],
            "Added event 2: CIS working group, Fri 8 Nov 2030 11:00–12:00 ↻ every week on Friday");
  EXPECT_THAT(month("2030-11"),
              ElementsAre("1   Fri 1 Nov 2030 10:00–11:00   CIS working group ↻  Minsk, Belarus",
                          "2   Fri 8 Nov 2030 11:00–12:00   CIS working group ↻  Minsk, Belarus",
                          "2   Fri 15 Nov 2030 11:00–12:00  CIS working group ↻  Minsk, Belarus",
                          "2   Fri 22 Nov 2030 11:00–12:00  CIS working group ↻  Minsk, Belarus",
                          "2   Fri 29 Nov 2030 11:00–12:00  CIS working group ↻  Minsk, Belarus"));

  const ProcessResult shown = summit({"--tz", "Europe/Minsk", "show", "1"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr("\nexcept on:    Fri 25 Oct 2030 10:00\n"
                                   "changed:      Fri 18 Oct 2030 10:00 → Thu 17 Oct 2030 "
                                   "10:00–11:00; title \"CIS working group (moved)\"\n"));
}

TEST_F(Recurring, no_repeat_makes_it_a_single_event_again) {
  ASSERT_NO_FATAL_FAILURE(add_weekly_series());
  const ProcessResult single = summit({"--tz", "Europe/Minsk", "edit", "1", "--no-repeat"});
  ASSERT_EQ(single.exit_code, 0) << single.err;
  EXPECT_EQ(single.out, "Updated event 1: CIS working group, Fri 4 Oct 2030 10:00–11:00\n"
                        "  repeat: does not repeat (was: every week on Friday)\n");
  EXPECT_THAT(month("2030-10"),
              ElementsAre("1   Fri 4 Oct 2030 10:00–11:00  CIS working group  Minsk, Belarus"));
}

TEST_F(Recurring, a_rule_the_daemon_cannot_use_is_refused_with_its_reason) {
  const ProcessResult refused =
      summit({"add", "x", "--at", "2030-10-04", "--tz", "Europe/Minsk", "--repeat", "FREQ=HOURLY"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("summit: "));
  EXPECT_TRUE(all_events().empty());
}
