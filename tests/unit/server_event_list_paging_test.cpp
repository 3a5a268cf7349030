// event.list's reply shape (an occurrence refers to its series), its pages
// (the `after` cursor) and its byte bound.
#include "core/event_json.hpp"
#include "core/page_limits.hpp"
#include "core/rpc.hpp"
#include "daemon/server/calendar_handlers.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/store/event_store.hpp"
#include "server_test_support.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

using namespace summit;
using nlohmann::json;
using testing::ElementsAre;

namespace {

// Mon 1 Jun 2026 12:00 UTC.
core::SysSeconds june_first() {
  return date::sys_days{date::year{2026} / 6 / 1} + std::chrono::hours{12};
}

class EventListPagingTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto store = store::EventStore::open(m_dir.path() / "summit.db");
    ASSERT_TRUE(store) << store.error().message;
    m_store = std::move(*store);
    m_events = std::make_unique<server::EventHandlers>(*m_store, nullptr);
    m_events->register_with(m_dispatcher);
    m_calendar = std::make_unique<server::CalendarHandlers>(*m_store);
    m_calendar->register_with(m_dispatcher);
  }

  // The reply line (without '\n') to one request.
  std::string call_line(const std::string &method, const json &params) {
    const auto line = core::rpc::to_line(core::rpc::make_request(++m_next_id, method, params));
    auto reply = m_dispatcher.handle_line(std::string_view(line).substr(0, line.size() - 1),
                                          server::Peer{1000, 1});
    EXPECT_TRUE(reply);
    return reply ? reply->substr(0, reply->size() - 1) : std::string();
  }
  json call(const std::string &method, const json &params) {
    return json::parse(call_line(method, params));
  }
  std::int64_t add(const json &params) {
    auto reply = call("event.add", params);
    EXPECT_TRUE(reply.contains("result")) << reply.dump().substr(0, 300);
    return reply.contains("result") ? reply["result"]["event"]["id"].get<std::int64_t>() : 0;
  }

  // Every page of event.list with `params`: the reply lines and the entries
  // as "id start [title]" in order, each occurrence checked against its
  // series on its page.
  struct Listing {
    std::vector<std::string> lines;
    std::vector<std::string> entries;
  };
  Listing list_all(json params) {
    Listing listing;
    for (int pages = 0; pages < 1000; ++pages) {
      const std::string line = call_line("event.list", params);
      listing.lines.push_back(line);
      const json reply = json::parse(line);
      EXPECT_TRUE(reply.contains("result")) << line.substr(0, 300);
      if (!reply.contains("result")) {
        break;
      }
      const json &result = reply["result"];
      for (const json &entry : result["events"]) {
        std::string title = entry.value("title", "");
        if (entry.contains("occurrence")) {
          const json &series = result["series"].at(std::to_string(entry["id"].get<int>()));
          EXPECT_TRUE(series.contains("recurrence"));
          EXPECT_FALSE(entry.contains("recurrence"));
          EXPECT_FALSE(entry.contains("uid"));
          title = entry.value("title", series["title"].get<std::string>());
        }
        listing.entries.push_back(fmt::format("{} {} {}", entry["id"].get<int>(),
                                              entry["start"].get<std::string>(), title));
      }
      if (!result["more"].get<bool>()) {
        EXPECT_TRUE(result["next"].is_null());
        break;
      }
      params["after"] = result["next"];
    }
    return listing;
  }

  test::TempDir m_dir;
  std::unique_ptr<store::EventStore> m_store;
  server::Dispatcher m_dispatcher{[] { return june_first(); }};
  std::unique_ptr<server::EventHandlers> m_events;
  std::unique_ptr<server::CalendarHandlers> m_calendar;
  int m_next_id = 0;
};

} // namespace

TEST_F(EventListPagingTest, an_occurrence_carries_only_its_own_fields_and_the_series_comes_once) {
  const auto id = add({{"title", "CIS working group"},
                       {"start", "2026-12-04T10:00"},
                       {"duration", "PT1H"},
                       {"tz", "Europe/Minsk"},
                       {"description", "agenda: budget"},
                       {"repeat", "FREQ=WEEKLY;BYDAY=FR"}});
  ASSERT_EQ(call("event.update", {{"id", id},
                                  {"occurrence", "2026-12-25T10:00"},
                                  {"start", "2026-12-24T10:00"},
                                  {"title", "CIS working group (moved)"}})
                .value("result", json())
                .is_object(),
            true);
  const json result =
      call("event.list",
           {{"from", "2026-12-10"}, {"to", "2026-12-31"}, {"tz", "Europe/Minsk"}})["result"];
  ASSERT_EQ(result["events"].size(), 3U);
  EXPECT_EQ(result["events"][0], (json{{"id", id},
                                       {"occurrence", "2026-12-11T10:00:00"},
                                       {"start", "2026-12-11T10:00:00"},
                                       {"end", "2026-12-11T11:00:00"},
                                       {"start_utc", "2026-12-11T07:00:00Z"},
                                       {"end_utc", "2026-12-11T08:00:00Z"},
                                       {"start_offset", "2026-12-11T10:00:00+03:00"}}));
  // The moved one: its own start and title, its RECURRENCE-ID still the 25th.
  EXPECT_EQ(result["events"][2]["occurrence"], "2026-12-25T10:00:00");
  EXPECT_EQ(result["events"][2]["start"], "2026-12-24T10:00:00");
  EXPECT_EQ(result["events"][2]["title"], "CIS working group (moved)");
  EXPECT_FALSE(result["events"][2].contains("description"));
  // The series once, whole.
  ASSERT_EQ(result["series"].size(), 1U);
  const json &series = result["series"][std::to_string(id)];
  EXPECT_EQ(series["title"], "CIS working group");
  EXPECT_EQ(series["description"], "agenda: budget");
  EXPECT_EQ(series["recurrence"]["rrule"], "FREQ=WEEKLY;BYDAY=FR");
  EXPECT_EQ(result["more"], false);
  EXPECT_TRUE(result["next"].is_null());
}

TEST_F(EventListPagingTest, a_single_event_is_listed_whole_as_before) {
  const auto id =
      add({{"title", "Council"}, {"start", "2026-12-26T10:00"}, {"tz", "Europe/Minsk"}});
  const json result = call("event.list", json::object())["result"];
  ASSERT_EQ(result["events"].size(), 1U);
  EXPECT_EQ(result["events"][0]["id"], id);
  EXPECT_EQ(result["events"][0]["title"], "Council");
  EXPECT_EQ(result["events"][0]["tz"], "Europe/Minsk");
  EXPECT_TRUE(result["series"].empty());
}

TEST_F(EventListPagingTest, pages_by_cursor_give_every_entry_once_in_order) {
  // Two series that share start instants, and single events between them.
  const auto a =
      add({{"title", "A"}, {"start", "2026-12-01T09:00"}, {"tz", "UTC"}, {"repeat", "FREQ=DAILY"}});
  const auto b =
      add({{"title", "B"}, {"start", "2026-12-01T09:00"}, {"tz", "UTC"}, {"repeat", "FREQ=DAILY"}});
  const auto c = add({{"title", "C"}, {"start", "2026-12-02T12:00"}, {"tz", "UTC"}});
  const auto d = add({{"title", "D"}, {"start", "2026-12-03T09:00"}, {"tz", "UTC"}});
  // In (start, id) order; the 4th is the last day of the range.
  const std::vector<std::string> expected{
      fmt::format("{} 2026-12-01T09:00:00 A", a), fmt::format("{} 2026-12-01T09:00:00 B", b),
      fmt::format("{} 2026-12-02T09:00:00 A", a), fmt::format("{} 2026-12-02T09:00:00 B", b),
      fmt::format("{} 2026-12-02T12:00:00 C", c), fmt::format("{} 2026-12-03T09:00:00 A", a),
      fmt::format("{} 2026-12-03T09:00:00 B", b), fmt::format("{} 2026-12-03T09:00:00 D", d),
      fmt::format("{} 2026-12-04T09:00:00 A", a), fmt::format("{} 2026-12-04T09:00:00 B", b),
  };
  ASSERT_LT(a, b);
  ASSERT_LT(b, d);
  for (std::size_t limit : {1, 2, 3, 100}) {
    const Listing listing =
        list_all({{"from", "2026-12-01"}, {"to", "2026-12-04"}, {"tz", "UTC"}, {"limit", limit}});
    EXPECT_EQ(listing.entries, expected) << "limit " << limit;
    EXPECT_EQ(listing.lines.size(), (expected.size() + limit - 1) / limit) << "limit " << limit;
  }
}

TEST_F(EventListPagingTest, a_bad_cursor_is_refused_naming_after) {
  const json reply = call("event.list", {{"after", "yesterday"}});
  ASSERT_TRUE(reply.contains("error"));
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_invalid_params);
  EXPECT_EQ(reply["error"]["data"]["field"], "after");
}

// The attack of issue 13: one series every minute with the longest
// description allowed. A page of 10,000 occurrences used to carry 10,000
// copies of it; now each reply stays under the bound and the pages together
// list every minute of the day once.
TEST_F(EventListPagingTest, a_minutely_series_with_a_long_description_pages_within_the_bound) {
  const std::string description(64 * 1024, 'x');
  const auto id = add({{"title", "tick"},
                       {"start", "2026-12-01T00:00"},
                       {"tz", "UTC"},
                       {"description", description},
                       {"repeat", "FREQ=MINUTELY"}});
  const Listing listing =
      list_all({{"from", "2026-12-02"}, {"to", "2026-12-02"}, {"tz", "UTC"}, {"limit", 10000}});
  ASSERT_EQ(listing.entries.size(), 1440U);
  EXPECT_EQ(listing.entries.front(), fmt::format("{} 2026-12-02T00:00:00 tick", id));
  EXPECT_EQ(listing.entries.back(), fmt::format("{} 2026-12-02T23:59:00 tick", id));
  EXPECT_EQ(std::set<std::string>(listing.entries.begin(), listing.entries.end()).size(), 1440U);
  for (const std::string &line : listing.lines) {
    EXPECT_LE(line.size() + 1, std::size_t{1024} * 1024);
    // The description comes once per page, with the series.
    std::size_t copies = 0;
    for (auto at = line.find(description); at != std::string::npos;
         at = line.find(description, at + description.size())) {
      ++copies;
    }
    EXPECT_EQ(copies, 1U);
  }
}

TEST_F(EventListPagingTest, a_page_stops_before_the_byte_bound_and_says_where_to_go_on) {
  std::vector<std::int64_t> ids;
  const std::string description(60 * 1024, 'y');
  for (int i = 0; i < 40; ++i) {
    ids.push_back(add({{"title", fmt::format("event {}", i)},
                       {"start", fmt::format("2026-12-01T{:02}:00", i % 24)},
                       {"tz", "UTC"},
                       {"description", description}}));
  }
  const Listing listing = list_all({{"from", "2026-12-01"}, {"tz", "UTC"}, {"limit", 10000}});
  EXPECT_EQ(listing.entries.size(), 40U);
  // 40 events of 60 KiB do not fit one 1 MiB page: several pages, each full
  // up to the bound but not past it.
  EXPECT_GE(listing.lines.size(), 3U);
  for (const std::string &line : listing.lines) {
    EXPECT_LE(line.size(), core::k_max_page_bytes + 4096);
  }
}

TEST(EventListReply, takes_entries_while_they_fit_and_the_first_always) {
  store::ListPage page;
  for (int i = 1; i <= 5; ++i) {
    core::Event event;
    event.id = i;
    event.title = std::string(300, 'a');
    event.tz = "UTC";
    event.start_utc = core::SysSeconds{core::Seconds{1000 * i}};
    event.end_utc = event.start_utc;
    page.entries.emplace_back(event);
  }
  const json one = server::list_reply(page, 10);
  EXPECT_EQ(one["events"].size(), 1U);
  EXPECT_EQ(one["more"], true);
  EXPECT_EQ(one["next"], "1000/1");
  const std::size_t each =
      core::wire_size(core::event_to_json(std::get<core::Event>(page.entries[0])));
  const json three = server::list_reply(page, 128 + 3 * (each + 1));
  EXPECT_EQ(three["events"].size(), 3U);
  EXPECT_EQ(three["next"], "3000/3");
  EXPECT_LE(core::wire_size(three), 128 + 3 * (each + 1));
  const json all = server::list_reply(page, core::k_max_page_bytes);
  EXPECT_EQ(all["events"].size(), 5U);
  EXPECT_EQ(all["more"], false);
  EXPECT_TRUE(all["next"].is_null());
}

TEST(EventListCursor, reads_back_what_it_wrote_and_nothing_else) {
  const store::ListQuery::Cursor occurrence{
      core::SysSeconds{core::Seconds{1797577200}}, 5,
      core::LocalSeconds{date::local_days{date::year{2026} / 12 / 18}} + std::chrono::hours{10}};
  EXPECT_EQ(server::encode_list_cursor(occurrence), "1797577200/5/2026-12-18T10:00:00");
  EXPECT_EQ(server::decode_list_cursor("1797577200/5/2026-12-18T10:00:00"), occurrence);
  const store::ListQuery::Cursor single{core::SysSeconds{core::Seconds{-60}}, 7, std::nullopt};
  EXPECT_EQ(server::decode_list_cursor(server::encode_list_cursor(single)), single);
  for (const char *bad :
       {"", "x", "1/", "1/2/", "1/2/tomorrow", "1/2/2026-12-18T10:00:00Z", "1/-2", "1/2x"}) {
    EXPECT_FALSE(server::decode_list_cursor(bad)) << bad;
  }
}

namespace {

// "2030-01-01T10:00" plus `days` days and `hours` hours.
std::string wall(int days, int hours = 10) {
  const auto t =
      date::local_days{date::year{2030} / 1 / 1} + date::days{days} + std::chrono::hours{hours};
  return date::format("%FT%H:%M", t);
}

json daily_series() {
  return {{"title", "daily"}, {"start", wall(0)}, {"tz", "UTC"}, {"repeat", "FREQ=DAILY"}};
}

} // namespace

TEST_F(EventListPagingTest, no_event_can_be_larger_than_a_quarter_of_a_page_as_json) {
  json params = daily_series();
  json overrides = json::array();
  for (int i = 1; i <= 300; ++i) {
    overrides.push_back({{"occurrence", wall(i)}, {"title", std::string(1000, 't')}});
  }
  params.erase("repeat");
  params["recurrence"] = {{"rrule", "FREQ=DAILY"}, {"overrides", overrides}};
  const json reply = call("event.add", params);
  ASSERT_TRUE(reply.contains("error")) << reply.dump().substr(0, 300);
  EXPECT_EQ(reply["error"]["data"]["field"], "recurrence");
  const std::string message = reply["error"]["message"];
  EXPECT_EQ(message.rfind("recurrence: the event takes ", 0), 0U) << message;
  EXPECT_NE(message.find("the limit is 261120"), std::string::npos) << message;
}

TEST_F(EventListPagingTest, rdates_exdates_and_overrides_together_are_at_most_4000) {
  json params = daily_series();
  json rdates = json::array();
  json exdates = json::array();
  for (int i = 0; i < 2001; ++i) {
    rdates.push_back(wall(i, 12));
  }
  for (int i = 1; i <= 2000; ++i) {
    exdates.push_back(wall(i));
  }
  params.erase("repeat");
  params["recurrence"] = {{"rrule", "FREQ=DAILY"}, {"rdates", rdates}, {"exdates", exdates}};
  const json reply = call("event.add", params);
  ASSERT_TRUE(reply.contains("error")) << reply.dump().substr(0, 300);
  EXPECT_EQ(reply["error"]["message"],
            "recurrence: has 4001 rdates, exdates and overrides together; the limit is 4000");
  // One fewer is fine.
  params["recurrence"]["rdates"].erase(params["recurrence"]["rdates"].size() - 1);
  EXPECT_TRUE(call("event.add", params).contains("result"));
}

// Each override is a VEVENT of its own in an export, repeating the series'
// description: with 60,000 bytes of it, seven VEVENTs fit half a page and
// eight do not, whether the eighth comes with the event or by an edit.
TEST_F(EventListPagingTest, an_export_that_repeats_a_long_description_too_often_is_refused) {
  json params = daily_series();
  params["description"] = std::string(60000, 'x');
  json overrides = json::array();
  for (int i = 1; i <= 7; ++i) {
    overrides.push_back({{"occurrence", wall(i)}, {"title", "moved"}, {"start", wall(i, 11)}});
  }
  params.erase("repeat");
  params["recurrence"] = {{"rrule", "FREQ=DAILY"}, {"overrides", overrides}};
  const json refused = call("event.add", params);
  ASSERT_TRUE(refused.contains("error")) << refused.dump().substr(0, 300);
  EXPECT_EQ(refused["error"]["data"]["field"], "recurrence.overrides");
  const std::string message = refused["error"]["message"];
  EXPECT_EQ(message.rfind("recurrence.overrides: an export repeats the event's text in each of "
                          "its 7 overrides, ",
                          0),
            0U)
      << message;
  EXPECT_NE(message.find("the limit is 522240"), std::string::npos) << message;

  params["recurrence"]["overrides"].erase(6);
  const json added = call("event.add", params);
  ASSERT_TRUE(added.contains("result")) << added.dump().substr(0, 300);
  const json edit = call(
      "event.update",
      {{"id", added["result"]["event"]["id"]}, {"occurrence", wall(20)}, {"title", "one more"}});
  ASSERT_TRUE(edit.contains("error")) << edit.dump().substr(0, 300);
  EXPECT_EQ(edit["error"]["data"]["field"], "recurrence.overrides");
}

TEST_F(EventListPagingTest, export_pages_stop_before_the_bound_and_join_into_one_calendar) {
  for (int i = 0; i < 30; ++i) {
    json params = daily_series();
    params.erase("repeat");
    params["title"] = fmt::format("event {}", i);
    params["start"] = wall(i);
    params["description"] = std::string(60000, static_cast<char>('a' + i % 26));
    add(params);
  }
  json params{{"limit", 1000}};
  std::string ics;
  int pages = 0;
  std::size_t count = 0;
  for (; pages < 100; ++pages) {
    const std::string line = call_line("calendar.export", params);
    EXPECT_LE(line.size(), core::k_max_page_bytes + 4096);
    const json result = json::parse(line)["result"];
    ics += result["ics"].get<std::string>();
    count += result["count"].get<std::size_t>();
    if (result["next"].is_null()) {
      break;
    }
    params["after"] = result["next"];
  }
  EXPECT_GE(pages, 1) << "30 events of 60 KB in one page";
  EXPECT_EQ(count, 30U);
  std::size_t vevents = 0;
  for (auto at = ics.find("BEGIN:VEVENT"); at != std::string::npos;
       at = ics.find("BEGIN:VEVENT", at + 1)) {
    ++vevents;
  }
  EXPECT_EQ(vevents, 30U);
  EXPECT_EQ(ics.rfind("BEGIN:VCALENDAR", 0), 0U);
  EXPECT_EQ(ics.substr(ics.size() - 15), "END:VCALENDAR\r\n");
}
