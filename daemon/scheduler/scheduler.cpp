#include "daemon/scheduler/scheduler.hpp"

#include "core/time_format.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>

namespace summit::scheduler {

namespace {

// Completions kept back while a burst is handed out are recorded anyway once
// there are this many: what a crash can make re-deliver stays bounded.
constexpr std::size_t k_record_at_least = 4096;

// Past this many, missed reminders are summarised rather than listed one by
// one: a machine back from a month offline should not flood the journal.
constexpr std::size_t k_missed_listed = 20;

// A held batch's second further ahead than take_ahead plus this means the
// clock was set back.
constexpr std::chrono::seconds k_clock_slack{1};

} // namespace

Scheduler::Scheduler(boost::asio::any_io_executor executor, ReminderQueue &queue, core::Clock clock,
                     std::unique_ptr<Timer> timer, SchedulerOptions options)
    : m_executor(std::move(executor)), m_queue(queue), m_clock(std::move(clock)),
      m_timer(std::move(timer)), m_options(options), m_alive(std::make_shared<Scheduler *>(this)) {
  m_options.delivery_batch = std::max<std::size_t>(m_options.delivery_batch, 1);
  m_options.first_batch = std::max<std::size_t>(m_options.first_batch, 1);
}

Scheduler::~Scheduler() {
  // Completions already in hand would otherwise be redelivered next start.
  collect_completions();
  flush_deliveries();
}

void Scheduler::add_channel(std::shared_ptr<Channel> channel) {
  if (find_channel(channel->name())) {
    spdlog::error("scheduler: a channel named '{}' is already registered; ignoring the second",
                  channel->name());
    return;
  }
  m_channels.push_back(std::move(channel));
}

void Scheduler::start() {
  if (m_started) {
    return;
  }
  m_started = true;
  std::vector<ReminderQueue::Undelivered> pending;
  if (auto read = m_queue.undelivered()) {
    pending = std::move(*read);
  } else {
    // They stay in the outbox and are tried again at the next start.
    spdlog::error("scheduler: cannot read undelivered reminders: {}", read.error().message);
  }
  if (!pending.empty()) {
    spdlog::info("scheduler: delivering {} reminder(s) again after an unclean stop",
                 pending.size());
  }
  for (auto &item : pending) {
    std::vector<std::shared_ptr<Channel>> channels;
    for (auto &name : item.channels) {
      if (auto channel = find_channel(name)) {
        channels.push_back(std::move(channel));
      } else {
        spdlog::warn("scheduler: {} was pending for channel '{}', which is no longer "
                     "configured; dropping that delivery",
                     describe(item.firing), name);
        m_delivered.push_back({item.firing.firing_id, std::move(name)});
      }
    }
    // Recorded ahead of a second that has not come yet (the daemon stopped
    // between the take and the second): nothing handed it out, so it is not
    // a redelivery; it is held until its second like any batch taken ahead.
    const bool ahead = WallInstant(item.firing.fired_at) > fine_now();
    item.firing.redelivery = !ahead;
    item.firing.late = item.firing.lateness > m_options.late_after;
    if (!channels.empty()) {
      enqueue(std::move(item.firing), std::move(channels), ahead);
    }
  }
  if (!m_delivered.empty()) {
    flush_deliveries();
  }
  if (m_held > 0) {
    std::vector<Firing> held;
    for (const auto &item : m_outgoing) {
      if (item.held) {
        held.push_back(item.firing);
      }
    }
    spdlog::info("scheduler: {} reminder(s) recorded ahead of {} before the stop; holding them "
                 "until then",
                 m_held, core::format_iso_utc(held.front().fired_at));
    // Taken by an earlier process: whether an edit was committed after
    // that take cannot be known, so at their second they are put back and
    // taken again (fire()).
    m_held_version.reset();
    prepare_channels(held);
  }
  // Whatever fell due while the daemon was down fires now (late) or is
  // recorded as missed; then the timer is armed for the next one.
  fire();
}

void Scheduler::replan() { arm(); }

void Scheduler::stop() {
  if (m_stopped) {
    return;
  }
  m_stopped = true;
  m_timer->disarm();
  set_armed(std::nullopt);
  // Not yet handed to channels: they stay pending in the outbox and go out
  // at the next start, so nothing is lost by dropping them here.
  m_outgoing.clear();
  m_held = 0;
  m_held_checked = false;
}

void Scheduler::on_timer(Timer::Outcome outcome) {
  switch (outcome) {
  case Timer::Outcome::due:
    fire();
    return;
  case Timer::Outcome::clock_changed:
    // Re-read the clock: a step forward may have made reminders due, a step
    // back moves the wake-up later. fire() does both.
    spdlog::info("scheduler: the wall clock was set; re-planning");
    fire();
    return;
  case Timer::Outcome::cancelled:
    return;
  }
}

void Scheduler::arm() {
  if (!m_started || m_stopped) {
    return;
  }
  if (const auto second = held_for()) {
    // Nothing else is taken while a batch waits for its second.
    set_armed(second);
    m_timer->wait_until(*second, [this](Timer::Outcome outcome) { on_timer(outcome); });
    return;
  }
  std::optional<core::SysSeconds> next;
  if (auto read = m_queue.next_due()) {
    next = *read;
  } else {
    next = m_clock() + m_options.retry_after;
    spdlog::error("scheduler: cannot read the next due reminder: {}; trying again at {}",
                  read.error().message, core::format_iso_utc(*next));
  }
  if (!next) {
    m_timer->disarm();
    set_armed(std::nullopt);
    return;
  }
  set_armed(next);
  // Woken take_ahead before the second (at once when that has passed):
  // fire() takes the batch then and holds it.
  m_timer->wait_until(WallInstant(*next) - m_options.take_ahead,
                      [this](Timer::Outcome outcome) { on_timer(outcome); });
}

void Scheduler::fire() {
  if (!m_started || m_stopped) {
    return;
  }
  const auto fine = fine_now();
  const auto now = std::chrono::floor<core::Seconds>(fine);
  if (const auto second = held_for()) {
    if (WallInstant(*second) - fine > m_options.take_ahead + k_clock_slack) {
      // Taken for a second the clock, set back, puts far ahead again:
      // reminders due before it must not wait behind it. Taken again then.
      withdraw_held("the wall clock was set back");
    } else if (WallInstant(*second) > fine) {
      arm();   // not yet: never before its second
      drain(); // what is before it (a redelivery at start-up) goes now
      return;
    } else {
      if (!m_held_checked) {
        const auto version = m_queue.outside_writes();
        if (version && m_held_version && *version == *m_held_version) {
          m_held_checked = true;
        } else {
          // Something was committed since the take (an edit, a removal,
          // an add): take the batch again now, as it is now.
          withdraw_held(m_held_version ? "the database was changed after they were taken"
                                       : "taken before this start");
        }
      }
      if (m_held > 0) {
        drain();
        arm();
        return;
      }
    }
  }
  if (m_options.take_ahead.count() > 0) {
    const auto next = m_queue.next_due();
    if (next && *next && **next > now && WallInstant(**next) - m_options.take_ahead <= fine) {
      take_ahead(**next);
      return;
    }
  }
  const std::size_t limit =
      m_in_burst ? m_queue.batch_limit() : std::min(m_options.first_batch, m_queue.batch_limit());
  auto taken = m_queue.take_due(now, m_options.grace, channel_names(), limit);
  if (!taken) {
    // Nothing changed in the database (the transaction rolled back): try
    // again shortly rather than spin or give up.
    spdlog::error("scheduler: cannot record due reminders: {}; trying again in {}",
                  taken.error().message, core::format_duration_short(m_options.retry_after));
    set_armed(now + m_options.retry_after);
    m_timer->wait_until(*m_armed_for, [this](Timer::Outcome outcome) { on_timer(outcome); });
    return;
  }
  ReminderQueue::DueBatch batch = std::move(*taken);
  for (std::size_t i = 0; i < batch.missed.size() && i < k_missed_listed; ++i) {
    const auto &missed = batch.missed[i];
    spdlog::warn("missed {}: {} late, beyond the {} grace period", describe(missed),
                 core::format_duration_short(now - missed.due),
                 core::format_duration_short(m_options.grace));
  }
  if (batch.missed.size() > k_missed_listed) {
    spdlog::warn("missed {} more reminder(s); `summit missed` lists them all",
                 batch.missed.size() - k_missed_listed);
  }
  for (auto &firing : batch.fired) {
    firing.late = firing.lateness > m_options.late_after;
    enqueue(std::move(firing), {});
  }
  const bool full = batch.fired.size() + batch.missed.size() >= limit;
  m_in_burst = full;
  arm();
  if (m_armed_for && *m_armed_for <= now && !full) {
    // The queue still reports something due that take_due did not take
    // although it took less than a full batch: a store bug. Do not spin on
    // it. (After a full batch, arm() has the timer fire again at once for
    // the next one, behind the deliveries of this one.)
    set_armed(now + m_options.retry_after);
    spdlog::error("scheduler: a reminder due at or before {} was not taken; retrying at {}",
                  core::format_iso_utc(now), core::format_iso_utc(*m_armed_for));
    m_timer->wait_until(*m_armed_for, [this](Timer::Outcome outcome) { on_timer(outcome); });
  }
  drain();
}

void Scheduler::take_ahead(core::SysSeconds due) {
  // The whole second at once (up to the queue's batch), recorded as fired at
  // `due`: nothing else is taken until it is handed out.
  auto taken = m_queue.take_due(due, m_options.grace, channel_names(), m_queue.batch_limit());
  if (!taken) {
    spdlog::error("scheduler: cannot record the reminders due at {}: {}; trying again at {}",
                  core::format_iso_utc(due), taken.error().message, core::format_iso_utc(due));
    set_armed(due);
    m_timer->wait_until(due, [this](Timer::Outcome outcome) { on_timer(outcome); });
    return;
  }
  ReminderQueue::DueBatch batch = std::move(*taken);
  if (batch.fired.empty() && batch.missed.empty()) {
    // The queue said something was due then, but gave nothing: look again
    // at the second itself rather than spin on it.
    set_armed(due);
    m_timer->wait_until(due, [this](Timer::Outcome outcome) { on_timer(outcome); });
    return;
  }
  for (const auto &missed : batch.missed) {
    // Not expected (what fell due before `due` was taken before), but kept.
    spdlog::warn("missed {}: beyond the {} grace period", describe(missed),
                 core::format_duration_short(m_options.grace));
  }
  m_in_burst = batch.fired.size() + batch.missed.size() >= m_queue.batch_limit();
  if (!batch.fired.empty()) {
    m_held_version.reset();
    if (auto version = m_queue.outside_writes()) {
      m_held_version = *version;
    }
    m_held_checked = false;
    prepare_channels(batch.fired);
    for (auto &firing : batch.fired) {
      firing.late = firing.lateness > m_options.late_after;
      enqueue(std::move(firing), {}, true);
    }
  }
  arm();
  drain();
}

std::optional<core::SysSeconds> Scheduler::held_for() const {
  if (m_held == 0) {
    return std::nullopt;
  }
  for (const auto &item : m_outgoing) {
    if (item.held) {
      return item.firing.fired_at;
    }
  }
  return std::nullopt;
}

void Scheduler::withdraw_held(const char *why) {
  std::vector<Firing> held;
  for (auto &item : m_outgoing) {
    if (item.held) {
      held.push_back(std::move(item.firing));
    }
  }
  std::erase_if(m_outgoing, [](const Outgoing &item) { return item.held; });
  m_held = 0;
  m_held_checked = false;
  if (held.empty()) {
    return;
  }
  std::int64_t first = held.front().firing_id;
  for (const auto &firing : held) {
    first = std::min(first, firing.firing_id);
  }
  for (const auto &channel : m_channels) {
    try {
      channel->withdraw(first);
    } catch (const std::exception &e) {
      spdlog::error("channel '{}' failed to withdraw firings: {}", channel->name(), e.what());
    }
  }
  if (auto withdrawn = m_queue.withdraw(held); !withdrawn) {
    // Still recorded: handed out as they were taken, now.
    spdlog::error("scheduler: cannot put back {} reminder(s) taken ahead ({}: {}); delivering "
                  "them as taken",
                  held.size(), why, withdrawn.error().message);
    prepare_channels(held);
    for (auto &firing : held) {
      enqueue(std::move(firing), {}, true);
    }
    m_held_checked = true;
    return;
  }
  spdlog::info("scheduler: {} reminder(s) taken ahead of {} were put back ({}); taking them "
               "again",
               held.size(), core::format_iso_utc(held.front().fired_at), why);
}

void Scheduler::prepare_channels(const std::vector<Firing> &firings) {
  for (const auto &channel : m_channels) {
    try {
      channel->prepare(firings);
    } catch (const std::exception &e) {
      spdlog::error("channel '{}' failed to prepare firings: {}", channel->name(), e.what());
    }
  }
}

WallInstant Scheduler::fine_now() const {
  return m_options.fine_clock ? m_options.fine_clock() : WallInstant(m_clock());
}

bool Scheduler::handing_out() const { return m_outgoing.size() > m_held || m_held_checked; }

void Scheduler::enqueue(Firing firing, std::vector<std::shared_ptr<Channel>> channels, bool held) {
  m_outgoing.push_back(Outgoing{std::move(firing), std::move(channels), held});
  if (held) {
    ++m_held;
  }
}

void Scheduler::drain() {
  m_drain_posted = false;
  // The next batch: up to delivery_batch firings, stopping at a held one
  // whose second has not come (or not been checked: fire() does that).
  std::vector<Outgoing> batch;
  const auto fine = m_held > 0 ? fine_now() : WallInstant{};
  while (!m_outgoing.empty() && batch.size() < m_options.delivery_batch && !m_stopped) {
    Outgoing &front = m_outgoing.front();
    if (front.held) {
      if (!m_held_checked || WallInstant(front.firing.fired_at) > fine) {
        break;
      }
      if (--m_held == 0) {
        m_held_checked = false;
      }
    }
    batch.push_back(std::move(front));
    m_outgoing.pop_front();
  }
  const std::size_t handed = batch.size();
  // Channel by channel: the whole batch to one, then to the next, so that
  // the first registered (the subscribers' nudge) has it all at once.
  for (const auto &channel : m_channels) {
    for (const Outgoing &item : batch) {
      if (!item.channels.empty() &&
          std::find(item.channels.begin(), item.channels.end(), channel) == item.channels.end()) {
        continue;
      }
      auto on_delivered = [inbox = m_inbox, alive = std::weak_ptr<Scheduler *>(m_alive),
                           executor = m_executor, firing_id = item.firing.firing_id,
                           name = std::string(channel->name())] {
        // Channels may complete on any thread; the record is made on ours,
        // for all the completions of a batch at once.
        bool first = false;
        {
          const std::lock_guard lock(inbox->mutex);
          first = inbox->deliveries.empty();
          inbox->deliveries.push_back({firing_id, name});
        }
        if (first) {
          boost::asio::post(executor, [alive] {
            if (const auto self = alive.lock()) {
              (*self)->take_completions();
            }
          });
        }
      };
      try {
        channel->deliver(item.firing, std::move(on_delivered));
      } catch (const std::exception &e) {
        // Left pending in the outbox: delivered again at the next start.
        spdlog::error("channel '{}' failed on {}: {}", channel->name(), describe(item.firing),
                      e.what());
      }
    }
    if (handed > 0) {
      // The batch is handed out: a channel that gathers its work does it now.
      try {
        channel->flush();
      } catch (const std::exception &e) {
        spdlog::error("channel '{}' failed to flush its deliveries: {}", channel->name(), e.what());
      }
    }
  }
  if (!handing_out() && !m_delivered.empty()) {
    // All handed out: record what take_completions() kept back.
    boost::asio::post(m_executor, [alive = std::weak_ptr<Scheduler *>(m_alive)] {
      if (const auto self = alive.lock()) {
        (*self)->take_completions();
      }
    });
  }
  if (handing_out() && !m_stopped && !m_drain_posted) {
    // Let the loop serve clients between batches.
    m_drain_posted = true;
    boost::asio::post(m_executor, [alive = std::weak_ptr<Scheduler *>(m_alive)] {
      if (const auto self = alive.lock()) {
        (*self)->drain();
      }
    });
  }
}

void Scheduler::collect_completions() {
  const std::lock_guard lock(m_inbox->mutex);
  if (m_delivered.empty()) {
    m_delivered.swap(m_inbox->deliveries);
  } else {
    m_delivered.insert(m_delivered.end(), m_inbox->deliveries.begin(), m_inbox->deliveries.end());
    m_inbox->deliveries.clear();
  }
}

void Scheduler::take_completions() {
  collect_completions();
  if (handing_out() && !m_stopped && m_delivered.size() < k_record_at_least) {
    // A batch is still being handed out: its completions are recorded once
    // it is all out (drain posts this again), so that the outbox write, and
    // the WAL checkpoint it may do, never holds up the rest of the batch.
    return;
  }
  // One transaction for every completion so far.
  flush_deliveries();
}

void Scheduler::flush_deliveries() {
  auto deliveries = std::exchange(m_delivered, {});
  if (deliveries.empty()) {
    return;
  }
  if (auto recorded = m_queue.mark_delivered(deliveries); !recorded) {
    // At-least-once: still pending in the outbox, so they are delivered again
    // (marked redelivery) at the next start rather than lost.
    spdlog::error("scheduler: cannot record {} deliveries: {}", deliveries.size(),
                  recorded.error().message);
  }
}

void Scheduler::set_armed(std::optional<core::SysSeconds> when) {
  const bool changed = when != m_armed_for;
  m_armed_for = when;
  if (changed && m_options.on_armed) {
    m_options.on_armed(when);
  }
}

std::vector<std::string> Scheduler::channel_names() const {
  std::vector<std::string> names;
  names.reserve(m_channels.size());
  for (const auto &channel : m_channels) {
    names.emplace_back(channel->name());
  }
  return names;
}

std::shared_ptr<Channel> Scheduler::find_channel(std::string_view name) const {
  for (const auto &channel : m_channels) {
    if (channel->name() == name) {
      return channel;
    }
  }
  return nullptr;
}

} // namespace summit::scheduler
