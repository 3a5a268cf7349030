#include "daemon/server/status_handler.hpp"

#include "daemon/server/param_reader.hpp"
#include "daemon/store/event_store.hpp"

#include <unistd.h>

namespace summit::server {

StatusHandler::StatusHandler(store::EventStore &store, DaemonInfo info)
    : m_store(store), m_info(std::move(info)) {}

void StatusHandler::register_with(Dispatcher &dispatcher) {
  dispatcher.add("daemon.status",
                 [this](const auto &params, const auto &context) { return status(params, context); });
}

HandlerResult StatusHandler::status(const nlohmann::json &params, const CallContext &context) {
  if (auto unknown = ParamReader(params).reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  auto events = m_store.count();
  if (!events) {
    return tl::unexpected(events.error());
  }
  const auto uptime = context.now > m_info.started ? (context.now - m_info.started).count() : 0;
  return nlohmann::json{
      {"version", SUMMIT_VERSION},
      {"pid", static_cast<std::int64_t>(::getpid())},
      {"uptime_seconds", uptime},
      {"events", *events},
      {"schema_version", m_store.schema_version()},
      {"tzdata", m_info.tzdata},
      {"socket", m_info.socket},
      {"database", m_info.database},
      {"mode", m_info.mode},
  };
}

} // namespace summit::server
