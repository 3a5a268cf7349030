// Issue 16: a change of one occurrence imported without its series keeps
// its RECURRENCE-ID, and the series imported later takes it in.
#include "core/ical/ics_export.hpp"
#include "core/rpc.hpp"
#include "core/time_format.hpp"
#include "daemon/server/calendar_handlers.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/store/event_store.hpp"
#include "server_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace summit;
using nlohmann::json;

namespace {

constexpr std::uint32_t k_alice = 4242;
constexpr std::uint32_t k_bob = 4343;

core::SysSeconds june_first() {
  return date::sys_days{date::year{2030} / 6 / 1} + std::chrono::hours{12};
}

std::string calendar(const std::vector<std::string> &vevents) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//summit tests//EN\r\n";
  for (const std::string &vevent : vevents) {
    text += vevent;
  }
  return text + "END:VCALENDAR\r\n";
}

// A weekly board meeting on Thursdays at 10:00 in Minsk, from 3 Oct 2030,
// with a reminder an hour before.
std::string series(const std::string &rule = "FREQ=WEEKLY;BYDAY=TH;COUNT=6") {
  return "BEGIN:VEVENT\r\nUID:board@example.org\r\nDTSTAMP:20300101T000000Z\r\n"
         "SUMMARY:Board\r\nDTSTART;TZID=Europe/Minsk:20301003T100000\r\nDURATION:PT1H\r\n"
         "RRULE:" +
         rule +
         "\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Board\r\nTRIGGER:-PT1H\r\n"
         "END:VALARM\r\nEND:VEVENT\r\n";
}

// Its occurrence of 10 Oct moved to 15:00, and the one of 17 Oct retitled.
std::string moved_change() {
  return "BEGIN:VEVENT\r\nUID:board@example.org\r\nDTSTAMP:20300101T000000Z\r\n"
         "SUMMARY:Board (moved)\r\nRECURRENCE-ID;TZID=Europe/Minsk:20301010T100000\r\n"
         "DTSTART;TZID=Europe/Minsk:20301010T150000\r\nDURATION:PT1H\r\nSEQUENCE:1\r\n"
         "END:VEVENT\r\n";
}

std::string retitled_change() {
  return "BEGIN:VEVENT\r\nUID:board@example.org\r\nDTSTAMP:20300101T000000Z\r\n"
         "SUMMARY:Board (budget)\r\nRECURRENCE-ID;TZID=Europe/Minsk:20301017T100000\r\n"
         "DTSTART;TZID=Europe/Minsk:20301017T100000\r\nDURATION:PT1H\r\nSEQUENCE:1\r\n"
         "END:VEVENT\r\n";
}

class RecordingConnection final : public server::Connection {
public:
  RecordingConnection(server::Peer peer, std::function<void(const json &)> on_reply)
      : m_peer(peer), m_on_reply(std::move(on_reply)) {}
  std::size_t notify(std::string, std::size_t) override { return 0; }
  void reply(std::string line) override { m_on_reply(json::parse(line)); }
  bool closed() const override { return false; }
  const server::Peer &peer() const override { return m_peer; }

private:
  server::Peer m_peer;
  std::function<void(const json &)> m_on_reply;
};

std::string request(int id, const std::string &method, const json &params) {
  const auto line = core::rpc::to_line(core::rpc::make_request(id, method, params));
  return line.substr(0, line.size() - 1);
}

class LoneChangesTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto store = store::EventStore::open(m_dir.path() / "summit.db");
    ASSERT_TRUE(store) << store.error().message;
    m_store = std::move(*store);
    m_calendar =
        std::make_unique<server::CalendarHandlers>(*m_store, server::CalendarHandlerOptions{});
    m_calendar->register_with(m_dispatcher);
    m_events = std::make_unique<server::EventHandlers>(*m_store, nullptr);
    m_events->register_with(m_dispatcher);
  }

  json import(const std::string &text, std::uint32_t uid = k_alice) {
    auto reply = std::make_shared<json>();
    auto connection = std::make_shared<RecordingConnection>(
        server::Peer{uid, 1}, [reply](const json &line) { *reply = line; });
    const json params{{"ics", text}, {"tz", "Europe/Minsk"}};
    if (auto line = m_dispatcher.handle_line(request(++m_next_id, "calendar.import", params),
                                             server::Peer{uid, 1}, connection)) {
      *reply = json::parse(*line);
    }
    EXPECT_TRUE(reply->contains("result")) << reply->dump();
    return reply->value("result", json::object());
  }

  std::vector<core::Event> listed(bool expand) {
    store::ListQuery query;
    query.range = {date::sys_days{date::year{2030} / 10 / 1},
                   date::sys_days{date::year{2030} / 11 / 1}};
    query.expand = expand;
    auto page = m_store->list(query);
    EXPECT_TRUE(page) << page.error().message;
    return page ? page->events() : std::vector<core::Event>{};
  }

  // "<start_utc> <title>" of each occurrence in October 2030.
  std::vector<std::string> october() {
    std::vector<std::string> seen;
    for (const core::Event &event : listed(true)) {
      seen.push_back(core::format_iso_utc(event.start_utc) + " " + event.title);
    }
    return seen;
  }

  // The events as stored.
  std::vector<core::Event> all() { return listed(false); }

  test::TempDir m_dir;
  std::unique_ptr<store::EventStore> m_store;
  server::Dispatcher m_dispatcher{[] { return june_first(); }};
  std::unique_ptr<server::CalendarHandlers> m_calendar;
  std::unique_ptr<server::EventHandlers> m_events;
  int m_next_id = 0;
};

bool mentions(const json &notes, const std::string &part) {
  for (const json &note : notes) {
    if (note.get<std::string>().find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

} // namespace

TEST_F(LoneChangesTest, the_series_imported_after_its_changes_takes_them_in) {
  // One file split in two: the changes came first (invitations), then the series.
  const json first = import(calendar({moved_change(), retitled_change()}));
  EXPECT_EQ(first["added"], 2);
  auto stored = all();
  ASSERT_EQ(stored.size(), 2U);
  ASSERT_TRUE(stored[0].lone_change.has_value());
  EXPECT_EQ(stored[0].lone_change->series_uid, "board@example.org");
  EXPECT_EQ(stored[0].lone_change->recurrence_id, "2030-10-10T07:00:00Z");

  const json second = import(calendar({series()}));
  EXPECT_EQ(second["updated"], 1) << second.dump();
  EXPECT_EQ(second["joined"], 1) << second.dump();
  EXPECT_TRUE(mentions(second["notes"], "was joined to the series \"Board\"")) << second.dump();
  stored = all();
  ASSERT_EQ(stored.size(), 1U); // the single events are gone
  const core::Event &board = stored[0];
  EXPECT_EQ(board.uid, "board@example.org");
  EXPECT_FALSE(board.lone_change.has_value());
  ASSERT_TRUE(board.recurrence.has_value());
  ASSERT_EQ(board.recurrence->overrides.size(), 2U);
  EXPECT_TRUE(board.recurrence->overrides[0].separate);
  EXPECT_EQ(board.reminders.size(), 1U); // the series' reminder
  EXPECT_EQ(october(), (std::vector<std::string>{
                           "2030-10-03T07:00:00Z Board",
                           "2030-10-10T12:00:00Z Board (moved)",
                           "2030-10-17T07:00:00Z Board (budget)",
                           "2030-10-24T07:00:00Z Board",
                           "2030-10-31T07:00:00Z Board",
                       }));

  // The series again, and the changes again: nothing changes.
  const json again = import(calendar({series()}));
  EXPECT_EQ(again["unchanged"], 1) << again.dump();
  EXPECT_EQ(again["updated"], 0) << again.dump();
  const json changes_again = import(calendar({moved_change(), retitled_change()}));
  EXPECT_EQ(changes_again["unchanged"], 2) << changes_again.dump();
  EXPECT_EQ(all().size(), 1U);
  EXPECT_EQ(october()[1], "2030-10-10T12:00:00Z Board (moved)");
}

TEST_F(LoneChangesTest, changes_imported_after_their_series_join_it_and_stay_on_reimport) {
  EXPECT_EQ(import(calendar({series()}))["added"], 1);
  const json changes = import(calendar({moved_change(), retitled_change()}));
  EXPECT_EQ(changes["updated"], 2) << changes.dump();
  EXPECT_EQ(all().size(), 1U);
  // The series' file again, which does not carry the changes: they stay.
  const json again = import(calendar({series()}));
  EXPECT_EQ(again["unchanged"], 1) << again.dump();
  EXPECT_EQ(october()[1], "2030-10-10T12:00:00Z Board (moved)");
  EXPECT_EQ(october()[2], "2030-10-17T07:00:00Z Board (budget)");
}

TEST_F(LoneChangesTest, a_change_twice_before_its_series_changes_nothing) {
  EXPECT_EQ(import(calendar({moved_change()}))["added"], 1);
  const json again = import(calendar({moved_change()}));
  EXPECT_EQ(again["unchanged"], 1) << again.dump();
  EXPECT_EQ(all().size(), 1U);
}

TEST_F(LoneChangesTest, the_series_own_change_of_the_occurrence_wins_over_the_one_that_came_alone) {
  import(calendar({moved_change()}));
  // The series' file changes the 10th itself, to 12:00.
  std::string own = moved_change();
  own.replace(own.find("T150000"), 7, "T120000");
  own.replace(own.find("Board (moved)"), 13, "Board (noon)");
  const json result = import(calendar({series(), own}));
  EXPECT_TRUE(mentions(result["notes"], "gave way to the series' own change")) << result.dump();
  all();
  EXPECT_EQ(october()[1], "2030-10-10T09:00:00Z Board (noon)");
  EXPECT_EQ(all().size(), 1U);
}

TEST_F(LoneChangesTest, a_series_that_no_longer_gives_the_occurrence_leaves_the_change_alone) {
  import(calendar({moved_change(), retitled_change()}));
  // The rule now starts on 17 Oct: the 10th is no longer one of its occurrences.
  std::string later = series("FREQ=WEEKLY;BYDAY=TH;COUNT=3");
  later.replace(later.find("20301003T100000"), 15, "20301017T100000");
  const json result = import(calendar({later}));
  EXPECT_EQ(result["added"], 1) << result.dump();
  EXPECT_EQ(result["joined"], 1) << result.dump(); // the 17th still is one
  EXPECT_TRUE(mentions(result["notes"], "was not joined to the series \"Board\"")) << result.dump();
  EXPECT_TRUE(mentions(result["notes"], "(the series takes board@example.org)")) << result.dump();
  auto stored = all();
  ASSERT_EQ(stored.size(), 2U); // nothing lost: the moved meeting is still there
  const auto lone = std::find_if(stored.begin(), stored.end(),
                                 [](const core::Event &e) { return !e.recurrence; });
  ASSERT_NE(lone, stored.end());
  EXPECT_EQ(lone->title, "Board (moved)");
  EXPECT_NE(lone->uid, "board@example.org");
  EXPECT_EQ(october(), (std::vector<std::string>{
                           "2030-10-10T12:00:00Z Board (moved)",
                           "2030-10-17T07:00:00Z Board (budget)",
                           "2030-10-24T07:00:00Z Board",
                           "2030-10-31T07:00:00Z Board",
                       }));
  // And once more: the same.
  const json again = import(calendar({later}));
  EXPECT_EQ(again["unchanged"], 1) << again.dump();
  EXPECT_EQ(all().size(), 2U);
}

TEST_F(LoneChangesTest, a_change_kept_alone_is_exported_with_its_recurrence_id) {
  import(calendar({moved_change()}));
  const std::string text = ical::export_calendar(all(), june_first());
  EXPECT_NE(text.find("UID:board@example.org\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("RECURRENCE-ID:20301010T070000Z\r\n"), std::string::npos) << text;
  // Read back, it is the same change of the same occurrence.
  const json again = import(text);
  EXPECT_EQ(again["unchanged"], 1) << again.dump();
}

TEST_F(LoneChangesTest, another_users_changes_are_never_joined_nor_removed) {
  import(calendar({moved_change(), retitled_change()}), k_bob);
  const json result = import(calendar({series()}), k_alice);
  EXPECT_EQ(result["joined"], 0) << result.dump();
  EXPECT_EQ(result["skipped_count"], 1) << result.dump(); // the UID is Bob's
  const auto stored = all();
  ASSERT_EQ(stored.size(), 2U);
  for (const core::Event &event : stored) {
    EXPECT_EQ(event.owner_uid, k_bob);
    EXPECT_TRUE(event.lone_change.has_value());
  }
}
