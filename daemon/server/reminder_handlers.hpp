#pragma once

#include "core/reminder_plan.hpp"
#include "daemon/server/dispatcher.hpp"

#include <functional>

namespace summit::store {
class EventStore;
class ReminderStore;
} // namespace summit::store

namespace summit::server {

// The reminder methods of docs/PROTOCOL.md that read or change the
// schedule: reminder.snooze, reminder.ack, reminder.missed and
// event.explain. (reminder.subscribe belongs to the SubscriberChannel.)
// Snoozing and acknowledging are for the event's owner or root, like
// event.update.
class ReminderHandlers {
public:
  // Both stores must outlive the handlers. `plan` must be the options the
  // store plans with (event.explain names each pending instance's reminder
  // by recomputing the plan). `on_change` runs after a successful snooze
  // (the daemon re-plans the scheduler); it may be empty.
  ReminderHandlers(store::EventStore &events, store::ReminderStore &reminders,
                   core::ReminderPlanOptions plan, std::function<void()> on_change = {});

  void register_with(Dispatcher &dispatcher);

  // {"reminder_id": N, "duration": "15m"} -> {"reminder_id": NEW, "due": "...Z"}
  HandlerResult snooze(const nlohmann::json &params, const CallContext &context);
  // {"reminder_id": N} -> {"acked": N}
  HandlerResult ack(const nlohmann::json &params, const CallContext &context);
  // {"limit": 100} -> {"missed": [...]}, newest first
  HandlerResult missed(const nlohmann::json &params, const CallContext &context);
  // {"id": N} -> {"event", "reminders": [...], "zone_changes": [...]}
  HandlerResult explain(const nlohmann::json &params, const CallContext &context);

private:
  // The reminder's event, if the caller may change it.
  core::Result<std::int64_t> owned_event_of(std::int64_t reminder_id, const CallContext &context);

  store::EventStore &m_events;
  store::ReminderStore &m_reminders;
  core::ReminderPlanOptions m_plan;
  std::function<void()> m_on_change;
};

} // namespace summit::server
