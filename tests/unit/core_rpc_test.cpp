#include "core/rpc.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace summit::core;
using nlohmann::json;

TEST(Rpc, decodes_a_request_with_named_params) {
  auto request =
      rpc::decode_request(R"({"jsonrpc":"2.0","id":7,"method":"event.get","params":{"id":3}})");
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->id, 7);
  EXPECT_FALSE(request->is_notification);
  EXPECT_EQ(request->method, "event.get");
  EXPECT_EQ(request->params.at("id"), 3);
}

TEST(Rpc, a_request_without_id_is_a_notification_and_params_default_to_empty) {
  auto request = rpc::decode_request(R"({"jsonrpc":"2.0","method":"daemon.status"})");
  ASSERT_TRUE(request);
  EXPECT_TRUE(request->is_notification);
  EXPECT_TRUE(request->params.is_object());
  EXPECT_TRUE(request->params.empty());
}

TEST(Rpc, tolerates_a_carriage_return_before_the_newline) {
  auto request = rpc::decode_request("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"x\"}\r");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->id, "a");
}

TEST(Rpc, malformed_json_is_a_parse_error) {
  auto request = rpc::decode_request(R"({"jsonrpc":"2.0","id":1,"method":)");
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code, rpc::k_parse_error);
  EXPECT_NE(request.error().message.find("not valid JSON"), std::string::npos);
  EXPECT_TRUE(request.error().id.is_null());
}

TEST(Rpc, invalid_utf8_is_a_parse_error_that_says_so) {
  const std::string line = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"event.add\",\"params\":"
                           "{\"title\":\"\xff\xfe\"}}";
  auto request = rpc::decode_request(line);
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code, rpc::k_parse_error);
  EXPECT_NE(request.error().message.find("UTF-8"), std::string::npos);
}

TEST(Rpc, batches_and_non_objects_are_invalid_requests) {
  for (const char *line :
       {R"([{"jsonrpc":"2.0","id":1,"method":"a"}])", "42", R"("text")", "null"}) {
    auto request = rpc::decode_request(line);
    ASSERT_FALSE(request) << line;
    EXPECT_EQ(request.error().code, rpc::k_invalid_request) << line;
  }
}

TEST(Rpc, version_method_and_id_are_checked_and_the_id_is_echoed) {
  auto no_version = rpc::decode_request(R"({"id":4,"method":"a"})");
  ASSERT_FALSE(no_version);
  EXPECT_EQ(no_version.error().code, rpc::k_invalid_request);
  EXPECT_EQ(no_version.error().id, 4);

  auto no_method = rpc::decode_request(R"({"jsonrpc":"2.0","id":5})");
  ASSERT_FALSE(no_method);
  EXPECT_EQ(no_method.error().code, rpc::k_invalid_request);
  EXPECT_NE(no_method.error().message.find("method"), std::string::npos);

  auto method_not_string = rpc::decode_request(R"({"jsonrpc":"2.0","id":5,"method":12})");
  ASSERT_FALSE(method_not_string);

  auto bad_id = rpc::decode_request(R"({"jsonrpc":"2.0","id":{"x":1},"method":"a"})");
  ASSERT_FALSE(bad_id);
  EXPECT_EQ(bad_id.error().code, rpc::k_invalid_request);
}

TEST(Rpc, positional_params_are_refused_as_invalid_params) {
  auto request =
      rpc::decode_request(R"({"jsonrpc":"2.0","id":1,"method":"event.get","params":[3]})");
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code, rpc::k_invalid_params);
  EXPECT_EQ(request.error().id, 1);
}

TEST(Rpc, deeply_nested_json_is_refused_before_parsing) {
  std::string line = R"({"jsonrpc":"2.0","id":1,"method":"a","params":{"x":)";
  line += std::string(10000, '[') + std::string(10000, ']') + "}}";
  auto request = rpc::decode_request(line);
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code, rpc::k_invalid_request);
  EXPECT_NE(request.error().message.find("nests deeper"), std::string::npos);
}

TEST(Rpc, brackets_inside_strings_do_not_count_as_nesting) {
  std::string line =
      R"({"jsonrpc":"2.0","id":1,"method":"a","params":{"x":")" + std::string(200, '[') + R"("}})";
  EXPECT_TRUE(rpc::decode_request(line));
}

TEST(Rpc, errors_carry_kind_and_field) {
  Error error{ErrorCode::invalid_params, "start: 2025-02-30 is not a date", "start"};
  auto reply = rpc::make_error(9, error);
  EXPECT_EQ(reply["id"], 9);
  EXPECT_EQ(reply["error"]["code"], -32602);
  EXPECT_EQ(reply["error"]["data"]["kind"], "invalid_params");
  EXPECT_EQ(reply["error"]["data"]["field"], "start");
  EXPECT_EQ(rpc::make_error(1, Error{ErrorCode::not_found, "no event 4"})["error"]["code"], -32001);
}

TEST(Rpc, a_wire_line_is_one_line_and_never_throws_on_bad_utf8) {
  json message = rpc::make_result(1, {{"title", std::string("bad \xff byte")}});
  std::string line;
  ASSERT_NO_THROW(line = rpc::to_line(message));
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find("\xEF\xBF\xBD"), std::string::npos); // U+FFFD
}

TEST(Rpc, a_result_serialized_elsewhere_makes_the_same_line) {
  // event.list pages are serialized on the worker; the line the client gets
  // must be byte for byte what the loop would have written.
  const nlohmann::json result = {
      {"events", {{{"id", 5}, {"title", "Council of Heads of Government of the CIS"}}}},
      {"more", false},
      {"next", nullptr},
      {"series", nlohmann::json::object()},
      {"note", "Minsk \xff"}}; // invalid UTF-8 is replaced the same way
  for (const nlohmann::json &id : {nlohmann::json(7), nlohmann::json("req-\"7\"")}) {
    EXPECT_EQ(rpc::result_line(id, rpc::to_text(result)),
              rpc::to_line(rpc::make_result(id, result)));
  }
}
