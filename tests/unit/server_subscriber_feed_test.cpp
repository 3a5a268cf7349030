// The subscriber feed over a real server and real sockets, reading a firing
// log kept here in memory: every subscriber gets every firing in order, one
// that stops reading holds a bounded number of bytes and delays nobody, and
// loses nothing either: it gets the rest when it reads again. A subscriber
// that comes back with its cursor catches up, marked late; one further
// behind than the log is told how many it missed.

#include "core/rpc.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/server.hpp"
#include "daemon/server/subscriber_feed.hpp"
#include "server_test_support.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace summit;
using nlohmann::json;
using test::Client;

namespace {

core::SysSeconds due_instant() {
  return date::sys_days{date::year{2025} / 9 / 25} + std::chrono::hours{7};
}

// The feed's clock: an hour after every firing here fell due.
core::SysSeconds feed_now() { return due_instant() + std::chrono::hours{1}; }

scheduler::Firing firing(std::int64_t id) {
  scheduler::Firing f;
  f.firing_id = id;
  f.reminder_id = 500 + id;
  f.event_id = 7;
  f.due = due_instant();
  f.fired_at = due_instant() + std::chrono::seconds{2};
  f.lateness = std::chrono::seconds{2};
  f.title = "Council of Heads of Government of the CIS";
  f.start_local = "2025-09-26T10:00:00+03:00";
  f.start_utc = due_instant() + date::days{1};
  f.tz = "Europe/Minsk";
  f.location = "Minsk, Belarus";
  f.reminder = "P1D";
  return f;
}

// The firing log as the store keeps it: ids without holes but pruned ones,
// missed firings among them (never sent). Filled by the test thread, read on
// the loop's.
class MemoryLog final : public server::FiringLog {
public:
  void record(std::int64_t id, bool missed = false,
              core::Seconds lateness = std::chrono::seconds{2}) {
    const std::lock_guard lock(m_mutex);
    m_rows[id] = missed;
    m_lateness[id] = lateness;
  }
  void prune_through(std::int64_t id) {
    const std::lock_guard lock(m_mutex);
    m_rows.erase(m_rows.begin(), m_rows.upper_bound(id));
  }
  core::Result<Page> after(std::int64_t after, std::size_t limit) override {
    const std::lock_guard lock(m_mutex);
    ++m_reads;
    Page page;
    page.scanned_to = after;
    for (auto it = m_rows.upper_bound(after); it != m_rows.end() && limit > 0; ++it, --limit) {
      if (page.first_scanned == 0) {
        page.first_scanned = it->first;
      }
      page.scanned_to = it->first;
      ++page.scanned;
      if (!it->second) {
        page.fired.push_back(firing(it->first));
        page.fired.back().lateness = m_lateness[it->first];
        page.fired.back().fired_at = page.fired.back().due + m_lateness[it->first];
      }
    }
    return page;
  }
  // As the store answers: below the first firing recorded ahead of a
  // second after `now` (record_ahead), else the newest.
  core::Result<std::int64_t> last_id(core::SysSeconds now) override {
    const std::lock_guard lock(m_mutex);
    std::int64_t last = 0;
    for (const auto &[id, missed] : m_rows) {
      if (const auto ahead = m_ahead.find(id); ahead != m_ahead.end() && ahead->second > now) {
        break;
      }
      last = id;
    }
    return last;
  }
  // Recorded ahead of its second `at` (the scheduler's take_ahead).
  void record_ahead(std::int64_t id, core::SysSeconds at) {
    record(id);
    const std::lock_guard lock(m_mutex);
    m_ahead[id] = at;
  }

  std::size_t reads() {
    const std::lock_guard lock(m_mutex);
    return m_reads;
  }

private:
  std::mutex m_mutex;
  std::size_t m_reads = 0;
  std::map<std::int64_t, bool> m_rows;
  std::map<std::int64_t, core::Seconds> m_lateness;
  std::map<std::int64_t, core::SysSeconds> m_ahead;
};

class SubscriberFeedTest : public ::testing::Test {
protected:
  void TearDown() override { stop(); }

  void start(server::FeedOptions options = {}) {
    m_feed = std::make_unique<server::SubscriberFeed>(
        m_io.get_executor(), m_log, [] { return feed_now(); }, options);
    m_feed->register_with(m_dispatcher);
    server::ServerOptions server_options;
    server_options.socket_path = m_dir.path() / "summitd.sock";
    m_server = std::make_unique<server::Server>(m_io, m_dispatcher, server_options);
    ASSERT_TRUE(m_server->listen());
    m_server->start();
    m_thread = std::thread([this] { m_io.run(); });
  }

  void stop() {
    if (m_thread.joinable()) {
      boost::asio::post(m_io, [this] { m_server->stop(); });
      m_thread.join();
    }
    m_server.reset();
    m_feed.reset();
  }

  std::unique_ptr<Client> subscriber(json params = json::object(), json *reply = nullptr) {
    auto client = std::make_unique<Client>(m_dir.path() / "summitd.sock");
    EXPECT_TRUE(client->connected());
    auto answer = client->call(core::rpc::make_request(1, "reminder.subscribe", params));
    EXPECT_EQ(answer["result"]["subscribed"], true) << answer.dump();
    if (reply != nullptr) {
      *reply = answer["result"];
    }
    return client;
  }

  // Records firings first..last in the log and tells the feed, as the
  // firing thread does after its batch.
  void fire(std::int64_t first, std::int64_t last) {
    for (auto id = first; id <= last; ++id) {
      m_log.record(id);
    }
    boost::asio::post(m_io, [this, last] { m_feed->advance(last); });
  }

  std::vector<server::SubscriberFeed::SubscriberState> subscribers() {
    std::promise<std::vector<server::SubscriberFeed::SubscriberState>> states;
    boost::asio::post(m_io, [&] { states.set_value(m_feed->subscribers()); });
    return states.get_future().get();
  }

  test::TempDir m_dir;
  MemoryLog m_log;
  server::Dispatcher m_dispatcher{[] { return feed_now(); }};
  boost::asio::io_context m_io{1};
  std::unique_ptr<server::SubscriberFeed> m_feed;
  std::unique_ptr<server::Server> m_server;
  std::thread m_thread;
};

json next_message(Client &client) {
  auto line = client.read_line(std::chrono::seconds{30});
  return line ? json::parse(*line) : json();
}

} // namespace

TEST(SubscriberFeed, the_notification_carries_every_field_of_the_firing) {
  auto f = firing(12);
  f.late = false;
  f.redelivery = true;
  const auto line = server::fired_notification_line(f);
  ASSERT_TRUE(line.ends_with('\n'));
  const auto message = json::parse(line);
  EXPECT_EQ(message["jsonrpc"], "2.0");
  EXPECT_EQ(message["method"], "reminder.fired");
  EXPECT_FALSE(message.contains("id"));
  EXPECT_EQ(message["params"], (json{{"reminder_id", 512},
                                     {"firing_id", 12},
                                     {"event_id", 7},
                                     {"title", "Council of Heads of Government of the CIS"},
                                     {"start", "2025-09-26T10:00:00+03:00"},
                                     {"start_utc", "2025-09-26T07:00:00Z"},
                                     {"tz", "Europe/Minsk"},
                                     {"location", "Minsk, Belarus"},
                                     {"reminder", "P1D"},
                                     {"due", "2025-09-25T07:00:00Z"},
                                     {"fired_at", "2025-09-25T07:00:02Z"},
                                     {"late_seconds", 2},
                                     {"late", false},
                                     {"redelivery", true},
                                     {"catch_up", false}}));
}

TEST(SubscriberFeed, subscribe_needs_a_connection_and_a_cursor_that_is_a_firing_id) {
  boost::asio::io_context io;
  MemoryLog log;
  server::SubscriberFeed feed(io.get_executor(), log, [] { return feed_now(); });
  server::Dispatcher dispatcher{[] { return feed_now(); }};
  feed.register_with(dispatcher);
  const auto call = [&](const json &params) {
    const auto line = core::rpc::to_line(core::rpc::make_request(1, "reminder.subscribe", params));
    return json::parse(*dispatcher.handle_line(line.substr(0, line.size() - 1), {}));
  };
  EXPECT_EQ(call(json::object())["error"]["code"], core::rpc::k_unavailable);
  EXPECT_EQ(call(json{{"channel", "all"}})["error"]["code"], core::rpc::k_invalid_params);
  const auto negative = call(json{{"after", -1}});
  EXPECT_EQ(negative["error"]["code"], core::rpc::k_invalid_params);
  EXPECT_NE(negative["error"]["message"].get<std::string>().find("after"), std::string::npos)
      << negative.dump();
  EXPECT_EQ(call(json{{"after", "5"}})["error"]["code"], core::rpc::k_invalid_params);
}

TEST_F(SubscriberFeedTest, without_a_cursor_a_subscriber_gets_only_what_fires_from_then_on) {
  m_log.record(1);
  m_log.record(2);
  start();
  json reply;
  auto client = subscriber(json::object(), &reply);
  EXPECT_EQ(reply["cursor"], 2);
  EXPECT_EQ(reply["latest"], 2);
  fire(3, 3);
  const auto message = next_message(*client);
  EXPECT_EQ(message["method"], "reminder.fired");
  EXPECT_EQ(message["params"]["firing_id"], 3);
  EXPECT_EQ(message["params"]["catch_up"], false);
  EXPECT_EQ(message["params"]["late"], false);
  EXPECT_FALSE(client->read_line(std::chrono::milliseconds{100})) << "sent more than fired";
}

// Issue 13: subscribers at the same place in the log share each page read
// (150 stuck subscribers made 150 queries of the same rows per turn of the
// loop, holding up everything else on it). Three subscribers, three full
// pages: three reads of the log, and each subscriber gets all 96 in order.
TEST_F(SubscriberFeedTest, subscribers_at_the_same_cursor_share_one_read_of_each_page) {
  start();
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(subscriber());
  }
  const auto before = m_log.reads();
  fire(1, 96); // three pages of 32
  for (auto &client : clients) {
    for (std::int64_t id = 1; id <= 96; ++id) {
      ASSERT_EQ(next_message(*client)["params"]["firing_id"], id);
    }
  }
  EXPECT_EQ(m_log.reads() - before, 3U);
}

// Issue 13 (bench class 5): the ten firings of one second are a short
// page, and 150 subscribers at the same place read it once, not 150 times
// (the last to be served waited 8.6 ms for the others' queries). Once a
// newer firing is known the short page is read again, and a subscriber
// that comes back from before it gets everything.
TEST_F(SubscriberFeedTest, subscribers_at_the_same_cursor_share_one_read_of_a_short_page) {
  start();
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(subscriber());
  }
  const auto before = m_log.reads();
  fire(1, 10);
  for (auto &client : clients) {
    for (std::int64_t id = 1; id <= 10; ++id) {
      ASSERT_EQ(next_message(*client)["params"]["firing_id"], id);
    }
  }
  EXPECT_EQ(m_log.reads() - before, 1U);

  fire(11, 12);
  for (auto &client : clients) {
    for (std::int64_t id = 11; id <= 12; ++id) {
      ASSERT_EQ(next_message(*client)["params"]["firing_id"], id);
    }
  }
  EXPECT_EQ(m_log.reads() - before, 2U);
  auto late = subscriber({{"after", 0}});
  for (std::int64_t id = 1; id <= 12; ++id) {
    ASSERT_EQ(next_message(*late)["params"]["firing_id"], id);
  }
}

namespace {

// A subscriber's connection that records the order in which the feed gives
// it lines, and says how much it has not read yet.
class OrderedConnection final : public server::Connection {
public:
  OrderedConnection(std::string name, std::size_t unread, std::vector<std::string> &order)
      : m_name(std::move(name)), m_unread(unread), m_order(order) {}
  // A notification may carry several lines (a page goes out as one): what
  // the client reads is lines.
  std::size_t notify(std::string text, std::size_t /*bound*/) override {
    for (std::size_t at = 0; at < text.size();) {
      const auto end = text.find('\n', at);
      const auto next = end == std::string::npos ? text.size() : end + 1;
      m_order.push_back(m_name);
      m_lines.push_back(text.substr(at, next - at));
      at = next;
    }
    return 0;
  }
  void reply(std::string /*line*/) override {}
  bool closed() const override { return false; }
  const server::Peer &peer() const override { return m_peer; }
  std::size_t unread_bytes() const override { return m_unread; }
  std::size_t lines() const { return m_lines.size(); }

private:
  std::string m_name;
  std::size_t m_unread;
  std::vector<std::string> &m_order;
  std::vector<std::string> m_lines;
  server::Peer m_peer{1000, 1};
};

} // namespace

// Issue 13: a subscriber that keeps up is served before those that lag,
// however many they are and whenever it subscribed: each page of the
// others is one turn of the loop, and it does not wait a round of them.
TEST(SubscriberFeed, a_subscriber_that_keeps_up_is_served_before_those_that_lag) {
  boost::asio::io_context io;
  MemoryLog log;
  server::SubscriberFeed feed(io.get_executor(), log, [] { return feed_now(); });
  std::vector<std::string> order;
  std::vector<std::shared_ptr<OrderedConnection>> connections;
  auto subscribe = [&](const std::string &name, std::size_t unread) {
    auto connection = std::make_shared<OrderedConnection>(name, unread, order);
    connections.push_back(connection);
    server::CallContext context{connection->peer(), feed_now(), connection};
    ASSERT_TRUE(feed.subscribe_method(json::object(), context));
  };
  for (int i = 0; i < 10; ++i) {
    subscribe("lagging", 4096); // lines of theirs wait unread
  }
  subscribe("reader", 0); // last to subscribe, and it reads
  for (std::int64_t id = 1; id <= 64; ++id) {
    log.record(id); // two pages
  }
  feed.advance(64);
  ASSERT_EQ(io.poll_one(), 1U); // one turn: one page
  EXPECT_EQ(order, std::vector<std::string>(32, "reader"));
  ASSERT_EQ(io.poll_one(), 1U);
  EXPECT_EQ(order, std::vector<std::string>(64, "reader")) << "its second page before theirs";
  io.poll();
  for (const auto &connection : connections) {
    EXPECT_EQ(connection->lines(), 64U); // and every one gets everything
  }
}

// Issue 13 (bench class 5): a second's firings reach many subscribers that
// keep up in a few turns of the loop, not one turn each (the last of 151
// waited for 150 turns, each with its system calls). Lagging ones still go
// one page per turn, after them.
TEST(SubscriberFeed, many_subscribers_that_keep_up_are_served_a_page_in_few_turns) {
  boost::asio::io_context io;
  MemoryLog log;
  server::SubscriberFeed feed(io.get_executor(), log, [] { return feed_now(); });
  std::vector<std::string> order;
  std::vector<std::shared_ptr<OrderedConnection>> readers;
  std::vector<std::shared_ptr<OrderedConnection>> lagging;
  auto subscribe = [&](std::vector<std::shared_ptr<OrderedConnection>> &into,
                       const std::string &name, std::size_t unread) {
    auto connection = std::make_shared<OrderedConnection>(name, unread, order);
    into.push_back(connection);
    server::CallContext context{connection->peer(), feed_now(), connection};
    ASSERT_TRUE(feed.subscribe_method(json::object(), context));
  };
  subscribe(lagging, "lagging", 4096);
  for (int i = 0; i < 40; ++i) {
    subscribe(readers, "reader", 0);
  }
  for (std::int64_t id = 1; id <= 10; ++id) {
    log.record(id); // one second's firings: a short page
  }
  feed.advance(10);
  for (int turn = 0; turn < 3; ++turn) {
    ASSERT_EQ(io.poll_one(), 1U);
  }
  for (const auto &reader : readers) {
    EXPECT_EQ(reader->lines(), 10U) << "every reader served within three turns";
  }
  EXPECT_EQ(lagging.front()->lines(), 0U) << "the lagging one after them";
  EXPECT_EQ(log.reads(), 1U) << "one read of the page for all of them";
  io.poll();
  EXPECT_EQ(lagging.front()->lines(), 10U);
}

// Issue 13: the feed says it has caught up (the daemon then marks the batch
// announced, and import chunks and hook processes stop waiting) once the
// subscribers that keep up have been sent the batch, not when it is told
// of it; with no subscriber, at once.
TEST(SubscriberFeed, caught_up_is_said_once_those_that_keep_up_have_the_batch) {
  boost::asio::io_context io;
  MemoryLog log;
  server::SubscriberFeed feed(io.get_executor(), log, [] { return feed_now(); });
  int caught_up = 0;
  feed.on_caught_up([&] { ++caught_up; });
  log.record(1);
  feed.advance(1);
  EXPECT_EQ(caught_up, 1) << "nobody to send it to";

  std::vector<std::string> order;
  auto reader = std::make_shared<OrderedConnection>("reader", 0, order);
  server::CallContext context{reader->peer(), feed_now(), reader};
  ASSERT_TRUE(feed.subscribe_method(json::object(), context));
  for (std::int64_t id = 2; id <= 11; ++id) {
    log.record(id);
  }
  feed.advance(11);
  EXPECT_EQ(caught_up, 1) << "not before the reader has them";
  EXPECT_EQ(reader->lines(), 0U);
  ASSERT_EQ(io.poll_one(), 1U);
  EXPECT_EQ(reader->lines(), 10U);
  EXPECT_EQ(caught_up, 2);
}

TEST_F(SubscriberFeedTest, two_subscribers_each_get_every_firing_in_order_and_missed_ones_never) {
  start();
  auto first = subscriber();
  auto second = subscriber();
  EXPECT_EQ(subscribers().size(), 2u);
  m_log.record(1);
  m_log.record(2, /*missed=*/true);
  m_log.record(3);
  boost::asio::post(m_io, [this] { m_feed->advance(3); });
  for (auto *client : {first.get(), second.get()}) {
    EXPECT_EQ(next_message(*client)["params"]["firing_id"], 1);
    EXPECT_EQ(next_message(*client)["params"]["firing_id"], 3);
  }
  for (const auto &state : subscribers()) {
    EXPECT_EQ(state.cursor, 3);
  }
}

TEST_F(SubscriberFeedTest,
       a_subscriber_that_stops_reading_costs_a_window_delays_no_one_loses_nothing) {
  server::FeedOptions options;
  options.window = 16 * 1024;
  // Far more than the stuck subscriber's socket buffer and its window hold
  // (each line is about 450 bytes).
  constexpr std::int64_t k_count = 5000;
  start(options);
  auto stuck = subscriber();
  auto reader = subscriber();
  fire(1, k_count);
  for (std::int64_t id = 1; id <= k_count; ++id) {
    const auto message = next_message(*reader);
    ASSERT_EQ(message["params"]["firing_id"], id) << "firing " << id << " did not reach the reader";
  }
  // The reader has everything; the stuck one holds no more than its window
  // in the daemon, and is not done.
  const auto states = subscribers();
  ASSERT_EQ(states.size(), 2u);
  for (const auto &state : states) {
    EXPECT_LE(state.queued_bytes, options.window);
  }
  EXPECT_LT(std::min(states[0].cursor, states[1].cursor), k_count) << "nothing was held back";

  // Once it reads, it gets every firing, in order: the log was its queue.
  for (std::int64_t id = 1; id <= k_count; ++id) {
    const auto message = next_message(*stuck);
    ASSERT_EQ(message["params"]["firing_id"], id) << "the stuck subscriber lost firing " << id;
  }
}

TEST_F(SubscriberFeedTest,
       a_subscriber_back_with_its_cursor_catches_up_marked_late_then_gets_new_ones) {
  for (std::int64_t id = 1; id <= 5; ++id) {
    m_log.record(id);
  }
  start();
  json reply;
  auto client = subscriber(json{{"after", 2}}, &reply);
  EXPECT_EQ(reply["cursor"], 2);
  EXPECT_EQ(reply["latest"], 5);
  for (std::int64_t id = 3; id <= 5; ++id) {
    const auto params = next_message(*client)["params"];
    EXPECT_EQ(params["firing_id"], id);
    EXPECT_EQ(params["catch_up"], true);
    EXPECT_EQ(params["late"], true);
    // Due at 07:00, shown at 08:00 by the feed's clock.
    EXPECT_EQ(params["late_seconds"], 3600);
  }
  fire(6, 6);
  const auto params = next_message(*client)["params"];
  EXPECT_EQ(params["firing_id"], 6);
  EXPECT_EQ(params["catch_up"], false);
  EXPECT_EQ(params["late_seconds"], 2);
}

TEST_F(SubscriberFeedTest, a_subscriber_behind_what_the_log_keeps_is_told_how_many_it_missed) {
  for (std::int64_t id = 1; id <= 12; ++id) {
    m_log.record(id);
  }
  m_log.prune_through(9);
  start();
  auto client = subscriber(json{{"after", 3}});
  const auto gap = next_message(*client);
  EXPECT_EQ(gap["method"], "reminder.gap");
  EXPECT_EQ(gap["params"], (json{{"after", 3}, {"resumes_after", 9}, {"missed", 6}}));
  for (std::int64_t id = 10; id <= 12; ++id) {
    EXPECT_EQ(next_message(*client)["params"]["firing_id"], id);
  }
}

TEST_F(SubscriberFeedTest, a_cursor_beyond_the_log_starts_at_its_end) {
  m_log.record(1);
  start();
  json reply;
  auto client = subscriber(json{{"after", 400}}, &reply);
  EXPECT_EQ(reply["cursor"], 1);
  EXPECT_EQ(reply["latest"], 1);
  fire(2, 2);
  EXPECT_EQ(next_message(*client)["params"]["firing_id"], 2);
}

TEST_F(SubscriberFeedTest, a_closed_subscriber_drops_out) {
  start();
  auto client = subscriber();
  EXPECT_EQ(subscribers().size(), 1u);
  client.reset();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (!subscribers().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  EXPECT_TRUE(subscribers().empty());
}

// The log keeps a firing's lateness, not whether it counted as late: a
// firing sent as it fires is marked late past late_after (60 s here), as
// the daemon's log line and `summit missed` count it.
TEST_F(SubscriberFeedTest, a_firing_sent_as_it_fires_is_marked_late_past_late_after) {
  start();
  auto client = subscriber();
  m_log.record(1, false, std::chrono::seconds{2});
  m_log.record(2, false, std::chrono::seconds{120});
  boost::asio::post(m_io, [this] { m_feed->advance(2); });
  const auto on_time = next_message(*client);
  EXPECT_EQ(on_time["params"]["firing_id"], 1);
  EXPECT_EQ(on_time["params"]["late"], false);
  EXPECT_EQ(on_time["params"]["catch_up"], false);
  const auto late = next_message(*client);
  EXPECT_EQ(late["params"]["firing_id"], 2);
  EXPECT_EQ(late["params"]["late"], true);
  EXPECT_EQ(late["params"]["late_seconds"], 120);
  EXPECT_EQ(late["params"]["catch_up"], false);
}

// Issue 17: firings recorded ahead of their second are read and formatted
// before it (prepare) but sent only when released (advance), to subscribers
// already there and to one that subscribes in between, and without reading
// the log again at the second.
TEST_F(SubscriberFeedTest, firings_recorded_ahead_are_prepared_but_sent_only_when_released) {
  m_log.record(1);
  start();
  auto early = subscriber();
  const auto second = feed_now() + std::chrono::seconds{1};
  for (std::int64_t id = 2; id <= 41; ++id) {
    m_log.record_ahead(id, second);
  }
  const auto reads_before = m_log.reads();
  boost::asio::post(m_io, [this] { m_feed->prepare(2, 41); });
  // Two pages (32 + 8) read ahead, one per turn of the loop.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (m_log.reads() < reads_before + 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  ASSERT_EQ(m_log.reads(), reads_before + 2) << "not read ahead";
  // One that subscribes now, and one that catches up from the start: the
  // log's end for them is before the firings still ahead.
  json reply;
  auto between = subscriber(json::object(), &reply);
  EXPECT_EQ(reply["latest"], 1);
  auto catching_up = subscriber(json{{"after", 0}});
  ASSERT_EQ(next_message(*catching_up)["params"]["firing_id"], 1);
  EXPECT_FALSE(early->read_line(std::chrono::milliseconds{100})) << "sent before its second";
  EXPECT_FALSE(between->read_line(std::chrono::milliseconds{10})) << "sent before its second";
  EXPECT_FALSE(catching_up->read_line(std::chrono::milliseconds{10})) << "sent before its second";

  const auto reads_at_release = m_log.reads();
  boost::asio::post(m_io, [this] { m_feed->advance(41); });
  for (auto *client : {early.get(), between.get(), catching_up.get()}) {
    for (std::int64_t id = 2; id <= 41; ++id) {
      const auto message = next_message(*client);
      ASSERT_EQ(message["params"]["firing_id"], id);
      EXPECT_EQ(message["params"]["catch_up"], false);
    }
  }
  EXPECT_EQ(m_log.reads(), reads_at_release) << "the log was read again at the second";
}
