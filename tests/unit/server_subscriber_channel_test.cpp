// The "subscribers" channel over a real server and real sockets: every
// subscriber gets every reminder.fired, a subscriber that stops reading
// loses its oldest notifications and delays nobody else.

#include "core/rpc.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/server.hpp"
#include "daemon/server/subscriber_channel.hpp"
#include "server_test_support.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
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

scheduler::Firing firing(std::int64_t reminder_id) {
  scheduler::Firing f;
  f.firing_id = 1000 + reminder_id;
  f.reminder_id = reminder_id;
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

class SubscriberChannelTest : public ::testing::Test {
protected:
  void TearDown() override { stop(); }

  void start(std::size_t queue_bound) {
    m_bound = queue_bound;
    m_channel = std::make_shared<server::SubscriberChannel>(queue_bound);
    m_channel->register_with(m_dispatcher);
    server::ServerOptions options;
    options.socket_path = m_dir.path() / "summitd.sock";
    m_server = std::make_unique<server::Server>(m_io, m_dispatcher, options);
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
  }

  std::unique_ptr<Client> subscriber() {
    auto client = std::make_unique<Client>(m_dir.path() / "summitd.sock");
    EXPECT_TRUE(client->connected());
    auto reply = client->call(core::rpc::make_request(1, "reminder.subscribe"));
    EXPECT_EQ(reply["result"], (json{{"subscribed", true}})) << reply.dump();
    return client;
  }

  // Delivers firings first..last on the loop's thread as the scheduler does
  // (summitd hands out at most half a subscriber queue per turn of the loop,
  // then lets the sessions write), and waits until all were handed out.
  void deliver(std::int64_t first, std::int64_t last) {
    std::promise<void> done;
    deliver_turn(first, last, done);
    ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds{30}), std::future_status::ready);
  }

  void deliver_turn(std::int64_t first, std::int64_t last, std::promise<void> &done) {
    boost::asio::post(m_io, [this, first, last, &done] {
      const auto per_turn = static_cast<std::int64_t>(std::max<std::size_t>(m_bound / 2, 1));
      auto id = first;
      for (; id <= last && id < first + per_turn; ++id) {
        m_channel->deliver(firing(id), [this] { ++m_delivered; });
      }
      if (id <= last) {
        deliver_turn(id, last, done);
      } else {
        done.set_value();
      }
    });
  }

  std::size_t subscriber_count() {
    std::promise<std::size_t> count;
    boost::asio::post(m_io, [&] { count.set_value(m_channel->subscriber_count()); });
    return count.get_future().get();
  }

  test::TempDir m_dir;
  server::Dispatcher m_dispatcher{[] { return due_instant(); }};
  boost::asio::io_context m_io{1};
  std::shared_ptr<server::SubscriberChannel> m_channel;
  std::unique_ptr<server::Server> m_server;
  std::thread m_thread;
  std::size_t m_bound = 1;
  std::atomic<int> m_delivered{0};
};

} // namespace

TEST(SubscriberChannel, the_notification_carries_every_field_of_the_firing) {
  auto f = firing(12);
  f.late = false;
  f.redelivery = true;
  const auto line = server::fired_notification_line(f);
  ASSERT_TRUE(line.ends_with('\n'));
  const auto message = json::parse(line);
  EXPECT_EQ(message["jsonrpc"], "2.0");
  EXPECT_EQ(message["method"], "reminder.fired");
  EXPECT_FALSE(message.contains("id"));
  EXPECT_EQ(message["params"], (json{{"reminder_id", 12},
                                     {"firing_id", 1012},
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
                                     {"redelivery", true}}));
}

TEST(SubscriberChannel, with_nobody_subscribed_a_firing_is_delivered_at_once) {
  server::SubscriberChannel channel(4);
  int delivered = 0;
  channel.deliver(firing(1), [&] { ++delivered; });
  EXPECT_EQ(delivered, 1);
}

TEST(SubscriberChannel, subscribe_needs_a_connection) {
  server::SubscriberChannel channel(4);
  server::Dispatcher dispatcher{[] { return due_instant(); }};
  channel.register_with(dispatcher);
  const auto line = core::rpc::to_line(core::rpc::make_request(1, "reminder.subscribe"));
  auto reply = json::parse(*dispatcher.handle_line(line.substr(0, line.size() - 1), {}));
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_unavailable) << reply.dump();

  const auto extra = core::rpc::to_line(
      core::rpc::make_request(2, "reminder.subscribe", json{{"channel", "all"}}));
  reply = json::parse(*dispatcher.handle_line(extra.substr(0, extra.size() - 1), {}));
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_invalid_params) << reply.dump();
}

TEST_F(SubscriberChannelTest, two_subscribers_each_get_every_reminder_in_order) {
  start(16);
  auto first = subscriber();
  auto second = subscriber();
  EXPECT_EQ(subscriber_count(), 2u);
  deliver(1, 3);
  for (auto *client : {first.get(), second.get()}) {
    for (int id = 1; id <= 3; ++id) {
      auto line = client->read_line();
      ASSERT_TRUE(line);
      const auto message = json::parse(*line);
      EXPECT_EQ(message["method"], "reminder.fired");
      EXPECT_EQ(message["params"]["reminder_id"], id);
      EXPECT_EQ(message["params"]["title"], "Council of Heads of Government of the CIS");
    }
  }
  EXPECT_EQ(m_delivered.load(), 3);
}

TEST_F(SubscriberChannelTest, subscribing_twice_counts_once_and_a_closed_one_drops_out) {
  start(16);
  auto client = subscriber();
  auto again = client->call(core::rpc::make_request(2, "reminder.subscribe"));
  EXPECT_EQ(again["result"]["subscribed"], true);
  EXPECT_EQ(subscriber_count(), 1u);
  deliver(1, 1);
  auto line = client->read_line();
  ASSERT_TRUE(line);
  EXPECT_EQ(json::parse(*line)["params"]["reminder_id"], 1);
  EXPECT_FALSE(client->read_line(std::chrono::milliseconds{200})) << "delivered twice";

  client.reset();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (subscriber_count() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  EXPECT_EQ(subscriber_count(), 0u);
  deliver(2, 2);
  EXPECT_EQ(m_delivered.load(), 2);
}

TEST_F(SubscriberChannelTest, a_subscriber_that_stops_reading_loses_the_oldest_and_delays_no_one) {
  constexpr std::size_t k_bound = 16;
  // Far more than the stuck subscriber's socket buffer holds (~450 bytes
  // each) plus its queue, so that the queue overflows many times over.
  constexpr std::int64_t k_count = 3000;
  constexpr std::int64_t k_batch = 100;
  start(k_bound);
  auto stuck = subscriber();
  auto reader = subscriber();

  // Batch by batch, the reader gets every reminder, in order, while the
  // stuck one reads nothing. Generous deadlines: a reader held up by the
  // stuck one would wait forever.
  for (std::int64_t first = 1; first <= k_count; first += k_batch) {
    deliver(first, first + k_batch - 1);
    for (auto id = first; id < first + k_batch; ++id) {
      auto line = reader->read_line(std::chrono::seconds{10});
      ASSERT_TRUE(line) << "reminder " << id << " did not reach the reader";
      ASSERT_EQ(json::parse(*line)["params"]["reminder_id"], id);
    }
  }
  // Every firing counts as delivered (it is in every subscriber's queue).
  EXPECT_EQ(m_delivered.load(), k_count);

  // The stuck subscriber now reads what it was left: what the socket buffer
  // took early on, then the newest k_bound (after the line that was being
  // written when the buffer filled). The ones in between were dropped,
  // oldest first.
  std::vector<std::int64_t> late;
  while (auto line = stuck->read_line(std::chrono::milliseconds{500})) {
    late.push_back(json::parse(*line)["params"]["reminder_id"].get<std::int64_t>());
  }
  ASSERT_GE(late.size(), k_bound);
  EXPECT_LT(late.size(), static_cast<std::size_t>(k_count) / 2) << "nothing was dropped";
  EXPECT_EQ(late.front(), 1) << "the first ones were written before it stopped reading";
  for (std::size_t i = 1; i < late.size(); ++i) {
    EXPECT_LT(late[i - 1], late[i]);
  }
  for (std::size_t i = 0; i < k_bound; ++i) {
    EXPECT_EQ(late[late.size() - k_bound + i],
              k_count - static_cast<std::int64_t>(k_bound) + 1 + static_cast<std::int64_t>(i));
  }
  // Still subscribed, and served again once it reads.
  EXPECT_EQ(subscriber_count(), 2u);
  deliver(k_count + 1, k_count + 1);
  auto line = stuck->read_line(std::chrono::seconds{10});
  ASSERT_TRUE(line);
  EXPECT_EQ(json::parse(*line)["params"]["reminder_id"], k_count + 1);
}
