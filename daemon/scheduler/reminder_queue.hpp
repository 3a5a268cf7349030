#pragma once

#include "core/error.hpp"
#include "daemon/scheduler/firing.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace summit::scheduler {

// What the scheduler needs from storage: the pending reminder instances and
// the outbox of firings and their deliveries. The store implements it over
// SQLite; tests use an in-memory fake. The scheduler knows nothing else of
// the database.
//
// Words used below:
//  - a *pending instance* is a reminder's next due instant that has not been
//    taken yet (a reminder of an event, or a snoozed one re-entered);
//  - a *firing* is an instance taken by take_due: an outbox row with its own
//    firing_id, carrying the reminder_id and a snapshot of the event;
//  - a *pending delivery* is (firing_id, channel name): recorded in the same
//    transaction as the firing, removed by mark_delivered. A firing is
//    delivered when it has no pending delivery left.
//
// Every method is called on the scheduler's thread only. A database failure
// is answered as an error (ErrorCode::storage) and must leave the data as it
// was (the transaction rolls back); the scheduler logs it and retries later.
class ReminderQueue {
public:
  virtual ~ReminderQueue() = default;

  // The due instant of the earliest pending instance, or nothing when none is
  // pending. An indexed lookup (ORDER BY due LIMIT 1), not a scan: it runs
  // after every firing and every replan.
  virtual core::Result<std::optional<core::SysSeconds>> next_due() = 0;

  struct DueBatch {
    std::vector<Firing> fired;  // to deliver now
    std::vector<Firing> missed; // recorded only: older than the grace period
  };

  // In ONE transaction (the outbox): every pending instance with due <= now
  // stops being pending, or, when more are due than `limit` (at most
  // batch_limit()), the first `limit` of them in (due, id) order (the
  // scheduler takes the rest at once, after delivering these: the first of a
  // burst goes out without waiting for the last to be recorded). Those with
  // now - due <= grace become firings
  // (fired_at = now, lateness = now - due, event snapshot via
  // fill_event_fields) with one pending delivery per name in `channels`;
  // older ones are recorded as missed (`summit missed` lists them) and never
  // delivered. Both lists are ordered by (due, reminder_id, firing_id), the
  // order channels see them in. Nothing due gives two empty lists. `late` and
  // `redelivery` are left false (the scheduler sets them).
  virtual core::Result<DueBatch> take_due(core::SysSeconds now, core::Seconds grace,
                                          const std::vector<std::string> &channels,
                                          std::size_t limit) = 0;
  // take_due() with the largest batch the queue takes.
  core::Result<DueBatch> take_due(core::SysSeconds now, core::Seconds grace,
                                  const std::vector<std::string> &channels) {
    return take_due(now, grace, channels, batch_limit());
  }
  // The most take_due() takes at once.
  virtual std::size_t batch_limit() const { return static_cast<std::size_t>(-1); }

  struct Undelivered {
    Firing firing;
    std::vector<std::string> channels; // names still pending, never empty
  };

  // Firings that still have a pending delivery (the daemon stopped or
  // crashed before the channel finished), ordered by (due, reminder_id,
  // firing_id), each with the same firing_id and reminder_id as when it
  // fired. Called once at start-up.
  virtual core::Result<std::vector<Undelivered>> undelivered() = 0;

  // Undoes take_due for firings taken early and not yet handed to any
  // channel (`held`: the newest firings of the outbox, as take_due returned
  // them, each due at or after its fired_at - the second it was taken
  // for). In ONE transaction: the firings and the deliveries owed for them
  // go, each instance is pending again unless it has been acknowledged
  // meanwhile, and each event is planned again as an edit plans it, from
  // just before the firing's due (so an instance an edit has moved or
  // removed meanwhile is not taken again, and the next occurrence a
  // recurring event's take planned goes). The next take numbers its
  // firings from the highest id left, so it reuses theirs (the log keeps no
  // holes); whoever prepared something from them is told first
  // (Channel::withdraw). Fails, changing nothing, when a firing newer than
  // `held` exists.
  virtual core::Result<void> withdraw(const std::vector<Firing> &held) {
    (void)held;
    return core::fail(core::ErrorCode::storage, "this queue cannot withdraw firings");
  }

  // A number that changes whenever a write by anyone but this queue (the
  // request side's connection) has been committed since it was last read:
  // SQLite's data_version. The scheduler compares it before releasing a
  // batch taken early: unchanged, nothing can have edited it meanwhile.
  virtual core::Result<std::int64_t> outside_writes() { return 0; }

  struct Delivery {
    std::int64_t firing_id = 0;
    std::string channel;
  };

  // Removes these pending deliveries, all in one transaction (the scheduler
  // batches the completions of one loop turn). Idempotent: a delivery
  // already removed or a firing that no longer exists is ignored.
  virtual core::Result<void> mark_delivered(const std::vector<Delivery> &deliveries) = 0;
};

} // namespace summit::scheduler
