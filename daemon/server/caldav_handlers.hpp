#pragma once

#include "daemon/server/dispatcher.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace summit::store {
class EventStore;
}

namespace summit::server {

class CaldavSyncer;

// The conflicts of two-way CalDAV sync (docs/SYNC.md, docs/PROTOCOL.md):
//  - calendar.conflicts {name?}: the local changes a server refused (412),
//    kept while the server's version holds the calendar
//  - calendar.resolve {id, keep: "local"|"server"}: "server" drops the
//    record; "local" writes the kept version back (an edit or an addition:
//    the event as it was here; a removal: removes the event), to be pushed
//    at the next sync, and drops the record
class CaldavHandlers {
public:
  CaldavHandlers(store::EventStore &store, CaldavSyncer *syncer, std::function<void()> on_change);

  void register_with(Dispatcher &dispatcher);

  HandlerResult conflicts(const nlohmann::json &params, const CallContext &context);
  HandlerResult resolve(const nlohmann::json &params, const CallContext &context);

private:
  store::EventStore &m_store;
  CaldavSyncer *m_syncer;
  std::function<void()> m_on_change;
};

} // namespace summit::server
