// Durable subscriptions end to end with the real summitd and summit (issue
// 13, section 4): subscribers read the firing log by cursor, so a burst
// reaches a reading `summit watch` in full while subscribers that never read
// hold a bounded backlog in the daemon, and a watch that was away while a
// reminder fired (daemon restart) shows it when it comes back, marked late.
//
// Reminders are made due by construction, not by the clock: while the
// daemon is stopped the test moves pending instances into the past with
// sqlite3, and the daemon fires them at start-up. Every wait polls with a
// generous deadline; nothing asserts a duration.
#include "support/raw_client.hpp"
#include "support/summit_fixture.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;

namespace {

constexpr auto k_deadline = std::chrono::seconds(100);

bool eventually(const std::function<bool()> &done, std::chrono::milliseconds timeout = k_deadline) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

std::string read_text(const std::string &path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class SubscriptionTest : public SummitTest {
protected:
  // Adds `count` events (a day from now, each with a 1 h reminder) over one
  // connection: the CLI would take a process per event.
  void add_events(int count) {
    RawClient client(socket());
    ASSERT_TRUE(client.connected());
    for (int i = 0; i < count; ++i) {
      const auto reply = client.call("event.add",
                                     json{{"title", fmt::format("Session {}", i + 1)},
                                          {"start", "2031-09-26T10:00"},
                                          {"tz", "Europe/Minsk"},
                                          {"reminders", json::array({"1h"})}},
                                     i + 1);
      ASSERT_TRUE(reply.contains("result")) << reply.dump();
    }
  }

  // With the daemon stopped: every pending reminder falls due `seconds_ago`
  // seconds ago, so that the next start fires them all at once (late).
  void make_pending_due(int seconds_ago) {
    const auto sql = fmt::format(
        "UPDATE reminder_instances SET due = CAST(strftime('%s','now') AS INTEGER) - {} "
        "WHERE state = 'pending';",
        seconds_ago);
    const auto result = run_process("/usr/bin/sqlite3", {database(), sql}, {});
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  std::unique_ptr<BackgroundProcess> watch_json(const std::string &out_path) const {
    auto env = cli_environment();
    return std::make_unique<BackgroundProcess>(
        k_summit, std::vector<std::string>{"--json", "watch"}, env, out_path);
  }

  json status() const {
    RawClient client(socket());
    return client.call("daemon.status", json::object())["result"];
  }
};

// The JSON lines of a watch's output (whole lines only: the last one may
// still be being written).
std::vector<json> fired_lines(const std::string &text) {
  std::vector<json> fired;
  for (const auto &line : lines_of(text.substr(0, text.rfind('\n') + 1))) {
    if (line.starts_with('{')) {
      fired.push_back(json::parse(line));
    }
  }
  return fired;
}

} // namespace

TEST_F(SubscriptionTest,
       a_burst_reaches_a_reading_watch_in_full_while_stalled_subscribers_stay_bounded) {
  // Far more than a stalled subscriber's window (64 KiB) and socket buffer
  // hold (each line is about 450 bytes), small enough for the ASan build on
  // a loaded machine; bench/isolation sends 20,000 and 100,000.
  constexpr int k_count = 5000;
  constexpr int k_stalled = 20;
  start_daemon();
  add_events(k_count);
  // A watch that saw everything so far (nothing fired yet) and went away.
  {
    const auto log = dir() / "watch-before.log";
    auto watch = watch_json(log);
    ASSERT_TRUE(eventually([&] {
      return read_text(log).find("waiting for reminders") != std::string::npos;
    })) << read_text(log);
    watch->signal(SIGTERM);
    ASSERT_EQ(watch->wait(std::chrono::seconds(60)), 0) << read_text(log);
  }
  ASSERT_EQ(stop_daemon(), 0);
  // Two minutes overdue: past the daemon's late_after (60 s), so every one
  // of them is late whether the watch below sees it as caught up (it had
  // fired before the watch subscribed) or live (the burst was still firing
  // when it did: on a slow machine, or under a sanitizer, it may be).
  make_pending_due(120);
  start_daemon(); // fires all of them from start-up on, in one burst

  // Subscribers that ask for everything and never read a byte.
  std::vector<std::unique_ptr<RawClient>> stalled;
  for (int i = 0; i < k_stalled; ++i) {
    auto client = std::make_unique<RawClient>(socket());
    ASSERT_TRUE(client->send(
        R"({"jsonrpc":"2.0","id":1,"method":"reminder.subscribe","params":{"after":0}})"
        "\n"));
    stalled.push_back(std::move(client));
  }

  const auto out = dir() / "watch.out";
  auto watch = watch_json(out);
  ASSERT_TRUE(eventually([&] {
    return fired_lines(read_text(out)).size() >= static_cast<std::size_t>(k_count);
  })) << fired_lines(read_text(out)).size()
      << " of " << k_count << " reached the watch";

  const auto fired = fired_lines(read_text(out));
  ASSERT_EQ(fired.size(), static_cast<std::size_t>(k_count));
  std::set<std::int64_t> reminders;
  for (std::size_t i = 0; i < fired.size(); ++i) {
    EXPECT_EQ(fired[i]["firing_id"], static_cast<std::int64_t>(i + 1)) << "out of order at " << i;
    EXPECT_EQ(fired[i]["late"], true);
    EXPECT_GE(fired[i]["late_seconds"].get<std::int64_t>(), 120);
    reminders.insert(fired[i]["reminder_id"].get<std::int64_t>());
  }
  EXPECT_EQ(reminders.size(), static_cast<std::size_t>(k_count)) << "a reminder came twice";

  const auto state = status();
  EXPECT_EQ(state["reminders"]["fired"], k_count);
  EXPECT_EQ(state["reminders"]["pending"], 0);
  EXPECT_EQ(state["firing_log"]["last_firing_id"], k_count);
  int stuck = 0;
  for (const auto &subscriber : state["subscribers"]) {
    EXPECT_LE(subscriber["queued_bytes"].get<std::int64_t>(), 64 * 1024) << subscriber.dump();
    if (subscriber["behind"].get<std::int64_t>() > 0) {
      ++stuck;
    }
  }
  // The 20 that never read are still far behind, and still subscribed.
  EXPECT_EQ(stuck, k_stalled) << state["subscribers"].dump();

  watch->signal(SIGTERM);
  EXPECT_EQ(watch->wait(std::chrono::seconds(60)), 0);
}

TEST_F(SubscriptionTest,
       a_reminder_that_fires_while_watch_reconnects_is_shown_late_when_it_is_back) {
  start_daemon();
  add_events(1);
  const auto out = dir() / "watch.out";
  auto watch = watch_json(out);
  ASSERT_TRUE(eventually([&] {
    return read_text(out).find("waiting for reminders") != std::string::npos;
  })) << read_text(out);

  ASSERT_EQ(stop_daemon(), 0);
  ASSERT_TRUE(eventually([&] { return read_text(out).find("daemon gone") != std::string::npos; }));
  make_pending_due(600); // ten minutes ago: late, inside the 24 h grace
  start_daemon();

  ASSERT_TRUE(eventually([&] { return fired_lines(read_text(out)).size() == 1; }))
      << read_text(out) << daemon_log();
  const auto fired = fired_lines(read_text(out)).front();
  EXPECT_EQ(fired["title"], "Session 1");
  EXPECT_EQ(fired["late"], true);
  EXPECT_GE(fired["late_seconds"].get<std::int64_t>(), 600);
  EXPECT_THAT(read_text(out), HasSubstr("reconnected to"));

  // A new watch started afterwards shows nothing again: its cursor is kept.
  watch->signal(SIGTERM);
  ASSERT_EQ(watch->wait(std::chrono::seconds(60)), 0);
  const auto again = dir() / "watch-again.out";
  auto second = watch_json(again);
  ASSERT_TRUE(eventually([&] {
    return read_text(again).find("waiting for reminders") != std::string::npos;
  })) << read_text(again);
  // Its cursor is where the first one stopped: nothing to catch up on.
  EXPECT_THAT(read_text(again), testing::Not(HasSubstr("fired since the last watch")));
  const auto subscribers = status()["subscribers"];
  ASSERT_EQ(subscribers.size(), 1u) << subscribers.dump();
  EXPECT_EQ(subscribers[0]["cursor"], 1);
  EXPECT_EQ(subscribers[0]["behind"], 0);
  second->signal(SIGTERM);
  EXPECT_EQ(second->wait(std::chrono::seconds(60)), 0);
}

TEST_F(SubscriptionTest, a_watch_started_after_a_reminder_fired_shows_it_as_caught_up) {
  start_daemon();
  add_events(1);
  {
    const auto log = dir() / "first.out";
    auto watch = watch_json(log);
    ASSERT_TRUE(eventually(
        [&] { return read_text(log).find("waiting for reminders") != std::string::npos; }));
    watch->signal(SIGTERM);
    ASSERT_EQ(watch->wait(std::chrono::seconds(60)), 0);
  }
  ASSERT_EQ(stop_daemon(), 0);
  make_pending_due(120);
  start_daemon();
  ASSERT_TRUE(eventually([&] { return status()["reminders"]["fired"] == 1; }));

  const auto out = dir() / "second.out";
  auto watch = watch_json(out);
  ASSERT_TRUE(eventually([&] { return fired_lines(read_text(out)).size() == 1; }))
      << read_text(out);
  const auto fired = fired_lines(read_text(out)).front();
  EXPECT_EQ(fired["catch_up"], true);
  EXPECT_EQ(fired["late"], true);
  EXPECT_GE(fired["late_seconds"].get<std::int64_t>(), 120);
  EXPECT_THAT(read_text(out), HasSubstr("fired since the last watch"));
  watch->signal(SIGTERM);
  EXPECT_EQ(watch->wait(std::chrono::seconds(60)), 0);
}
