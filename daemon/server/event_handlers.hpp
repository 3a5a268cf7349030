#pragma once

#include "daemon/server/dispatcher.hpp"

namespace summit::core {
class ZoneGazetteer;
}
namespace summit::store {
class EventStore;
}

namespace summit::server {

// The event.* methods of docs/PROTOCOL.md over an EventStore: add, get,
// list, update, remove. Events record the caller's uid as their owner; only
// the owner or root may update or remove one.
class EventHandlers {
public:
  // Both must outlive the handlers; `gazetteer` may be null (no zone
  // inference from locations).
  EventHandlers(store::EventStore &store, const core::ZoneGazetteer *gazetteer);

  // Registers the five methods; the dispatcher keeps a pointer to this.
  void register_with(Dispatcher &dispatcher);

  HandlerResult add(const nlohmann::json &params, const CallContext &context);
  HandlerResult get(const nlohmann::json &params, const CallContext &context);
  HandlerResult list(const nlohmann::json &params, const CallContext &context);
  HandlerResult update(const nlohmann::json &params, const CallContext &context);
  HandlerResult remove(const nlohmann::json &params, const CallContext &context);

private:
  store::EventStore &m_store;
  const core::ZoneGazetteer *m_gazetteer;
};

// "permission denied: event 7 is owned by uid 1001 (alice)"; the name is
// left out when the uid has no passwd entry.
std::string permission_denied_message(std::int64_t id, std::uint32_t owner_uid);

} // namespace summit::server
