#pragma once

#include "core/error.hpp"
#include "core/event.hpp"
#include "daemon/store/calendar_store.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace summit::store {

class EventStore;

// A local change of a CalDAV calendar not yet on the server (schema 010):
// an event without a resource (create), a resource marked dirty (change),
// a resource whose event was removed here (remove).
struct CaldavPending {
  enum class Kind { create, change, remove };
  Kind kind = Kind::create;
  std::string uid;
  std::string title;
  std::string href; // create: empty (the syncer names it)
  std::string etag;
  std::optional<core::Event> event; // create, change
  // change: the server's last text of the resource (schema 013), onto
  // which the edit is put (ical::merge_resource); empty: not kept.
  std::string server_ics;
};

// What the server made of one pushed change.
struct CaldavPushed {
  enum class Result { done, conflict, gone };
  CaldavPending change;
  Result result = Result::done;
  std::string href;
  std::string etag;        // done: the new one
  std::string local_ics;   // conflict: the local version, kept
  std::string pushed_ics;  // done: the text the server now holds (kept, schema 013)
  nlohmann::json snapshot; // the event as it was pushed
};

// One resource fetched from the server, parsed: normally one event (a series
// with its overrides folded in).
struct CaldavResource {
  std::string href;
  std::string etag;
  std::vector<core::Event> events; // empty: no event of summit's (a VTODO...)
  std::string ics;                 // the text, kept when at most k_max_kept_resource
};

// The most of a resource's text kept to push edits onto (schema 013).
inline constexpr std::size_t k_max_kept_resource = 1024 * 1024;

struct CaldavPull {
  std::string collection_url;
  std::vector<CaldavResource> fetched;
  std::vector<std::string> gone; // hrefs
  std::string sync_token;
  std::string ctag;
  bool pulled = true; // false: the sync stopped before the pull (only pushes to record)
  std::string error;  // recorded as the calendar's error after the pushes
};

struct CaldavChange {
  std::int64_t added = 0;
  std::int64_t updated = 0;
  std::int64_t removed = 0;
  std::int64_t unchanged = 0;
  std::int64_t pushed = 0;
  std::int64_t conflicts = 0;
  std::vector<std::string> skipped;
  // The mass-deletion guard stopped the pull: it would have removed
  // `would_remove` of the calendar's `held` events.
  bool guarded = false;
  std::int64_t would_remove = 0;
  std::int64_t held = 0;
};

struct CaldavConflict {
  std::int64_t id = 0;
  std::string calendar;
  std::int64_t calendar_id = 0;
  std::string uid;
  std::string title;
  std::string kind; // "edit", "removal", "addition"
  std::string local_ics;
  core::SysSeconds created{};
};

// The mass-deletion guard: a pull that would remove more than this share
// of a calendar's events, and at least k_min_guarded_removals, stops until
// the user allows it.
inline constexpr std::int64_t k_min_guarded_removals = 3;

// One sync pushes at most this many local changes, and reads server copies
// (for the edits' merge) up to this many bytes: 1,000 edited resources with
// 1 MiB copies were held at once. The rest go in the next sync, started
// right after (CaldavSyncer).
inline constexpr std::size_t k_max_pushes_per_sync = 500;
inline constexpr std::size_t k_max_push_copy_bytes = 32U * 1024U * 1024U;

// The CalDAV side of the database (schema 010): resources, pending changes
// and conflicts, over an EventStore's connection. Every method answers with
// a Result; nothing throws.
class CaldavStore {
public:
  explicit CaldavStore(EventStore &events) : m_events(events) {}

  // The local changes of calendar `id` to push, creates first: at most
  // `most` of them, and no more once the server copies read with them
  // (each up to k_max_kept_resource) reach `most_bytes` (at least one is
  // returned). The rest stay pending for the next sync.
  core::Result<std::vector<CaldavPending>> pending(std::int64_t id,
                                                   std::size_t most = k_max_pushes_per_sync,
                                                   std::size_t most_bytes = k_max_push_copy_bytes);
  // How many there are (calendar list).
  core::Result<std::int64_t> pending_count(std::int64_t id);
  // Every resource the server held at the last sync: href -> etag.
  core::Result<std::map<std::string, std::string>> known(std::int64_t id);
  // Records the pushes and applies the pull in one transaction (docs/SYNC.md):
  // events added, updated and removed by UID and href, reminders re-planned
  // through the event store; a removal of more than `max_share` of the
  // calendar (and at least k_min_guarded_removals) is refused unless
  // `allow_deletions`, and then nothing of the pull is written (the pushes
  // are). Nothing is written when it fails.
  core::Result<CaldavChange> apply(const Calendar &calendar,
                                   const std::vector<CaldavPushed> &pushed, const CaldavPull &pull,
                                   bool allow_deletions, double max_share, core::SysSeconds now);
  // Conflicts of calendar `id`, or of every calendar when 0.
  core::Result<std::vector<CaldavConflict>> conflicts(std::int64_t id);
  core::Result<std::int64_t> conflict_count(std::int64_t id);
  core::Result<std::optional<CaldavConflict>> conflict(std::int64_t conflict_id);
  // Drops a conflict record (a write of its own: inside write_together).
  core::Result<void> drop_conflict(std::int64_t conflict_id);
  // The event of calendar `calendar_id` with this UID, if any.
  core::Result<std::optional<core::Event>> event_with_uid(std::int64_t calendar_id,
                                                          const std::string &uid);

private:
  EventStore &m_events;
};

} // namespace summit::store
