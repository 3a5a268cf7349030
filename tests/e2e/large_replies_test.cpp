// Issue 13: an occurrence in a reply refers to its series instead of
// copying it, replies are paged within a byte bound, and no event is large
// enough to break it. Real summitd and summit, the worst series the limits
// allow: every minute with a 64 KiB description, and every minute with
// 4,000 EXDATEs.
#include "core/rpc.hpp"
#include "core/time_format.hpp"
#include "support/raw_client.hpp"
#include "support/summit_fixture.hpp"

#include <date/date.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;

namespace {

constexpr std::size_t k_reply_bound = std::size_t{1024} * 1024;

date::sys_days today_utc() { return date::floor<date::days>(std::chrono::system_clock::now()); }

std::string iso_minute(date::sys_seconds t) { return date::format("%FT%H:%M", t); }

class LargeReplies : public SummitTest {
protected:
  void SetUp() override {
    SummitTest::SetUp();
    m_tomorrow = today_utc() + date::days{1};
    RawClient client(socket());
    ASSERT_TRUE(client.connected());
    // "tick": every minute from yesterday, the longest description allowed.
    const json tick = client.call("event.add", {{"title", "tick"},
                                                {"start", iso_minute(m_tomorrow - date::days{2})},
                                                {"tz", "UTC"},
                                                {"description", std::string(64 * 1024, 'd')},
                                                {"repeat", "FREQ=MINUTELY"},
                                                {"reminders", json::array()}});
    ASSERT_TRUE(tick.contains("result")) << tick.dump().substr(0, 300);
    // "sparse": every minute from yesterday but the 4,000 even minutes from
    // tomorrow 00:00 on (the most EXDATEs allowed).
    json exdates = json::array();
    for (int i = 0; i < 4000; ++i) {
      exdates.push_back(iso_minute(m_tomorrow + std::chrono::minutes{2 * i}));
    }
    const json sparse = client.call(
        "event.add", {{"title", "sparse"},
                      {"start", iso_minute(m_tomorrow - date::days{2})},
                      {"tz", "UTC"},
                      {"recurrence", {{"rrule", "FREQ=MINUTELY"}, {"exdates", exdates}}},
                      {"reminders", json::array()}});
    ASSERT_TRUE(sparse.contains("result")) << sparse.dump().substr(0, 300);
  }

  // The occurrences of `days` days from tomorrow on as "HH:MM title": at
  // each minute tick (event 1), and sparse (event 2) at the odd ones.
  std::vector<std::string> tomorrow_titles(int days = 1) const {
    std::vector<std::string> titles;
    for (int minute = 0; minute < 1440 * days; ++minute) {
      const std::string clock = fmt::format("{:02}:{:02}", minute / 60 % 24, minute % 60);
      titles.push_back(clock + " tick");
      if (minute % 2 == 1) {
        titles.push_back(clock + " sparse");
      }
    }
    return titles;
  }

  date::sys_days m_tomorrow;
};

} // namespace

TEST_F(LargeReplies, agenda_lists_every_occurrence_of_tomorrow_from_pages) {
  const ProcessResult agenda = summit({"--tz", "UTC", "agenda", "--days", "2"});
  ASSERT_EQ(agenda.exit_code, 0) << agenda.err;
  const std::vector<std::string> lines = lines_of(agenda.out);
  const std::string heading = summit::core::format_human_date(
      date::local_seconds{date::local_days{m_tomorrow.time_since_epoch()}});
  const auto at = std::find(lines.begin(), lines.end(), heading);
  ASSERT_NE(at, lines.end()) << agenda.out.substr(0, 500);
  std::vector<std::string> shown;
  for (auto line = at + 1; line != lines.end(); ++line) {
    // "00:01        sparse ↻": the time, then the title.
    const std::string title = line->substr(13, line->find(" \u21bb") - 13);
    shown.push_back(line->substr(0, 5) + " " + title);
  }
  EXPECT_EQ(shown, tomorrow_titles());
  EXPECT_THAT(agenda.out, testing::Not(HasSubstr("more events not shown")));
}

TEST_F(LargeReplies, list_prints_a_day_of_both_series_across_pages) {
  const std::string day = summit::core::format_iso_date(
      date::local_seconds{date::local_days{m_tomorrow.time_since_epoch()}});
  const ProcessResult listed =
      summit({"--tz", "UTC", "list", "--from", day, "--to", day, "--limit", "100000"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::vector<std::string> lines = lines_of(listed.out);
  ASSERT_EQ(lines.size(), 1 + tomorrow_titles().size());
  EXPECT_THAT(lines[1], HasSubstr(" 00:00 "));
  EXPECT_THAT(lines[1], HasSubstr("tick ↻"));
  EXPECT_THAT(lines[2], HasSubstr(" 00:01 "));
  EXPECT_THAT(lines.back(), HasSubstr("sparse ↻"));
  EXPECT_THAT(lines.back(), HasSubstr(" 23:59 "));
  EXPECT_TRUE(listed.err.empty()) << listed.err;

  // --limit still caps what is printed.
  const ProcessResult capped = summit({"--tz", "UTC", "list", "--from", day, "--limit", "3"});
  ASSERT_EQ(capped.exit_code, 0) << capped.err;
  EXPECT_EQ(lines_of(capped.out).size(), 4U);
  EXPECT_THAT(capped.err, HasSubstr("more events match"));
}

TEST_F(LargeReplies, every_reply_line_stays_within_the_bound_and_the_pages_cover_the_day) {
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  const std::string from = iso_minute(m_tomorrow) + ":00Z";
  // Three days: more than one page holds.
  const std::string to = iso_minute(m_tomorrow + date::days{3}) + ":00Z";
  json params{{"from", from}, {"to", to}, {"limit", 10000}};
  std::vector<std::string> seen;
  int pages = 0;
  for (; pages < 100; ++pages) {
    ASSERT_TRUE(client.send(summit::core::rpc::to_line(
        summit::core::rpc::make_request(pages + 1, "event.list", params))));
    const auto line = client.read_line(std::chrono::seconds(60));
    ASSERT_TRUE(line);
    EXPECT_LT(line->size() + 1, k_reply_bound);
    const json reply = json::parse(*line);
    ASSERT_TRUE(reply.contains("result")) << line->substr(0, 300);
    const json &result = reply["result"];
    // Each series at most once per page, whole; occurrences carry no copy.
    EXPECT_LE(result["series"].size(), 2U);
    for (const json &entry : result["events"]) {
      EXPECT_FALSE(entry.contains("description"));
      EXPECT_FALSE(entry.contains("recurrence"));
      const json &series = result["series"].at(std::to_string(entry["id"].get<int>()));
      seen.push_back(entry["start"].get<std::string>().substr(11, 5) + " " +
                     series["title"].get<std::string>());
    }
    if (!result["more"].get<bool>()) {
      break;
    }
    params["after"] = result["next"];
  }
  EXPECT_GE(pages, 1) << "one page held 6,480 occurrences";
  EXPECT_EQ(seen, tomorrow_titles(3));
}

TEST_F(LargeReplies, an_event_over_a_limit_is_refused_with_the_field_and_the_limit) {
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  const json long_text = client.call("event.add", {{"title", "too long"},
                                                   {"start", "2030-01-01T10:00"},
                                                   {"tz", "UTC"},
                                                   {"description", std::string(100000, 'x')},
                                                   {"repeat", "FREQ=MINUTELY"}});
  ASSERT_TRUE(long_text.contains("error")) << long_text.dump().substr(0, 300);
  EXPECT_EQ(long_text["error"]["message"], "description: is 100000 bytes long; the limit is 65536");
  EXPECT_EQ(long_text["error"]["data"]["field"], "description");

  json exdates = json::array();
  for (int i = 0; i < 10000; ++i) {
    exdates.push_back(
        iso_minute(date::sys_days{date::year{2030} / 1 / 2} + std::chrono::minutes{i}));
  }
  const json many = client.call(
      "event.add", {{"title", "too many"},
                    {"start", "2030-01-01T10:00"},
                    {"tz", "UTC"},
                    {"recurrence", {{"rrule", "FREQ=MINUTELY"}, {"exdates", exdates}}}});
  ASSERT_TRUE(many.contains("error")) << many.dump().substr(0, 300);
  EXPECT_EQ(many["error"]["message"], "recurrence.exdates: has 10000 entries; the limit is 4000 "
                                      "(rdates, exdates and overrides together)");

  // Nothing was added, and the CLI says the same.
  const ProcessResult cli = summit({"add", "too long", "--at", "2030-01-01 10:00", "--tz", "UTC",
                                    "--description", std::string(70000, 'x')});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_THAT(cli.err, HasSubstr("description: is 70000 bytes long; the limit is 65536"));
  const ProcessResult found = summit({"--json", "list", "--from", "1970-01-01", "--search", "too"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_EQ(json::parse(found.out), json::array());
}

namespace {

// event.list pages are built on summitd's worker thread with a read
// connection of its own. A list sent behind writes on the same connection,
// in the same packet (so in the same turn of the daemon's loop, inside one
// open group of writes), still shows them: the group commits before the
// worker reads. Replies come back in request order.
TEST_F(SummitTest, a_list_pipelined_behind_adds_on_one_connection_shows_them_in_order) {
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  const auto day = today_utc() + date::days{3};
  auto add = [&](int id, const std::string &title, int hour) {
    return summit::core::rpc::to_line(
        summit::core::rpc::make_request(id, "event.add",
                                        {{"title", title},
                                         {"start", iso_minute(day + std::chrono::hours{hour})},
                                         {"tz", "UTC"},
                                         {"reminders", json::array()}}));
  };
  auto list = [&](int id) {
    return summit::core::rpc::to_line(summit::core::rpc::make_request(
        id, "event.list",
        {{"from", date::format("%F", day)}, {"to", date::format("%F", day)}, {"tz", "UTC"}}));
  };
  ASSERT_TRUE(client.send(add(1, "Council of Heads of Government", 9) + list(2) +
                          add(3, "Council of Foreign Ministers", 11) + list(4)));
  std::vector<json> replies;
  for (int i = 0; i < 4; ++i) {
    const auto line = client.read_line(std::chrono::seconds(60));
    ASSERT_TRUE(line) << "reply " << i + 1 << " of 4 did not come";
    replies.push_back(json::parse(*line));
  }
  auto titles = [](const json &reply) {
    std::set<std::string> out;
    for (const auto &event : reply.at("result").at("events")) {
      out.insert(event.at("title").get<std::string>());
    }
    return out;
  };
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(replies[i].at("id"), i + 1) << replies[i].dump().substr(0, 300);
    ASSERT_TRUE(replies[i].contains("result")) << replies[i].dump().substr(0, 300);
  }
  EXPECT_TRUE(titles(replies[1]).contains("Council of Heads of Government"));
  EXPECT_EQ(titles(replies[3]), (std::set<std::string>{"Council of Heads of Government",
                                                       "Council of Foreign Ministers"}));
}

} // namespace
