#pragma once

#include "core/error.hpp"
#include "core/time_range.hpp"
#include "daemon/scheduler/reminder_queue.hpp"
#include "daemon/store/event_store.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace summit::store {

// A fired (or missed) reminder as `summit missed` / `summit status` show it.
struct FiredReminder {
  scheduler::Firing firing; // reminder_id, event snapshot, due, fired_at, lateness
  bool missed = false;
  std::optional<core::SysSeconds> acked_at;
};

// Counts for `summit status`.
struct ReminderStats {
  std::int64_t pending = 0;
  std::int64_t fired = 0;  // delivered or being delivered
  std::int64_t late = 0;   // fired more than `late_after` after their due instant
  std::int64_t missed = 0; // fell due beyond the grace period while the daemon was down
  std::int64_t undelivered = 0;
  std::optional<core::SysSeconds> next_due;
  std::optional<std::int64_t> next_event_id;
};

// The reminder schedule and outbox over the EventStore's database (schema
// 2; the owed deliveries as ranges of firing ids since schema 4). Implements
// the scheduler's ReminderQueue, set-wise: take_due and mark_delivered cost a
// handful of statements per batch, not per firing. The user-facing methods
// (snooze, ack, missed, stats) return Results like the EventStore.
//
// Planning (which instances exist, reminder_planning) happens in
// EventStore::add/update, in the same transaction as the event write, and
// here for the next occurrence of a series; this class takes instances off
// the schedule and records what became of them. Every write of an instance
// goes through ReminderInstances.
class ReminderStore final : public scheduler::ReminderQueue {
public:
  // `events` must outlive this object. Fails when the database has no
  // schedule tables (schema older than 2).
  static core::Result<std::unique_ptr<ReminderStore>> open(EventStore &events);
  ~ReminderStore() override;

  // scheduler::ReminderQueue (a database failure is a storage error, after
  // rolling back; the scheduler logs and retries).
  core::Result<std::optional<core::SysSeconds>> next_due() override;
  using scheduler::ReminderQueue::take_due;
  core::Result<DueBatch> take_due(core::SysSeconds now, core::Seconds grace,
                                  const std::vector<std::string> &channels,
                                  std::size_t limit) override;
  core::Result<std::vector<Undelivered>> undelivered() override;
  core::Result<void> mark_delivered(const std::vector<Delivery> &deliveries) override;
  core::Result<void> withdraw(const std::vector<scheduler::Firing> &held) override;
  core::Result<std::int64_t> outside_writes() override;
  // A burst is recorded and delivered this many at a time.
  std::size_t batch_limit() const override { return k_batch_limit; }
  static constexpr std::size_t k_batch_limit = 1000;

  // Plans a new instance of a fired or missed reminder `duration` after
  // `now`; returns its (new) reminder id. `not_found` for an unknown
  // reminder or one whose event was removed; `conflict` for one still pending.
  core::Result<std::int64_t> snooze(std::int64_t reminder_id, core::Seconds duration,
                                    core::SysSeconds now);
  // Marks a fired reminder acknowledged (idempotent). `not_found` when it
  // never fired; `conflict` while it is still pending.
  core::Result<void> ack(std::int64_t reminder_id, core::SysSeconds now);
  // The event a reminder belongs to (for permission checks), or not_found.
  core::Result<std::int64_t> event_of(std::int64_t reminder_id);
  // Missed reminders, newest first.
  core::Result<std::vector<FiredReminder>> missed(std::size_t limit);
  core::Result<ReminderStats> stats(core::Seconds late_after);
  // The firing log, read by cursor (reminder.subscribe): firings with an id
  // above `after`, in id order, at most `limit` rows looked at; the fired
  // ones (not missed) are returned with their snapshot.
  struct LogPage {
    std::vector<scheduler::Firing> fired;
    std::int64_t first_scanned = 0; // 0 when no row was found
    std::int64_t scanned_to = 0;    // `after` when no row was found
    std::size_t scanned = 0;        // rows looked at (missed ones too)
  };
  core::Result<LogPage> firings_after(std::int64_t after, std::size_t limit);
  // The highest firing id recorded (0 when none).
  core::Result<std::int64_t> last_firing_id();
  // The highest firing id below every firing recorded ahead of a second
  // still to come (fired_at > now: taken ahead, SchedulerOptions::take_ahead,
  // and not to be shown before it); last_firing_id() when there is none.
  // Such firings are the newest of the log, so the walk is from its end.
  core::Result<std::int64_t> last_released_firing_id(core::SysSeconds now);
  // Removes from the log at most `limit` of the oldest firings that fired
  // before `before` and that no channel still owes (the newest firing always
  // stays, so ids keep counting up); returns how many went. Oldest first:
  // the walk stops at the first firing too recent to go, so its cost is the
  // number removed.
  core::Result<std::int64_t> prune_firings(core::SysSeconds before, std::size_t limit);

  // The pending instances of one event, by due (for `summit explain`).
  core::Result<std::vector<std::pair<std::int64_t, core::SysSeconds>>>
  pending_for_event(std::int64_t event_id);

private:
  struct Impl;
  ReminderStore(EventStore &events, std::unique_ptr<Impl> impl);
  // The statements, prepared again after the event store reopened.
  Impl &impl();
  // Commits the event store's open group, then EventStore::ensure_file.
  core::Result<void> ensure_file();
  // The bodies of take_due and undelivered: they throw, and the public
  // methods answer with a Result (guarded).
  DueBatch take_due_now(core::SysSeconds now, core::Seconds grace,
                        const std::vector<std::string> &channels, std::size_t limit);
  std::vector<Undelivered> undelivered_now();
  EventStore &m_events;
  std::unique_ptr<Impl> m_impl;
};

} // namespace summit::store
