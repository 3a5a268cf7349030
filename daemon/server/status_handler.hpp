#pragma once

#include "core/time_range.hpp"
#include "daemon/server/dispatcher.hpp"

#include <string>

namespace summit::store {
class EventStore;
}

namespace summit::server {

// What daemon.status reports besides what the store knows.
struct DaemonInfo {
  std::string socket;
  std::string database;
  std::string mode;   // "user" or "system"
  std::string tzdata; // "2026f", or "" when unknown
  core::SysSeconds started{};
};

// daemon.status: version, pid, uptime, event count, schema and tzdata
// versions, paths and mode.
class StatusHandler {
public:
  StatusHandler(store::EventStore &store, DaemonInfo info);

  void register_with(Dispatcher &dispatcher);
  HandlerResult status(const nlohmann::json &params, const CallContext &context);

private:
  store::EventStore &m_store;
  DaemonInfo m_info;
};

} // namespace summit::server
