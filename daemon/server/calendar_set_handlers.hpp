#pragma once

#include "daemon/server/dispatcher.hpp"
#include "daemon/store/calendar_store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace summit::store {
class EventStore;
}

namespace summit::server {

class SubscriptionPoller;
class CaldavSyncer;

// The calendars themselves (docs/PROTOCOL.md, docs/SYNC.md):
//  - calendar.add {name, subscribe? | caldav?, collection?, every?, user?,
//    password_file?, tz?}
//  - calendar.list {}
//  - calendar.remove {name}: the calendar and its events
//  - calendar.sync {name?, allow_deletions?}: fetch subscriptions and sync
//    CalDAV calendars now (answers when done)
// `poller` and `caldav` may be null (tests of the table alone): calendar.sync
// then fails with unavailable and nothing is polled.
class CalendarSetHandlers {
public:
  CalendarSetHandlers(store::EventStore &store, SubscriptionPoller *poller,
                      std::function<void()> on_change = {}, CaldavSyncer *caldav = nullptr);

  void register_with(Dispatcher &dispatcher);

  // calendar.add without discovery (a CalDAV calendar's collection is then
  // found at its first sync).
  HandlerResult add(const nlohmann::json &params, const CallContext &context);
  // calendar.add as registered: a CalDAV calendar's collection is found
  // first (CaldavSyncer::discover); a server that answers with several
  // collections and no `collection`, none, or a refusal is refused and
  // nothing is stored; one that cannot be reached is stored with a note.
  void add_checked(const nlohmann::json &params, const CallContext &context, DeferredReply reply);
  HandlerResult list(const nlohmann::json &params, const CallContext &context);
  HandlerResult remove(const nlohmann::json &params, const CallContext &context);
  void sync(const nlohmann::json &params, const CallContext &context, DeferredReply reply);

private:
  core::Result<store::Calendar> calendar_to_add(const nlohmann::json &params,
                                                const CallContext &context);
  HandlerResult store_added(store::Calendar calendar, const CallContext &context,
                            std::vector<std::string> notes);

  store::EventStore &m_store;
  store::CalendarStore m_calendars;
  SubscriptionPoller *m_poller;
  std::function<void()> m_on_change;
  CaldavSyncer *m_caldav;
};

// calendar.list's entry for one calendar.
nlohmann::json calendar_json(const store::Calendar &calendar);

// For event.add: takes "calendar" out of `params` (so that the event's own
// reading does not see it) and names the calendar the event goes to:
// nothing for personal. Refused, naming the calendar, when it does not
// exist or is a subscription (read-only). An event of a CalDAV calendar is
// pushed at its next sync.
core::Result<std::optional<store::Calendar>> take_calendar_param(nlohmann::json &params,
                                                                 store::EventStore &store);
// For event.list: the id of the calendar named `name`; not_found otherwise.
core::Result<std::int64_t> calendar_id_named(store::EventStore &store, const std::string &name);
// For event.update and event.remove: permission_denied when event `id`
// belongs to a subscription (read-only).
core::Result<void> check_event_writable(store::EventStore &store, std::int64_t id);

// The checks summitd makes of a password file before it records its path:
// absolute, a regular file owned by the client (`peer_uid`; root may name
// any), that summitd can read, not readable by group or others
// (core::check_password_file_mode) — unless it is in summitd's own
// $CREDENTIALS_DIRECTORY (a systemd credential, private to the service),
// which only root or summitd's own user may name. A file refused before it
// is known to be the client's gets one answer whatever the reason, so that
// a client learns nothing of files only summitd can see. Never reads the
// password.
core::Result<void> check_password_file(const std::string &path, std::uint32_t peer_uid);

} // namespace summit::server
