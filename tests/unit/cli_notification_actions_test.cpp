#include "cli/notify/notification_actions.hpp"
#include "core/zones.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace summit::cli;
using nlohmann::json;
using testing::ElementsAre;

namespace {

json fired(std::int64_t reminder_id, const std::string &title) {
  return json{{"reminder_id", reminder_id}, {"firing_id", 7}, {"title", title}};
}

} // namespace

TEST(NotificationActions, offers_snooze_10_min_and_done_as_key_label_pairs) {
  EXPECT_THAT(NotificationActions::notify_actions(),
              ElementsAre("snooze", "Snooze 10 min", "done", "Done"));
}

TEST(NotificationActions, snooze_on_a_shown_notification_is_a_10_minute_reminder_snooze) {
  NotificationActions actions;
  actions.remember(4, fired(12, "Council"));
  const auto action = actions.take(4, "snooze");
  ASSERT_TRUE(action);
  EXPECT_EQ(action->method, "reminder.snooze");
  EXPECT_EQ(action->params, (json{{"reminder_id", 12}, {"duration", "10m"}}));
  EXPECT_EQ(action->reminder_id, 12);
  EXPECT_EQ(action->title, "Council");
}

TEST(NotificationActions, done_is_a_reminder_ack) {
  NotificationActions actions;
  actions.remember(4, fired(12, "Council"));
  const auto action = actions.take(4, "done");
  ASSERT_TRUE(action);
  EXPECT_EQ(action->method, "reminder.ack");
  EXPECT_EQ(action->params, (json{{"reminder_id", 12}}));
}

TEST(NotificationActions, an_unknown_id_a_closed_one_or_a_key_not_offered_asks_nothing) {
  NotificationActions actions;
  actions.remember(4, fired(12, "Council"));
  actions.remember(5, fired(13, "Summit"));
  EXPECT_FALSE(actions.take(99, "snooze"));
  EXPECT_FALSE(actions.take(4, "default")); // clicking the body
  actions.forget(5);
  EXPECT_FALSE(actions.take(5, "done"));
  EXPECT_TRUE(actions.take(4, "done"));
}

TEST(NotificationActions, a_notification_acts_once) {
  NotificationActions actions;
  actions.remember(4, fired(12, "Council"));
  EXPECT_TRUE(actions.take(4, "snooze"));
  EXPECT_FALSE(actions.take(4, "snooze"));
  EXPECT_EQ(actions.size(), 0U);
}

TEST(NotificationActions, remembers_only_the_most_recent_notifications) {
  NotificationActions actions(2);
  actions.remember(1, fired(11, "a"));
  actions.remember(2, fired(12, "b"));
  actions.remember(3, fired(13, "c"));
  EXPECT_EQ(actions.size(), 2U);
  EXPECT_FALSE(actions.take(1, "done"));
  EXPECT_EQ(actions.take(2, "done")->reminder_id, 12);
  EXPECT_EQ(actions.take(3, "done")->reminder_id, 13);
}

TEST(NotificationActions, an_id_the_server_reuses_maps_to_the_newer_reminder_and_stays) {
  NotificationActions actions(2);
  actions.remember(1, fired(11, "a"));
  actions.forget(1);
  actions.remember(1, fired(21, "again"));
  actions.remember(2, fired(22, "b"));
  EXPECT_EQ(actions.size(), 2U);
  EXPECT_EQ(actions.take(1, "done")->reminder_id, 21);
}

TEST(NotificationActions, forgetting_many_keeps_memory_bounded) {
  NotificationActions actions(2);
  for (std::uint32_t id = 1; id <= 10'000; ++id) {
    actions.remember(id, fired(id, "x"));
    actions.forget(id);
  }
  EXPECT_EQ(actions.size(), 0U);
  actions.remember(1, fired(5, "kept"));
  EXPECT_EQ(actions.take(1, "done")->reminder_id, 5);
}

TEST(NotificationActions, says_what_was_done_in_the_viewers_zone) {
  NotificationActions actions;
  actions.remember(4, fired(12, "Council"));
  const auto snooze = actions.take(4, "snooze");
  ASSERT_TRUE(snooze);
  const auto *minsk = summit::core::find_zone("Europe/Minsk").value();
  EXPECT_EQ(NotificationActions::done_line(
                *snooze, json{{"reminder_id", 13}, {"due", "2026-12-25T07:10:00Z"}}, minsk),
            "snoozed \"Council\" until 10:10");
  actions.remember(5, fired(14, "Bell\x1b]0;x\x07"));
  const auto done = actions.take(5, "done");
  ASSERT_TRUE(done);
  EXPECT_EQ(NotificationActions::done_line(*done, json{{"acked", 14}}, minsk),
            "acknowledged \"Bell\\x1b]0;x\\x07\"")
      << "the title is shown, not obeyed";
  EXPECT_EQ(NotificationActions::failed_line(*snooze, "no reminder with id 12"),
            "could not snooze \"Council\" (reminder 12): no reminder with id 12");
}
