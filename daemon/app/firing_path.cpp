#include "daemon/app/firing_path.hpp"

#include "core/time_format.hpp"
#include "daemon/app/fatal.hpp"
#include "daemon/notify/log_channel.hpp"
#include "daemon/scheduler/wall_timer.hpp"
#include "daemon/store/reminder_store.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <future>

namespace summit::daemon {
namespace {

// The "subscribers" channel: a firing is delivered to subscribers once it is
// in the log (recorded before any channel sees it), which the feed on the
// request side reads by cursor. After each batch this tells the feed how far
// the log goes. No queue here, nothing waits on a client.
class FeedNudge final : public scheduler::Channel {
public:
  FeedNudge(std::function<void(std::int64_t)> on_fired,
            std::function<void(std::int64_t, std::int64_t)> on_prepared,
            std::function<void(std::int64_t)> on_withdrawn)
      : m_on_fired(std::move(on_fired)), m_on_prepared(std::move(on_prepared)),
        m_on_withdrawn(std::move(on_withdrawn)) {}
  std::string_view name() const override { return "subscribers"; }
  void deliver(const scheduler::Firing &firing, std::function<void()> on_delivered) override {
    m_last = std::max(m_last, firing.firing_id);
    on_delivered();
  }
  void flush() override {
    if (m_last > m_told && m_on_fired) {
      m_told = m_last;
      m_on_fired(m_last);
    }
  }
  // Taken ahead of their second: the feed reads them and formats their
  // lines now, and sends them when flush() tells it they are released.
  void prepare(const std::vector<scheduler::Firing> &firings) override {
    if (firings.empty() || !m_on_prepared) {
      return;
    }
    std::int64_t first = firings.front().firing_id;
    std::int64_t last = first;
    for (const auto &firing : firings) {
      first = std::min(first, firing.firing_id);
      last = std::max(last, firing.firing_id);
    }
    m_on_prepared(first, last);
  }
  void withdraw(std::int64_t first_firing_id) override {
    if (m_on_withdrawn) {
      m_on_withdrawn(first_firing_id);
    }
  }

private:
  std::function<void(std::int64_t)> m_on_fired;
  std::function<void(std::int64_t, std::int64_t)> m_on_prepared;
  std::function<void(std::int64_t)> m_on_withdrawn;
  std::int64_t m_last = 0;
  std::int64_t m_told = 0;
};

// Firings leave the log this many at a time (one short transaction each,
// posted one after another so that a due reminder goes between them).
constexpr std::size_t k_prune_batch = 1000;
constexpr std::chrono::hours k_prune_every{1};
constexpr std::chrono::seconds k_first_prune{30};

// clear_the_way(): how long before a reminder's instant writes that can wait
// stop starting, and how long after it (unless taken sooner) they still wait.
constexpr std::chrono::milliseconds k_clear_ahead{4};
constexpr std::chrono::milliseconds k_clear_behind{50};

} // namespace

FiringPath::FiringPath(FiringPathOptions options) : m_options(std::move(options)) {
  auto store = store::EventStore::open(m_options.database, m_options.store);
  if (!store) {
    throw Fatal(fmt::format("cannot open the database {} for the reminder thread: {}",
                            m_options.database.string(), store.error().message));
  }
  m_store = std::move(*store);
  auto reminders = store::ReminderStore::open(*m_store);
  if (!reminders) {
    throw Fatal(fmt::format("cannot open the reminder schedule in {}: {}",
                            m_options.database.string(), reminders.error().message));
  }
  m_reminders = std::move(*reminders);

  auto scheduler_options = m_options.scheduler;
  scheduler_options.take_ahead = m_options.take_ahead;
  scheduler_options.fine_clock = [] { return std::chrono::system_clock::now(); };
  scheduler_options.on_armed = [this](std::optional<core::SysSeconds> when) {
    m_next_wake.store(when ? when->time_since_epoch().count() : -1);
    if (m_options.on_next_wake) {
      m_options.on_next_wake();
    }
  };
  m_scheduler = std::make_unique<scheduler::Scheduler>(
      m_io.get_executor(), *m_reminders, [] { return core::system_now(); },
      std::make_unique<scheduler::WallTimer>(m_io.get_executor()), scheduler_options);
  // Channels: "subscribers" always, "log" always, "exec" only when
  // [[notify.exec]] commands are configured (no outbox rows for a channel
  // that does nothing). A delivery left owed for "exec" by a crash and found
  // after the commands were removed is dropped with a warning.
  // The subscribers' nudge first: channels get a batch one after another,
  // and the feed does its part on the request side's thread, in parallel
  // with the log's here.
  m_scheduler->add_channel(std::make_shared<FeedNudge>(m_options.on_fired, m_options.on_prepared,
                                                       m_options.on_withdrawn));
  m_scheduler->add_channel(std::make_shared<notify::LogChannel>());
  if (!m_options.exec_commands.empty()) {
    notify::ExecOptions exec_options;
    // A batch's processes start once its reminders are with the
    // subscribers that keep up (at most 50 ms later, whatever happens).
    exec_options.hold_starts = [store = m_store.get()] { return store->announcement_pending(); };
    m_exec = std::make_shared<notify::ExecChannel>(m_io.get_executor(), m_options.exec_commands,
                                                   std::move(exec_options));
    m_scheduler->add_channel(m_exec);
  }
}

FiringPath::~FiringPath() { stop(); }

void FiringPath::start() {
  // Start-up work on this thread, before the firing thread exists: what a
  // crash left owed goes out again, what fell due while we were down fires
  // (late) or is recorded as missed.
  m_scheduler->start();
  if (m_options.keep_firings.count() > 0) {
    m_prune_timer.expires_after(k_first_prune);
    m_prune_timer.async_wait([this](const boost::system::error_code &error) {
      if (!error) {
        prune();
      }
    });
  }
  m_thread = std::thread([this] {
    auto work = boost::asio::make_work_guard(m_io);
    try {
      m_io.run();
    } catch (const std::exception &e) {
      // A handler must not throw; one that did leaves the scheduler in an
      // unknown state. Better a restart by the service manager (what was
      // recorded is delivered again, marked) than a daemon that no longer
      // fires.
      spdlog::critical("the reminder thread failed: {}; stopping", e.what());
      std::abort();
    }
  });
}

void FiringPath::start_watchdog() {
  if (m_options.watchdog_interval.count() > 0 && m_options.ping_watchdog) {
    boost::asio::post(m_io, [this] { ping(); });
  }
}

void FiringPath::replan() {
  boost::asio::post(m_io, [this] {
    if (m_scheduler) {
      m_scheduler->replan();
    }
  });
}

void FiringPath::stop() {
  if (m_stopped) {
    return;
  }
  m_stopped = true;
  if (!m_thread.joinable()) {
    return;
  }
  boost::asio::post(m_io, [this] {
    m_watchdog.cancel();
    m_prune_timer.cancel();
    if (m_exec) {
      m_exec->stop();
    }
    if (m_scheduler) {
      m_scheduler->stop();
      // Its timer keeps a wait on the loop; destroying it ends the wait and
      // records the completions in hand. Posted, so that completions already
      // queued on the loop are in hand by then (not delivered twice).
      boost::asio::post(m_io, [this] {
        m_scheduler.reset();
        m_io.stop();
      });
    } else {
      m_io.stop();
    }
  });
  m_thread.join();
}

bool clear_the_way(std::optional<core::SysSeconds> next_wake,
                   std::chrono::system_clock::time_point now) {
  if (!next_wake) {
    return false;
  }
  const auto until = *next_wake - now;
  return until <= k_clear_ahead && until > -k_clear_behind;
}

std::optional<core::SysSeconds> FiringPath::next_wake() const {
  const auto value = m_next_wake.load();
  if (value < 0) {
    return std::nullopt;
  }
  return core::SysSeconds{core::Seconds{value}};
}

// The ping comes from the firing thread's own loop: when it is stuck, the
// pings stop and systemd restarts the daemon. Requests run on another
// thread, so none of them, however large, holds it up.
void FiringPath::ping() {
  m_options.ping_watchdog();
  m_watchdog.expires_after(m_options.watchdog_interval);
  m_watchdog.async_wait([this](const boost::system::error_code &error) {
    if (!error) {
      ping();
    }
  });
}

void FiringPath::prune() {
  const auto before = core::system_now() - m_options.keep_firings;
  auto removed = m_reminders->prune_firings(before, k_prune_batch);
  if (!removed) {
    spdlog::error("{}; trying again in an hour", removed.error().message);
  } else if (*removed > 0) {
    spdlog::debug("removed {} firing(s) older than {} from the firing log", *removed,
                  core::format_iso_utc(before));
    if (static_cast<std::size_t>(*removed) == k_prune_batch) {
      boost::asio::post(m_io, [this] { prune(); }); // more to go, after what is due
      return;
    }
  }
  m_prune_timer.expires_after(k_prune_every);
  m_prune_timer.async_wait([this](const boost::system::error_code &error) {
    if (!error) {
      prune();
    }
  });
}

} // namespace summit::daemon
