// The firing log as subscribers read it (by cursor), its pruning, and two
// connections on one file (the request side's and the firing thread's), on a
// real database with the real migrations.

#include "daemon/store/event_store.hpp"
#include "daemon/store/reminder_store.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
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

Event minsk(std::string title, std::vector<Reminder> reminders) {
  Event e;
  e.title = std::move(title);
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

class FiringLogTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "summit-log-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    auto events = EventStore::open(m_dir / "summit.db");
    ASSERT_TRUE(events) << events.error().message;
    m_events = std::move(*events);
    auto reminders = ReminderStore::open(*m_events);
    ASSERT_TRUE(reminders) << reminders.error().message;
    m_reminders = std::move(*reminders);
  }
  void TearDown() override {
    m_reminders.reset();
    m_events.reset();
    fs::remove_all(m_dir);
  }
  void add(const std::string &title, std::vector<Reminder> reminders) {
    auto added = m_events->add(minsk(title, std::move(reminders)));
    ASSERT_TRUE(added) << added.error().message;
  }

  fs::path m_dir;
  std::unique_ptr<EventStore> m_events;
  std::unique_ptr<ReminderStore> m_reminders;
};

TEST_F(FiringLogTest, a_cursor_reads_the_fired_ones_in_id_order_and_passes_over_missed_ones) {
  // Two reminders missed (due 3 and 2 days before, beyond a 1 h grace when
  // taken a day before the start), then the day-before one fired.
  add("Early", {before(72h), before(48h)});
  add("On time", {before(24h)});
  const auto batch = m_reminders->take_due(k_start - 24h, 1h, k_channels).value();
  ASSERT_EQ(batch.missed.size(), 2u);
  ASSERT_EQ(batch.fired.size(), 1u);

  auto last = m_reminders->last_firing_id();
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, 3);

  auto page = m_reminders->firings_after(0, 10);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->first_scanned, 1);
  EXPECT_EQ(page->scanned_to, 3);
  ASSERT_EQ(page->fired.size(), 1u);
  EXPECT_EQ(page->fired[0].firing_id, 3);
  EXPECT_EQ(page->fired[0].title, "On time");
  EXPECT_EQ(page->fired[0].due, k_start - 24h);
  EXPECT_EQ(page->fired[0].start_local, "2025-09-26T10:00:00+03:00");

  // A page of one row looks at one id, fired or not.
  page = m_reminders->firings_after(0, 1);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->scanned_to, 1);
  EXPECT_TRUE(page->fired.empty());

  // Past the end: nothing looked at, the cursor stays.
  page = m_reminders->firings_after(3, 10);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->first_scanned, 0);
  EXPECT_EQ(page->scanned_to, 3);
}

TEST_F(FiringLogTest, pruning_removes_old_delivered_firings_oldest_first_and_keeps_the_newest) {
  add("One", {before(72h)});
  add("Two", {before(48h)});
  add("Three", {before(24h)});
  for (const auto when : {k_start - 72h, k_start - 48h, k_start - 24h}) {
    const auto batch = m_reminders->take_due(when, 1h, k_channels).value();
    ASSERT_EQ(batch.fired.size(), 1u);
    std::vector<scheduler::ReminderQueue::Delivery> done;
    for (const auto &channel : k_channels) {
      done.push_back({batch.fired[0].firing_id, channel});
    }
    ASSERT_TRUE(m_reminders->mark_delivered(done));
  }
  // Everything fired before the start; only one at a time may go.
  auto removed = m_reminders->prune_firings(k_start, 1);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 1);
  auto page = m_reminders->firings_after(0, 10);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->first_scanned, 2) << "the oldest goes first";

  // The newest stays however old it is: ids go on from it.
  removed = m_reminders->prune_firings(k_start, 10);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
  page = m_reminders->firings_after(0, 10);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->first_scanned, 3);
  auto last = m_reminders->last_firing_id();
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, 3);
}

TEST_F(FiringLogTest, a_firing_still_owed_to_a_channel_is_not_pruned) {
  add("One", {before(72h)});
  add("Two", {before(48h)});
  const auto first = m_reminders->take_due(k_start - 72h, 1h, k_channels).value();
  ASSERT_EQ(first.fired.size(), 1u); // never marked delivered
  const auto second = m_reminders->take_due(k_start - 48h, 1h, k_channels).value();
  ASSERT_EQ(second.fired.size(), 1u);
  auto removed = m_reminders->prune_firings(k_start, 10);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 0);
  EXPECT_EQ(m_reminders->undelivered().value().size(), 2u);
}

TEST_F(FiringLogTest, a_file_removed_under_two_connections_is_written_back_once_and_both_carry_on) {
  // The daemon's two connections: this test's m_events stands alone, so
  // open a pair that share the file's identity.
  m_reminders.reset();
  m_events.reset();
  StoreOptions request_side;
  request_side.shared_file = std::make_shared<SharedFile>();
  StoreOptions firing_side = request_side;
  firing_side.writes_back_removed_file = false;
  int asked = 0;
  firing_side.on_file_removed = [&] { ++asked; };
  auto requests = EventStore::open(m_dir / "summit.db", request_side);
  ASSERT_TRUE(requests);
  auto firing = EventStore::open(m_dir / "summit.db", firing_side);
  ASSERT_TRUE(firing);
  auto outbox = ReminderStore::open(**firing);
  ASSERT_TRUE(outbox);
  ASSERT_TRUE((*requests)->add(minsk("Before", {before(24h)})));

  fs::remove_all(m_dir);
  // The firing side does not write to the removed file, and asks.
  EXPECT_FALSE((*outbox)->take_due(k_start - 24h, 1h, k_channels));
  EXPECT_EQ(asked, 1);
  // The request side writes it back at its next write.
  ASSERT_TRUE((*requests)->add(minsk("After", {before(24h)})));
  ASSERT_TRUE(fs::exists(m_dir / "summit.db"));
  // The firing side takes up the file written back: both reminders fire,
  // recorded where the request side sees them.
  const auto batch = (*outbox)->take_due(k_start - 24h, 1h, k_channels).value();
  ASSERT_EQ(batch.fired.size(), 2u);
  auto view = ReminderStore::open(**requests);
  ASSERT_TRUE(view);
  auto stats = (*view)->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->fired, 2);
  EXPECT_EQ(stats->pending, 0);
}

} // namespace
} // namespace summit::store
