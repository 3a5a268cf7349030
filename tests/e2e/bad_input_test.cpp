// Each bad input gets a clear error naming the problem, changes nothing and
// leaves the daemon serving: through the CLI and over the raw socket.
#include "support/raw_client.hpp"
#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;

namespace {

// The daemon's JSON-RPC error code in `reply`, or 0 when it is not an error.
int error_code(const json &reply) {
  if (!reply.is_object() || !reply.contains("error")) {
    return 0;
  }
  return reply["error"].value("code", 0);
}

std::string error_message(const json &reply) {
  if (!reply.is_object() || !reply.contains("error")) {
    return "(no error: " + reply.dump() + ")";
  }
  return reply["error"].value("message", std::string());
}

} // namespace

class BadInput : public SummitTest {
protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SummitTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(add_issue_examples());
    m_before = all_events();
    ASSERT_EQ(m_before.size(), 2U);
  }

  // Nothing changed and the daemon still answers.
  void expect_unchanged_and_serving() {
    EXPECT_EQ(all_events(), m_before);
    const ProcessResult status = summit({"status"});
    EXPECT_EQ(status.exit_code, 0) << status.err;
  }

  json m_before;
};

TEST_F(BadInput, impossible_date_is_a_usage_error_naming_it) {
  const ProcessResult result = summit({"add", "x", "--at", "2025-02-30", "--tz", "UTC"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("summit: --at"));
  EXPECT_THAT(result.err, HasSubstr("2025-02-30"));
  expect_unchanged_and_serving();
}

TEST_F(BadInput, impossible_time_is_a_usage_error_naming_it) {
  const ProcessResult result = summit({"add", "x", "--at", "2025-09-26 25:00", "--tz", "UTC"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("25:00"));
  expect_unchanged_and_serving();
}

TEST_F(BadInput, misspelt_zone_suggests_the_right_one) {
  const ProcessResult result =
      summit({"add", "x", "--at", "2025-09-26 10:00", "--tz", "Europe/Minks"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("Europe/Minks"));
  EXPECT_THAT(result.err, HasSubstr("did you mean Europe/Minsk"));
  const ProcessResult listed = summit({"--tz", "Europe/Minks", "list"});
  EXPECT_EQ(listed.exit_code, 2);
  EXPECT_THAT(listed.err, HasSubstr("did you mean Europe/Minsk"));
  expect_unchanged_and_serving();
}

TEST_F(BadInput, empty_title_is_refused_by_the_daemon) {
  const ProcessResult result = summit({"add", "", "--at", "2025-09-26 10:00", "--tz", "UTC"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, testing::StartsWith("summit: "));
  EXPECT_THAT(result.err, HasSubstr("title"));
  expect_unchanged_and_serving();
}

TEST_F(BadInput, end_before_start_is_refused) {
  const ProcessResult result = summit({"add", "x", "--at", "2025-09-26 10:00", "--end",
                                       "2025-09-26 09:00", "--tz", "Europe/Minsk"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("end"));
  const ProcessResult edited = summit({"edit", "2", "--end", "2025-09-26 09:00"});
  EXPECT_EQ(edited.exit_code, 1);
  EXPECT_THAT(edited.err, HasSubstr("end"));
  expect_unchanged_and_serving();
}

TEST_F(BadInput, unknown_id_is_refused_for_show_edit_and_rm) {
  for (const std::vector<std::string> &args : std::vector<std::vector<std::string>>{
           {"show", "999"}, {"edit", "999", "--title", "x"}, {"rm", "999"}}) {
    const ProcessResult result = summit(args);
    EXPECT_EQ(result.exit_code, 1) << args[0];
    EXPECT_THAT(result.err, HasSubstr("999")) << args[0];
  }
  expect_unchanged_and_serving();
}

TEST_F(BadInput, malformed_json_gets_a_parse_error_and_the_connection_stays_usable) {
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  const json reply = client.exchange("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
  EXPECT_EQ(error_code(reply), -32700) << reply.dump();
  EXPECT_TRUE(reply["id"].is_null());
  EXPECT_TRUE(client.call("daemon.status", json::object()).contains("result"));
  expect_unchanged_and_serving();
}

TEST_F(BadInput, wrong_parameter_types_are_invalid_params) {
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  const std::vector<std::pair<std::string, json>> requests{
      {"event.add", {{"title", 42}, {"start", "2025-09-26T10:00"}, {"tz", "UTC"}}},
      {"event.add", {{"title", "x"}, {"start", 20250926}, {"tz", "UTC"}}},
      {"event.add",
       {{"title", "x"}, {"start", "2025-09-26T10:00"}, {"tz", "UTC"}, {"tags", "cis"}}},
      {"event.get", {{"id", "two"}}},
      {"event.update", {{"id", 2}, {"title", json::array()}}},
      {"event.remove", {{"id", 1.5}}},
      {"event.list", {{"limit", "ten"}}},
  };
  for (const auto &[method, params] : requests) {
    const json reply = client.call(method, params);
    EXPECT_EQ(error_code(reply), -32602)
        << method << " " << params.dump() << " -> " << reply.dump();
    EXPECT_FALSE(error_message(reply).empty());
  }
  // params that are not an object at all.
  const json reply =
      client.exchange(R"({"jsonrpc":"2.0","id":7,"method":"event.get","params":[2]})");
  EXPECT_THAT(error_code(reply), testing::AnyOf(-32602, -32600)) << reply.dump();
  expect_unchanged_and_serving();
}

TEST_F(BadInput, every_invalid_params_message_starts_with_the_field_it_blames) {
  // One reader, one style, whichever part of summitd refuses the value:
  // "limit: must be an integer between 1 and 10000".
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  const std::vector<std::pair<std::string, json>> requests{
      {"event.add", {{"title", 42}, {"start", "2025-09-26T10:00"}, {"tz", "UTC"}}},
      {"event.add", {{"title", "x"}, {"start", "2025-09-26T10:00"}, {"tz", "UTC"}, {"colour", 1}}},
      {"event.add", {{"title", "x"}, {"start", "2025-09-26T10:00"}, {"tz", "UTC"}, {"all_day", 1}}},
      {"event.get", {{"id", "two"}}},
      {"event.get", json::object()},
      {"event.remove", {{"id", 1.5}}},
      {"event.list", {{"limit", "ten"}}},
      {"event.list", {{"from", "2025-09-27T00:00:00Z"}, {"to", "2025-09-26T00:00:00Z"}}},
      {"event.list", {{"from", "2025-09-26T00:00"}}},
      {"event.list", {{"after", "not a cursor"}}},
      {"event.list", {{"colour", "red"}}},
      {"reminder.snooze", {{"reminder_id", 1}}},
      {"reminder.snooze", {{"reminder_id", 1}, {"duration", "forever"}}},
      {"reminder.ack", json::object()},
      {"calendar.import", {{"ics", "BEGIN:VCALENDAR"}}},
      {"calendar.import", {{"ics", "BEGIN:VCALENDAR"}, {"tz", "Europe/Minks"}}},
      {"import.chunk", json::object()},
      {"event.add",
       {{"title", "x"}, {"start", "2025-09-26T10:00"}, {"tz", "UTC"}, {"request_key", "a b"}}},
  };
  for (const auto &[method, params] : requests) {
    const json reply = client.call(method, params);
    ASSERT_EQ(error_code(reply), -32602)
        << method << " " << params.dump() << " -> " << reply.dump();
    ASSERT_TRUE(reply["error"]["data"].contains("field")) << reply.dump();
    const std::string field = reply["error"]["data"]["field"].get<std::string>();
    EXPECT_THAT(error_message(reply), testing::StartsWith(field + ": "))
        << method << " " << params.dump();
    EXPECT_THAT(error_message(reply), testing::Not(HasSubstr("params.")))
        << method << " " << params.dump();
  }
  expect_unchanged_and_serving();
}

TEST_F(BadInput, bad_values_sent_straight_to_the_daemon_are_refused_with_clear_messages) {
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  struct Case {
    json params;
    std::string names;
  };
  const std::vector<Case> cases{
      {{{"title", "x"}, {"start", "2025-02-30T10:00"}, {"tz", "UTC"}}, "2025-02-30"},
      {{{"title", "x"}, {"start", "2025-09-26T25:00"}, {"tz", "UTC"}}, "25:00"},
      {{{"title", "x"}, {"start", "2025-09-26T10:00"}, {"tz", "Europe/Minks"}}, "Europe/Minsk"},
      {{{"title", ""}, {"start", "2025-09-26T10:00"}, {"tz", "UTC"}}, "title"},
      {{{"title", "x"}, {"start", "2025-09-26T10:00"}, {"end", "2025-09-26T09:00"}, {"tz", "UTC"}},
       "end"},
  };
  for (const Case &c : cases) {
    const json reply = client.call("event.add", c.params);
    EXPECT_EQ(error_code(reply), -32602) << c.params.dump() << " -> " << reply.dump();
    EXPECT_THAT(error_message(reply), HasSubstr(c.names)) << reply.dump();
  }
  const json missing = client.call("event.get", {{"id", 999}});
  EXPECT_EQ(error_code(missing), -32001) << missing.dump();
  expect_unchanged_and_serving();
}

TEST_F(BadInput, unknown_method_is_method_not_found) {
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  const json reply = client.call("event.frobnicate", json::object(), 5);
  EXPECT_EQ(error_code(reply), -32601) << reply.dump();
  EXPECT_EQ(reply["id"], 5);
  EXPECT_THAT(error_message(reply), HasSubstr("event.frobnicate"));
  expect_unchanged_and_serving();
}

TEST_F(BadInput, invalid_utf8_is_a_parse_error_and_the_connection_stays_usable) {
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  const std::string line = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"event.add\",\"params\":"
                           "{\"title\":\"bad \xff\xfe title\",\"start\":\"2025-09-26T10:00\","
                           "\"tz\":\"UTC\"}}";
  const json reply = client.exchange(line);
  EXPECT_EQ(error_code(reply), -32700) << reply.dump();
  EXPECT_TRUE(client.call("daemon.status", json::object()).contains("result"));
  expect_unchanged_and_serving();
}

TEST_F(BadInput, line_over_the_size_limit_is_refused_and_closed_while_others_are_served) {
  RawClient bystander(socket());
  ASSERT_TRUE(bystander.connected());
  RawClient flooder(socket());
  ASSERT_TRUE(flooder.connected());

  // A syntactically fine request whose line is just over the 1 MiB default.
  std::string line = R"({"jsonrpc":"2.0","id":1,"method":"event.add","params":{"title":")";
  line.append((std::size_t{1} << 20) + 16, 'a');
  line += R"(","start":"2025-09-26T10:00","tz":"UTC"}})";
  line += "\n";
  // The daemon may close before it has read everything: a short write is fine.
  (void)flooder.send(line);
  const auto reply_line = flooder.read_line();
  ASSERT_TRUE(reply_line.has_value()) << "expected an error reply before the close";
  const json reply = json::parse(*reply_line, nullptr, false);
  EXPECT_EQ(error_code(reply), -32600) << *reply_line;
  EXPECT_TRUE(flooder.closed_by_peer()) << "the connection should be closed";

  EXPECT_TRUE(bystander.call("daemon.status", json::object()).contains("result"));
  expect_unchanged_and_serving();
}

TEST_F(BadInput, batches_and_non_requests_are_invalid_requests) {
  RawClient client(socket());
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(error_code(client.exchange(R"([{"jsonrpc":"2.0","id":1,"method":"daemon.status"}])")),
            -32600);
  EXPECT_EQ(error_code(client.exchange(R"({"id":1,"method":"daemon.status"})")), -32600);
  EXPECT_EQ(error_code(client.exchange("42")), -32600);
  expect_unchanged_and_serving();
}
