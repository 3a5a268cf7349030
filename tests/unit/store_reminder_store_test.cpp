// The reminder schedule and outbox on a real SQLite file with the real
// migrations: planning on add/edit, take_due as one transaction, deliveries,
// missed, snooze and ack, and what survives a reopen.
#include "core/zones.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/migrator.hpp"
#include "daemon/store/reminder_store.hpp"
#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <date/date.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
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
  ASSERT_EQ(m_reminders->next_due().value(), k_start - date::days{7});
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->pending, 2);
  EXPECT_EQ(stats->fired, 0);
}

TEST_F(ReminderStoreTest, nothing_is_due_before_its_instant) {
  add(minsk({before(24h)}));
  auto batch = m_reminders->take_due(k_start - 24h - 1s, 24h, k_channels).value();
  EXPECT_TRUE(batch.fired.empty());
  EXPECT_TRUE(batch.missed.empty());
  EXPECT_EQ(m_reminders->next_due().value(), k_start - 24h);
}

TEST_F(ReminderStoreTest, a_due_reminder_fires_once_with_the_event_snapshot) {
  const Event event = add(minsk({before(24h)}));
  const SysSeconds now = k_start - 24h + 2s;
  auto batch = m_reminders->take_due(now, 24h, k_channels).value();
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
  EXPECT_TRUE(m_reminders->take_due(now + 1s, 24h, k_channels).value().fired.empty());
  EXPECT_FALSE(m_reminders->next_due().value());
}

TEST_F(ReminderStoreTest, deliveries_are_owed_per_channel_until_marked_and_survive_a_reopen) {
  add(minsk({before(24h)}));
  auto batch = m_reminders->take_due(k_start, 24h, k_channels).value();
  ASSERT_EQ(batch.fired.size(), 1u);
  const auto firing_id = batch.fired[0].firing_id;
  const auto reminder_id = batch.fired[0].reminder_id;

  ASSERT_TRUE(m_reminders->mark_delivered({{firing_id, "log"}}));
  reopen(); // a crash before "subscribers" completed
  auto owed = m_reminders->undelivered().value();
  ASSERT_EQ(owed.size(), 1u);
  EXPECT_EQ(owed[0].firing.reminder_id, reminder_id);
  EXPECT_EQ(owed[0].firing.title, "Council of Heads of Government of the CIS");
  EXPECT_EQ(owed[0].channels, std::vector<std::string>{"subscribers"});

  ASSERT_TRUE(
      m_reminders->mark_delivered({{firing_id, "subscribers"}, {firing_id, "subscribers"}}));
  EXPECT_TRUE(m_reminders->undelivered().value().empty());
  reopen();
  EXPECT_TRUE(m_reminders->undelivered().value().empty());
  EXPECT_TRUE(m_reminders->take_due(k_start + 1h, 24h, k_channels).value().fired.empty());
}

TEST_F(ReminderStoreTest, beyond_the_grace_period_a_reminder_is_missed_not_fired) {
  add(minsk({before(date::days{7}), before(1h)}));
  // The daemon was down from before the 7-day reminder until 30 min before the start.
  auto batch = m_reminders->take_due(k_start - 30min, 24h, k_channels).value();
  ASSERT_EQ(batch.missed.size(), 1u);
  ASSERT_EQ(batch.fired.size(), 1u);
  EXPECT_EQ(batch.missed[0].reminder, "P7D");
  EXPECT_EQ(batch.fired[0].reminder, "PT1H");
  EXPECT_EQ(batch.fired[0].lateness, 30min);
  // Missed ones owe no delivery and are listed.
  auto owed = m_reminders->undelivered().value();
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
  EXPECT_EQ(m_reminders->next_due().value(), k_start - 24h);
}

TEST_F(ReminderStoreTest, editing_the_start_replans_pending_and_editing_the_title_never_refires) {
  Event event = add(minsk({before(date::days{7}), before(24h)}));
  auto first = m_reminders->take_due(k_start - date::days{7}, 24h, k_channels).value();
  ASSERT_EQ(first.fired.size(), 1u);

  event.title = "CIS heads of government";
  event.updated = k_start - date::days{6};
  ASSERT_TRUE(m_events->update(event));
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->pending, 1); // only the 1-day one; the 7-day one fired already
  EXPECT_EQ(m_reminders->next_due().value(), k_start - 24h);

  // Moved one hour later: the pending reminder moves with it.
  event.start_local += 1h;
  event.end_local += 1h;
  event.start_utc += 1h;
  event.end_utc += 1h;
  ASSERT_TRUE(m_events->update(event));
  EXPECT_EQ(m_reminders->next_due().value(), k_start + 1h - 24h);
}

TEST_F(ReminderStoreTest, a_cancelled_or_removed_event_has_no_pending_reminders_but_keeps_history) {
  Event event = add(minsk({before(date::days{7}), before(24h)}));
  ASSERT_EQ(m_reminders->take_due(k_start - date::days{7}, 24h, k_channels).value().fired.size(),
            1u);
  event.status = core::Status::cancelled;
  ASSERT_TRUE(m_events->update(event));
  EXPECT_FALSE(m_reminders->next_due().value());

  ASSERT_TRUE(m_events->remove(event.id));
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->fired, 1); // the outbox keeps what happened
  EXPECT_EQ(stats->pending, 0);
}

// Issue 13: daemon.status reads counts kept by triggers instead of counting
// the tables on every call. Through planning, replanning, firing, missing,
// snoozing, removing (the instances go by cascade), pruning and a write
// that is rolled back, they stay what a count of the tables gives.
TEST_F(ReminderStoreTest, status_counts_kept_by_triggers_always_equal_a_recount) {
  SQLite::Database direct((m_dir / "summit.db").string(), SQLite::OPEN_READONLY);
  auto expect_recount = [&](const char *when) {
    auto stats = m_reminders->stats(60s);
    ASSERT_TRUE(stats) << stats.error().message;
    const auto count = [&](const char *sql) {
      SQLite::Statement s(direct, sql);
      return s.executeStep() ? s.getColumn(0).getInt64() : -1;
    };
    EXPECT_EQ(stats->pending,
              count("SELECT count(*) FROM reminder_instances WHERE state = 'pending'"))
        << when;
    EXPECT_EQ(stats->fired, count("SELECT count(*) FROM firings WHERE missed = 0")) << when;
    EXPECT_EQ(stats->missed, count("SELECT count(*) FROM firings WHERE missed = 1")) << when;
    EXPECT_EQ(stats->late, count("SELECT count(*) FROM firings WHERE missed = 0 AND lateness > 60"))
        << when;
  };
  expect_recount("empty");
  Event first = add(minsk({before(date::days{7}), before(24h), before(1h)}));
  Event second = add(minsk({before(date::days{3}), before(2h)}));
  expect_recount("planned");
  EXPECT_EQ(m_reminders->stats(60s)->pending, 5);

  // Moved a day later: pending ones are replanned, none added or lost.
  first.start_local += date::days{1};
  first.end_local += date::days{1};
  first.start_utc += date::days{1};
  first.end_utc += date::days{1};
  ASSERT_TRUE(m_events->update(first));
  expect_recount("replanned");

  // Down from before the 7-day and 3-day reminders until 3 days before the
  // start: one missed, one fired late.
  auto batch = m_reminders->take_due(k_start - date::days{3} + 2h, 24h, k_channels).value();
  EXPECT_EQ(batch.missed.size() + batch.fired.size(), 2U);
  expect_recount("fired and missed");
  ASSERT_FALSE(batch.fired.empty());
  auto snoozed = m_reminders->snooze(batch.fired[0].reminder_id, 15min, k_start - date::days{2});
  ASSERT_TRUE(snoozed) << snoozed.error().message;
  expect_recount("snoozed");
  ASSERT_TRUE(m_reminders->ack(batch.fired[0].reminder_id, k_start - date::days{2}));
  expect_recount("acknowledged");

  // A write that fails after planning a reminder leaves the counts as they were.
  auto failed = m_events->write_together([&]() -> core::Result<void> {
    auto added = m_events->add(minsk({before(4h)}));
    EXPECT_TRUE(added);
    return core::fail(core::ErrorCode::storage, "stopped on purpose");
  });
  EXPECT_FALSE(failed);
  expect_recount("rolled back");

  ASSERT_TRUE(m_events->remove(second.id));
  expect_recount("removed");
  auto pruned = m_reminders->prune_firings(k_start + date::days{30}, 100);
  ASSERT_TRUE(pruned) << pruned.error().message;
  EXPECT_GT(*pruned, 0);
  expect_recount("pruned");
}

TEST_F(ReminderStoreTest, snooze_plans_a_new_instance_of_a_fired_reminder) {
  add(minsk({before(24h)}));
  auto pending_id = [&] {
    auto batch = m_reminders->take_due(k_start - 24h, 24h, k_channels).value();
    return batch.fired.at(0).reminder_id;
  };
  const auto fired_id = pending_id();
  const SysSeconds now = k_start - 24h + 10s;
  auto snoozed = m_reminders->snooze(fired_id, 15min, now);
  ASSERT_TRUE(snoozed) << snoozed.error().message;
  EXPECT_NE(*snoozed, fired_id);
  EXPECT_EQ(m_reminders->next_due().value(), now + 15min);

  // A pending one cannot be snoozed or acknowledged; unknown ids are not found.
  auto again = m_reminders->snooze(*snoozed, 5min, now);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(m_reminders->ack(*snoozed, now).error().code, core::ErrorCode::conflict);
  EXPECT_EQ(m_reminders->snooze(9999, 5min, now).error().code, core::ErrorCode::not_found);

  auto refired = m_reminders->take_due(now + 15min, 24h, k_channels).value();
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
    auto more = m_reminders->take_due(k_start - 1h, 24h, k_channels).value();
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
  auto batch = m_reminders->take_due(k_start - 24h, 24h, k_channels).value();
  ASSERT_EQ(batch.fired.size(), 2u);
  ASSERT_TRUE(m_reminders->mark_delivered({{batch.fired[0].firing_id, "log"}}));

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
  EXPECT_THROW(m_reminders->take_due(k_start, 24h, k_channels).value(), std::exception);
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

  auto batch = m_reminders->take_due(due + 6s, 24h, k_channels).value();
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
    auto batch = m_reminders->take_due(k_start - 24h + 5s, 24h, k_channels).value();
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
  EXPECT_FALSE(m_reminders->next_due().value());
}

} // namespace
} // namespace summit::store

// The set-wise take_due (one INSERT ... SELECT for the firings, one UPDATE
// for the schedule) and the owed deliveries as ranges of firing ids.
namespace summit::store {
namespace {

void expect_same_snapshot(const scheduler::Firing &got, const scheduler::Firing &expected) {
  EXPECT_EQ(got.event_id, expected.event_id);
  EXPECT_EQ(got.title, expected.title);
  EXPECT_EQ(got.precision, expected.precision);
  EXPECT_EQ(got.start_local, expected.start_local);
  EXPECT_EQ(got.start_utc, expected.start_utc);
  EXPECT_EQ(got.tz, expected.tz);
  EXPECT_EQ(got.location, expected.location);
  EXPECT_EQ(got.reminder, expected.reminder);
}

Event in_zone(std::string title, std::string tz, SysSeconds start_utc,
              std::vector<Reminder> reminders) {
  Event e = minsk(std::move(reminders));
  e.title = std::move(title);
  e.tz = std::move(tz);
  const auto zone = core::find_zone(e.tz);
  EXPECT_TRUE(zone);
  e.start_utc = start_utc;
  e.end_utc = start_utc;
  e.start_local = (*zone)->to_local(start_utc);
  e.end_local = e.start_local;
  return e;
}

TEST_F(ReminderStoreTest, snapshots_hold_each_event_as_it_was_when_its_reminder_fired) {
  std::vector<Event> events;
  // Offsets east and west, a half-hour one, DST in force, no location,
  // text JSON must escape, absolute reminders.
  events.push_back(add(minsk({before(24h), before(1h)})));
  events.push_back(add(in_zone("UN General Assembly \"high-level week\"", "America/New_York",
                               sys_days{2025_y / September / 23} + 13h, {before(2h)})));
  events.push_back(add(in_zone("Summit in Delhi \\ backslash\nnew line", "Asia/Kolkata",
                               sys_days{2025_y / September / 24} + 4h + 30min,
                               {Reminder{std::nullopt, sys_days{2025_y / September / 20} + 8h}})));
  Event no_location = in_zone("Совет глав правительств СНГ", "Asia/Dushanbe",
                              sys_days{2025_y / September / 25} + 5h, {before(48h)});
  no_location.location = "";
  events.push_back(add(no_location));
  Event day = minsk({before(24h)});
  day.title = "Independence Day reception";
  day.precision = core::Precision::all_day;
  day.start_local = local_days{2025_y / September / 26};
  day.end_local = local_days{2025_y / September / 27};
  day.start_utc = sys_days{2025_y / September / 25} + 21h;
  day.end_utc = sys_days{2025_y / September / 26} + 21h;
  events.push_back(add(day));
  Event month = minsk({before(date::days{7})});
  month.title = "CIS summit (date TBA)";
  month.precision = core::Precision::month;
  month.start_local = local_days{2025_y / October / 1};
  month.end_local = local_days{2025_y / November / 1};
  month.start_utc = sys_days{2025_y / September / 30} + 21h;
  month.end_utc = sys_days{2025_y / October / 31} + 21h;
  events.push_back(add(month));

  // Every instance, in one batch.
  std::size_t planned = 0;
  for (const Event &event : events) {
    const auto pending = m_reminders->pending_for_event(event.id);
    ASSERT_TRUE(pending);
    planned += pending->size();
  }
  ASSERT_EQ(planned, 7u);
  const auto batch =
      m_reminders->take_due(sys_days{2025_y / October / 2}, date::days{60}, k_channels).value();
  ASSERT_EQ(batch.fired.size(), 7u);
  // The snapshots, written out by hand from the events above (not through
  // the code that takes them): event, title, precision, start as channels
  // show it, start instant, zone, location, reminder as set, due.
  struct Expected {
    std::size_t event;
    std::string title;
    core::Precision precision;
    std::string start_local;
    SysSeconds start_utc;
    std::string tz;
    std::string location;
    std::string reminder;
    SysSeconds due;
  };
  const std::string minsk_title = "Council of Heads of Government of the CIS";
  const std::vector<Expected> expected{
      {0, minsk_title, core::Precision::timed, "2025-09-26T10:00:00+03:00",
       sys_days{2025_y / September / 26} + 7h, "Europe/Minsk", "Minsk, Belarus", "P1D",
       sys_days{2025_y / September / 25} + 7h},
      {0, minsk_title, core::Precision::timed, "2025-09-26T10:00:00+03:00",
       sys_days{2025_y / September / 26} + 7h, "Europe/Minsk", "Minsk, Belarus", "PT1H",
       sys_days{2025_y / September / 26} + 6h},
      {1, "UN General Assembly \"high-level week\"", core::Precision::timed,
       "2025-09-23T09:00:00-04:00", sys_days{2025_y / September / 23} + 13h, "America/New_York",
       "Minsk, Belarus", "PT2H", sys_days{2025_y / September / 23} + 11h},
      {2, "Summit in Delhi \\ backslash\nnew line", core::Precision::timed,
       "2025-09-24T10:00:00+05:30", sys_days{2025_y / September / 24} + 4h + 30min, "Asia/Kolkata",
       "Minsk, Belarus", "2025-09-20T08:00:00Z", sys_days{2025_y / September / 20} + 8h},
      {3, "Совет глав правительств СНГ", core::Precision::timed, "2025-09-25T10:00:00+05:00",
       sys_days{2025_y / September / 25} + 5h, "Asia/Dushanbe", "", "P2D",
       sys_days{2025_y / September / 23} + 5h},
      {4, "Independence Day reception", core::Precision::all_day, "2025-09-26",
       sys_days{2025_y / September / 25} + 21h, "Europe/Minsk", "Minsk, Belarus", "P1D",
       // All-day and month events: due at the morning hour (09:00 in
       // Minsk, 06:00Z) of the day the reminder names (README).
       sys_days{2025_y / September / 25} + 6h},
      {5, "CIS summit (date TBA)", core::Precision::month, "2025-10",
       sys_days{2025_y / September / 30} + 21h, "Europe/Minsk", "Minsk, Belarus", "P7D",
       sys_days{2025_y / September / 24} + 6h},
  };
  std::vector<bool> matched(expected.size(), false);
  for (const auto &firing : batch.fired) {
    SCOPED_TRACE(firing.title + " / " + firing.reminder);
    const auto want = std::find_if(expected.begin(), expected.end(), [&](const Expected &x) {
      return events[x.event].id == firing.event_id && x.reminder == firing.reminder;
    });
    ASSERT_NE(want, expected.end()) << "a firing nobody expected";
    const auto index = static_cast<std::size_t>(want - expected.begin());
    EXPECT_FALSE(matched[index]) << "fired twice";
    matched[index] = true;
    EXPECT_EQ(firing.title, want->title);
    EXPECT_EQ(firing.precision, want->precision);
    EXPECT_EQ(firing.start_local, want->start_local);
    EXPECT_EQ(firing.start_utc, want->start_utc);
    EXPECT_EQ(firing.tz, want->tz);
    EXPECT_EQ(firing.location, want->location);
    EXPECT_EQ(firing.due, want->due);
    EXPECT_EQ(firing.fired_at, sys_days{2025_y / October / 2});
    EXPECT_EQ(firing.lateness, sys_days{2025_y / October / 2} - want->due);
  }
  EXPECT_EQ(std::count(matched.begin(), matched.end(), true), 7);

  // The same snapshots come back from the outbox after a restart.
  reopen();
  const auto owed = m_reminders->undelivered().value();
  ASSERT_EQ(owed.size(), 7u);
  for (std::size_t i = 0; i < owed.size(); ++i) {
    EXPECT_EQ(owed[i].firing.firing_id, batch.fired[i].firing_id);
    expect_same_snapshot(owed[i].firing, batch.fired[i]);
    EXPECT_EQ(owed[i].channels, k_channels);
  }
}

TEST_F(ReminderStoreTest, missed_and_fired_split_in_one_batch_and_only_fired_ones_are_owed) {
  // Down from before the first until 30 min before the start: P7D and P2D
  // are beyond a 24 h grace, PT1H is not yet due, P1D fires late.
  add(minsk({before(date::days{7}), before(date::days{2}), before(24h), before(1h)}));
  add(minsk({before(date::days{2}), before(24h)}));
  const SysSeconds now = k_start - 20h;
  auto batch = m_reminders->take_due(now, 24h, k_channels).value();
  ASSERT_EQ(batch.missed.size(), 3u);
  ASSERT_EQ(batch.fired.size(), 2u);
  for (const auto *list : {&batch.missed, &batch.fired}) {
    for (std::size_t i = 1; i < list->size(); ++i) {
      const auto &a = (*list)[i - 1];
      const auto &b = (*list)[i];
      EXPECT_TRUE(a.due < b.due || (a.due == b.due && a.reminder_id < b.reminder_id));
    }
  }
  EXPECT_EQ(batch.missed[0].reminder, "P7D");
  EXPECT_EQ(batch.fired[0].reminder, "P1D");
  EXPECT_EQ(batch.fired[0].lateness, 4h);
  const auto owed = m_reminders->undelivered().value();
  ASSERT_EQ(owed.size(), 2u);
  EXPECT_EQ(owed[0].firing.firing_id, batch.fired[0].firing_id);
  EXPECT_EQ(owed[1].firing.firing_id, batch.fired[1].firing_id);
  auto missed = m_reminders->missed(10);
  ASSERT_TRUE(missed);
  EXPECT_EQ(missed->size(), 3u);
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->missed, 3);
  EXPECT_EQ(stats->fired, 2);
  EXPECT_EQ(stats->undelivered, 2);
  EXPECT_EQ(stats->pending, 1); // PT1H
  // Nothing taken twice.
  EXPECT_TRUE(m_reminders->take_due(now, 24h, k_channels).value().fired.empty());
}

TEST_F(ReminderStoreTest, deliveries_completed_out_of_order_leave_exactly_the_rest_owed) {
  m_events->enable_group_commit([] {});
  for (int i = 0; i < 12; ++i) {
    add(minsk({before(24h)}));
  }
  ASSERT_TRUE(m_events->commit_group());
  auto batch = m_reminders->take_due(k_start - 24h, 24h, {"log", "subscribers", "exec"}).value();
  ASSERT_EQ(batch.fired.size(), 12u);
  std::vector<std::int64_t> ids;
  for (const auto &f : batch.fired) {
    ids.push_back(f.firing_id);
  }
  // What the model says is owed: firing id -> channels.
  std::map<std::int64_t, std::set<std::string>> expected;
  for (const auto id : ids) {
    expected[id] = {"exec", "log", "subscribers"};
  }
  const auto mark = [&](std::vector<ReminderStore::Delivery> deliveries) {
    ASSERT_TRUE(m_reminders->mark_delivered(deliveries));
    for (const auto &d : deliveries) {
      if (auto it = expected.find(d.firing_id); it != expected.end()) {
        it->second.erase(d.channel);
        if (it->second.empty()) {
          expected.erase(it);
        }
      }
    }
    std::map<std::int64_t, std::set<std::string>> got;
    const auto undelivered = m_reminders->undelivered().value();
    for (const auto &item : undelivered) {
      got[item.firing.firing_id] = {item.channels.begin(), item.channels.end()};
    }
    EXPECT_EQ(got, expected);
  };
  // The log completes all at once, exec in any order, twice over, and
  // completions for firings that never were.
  mark({{ids[0], "log"},
        {ids[1], "log"},
        {ids[2], "log"},
        {ids[3], "log"},
        {ids[4], "log"},
        {ids[5], "log"},
        {ids[6], "log"},
        {ids[7], "log"},
        {ids[8], "log"},
        {ids[9], "log"},
        {ids[10], "log"},
        {ids[11], "log"}});
  mark({{ids[5], "exec"}, {ids[3], "exec"}, {ids[4], "exec"}});
  mark({{ids[0], "exec"}, {ids[11], "exec"}, {ids[4], "exec"}, {9999, "exec"}});
  mark({{ids[7], "subscribers"}, {ids[6], "exec"}, {ids[1], "subscribers"}});
  reopen(); // the ranges are in the file, not in memory
  mark({{ids[2], "exec"},
        {ids[1], "exec"},
        {ids[8], "exec"},
        {ids[9], "exec"},
        {ids[10], "exec"},
        {ids[7], "exec"}});
  std::vector<ReminderStore::Delivery> rest;
  for (const auto id : ids) {
    rest.push_back({id, "subscribers"});
  }
  mark(rest);
  EXPECT_TRUE(m_reminders->undelivered().value().empty());
  auto stats = m_reminders->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->undelivered, 0);
}

TEST_F(ReminderStoreTest, deliveries_owed_across_batches_are_kept_apart) {
  const std::size_t total = ReminderStore::k_batch_limit + 10;
  m_events->enable_group_commit([] {});
  for (std::size_t i = 0; i < total; ++i) {
    add(minsk({before(24h)}));
  }
  ASSERT_TRUE(m_events->commit_group());
  auto first = m_reminders->take_due(k_start - 24h, 24h, k_channels).value();
  auto second = m_reminders->take_due(k_start - 24h, 24h, k_channels).value();
  ASSERT_EQ(first.fired.size(), ReminderStore::k_batch_limit);
  ASSERT_EQ(second.fired.size(), 10u);
  // The last of the first batch and the first of the second, for one channel.
  ASSERT_TRUE(m_reminders->mark_delivered(
      {{first.fired.back().firing_id, "log"}, {second.fired.front().firing_id, "log"}}));
  const auto owed = m_reminders->undelivered().value();
  ASSERT_EQ(owed.size(), total);
  std::size_t log_owed = 0;
  for (const auto &item : owed) {
    log_owed += std::count(item.channels.begin(), item.channels.end(), "log");
  }
  EXPECT_EQ(log_owed, total - 2);
}

TEST_F(ReminderStoreTest, an_instance_whose_event_is_gone_is_recorded_not_lost) {
  const Event event = add(minsk({before(24h)}));
  // Only possible with foreign keys off (another tool, a damaged file).
  m_events->database().exec("PRAGMA foreign_keys = OFF");
  m_events->database().exec("DELETE FROM reminders WHERE event_id = " + std::to_string(event.id));
  m_events->database().exec("DELETE FROM events WHERE id = " + std::to_string(event.id));
  m_events->database().exec("PRAGMA foreign_keys = ON");
  auto batch = m_reminders->take_due(k_start, 24h, k_channels).value();
  ASSERT_EQ(batch.fired.size(), 1u);
  EXPECT_EQ(batch.fired[0].event_id, event.id);
  EXPECT_EQ(batch.fired[0].title, "(removed event)");
  EXPECT_EQ(batch.fired[0].reminder, "");
}

TEST_F(ReminderStoreTest, outbox_writes_leave_client_writes_their_full_sync_and_checkpoints) {
  add(minsk({before(24h)}));
  auto &db = m_events->database();
  const int autocheckpoint = db.execAndGet("PRAGMA wal_autocheckpoint").getInt();
  auto batch = m_reminders->take_due(k_start, 24h, k_channels).value();
  ASSERT_EQ(batch.fired.size(), 1u);
  EXPECT_EQ(db.execAndGet("PRAGMA synchronous").getInt(), 2); // FULL
  EXPECT_EQ(db.execAndGet("PRAGMA wal_autocheckpoint").getInt(), autocheckpoint);
  ASSERT_TRUE(m_reminders->mark_delivered({{batch.fired[0].firing_id, "log"}}));
  EXPECT_EQ(db.execAndGet("PRAGMA synchronous").getInt(), 2);
  EXPECT_EQ(db.execAndGet("PRAGMA wal_autocheckpoint").getInt(), autocheckpoint);
  // Also when nothing was due.
  EXPECT_TRUE(m_reminders->take_due(k_start, 24h, k_channels).value().fired.empty());
  EXPECT_EQ(db.execAndGet("PRAGMA synchronous").getInt(), 2);
  EXPECT_EQ(db.execAndGet("PRAGMA wal_autocheckpoint").getInt(), autocheckpoint);
}

// A database from before schema 4: per-(firing, channel) rows and snapshots
// written by nlohmann::json. What was owed is still owed after the upgrade.
TEST(ReminderStoreUpgrade, deliveries_owed_under_schema_2_are_owed_after_the_upgrade) {
  std::string pattern = (fs::temp_directory_path() / "summit-upgrade-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  const fs::path path = dir / "summit.db";
  std::vector<Migration> up_to_2;
  for (const auto &migration : embedded_migrations()) {
    if (migration.version <= 2) {
      up_to_2.push_back(migration);
    }
  }
  {
    // Written with SQL as summitd at schema 2 wrote it: today's EventStore
    // needs the columns of later schemas to open a file at all.
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    auto ordered = ordered_migrations(up_to_2);
    ASSERT_TRUE(ordered) << ordered.error().message;
    auto reached = apply_migrations(db, *ordered);
    ASSERT_TRUE(reached) << reached.error().message;
    ASSERT_EQ(*reached, 2);
    // A pending reminder 1 h before an event, planned by the old schema.
    db.exec(fmt::format(
        "INSERT INTO events (id, uid, title, precision, start_local, end_local, has_end, tz, "
        "start_utc, end_utc, location, status, owner_uid, created, updated) VALUES (3, "
        "'council@summit', 'Council', 'timed', '2025-09-26T10:00:00', '2025-09-26T10:00:00', 0, "
        "'Europe/Minsk', {0}, {0}, 'Minsk, Belarus', 'confirmed', 0, {0}, {0})",
        to_unix(k_start)));
    db.exec("INSERT INTO reminders (event_id, position, before_seconds) VALUES (3, 0, 3600)");
    db.exec(fmt::format("INSERT INTO reminder_instances (id, event_id, position, due) "
                        "VALUES (1, 3, 0, {})",
                        to_unix(k_start - 1h)));
    db.exec("INSERT INTO firings (id, reminder_id, event_id, due, fired_at, lateness, missed, "
            "snapshot) VALUES (7, 12, 3, 1758783600, 1758783602, 2, 0, "
            "'{\"location\":\"Minsk, Belarus\",\"precision\":\"timed\",\"reminder\":\"P1D\","
            "\"start_local\":\"2025-09-26T10:00:00+03:00\",\"start_utc\":1758870000,"
            "\"title\":\"Council\",\"tz\":\"Europe/Minsk\"}'), "
            "(8, 13, 3, 1758783600, 1758783602, 2, 1, '{\"title\":\"Missed one\"}')");
    db.exec("INSERT INTO pending_deliveries (firing_id, channel) VALUES (7, 'subscribers'), "
            "(7, 'exec')");
  }
  {
    auto events = EventStore::open(path);
    ASSERT_TRUE(events) << events.error().message;
    EXPECT_EQ((*events)->schema_version(), embedded_migrations().back().version);
    auto reminders = ReminderStore::open(**events);
    ASSERT_TRUE(reminders) << reminders.error().message;
    const auto owed = (*reminders)->undelivered().value();
    ASSERT_EQ(owed.size(), 1u);
    EXPECT_EQ(owed[0].firing.firing_id, 7);
    EXPECT_EQ(owed[0].firing.reminder_id, 12);
    EXPECT_EQ(owed[0].firing.title, "Council");
    EXPECT_EQ(owed[0].firing.start_local, "2025-09-26T10:00:00+03:00");
    EXPECT_EQ(owed[0].firing.start_utc, from_unix(1758870000));
    EXPECT_EQ(owed[0].firing.reminder, "P1D");
    EXPECT_EQ(owed[0].firing.lateness, 2s);
    EXPECT_EQ(owed[0].channels, (std::vector<std::string>{"exec", "subscribers"}));
    const auto missed = (*reminders)->missed(10);
    ASSERT_TRUE(missed);
    ASSERT_EQ(missed->size(), 1u);
    EXPECT_EQ((*missed)[0].firing.title, "Missed one");
    EXPECT_EQ((*missed)[0].firing.precision, core::Precision::timed);
    ASSERT_TRUE((*reminders)->mark_delivered({{7, "exec"}, {7, "subscribers"}}));
    EXPECT_TRUE((*reminders)->undelivered().value().empty());
    // The schedule came through the rebuild of its table: same instance,
    // same id, still pending, found through its index; it fires once.
    EXPECT_EQ((*reminders)->next_due().value(), k_start - 1h);
    auto batch = (*reminders)->take_due(k_start - 1h, 24h, k_channels).value();
    ASSERT_EQ(batch.fired.size(), 1u);
    EXPECT_EQ(batch.fired[0].firing_id, 9); // after the firings kept from schema 2
    EXPECT_EQ(batch.fired[0].reminder, "PT1H");
    EXPECT_FALSE((*reminders)->next_due().value());
    auto &db = (*events)->database();
    EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
    SQLite::Statement plan_query(db, "EXPLAIN QUERY PLAN SELECT due FROM reminder_instances "
                                     "WHERE state = 'pending' ORDER BY due, id LIMIT 1");
    ASSERT_TRUE(plan_query.executeStep());
    const std::string plan = plan_query.getColumn(3).getString();
    EXPECT_NE(plan.find("reminder_instances_pending"), std::string::npos) << plan;
    // The constraints are still there.
    EXPECT_THROW(db.exec("UPDATE reminder_instances SET state = 'lost'"), SQLite::Exception);
    EXPECT_THROW(db.exec("UPDATE firings SET missed = 2"), SQLite::Exception);
  }
  fs::remove_all(dir);
}

// A reminder is late until a subscriber has it: from the moment the firing
// thread takes due reminders until the request side says it has passed them
// on, the request side's store sees them unannounced (and its imports hold
// back); taking nothing leaves no mark; a lost announcement stops holding
// anything back after 50 ms.
TEST_F(ReminderStoreTest, taken_firings_stay_unannounced_for_the_request_side_until_announced) {
  StoreOptions shared;
  shared.shared_file = std::make_shared<SharedFile>();
  m_reminders.reset();
  m_events.reset();
  auto requests = EventStore::open(m_dir / "summit.db", shared);
  ASSERT_TRUE(requests) << requests.error().message;
  StoreOptions outbox_options = shared;
  outbox_options.writes_back_removed_file = false;
  auto outbox = EventStore::open(m_dir / "summit.db", outbox_options);
  ASSERT_TRUE(outbox) << outbox.error().message;
  auto reminders = ReminderStore::open(**outbox);
  ASSERT_TRUE(reminders) << reminders.error().message;
  ASSERT_TRUE((*requests)->add(minsk({before(24h)})));

  EXPECT_TRUE((*reminders)->take_due(k_start - 24h - 1s, 24h, k_channels).value().fired.empty());
  EXPECT_FALSE((*requests)->unannounced_since()) << "nothing fired, yet marked unannounced";
  EXPECT_FALSE((*requests)->announcement_pending());

  ASSERT_EQ((*reminders)->take_due(k_start - 24h, 24h, k_channels).value().fired.size(), 1u);
  const auto since = (*requests)->unannounced_since();
  ASSERT_TRUE(since);
  EXPECT_TRUE((*requests)->announcement_pending(*since));
  EXPECT_TRUE((*requests)->announcement_pending(*since + 49ms));
  EXPECT_FALSE((*requests)->announcement_pending(*since + 50ms));

  (*requests)->announced();
  EXPECT_FALSE((*requests)->unannounced_since());
  EXPECT_FALSE((*requests)->announcement_pending(*since));
}

} // namespace
} // namespace summit::store

// Issue 17: reminders taken ahead of their second and put back before it
// (ReminderStore::withdraw), on the real schema.
namespace summit::store {
namespace {

// The reminder a day before k_start, taken 250 ms ahead of its second (the
// clock still reads the second before it).
class WithdrawTest : public ReminderStoreTest {
protected:
  const SysSeconds m_due = k_start - 24h;
  scheduler::ReminderQueue::DueBatch take_ahead() {
    auto batch = m_reminders->take_due(m_due, 24h, k_channels);
    EXPECT_TRUE(batch) << batch.error().message;
    return *batch;
  }
};

TEST_F(WithdrawTest, an_unchanged_reminder_is_pending_again_with_its_id_and_the_log_is_as_before) {
  add(minsk({before(24h), before(1h)}));
  const auto last_before = m_reminders->last_firing_id().value();
  const auto held = take_ahead();
  ASSERT_EQ(held.fired.size(), 1u);
  EXPECT_EQ(held.fired[0].fired_at, m_due);
  EXPECT_EQ(m_reminders->last_released_firing_id(m_due - 1s).value(), last_before)
      << "a firing recorded ahead of its second is shown before it";
  EXPECT_EQ(m_reminders->last_released_firing_id(m_due).value(), held.fired[0].firing_id);

  ASSERT_TRUE(m_reminders->withdraw(held.fired));
  EXPECT_EQ(m_reminders->last_firing_id().value(), last_before);
  EXPECT_TRUE(m_reminders->undelivered().value().empty());
  EXPECT_EQ(m_reminders->next_due().value(), m_due);
  auto stats = m_reminders->stats(60s).value();
  EXPECT_EQ(stats.pending, 2);
  EXPECT_EQ(stats.fired, 0);
  const auto again = take_ahead();
  ASSERT_EQ(again.fired.size(), 1u);
  EXPECT_EQ(again.fired[0].reminder_id, held.fired[0].reminder_id);
  EXPECT_EQ(again.fired[0].firing_id, held.fired[0].firing_id);
  EXPECT_EQ(m_reminders->undelivered().value().size(), 1u);
}

TEST_F(WithdrawTest, a_reminder_of_an_event_removed_meanwhile_is_gone) {
  const Event event = add(minsk({before(24h)}));
  const auto held = take_ahead();
  ASSERT_EQ(held.fired.size(), 1u);
  ASSERT_TRUE(m_events->remove(event.id));
  ASSERT_TRUE(m_reminders->withdraw(held.fired));
  EXPECT_FALSE(m_reminders->next_due().value());
  EXPECT_TRUE(take_ahead().fired.empty());
  EXPECT_TRUE(m_reminders->undelivered().value().empty());
  EXPECT_EQ(m_reminders->stats(60s).value().fired, 0);
}

TEST_F(WithdrawTest, a_reminder_of_an_event_moved_meanwhile_fires_once_at_its_new_instant) {
  Event event = add(minsk({before(24h)}));
  const auto held = take_ahead();
  ASSERT_EQ(held.fired.size(), 1u);
  event.start_local += 1h;
  event.end_local += 1h;
  event.start_utc += 1h;
  event.end_utc += 1h;
  event.updated = m_due - 1s;
  ASSERT_TRUE(m_events->update(event));
  ASSERT_TRUE(m_reminders->withdraw(held.fired));
  EXPECT_EQ(m_reminders->next_due().value(), m_due + 1h);
  EXPECT_EQ(m_reminders->stats(60s).value().pending, 1) << "the old instant must not fire too";
  EXPECT_TRUE(take_ahead().fired.empty());
  const auto moved = m_reminders->take_due(m_due + 1h, 24h, k_channels).value();
  ASSERT_EQ(moved.fired.size(), 1u);
  EXPECT_EQ(moved.fired[0].start_local, "2025-09-26T11:00:00+03:00");
}

TEST_F(WithdrawTest, a_reminder_of_an_event_renamed_meanwhile_is_taken_again_with_the_new_title) {
  Event event = add(minsk({before(24h)}));
  const auto held = take_ahead();
  ASSERT_EQ(held.fired.size(), 1u);
  event.title = "CIS heads of government";
  event.updated = m_due - 1s;
  ASSERT_TRUE(m_events->update(event));
  ASSERT_TRUE(m_reminders->withdraw(held.fired));
  const auto again = take_ahead();
  ASSERT_EQ(again.fired.size(), 1u);
  EXPECT_EQ(again.fired[0].reminder_id, held.fired[0].reminder_id);
  EXPECT_EQ(again.fired[0].title, "CIS heads of government");
}

TEST_F(WithdrawTest, an_acknowledged_reminder_stays_acknowledged) {
  add(minsk({before(24h)}));
  const auto held = take_ahead();
  ASSERT_EQ(held.fired.size(), 1u);
  ASSERT_TRUE(m_reminders->ack(held.fired[0].reminder_id, m_due - 1s));
  ASSERT_TRUE(m_reminders->withdraw(held.fired));
  EXPECT_FALSE(m_reminders->next_due().value());
  EXPECT_TRUE(take_ahead().fired.empty());
}

TEST_F(WithdrawTest, only_the_newest_firings_can_be_withdrawn) {
  add(minsk({before(24h)}));
  add(minsk({before(24h)}));
  auto held = take_ahead();
  ASSERT_EQ(held.fired.size(), 2u);
  held.fired.pop_back(); // not the newest: refused, nothing changed
  EXPECT_FALSE(m_reminders->withdraw(held.fired));
  EXPECT_EQ(m_reminders->undelivered().value().size(), 2u);
}

TEST_F(WithdrawTest, a_commit_on_another_connection_changes_outside_writes) {
  const auto before_any = m_reminders->outside_writes().value();
  add(minsk({before(24h)})); // this connection's own commit
  EXPECT_EQ(m_reminders->outside_writes().value(), before_any);
  SQLite::Database other((m_dir / "summit.db").string(), SQLite::OPEN_READWRITE);
  other.exec("UPDATE events SET title = 'renamed'");
  EXPECT_NE(m_reminders->outside_writes().value(), before_any);
}

} // namespace
} // namespace summit::store
