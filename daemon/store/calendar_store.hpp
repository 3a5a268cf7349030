#pragma once

#include "core/error.hpp"
#include "core/event.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace summit::store {

class EventStore;

// One calendar (schema 009, docs/SYNC.md). No credential is ever held
// here: a CalDAV calendar keeps a user name and a password file's path.
struct Calendar {
  std::int64_t id = 0;
  std::string name;
  std::string kind; // "local", "subscription", "caldav"
  std::string url;
  core::Seconds every{0};
  std::string user_name;
  std::string password_file;
  std::string tz = "UTC";
  std::uint32_t owner_uid = 0;
  std::string etag;
  std::string last_modified;
  std::optional<core::SysSeconds> last_attempt;
  std::optional<core::SysSeconds> last_success;
  std::string state;
  std::string error;
  core::SysSeconds created{};
  // CalDAV (schema 010): the collection to choose on a server with several,
  // the collection's URL once found, its sync-token and getctag.
  std::string collection;
  std::string collection_url;
  std::string sync_token;
  std::string ctag;
  std::int64_t events = 0; // filled by list() only
};

// What an event is, leaving out what a new version from a server never
// changes (id, owner, created, updated): two versions are the same event
// when these are equal (as calendar.import compares).
nlohmann::json comparable_event(const core::Event &event);

// What one fetch of a subscription did to its calendar.
struct SubscriptionChange {
  std::int64_t added = 0;
  std::int64_t updated = 0;
  std::int64_t removed = 0;
  std::int64_t unchanged = 0;
  // Events left out, each with why ("uid X is already in calendar personal").
  std::vector<std::string> skipped;
  // How long the comparison (reads only) and the write (one transaction,
  // holding SQLite's write lock) took: for the log and the benchmark.
  std::chrono::milliseconds compared_in{0};
  std::chrono::milliseconds written_in{0};
};

// What a new version of a subscription changes, worked out with reads only
// (CalendarStore::plan_replacement), to be written by apply_replacement.
struct ReplacementPlan {
  std::vector<core::Event> added;
  std::vector<core::Event> updated; // each with the id of the event it replaces
  std::vector<std::int64_t> removed;
  std::int64_t unchanged = 0;
  std::vector<std::string> skipped;
  std::chrono::milliseconds compared_in{0};
};

// The calendars table and the calendar of each event, over an EventStore's
// connection. Calendars change rarely: statements are prepared per call
// (which also survives the store reopening its file). Every method answers
// with a Result; nothing throws.
class CalendarStore {
public:
  explicit CalendarStore(EventStore &events) : m_events(events) {}

  // Every calendar in id order (personal first), with its event count
  // when `count_events` (an index walk over each calendar's events: the
  // poller, which runs after every fetch, does without).
  core::Result<std::vector<Calendar>> list(bool count_events = true);
  core::Result<std::optional<Calendar>> find(const std::string &name);
  // The calendar of event `event_id` (personal for an unknown id).
  core::Result<Calendar> of_event(std::int64_t event_id);
  // Inserts `calendar` (id and created are set here); conflict when the
  // name is taken, over_budget past core::k_max_calendars.
  core::Result<Calendar> add(Calendar calendar, core::SysSeconds now);
  // Removes the calendar and every event in it in one transaction; returns
  // how many events went. personal cannot be removed.
  core::Result<std::int64_t> remove(std::int64_t id);
  // Puts event `event_id` in calendar `calendar_id` (a write of its own:
  // call it inside write_together with the add).
  core::Result<void> assign(std::int64_t event_id, std::int64_t calendar_id);
  // Records a failed fetch: state "error", the message, the attempt time.
  // The calendar's events and validators stay as they were.
  core::Result<void> record_failure(std::int64_t id, const std::string &error,
                                    core::SysSeconds now);
  // Records a fetch the server answered 304 Not Modified.
  core::Result<void> record_unchanged(std::int64_t id, core::SysSeconds now);
  // Replaces the events of subscription `id` with `events` (drafted from the
  // fetched file, each with a uid) by UID, in one transaction with the new
  // validators: an event whose UID is new is added, one whose content
  // changed is updated (its reminders re-planned), one that is the same is
  // not touched (nor its reminders), and the calendar's events whose UID is
  // gone are removed. An event whose UID another calendar holds is skipped
  // and said so. Nothing is changed when it fails.
  core::Result<SubscriptionChange> replace_events(std::int64_t id, std::vector<core::Event> events,
                                                  const std::string &etag,
                                                  const std::string &last_modified,
                                                  core::SysSeconds now);
  // replace_events in two steps, so that the first can run on another
  // connection (the worker's read connection): which events are new,
  // changed, the same or gone (reads only) ...
  core::Result<ReplacementPlan> plan_replacement(std::int64_t id, std::vector<core::Event> events);
  // ... and the one transaction that writes them with the validators. A
  // plan made on another connection may be stale by a write in between (an
  // import adding a UID of the feed): the transaction then fails whole,
  // changing nothing, and the next fetch plans again.
  core::Result<SubscriptionChange> apply_replacement(std::int64_t id, ReplacementPlan plan,
                                                     const std::string &etag,
                                                     const std::string &last_modified,
                                                     core::SysSeconds now);

private:
  EventStore &m_events;
};

} // namespace summit::store
