// The firing thread on its own: with no request loop running at all (the
// request side blocked, as by the largest request), it fires what is due,
// records it, tells the feed, and keeps pinging the watchdog.

#include "daemon/app/firing_path.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/reminder_store.hpp"
#include "server_test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <date/date.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

using namespace summit;
using namespace std::chrono_literals;

namespace {

core::Event minsk() {
  using namespace date;
  core::Event e;
  e.title = "Council of Heads of Government of the CIS";
  e.tz = "Europe/Minsk";
  e.start_local = local_days{2031_y / September / 26} + 10h;
  e.end_local = e.start_local;
  e.start_utc = sys_days{2031_y / September / 26} + 7h;
  e.end_utc = e.start_utc;
  e.reminders = {core::Reminder{24h, std::nullopt}};
  e.created = sys_days{2025_y / September / 1};
  e.updated = e.created;
  return e;
}

} // namespace

TEST(FiringPath, fires_records_and_pings_with_no_request_loop_running) {
  test::TempDir dir;
  const auto path = dir.path() / "summit.db";
  {
    auto store = store::EventStore::open(path);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->add(minsk()));
    // Due a minute ago: the firing thread takes it at its start.
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE reminder_instances SET due = CAST(strftime('%s','now') AS INTEGER) - 60");
  }

  std::mutex mutex;
  std::condition_variable changed;
  int pings = 0;
  std::int64_t fired_through = 0;
  daemon::FiringPathOptions options;
  options.database = path;
  options.store.shared_file = std::make_shared<store::SharedFile>();
  options.watchdog_interval = 10ms;
  options.ping_watchdog = [&] {
    const std::lock_guard lock(mutex);
    ++pings;
    changed.notify_all();
  };
  options.on_fired = [&](std::int64_t last) {
    const std::lock_guard lock(mutex);
    fired_through = last;
    changed.notify_all();
  };
  daemon::FiringPath firing(options);
  firing.start();
  firing.start_watchdog();
  {
    // This thread runs no loop: only the firing thread can do any of it.
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, 60s, [&] { return fired_through == 1 && pings >= 3; }))
        << "fired through " << fired_through << ", " << pings << " ping(s)";
  }
  firing.stop();

  auto store = store::EventStore::open(path);
  ASSERT_TRUE(store);
  auto reminders = store::ReminderStore::open(**store);
  ASSERT_TRUE(reminders);
  auto stats = (*reminders)->stats(60s);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->fired, 1);
  EXPECT_EQ(stats->pending, 0);
  EXPECT_EQ(stats->undelivered, 0) << "log and subscribers both reported done";
  EXPECT_FALSE(firing.next_wake()) << "nothing left to wake for";
}

// An import's chunks stop starting 4 ms before a reminder's instant, so that
// none holds the write lock when the firing thread comes for it; they start
// again once it is taken (the next wake-up moves on), or 50 ms after the
// instant whatever happens.
TEST(FiringPath, long_writes_clear_the_way_just_before_and_after_a_reminder_falls_due) {
  using namespace date;
  const core::SysSeconds due = sys_days{2026_y / December / 24} + 9h;
  const std::chrono::system_clock::time_point instant = due;
  EXPECT_FALSE(daemon::clear_the_way(std::nullopt, instant));
  EXPECT_FALSE(daemon::clear_the_way(due, instant - 1s));
  EXPECT_FALSE(daemon::clear_the_way(due, instant - 5ms));
  EXPECT_TRUE(daemon::clear_the_way(due, instant - 4ms));
  EXPECT_TRUE(daemon::clear_the_way(due, instant - 1us));
  EXPECT_TRUE(daemon::clear_the_way(due, instant));
  EXPECT_TRUE(daemon::clear_the_way(due, instant + 49ms));
  EXPECT_FALSE(daemon::clear_the_way(due, instant + 50ms));
  EXPECT_FALSE(daemon::clear_the_way(due, instant + 1s));
}
