#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "daemon/store/calendar_store.hpp"
#include "daemon/sync/http_fetch.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
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

struct PollerOptions {
  // Hands a fetch to the network thread (sync::FetchThread); `done` may be
  // called on any thread. Empty: sync::fetch at once, on the caller's thread
  // (tests).
  std::function<void(sync::FetchRequest, std::function<void(sync::FetchResult)> done)> fetch;
  // Where a fetched file is parsed and its events checked: the worker.
  // Empty: at once.
  std::function<void(std::function<void()>)> run_on_workers;
  // Set (the daemon): the parsing runs here instead, on the worker with its
  // read connection, and the comparison with the calendar too
  // (CalendarStore::plan_replacement), so that the loop only writes. A
  // null connection leaves the comparison to the loop.
  std::function<void(std::function<void(store::EventStore *)>)> run_read;
  // Posts a job to the loop; callable from any thread. Empty: at once.
  std::function<void(std::function<void()>)> run_on_loop;
  // Called on the loop after a fetch changed events (re-plan reminders).
  std::function<void()> on_change;
  // Whether a write expected to hold SQLite's write lock this long should
  // not start now (a reminder falls due before it would end, or is being
  // taken). Empty: never. While it says so, the replacement waits on the
  // loop (run_on_loop_after_pause), at most k_max_hold in all, then goes.
  std::function<bool(std::chrono::milliseconds expected)> hold_writes;
  std::function<void(std::function<void()>)> run_on_loop_after_pause;
  core::Clock clock = core::system_now;
  sync::FetchLimits limits = {};
  // The most events one subscription may hold: a larger feed is refused
  // and the calendar kept as it was (its replacement is one transaction).
  std::size_t max_events = 5000;
};

// How long a replacement of `events` events may hold the write lock, as
// hold_writes is asked (measured: 5,000 new events in about 0.56 s on the
// reference machine, docs/SYNC.md; 150 us each leaves a margin).
std::chrono::milliseconds expected_write(std::size_t events);
// The longest a replacement waits for reminders to go first.
inline constexpr std::chrono::seconds k_max_hold{10};

// When subscription `calendar` is fetched next: at once when it never was;
// after a failed attempt, the sooner of its interval and 30 minutes after
// it; else its interval after the last attempt.
core::SysSeconds next_poll(const store::Calendar &calendar);

// The events of a fetched feed, each checked as event.add checks one: what
// the worker hands back to the loop.
struct DraftedFeed {
  std::vector<core::Event> events;
  // Compared on the worker's read connection already (run_read).
  std::optional<store::ReplacementPlan> plan;
  std::vector<std::string> skipped; // each with its line and why
  // What was changed on the way in, as `summit import` says it ("line 12:
  // SUMMARY is 100000 bytes long; it was cut to 1000"): the first
  // k_max_feed_notes, and how many there were in all.
  std::vector<std::string> notes;
  std::size_t notes_count = 0;
  std::string error; // set: the file as a whole is refused
};
// The notes a sync's reply and log line list by name; the rest are counted.
inline constexpr std::size_t k_max_feed_notes = 20;
// Parses `body` (iCalendar; floating times in `tz`) into events owned by
// `owner`, stamped `now`. Pure but for libical: runs on the worker.
DraftedFeed draft_feed(const std::string &body, const std::string &tz, std::uint32_t owner,
                       core::SysSeconds now, std::size_t max_events, const std::string &url);

// Polls the subscribed calendars (docs/SYNC.md): one timer on the loop for
// the earliest due; the fetch on the network thread, the parsing on the
// worker, the replacement of the calendar's events on the loop in one
// transaction (CalendarStore::replace_events). A calendar is fetched by
// one job at a time; `summit sync` joins the one under way.
class SubscriptionPoller {
public:
  // The result of one calendar's sync, for calendar.sync:
  // {name, outcome: "updated"|"unchanged"|"failed", added, updated,
  // removed, unchanged, skipped, error}.
  using Finished = std::function<void(nlohmann::json)>;

  SubscriptionPoller(boost::asio::any_io_executor executor, store::EventStore &store,
                     PollerOptions options);
  ~SubscriptionPoller();
  SubscriptionPoller(const SubscriptionPoller &) = delete;
  SubscriptionPoller &operator=(const SubscriptionPoller &) = delete;

  // Fetches what is due now and sets the timer for the next; call at
  // start-up and after a calendar is added or removed.
  void reschedule();
  // Fetches `calendar` now, due or not; `done` gets what changed.
  void sync_now(const store::Calendar &calendar, Finished done);
  // Shutdown: no more fetches; the syncs waiting are answered "failed".
  void stop();
  // Calendars with a fetch under way (for status and tests).
  std::size_t in_flight() const { return m_waiting.size(); }

private:
  void begin(const store::Calendar &calendar);
  void fetched(store::Calendar calendar, sync::FetchResult result);
  // `held_since`: when this replacement first waited for reminders.
  void apply(const store::Calendar &calendar, const sync::FetchResult &result, DraftedFeed feed,
             std::optional<std::chrono::steady_clock::time_point> held_since = std::nullopt);
  void finish(std::int64_t id, nlohmann::json outcome);
  void post(const std::function<void(std::function<void()>)> &where, std::function<void()> job);

  store::EventStore &m_store;
  store::CalendarStore m_calendars;
  PollerOptions m_options;
  boost::asio::steady_timer m_timer;
  // Calendars being fetched, each with the calls waiting for it.
  std::map<std::int64_t, std::vector<Finished>> m_waiting;
  // When each calendar's last automatic fetch began (this run).
  std::map<std::int64_t, core::SysSeconds> m_begun;
  bool m_stopped = false;
  // Jobs on other threads hold a weak copy: dropped after destruction.
  std::shared_ptr<SubscriptionPoller *> m_self;
};

} // namespace summit::server
