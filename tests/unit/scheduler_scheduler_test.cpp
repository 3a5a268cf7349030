#include "daemon/scheduler/scheduler.hpp"
#include "daemon/scheduler/wall_timer.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

namespace summit::scheduler {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;

const core::SysSeconds k_t0 = date::sys_days{2025_y / date::September / 26} + 7h;

// The store's contract, in memory: pending instances, an outbox of firings
// with per-channel pending deliveries, and missed ones.
class FakeQueue : public ReminderQueue {
public:
  void add(std::int64_t reminder_id, core::SysSeconds due, std::int64_t event_id = 1) {
    m_pending.push_back({reminder_id, event_id, due});
  }
  void remove(std::int64_t reminder_id) {
    std::erase_if(m_pending, [&](const auto &p) { return p.reminder_id == reminder_id; });
  }
  // A firing left in the outbox by a previous run that stopped uncleanly.
  void add_fired(std::int64_t firing_id, std::int64_t reminder_id, core::SysSeconds due,
                 core::SysSeconds fired_at, std::set<std::string> pending_channels) {
    Firing f;
    f.firing_id = firing_id;
    f.reminder_id = reminder_id;
    f.due = due;
    f.fired_at = fired_at;
    f.lateness = fired_at - due;
    m_outbox[firing_id] = {f, std::move(pending_channels)};
    m_next_firing_id = std::max(m_next_firing_id, firing_id + 1);
  }

  core::Result<std::optional<core::SysSeconds>> next_due() override {
    ++next_due_calls;
    if (fail_next) {
      return core::fail(core::ErrorCode::storage, "database is locked");
    }
    if (m_pending.empty()) {
      return std::nullopt;
    }
    return std::min_element(m_pending.begin(), m_pending.end(),
                            [](const auto &a, const auto &b) { return a.due < b.due; })
        ->due;
  }

  using ReminderQueue::take_due;
  core::Result<DueBatch> take_due(core::SysSeconds now, core::Seconds grace,
                                  const std::vector<std::string> &channels,
                                  std::size_t most) override {
    ++takes;
    most = std::min(most, limit);
    if (fail_take) {
      return core::fail(core::ErrorCode::storage, "disk I/O error");
    }
    std::vector<Instance> due;
    std::erase_if(m_pending, [&](const Instance &p) {
      if (p.due <= now) {
        due.push_back(p);
        return true;
      }
      return false;
    });
    std::sort(due.begin(), due.end(), [](const auto &a, const auto &b) {
      return a.due != b.due ? a.due < b.due : a.reminder_id < b.reminder_id;
    });
    if (due.size() > most) { // the rest stay pending for the next call
      m_pending.insert(m_pending.end(), due.begin() + static_cast<std::ptrdiff_t>(most), due.end());
      due.resize(most);
    }
    DueBatch batch;
    for (const auto &p : due) {
      Firing f;
      f.firing_id = m_next_firing_id++;
      f.reminder_id = p.reminder_id;
      f.event_id = p.event_id;
      f.due = p.due;
      f.fired_at = now;
      f.lateness = now - p.due;
      f.title = "Council of Heads of Government";
      if (now - p.due > grace) {
        missed.push_back(f);
        batch.missed.push_back(f);
      } else {
        m_outbox[f.firing_id] = {f, {channels.begin(), channels.end()}};
        batch.fired.push_back(f);
      }
    }
    return batch;
  }

  core::Result<std::vector<Undelivered>> undelivered() override {
    std::vector<Undelivered> out;
    for (const auto &[id, entry] : m_outbox) {
      if (!entry.pending.empty()) {
        out.push_back({entry.firing, {entry.pending.begin(), entry.pending.end()}});
      }
    }
    return out;
  }

  core::Result<void> mark_delivered(const std::vector<Delivery> &deliveries) override {
    ++mark_delivered_calls;
    for (const auto &d : deliveries) {
      if (auto it = m_outbox.find(d.firing_id); it != m_outbox.end()) {
        it->second.pending.erase(d.channel);
      }
    }
    return {};
  }

  // ReminderQueue::withdraw: the firings go (their ids are used again),
  // their instances are pending again unless their event went meanwhile.
  core::Result<void> withdraw(const std::vector<Firing> &held) override {
    ++withdraws;
    for (const auto &f : held) {
      m_outbox.erase(f.firing_id);
      m_next_firing_id = std::min(m_next_firing_id, f.firing_id);
      if (gone.count(f.reminder_id) == 0) {
        m_pending.push_back({f.reminder_id, f.event_id, f.due});
      }
    }
    return {};
  }
  core::Result<std::int64_t> outside_writes() override { return version; }
  // The request side removes the event of a reminder already taken (ahead):
  // a commit the queue's connection did not make.
  void remove_taken(std::int64_t reminder_id) {
    gone.insert(reminder_id);
    ++version;
  }

  std::set<std::string> pending_channels(std::int64_t firing_id) {
    return m_outbox.at(firing_id).pending;
  }
  std::size_t undelivered_count() { return undelivered().value().size(); }
  std::size_t batch_limit() const override { return limit; }

  std::size_t limit = static_cast<std::size_t>(-1);
  int takes = 0;
  std::vector<Firing> missed;
  int mark_delivered_calls = 0;
  int next_due_calls = 0;
  bool fail_take = false;
  bool fail_next = false;
  int withdraws = 0;
  std::int64_t version = 0;
  std::set<std::int64_t> gone;

private:
  struct Instance {
    std::int64_t reminder_id;
    std::int64_t event_id;
    core::SysSeconds due;
  };
  struct Entry {
    Firing firing;
    std::set<std::string> pending;
  };
  std::vector<Instance> m_pending;
  std::map<std::int64_t, Entry> m_outbox;
  std::int64_t m_next_firing_id = 1;
};

// A timer the test fires by hand.
class FakeTimer : public Timer {
public:
  void wait_until(WallInstant when, Handler handler) override {
    armed_for = when;
    m_handler = std::move(handler);
  }
  void cancel() override {
    armed_for.reset();
    if (auto h = std::exchange(m_handler, nullptr)) {
      h(Outcome::cancelled);
    }
  }
  void disarm() override {
    armed_for.reset();
    m_handler = nullptr;
  }
  // What the kernel would do at the instant or on a clock change.
  void fire(Outcome outcome = Outcome::due) {
    ASSERT_TRUE(m_handler) << "the timer is not armed";
    armed_for.reset();
    std::exchange(m_handler, nullptr)(outcome);
  }
  std::optional<WallInstant> armed_for;

private:
  Handler m_handler;
};

// Records what it is handed; completes at once unless told to hold.
class RecordingChannel : public Channel {
public:
  explicit RecordingChannel(std::string name, bool hold = false)
      : m_name(std::move(name)), m_hold(hold) {}
  std::string_view name() const override { return m_name; }
  void deliver(const Firing &firing, std::function<void()> on_delivered) override {
    got.push_back(firing);
    arrived_at.push_back(std::chrono::system_clock::now());
    if (m_hold) {
      held.push_back(std::move(on_delivered));
    } else {
      on_delivered();
    }
  }
  std::vector<std::int64_t> reminder_ids() const {
    std::vector<std::int64_t> ids;
    for (const auto &f : got) {
      ids.push_back(f.reminder_id);
    }
    return ids;
  }
  void prepare(const std::vector<Firing> &firings) override {
    prepared.insert(prepared.end(), firings.begin(), firings.end());
  }
  void withdraw(std::int64_t first) override { withdrawn_from.push_back(first); }
  std::vector<Firing> got;
  std::vector<Firing> prepared;
  std::vector<std::int64_t> withdrawn_from;
  std::vector<std::chrono::system_clock::time_point> arrived_at;
  std::vector<std::function<void()>> held;

private:
  std::string m_name;
  bool m_hold;
};

struct Fixture {
  boost::asio::io_context io;
  FakeQueue queue;
  // The clock: `now` to the second, and `sub` within it (the scheduler sees
  // both through SchedulerOptions::fine_clock).
  core::SysSeconds now = k_t0;
  std::chrono::nanoseconds sub{0};
  FakeTimer *timer = nullptr;
  std::shared_ptr<RecordingChannel> log = std::make_shared<RecordingChannel>("log");
  std::unique_ptr<Scheduler> scheduler;

  explicit Fixture(SchedulerOptions options = {}) { make(options); }
  void make(SchedulerOptions options = {}) {
    auto fake = std::make_unique<FakeTimer>();
    timer = fake.get();
    options.fine_clock = [this] { return WallInstant(now) + sub; };
    scheduler = std::make_unique<Scheduler>(
        io.get_executor(), queue, [this] { return now; }, std::move(fake), options);
  }
  void set_clock(WallInstant at) {
    now = std::chrono::floor<core::Seconds>(at);
    sub = at - WallInstant(now);
  }
  // Runs posted work (batches, completions) until there is none.
  void settle() {
    io.restart();
    io.poll();
  }
  // The clock reaches the armed instant and the timer fires, again at once
  // while it is armed for that instant (the rest of a burst), as a real
  // timer armed for a time already reached does.
  void advance_to_wake() {
    ASSERT_TRUE(timer->armed_for);
    set_clock(*timer->armed_for);
    timer->fire();
    settle();
    while (timer->armed_for && *timer->armed_for <= now) {
      timer->fire();
      settle();
    }
  }
};

TEST(Scheduler, sleeps_until_the_earliest_due_reminder) {
  Fixture f;
  f.queue.add(1, k_t0 + 20s);
  f.queue.add(2, k_t0 + 10s);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.settle();
  EXPECT_TRUE(f.log->got.empty());
  EXPECT_EQ(f.timer->armed_for, k_t0 + 10s);
  EXPECT_EQ(f.scheduler->next_wake(), k_t0 + 10s);
}

TEST(Scheduler, fires_in_due_order_and_ties_by_reminder_id) {
  Fixture f;
  f.queue.add(3, k_t0 + 10s);
  f.queue.add(1, k_t0 + 20s);
  f.queue.add(2, k_t0 + 10s);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.advance_to_wake();
  EXPECT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(f.timer->armed_for, k_t0 + 20s);
  f.advance_to_wake();
  EXPECT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{2, 3, 1}));
  EXPECT_EQ(f.log->got[2].lateness, 0s);
  EXPECT_FALSE(f.log->got[2].late);
}

TEST(Scheduler, nothing_pending_leaves_the_timer_disarmed) {
  Fixture f;
  f.queue.add(1, k_t0 + 10s);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.advance_to_wake();
  EXPECT_FALSE(f.timer->armed_for);
  EXPECT_FALSE(f.scheduler->next_wake());
}

TEST(Scheduler, ten_thousand_due_at_one_instant_all_fire_in_stable_order) {
  Fixture f;
  std::vector<std::int64_t> ids(10'000);
  std::iota(ids.begin(), ids.end(), 1);
  std::shuffle(ids.begin(), ids.end(), std::mt19937{42}); // insertion order must not matter
  for (const auto id : ids) {
    f.queue.add(id, k_t0 + 60s);
  }
  auto exec = std::make_shared<RecordingChannel>("exec");
  f.scheduler->add_channel(f.log);
  f.scheduler->add_channel(exec);
  f.scheduler->start();
  f.advance_to_wake();
  std::vector<std::int64_t> expected(10'000);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(f.log->reminder_ids(), expected);
  EXPECT_EQ(exec->reminder_ids(), expected);
  EXPECT_EQ(f.queue.undelivered_count(), 0U);
  // Completions are recorded in batches, not one transaction per firing.
  EXPECT_LT(f.queue.mark_delivered_calls, 100);
}

TEST(Scheduler, large_batches_are_handed_out_over_several_loop_turns) {
  Fixture f(SchedulerOptions{.delivery_batch = 100, .first_batch = 100'000, .on_armed = {}});
  for (int id = 1; id <= 1000; ++id) {
    f.queue.add(id, k_t0 + 1s);
  }
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.now = k_t0 + 1s;
  f.timer->fire();
  // Before the loop turns, only the first batch has gone out: clients
  // waiting on the same loop get served in between.
  EXPECT_EQ(f.log->got.size(), 100U);
  f.settle();
  EXPECT_EQ(f.log->got.size(), 1000U);
}

// Keeps what it is handed until flush(), then reports it all done (as the
// log channel gathers its lines into one write).
class GatheringChannel : public Channel {
public:
  std::string_view name() const override { return "log"; }
  void deliver(const Firing &firing, std::function<void()> on_delivered) override {
    batch.push_back(firing.reminder_id);
    m_done.push_back(std::move(on_delivered));
  }
  void flush() override {
    flushed.push_back(batch.size());
    batch.clear();
    for (auto &done : std::exchange(m_done, {})) {
      done();
    }
  }
  std::vector<std::int64_t> batch;  // handed out since the last flush
  std::vector<std::size_t> flushed; // the size of each batch at its flush

private:
  std::vector<std::function<void()>> m_done;
};

TEST(Scheduler, each_batch_handed_out_is_flushed_and_recorded_when_the_channel_reports_it) {
  Fixture f(SchedulerOptions{.delivery_batch = 100, .first_batch = 100'000, .on_armed = {}});
  for (int id = 1; id <= 250; ++id) {
    f.queue.add(id, k_t0 + 1s);
  }
  auto gathering = std::make_shared<GatheringChannel>();
  f.scheduler->add_channel(gathering);
  f.scheduler->start();
  f.now = k_t0 + 1s;
  f.timer->fire();
  // The first batch was handed out and flushed at once, in the same turn.
  EXPECT_EQ(gathering->flushed, (std::vector<std::size_t>{100}));
  EXPECT_TRUE(gathering->batch.empty());
  f.settle();
  EXPECT_EQ(gathering->flushed, (std::vector<std::size_t>{100, 100, 50}));
  EXPECT_EQ(f.queue.undelivered_count(), 0U);
}

TEST(Scheduler, completions_are_recorded_once_the_batch_is_all_handed_out) {
  Fixture f(SchedulerOptions{.delivery_batch = 100, .first_batch = 100'000, .on_armed = {}});
  for (int id = 1; id <= 250; ++id) {
    f.queue.add(id, k_t0 + 1s);
  }
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.now = k_t0 + 1s;
  f.timer->fire();
  f.io.restart();
  f.io.run_one(); // the first batch's completions: kept back, 150 still to go
  EXPECT_EQ(f.queue.mark_delivered_calls, 0);
  EXPECT_EQ(f.queue.undelivered_count(), 250U);
  f.settle();
  // All 250 in one transaction, after the last was handed out.
  EXPECT_EQ(f.log->got.size(), 250U);
  EXPECT_EQ(f.queue.mark_delivered_calls, 1);
  EXPECT_EQ(f.queue.undelivered_count(), 0U);
}

TEST(Scheduler, a_delivery_the_channel_has_not_reported_stays_owed) {
  Fixture f;
  f.queue.add(1, k_t0 + 1s);
  auto held = std::make_shared<RecordingChannel>("exec", true);
  f.scheduler->add_channel(f.log);
  f.scheduler->add_channel(held);
  f.scheduler->start();
  f.advance_to_wake();
  ASSERT_EQ(held->held.size(), 1U);
  EXPECT_EQ(f.queue.pending_channels(1), (std::set<std::string>{"exec"}));
  // Reported from another thread: recorded on the scheduler's, at its next turn.
  std::thread([&] { held->held[0](); }).join();
  EXPECT_EQ(f.queue.pending_channels(1), (std::set<std::string>{"exec"}));
  f.settle();
  EXPECT_TRUE(f.queue.pending_channels(1).empty());
}

TEST(Scheduler, replan_after_an_add_wakes_earlier) {
  Fixture f;
  f.queue.add(1, k_t0 + 1h);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  EXPECT_EQ(f.timer->armed_for, k_t0 + 1h);
  f.queue.add(2, k_t0 + 5min);
  f.scheduler->replan();
  EXPECT_EQ(f.timer->armed_for, k_t0 + 5min);
  f.advance_to_wake();
  EXPECT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(f.timer->armed_for, k_t0 + 1h);
}

TEST(Scheduler, replan_after_a_remove_wakes_later_or_not_at_all) {
  Fixture f;
  f.queue.add(1, k_t0 + 5min);
  f.queue.add(2, k_t0 + 1h);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.queue.remove(1);
  f.scheduler->replan();
  EXPECT_EQ(f.timer->armed_for, k_t0 + 1h);
  f.queue.remove(2);
  f.scheduler->replan();
  EXPECT_FALSE(f.timer->armed_for);
  EXPECT_TRUE(f.log->got.empty());
}

TEST(Scheduler, replan_before_start_does_nothing) {
  Fixture f;
  f.queue.add(1, k_t0 + 5min);
  f.scheduler->replan();
  EXPECT_FALSE(f.timer->armed_for);
  EXPECT_EQ(f.queue.next_due_calls, 0);
}

TEST(Scheduler, clock_set_forward_fires_what_became_due) {
  Fixture f;
  f.queue.add(1, k_t0 + 10min);
  f.queue.add(2, k_t0 + 2h);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  // Someone sets the clock 30 minutes ahead: the kernel cancels the wait.
  f.now = k_t0 + 30min;
  f.timer->fire(Timer::Outcome::clock_changed);
  f.settle();
  ASSERT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(f.log->got[0].lateness, 20min);
  EXPECT_EQ(f.timer->armed_for, k_t0 + 2h);
}

TEST(Scheduler, clock_set_back_rearms_for_the_same_instant) {
  Fixture f;
  f.queue.add(1, k_t0 + 10min);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.now = k_t0 - 1h;
  f.timer->fire(Timer::Outcome::clock_changed);
  f.settle();
  EXPECT_TRUE(f.log->got.empty());
  EXPECT_EQ(f.timer->armed_for, k_t0 + 10min);
}

TEST(Scheduler, cancelled_wait_fires_nothing) {
  Fixture f;
  f.queue.add(1, k_t0 + 10min);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.now = k_t0 + 10min;
  f.timer->fire(Timer::Outcome::cancelled);
  f.settle();
  EXPECT_TRUE(f.log->got.empty());
}

TEST(Scheduler, at_start_reminders_due_while_down_fire_late_within_grace_else_missed) {
  Fixture f(SchedulerOptions{.grace = 24h, .late_after = 60s, .on_armed = {}});
  f.queue.add(1, k_t0 - 25h); // beyond the grace: missed
  f.queue.add(2, k_t0 - 1h);  // late
  f.queue.add(3, k_t0 - 30s); // a little behind, not late
  f.queue.add(4, k_t0 + 1h);  // still ahead
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.settle();
  ASSERT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{2, 3}));
  EXPECT_TRUE(f.log->got[0].late);
  EXPECT_EQ(f.log->got[0].lateness, 1h);
  EXPECT_FALSE(f.log->got[1].late);
  ASSERT_EQ(f.queue.missed.size(), 1U);
  EXPECT_EQ(f.queue.missed[0].reminder_id, 1);
  EXPECT_EQ(f.timer->armed_for, k_t0 + 1h);
}

TEST(Scheduler, undelivered_firings_are_redelivered_at_start_with_the_same_ids) {
  Fixture f;
  // The previous run fired reminder 7 (firing 40); exec finished, log did not.
  f.queue.add_fired(40, 7, k_t0 - 10min, k_t0 - 10min, {"log"});
  auto exec = std::make_shared<RecordingChannel>("exec");
  f.scheduler->add_channel(f.log);
  f.scheduler->add_channel(exec);
  f.scheduler->start();
  f.settle();
  ASSERT_EQ(f.log->got.size(), 1U);
  EXPECT_EQ(f.log->got[0].reminder_id, 7);
  EXPECT_EQ(f.log->got[0].firing_id, 40);
  EXPECT_TRUE(f.log->got[0].redelivery);
  EXPECT_TRUE(exec->got.empty()); // it had completed: not sent twice
  EXPECT_EQ(f.queue.undelivered_count(), 0U);
}

TEST(Scheduler, a_channel_that_never_completes_gets_the_firing_again_after_a_restart) {
  Fixture f;
  f.queue.add(5, k_t0 + 1s);
  auto stuck = std::make_shared<RecordingChannel>("exec", /*hold=*/true);
  f.scheduler->add_channel(f.log);
  f.scheduler->add_channel(stuck);
  f.scheduler->start();
  f.advance_to_wake();
  ASSERT_EQ(stuck->got.size(), 1U);
  const auto firing_id = stuck->got[0].firing_id;
  // Per channel: log is recorded, exec is still owed.
  EXPECT_EQ(f.queue.pending_channels(firing_id), (std::set<std::string>{"exec"}));

  // "Crash": a new scheduler over the same outbox.
  f.scheduler.reset();
  auto log2 = std::make_shared<RecordingChannel>("log");
  auto exec2 = std::make_shared<RecordingChannel>("exec");
  f.make();
  f.scheduler->add_channel(log2);
  f.scheduler->add_channel(exec2);
  f.scheduler->start();
  f.settle();
  EXPECT_TRUE(log2->got.empty());
  ASSERT_EQ(exec2->got.size(), 1U);
  EXPECT_EQ(exec2->got[0].reminder_id, 5);
  EXPECT_TRUE(exec2->got[0].redelivery);
  EXPECT_EQ(f.queue.undelivered_count(), 0U);

  // The old channel's late completion is harmless once its scheduler is gone.
  stuck->held.at(0)();
  f.settle();
}

TEST(Scheduler, completion_from_another_thread_is_recorded_on_the_loop) {
  Fixture f;
  f.queue.add(5, k_t0 + 1s);
  auto slow = std::make_shared<RecordingChannel>("exec", /*hold=*/true);
  f.scheduler->add_channel(slow);
  f.scheduler->start();
  f.advance_to_wake();
  ASSERT_EQ(slow->held.size(), 1U);
  std::thread([&] { slow->held[0](); }).join();
  f.settle();
  EXPECT_EQ(f.queue.undelivered_count(), 0U);
}

TEST(Scheduler, pending_delivery_for_a_channel_no_longer_configured_is_dropped) {
  Fixture f;
  f.queue.add_fired(40, 7, k_t0 - 10min, k_t0 - 10min, {"pager"});
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.settle();
  EXPECT_TRUE(f.log->got.empty());
  EXPECT_EQ(f.queue.undelivered_count(), 0U);
}

TEST(Scheduler, a_failing_queue_is_retried_later_not_thrown) {
  Fixture f(SchedulerOptions{.retry_after = 5s, .on_armed = {}});
  f.queue.add(1, k_t0 + 10s);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.queue.fail_take = true;
  f.now = k_t0 + 10s;
  EXPECT_NO_THROW(f.timer->fire());
  EXPECT_EQ(f.timer->armed_for, k_t0 + 15s);
  f.queue.fail_take = false;
  f.advance_to_wake();
  EXPECT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{1}));
}

TEST(Scheduler, stop_disarms_and_fires_nothing_more) {
  Fixture f;
  f.queue.add(1, k_t0 + 10s);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.scheduler->stop();
  EXPECT_FALSE(f.timer->armed_for);
  f.scheduler->replan();
  EXPECT_FALSE(f.timer->armed_for);
}

// The real timer and the real clock, end to end: a reminder one to two
// seconds ahead arrives, and not before its second.
TEST(Scheduler, with_the_wall_timer_a_reminder_arrives_and_not_early) {
  boost::asio::io_context io;
  FakeQueue queue;
  const auto real_now = [] {
    return std::chrono::time_point_cast<core::Seconds>(std::chrono::system_clock::now());
  };
  const auto due = real_now() + 2s;
  queue.add(1, due);
  auto log = std::make_shared<RecordingChannel>("log");
  Scheduler scheduler(io.get_executor(), queue, real_now,
                      std::make_unique<WallTimer>(io.get_executor()));
  scheduler.add_channel(log);
  scheduler.start();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (log->got.empty() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(50ms);
    io.restart();
  }
  ASSERT_EQ(log->got.size(), 1U) << "the reminder never arrived";
  EXPECT_GE(log->arrived_at[0], due) << "fired before its second";
  EXPECT_EQ(log->got[0].due, due);
  EXPECT_GE(log->got[0].fired_at, due);
}

} // namespace
} // namespace summit::scheduler

namespace summit::scheduler {
namespace {

TEST(Scheduler, a_burst_goes_out_head_first_then_a_full_batch_at_a_time) {
  Fixture f;
  f.queue.limit = 1000;
  for (int id = 2500; id >= 1; --id) {
    f.queue.add(id, k_t0 + 60s);
  }
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  const int takes_at_start = f.queue.takes; // start() looks for what fell due while down
  f.now = k_t0 + 60s;
  f.timer->fire();
  f.settle();
  // The head of the burst went out first (first_batch, 64): the timer is
  // armed again for the same due instant (fires at once), not pushed back as
  // if the store were broken.
  EXPECT_EQ(f.log->got.size(), 64U);
  ASSERT_TRUE(f.timer->armed_for);
  EXPECT_EQ(*f.timer->armed_for, k_t0 + 60s);
  // Then the rest, the queue's batch at a time: 1000, 1000, 436.
  for (const std::size_t total : {1064U, 2064U, 2500U}) {
    f.timer->fire();
    f.settle();
    EXPECT_EQ(f.log->got.size(), total);
  }
  EXPECT_EQ(f.queue.takes - takes_at_start, 4);
  std::vector<std::int64_t> expected(2500);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(f.log->reminder_ids(), expected);
  EXPECT_FALSE(f.timer->armed_for);
  EXPECT_EQ(f.queue.undelivered_count(), 0U);
}

} // namespace
} // namespace summit::scheduler

// Issue 17: the batch due at a second is taken take_ahead before it and
// handed out at the second, not before.
namespace summit::scheduler {
namespace {

constexpr std::chrono::milliseconds k_ahead{250};
const core::SysSeconds k_due = k_t0 + 10s;

SchedulerOptions ahead() {
  SchedulerOptions options;
  options.take_ahead = k_ahead;
  return options;
}

// Started with three reminders due at k_due, woken take_ahead before it:
// the batch is recorded and prepared, and nobody has seen it.
struct Ahead : Fixture {
  Ahead() : Fixture(ahead()) {
    for (const std::int64_t id : {1, 2, 3}) {
      queue.add(id, k_due);
    }
    scheduler->add_channel(log);
    scheduler->start();
    settle();
  }
  void wake_ahead() {
    ASSERT_TRUE(timer->armed_for);
    EXPECT_EQ(*timer->armed_for, WallInstant(k_due) - k_ahead);
    set_clock(*timer->armed_for);
    timer->fire();
    settle();
  }
};

TEST(SchedulerAhead, takes_the_batch_ahead_and_hands_it_out_at_its_second_not_before) {
  Ahead f;
  const int takes = f.queue.takes;
  f.wake_ahead();
  EXPECT_EQ(f.queue.takes, takes + 1) << "recorded ahead of the second";
  EXPECT_EQ(f.log->prepared.size(), 3U) << "the channel prepared them";
  EXPECT_TRUE(f.log->got.empty()) << "handed out before the second";
  EXPECT_EQ(f.queue.undelivered_count(), 3U);
  ASSERT_TRUE(f.timer->armed_for);
  EXPECT_EQ(*f.timer->armed_for, WallInstant(k_due)) << "woken again at the second";
  EXPECT_EQ(f.scheduler->next_wake(), k_due);

  // A wake a millisecond early (whatever the cause) hands out nothing.
  f.set_clock(WallInstant(k_due) - 1ms);
  f.timer->fire();
  f.settle();
  EXPECT_TRUE(f.log->got.empty()) << "handed out 1 ms before the second";
  ASSERT_TRUE(f.timer->armed_for);
  EXPECT_EQ(*f.timer->armed_for, WallInstant(k_due));

  f.set_clock(WallInstant(k_due));
  f.timer->fire();
  f.settle();
  ASSERT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{1, 2, 3}));
  for (const auto &firing : f.log->got) {
    EXPECT_EQ(firing.fired_at, k_due);
    EXPECT_EQ(firing.lateness, 0s);
    EXPECT_FALSE(firing.late);
    EXPECT_FALSE(firing.redelivery);
  }
  EXPECT_EQ(f.queue.withdraws, 0) << "nothing was committed meanwhile: released as taken";
  EXPECT_EQ(f.queue.takes, takes + 1);
  EXPECT_EQ(f.queue.undelivered_count(), 0U);
  EXPECT_FALSE(f.timer->armed_for);
}

TEST(SchedulerAhead, without_take_ahead_nothing_is_taken_before_the_second) {
  Fixture f;
  f.queue.add(1, k_due);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  ASSERT_TRUE(f.timer->armed_for);
  EXPECT_EQ(*f.timer->armed_for, WallInstant(k_due));
  EXPECT_TRUE(f.log->prepared.empty());
}

TEST(SchedulerAhead, a_reminder_removed_between_the_take_and_its_second_is_not_handed_out) {
  Ahead f;
  f.wake_ahead();
  f.queue.remove_taken(2); // the request side removed its event and committed
  f.set_clock(WallInstant(k_due));
  f.timer->fire();
  f.settle();
  EXPECT_EQ(f.queue.withdraws, 1) << "the held batch was put back";
  ASSERT_EQ(f.log->withdrawn_from.size(), 1U);
  EXPECT_EQ(f.log->withdrawn_from[0], f.log->prepared.front().firing_id)
      << "the channel forgets what it prepared";
  // Taken again at the second, as the database is now: 2 is not there.
  EXPECT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{1, 3}));
  for (const auto &firing : f.log->got) {
    EXPECT_EQ(firing.fired_at, k_due);
  }
  EXPECT_EQ(f.queue.undelivered_count(), 0U);
}

TEST(SchedulerAhead, a_commit_between_the_take_and_the_second_takes_the_batch_again) {
  Ahead f;
  f.wake_ahead();
  const auto first_ids = f.log->prepared;
  ++f.queue.version; // any commit by the request side (an add, an edit)
  f.set_clock(WallInstant(k_due));
  f.timer->fire();
  f.settle();
  EXPECT_EQ(f.queue.withdraws, 1);
  ASSERT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{1, 2, 3}));
  // The same firing ids again: the log keeps no holes.
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(f.log->got[i].firing_id, first_ids[i].firing_id);
  }
}

TEST(SchedulerAhead, after_a_stop_in_the_window_the_batch_is_held_until_its_second) {
  Fixture f(ahead());
  // A previous run took firing 7 ahead of k_due and stopped before it.
  f.queue.add_fired(7, 1, k_due, k_due, {"log"});
  f.set_clock(WallInstant(k_due) - 100ms);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.settle();
  EXPECT_TRUE(f.log->got.empty()) << "handed out before its second after a restart";
  EXPECT_EQ(f.log->prepared.size(), 1U);
  ASSERT_TRUE(f.timer->armed_for);
  EXPECT_EQ(*f.timer->armed_for, WallInstant(k_due));
  f.set_clock(WallInstant(k_due));
  f.timer->fire();
  f.settle();
  // Put back and taken again at its second: an edit committed before this
  // start (after the earlier take) cannot be known otherwise.
  EXPECT_EQ(f.queue.withdraws, 1);
  ASSERT_EQ(f.log->got.size(), 1U);
  EXPECT_EQ(f.log->got[0].reminder_id, 1);
  EXPECT_EQ(f.log->got[0].firing_id, 7) << "the same id again";
  EXPECT_EQ(f.log->got[0].fired_at, k_due);
  EXPECT_FALSE(f.log->got[0].redelivery) << "nothing had handed it out";
  EXPECT_EQ(f.queue.undelivered_count(), 0U);
}

TEST(SchedulerAhead, after_a_stop_past_the_second_the_batch_goes_out_at_once_marked) {
  Fixture f(ahead());
  f.queue.add_fired(7, 1, k_due, k_due, {"log"});
  f.set_clock(WallInstant(k_due) + 2s);
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.settle();
  ASSERT_EQ(f.log->got.size(), 1U);
  EXPECT_TRUE(f.log->got[0].redelivery);
}

TEST(SchedulerAhead, a_clock_set_back_puts_the_batch_back_and_takes_it_at_its_second_again) {
  Ahead f;
  f.wake_ahead();
  f.set_clock(WallInstant(k_due) - 1h);
  f.timer->fire(Timer::Outcome::clock_changed);
  f.settle();
  EXPECT_EQ(f.queue.withdraws, 1);
  EXPECT_TRUE(f.log->got.empty());
  ASSERT_TRUE(f.timer->armed_for);
  EXPECT_EQ(*f.timer->armed_for, WallInstant(k_due) - k_ahead);
  f.wake_ahead();
  f.set_clock(WallInstant(k_due));
  f.timer->fire();
  f.settle();
  EXPECT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST(SchedulerAhead, a_clock_set_past_the_second_hands_the_batch_out_at_once) {
  Ahead f;
  f.wake_ahead();
  f.set_clock(WallInstant(k_due) + 5s);
  f.timer->fire(Timer::Outcome::clock_changed);
  f.settle();
  EXPECT_EQ(f.queue.withdraws, 0);
  EXPECT_EQ(f.log->reminder_ids(), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST(SchedulerAhead, nothing_else_is_taken_while_a_batch_waits_and_a_burst_continues_after_it) {
  Fixture f(ahead());
  f.queue.limit = 100;
  for (int id = 1; id <= 250; ++id) {
    f.queue.add(id, k_due);
  }
  f.scheduler->add_channel(f.log);
  f.scheduler->start();
  f.set_clock(WallInstant(k_due) - k_ahead);
  f.timer->fire();
  f.settle();
  EXPECT_EQ(f.log->prepared.size(), 100U) << "one batch held, not the whole burst";
  EXPECT_TRUE(f.log->got.empty());
  f.advance_to_wake();
  EXPECT_EQ(f.log->got.size(), 250U);
  std::vector<std::int64_t> expected(250);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(f.log->reminder_ids(), expected);
}

} // namespace
} // namespace summit::scheduler
