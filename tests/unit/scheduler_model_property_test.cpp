// Property: the Scheduler fires exactly what a brute-force model says.
//
// The model is DESIGN.md "Reminders" at its plainest: a sorted list of
// pending (due, reminder id); whenever the scheduler's clock reads `now`,
// everything due at or before `now` leaves the list and fires once, in
// (due, id) order, with fired_at = now (or is recorded as missed when more
// than the grace period late). Random operations, from fixed seeds, are
// applied to both: reminders added (many due at the same instant, some
// already past), moved, removed; time passing; the wall clock set forward
// and back. After every step the channels must have received exactly the
// model's firings, in the model's order: none twice, none lost, none early,
// and the timer armed for the model's next due instant (or disarmed).
//
// Deterministic: a fake clock and a fake timer driven by the test, an
// in-memory queue, no sleeping, no host time zone.

#include "core/time_format.hpp"
#include "daemon/scheduler/scheduler.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace summit::scheduler {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;

const core::SysSeconds k_t0 = date::sys_days{2025_y / date::September / 26} + 7h;
constexpr int k_runs = 50;
constexpr int k_ops_per_run = 200;
constexpr std::uint64_t k_first_seed = 7;
const core::Seconds k_grace = 24h;
const core::Seconds k_late_after = 60s;

// ReminderQueue's contract in memory, kept as plain as the model: pending
// instances by id, an outbox of firings with their pending deliveries.
class MemoryQueue : public ReminderQueue {
public:
  void put(std::int64_t reminder_id, core::SysSeconds due) { m_pending[reminder_id] = due; }
  void erase(std::int64_t reminder_id) { m_pending.erase(reminder_id); }
  const std::map<std::int64_t, core::SysSeconds> &pending() const { return m_pending; }

  core::Result<std::optional<core::SysSeconds>> next_due() override {
    std::optional<core::SysSeconds> next;
    for (const auto &[id, due] : m_pending) {
      if (!next || due < *next) {
        next = due;
      }
    }
    return next;
  }

  using ReminderQueue::take_due;
  core::Result<DueBatch> take_due(core::SysSeconds now, core::Seconds grace,
                                  const std::vector<std::string> &channels,
                                  std::size_t limit) override {
    std::vector<std::pair<core::SysSeconds, std::int64_t>> due;
    for (const auto &[id, when] : m_pending) {
      if (when <= now) {
        due.emplace_back(when, id);
      }
    }
    std::sort(due.begin(), due.end());
    if (due.size() > limit) { // the rest stay pending for the next call
      due.resize(limit);
    }
    for (const auto &[when, id] : due) {
      m_pending.erase(id);
    }
    DueBatch batch;
    for (const auto &[when, id] : due) {
      Firing f;
      f.firing_id = m_next_firing_id++;
      f.reminder_id = id;
      f.event_id = id;
      f.due = when;
      f.fired_at = now;
      f.lateness = now - when;
      if (now - when > grace) {
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
      if (!entry.channels.empty()) {
        out.push_back({entry.firing, {entry.channels.begin(), entry.channels.end()}});
      }
    }
    return out;
  }

  core::Result<void> mark_delivered(const std::vector<Delivery> &deliveries) override {
    for (const auto &d : deliveries) {
      if (auto it = m_outbox.find(d.firing_id); it != m_outbox.end()) {
        it->second.channels.erase(d.channel);
      }
    }
    return {};
  }

  std::vector<Firing> missed;

private:
  struct Entry {
    Firing firing;
    std::set<std::string> channels;
  };
  std::map<std::int64_t, core::SysSeconds> m_pending;
  std::map<std::int64_t, Entry> m_outbox;
  std::int64_t m_next_firing_id = 1;
};

// Behaves as the timerfd does, on the test's clock: a wait for an instant
// already reached completes at once (posted, never inside wait_until); a
// setting of the clock completes an armed wait with clock_changed; the test
// moves the clock forward and completes the wait when it reaches the instant.
class ModelTimer : public Timer {
public:
  ModelTimer(boost::asio::io_context &io, const core::SysSeconds &now) : m_io(io), m_now(now) {}

  void wait_until(WallInstant when, Handler handler) override {
    ++m_generation;
    // take_ahead is zero here: every wait is for a whole second.
    armed_for = std::chrono::time_point_cast<core::Seconds>(when);
    m_handler = std::move(handler);
    if (when <= m_now) {
      complete(Outcome::due);
    }
  }
  void cancel() override {
    if (armed_for) {
      complete(Outcome::cancelled);
    }
    armed_for.reset();
  }
  void disarm() override {
    ++m_generation;
    armed_for.reset();
    m_handler = nullptr;
  }

  // The kernel's side.
  void clock_was_set() {
    if (armed_for) {
      complete(Outcome::clock_changed);
    }
  }
  void reached() {
    if (armed_for && *armed_for <= m_now) {
      complete(Outcome::due);
    }
  }

  std::optional<core::SysSeconds> armed_for;

private:
  // The wait ends: its handler runs at the next turn of the loop, unless a
  // newer wait or a disarm replaced it first.
  void complete(Outcome outcome) {
    const auto generation = ++m_generation;
    boost::asio::post(m_io, [this, generation, outcome] {
      if (generation != m_generation || !m_handler) {
        return;
      }
      armed_for.reset();
      std::exchange(m_handler, nullptr)(outcome);
    });
  }

  boost::asio::io_context &m_io;
  const core::SysSeconds &m_now;
  std::uint64_t m_generation = 0;
  Handler m_handler;
};

class RecordingChannel : public Channel {
public:
  explicit RecordingChannel(std::string name) : m_name(std::move(name)) {}
  std::string_view name() const override { return m_name; }
  void deliver(const Firing &firing, std::function<void()> on_delivered) override {
    got.push_back(firing);
    on_delivered();
  }
  std::vector<Firing> got;

private:
  std::string m_name;
};

// What the model expects a channel to receive.
struct Expected {
  std::int64_t reminder_id;
  core::SysSeconds due;
  core::SysSeconds fired_at;
};

std::string show(core::SysSeconds t) { return core::format_iso_utc(t); }

// The brute-force model: a sorted list.
class Model {
public:
  void put(std::int64_t id, core::SysSeconds due) {
    erase(id);
    m_pending.emplace(due, id);
  }
  void erase(std::int64_t id) {
    std::erase_if(m_pending, [&](const auto &p) { return p.second == id; });
  }
  bool has(std::int64_t id) const {
    return std::any_of(m_pending.begin(), m_pending.end(),
                       [&](const auto &p) { return p.second == id; });
  }
  // Everything due at or before `now` fires once, in (due, id) order.
  void take(core::SysSeconds now) {
    while (!m_pending.empty() && m_pending.begin()->first <= now) {
      const auto [due, id] = *m_pending.begin();
      m_pending.erase(m_pending.begin());
      if (now - due > k_grace) {
        missed.push_back({id, due, now});
      } else {
        fired.push_back({id, due, now});
      }
    }
  }
  std::optional<core::SysSeconds> next_due() const {
    if (m_pending.empty()) {
      return std::nullopt;
    }
    return m_pending.begin()->first;
  }
  std::vector<std::int64_t> pending_ids() const {
    std::vector<std::int64_t> ids;
    for (const auto &p : m_pending) {
      ids.push_back(p.second);
    }
    return ids;
  }
  std::size_t size() const { return m_pending.size(); }

  std::vector<Expected> fired;
  std::vector<Expected> missed;

private:
  std::set<std::pair<core::SysSeconds, std::int64_t>> m_pending;
};

// One run: a seed, the real Scheduler and the model side by side.
class ModelRun {
public:
  explicit ModelRun(std::uint64_t seed) : m_seed(seed), m_rng(seed) {
    SchedulerOptions options;
    options.grace = k_grace;
    options.late_after = k_late_after;
    // Small batches make one firing's deliveries span several loop turns,
    // with the test's own steps in between.
    options.delivery_batch = std::array<std::size_t, 4>{1, 2, 5, 512}[m_rng() % 4];
    // Small first takes make one due instant take several wakes of the timer.
    options.first_batch = std::array<std::size_t, 3>{1, 3, 64}[m_rng() % 3];
    auto timer = std::make_unique<ModelTimer>(m_io, m_now);
    m_timer = timer.get();
    m_scheduler = std::make_unique<Scheduler>(
        m_io.get_executor(), m_queue, [this] { return m_now; }, std::move(timer), options);
    m_scheduler->add_channel(m_log);
    m_scheduler->add_channel(m_exec);
  }

  // Returns false (after reporting) at the first disagreement.
  // How much of the awkward ground a run covered.
  struct Coverage {
    std::size_t fired = 0;
    std::size_t tied = 0; // fired with the same due instant as the one before
    std::size_t missed = 0;
    std::size_t clock_set_back = 0;
  };
  Coverage coverage() const {
    Coverage c;
    c.fired = m_model.fired.size();
    for (std::size_t i = 1; i < m_model.fired.size(); ++i) {
      c.tied += m_model.fired[i].due == m_model.fired[i - 1].due ? 1 : 0;
    }
    c.missed = m_model.missed.size();
    c.clock_set_back = m_clock_set_back;
    return c;
  }

  bool play() {
    // Some reminders exist before the daemon starts, some already due.
    const int initial = static_cast<int>(m_rng() % 20);
    for (int i = 0; i < initial; ++i) {
      add(random_due(), "before start");
    }
    note("start");
    m_scheduler->start();
    m_started = true;
    m_model.take(m_now);
    settle();
    if (!agree()) {
      return false;
    }
    bool mid_drain = false;
    for (int op = 0; op < k_ops_per_run; ++op) {
      if (mid_drain) {
        // Deliveries of an earlier firing may still be queued behind this
        // turn of the loop: only an add that cannot fire yet comes in
        // between, so the model's firing instants stay exact.
        add(m_now + core::Seconds{1 + static_cast<std::int64_t>(m_rng() % 7200)}, "mid-drain");
      } else {
        random_op();
      }
      // Now and then, turn the loop only a little before the next request.
      mid_drain = m_rng() % 6 == 0;
      if (mid_drain) {
        for (auto turns = m_rng() % 3; turns > 0; --turns) {
          m_io.poll_one();
        }
        continue;
      }
      settle();
      if (!agree()) {
        return false;
      }
    }
    settle();
    return agree() && finished_cleanly();
  }

private:
  void random_op() {
    const auto pick = m_rng() % 100;
    if (pick < 35) {
      add(random_due(), "add");
    } else if (pick < 50) {
      if (const auto id = random_pending()) {
        const auto due = random_due();
        note(fmt::format("move {} to {}", *id, show(due)));
        m_queue.put(*id, due);
        m_model.put(*id, due);
        replan();
      }
    } else if (pick < 60) {
      if (const auto id = random_pending()) {
        note(fmt::format("remove {}", *id));
        m_queue.erase(*id);
        m_model.erase(*id);
        replan();
      }
    } else if (pick < 70) {
      // The wall clock is set: forward (sometimes past the grace period)
      // or back.
      const bool forward = m_rng() % 2 == 0;
      const auto by =
          core::Seconds{1 + static_cast<std::int64_t>(m_rng() % (forward ? 2 * 86400 : 86400))};
      m_now += forward ? by : -by;
      m_clock_set_back += forward ? 0 : 1;
      note(fmt::format("clock set {} by {}s to {}", forward ? "forward" : "back", by.count(),
                       show(m_now)));
      m_timer->clock_was_set();
      settle();
      // A set clock is noticed only through an armed wait (as with
      // TFD_TIMER_CANCEL_ON_SET): with nothing pending nothing is due.
      m_model.take(m_now);
    } else {
      // Time passes. Sometimes exactly to the next due instant.
      const auto hours = static_cast<std::int64_t>(m_rng() % 3);
      const auto seconds = static_cast<std::int64_t>(m_rng() % 600);
      core::SysSeconds target = m_now + core::Seconds{hours * 3600 + seconds};
      if (m_rng() % 3 == 0 && m_model.next_due()) {
        target = std::max(m_now, *m_model.next_due());
      }
      note(fmt::format("time passes to {}", show(target)));
      if (!advance_to(target)) {
        m_stuck = true;
      }
    }
  }

  // Reminders cluster on a few instants (ties), some in the past, some
  // beyond the grace period.
  core::SysSeconds random_due() {
    const auto pick = m_rng() % 10;
    if (pick < 5) {
      // The next whole hours, as people set them: many ties.
      return date::floor<std::chrono::hours>(m_now) +
             std::chrono::hours{1 + static_cast<std::int64_t>(m_rng() % 2)};
    }
    if (pick < 6) {
      return m_now; // due this very second
    }
    if (pick < 7) {
      return m_now - core::Seconds{static_cast<std::int64_t>(m_rng() % (3 * 86400))};
    }
    return m_now + core::Seconds{static_cast<std::int64_t>(m_rng() % (6 * 3600))};
  }

  std::optional<std::int64_t> random_pending() {
    const auto ids = m_model.pending_ids();
    if (ids.empty()) {
      return std::nullopt;
    }
    return ids[m_rng() % ids.size()];
  }

  void add(core::SysSeconds due, const char *why) {
    const auto id = m_next_id++;
    note(fmt::format("{}: add {} due {}", why, id, show(due)));
    m_queue.put(id, due);
    m_model.put(id, due);
    replan();
  }

  // What the daemon does after any change to pending reminders. The
  // scheduler re-arms; a wait already past completes at the loop's next turn.
  void replan() {
    m_scheduler->replan();
    // The model: the first turn of the loop takes what is now due (the clock
    // does not move before that turn). Before start nothing is taken.
    if (m_started) {
      m_model.take(m_now);
    }
  }

  // The clock runs forward to `target`, stopping at each armed instant on the
  // way, where the timer completes and the loop runs until idle.
  // False when the timer keeps waking without getting anywhere.
  bool advance_to(core::SysSeconds target) {
    settle();
    for (int wakes = 0; m_timer->armed_for && *m_timer->armed_for <= target; ++wakes) {
      if (wakes > 100'000) {
        return false;
      }
      m_now = std::max(m_now, *m_timer->armed_for);
      m_model.take(m_now);
      m_timer->reached();
      settle();
    }
    m_now = target;
    m_model.take(m_now);
    return true;
  }

  void settle() {
    m_io.restart();
    m_io.poll();
  }

  void note(std::string line) { m_trace.push_back(std::move(line)); }

  bool fail(const std::string &what) {
    std::string trace;
    // The whole run is replayable from the seed; the last steps say most.
    const std::size_t shown = 40;
    const auto from = m_trace.size() > shown ? m_trace.size() - shown : 0;
    for (auto i = from; i < m_trace.size(); ++i) {
      trace += fmt::format("  {:3}. {}\n", i + 1, m_trace[i]);
    }
    ADD_FAILURE() << "seed " << m_seed << ", after step " << m_trace.size() << " at " << show(m_now)
                  << ": " << what << "\nlast steps:\n"
                  << trace;
    return false;
  }

  bool agree() {
    if (m_stuck) {
      return fail("the timer kept waking at the same instant");
    }
    const auto &fired = m_model.fired;
    for (const auto *channel : {m_log.get(), m_exec.get()}) {
      const auto &got = channel->got;
      for (std::size_t i = 0; i < std::min(got.size(), fired.size()); ++i) {
        const auto &g = got[i];
        const auto &e = fired[i];
        if (g.reminder_id != e.reminder_id || g.due != e.due || g.fired_at != e.fired_at) {
          return fail(fmt::format("{} firing #{}: got reminder {} due {} fired {}; model says "
                                  "reminder {} due {} fired {}",
                                  channel->name(), i + 1, g.reminder_id, show(g.due),
                                  show(g.fired_at), e.reminder_id, show(e.due), show(e.fired_at)));
        }
        if (g.fired_at < g.due || g.lateness != g.fired_at - g.due ||
            g.late != (g.lateness > k_late_after) || g.redelivery) {
          return fail(fmt::format("{} firing #{} (reminder {}): fired {} for due {}, lateness "
                                  "{}s, late={}, redelivery={}",
                                  channel->name(), i + 1, g.reminder_id, show(g.fired_at),
                                  show(g.due), g.lateness.count(), g.late, g.redelivery));
        }
      }
      if (got.size() != fired.size()) {
        const auto &extra = got.size() > fired.size() ? got[fired.size()].reminder_id
                                                      : fired[got.size()].reminder_id;
        return fail(fmt::format("{} received {} firings, the model {} (first difference: "
                                "reminder {})",
                                channel->name(), got.size(), fired.size(), extra));
      }
    }
    std::set<std::int64_t> seen;
    for (const auto &g : m_log->got) {
      if (!seen.insert(g.reminder_id).second) {
        return fail(fmt::format("reminder {} fired twice", g.reminder_id));
      }
    }
    if (m_queue.missed.size() != m_model.missed.size()) {
      return fail(
          fmt::format("{} missed, the model {}", m_queue.missed.size(), m_model.missed.size()));
    }
    for (std::size_t i = 0; i < m_model.missed.size(); ++i) {
      if (m_queue.missed[i].reminder_id != m_model.missed[i].reminder_id) {
        return fail(fmt::format("missed #{}: reminder {}, the model {}", i + 1,
                                m_queue.missed[i].reminder_id, m_model.missed[i].reminder_id));
      }
    }
    if (m_queue.pending().size() != m_model.size()) {
      return fail(
          fmt::format("{} pending, the model {}", m_queue.pending().size(), m_model.size()));
    }
    // Asleep until exactly the next due instant; not armed at all when
    // nothing is pending (no wake-ups while nothing is due).
    const auto expected_wake = m_model.next_due();
    if (m_scheduler->next_wake() != expected_wake || m_timer->armed_for != expected_wake) {
      const auto text = [](std::optional<core::SysSeconds> t) {
        return t ? show(*t) : std::string("nothing");
      };
      return fail(fmt::format("armed for {} (next_wake {}); the next due is {}",
                              text(m_timer->armed_for), text(m_scheduler->next_wake()),
                              text(expected_wake)));
    }
    return true;
  }

  bool finished_cleanly() {
    if (const auto left = m_queue.undelivered().value(); !left.empty()) {
      return fail(fmt::format("{} firing(s) never recorded as delivered, first reminder {}",
                              left.size(), left.front().firing.reminder_id));
    }
    return true;
  }

  std::uint64_t m_seed;
  std::mt19937_64 m_rng;
  boost::asio::io_context m_io;
  core::SysSeconds m_now = k_t0;
  MemoryQueue m_queue;
  Model m_model;
  ModelTimer *m_timer = nullptr;
  std::shared_ptr<RecordingChannel> m_log = std::make_shared<RecordingChannel>("log");
  std::shared_ptr<RecordingChannel> m_exec = std::make_shared<RecordingChannel>("exec");
  std::unique_ptr<Scheduler> m_scheduler;
  std::int64_t m_next_id = 1;
  bool m_started = false;
  bool m_stuck = false;
  std::size_t m_clock_set_back = 0;
  std::vector<std::string> m_trace;
};

TEST(SchedulerModelProperty, fires_what_the_model_fires_in_its_order) {
  // Thousands of "missed" warnings and "clock was set" notes say nothing here.
  const auto level = spdlog::get_level();
  spdlog::set_level(spdlog::level::off);
  int failed = 0;
  ModelRun::Coverage total;
  // Stop after a few failing seeds: each report carries its own trace.
  for (int run = 0; run < k_runs && failed < 3; ++run) {
    ModelRun r(k_first_seed + static_cast<std::uint64_t>(run));
    if (!r.play()) {
      ++failed;
    }
    const auto c = r.coverage();
    total.fired += c.fired;
    total.tied += c.tied;
    total.missed += c.missed;
    total.clock_set_back += c.clock_set_back;
  }
  spdlog::set_level(level);
  EXPECT_EQ(failed, 0);
  // The runs reached what they are meant to test.
  EXPECT_GT(total.fired, 2'000U);
  EXPECT_GT(total.tied, 400U);
  EXPECT_GT(total.missed, 100U);
  EXPECT_GT(total.clock_set_back, 200U);
  std::printf("%zu firings (%zu tied), %zu missed, %zu clock set back\n", total.fired, total.tied,
              total.missed, total.clock_set_back);
}

} // namespace
} // namespace summit::scheduler
