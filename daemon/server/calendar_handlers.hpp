#pragma once

#include "daemon/server/dispatcher.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace summit::store {
class EventStore;
}

namespace summit::server {

struct CalendarHandlerOptions {
  // The most iCalendar text summitd holds for imports being uploaded, all
  // connections together: past it import.chunk is refused (and nothing is
  // lost: the client can commit what it sent or try later).
  std::size_t max_staged_bytes = 64 * 1024 * 1024;
  // Called after an import that wrote something. May be empty.
  std::function<void()> on_change;
};

// iCalendar import and export (docs/PROTOCOL.md):
//  - calendar.import {ics, tz, dry_run}: one text, one transaction;
//  - import.begin {tz} / import.chunk {import, text} / import.commit
//    {import, dry_run} / import.abort {import}: the same for a file larger
//    than a request line, sent in pieces on one connection;
//  - calendar.export {from, to, tz, tag, after, limit}: the calendar as
//    RFC 5545 text, a page at a time.
// An import adds events whose UID is new and updates those whose UID is
// known (so importing a file twice changes nothing the second time), all in
// one transaction: a file that cannot be read changes nothing. Components
// that cannot be used are skipped, each with its line and reason. Events
// owned by another user are skipped, not changed (unless the caller is root).
class CalendarHandlers {
public:
  // `store` must outlive the handlers.
  CalendarHandlers(store::EventStore &store, CalendarHandlerOptions options = {});

  void register_with(Dispatcher &dispatcher);

  HandlerResult import_calendar(const nlohmann::json &params, const CallContext &context);
  HandlerResult import_begin(const nlohmann::json &params, const CallContext &context);
  HandlerResult import_chunk(const nlohmann::json &params, const CallContext &context);
  HandlerResult import_commit(const nlohmann::json &params, const CallContext &context);
  HandlerResult import_abort(const nlohmann::json &params, const CallContext &context);
  HandlerResult export_calendar(const nlohmann::json &params, const CallContext &context);

  // Bytes held for uploads in progress (for tests and daemon.status).
  std::size_t staged_bytes() const { return m_staged_bytes; }

private:
  struct Upload {
    std::weak_ptr<Connection> connection; // only this connection may use it
    std::string tz;
    std::string text;
  };
  // The upload named by params.import, checked against the caller.
  core::Result<std::map<std::int64_t, Upload>::iterator> upload_of(const nlohmann::json &params,
                                                                   const CallContext &context);
  // Drops uploads whose connection has gone.
  void forget_closed();
  HandlerResult run_import(const std::string &text, const std::string &tz, bool dry_run,
                           const CallContext &context);

  store::EventStore &m_store;
  CalendarHandlerOptions m_options;
  std::map<std::int64_t, Upload> m_uploads;
  std::int64_t m_next_upload = 1;
  std::size_t m_staged_bytes = 0;
};

} // namespace summit::server
