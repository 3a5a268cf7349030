#pragma once

#include "core/event.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/store/event_store.hpp"

#include <date/tz.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace summit::core {
class Gazetteer;
} // namespace summit::core

namespace summit::server {

struct EventHandlerOptions {
  // Reminders given to a new event whose event.add params have no
  // "reminders" member (an explicit [] means none): durations such as "1d",
  // already checked by the configuration.
  std::vector<std::string> default_reminders;
  // Called after every successful add, update or remove (the daemon
  // re-plans the scheduler and refreshes its status). May be empty.
  std::function<void()> on_change;
  // Where event.list builds its pages. Both set (the daemon): on a worker
  // thread, with a read connection of the worker's own (`run_read` calls
  // the job there with it), and the reply comes back through `run_on_loop`;
  // the loop's open group of writes is committed first, so a page shows
  // every write made before its request; a null connection (it cannot be
  // opened) fails the list. Empty (tests): on the loop, with the handlers'
  // store.
  std::function<void(std::function<void(store::EventStore *)>)> run_read;
  std::function<void(std::function<void()>)> run_on_loop;
};

// The event.* methods of docs/PROTOCOL.md over an EventStore: add, get,
// list, update, remove. Events record the caller's uid as their owner; only
// the owner or root may update or remove one.
class EventHandlers {
public:
  // Both must outlive the handlers; `gazetteer` may be null (no zone
  // inference from locations).
  EventHandlers(store::EventStore &store, const core::Gazetteer *gazetteer,
                EventHandlerOptions options = {});

  // Registers the five methods; the dispatcher keeps a pointer to this.
  void register_with(Dispatcher &dispatcher);

  HandlerResult add(const nlohmann::json &params, const CallContext &context);
  HandlerResult get(const nlohmann::json &params, const CallContext &context);
  HandlerResult list(const nlohmann::json &params, const CallContext &context);
  HandlerResult update(const nlohmann::json &params, const CallContext &context);
  HandlerResult remove(const nlohmann::json &params, const CallContext &context);

private:
  void changed() const;
  core::Result<store::ListQuery> list_query(const nlohmann::json &params,
                                            const CallContext &context) const;
  // event.list on the worker (run_read).
  void list_elsewhere(const nlohmann::json &params, const CallContext &context,
                      DeferredReply reply);
  // event.update naming an occurrence: `occurrence` (change that one),
  // `cancel_occurrence` (an EXDATE) or `from_occurrence` (split the series).
  HandlerResult update_occurrence(core::Event series, nlohmann::json changes,
                                  const CallContext &context);

  store::EventStore &m_store;
  const core::Gazetteer *m_gazetteer;
  EventHandlerOptions m_options;
};

// Only the owner or root may change an event (or snooze its reminders):
// permission_denied naming the owner otherwise.
core::Result<void> check_owner(const core::Event &event, const CallContext &context);

// For methods whose only param is "id" (event.get, event.remove,
// event.explain): reads it, refuses any other member, and loads the event.
core::Result<core::Event> event_named_by_id(const nlohmann::json &params, store::EventStore &store);

// The range [from, to) of event.list and calendar.export from their params
// from, to and tz: instants stand alone; wall times, dates and months are in
// tz (invalid_params naming tz when it is absent). A date or month used as
// `to` means its end (to=2025-09 is all of September). Without from the
// range starts at `default_begin`; without to it has no end.
core::Result<core::TimeRange> read_range(const std::optional<std::string> &from,
                                         const std::optional<std::string> &to,
                                         const std::optional<std::string> &tz,
                                         core::SysSeconds default_begin);

// The result of event.list for `page` (docs/PROTOCOL.md): `events` in list
// order, each occurrence only with what is its own; `series`, each series
// of those occurrences once, by id; `more`; and `next`, the cursor to pass
// as `after` for the rest (null when there is none). Entries are taken in
// order while the result stays within `max_bytes` on the wire (the first
// always); `more` is then true and `next` resumes after the last one taken.
nlohmann::json list_reply(const store::ListPage &page, std::size_t max_bytes);

// event.list's cursor, "START/ID" or "START/ID/OCCURRENCE" (the unix start
// of the entry, its event id, and an occurrence's RECURRENCE-ID): plain
// text, to paste as it is. decode refuses, naming `after`, anything else.
std::string encode_list_cursor(const store::ListQuery::Cursor &cursor);
core::Result<store::ListQuery::Cursor> decode_list_cursor(const std::string &text);

// "permission denied: event 7 is owned by uid 1001 (alice)"; the name is
// left out when the uid has no passwd entry.
std::string permission_denied_message(std::int64_t id, std::uint32_t owner_uid);

} // namespace summit::server
