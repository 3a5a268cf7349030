// reminder.snooze, reminder.ack, reminder.missed, event.explain, the
// reminder counts in daemon.status, and the reminder side of event.add
// (configured defaults) and of every event change (re-plan), over a real
// SQLite file.

#include "core/rpc.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/server/reminder_handlers.hpp"
#include "daemon/server/status_handler.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/reminder_store.hpp"
#include "server_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

using namespace summit;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t k_alice = 4242;
constexpr std::uint32_t k_bob = 4343;
constexpr std::uint32_t k_root = 0;

core::SysSeconds utc(int y, unsigned m, unsigned d, int hour, int minute = 0) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + std::chrono::hours{hour} +
         std::chrono::minutes{minute};
}

class ReminderHandlersTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto store = store::EventStore::open(m_dir.path() / "summit.db");
    ASSERT_TRUE(store) << store.error().message;
    m_store = std::move(*store);
    auto reminders = store::ReminderStore::open(*m_store);
    ASSERT_TRUE(reminders) << reminders.error().message;
    m_reminders = std::move(*reminders);

    server::EventHandlerOptions options;
    options.default_reminders = {"1d", "1h"};
    options.on_change = [this] { ++m_replans; };
    m_events = std::make_unique<server::EventHandlers>(*m_store, nullptr, options);
    m_events->register_with(m_dispatcher);
    m_methods = std::make_unique<server::ReminderHandlers>(
        *m_store, *m_reminders, core::ReminderPlanOptions{}, [this] { ++m_replans; });
    m_methods->register_with(m_dispatcher);
    server::DaemonInfo info{"/tmp/x.sock", "/tmp/x.db", "user", "2026f", m_now};
    m_status = std::make_unique<server::StatusHandler>(*m_store, info, m_reminders.get(), 60s);
    m_status->register_with(m_dispatcher);
  }

  json call(const std::string &method, const json &params, std::uint32_t uid = k_alice) {
    const auto line = core::rpc::to_line(core::rpc::make_request(++m_next_id, method, params));
    auto reply = m_dispatcher.handle_line(std::string_view(line).substr(0, line.size() - 1),
                                          server::Peer{uid, 1});
    EXPECT_TRUE(reply);
    return reply ? json::parse(*reply) : json();
  }

  // The Council meeting (10:00 Minsk = 07:00Z on 26 September) with the
  // given reminders; returns its id.
  std::int64_t add_council(const json &reminders, std::uint32_t uid = k_alice) {
    json params{{"title", "Council of Heads of Government of the CIS"},
                {"start", "2025-09-26T10:00"},
                {"tz", "Europe/Minsk"},
                {"location", "Minsk, Belarus"}};
    if (!reminders.is_null()) {
      params["reminders"] = reminders;
    }
    auto reply = call("event.add", params, uid);
    EXPECT_TRUE(reply.contains("result")) << reply.dump();
    return reply.contains("result") ? reply["result"]["event"]["id"].get<std::int64_t>() : 0;
  }

  // Fires everything due by `when`, as the scheduler would; returns the
  // reminder ids fired.
  std::vector<std::int64_t> fire_until(core::SysSeconds when, core::Seconds grace = 24h) {
    std::vector<std::int64_t> ids;
    const auto batch = m_reminders->take_due(when, grace, {"log"}).value();
    for (const auto &firing : batch.fired) {
      ids.push_back(firing.reminder_id);
    }
    return ids;
  }

  static int error_code(const json &reply) { return reply["error"]["code"].get<int>(); }

  test::TempDir m_dir;
  std::unique_ptr<store::EventStore> m_store;
  std::unique_ptr<store::ReminderStore> m_reminders;
  core::SysSeconds m_now = utc(2025, 6, 1, 12);
  server::Dispatcher m_dispatcher{[this] { return m_now; }};
  std::unique_ptr<server::EventHandlers> m_events;
  std::unique_ptr<server::ReminderHandlers> m_methods;
  std::unique_ptr<server::StatusHandler> m_status;
  int m_replans = 0;
  int m_next_id = 0;
};

} // namespace

TEST_F(ReminderHandlersTest, add_without_reminders_gets_the_configured_defaults) {
  const auto id = add_council(nullptr);
  auto event = call("event.get", {{"id", id}})["result"]["event"];
  EXPECT_EQ(event["reminders"], (json{{{"before", "P1D"}}, {{"before", "PT1H"}}}));

  // An explicit list wins, and an explicit [] means none.
  const auto own = add_council(json{"P7D"});
  EXPECT_EQ(call("event.get", {{"id", own}})["result"]["event"]["reminders"],
            (json{{{"before", "P7D"}}}));
  const auto none = add_council(json::array());
  EXPECT_EQ(call("event.get", {{"id", none}})["result"]["event"]["reminders"], json::array());
}

TEST_F(ReminderHandlersTest, every_successful_change_replans_and_a_refused_one_does_not) {
  const auto id = add_council(nullptr);
  EXPECT_EQ(m_replans, 1);
  EXPECT_TRUE(call("event.update", {{"id", id}, {"title", "Council"}}).contains("result"));
  EXPECT_EQ(m_replans, 2);
  EXPECT_EQ(error_code(call("event.update", {{"id", id}, {"title", "x"}}, k_bob)),
            core::rpc::k_permission_denied);
  EXPECT_EQ(error_code(call("event.add", {{"title", "no start"}})), core::rpc::k_invalid_params);
  EXPECT_EQ(m_replans, 2);
  EXPECT_TRUE(call("event.remove", {{"id", id}}).contains("result"));
  EXPECT_EQ(m_replans, 3);
}

TEST_F(ReminderHandlersTest, explain_lists_pending_reminders_and_the_dst_change_before_them) {
  // Berlin leaves summer time on 26 October 2025; the event is on the 27th.
  auto reply = call("event.add", {{"title", "Ministerial"},
                                  {"start", "2025-10-27T10:00"},
                                  {"tz", "Europe/Berlin"},
                                  {"reminders", {"P7D", "PT1H"}}});
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  const auto id = reply["result"]["event"]["id"].get<std::int64_t>();
  m_now = utc(2025, 10, 1, 12);
  reply = call("event.explain", {{"id", id}});
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  const auto &result = reply["result"];
  EXPECT_EQ(result["event"]["id"], id);
  ASSERT_EQ(result["reminders"].size(), 2u);
  // 10:00 CET = 09:00Z on the 27th.
  EXPECT_EQ(result["reminders"][0]["reminder"], "P7D");
  EXPECT_EQ(result["reminders"][0]["due"], "2025-10-20T09:00:00Z");
  EXPECT_EQ(result["reminders"][0]["due_local"], "2025-10-20T11:00:00+02:00");
  EXPECT_EQ(result["reminders"][1]["reminder"], "PT1H");
  EXPECT_EQ(result["reminders"][1]["due"], "2025-10-27T08:00:00Z");
  EXPECT_GT(result["reminders"][0]["reminder_id"].get<std::int64_t>(), 0);
  ASSERT_EQ(result["zone_changes"].size(), 1u) << result.dump();
  EXPECT_EQ(result["zone_changes"][0]["at"], "2025-10-26T01:00:00Z");
  EXPECT_FALSE(result["zone_changes"][0]["description"].get<std::string>().empty());

  EXPECT_EQ(error_code(call("event.explain", {{"id", 999}})), core::rpc::k_not_found);
  EXPECT_EQ(error_code(call("event.explain", {{"id", "x"}})), core::rpc::k_invalid_params);
}

TEST_F(ReminderHandlersTest, snooze_plans_a_new_reminder_after_the_duration) {
  const auto id = add_council(json{"P1D"});
  const auto fired = fire_until(utc(2025, 9, 25, 7));
  ASSERT_EQ(fired.size(), 1u);
  m_now = utc(2025, 9, 25, 7, 1);
  const int before = m_replans;
  auto reply = call("reminder.snooze", {{"reminder_id", fired[0]}, {"duration", "15m"}});
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  const auto snoozed = reply["result"]["reminder_id"].get<std::int64_t>();
  EXPECT_NE(snoozed, fired[0]);
  EXPECT_EQ(reply["result"]["due"], "2025-09-25T07:16:00Z");
  EXPECT_EQ(m_replans, before + 1);

  auto explained = call("event.explain", {{"id", id}})["result"]["reminders"];
  ASSERT_EQ(explained.size(), 1u) << explained.dump();
  EXPECT_EQ(explained[0]["reminder_id"], snoozed);
  EXPECT_EQ(explained[0]["reminder"], "snooze");
  EXPECT_EQ(fire_until(utc(2025, 9, 25, 7, 16)), std::vector<std::int64_t>{snoozed});
}

TEST_F(ReminderHandlersTest, snooze_is_for_the_owner_or_root_of_a_fired_reminder) {
  add_council(json{"P1D", "PT1H"});
  const auto fired = fire_until(utc(2025, 9, 25, 7));
  ASSERT_EQ(fired.size(), 1u);
  m_now = utc(2025, 9, 25, 7, 1);

  auto denied = call("reminder.snooze", {{"reminder_id", fired[0]}, {"duration", "5m"}}, k_bob);
  EXPECT_EQ(error_code(denied), core::rpc::k_permission_denied) << denied.dump();
  EXPECT_NE(denied["error"]["message"].get<std::string>().find("4242"), std::string::npos);
  EXPECT_TRUE(call("reminder.snooze", {{"reminder_id", fired[0]}, {"duration", "5m"}}, k_root)
                  .contains("result"));

  EXPECT_EQ(error_code(call("reminder.snooze", {{"reminder_id", 999}, {"duration", "5m"}})),
            core::rpc::k_not_found);
  // The 1h reminder has not fired yet.
  const auto pending = m_reminders->stats(60s)->next_event_id;
  ASSERT_TRUE(pending);
  auto plan = m_reminders->pending_for_event(*pending);
  ASSERT_TRUE(plan);
  ASSERT_FALSE(plan->empty());
  EXPECT_EQ(error_code(
                call("reminder.snooze", {{"reminder_id", plan->back().first}, {"duration", "5m"}})),
            core::rpc::k_conflict);
}

TEST_F(ReminderHandlersTest, snooze_checks_its_parameters) {
  add_council(json{"P1D"});
  const auto fired = fire_until(utc(2025, 9, 25, 7));
  ASSERT_EQ(fired.size(), 1u);
  for (const auto &params :
       {json{{"duration", "5m"}}, json{{"reminder_id", fired[0]}},
        json{{"reminder_id", fired[0]}, {"duration", "soon"}},
        json{{"reminder_id", fired[0]}, {"duration", "0s"}},
        json{{"reminder_id", fired[0]}, {"duration", 5}},
        json{{"reminder_id", -1}, {"duration", "5m"}},
        json{{"reminder_id", fired[0]}, {"duration", "5m"}, {"until", "later"}}}) {
    auto reply = call("reminder.snooze", params);
    EXPECT_EQ(error_code(reply), core::rpc::k_invalid_params) << params.dump();
  }
  auto reply = call("reminder.snooze", {{"reminder_id", fired[0]}, {"duration", "soon"}});
  EXPECT_EQ(reply["error"]["data"]["field"], "duration") << reply.dump();
}

TEST_F(ReminderHandlersTest, ack_marks_a_fired_reminder_for_its_owner) {
  add_council(json{"P1D", "PT1H"});
  const auto fired = fire_until(utc(2025, 9, 25, 7));
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(error_code(call("reminder.ack", {{"reminder_id", fired[0]}}, k_bob)),
            core::rpc::k_permission_denied);
  auto reply = call("reminder.ack", {{"reminder_id", fired[0]}});
  EXPECT_EQ(reply["result"], (json{{"acked", fired[0]}})) << reply.dump();
  EXPECT_EQ(call("reminder.ack", {{"reminder_id", fired[0]}})["result"]["acked"], fired[0])
      << "acknowledging twice is harmless";
  EXPECT_EQ(error_code(call("reminder.ack", {{"reminder_id", 999}})), core::rpc::k_not_found);
  EXPECT_EQ(error_code(call("reminder.ack", json::object())), core::rpc::k_invalid_params);
}

TEST_F(ReminderHandlersTest, missed_lists_reminders_beyond_the_grace_newest_first) {
  add_council(json{"P1D", "PT1H"});
  // The daemon was down for both and came back two days after the event.
  EXPECT_TRUE(fire_until(utc(2025, 9, 28, 7), 6h).empty());
  auto reply = call("reminder.missed", json::object());
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  const auto &missed = reply["result"]["missed"];
  ASSERT_EQ(missed.size(), 2u) << missed.dump();
  EXPECT_EQ(missed[0]["reminder"], "PT1H");
  EXPECT_EQ(missed[0]["due"], "2025-09-26T06:00:00Z");
  EXPECT_EQ(missed[1]["reminder"], "P1D");
  EXPECT_EQ(missed[1]["title"], "Council of Heads of Government of the CIS");
  EXPECT_EQ(missed[1]["start"], "2025-09-26T10:00:00+03:00");
  EXPECT_EQ(missed[1]["tz"], "Europe/Minsk");
  EXPECT_EQ(missed[1]["fired_at"], "2025-09-28T07:00:00Z");
  for (const auto *key : {"reminder_id", "event_id"}) {
    EXPECT_TRUE(missed[1].contains(key)) << key;
  }
  EXPECT_EQ(call("reminder.missed", {{"limit", 1}})["result"]["missed"].size(), 1u);
  EXPECT_EQ(error_code(call("reminder.missed", {{"limit", 0}})), core::rpc::k_invalid_params);
}

TEST_F(ReminderHandlersTest, status_counts_reminders_and_names_the_next) {
  const auto id = add_council(json{"P1D", "PT1H"});
  auto status = call("daemon.status", json::object())["result"]["reminders"];
  EXPECT_EQ(status["pending"], 2);
  EXPECT_EQ(status["fired"], 0);
  EXPECT_EQ(status["next_due"], "2025-09-25T07:00:00Z");
  EXPECT_EQ(status["next_event_id"], id);

  // Fired two minutes late: counted as late (late_after is 60 s).
  ASSERT_EQ(fire_until(utc(2025, 9, 25, 7, 2)).size(), 1u);
  status = call("daemon.status", json::object())["result"]["reminders"];
  EXPECT_EQ(status["pending"], 1);
  EXPECT_EQ(status["fired"], 1);
  EXPECT_EQ(status["late"], 1);
  EXPECT_EQ(status["missed"], 0);
  EXPECT_EQ(status["undelivered"], 1);
  EXPECT_EQ(status["next_due"], "2025-09-26T06:00:00Z");

  ASSERT_TRUE(call("event.remove", {{"id", id}}).contains("result"));
  status = call("daemon.status", json::object())["result"]["reminders"];
  EXPECT_EQ(status["pending"], 0);
  EXPECT_TRUE(status["next_due"].is_null());
  EXPECT_TRUE(status["next_event_id"].is_null());
}
