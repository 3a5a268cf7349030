// The issue's examples, run through the real summit and summitd.
#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;
using testing::IsEmpty;

namespace {

// The row of a `summit list` table whose first column is `id`.
std::string row_of(const std::vector<std::string> &rows, int id) {
  for (const std::string &row : rows) {
    if (row.rfind(std::to_string(id) + " ", 0) == 0) {
      return row;
    }
  }
  return {};
}

std::size_t index_of_row(const std::vector<std::string> &rows, int id) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].rfind(std::to_string(id) + " ", 0) == 0) {
      return i;
    }
  }
  return rows.size();
}

} // namespace

using Examples = SummitTest;

TEST_F(Examples, month_precision_add_infers_minsk_and_says_so) {
  const ProcessResult added = summit(
      {"add", k_cis_title, "--at", "2025-09", "--location", "Minsk, Belarus", "--tag", "cis"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.out, "Added event 1: " + k_cis_title + ", Sep 2025 (date TBA)\n");
  EXPECT_THAT(added.err, HasSubstr("summit: using time zone Europe/Minsk ("));
  EXPECT_THAT(added.err, HasSubstr("); pass --tz to override"));

  const json events = all_events();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0]["precision"], "month");
  EXPECT_EQ(events[0]["tz"], "Europe/Minsk");
  EXPECT_EQ(events[0]["status"], "tentative");
  // Sorted at the start of its month: 1 Sep 00:00 in Minsk (UTC+3).
  EXPECT_EQ(events[0]["start_utc"], "2025-08-31T21:00:00Z");
}

TEST_F(Examples, timed_add_with_tz_and_reminders_prints_its_id) {
  const ProcessResult added =
      summit({"add", k_cis_title, "--at", "2025-09-26 10:00", "--tz", "Europe/Minsk", "--location",
              "Minsk, Belarus", "--remind", "7d", "--remind", "1d", "--tag", "cis"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.out,
            "Added event 1: " + k_cis_title + ", Fri 26 Sep 2025 07:00  (10:00 Europe/Minsk)\n");
  // --tz given: nothing inferred. September 2025 is past, though, and the
  // CLI says what that costs (issue 15).
  EXPECT_EQ(added.err, "summit: warning: event 1 starts in the past (Fri 26 Sep 2025 07:00  "
                       "(10:00 Europe/Minsk)); its reminders will never fire: 7d before, 1d "
                       "before\n");
}

TEST_F(Examples, json_list_shows_both_in_start_order_with_utc_instants) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  const ProcessResult listed = summit({"--json", "list", "--from", "2025-01-01", "--tag", "cis"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const json events = json::parse(listed.out);
  ASSERT_TRUE(events.is_array());
  ASSERT_EQ(events.size(), 2U);

  EXPECT_EQ(events[0]["id"], 1);
  EXPECT_EQ(events[0]["precision"], "month");
  EXPECT_EQ(events[0]["start"], "2025-09");

  const json &timed = events[1];
  EXPECT_EQ(timed["id"], 2);
  EXPECT_EQ(timed["title"], k_cis_title);
  EXPECT_EQ(timed["precision"], "timed");
  EXPECT_EQ(timed["start"], "2025-09-26T10:00:00");
  EXPECT_EQ(timed["tz"], "Europe/Minsk");
  EXPECT_EQ(timed["start_utc"], "2025-09-26T07:00:00Z");
  EXPECT_EQ(timed["start_offset"], "2025-09-26T10:00:00+03:00");
  EXPECT_EQ(timed["location"], "Minsk, Belarus");
  EXPECT_EQ(timed["tags"], json::array({"cis"}));
  EXPECT_EQ(timed["reminders"], (json{{{"before", "P7D"}}, {{"before", "P1D"}}}));
  EXPECT_EQ(timed["status"], "confirmed");
  EXPECT_TRUE(timed["uid"].is_string() && !timed["uid"].get<std::string>().empty());
}

TEST_F(Examples, human_list_shows_tba_first_and_the_meeting_in_both_zones) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  const ProcessResult listed = summit({"list", "--from", "2025-01-01", "--tag", "cis"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto rows = lines_of(listed.out);
  ASSERT_EQ(rows.size(), 3U) << listed.out;
  EXPECT_THAT(rows[0], testing::StartsWith("ID"));
  EXPECT_THAT(row_of(rows, 1), HasSubstr("Sep 2025 (date TBA)"));
  EXPECT_THAT(row_of(rows, 2), HasSubstr("Fri 26 Sep 2025 07:00  (10:00 Europe/Minsk)"));
  EXPECT_LT(index_of_row(rows, 1), index_of_row(rows, 2));

  // Viewed from Minsk, the meeting needs no second time.
  const ProcessResult from_minsk = summit({"list", "--from", "2025-01-01"}, "Europe/Minsk");
  ASSERT_EQ(from_minsk.exit_code, 0) << from_minsk.err;
  EXPECT_THAT(row_of(lines_of(from_minsk.out), 2), HasSubstr("Fri 26 Sep 2025 10:00  "));
  EXPECT_THAT(row_of(lines_of(from_minsk.out), 2), testing::Not(HasSubstr("(10:00")));

  // --tz switches the viewer's zone.
  const ProcessResult from_tokyo =
      summit({"--tz", "Asia/Tokyo", "list", "--from", "2025-01-01"}, "UTC");
  ASSERT_EQ(from_tokyo.exit_code, 0) << from_tokyo.err;
  EXPECT_THAT(row_of(lines_of(from_tokyo.out), 2),
              HasSubstr("Fri 26 Sep 2025 16:00  (10:00 Europe/Minsk)"));
}

TEST_F(Examples, month_event_sorts_at_the_start_of_its_month) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  // 20:00 UTC on 31 Aug is before 00:00 1 Sep in Minsk (21:00 UTC); 1 Sep
  // 08:00 in Minsk is after it.
  ASSERT_EQ(summit({"add", "Before", "--at", "2025-08-31 20:00", "--tz", "UTC"}).exit_code, 0);
  ASSERT_EQ(summit({"add", "After", "--at", "2025-09-01 08:00", "--tz", "Europe/Minsk"}).exit_code,
            0);
  const json events = all_events();
  std::vector<std::string> order;
  for (const json &event : events) {
    order.push_back(event["id"].get<int>() == 1 ? "month" : event["title"].get<std::string>());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"Before", "month", "After", k_cis_title}));
}

TEST_F(Examples, edit_moves_the_meeting_an_hour_and_rm_removes_the_month_one) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  const ProcessResult edited = summit({"edit", "2", "--at", "2025-09-26 11:00"});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_EQ(edited.out, "Updated event 2: " + k_cis_title +
                            ", Fri 26 Sep 2025 08:00  (11:00 Europe/Minsk)\n" +
                            "  was: Fri 26 Sep 2025 07:00  (10:00 Europe/Minsk)\n");

  const ProcessResult shown = summit({"--json", "show", "2"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const json event = json::parse(shown.out);
  EXPECT_EQ(event["start"], "2025-09-26T11:00:00");
  EXPECT_EQ(event["tz"], "Europe/Minsk");
  EXPECT_EQ(event["start_utc"], "2025-09-26T08:00:00Z");
  // Fields the edit did not name are kept.
  EXPECT_EQ(event["reminders"], (json{{{"before", "P7D"}}, {{"before", "P1D"}}}));
  EXPECT_EQ(event["location"], "Minsk, Belarus");

  const ProcessResult removed = summit({"rm", "1"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(removed.out, "Removed event 1\n");
  const json events = all_events();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0]["id"], 2);
  EXPECT_EQ(events[0]["start_utc"], "2025-09-26T08:00:00Z");
}

TEST_F(Examples, show_prints_every_field_with_reminders) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  const ProcessResult shown = summit({"show", "2"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, HasSubstr(k_cis_title));
  EXPECT_THAT(shown.out, HasSubstr("7d before, 1d before"));
  EXPECT_THAT(shown.out,
              HasSubstr("2025-09-26T10:00:00+03:00 Europe/Minsk = 2025-09-26T07:00:00Z"));
  EXPECT_THAT(shown.out, HasSubstr("Minsk, Belarus"));
}

TEST_F(Examples, location_naming_a_single_zone_country_sets_the_zone) {
  const ProcessResult added = summit({"--json", "add", "CIS summit", "--at", "2025-10-10 10:00",
                                      "--location", "Dushanbe, Tajikistan"},
                                     "America/New_York");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_THAT(added.err, HasSubstr("summit: using time zone Asia/Dushanbe ("));
  const json event = json::parse(added.out);
  EXPECT_EQ(event["tz"], "Asia/Dushanbe");
  EXPECT_EQ(event["start_utc"], "2025-10-10T05:00:00Z"); // Dushanbe is UTC+5
}

TEST_F(Examples, without_tz_or_known_location_the_clients_zone_is_used_not_the_daemons) {
  const ProcessResult added =
      summit({"--json", "add", "Standup", "--at", "2025-10-10 09:00"}, "America/New_York");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const json event = json::parse(added.out);
  EXPECT_EQ(event["tz"], "America/New_York");
  EXPECT_EQ(event["start_utc"], "2025-10-10T13:00:00Z");
}

TEST_F(Examples, all_day_end_is_the_last_day) {
  const ProcessResult added = summit({"--json", "add", "Forum", "--at", "2025-09-26", "--end",
                                      "2025-09-28", "--tz", "Europe/Minsk"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const json event = json::parse(added.out);
  EXPECT_EQ(event["precision"], "all_day");
  EXPECT_EQ(event["start"], "2025-09-26");
  EXPECT_EQ(event["end"], "2025-09-29"); // exclusive on the wire
  const ProcessResult listed = summit({"list", "--from", "2025-09-01"});
  EXPECT_THAT(listed.out, HasSubstr("Fri 26 Sep 2025 – Sun 28 Sep 2025"));
}

TEST_F(Examples, everyday_words_are_accepted) {
  const ProcessResult added = summit({"--json", "add", "Call", "--at", "tomorrow 9am", "--duration",
                                      "30m", "--tz", "Europe/Berlin"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const json event = json::parse(added.out);
  EXPECT_EQ(event["precision"], "timed");
  EXPECT_THAT(event["start"].get<std::string>(), testing::EndsWith("T09:00:00"));
  EXPECT_EQ(event["has_end"], true);
}
