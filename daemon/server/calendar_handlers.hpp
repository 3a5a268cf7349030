#pragma once

#include "core/event.hpp"
#include "daemon/server/dispatcher.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace summit::store {
class EventStore;
}

namespace summit::server {

struct CalendarHandlerOptions {
  // The most iCalendar text summitd holds for imports being uploaded, all
  // connections together: past it import.chunk is refused (and nothing is
  // lost: the client can commit what it sent or try later).
  std::size_t max_staged_bytes = 64 * 1024 * 1024;
  // The same for the uploads of one uid (all its connections together), so
  // that one user cannot take the whole quota.
  std::size_t max_staged_bytes_per_uid = 16 * 1024 * 1024;
  // Uploads one connection may have begun and not yet committed or aborted;
  // past it import.begin is refused.
  std::size_t max_uploads_per_connection = 4;
  // Called after an import that wrote something. May be empty.
  std::function<void()> on_change;
  // Where the parsing of an import runs: hands a job to the worker pool
  // (the daemon's, of one thread). Empty: at once, on the caller's thread.
  std::function<void(std::function<void()>)> run_on_workers;
  // Posts a job to the back of the loop's queue: how a parsed import comes
  // back to the loop, and how it yields between its chunks. Must be
  // callable from a worker thread. Empty: at once (tests of the handlers).
  std::function<void(std::function<void()>)> run_on_loop;
  // Imports in progress at once (parsing or writing), all clients
  // together; past it calendar.import and import.commit are refused with
  // "busy, try again" and change nothing.
  std::size_t max_imports = 4;
  // An import writes in chunks of at most this many events, each its own
  // transaction, yielding to the loop between them (and a chunk ends
  // early past k_chunk_budget).
  std::size_t chunk_events = 500;
  // While this says so, an import's next chunk waits behind what the loop
  // has queued (checked before the chunk and again once it holds the write
  // lock): the firing thread is taking due reminders that subscribers have
  // not been told of yet, or the feed has a page queued for a subscriber
  // that keeps up. Empty: never.
  std::function<bool()> hold_writes;
  // How a held chunk looks again: on the loop after a short pause (so that
  // the loop does not spin while it waits), posted to the back of its
  // queue like run_on_loop. Empty: run_on_loop.
  std::function<void(std::function<void()>)> run_on_loop_after_pause;
  // For tests: told after each chunk of an import is written (or, in a dry
  // run, checked), with its number (from 1).
  std::function<void(std::size_t chunk)> on_chunk;
};

// iCalendar import and export (docs/PROTOCOL.md):
//  - calendar.import {ics, tz, dry_run, request_key}: one text;
//  - import.begin {tz} / import.chunk {import, text} / import.commit
//    {import, dry_run, request_key} / import.abort {import}: the same for a
//    file larger than a request line, sent in pieces on one connection;
//  - calendar.export {from, to, tz, tag, after, limit}: the calendar as
//    RFC 5545 text, a page at a time.
// An import adds events whose UID is new and updates those whose UID is
// known (so importing a file twice changes nothing the second time).
// The file is parsed and every event checked on the worker pool, off the
// loop, before anything is written: a file that cannot be read changes
// nothing. The writes then run on the loop in chunks, each its own short
// transaction (SQLite has one writer: a long one would hold the firing
// path's outbox write back); only a storage failure between chunks leaves
// part of a file written, and the reply says so. Components that cannot be
// used are skipped, each with its line and reason. Events owned by another
// user are skipped, not changed (unless the caller is root).
class CalendarHandlers {
public:
  // `store` must outlive the handlers.
  CalendarHandlers(store::EventStore &store, CalendarHandlerOptions options = {});

  void register_with(Dispatcher &dispatcher);

  // Answer through `reply`, at once (bad params, busy) or once written.
  void import_calendar(const nlohmann::json &params, const CallContext &context,
                       DeferredReply reply);
  HandlerResult import_begin(const nlohmann::json &params, const CallContext &context);
  HandlerResult import_chunk(const nlohmann::json &params, const CallContext &context);
  void import_commit(const nlohmann::json &params, const CallContext &context, DeferredReply reply);
  HandlerResult import_abort(const nlohmann::json &params, const CallContext &context);
  HandlerResult export_calendar(const nlohmann::json &params, const CallContext &context);

  // Bytes held for uploads in progress (for tests and daemon.status).
  std::size_t staged_bytes() const { return m_staged_bytes; }
  // Imports being parsed or written.
  std::size_t imports_in_progress() const { return m_imports; }
  // Uploads held, and connections holding one (for tests: the bookkeeping
  // stays bounded).
  std::size_t upload_count() const { return m_uploads.size(); }
  std::size_t uploading_connections() const { return m_open_per_connection.size(); }

private:
  struct Upload {
    std::weak_ptr<Connection> connection; // only this connection may use it
    std::uint32_t uid = 0;                // the caller of import.begin
    std::string tz;
    std::string text;
  };
  using Uploads = std::map<std::int64_t, Upload>;
  // The upload named by params.import, checked against the caller.
  core::Result<Uploads::iterator> upload_of(const nlohmann::json &params,
                                            const CallContext &context);
  // Looks at the next `steps` uploads in id order, round robin, and drops
  // those whose connection has gone: O(steps * log n) per call. With each
  // begin, chunk and abort looking at two, an upload of a closed connection
  // is gone within n/2 such calls (n uploads held), while at most n/2 new
  // ones could begin: the uploads held stay within a small multiple of
  // max_uploads_per_connection times the connections open.
  void forget_closed(std::size_t steps);
  // Removes an upload and its bytes from every count; returns it.
  Upload take(Uploads::iterator upload);
  struct ImportJob;
  // Parses on the workers, then writes chunk by chunk; answers `reply`.
  void run_import(std::string text, std::string tz, bool dry_run, std::optional<std::string> key,
                  std::string_view method, const CallContext &context, const DeferredReply &reply);
  // Reads the import's next batch on a worker, then writes it (write_chunk).
  void read_batch(std::shared_ptr<ImportJob> job);
  // Decides and writes (or, in a dry run, only decides) the next chunk;
  // posts the one after it, or answers.
  void write_chunk(const std::shared_ptr<ImportJob> &job);
  // For a series an import is about to write (`series`, the calendar's
  // event with its UID in `existing`): joins to it the changes of its
  // occurrences that an earlier import stored alone (Event::lone_change),
  // removing their single events, and keeps those it no longer gives as
  // events of their own (one that shares the series' UID gets another).
  // Inside the chunk's write; writes nothing in a dry run.
  core::Result<void> join_waiting_changes(ImportJob &job, int line, core::Event &series,
                                          std::optional<core::Event> &existing);
  // write_chunk again, after a pause when the options give one.
  void retry_chunk(const std::shared_ptr<ImportJob> &job);
  void finish(const std::shared_ptr<ImportJob> &job, HandlerResult result);
  // The reply: what was added, updated, left unchanged and skipped.
  static nlohmann::json summary_of(ImportJob &job);

  store::EventStore &m_store;
  CalendarHandlerOptions m_options;
  Uploads m_uploads;
  std::int64_t m_next_upload = 1;
  std::int64_t m_sweep_next = 1; // where forget_closed() looks next
  std::size_t m_staged_bytes = 0;
  std::size_t m_imports = 0;
  // (uid, request_key) of the imports in progress: a retry sent while the
  // first is still running is told to wait for it.
  std::set<std::pair<std::uint32_t, std::string>> m_running_keys;
  std::map<std::uint32_t, std::size_t> m_staged_per_uid; // no zero entries
  // Uploads held per connection; an entry goes with the connection's last
  // upload. Keyed by the connection's control block, which the key keeps
  // alive: a new connection at the same address is never mistaken for it.
  std::map<std::weak_ptr<Connection>, std::size_t, std::owner_less<>> m_open_per_connection;
};

} // namespace summit::server
