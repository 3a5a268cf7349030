#pragma once

#include "core/time_range.hpp"
#include "daemon/server/dispatcher.hpp"

#include <string>

namespace summit::store {
class EventStore;
class ReminderStore;
} // namespace summit::store

namespace summit::server {

class SubscriberFeed;

// What daemon.status reports besides what the store knows.
struct DaemonInfo {
  std::string socket;
  std::string database;
  std::string mode;   // "user" or "system"
  std::string tzdata; // "2026f", or "" when unknown
  core::SysSeconds started{};
};

// daemon.status: version, pid, uptime, event count, schema and tzdata
// versions, paths and mode, and with a ReminderStore the reminder counts and
// the next due reminder; with a SubscriberFeed, each subscriber: its uid,
// pid, cursor, how many firings it has yet to receive and the bytes queued
// for it that it has not read.
class StatusHandler {
public:
  // `reminders` may be null (no "reminders" member); `late_after` is what
  // counts as late (the scheduler's setting).
  StatusHandler(store::EventStore &store, DaemonInfo info,
                store::ReminderStore *reminders = nullptr,
                core::Seconds late_after = core::Seconds{60}, SubscriberFeed *feed = nullptr);

  void register_with(Dispatcher &dispatcher);
  HandlerResult status(const nlohmann::json &params, const CallContext &context);

private:
  store::EventStore &m_store;
  DaemonInfo m_info;
  store::ReminderStore *m_reminders;
  core::Seconds m_late_after;
  SubscriberFeed *m_feed;
};

} // namespace summit::server
