#pragma once

#include "core/clock.hpp"
#include "daemon/store/caldav_store.hpp"
#include "daemon/store/calendar_store.hpp"
#include "daemon/sync/caldav_sync.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace summit::store {
class EventStore;
}

namespace summit::server {

struct CaldavSyncOptions {
  // Runs a job on the network thread (sync::FetchThread::submit_job). Empty:
  // at once, on the caller's thread (tests).
  std::function<void(std::function<void(const std::function<bool()> &)>)> run_on_network;
  // Where fetched resources are parsed: the worker. Empty: at once.
  std::function<void(std::function<void()>)> run_on_workers;
  // Posts a job to the loop; callable from any thread. Empty: at once.
  std::function<void(std::function<void()>)> run_on_loop;
  // Called on the loop after a sync changed events (re-plan reminders).
  std::function<void()> on_change;
  // As PollerOptions: whether a write expected to hold SQLite's write lock
  // this long should wait (a reminder falls due before it would end); the
  // write then waits on the loop (run_on_loop_after_pause), at most
  // k_max_hold in all. Empty: never waits.
  std::function<bool(std::chrono::milliseconds expected)> hold_writes;
  std::function<void(std::function<void()>)> run_on_loop_after_pause;
  core::Clock clock = core::system_now;
  sync::FetchLimits limits = {32 * 1024 * 1024};
  // The mass-deletion guard: a pull that would remove more than this share
  // of a calendar stops until `summit sync --allow-deletions NAME`.
  double max_deletion_share = 0.5;
  // How soon after a local change its calendar is synced; 0: not then (only
  // on its interval and at summit sync).
  core::Seconds after_change{2};
  // The most events one resource may hold (a series and its overrides).
  std::size_t max_events_per_resource = 1000;
  // Progress of a sync that fetches at least this many resources is told
  // to the `summit sync` waiting for it (calendar.progress), at most once
  // per `progress_interval`, and always when the last is fetched. A smaller
  // sync says nothing.
  std::size_t progress_after = 1000;
  std::chrono::milliseconds progress_interval{250};
};

// When CalDAV calendar `calendar` syncs next on its own: at once when it
// never did; its interval after the last attempt (after a failure, the
// sooner of that and 30 minutes).
core::SysSeconds next_caldav_sync(const store::Calendar &calendar);

// Two-way sync of the CalDAV calendars (docs/SYNC.md): on the loop, the
// local changes are read and exported; on the network thread they are
// pushed and the server's changes pulled (sync::run_caldav_sync); on the
// worker the fetched resources are parsed; on the loop everything is
// written in one transaction (store::CaldavStore::apply). One sync per
// calendar at a time; `summit sync` joins the one under way. Syncs on the
// calendar's interval and `after_change` after a local change.
class CaldavSyncer {
public:
  // {name, outcome: "updated"|"unchanged"|"failed", added, updated, removed,
  // unchanged, pushed, conflicts, skipped, requests, error}.
  using Finished = std::function<void(nlohmann::json)>;
  // {name, fetched, total}: how far a large sync's fetch is.
  using Progress = std::function<void(const nlohmann::json &)>;

  CaldavSyncer(boost::asio::any_io_executor executor, store::EventStore &store,
               CaldavSyncOptions options);
  ~CaldavSyncer();
  CaldavSyncer(const CaldavSyncer &) = delete;
  CaldavSyncer &operator=(const CaldavSyncer &) = delete;

  // Syncs what is due and sets the timer for the next.
  void reschedule();
  // A local write happened: calendars with changes to push sync soon.
  void local_change();
  // Syncs `calendar` now; `done` gets what changed.
  // `progress`, when given, is told how far the fetch is (progress_after).
  void sync_now(const store::Calendar &calendar, bool allow_deletions, Finished done,
                Progress progress = {});
  // Finds the collection of `calendar` (not yet stored) on the network
  // thread; `done` is called on the loop.
  void discover(const store::Calendar &calendar, std::function<void(sync::Discovery)> done);
  // Shutdown: no more syncs; the calls waiting are answered "failed".
  void stop();

private:
  void begin(const store::Calendar &calendar, bool allow_deletions);
  void synced(const store::Calendar &calendar, bool allow_deletions, sync::SyncOutput output);
  void apply(const store::Calendar &calendar, bool allow_deletions, sync::SyncOutput output,
             std::vector<store::CaldavResource> parsed, std::vector<std::string> skipped,
             std::optional<std::chrono::steady_clock::time_point> held_since = std::nullopt);
  void finish(std::int64_t id, nlohmann::json outcome);
  void progressed(std::int64_t id, const std::string &name, std::size_t fetched, std::size_t total);

  store::EventStore &m_store;
  store::CalendarStore m_calendars;
  store::CaldavStore m_caldav;
  CaldavSyncOptions m_options;
  boost::asio::steady_timer m_timer;
  std::map<std::int64_t, std::vector<Finished>> m_waiting;
  std::map<std::int64_t, std::vector<Progress>> m_watching;
  std::map<std::int64_t, std::chrono::steady_clock::time_point> m_last_progress;
  std::optional<core::SysSeconds> m_soon; // a local change asks for a sync then
  // The authentication scheme each calendar's server asked for, learnt at
  // its last sync (memory only): later syncs send credentials at once.
  std::map<std::int64_t, unsigned long> m_auth;
  bool m_stopped = false;
  std::shared_ptr<CaldavSyncer *> m_self;
};

} // namespace summit::server
