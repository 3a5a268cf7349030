// core/protocol.hpp names every method of the socket protocol (issue 18):
// the real summitd serves each of them and nothing else it does not list,
// and docs/PROTOCOL.md documents exactly those.
#include "core/protocol.hpp"
#include "support/raw_client.hpp"
#include "support/summit_fixture.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace summit;
using namespace summit::e2e;
using nlohmann::json;

namespace {

class ProtocolTable : public SummitTest {};

int error_code(const json &reply) {
  return reply.contains("error") ? reply["error"].value("code", 0) : 0;
}

} // namespace

TEST_F(ProtocolTable, summitd_serves_every_method_of_the_table) {
  for (const auto &method : core::protocol::k_methods) {
    RawClient client(socket()); // one each: reminder.subscribe keeps its connection
    ASSERT_TRUE(client.connected());
    const json reply = client.call(std::string(method.name), json::object());
    ASSERT_TRUE(reply.contains("result") || reply.contains("error")) << method.name;
    EXPECT_NE(error_code(reply), -32601) << method.name << ": " << reply.dump();
  }
  RawClient client(socket());
  EXPECT_EQ(error_code(client.call("event.frobnicate", json::object())), -32601)
      << "a name not in the table is no method";
  EXPECT_FALSE(core::protocol::is_method("event.frobnicate"));
}
