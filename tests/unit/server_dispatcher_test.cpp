#include "core/rpc.hpp"
#include "daemon/server/dispatcher.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace summit;
using nlohmann::json;

namespace {

constexpr server::Peer k_alice{1000, 42};

core::SysSeconds fixed_now() {
  return date::sys_days{date::year{2025} / 9 / 26} + std::chrono::hours{7};
}

server::Dispatcher echo_dispatcher(int *clock_reads = nullptr) {
  server::Dispatcher dispatcher([clock_reads] {
    if (clock_reads != nullptr) {
      ++*clock_reads;
    }
    return fixed_now();
  });
  dispatcher.add("test.echo", [](const json &params, const server::CallContext &context) {
    return server::HandlerResult(json{{"params", params},
                                      {"uid", context.peer.uid},
                                      {"now", context.now.time_since_epoch().count()}});
  });
  return dispatcher;
}

json reply_of(server::Dispatcher &dispatcher, std::string_view line) {
  auto reply = dispatcher.handle_line(line, k_alice);
  EXPECT_TRUE(reply.has_value()) << "no reply to " << line;
  if (!reply) {
    return nullptr;
  }
  EXPECT_TRUE(reply->ends_with('\n'));
  return json::parse(*reply);
}

} // namespace

TEST(Dispatcher, routes_a_request_to_its_handler_with_the_caller_and_the_time) {
  int clock_reads = 0;
  auto dispatcher = echo_dispatcher(&clock_reads);
  auto reply =
      reply_of(dispatcher, R"({"jsonrpc":"2.0","id":7,"method":"test.echo","params":{"a":1}})");
  EXPECT_EQ(reply["jsonrpc"], "2.0");
  EXPECT_EQ(reply["id"], 7);
  EXPECT_EQ(reply["result"]["params"], (json{{"a", 1}}));
  EXPECT_EQ(reply["result"]["uid"], 1000);
  EXPECT_EQ(reply["result"]["now"], fixed_now().time_since_epoch().count());
  EXPECT_EQ(clock_reads, 1);
}

TEST(Dispatcher, string_ids_come_back_unchanged) {
  auto dispatcher = echo_dispatcher();
  auto reply = reply_of(dispatcher, R"({"jsonrpc":"2.0","id":"abc","method":"test.echo"})");
  EXPECT_EQ(reply["id"], "abc");
  EXPECT_TRUE(reply.contains("result"));
}

TEST(Dispatcher, a_notification_runs_but_gets_no_reply) {
  auto dispatcher = echo_dispatcher();
  int calls = 0;
  dispatcher.add("test.count", [&calls](const json &, const server::CallContext &) {
    ++calls;
    return server::HandlerResult(json{});
  });
  EXPECT_FALSE(dispatcher.handle_line(R"({"jsonrpc":"2.0","method":"test.count"})", k_alice));
  EXPECT_EQ(calls, 1);
}

TEST(Dispatcher, malformed_json_is_a_parse_error) {
  auto dispatcher = echo_dispatcher();
  auto reply = reply_of(dispatcher, R"({"jsonrpc":"2.0","id":1,"method":)");
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_parse_error);
  EXPECT_TRUE(reply["id"].is_null());
}

TEST(Dispatcher, invalid_utf8_is_a_parse_error_not_a_crash) {
  auto dispatcher = echo_dispatcher();
  auto reply = reply_of(dispatcher, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"te\xff\xfe\"}");
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_parse_error);
}

TEST(Dispatcher, wrong_member_types_are_an_invalid_request) {
  auto dispatcher = echo_dispatcher();
  EXPECT_EQ(reply_of(dispatcher, R"({"jsonrpc":"2.0","id":1,"method":5})")["error"]["code"],
            core::rpc::k_invalid_request);
  EXPECT_EQ(
      reply_of(dispatcher, R"({"jsonrpc":"1.0","id":1,"method":"test.echo"})")["error"]["code"],
      core::rpc::k_invalid_request);
  EXPECT_EQ(
      reply_of(dispatcher, R"([{"jsonrpc":"2.0","id":1,"method":"test.echo"}])")["error"]["code"],
      core::rpc::k_invalid_request);
}

TEST(Dispatcher, params_that_are_not_an_object_are_refused) {
  auto dispatcher = echo_dispatcher();
  auto reply =
      reply_of(dispatcher, R"({"jsonrpc":"2.0","id":1,"method":"test.echo","params":[1]})");
  ASSERT_TRUE(reply.contains("error"));
  EXPECT_TRUE(reply["error"]["code"] == core::rpc::k_invalid_params ||
              reply["error"]["code"] == core::rpc::k_invalid_request);
}

TEST(Dispatcher, an_unknown_method_is_named_in_the_error) {
  auto dispatcher = echo_dispatcher();
  auto reply = reply_of(dispatcher, R"({"jsonrpc":"2.0","id":3,"method":"event.frobnicate"})");
  EXPECT_EQ(reply["id"], 3);
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_method_not_found);
  const auto message = reply["error"]["message"].get<std::string>();
  EXPECT_NE(message.find("event.frobnicate"), std::string::npos) << message;
  EXPECT_NE(message.find("test.echo"), std::string::npos) << message;
}

TEST(Dispatcher, a_throwing_handler_becomes_an_internal_error) {
  auto dispatcher = echo_dispatcher();
  dispatcher.add("test.throw",
                 [](const json &, const server::CallContext &) -> server::HandlerResult {
                   throw std::runtime_error("boom");
                 });
  auto reply = reply_of(dispatcher, R"({"jsonrpc":"2.0","id":4,"method":"test.throw"})");
  EXPECT_EQ(reply["id"], 4);
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_internal_error);
  // The dispatcher still works afterwards.
  EXPECT_TRUE(
      reply_of(dispatcher, R"({"jsonrpc":"2.0","id":5,"method":"test.echo"})").contains("result"));
}

TEST(Dispatcher, a_handler_error_keeps_its_code_kind_and_field) {
  auto dispatcher = echo_dispatcher();
  dispatcher.add("test.bad", [](const json &, const server::CallContext &) {
    return server::HandlerResult(
        core::fail_field("limit", "must be an integer between 1 and 10000"));
  });
  auto reply = reply_of(dispatcher, R"({"jsonrpc":"2.0","id":1,"method":"test.bad"})");
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_invalid_params);
  EXPECT_EQ(reply["error"]["message"], "limit: must be an integer between 1 and 10000");
  EXPECT_EQ(reply["error"]["data"]["kind"], "invalid_params");
  EXPECT_EQ(reply["error"]["data"]["field"], "limit");
}

TEST(Dispatcher, a_not_found_error_has_its_code_and_no_field) {
  auto dispatcher = echo_dispatcher();
  dispatcher.add("test.missing", [](const json &, const server::CallContext &) {
    return server::HandlerResult(core::fail(core::ErrorCode::not_found, "no event with id 7"));
  });
  auto reply = reply_of(dispatcher, R"({"jsonrpc":"2.0","id":1,"method":"test.missing"})");
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_not_found);
  EXPECT_EQ(reply["error"]["data"]["kind"], "not_found");
  EXPECT_FALSE(reply["error"]["data"].contains("field"));
}

TEST(Dispatcher, the_line_limit_reply_says_the_limit) {
  auto reply = json::parse(server::Dispatcher::line_too_long_reply(1024));
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_invalid_request);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("request line exceeds 1024 bytes"),
            std::string::npos);
  EXPECT_TRUE(reply["id"].is_null());
}

namespace {

class FakeGroup final : public server::CommitGroup {
public:
  bool open() const override { return is_open; }
  std::uint64_t writes() const override { return count; }
  bool is_open = false;
  std::uint64_t count = 0;
};

class FakeConnection final : public server::Connection {
public:
  std::size_t notify(std::string, std::size_t) override { return 0; }
  void reply(std::string line) override { replies.push_back(std::move(line)); }
  bool closed() const override { return false; }
  const server::Peer &peer() const override { return k_alice; }
  std::vector<std::string> replies;
};

} // namespace

TEST(Dispatcher, replies_wait_for_the_group_commit_and_writes_fail_with_it) {
  FakeGroup group;
  auto dispatcher = echo_dispatcher();
  dispatcher.add("test.write", [&](const json &, const server::CallContext &) {
    group.is_open = true; // the first write of the turn opens the group
    ++group.count;
    return server::HandlerResult(json{{"written", true}});
  });
  dispatcher.set_commit_group(&group);
  auto connection = std::make_shared<FakeConnection>();

  // No group open: answered at once.
  EXPECT_TRUE(dispatcher.handle_line(R"({"jsonrpc":"2.0","id":1,"method":"test.echo"})", k_alice,
                                     connection));
  // A write, then a read on the same connection: both held, in order.
  EXPECT_FALSE(dispatcher.handle_line(R"({"jsonrpc":"2.0","id":2,"method":"test.write"})", k_alice,
                                      connection));
  EXPECT_FALSE(dispatcher.handle_line(R"({"jsonrpc":"2.0","id":3,"method":"test.echo"})", k_alice,
                                      connection));
  EXPECT_TRUE(connection->replies.empty());

  group.is_open = false;
  dispatcher.release(core::fail(core::ErrorCode::storage, "could not commit: disk full"));
  ASSERT_EQ(connection->replies.size(), 2u);
  const json write = json::parse(connection->replies[0]);
  EXPECT_EQ(write["id"], 2);
  EXPECT_EQ(write["error"]["code"], core::rpc::k_storage);
  EXPECT_EQ(write["error"]["message"], "could not commit: disk full");
  const json read = json::parse(connection->replies[1]);
  EXPECT_EQ(read["id"], 3);
  EXPECT_TRUE(read.contains("result")); // a read is still answered

  // A group that commits releases its write's success.
  EXPECT_FALSE(dispatcher.handle_line(R"({"jsonrpc":"2.0","id":4,"method":"test.write"})", k_alice,
                                      connection));
  group.is_open = false;
  dispatcher.release({});
  ASSERT_EQ(connection->replies.size(), 3u);
  EXPECT_EQ(json::parse(connection->replies[2])["result"]["written"], true);
}

// A deferred reply keeps its place: a later request on the same connection
// is answered after it, one on another connection at once.
TEST(Dispatcher, a_deferred_reply_keeps_its_connections_order_and_blocks_no_other) {
  auto dispatcher = echo_dispatcher();
  std::vector<server::DeferredReply> later;
  dispatcher.add_deferred("test.later", [&](const json &params, const server::CallContext &,
                                            server::DeferredReply reply) {
    if (params.contains("now")) {
      reply(json{{"at_once", true}});
      return;
    }
    later.push_back(reply);
  });
  auto first = std::make_shared<FakeConnection>();
  auto second = std::make_shared<FakeConnection>();

  EXPECT_FALSE(
      dispatcher.handle_line(R"({"jsonrpc":"2.0","id":1,"method":"test.later"})", k_alice, first));
  EXPECT_FALSE(
      dispatcher.handle_line(R"({"jsonrpc":"2.0","id":2,"method":"test.echo"})", k_alice, first));
  EXPECT_TRUE(
      dispatcher.handle_line(R"({"jsonrpc":"2.0","id":3,"method":"test.echo"})", k_alice, second));
  // Answered inside the call: an ordinary reply.
  EXPECT_TRUE(dispatcher.handle_line(
      R"({"jsonrpc":"2.0","id":4,"method":"test.later","params":{"now":1}})", k_alice, second));
  EXPECT_TRUE(first->replies.empty());
  EXPECT_EQ(dispatcher.waiting_replies(), 2u);

  ASSERT_EQ(later.size(), 1u);
  later.front()(json{{"done", true}});
  ASSERT_EQ(first->replies.size(), 2u);
  EXPECT_EQ(json::parse(first->replies[0])["id"], 1);
  EXPECT_EQ(json::parse(first->replies[0])["result"]["done"], true);
  EXPECT_EQ(json::parse(first->replies[1])["id"], 2);
  EXPECT_EQ(dispatcher.waiting_replies(), 0u);
  // Once only.
  later.front()(json{{"done", "twice"}});
  EXPECT_EQ(first->replies.size(), 2u);
}

// A deferred reply given while a group is open waits for its commit, and a
// held write behind a deferred reply waits for both.
TEST(Dispatcher, a_deferred_reply_and_the_group_commit_keep_request_order) {
  FakeGroup group;
  auto dispatcher = echo_dispatcher();
  std::vector<server::DeferredReply> later;
  dispatcher.add_deferred("test.later",
                          [&](const json &, const server::CallContext &,
                              server::DeferredReply reply) { later.push_back(reply); });
  dispatcher.add("test.write", [&](const json &, const server::CallContext &) {
    group.is_open = true;
    ++group.count;
    return server::HandlerResult(json{{"written", true}});
  });
  dispatcher.set_commit_group(&group);
  auto connection = std::make_shared<FakeConnection>();

  EXPECT_FALSE(dispatcher.handle_line(R"({"jsonrpc":"2.0","id":1,"method":"test.later"})", k_alice,
                                      connection));
  EXPECT_FALSE(dispatcher.handle_line(R"({"jsonrpc":"2.0","id":2,"method":"test.write"})", k_alice,
                                      connection));
  group.is_open = false;
  dispatcher.release({});
  EXPECT_TRUE(connection->replies.empty()); // the write waits behind request 1

  group.is_open = true; // another client's write of this turn
  later.front()(json{{"done", true}});
  EXPECT_TRUE(connection->replies.empty()); // waits for the open group
  group.is_open = false;
  dispatcher.release({});
  ASSERT_EQ(connection->replies.size(), 2u);
  EXPECT_EQ(json::parse(connection->replies[0])["id"], 1);
  EXPECT_EQ(json::parse(connection->replies[1])["id"], 2);
}
