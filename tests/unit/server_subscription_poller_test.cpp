// SubscriptionPoller (issue 14) with a stand-in for the network (the real
// libcurl fetch is tested against a loopback server in tests/sync), a real
// store and a fixed clock: when a subscription is due, what a fetch,
// a 304 and a failure do to its calendar, and that a feed's events are
// checked before anything is written.
#include "daemon/server/subscription_poller.hpp"
#include "daemon/store/calendar_store.hpp"
#include "daemon/store/event_store.hpp"
#include "server_test_support.hpp"

#include <boost/asio/io_context.hpp>
#include <date/date.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace summit::server {
namespace {

using namespace date;
using namespace std::chrono_literals;
using core::SysSeconds;

const SysSeconds k_now = sys_days{2026_y / December / 7} + 21h;

std::string feed(const std::vector<std::pair<std::string, std::string>> &events) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n";
  for (const auto &[uid, title] : events) {
    text += "BEGIN:VEVENT\r\nUID:" + uid +
            "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:"
            "20300915T090000Z\r\nSUMMARY:" +
            title + "\r\nEND:VEVENT\r\n";
  }
  return text + "END:VCALENDAR\r\n";
}

TEST(NextPoll, never_fetched_is_due_at_once_then_every_interval_and_sooner_after_a_failure) {
  store::Calendar c;
  c.every = 6h;
  EXPECT_EQ(next_poll(c), SysSeconds::min());
  c.last_attempt = k_now;
  c.state = "ok";
  EXPECT_EQ(next_poll(c), k_now + 6h);
  c.state = "error";
  EXPECT_EQ(next_poll(c), k_now + 30min);
  c.every = 10min;
  EXPECT_EQ(next_poll(c), k_now + 10min);
}

TEST(DraftFeed, a_file_that_is_not_icalendar_or_too_large_is_refused_whole) {
  auto garbage = draft_feed("<html></html>", "UTC", 0, k_now, 10, "https://x.org/a.ics");
  EXPECT_TRUE(garbage.events.empty());
  EXPECT_NE(garbage.error.find("not a calendar file"), std::string::npos);
  auto many = draft_feed(feed({{"a", "A"}, {"b", "B"}, {"c", "C"}}), "UTC", 0, k_now, 2,
                         "https://x.org/a.ics");
  EXPECT_TRUE(many.events.empty());
  EXPECT_NE(many.error.find("holds 3 events; a subscription holds at most 2"), std::string::npos);
  auto twice = draft_feed(feed({{"a", "A"}, {"a", "A again"}}), "UTC", 7, k_now, 10, "u");
  ASSERT_EQ(twice.events.size(), 1u);
  EXPECT_EQ(twice.events[0].owner_uid, 7u);
  EXPECT_EQ(twice.skipped.size(), 1u);
}

// Someone else writes a feed: its alarms cannot make summitd fire thousands
// of reminders a minute.
TEST(DraftFeed, a_feeds_reminders_are_bounded) {
  std::string alarms;
  for (int minutes = 1; minutes <= 40; ++minutes) {
    alarms += "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT" +
              std::to_string(minutes) + "M\r\nEND:VALARM\r\n";
  }
  const std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
                           "BEGIN:VEVENT\r\nUID:once\r\nDTSTAMP:20260101T000000Z\r\n"
                           "DTSTART:20300915T090000Z\r\nSUMMARY:Plenary\r\n" +
                           alarms +
                           "END:VEVENT\r\n"
                           "BEGIN:VEVENT\r\nUID:often\r\nDTSTAMP:20260101T000000Z\r\n"
                           "DTSTART:20300915T090000Z\r\nRRULE:FREQ=MINUTELY\r\nSUMMARY:Tick\r\n" +
                           alarms +
                           "END:VEVENT\r\n"
                           "BEGIN:VEVENT\r\nUID:daily\r\nDTSTAMP:20260101T000000Z\r\n"
                           "DTSTART:20300915T090000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Briefing\r\n"
                           "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n"
                           "TRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\n"
                           "END:VCALENDAR\r\n";
  auto drafted = draft_feed(text, "UTC", 0, k_now, 10, "https://x.org/a.ics");
  ASSERT_TRUE(drafted.error.empty()) << drafted.error;
  ASSERT_EQ(drafted.events.size(), 3u);
  EXPECT_EQ(drafted.events[0].reminders.size(), 3u);
  EXPECT_TRUE(drafted.events[1].reminders.empty());
  EXPECT_EQ(drafted.events[2].reminders.size(), 1u); // a daily series keeps its reminder
  ASSERT_EQ(drafted.skipped.size(), 2u);
  EXPECT_NE(drafted.skipped[0].find("37 of its 40 reminders were left out"), std::string::npos)
      << drafted.skipped[0];
  EXPECT_NE(drafted.skipped[1].find("more often than daily"), std::string::npos)
      << drafted.skipped[1];
}

class PollerTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto opened = store::EventStore::open(m_dir.path() / "summit.db");
    ASSERT_TRUE(opened) << opened.error().message;
    m_store = std::move(*opened);
    store::Calendar c;
    c.name = "un";
    c.kind = "subscription";
    c.url = "https://example.org/un.ics";
    c.every = 6h;
    c.state = "never synced";
    m_calendar = store::CalendarStore(*m_store).add(c, k_now).value();
  }
  // A poller whose "network" answers with m_answer, synchronously.
  std::unique_ptr<SubscriptionPoller> poller() {
    PollerOptions options;
    options.clock = [this] { return m_clock; };
    options.fetch = [this](sync::FetchRequest request,
                           std::function<void(sync::FetchResult)> done) {
      m_requests.push_back(request);
      done(m_answer);
    };
    options.on_change = [this] { ++m_changes; };
    return std::make_unique<SubscriptionPoller>(m_io.get_executor(), *m_store, options);
  }
  store::Calendar stored() { return store::CalendarStore(*m_store).find("un").value().value(); }

  test::TempDir m_dir;
  boost::asio::io_context m_io;
  std::unique_ptr<store::EventStore> m_store;
  store::Calendar m_calendar;
  SysSeconds m_clock = k_now;
  sync::FetchResult m_answer;
  std::vector<sync::FetchRequest> m_requests;
  int m_changes = 0;
};

TEST_F(PollerTest, a_due_subscription_is_fetched_and_its_validators_sent_back) {
  m_answer.outcome = sync::FetchResult::Outcome::fetched;
  m_answer.status = 200;
  m_answer.body = feed({{"a@un", "Plenary"}});
  m_answer.etag = "\"v1\"";
  auto p = poller();
  p->reschedule();
  ASSERT_EQ(m_requests.size(), 1u);
  EXPECT_EQ(m_requests[0].etag, "");
  EXPECT_TRUE(m_store->find_uid("a@un").value().has_value());
  EXPECT_EQ(m_changes, 1);
  EXPECT_EQ(stored().etag, "\"v1\"");

  // Not due again before its interval, whatever reschedule() is called.
  p->reschedule();
  EXPECT_EQ(m_requests.size(), 1u);

  // At its interval: If-None-Match, and a 304 changes nothing.
  m_clock = k_now + 6h;
  m_answer = {};
  m_answer.outcome = sync::FetchResult::Outcome::not_modified;
  m_answer.status = 304;
  nlohmann::json outcome;
  p->sync_now(stored(), [&](const nlohmann::json &o) { outcome = o; });
  ASSERT_EQ(m_requests.size(), 2u);
  EXPECT_EQ(m_requests[1].etag, "\"v1\"");
  EXPECT_EQ(outcome["outcome"], "unchanged");
  EXPECT_EQ(m_changes, 1);
  EXPECT_EQ(stored().last_success, k_now + 6h);
}

TEST_F(PollerTest, a_failure_keeps_the_events_records_the_error_and_retries_sooner) {
  m_answer.outcome = sync::FetchResult::Outcome::fetched;
  m_answer.body = feed({{"a@un", "Plenary"}});
  auto p = poller();
  p->reschedule();
  ASSERT_TRUE(m_store->find_uid("a@un").value().has_value());

  m_clock = k_now + 6h;
  m_answer = {};
  m_answer.outcome = sync::FetchResult::Outcome::failed;
  m_answer.error = "'https://example.org/un.ics' answered HTTP 500";
  nlohmann::json outcome;
  p->sync_now(stored(), [&](const nlohmann::json &o) { outcome = o; });
  EXPECT_EQ(outcome["outcome"], "failed");
  EXPECT_EQ(stored().state, "error");
  EXPECT_EQ(stored().error, m_answer.error);
  EXPECT_TRUE(m_store->find_uid("a@un").value().has_value());
  EXPECT_EQ(next_poll(stored()), k_now + 6h + 30min);

  // A body that is not iCalendar is a failure too, and changes nothing.
  m_answer = {};
  m_answer.outcome = sync::FetchResult::Outcome::fetched;
  m_answer.body = "not a calendar";
  p->sync_now(stored(), [&](const nlohmann::json &o) { outcome = o; });
  EXPECT_EQ(outcome["outcome"], "failed");
  EXPECT_TRUE(m_store->find_uid("a@un").value().has_value());
}

} // namespace
} // namespace summit::server

namespace summit::server {
namespace {

TEST_F(PollerTest, the_replacement_waits_while_a_reminder_falls_due_before_it_would_end) {
  m_answer.outcome = sync::FetchResult::Outcome::fetched;
  m_answer.body = feed({{"a@un", "Plenary"}, {"b@un", "Side"}});
  PollerOptions options;
  options.clock = [this] { return m_clock; };
  options.fetch = [this](sync::FetchRequest, std::function<void(sync::FetchResult)> done) {
    done(m_answer);
  };
  std::vector<std::chrono::milliseconds> asked;
  options.hold_writes = [&](std::chrono::milliseconds expected) {
    asked.push_back(expected);
    return asked.size() <= 2; // a reminder is due twice, then the way is clear
  };
  std::vector<std::function<void()>> paused;
  options.run_on_loop_after_pause = [&](std::function<void()> job) {
    paused.push_back(std::move(job));
  };
  SubscriptionPoller p(m_io.get_executor(), *m_store, options);
  p.reschedule();
  EXPECT_FALSE(m_store->find_uid("a@un").value().has_value()) << "held: nothing written yet";
  ASSERT_EQ(paused.size(), 1u);
  paused.back()();
  EXPECT_FALSE(m_store->find_uid("a@un").value().has_value());
  ASSERT_EQ(paused.size(), 2u);
  paused.back()();
  EXPECT_TRUE(m_store->find_uid("a@un").value().has_value());
  ASSERT_EQ(asked.size(), 3u);
  EXPECT_EQ(asked[0], expected_write(2));
  EXPECT_GT(expected_write(5000), std::chrono::milliseconds(600));
}

} // namespace
} // namespace summit::server

namespace summit::server {
namespace {

TEST_F(PollerTest, the_comparison_runs_on_a_read_connection_of_its_own_when_given_one) {
  auto reader = store::EventStore::open(m_dir.path() / "summit.db");
  ASSERT_TRUE(reader) << reader.error().message;
  m_answer.outcome = sync::FetchResult::Outcome::fetched;
  m_answer.body = feed({{"a@un", "Plenary"}, {"b@un", "Side"}});
  PollerOptions options;
  options.clock = [this] { return m_clock; };
  options.fetch = [this](sync::FetchRequest, std::function<void(sync::FetchResult)> done) {
    done(m_answer);
  };
  int reads = 0;
  options.run_read = [&](std::function<void(store::EventStore *)> job) {
    ++reads;
    job(reader->get());
  };
  SubscriptionPoller p(m_io.get_executor(), *m_store, options);
  nlohmann::json outcome;
  p.sync_now(stored(), [&](const nlohmann::json &o) { outcome = o; });
  EXPECT_EQ(outcome["added"], 2);
  m_answer.body = feed({{"a@un", "Plenary (moved)"}, {"c@un", "New"}});
  p.sync_now(stored(), [&](const nlohmann::json &o) { outcome = o; });
  EXPECT_EQ(reads, 2);
  EXPECT_EQ(outcome["added"], 1);
  EXPECT_EQ(outcome["updated"], 1);
  EXPECT_EQ(outcome["removed"], 1);
  EXPECT_EQ(m_store->find_uid("a@un").value()->title, "Plenary (moved)");
  EXPECT_FALSE(m_store->find_uid("b@un").value().has_value());
}

} // namespace
} // namespace summit::server
