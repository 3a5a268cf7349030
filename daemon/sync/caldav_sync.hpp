#pragma once

#include "daemon/sync/caldav_client.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

// The network half of one CalDAV calendar's sync (docs/SYNC.md): pushes the
// local changes, then pulls the server's. Knows nothing of the store: the
// loop prepares a SyncInput from the database and applies the SyncOutput in
// one transaction. Runs on the network thread.
namespace summit::sync {

// One local change to push.
struct PushItem {
  enum class Kind { create, change, remove };
  Kind kind = Kind::create;
  std::string uid;
  std::string title;
  std::string href; // a path; empty for create (put under the collection, named by UID)
  std::string etag; // the last one seen (change, remove)
  std::string ics;  // create, change: what is PUT
  std::int64_t event_id = 0;
  std::string snapshot; // the event as pushed (to see a change made meanwhile)
};

struct SyncInput {
  std::string name;           // the calendar's, for messages
  std::string url;            // as added: a collection or a server
  std::string collection;     // the collection's display name or last segment, to choose
  std::string collection_url; // found by an earlier sync; empty: discover
  std::string user;
  std::string password_file; // read now, for this sync only
  std::string sync_token;
  std::string ctag;
  std::map<std::string, std::string> known; // href path -> etag
  std::vector<PushItem> pushes;
  FetchLimits limits = {};
  unsigned long auth = 0; // the scheme the last sync learnt (CaldavAccount::auth)
  // Told, on the network thread, how many of the changed resources are
  // fetched so far (after each multiget of 100), and of how many.
  std::function<void(std::size_t fetched, std::size_t total)> progress;
};

struct PushOutcome {
  enum class Result { done, conflict, gone };
  PushItem item;
  Result result = Result::done;
  std::string etag; // done: the new one ("" when the server sent none)
};

struct SyncOutput {
  std::string collection_url;
  std::vector<PushOutcome> pushed;
  std::vector<DavEntry> fetched; // href path, etag, calendar_data
  std::vector<std::string> gone; // href paths the server no longer holds
  std::string sync_token;
  std::string ctag;
  bool token_reset = false; // the token was refused: a full comparison was made
  unsigned long auth = 0;   // the authentication scheme learnt, for the next sync
  bool unchanged = false;   // getctag unchanged and nothing pushed: no pull
  std::size_t requests = 0;
  std::vector<std::string> notes; // for the sync's report
  std::string error;              // set: the sync stopped there (what was pushed is listed)
};

// Runs the sync described by `input`. Never throws.
SyncOutput run_caldav_sync(const SyncInput &input, const std::function<bool()> &cancelled);

// Where a CalDAV calendar's collection is (discovery, when it is added).
struct Discovery {
  std::string collection_url; // empty: not found
  std::string error;
  // The server answered and the answer refuses the calendar (several
  // collections and none chosen, none, no such collection, 401): not to be
  // stored. Otherwise (the server cannot be reached) it may be stored and
  // the collection looked for at the first sync.
  bool refused = false;
};
Discovery discover_collection(const SyncInput &input, const std::function<bool()> &cancelled);

// The path a new event's resource gets under `collection_path`: its UID,
// with anything but letters, digits, '-', '_', '.' and '~' percent-encoded
// (as href_path spells it).
std::string resource_path(const std::string &collection_path, const std::string &uid);

// Reads the password file (first line, no line end). Never logs it.
core::Result<std::string> read_password_file(const std::string &path);

} // namespace summit::sync
