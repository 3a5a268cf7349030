#include "core/rpc.hpp"
#include "core/zones.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/server/status_handler.hpp"
#include "daemon/store/event_store.hpp"
#include "server_test_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <memory>
#include <string>

using namespace summit;
using nlohmann::json;

namespace {

constexpr std::uint32_t k_alice = 4242;
constexpr std::uint32_t k_bob = 4343;
constexpr std::uint32_t k_root = 0;

// 2025-06-01T12:00:00Z: the council meeting in September is in the future.
core::SysSeconds june_first() {
  return date::sys_days{date::year{2025} / 6 / 1} + std::chrono::hours{12};
}

class EventHandlersTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto store = store::EventStore::open(m_dir.path() / "summit.db");
    ASSERT_TRUE(store) << store.error().message;
    m_store = std::move(*store);
    m_gazetteer =
        core::ZoneGazetteer::parse("BY\t+5354+02734\tEurope/Minsk\n", "", "BY\tBelarus\n");
    m_events = std::make_unique<server::EventHandlers>(*m_store, &m_gazetteer);
    m_events->register_with(m_dispatcher);
    server::DaemonInfo info{"/tmp/x.sock", "/tmp/x.db", "user", "2026f",
                            june_first() - std::chrono::seconds{90}};
    m_status = std::make_unique<server::StatusHandler>(*m_store, info);
    m_status->register_with(m_dispatcher);
  }

  json call(const std::string &method, const json &params, std::uint32_t uid = k_alice) {
    const auto line = core::rpc::to_line(core::rpc::make_request(++m_next_id, method, params));
    auto reply = m_dispatcher.handle_line(std::string_view(line).substr(0, line.size() - 1),
                                          server::Peer{uid, 1});
    EXPECT_TRUE(reply);
    return reply ? json::parse(*reply) : json();
  }

  // Adds an event and returns its id.
  std::int64_t add(const json &params, std::uint32_t uid = k_alice) {
    auto reply = call("event.add", params, uid);
    EXPECT_TRUE(reply.contains("result")) << reply.dump();
    return reply.contains("result") ? reply["result"]["event"]["id"].get<std::int64_t>() : 0;
  }

  json council() const {
    return {{"title", "Council of Heads of Government of the CIS"},
            {"start", "2025-09-26T10:00"},
            {"tz", "Europe/Minsk"},
            {"location", "Minsk, Belarus"},
            {"tags", {"cis"}}};
  }

  test::TempDir m_dir;
  std::unique_ptr<store::EventStore> m_store;
  core::ZoneGazetteer m_gazetteer;
  server::Dispatcher m_dispatcher{[] { return june_first(); }};
  std::unique_ptr<server::EventHandlers> m_events;
  std::unique_ptr<server::StatusHandler> m_status;
  int m_next_id = 0;
};

} // namespace

TEST_F(EventHandlersTest, add_stores_the_event_with_the_caller_as_owner) {
  auto reply = call("event.add", council());
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  const auto &event = reply["result"]["event"];
  EXPECT_GT(event["id"].get<std::int64_t>(), 0);
  EXPECT_EQ(event["title"], "Council of Heads of Government of the CIS");
  EXPECT_EQ(event["tz"], "Europe/Minsk");
  EXPECT_EQ(event["start_utc"], "2025-09-26T07:00:00Z");
  EXPECT_EQ(event["owner_uid"], k_alice);
  EXPECT_TRUE(reply["result"]["notes"].is_array());
}

TEST_F(EventHandlersTest, add_without_tz_takes_the_zone_of_the_location) {
  auto params = council();
  params.erase("tz");
  auto reply = call("event.add", params);
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  EXPECT_EQ(reply["result"]["event"]["tz"], "Europe/Minsk");
  EXPECT_FALSE(reply["result"]["notes"].empty());
}

TEST_F(EventHandlersTest, add_with_a_bad_field_names_it) {
  auto params = council();
  params.erase("title");
  auto reply = call("event.add", params);
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_invalid_params);
  EXPECT_EQ(reply["error"]["data"]["field"], "title");
}

TEST_F(EventHandlersTest, get_returns_what_add_stored) {
  const auto id = add(council());
  auto reply = call("event.get", {{"id", id}});
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  EXPECT_EQ(reply["result"]["event"]["id"], id);
  EXPECT_EQ(reply["result"]["event"]["location"], "Minsk, Belarus");
}

TEST_F(EventHandlersTest, get_of_a_missing_id_is_not_found) {
  auto reply = call("event.get", {{"id", 999}});
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_not_found);
}

TEST_F(EventHandlersTest, get_needs_a_positive_integer_id) {
  for (const json &bad : {json("7"), json(0), json(-3), json(1.5), json(true)}) {
    auto reply = call("event.get", {{"id", bad}});
    EXPECT_EQ(reply["error"]["code"], core::rpc::k_invalid_params) << bad.dump();
    EXPECT_EQ(reply["error"]["data"]["field"], "id");
  }
  auto missing = call("event.get", json::object());
  EXPECT_EQ(missing["error"]["message"], "id: is required (the event's id, a positive integer)");
}

TEST_F(EventHandlersTest, a_misspelt_parameter_is_refused_not_ignored) {
  auto reply = call("event.list", {{"limt", 5}});
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_invalid_params);
  EXPECT_EQ(reply["error"]["data"]["field"], "limt");
}

TEST_F(EventHandlersTest, list_defaults_to_events_from_now_on_in_start_order) {
  auto past = council();
  past["title"] = "Last year's council";
  past["start"] = "2024-09-26T10:00";
  add(past);
  auto later = council();
  later["title"] = "Summit in December";
  later["start"] = "2025-12-01T10:00";
  add(later);
  add(council());

  auto reply = call("event.list", json::object());
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  const auto &events = reply["result"]["events"];
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["title"], "Council of Heads of Government of the CIS");
  EXPECT_EQ(events[1]["title"], "Summit in December");
  EXPECT_FALSE(reply["result"]["more"]);
}

TEST_F(EventHandlersTest, list_limit_is_checked_and_reports_more) {
  add(council());
  auto second = council();
  second["start"] = "2025-10-01T10:00";
  add(second);
  auto reply = call("event.list", {{"limit", 1}});
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  EXPECT_EQ(reply["result"]["events"].size(), 1u);
  EXPECT_TRUE(reply["result"]["more"]);

  for (const json &bad : {json(0), json(10001), json("5"), json(2.5)}) {
    auto error = call("event.list", {{"limit", bad}});
    EXPECT_EQ(error["error"]["message"], "limit: must be an integer between 1 and 10000")
        << bad.dump();
    EXPECT_EQ(error["error"]["data"]["field"], "limit");
  }
}

TEST_F(EventHandlersTest, list_range_of_wall_times_needs_a_zone) {
  add(council());
  auto reply = call("event.list", {{"from", "2025-09-01"}});
  EXPECT_EQ(reply["error"]["code"], core::rpc::k_invalid_params);
  EXPECT_EQ(reply["error"]["data"]["field"], "tz");

  auto instants =
      call("event.list", {{"from", "2025-09-26T06:00:00Z"}, {"to", "2025-09-26T08:00:00Z"}});
  ASSERT_TRUE(instants.contains("result")) << instants.dump();
  EXPECT_EQ(instants["result"]["events"].size(), 1u);
}

TEST_F(EventHandlersTest, list_to_a_month_includes_the_whole_month) {
  add(council());
  auto reply = call("event.list", {{"from", "2025-09"}, {"to", "2025-09"}, {"tz", "Europe/Minsk"}});
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  EXPECT_EQ(reply["result"]["events"].size(), 1u);

  auto august =
      call("event.list", {{"from", "2025-08"}, {"to", "2025-08"}, {"tz", "Europe/Minsk"}});
  ASSERT_TRUE(august.contains("result")) << august.dump();
  EXPECT_TRUE(august["result"]["events"].empty());
}

TEST_F(EventHandlersTest, list_refuses_an_empty_range_and_an_unknown_zone) {
  auto backwards =
      call("event.list", {{"from", "2025-10-01T00:00:00Z"}, {"to", "2025-09-01T00:00:00Z"}});
  EXPECT_EQ(backwards["error"]["data"]["field"], "to");
  auto zone = call("event.list", {{"from", "2025-09-01"}, {"tz", "Europe/Minks"}});
  EXPECT_EQ(zone["error"]["data"]["field"], "tz");
}

TEST_F(EventHandlersTest, list_filters_by_tag_and_search) {
  add(council());
  auto other = council();
  other["title"] = "Shanghai Cooperation Organisation summit";
  other["tags"] = json::array({"sco"});
  other["location"] = "Tianjin";
  add(other);

  auto tagged = call("event.list", {{"tag", "sco"}});
  ASSERT_TRUE(tagged.contains("result")) << tagged.dump();
  ASSERT_EQ(tagged["result"]["events"].size(), 1u);
  EXPECT_EQ(tagged["result"]["events"][0]["title"], "Shanghai Cooperation Organisation summit");

  auto found = call("event.list", {{"search", "coun"}});
  ASSERT_TRUE(found.contains("result")) << found.dump();
  ASSERT_EQ(found["result"]["events"].size(), 1u);
  EXPECT_EQ(found["result"]["events"][0]["tags"], json::array({"cis"}));
}

TEST_F(EventHandlersTest, update_changes_fields_and_keeps_the_owner) {
  const auto id = add(council());
  auto reply = call("event.update", {{"id", id}, {"location", "Dushanbe, Tajikistan"}});
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  EXPECT_EQ(reply["result"]["event"]["location"], "Dushanbe, Tajikistan");
  EXPECT_EQ(reply["result"]["event"]["owner_uid"], k_alice);
  EXPECT_EQ(call("event.get", {{"id", id}})["result"]["event"]["location"], "Dushanbe, Tajikistan");
}

TEST_F(EventHandlersTest, only_the_owner_or_root_may_update_or_remove) {
  const auto id = add(council());
  auto update = call("event.update", {{"id", id}, {"title", "Hijacked"}}, k_bob);
  EXPECT_EQ(update["error"]["code"], core::rpc::k_permission_denied);
  EXPECT_EQ(update["error"]["message"].get<std::string>().rfind(
                "permission denied: event " + std::to_string(id) + " is owned by uid 4242", 0),
            0u)
      << update.dump();
  auto remove = call("event.remove", {{"id", id}}, k_bob);
  EXPECT_EQ(remove["error"]["code"], core::rpc::k_permission_denied);
  EXPECT_EQ(call("event.get", {{"id", id}})["result"]["event"]["title"],
            "Council of Heads of Government of the CIS");

  auto by_root = call("event.remove", {{"id", id}}, k_root);
  ASSERT_TRUE(by_root.contains("result")) << by_root.dump();
  EXPECT_EQ(by_root["result"]["removed"], id);
}

TEST_F(EventHandlersTest, remove_then_get_is_not_found) {
  const auto id = add(council());
  auto removed = call("event.remove", {{"id", id}});
  ASSERT_TRUE(removed.contains("result")) << removed.dump();
  EXPECT_EQ(call("event.get", {{"id", id}})["error"]["code"], core::rpc::k_not_found);
  EXPECT_EQ(call("event.remove", {{"id", id}})["error"]["code"], core::rpc::k_not_found);
}

TEST_F(EventHandlersTest, the_permission_message_names_a_known_user) {
  EXPECT_EQ(server::permission_denied_message(7, 0),
            "permission denied: event 7 is owned by uid 0 (root)");
}

TEST_F(EventHandlersTest, status_reports_counts_paths_and_uptime) {
  add(council());
  auto reply = call("daemon.status", json::object());
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  const auto &status = reply["result"];
  EXPECT_EQ(status["events"], 1);
  EXPECT_EQ(status["uptime_seconds"], 90);
  EXPECT_EQ(status["mode"], "user");
  EXPECT_EQ(status["tzdata"], "2026f");
  EXPECT_EQ(status["socket"], "/tmp/x.sock");
  EXPECT_EQ(status["version"], SUMMIT_VERSION);
  EXPECT_GT(status["schema_version"].get<int>(), 0);
  EXPECT_EQ(status["pid"], static_cast<std::int64_t>(::getpid()));
}
