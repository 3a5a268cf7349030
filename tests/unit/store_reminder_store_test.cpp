// The reminder schedule and outbox on a real SQLite file with the real
// migrations: planning on add/edit, take_due as one transaction, deliveries,
// missed, snooze and ack, and what survives a reopen.
#include "daemon/store/event_store.hpp"
#include "daemon/store/reminder_store.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace summit::store {
namespace {

namespace fs = std::filesystem;
using namespace date;
using namespace std::chrono_literals;
using core::Event;
using core::Reminder;
using core::SysSeconds;

const SysSeconds k_added = sys_days{2025_y / September / 1} + 12h;
// 2025-09-26 10:00 in Minsk (+03).
const SysSeconds k_start = sys_days{2025_y / September / 26} + 7h;
const std::vector<std::string> k_channels{"log", "subscribers"};

Event minsk(std::vector<Reminder> reminders) {
  Event e;
  e.title = "Council of Heads of Government of the CIS";
  e.tz = "Europe/Minsk";
  e.start_local = local_days{2025_y / September / 26} + 10h;
  e.end_local = e.start_local;
  e.start_utc = k_start;
  e.end_utc = k_start;
  e.location = "Minsk, Belarus";
  e.reminders = std::move(reminders);
  e.created = k_added;
  e.updated = k_added;
  return e;
}

Reminder before(core::Seconds d) { return Reminder{d, std::nullopt}; }

class ReminderStoreTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "summit-reminders-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    reopen();
  }
  void TearDown() override {
    m_reminders.reset();
    m_events.reset();
    fs::remove_all(m_dir);
  }
  void reopen() {
    m_reminders.reset();
    m_events.reset();
    auto events = EventStore::open(m_dir / "summit.db");
    ASSERT_TRUE(events) << events.error().message;
    m_events = std::move(*events);
    auto reminders = ReminderStore::open(*m_events);
    ASSERT_TRUE(reminders) << reminders.error().message;
    m_reminders = std::move(*reminders);
  }
  Event add(Event e) {
    auto added = m_events->add(std::move(e));
    EXPECT_TRUE(added) << added.error().message;
    return *added;
  }

  fs::path m_dir;
  std::unique_ptr<EventStore> m_events;
  std::unique_ptr<ReminderStore> m_reminders;
};

TEST_F(ReminderStoreTest, adding_an_event_plans_each_reminder_and_the_earliest_is_next) {
  add(minsk({before(24h), before(date::days{7})}));
  ASSERT_EQ(m_reminders->next_due(), k_start - date::days{7});
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->pending, 2);
  EXPECT_EQ(stats->fired, 0);
}

TEST_F(ReminderStoreTest, nothing_is_due_before_its_instant) {
  add(minsk({before(24h)}));
  auto batch = m_reminders->take_due(k_start - 24h - 1s, 24h, k_channels);
  EXPECT_TRUE(batch.fired.empty());
  EXPECT_TRUE(batch.missed.empty());
  EXPECT_EQ(m_reminders->next_due(), k_start - 24h);
}

TEST_F(ReminderStoreTest, a_due_reminder_fires_once_with_the_event_snapshot) {
  const Event event = add(minsk({before(24h)}));
  const SysSeconds now = k_start - 24h + 2s;
  auto batch = m_reminders->take_due(now, 24h, k_channels);
  ASSERT_EQ(batch.fired.size(), 1u);
  const auto &firing = batch.fired[0];
  EXPECT_EQ(firing.event_id, event.id);
  EXPECT_EQ(firing.title, "Council of Heads of Government of the CIS");
  EXPECT_EQ(firing.start_local, "2025-09-26T10:00:00+03:00");
  EXPECT_EQ(firing.tz, "Europe/Minsk");
  EXPECT_EQ(firing.reminder, "P1D");
  EXPECT_EQ(firing.lateness, 2s);
  EXPECT_EQ(firing.due, k_start - 24h);
  // Taken off the schedule: asking again gives nothing.
  EXPECT_TRUE(m_reminders->take_due(now + 1s, 24h, k_channels).fired.empty());
  EXPECT_FALSE(m_reminders->next_due());
}

TEST_F(ReminderStoreTest, deliveries_are_owed_per_channel_until_marked_and_survive_a_reopen) {
  add(minsk({before(24h)}));
  auto batch = m_reminders->take_due(k_start, 24h, k_channels);
  ASSERT_EQ(batch.fired.size(), 1u);
  const auto firing_id = batch.fired[0].firing_id;
  const auto reminder_id = batch.fired[0].reminder_id;

  m_reminders->mark_delivered({{firing_id, "log"}});
  reopen(); // a crash before "subscribers" completed
  auto owed = m_reminders->undelivered();
  ASSERT_EQ(owed.size(), 1u);
  EXPECT_EQ(owed[0].firing.reminder_id, reminder_id);
  EXPECT_EQ(owed[0].firing.title, "Council of Heads of Government of the CIS");
  EXPECT_EQ(owed[0].channels, std::vector<std::string>{"subscribers"});

  m_reminders->mark_delivered({{firing_id, "subscribers"}, {firing_id, "subscribers"}});
  EXPECT_TRUE(m_reminders->undelivered().empty());
  reopen();
  EXPECT_TRUE(m_reminders->undelivered().empty());
  EXPECT_TRUE(m_reminders->take_due(k_start + 1h, 24h, k_channels).fired.empty());
}

TEST_F(ReminderStoreTest, beyond_the_grace_period_a_reminder_is_missed_not_fired) {
  add(minsk({before(date::days{7}), before(1h)}));
  // The daemon was down from before the 7-day reminder until 30 min before the start.
  auto batch = m_reminders->take_due(k_start - 30min, 24h, k_channels);
  ASSERT_EQ(batch.missed.size(), 1u);
  ASSERT_EQ(batch.fired.size(), 1u);
  EXPECT_EQ(batch.missed[0].reminder, "P7D");
  EXPECT_EQ(batch.fired[0].reminder, "PT1H");
  EXPECT_EQ(batch.fired[0].lateness, 30min);
  // Missed ones owe no delivery and are listed.
  auto owed = m_reminders->undelivered();
  ASSERT_EQ(owed.size(), 1u);
  EXPECT_EQ(owed[0].firing.reminder, "PT1H");
  auto missed = m_reminders->missed(10);
  ASSERT_TRUE(missed);
  ASSERT_EQ(missed->size(), 1u);
  EXPECT_TRUE((*missed)[0].missed);
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->missed, 1);
  EXPECT_EQ(stats->fired, 1);
  EXPECT_EQ(stats->late, 1);
}

TEST_F(ReminderStoreTest, reminders_already_past_when_planned_are_not_planned) {
  Event e = minsk({before(date::days{30}), before(24h)});
  add(e); // 30 days before is 2025-08-27, before k_added
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->pending, 1);
  EXPECT_EQ(m_reminders->next_due(), k_start - 24h);
}

TEST_F(ReminderStoreTest, editing_the_start_replans_pending_and_editing_the_title_never_refires) {
  Event event = add(minsk({before(date::days{7}), before(24h)}));
  auto first = m_reminders->take_due(k_start - date::days{7}, 24h, k_channels);
  ASSERT_EQ(first.fired.size(), 1u);

  event.title = "CIS heads of government";
  event.updated = k_start - date::days{6};
  ASSERT_TRUE(m_events->update(event));
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->pending, 1); // only the 1-day one; the 7-day one fired already
  EXPECT_EQ(m_reminders->next_due(), k_start - 24h);

  // Moved one hour later: the pending reminder moves with it.
  event.start_local += 1h;
  event.end_local += 1h;
  event.start_utc += 1h;
  event.end_utc += 1h;
  ASSERT_TRUE(m_events->update(event));
  EXPECT_EQ(m_reminders->next_due(), k_start + 1h - 24h);
}

TEST_F(ReminderStoreTest, a_cancelled_or_removed_event_has_no_pending_reminders_but_keeps_history) {
  Event event = add(minsk({before(date::days{7}), before(24h)}));
  ASSERT_EQ(m_reminders->take_due(k_start - date::days{7}, 24h, k_channels).fired.size(), 1u);
  event.status = core::Status::cancelled;
  ASSERT_TRUE(m_events->update(event));
  EXPECT_FALSE(m_reminders->next_due());

  ASSERT_TRUE(m_events->remove(event.id));
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->fired, 1); // the outbox keeps what happened
  EXPECT_EQ(stats->pending, 0);
}

TEST_F(ReminderStoreTest, snooze_plans_a_new_instance_of_a_fired_reminder) {
  add(minsk({before(24h)}));
  auto pending_id = [&] {
    auto batch = m_reminders->take_due(k_start - 24h, 24h, k_channels);
    return batch.fired.at(0).reminder_id;
  };
  const auto fired_id = pending_id();
  const SysSeconds now = k_start - 24h + 10s;
  auto snoozed = m_reminders->snooze(fired_id, 15min, now);
  ASSERT_TRUE(snoozed) << snoozed.error().message;
  EXPECT_NE(*snoozed, fired_id);
  EXPECT_EQ(m_reminders->next_due(), now + 15min);

  // A pending one cannot be snoozed or acknowledged; unknown ids are not found.
  auto again = m_reminders->snooze(*snoozed, 5min, now);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(m_reminders->ack(*snoozed, now).error().code, core::ErrorCode::conflict);
  EXPECT_EQ(m_reminders->snooze(9999, 5min, now).error().code, core::ErrorCode::not_found);

  auto refired = m_reminders->take_due(now + 15min, 24h, k_channels);
  ASSERT_EQ(refired.fired.size(), 1u);
  EXPECT_EQ(refired.fired[0].reminder_id, *snoozed);
  EXPECT_EQ(refired.fired[0].reminder, "P1D");
  ASSERT_TRUE(m_reminders->ack(*snoozed, now + 16min));
  ASSERT_TRUE(m_reminders->ack(*snoozed, now + 17min)); // idempotent
}

TEST_F(ReminderStoreTest, many_reminders_due_at_one_instant_fire_together_in_a_stable_order) {
  constexpr int k_events = 400;
  for (int i = 0; i < k_events; ++i) {
    Event e = minsk({before(24h), before(2h), before(1h)});
    e.title = "meeting " + std::to_string(i);
    add(e);
  }
  // Taken a batch at a time (ReminderStore::k_batch_limit): all of them, in
  // one stable order across the batches.
  ReminderStore::DueBatch batch;
  while (true) {
    auto more = m_reminders->take_due(k_start - 1h, 24h, k_channels);
    if (more.fired.empty()) {
      break;
    }
    batch.fired.insert(batch.fired.end(), more.fired.begin(), more.fired.end());
  }
  ASSERT_EQ(batch.fired.size(), std::size_t{3 * k_events});
  for (std::size_t i = 1; i < batch.fired.size(); ++i) {
    const auto &a = batch.fired[i - 1];
    const auto &b = batch.fired[i];
    ASSERT_TRUE(a.due < b.due || (a.due == b.due && a.reminder_id < b.reminder_id)) << i;
  }
  EXPECT_EQ(batch.fired.front().reminder, "P1D");
  EXPECT_EQ(batch.fired.back().reminder, "PT1H");
}

} // namespace
} // namespace summit::store

namespace summit::store {
namespace {

TEST_F(ReminderStoreTest, a_database_removed_under_the_stores_is_written_back_and_nothing_is_lost) {
  const Event first = add(minsk({before(24h)}));
  fs::remove_all(m_dir);
  ASSERT_FALSE(fs::exists(m_dir / "summit.db"));

  // The next write puts the file back (from the open connection) first.
  const Event second = add(minsk({before(25h)}));
  ASSERT_TRUE(fs::exists(m_dir / "summit.db"));
  EXPECT_EQ(fs::status(m_dir).permissions() & fs::perms::all, fs::perms::owner_all);
  // The reminder schedule carries on over the reopened connection.
  auto batch = m_reminders->take_due(k_start - 24h, 24h, k_channels);
  ASSERT_EQ(batch.fired.size(), 2u);
  m_reminders->mark_delivered({{batch.fired[0].firing_id, "log"}});

  reopen(); // what a restart would see
  EXPECT_TRUE(m_events->get(first.id));
  EXPECT_TRUE(m_events->get(second.id));
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->fired, 2);
  EXPECT_EQ(stats->pending, 0);
}

TEST_F(ReminderStoreTest, a_database_replaced_under_the_stores_refuses_writes_but_still_reads) {
  const Event first = add(minsk({before(24h)}));
  fs::copy_file(m_dir / "summit.db", m_dir / "other.db");
  fs::rename(m_dir / "other.db", m_dir / "summit.db");

  auto refused = m_events->add(minsk({}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::storage);
  EXPECT_NE(refused.error().message.find("was replaced by another file"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(m_reminders->ack(1, k_added));
  EXPECT_THROW(m_reminders->take_due(k_start, 24h, k_channels), std::exception);
  EXPECT_TRUE(m_events->get(first.id)); // reads go on from the open connection
}

} // namespace
} // namespace summit::store

namespace summit::store {
namespace {

// Found by tests/reliability/crash_kill.py: a title edited while the
// reminder was due but not yet taken (the daemon restarting, say) used to
// drop the reminder as "already past".
TEST_F(ReminderStoreTest, an_edit_after_the_due_instant_keeps_a_reminder_not_yet_taken) {
  Event event = add(minsk({before(24h)}));
  const auto planned = m_reminders->pending_for_event(event.id);
  ASSERT_TRUE(planned);
  ASSERT_EQ(planned->size(), 1u);
  const auto [reminder_id, due] = planned->front();

  event.title = "Council of Heads of Government of the CIS (moved room)";
  event.updated = due + 5s; // edited five seconds after it fell due
  ASSERT_TRUE(m_events->update(event));
  const auto still = m_reminders->pending_for_event(event.id);
  ASSERT_TRUE(still);
  ASSERT_EQ(still->size(), 1u);
  EXPECT_EQ(still->front().first, reminder_id); // the same instance, the same id

  auto batch = m_reminders->take_due(due + 6s, 24h, k_channels);
  ASSERT_EQ(batch.fired.size(), 1u);
  EXPECT_EQ(batch.fired[0].reminder_id, reminder_id);
  EXPECT_EQ(batch.fired[0].title, event.title);

  // Moving the start later re-plans it; moving it back to an instant already
  // past plans nothing new.
  event.start_local += 1h;
  event.start_utc += 1h;
  event.end_local += 1h;
  event.end_utc += 1h;
  event.updated = due + 10s;
  ASSERT_TRUE(m_events->update(event));
  const auto moved = m_reminders->pending_for_event(event.id);
  ASSERT_TRUE(moved);
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ(moved->front().second, due + 1h);
}

} // namespace
} // namespace summit::store

namespace summit::store {
namespace {

TEST_F(ReminderStoreTest, a_burst_is_taken_a_batch_at_a_time_in_due_then_id_order) {
  const std::size_t total = ReminderStore::k_batch_limit * 2 + 500;
  m_events->enable_group_commit([] {}); // one fsync for all the adds, not 2,500
  for (std::size_t i = 0; i < total; ++i) {
    add(minsk({Reminder{std::nullopt, k_start - 24h + core::Seconds{static_cast<int>(i % 3)}}}));
  }
  ASSERT_TRUE(m_events->commit_group());
  std::vector<std::int64_t> order;
  std::vector<SysSeconds> dues;
  std::vector<std::size_t> sizes;
  for (int round = 0; round < 5; ++round) {
    auto batch = m_reminders->take_due(k_start - 24h + 5s, 24h, k_channels);
    if (batch.fired.empty()) {
      break;
    }
    sizes.push_back(batch.fired.size());
    for (const auto &firing : batch.fired) {
      order.push_back(firing.reminder_id);
      dues.push_back(firing.due);
    }
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{ReminderStore::k_batch_limit,
                                             ReminderStore::k_batch_limit, 500}));
  ASSERT_EQ(order.size(), total);
  for (std::size_t i = 1; i < order.size(); ++i) {
    ASSERT_TRUE(dues[i - 1] < dues[i] || (dues[i - 1] == dues[i] && order[i - 1] < order[i]))
        << "out of order at " << i;
  }
  EXPECT_FALSE(m_reminders->next_due());
}

} // namespace
} // namespace summit::store
