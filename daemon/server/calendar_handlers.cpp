#include "daemon/server/calendar_handlers.hpp"

#include "core/event_json.hpp"
#include "core/event_params.hpp"
#include "core/ical/ics_export.hpp"
#include "core/ical/ics_import.hpp"
#include "core/ical/ics_lone_change.hpp"
#include "core/ical/ics_vtimezone.hpp"
#include "core/ical/recurrence.hpp"
#include "core/page_limits.hpp"
#include "core/param_reader.hpp"
#include "core/protocol.hpp"
#include "core/zones.hpp"
#include "daemon/server/calendar_set_handlers.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/server/request_key.hpp"
#include "daemon/store/event_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

namespace summit::server {
namespace {

using nlohmann::json;

constexpr std::int64_t k_default_export_page = 1000;
constexpr std::int64_t k_max_export_page = 10000;
// The changes of one series stored alone that importing the series joins
// (more stay single events until the series is imported again).
constexpr std::size_t k_max_waiting_changes = 1000;
// A series' rdates, exdates and overrides together (docs/PROTOCOL.md, Limits).
constexpr std::size_t k_max_recurrence_entries = 4000;
// A reply lists this many notes at most; the rest are counted.
constexpr std::size_t k_max_notes = 200;
// A reply lists this many skipped components, and counts them all: a file of
// 500,000 empty VEVENTs made a 39 MB reply (931 MB of summitd at its peak,
// and 4.6 s of the loop serializing it).
constexpr std::size_t k_max_skipped_listed = 200;
// Uploads import.begin/chunk/abort look at for a closed connection (see
// forget_closed); a chunk about to be refused for the quota looks at more.
constexpr std::size_t k_sweep_steps = 2;
constexpr std::size_t k_sweep_steps_before_refusal = 64;

// What an event is, leaving out what an import never changes.
json comparable(const core::Event &event) {
  json out = core::event_to_json(event);
  for (const char *key : {"id", "owner_uid", "created", "updated"}) {
    out.erase(key);
  }
  return out;
}

// The cursor of calendar.export: where the next page starts and the zones
// the pages so far used (their VTIMEZONEs come with the last page). Opaque
// to clients.
std::string encode_cursor(const core::Event &last, const std::set<std::string> &zones) {
  return json{
      {"start", last.start_utc.time_since_epoch().count()}, {"id", last.id}, {"zones", zones}}
      .dump();
}

struct ExportCursor {
  store::ListQuery::Cursor after;
  std::set<std::string> zones;
};

core::Result<ExportCursor> decode_cursor(const std::string &text) {
  const json parsed = json::parse(text, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("start") || !parsed["start"].is_number_integer() ||
      !parsed.contains("id") || !parsed["id"].is_number_integer() || !parsed.contains("zones") ||
      !parsed["zones"].is_array()) {
    return core::fail_field("after", "is not a cursor summitd gave (pass the `next` of the "
                                     "previous page as it is)");
  }
  ExportCursor cursor;
  cursor.after.start_utc = core::SysSeconds{core::Seconds{parsed["start"].get<std::int64_t>()}};
  cursor.after.id = parsed["id"].get<std::int64_t>();
  for (const auto &zone : parsed["zones"]) {
    if (!zone.is_string() || !core::find_zone(zone.get<std::string>())) {
      return core::fail_field("after", "names an unknown zone; it is not a cursor summitd "
                                       "gave");
    }
    cursor.zones.insert(zone.get<std::string>());
  }
  return cursor;
}

core::Result<std::string> read_zone(core::ParamReader &reader) {
  auto tz = reader.optional_string("tz");
  if (!tz) {
    return tl::unexpected(tz.error());
  }
  if (!*tz || (*tz)->empty()) {
    return core::fail_field("tz", "is required: the importing user's IANA zone, used for "
                                  "times without a zone (summitd never guesses one from its "
                                  "host)");
  }
  auto zone = core::find_zone(**tz);
  if (!zone) {
    return core::fail_field("tz", zone.error().message);
  }
  return (*zone)->name();
}

} // namespace

CalendarHandlers::CalendarHandlers(store::EventStore &store, CalendarHandlerOptions options)
    : m_store(store), m_options(std::move(options)) {
  m_options.max_uploads_per_connection =
      std::max<std::size_t>(m_options.max_uploads_per_connection, 1);
}

void CalendarHandlers::register_with(Dispatcher &dispatcher) {
  dispatcher.add_deferred(core::protocol::calendar_import,
                          [this](const auto &p, const auto &c, auto reply) {
                            import_calendar(p, c, std::move(reply));
                          });
  dispatcher.add(core::protocol::import_begin,
                 [this](const auto &p, const auto &c) { return import_begin(p, c); });
  dispatcher.add(core::protocol::import_chunk,
                 [this](const auto &p, const auto &c) { return import_chunk(p, c); });
  dispatcher.add_deferred(
      core::protocol::import_commit,
      [this](const auto &p, const auto &c, auto reply) { import_commit(p, c, std::move(reply)); });
  dispatcher.add(core::protocol::import_abort,
                 [this](const auto &p, const auto &c) { return import_abort(p, c); });
  dispatcher.add(core::protocol::calendar_export,
                 [this](const auto &p, const auto &c) { return export_calendar(p, c); });
}

void CalendarHandlers::forget_closed(std::size_t steps) {
  for (std::size_t i = 0; i < steps && !m_uploads.empty(); ++i) {
    auto it = m_uploads.lower_bound(m_sweep_next);
    if (it == m_uploads.end()) {
      it = m_uploads.begin(); // round robin: start again from the oldest
    }
    m_sweep_next = it->first + 1;
    auto connection = it->second.connection.lock();
    if (!connection || connection->closed()) {
      take(it);
    }
  }
}

CalendarHandlers::Upload CalendarHandlers::take(Uploads::iterator upload) {
  Upload taken = std::move(upload->second);
  m_uploads.erase(upload);
  const std::size_t size = taken.text.size();
  m_staged_bytes -= size;
  if (auto uid = m_staged_per_uid.find(taken.uid); uid != m_staged_per_uid.end()) {
    uid->second -= std::min(uid->second, size);
    if (uid->second == 0) {
      m_staged_per_uid.erase(uid);
    }
  }
  if (auto open = m_open_per_connection.find(taken.connection);
      open != m_open_per_connection.end() && --open->second == 0) {
    m_open_per_connection.erase(open);
  }
  return taken;
}

void CalendarHandlers::import_calendar(const json &params, const CallContext &context,
                                       DeferredReply reply) {
  core::ParamReader reader(params);
  auto ics = reader.optional_string("ics");
  if (!ics) {
    return reply(tl::unexpected(ics.error()));
  }
  auto tz = read_zone(reader);
  if (!tz) {
    return reply(tl::unexpected(tz.error()));
  }
  auto dry_run = reader.optional_bool("dry_run");
  if (!dry_run) {
    return reply(tl::unexpected(dry_run.error()));
  }
  reader.optional_string("request_key");
  auto key = read_request_key(params);
  if (!key) {
    return reply(tl::unexpected(key.error()));
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return reply(tl::unexpected(unknown.error()));
  }
  if (!*ics) {
    return reply(core::fail_field("ics", "is required: the iCalendar text (for a file larger "
                                         "than a request line, use import.begin/chunk/commit)"));
  }
  run_import(std::move(**ics), std::move(*tz), dry_run->value_or(false), std::move(*key),
             core::protocol::calendar_import, context, reply);
}

HandlerResult CalendarHandlers::import_begin(const json &params, const CallContext &context) {
  core::ParamReader reader(params);
  auto tz = read_zone(reader);
  if (!tz) {
    return tl::unexpected(tz.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  if (context.connection.expired()) {
    return core::fail(core::ErrorCode::unavailable,
                      "import.begin needs a connection to hold the upload; use calendar.import");
  }
  forget_closed(k_sweep_steps);
  auto &open = m_open_per_connection[context.connection];
  if (open >= m_options.max_uploads_per_connection) {
    return core::fail(core::ErrorCode::unavailable,
                      fmt::format("this connection already has {} uploads in progress, the most "
                                  "one connection may hold (limits.max_uploads_per_connection); "
                                  "commit or abort one (import.commit, import.abort) first",
                                  open));
  }
  ++open;
  const std::int64_t id = m_next_upload++;
  m_uploads.emplace(id, Upload{context.connection, context.peer.uid, *tz, {}});
  return json{{"import", id}};
}

core::Result<CalendarHandlers::Uploads::iterator>
CalendarHandlers::upload_of(const json &params, const CallContext &context) {
  const auto member = params.find("import");
  if (member == params.end() || !member->is_number_integer()) {
    return core::fail_field("import", "is required: the number import.begin gave");
  }
  const auto found = m_uploads.find(member->get<std::int64_t>());
  const auto caller = context.connection.lock();
  if (found == m_uploads.end() || found->second.connection.lock() != caller) {
    return core::fail(core::ErrorCode::not_found,
                      fmt::format("no import {} on this connection (an upload belongs to the "
                                  "connection that began it and ends with it)",
                                  member->dump()));
  }
  return found;
}

HandlerResult CalendarHandlers::import_chunk(const json &params, const CallContext &context) {
  forget_closed(k_sweep_steps); // before the look-up: it may drop only other connections' uploads
  auto upload = upload_of(params, context);
  if (!upload) {
    return tl::unexpected(upload.error());
  }
  core::ParamReader reader(params);
  reader.optional_integer("import", 1, std::numeric_limits<std::int64_t>::max());
  auto text = reader.optional_string("text");
  if (!text) {
    return tl::unexpected(text.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  if (!*text) {
    return core::fail_field("text", "is required: the next piece of the file");
  }
  const std::size_t size = (*text)->size();
  auto held_by_caller = [&]() -> std::size_t {
    const auto uid = m_staged_per_uid.find(context.peer.uid);
    return uid == m_staged_per_uid.end() ? 0 : uid->second;
  };
  auto would_pass = [&] {
    return std::pair{m_staged_bytes + size > m_options.max_staged_bytes,
                     held_by_caller() + size > m_options.max_staged_bytes_per_uid};
  };
  if (auto [total, own] = would_pass(); total || own) {
    // Uploads of connections that closed a moment ago may still count: look
    // at a few more before refusing (still a bounded cost).
    forget_closed(k_sweep_steps_before_refusal);
    upload = upload_of(params, context); // the caller's own is not dropped, but look again
    if (!upload) {
      return tl::unexpected(upload.error());
    }
  }
  if (auto [total, own] = would_pass(); own && held_by_caller() == (*upload)->second.text.size()) {
    // All the caller has staged is this upload: the file itself is too large.
    return core::fail(
        core::ErrorCode::unavailable,
        fmt::format("the file is larger than the {} bytes one user may upload at once "
                    "(limits.max_staged_bytes_per_uid); nothing was imported: split it into "
                    "smaller files, or raise limits.max_staged_bytes_per_uid",
                    m_options.max_staged_bytes_per_uid));
  } else if (own) {
    return core::fail(
        core::ErrorCode::unavailable,
        fmt::format("uid {} already has {} bytes of uploads in progress; this piece of {} bytes "
                    "would pass the {} bytes one user may stage (limits.max_staged_bytes_per_uid). "
                    "Commit or abort your other uploads, send smaller files, or raise "
                    "limits.max_staged_bytes_per_uid",
                    context.peer.uid, held_by_caller(), size, m_options.max_staged_bytes_per_uid));
  } else if (total) {
    return core::fail(core::ErrorCode::unavailable,
                      fmt::format("summitd holds at most {} MiB of uploads in progress; this "
                                  "piece would pass that. Commit what was sent, or try later",
                                  m_options.max_staged_bytes / (1024 * 1024)));
  }
  Upload &staged = (*upload)->second;
  staged.text += **text;
  m_staged_bytes += size;
  m_staged_per_uid[staged.uid] += size;
  return json{{"import", (*upload)->first}, {"received", staged.text.size()}};
}

void CalendarHandlers::import_commit(const json &params, const CallContext &context,
                                     DeferredReply reply) {
  auto upload = upload_of(params, context);
  if (!upload) {
    return reply(tl::unexpected(upload.error()));
  }
  core::ParamReader reader(params);
  reader.optional_integer("import", 1, std::numeric_limits<std::int64_t>::max());
  auto dry_run = reader.optional_bool("dry_run");
  if (!dry_run) {
    return reply(tl::unexpected(dry_run.error()));
  }
  reader.optional_string("request_key");
  auto key = read_request_key(params);
  if (!key) {
    return reply(tl::unexpected(key.error()));
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return reply(tl::unexpected(unknown.error()));
  }
  Upload staged = take(*upload);
  run_import(std::move(staged.text), std::move(staged.tz), dry_run->value_or(false),
             std::move(*key), core::protocol::import_commit, context, reply);
}

HandlerResult CalendarHandlers::import_abort(const json &params, const CallContext &context) {
  forget_closed(k_sweep_steps);
  auto upload = upload_of(params, context);
  if (!upload) {
    return tl::unexpected(upload.error());
  }
  core::ParamReader reader(params);
  reader.optional_integer("import", 1, std::numeric_limits<std::int64_t>::max());
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  const std::int64_t id = (*upload)->first;
  take(*upload);
  return json{{"aborted", id}};
}

// One import, from its request to its reply. Owned by the shared_ptrs of
// the job in hand (the worker's while it parses, then the loop's): never by
// the handlers, so that a daemon stopping mid-import frees it with the loop.
struct CalendarHandlers::ImportJob {
  ImportJob(CallContext context_, DeferredReply reply_)
      : context(std::move(context_)), reply(std::move(reply_)) {}

  // The request.
  CallContext context;
  DeferredReply reply;
  std::string text;
  std::string tz;
  bool dry_run = false;
  std::optional<std::string> key;
  std::string_view method; // a core::protocol name (static)

  // Read on the workers, a batch at a time: the reader holds views into
  // `text` until it has read it all. Only the worker touches these three
  // (and uid_line); what it read crosses to the loop as a Batch.
  std::unique_ptr<ical::CalendarReader> reader;

  // Adopted on the loop from each Batch.
  std::optional<core::Error> unreadable; // the file cannot be read: nothing is written
  bool read_all = false;
  std::size_t total = 0; // the file's events (series)
  // Each UID's first line, across batches, by a 64-bit hash of the UID (a
  // 90,000-event file's UIDs as strings took 6 MB; two UIDs of one file
  // sharing a hash, one chance in about 10^9 for such a file, would skip the
  // second as used again). A tree, not a hash table: its cost stays
  // O(log n) whatever hashes a crafted file's UIDs have.
  std::map<std::uint64_t, int> uid_line;
  struct Candidate {
    core::Event event;
    int line = 0;
    std::string summary;
    // A change of one occurrence whose series was not in the file
    // (ImportedEvent): joined to that series when the calendar has it.
    std::string recurrence_id;
    std::string series_uid;
  };
  std::vector<Candidate> candidates; // the batch in hand
  // One batch as the worker reads it, while the loop writes the one before
  // (issue 17: the parse no longer waits for the writes, nor they for it).
  struct Batch {
    std::vector<Candidate> candidates;
    struct Skipped {
      int line;
      std::string uid;
      std::string summary;
      std::string reason;
    };
    std::vector<Skipped> skipped;
    std::vector<std::string> notes;
    std::optional<core::Error> unreadable;
    bool read_all = false;
    std::size_t total = 0;
  };
  std::optional<Batch> ready;     // read, waiting for the loop to finish the one in hand
  bool reading = false;           // a read is on the worker
  bool waiting_for_read = false;  // the loop wrote its batch and waits for the next
  bool finished = false;          // answered: what the worker still brings back is dropped
  json skipped = json::array();   // the first k_max_skipped_listed
  std::size_t skipped_count = 0;  // all of them
  std::vector<std::string> notes; // the first k_max_notes
  std::size_t notes_left_out = 0;

  // Written on the loop, a chunk at a time.
  std::size_t next = 0; // candidates[next] is the first of the batch not yet written
  std::size_t chunks = 0;
  std::int64_t added = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  // Changes of one occurrence stored alone that were joined to their series
  // (their single events removed).
  std::int64_t joined = 0;
  std::int64_t committed = 0; // added + updated + joined by the chunks committed
  // Written by the chunks since the last one that wrote the text index
  // (EventStore::TextIndex::later).
  std::int64_t unindexed = 0;
  bool wrote = false;
  bool unsynced = false; // chunks committed since the last sync

  void note(std::string sentence) {
    if (notes.size() < k_max_notes) {
      notes.push_back(std::move(sentence));
    } else {
      ++notes_left_out;
    }
  }

  void skip(int line, const std::string &uid, const std::string &summary,
            const std::string &reason) {
    if (++skipped_count <= k_max_skipped_listed) {
      skipped.push_back({{"line", line}, {"uid", uid}, {"summary", summary}, {"reason", reason}});
    }
  }
};

namespace {

// A chunk also ends once it has run this long (its events are large or
// plan many reminders), so that the firing path's write waits for at most
// about this long. Pacing only: what is written does not depend on it.
constexpr std::chrono::milliseconds k_chunk_budget{2};

// The components (events, or skipped ones) read, checked and written per trip between the worker
// and the loop: what an import holds at once does not grow with the file (a 14 MB file of 90,000
// events took 470 MB when it was read whole).
constexpr std::size_t k_batch_events = 500;

// The chunks of an import leave the text index to every chunk that follows
// this many written events, and to the last (EventStore::TextIndex::later):
// an FTS5 segment per chunk of a few dozen events cost more than the
// events' own rows. So a text search during an import misses at most this
// many of the events it wrote so far; when the import answers, all are
// found.
constexpr std::int64_t k_index_every = 4000;

// A note of an imported component as the report lists skipped ones: "line
// 9: \"Council\" (uid cis-1): RRULE COUNT=-1: ...", on the line the
// importer named, else on the component's first.
std::string about_component(const ical::ImportedEvent &imported, std::string note) {
  std::string what;
  if (!imported.summary.empty()) {
    what = fmt::format("\"{}\"", imported.summary);
  }
  if (!imported.uid.empty()) {
    what += fmt::format("{}uid {}{}", what.empty() ? "" : " (", imported.uid,
                        imported.summary.empty() ? "" : ")");
  }
  int line = imported.line;
  if (note.rfind("line ", 0) == 0) {
    const auto colon = note.find(": ");
    int named = 0;
    const char *digits = note.data() + 5;
    const auto [end, error] = std::from_chars(digits, note.data() + note.size(), named);
    if (error == std::errc() && colon != std::string::npos && end == note.data() + colon) {
      line = named;
      note.erase(0, colon + 2);
    }
  }
  return what.empty() ? fmt::format("line {}: {}", line, note)
                      : fmt::format("line {}: {}: {}", line, what, note);
}

// After an import of at least this many events the worker gives the freed
// heap back to the system.
constexpr std::size_t k_trimmed_after = 1000;

// Everything an import does that needs no database, on a worker thread:
// the next batch of the text's events (the first call also checks the
// whole file: whatever refuses it is found before anything is written),
// each turned into an event, the UIDs used twice in the file skipped.
// Frees the batch before (written by now). Touches nothing but `job`.
// Runs on the worker while the loop may be writing the batch before: it
// touches only the job's reader, text and uid_line (which the loop never
// does) and reads its request (context, tz), and fills `batch`.
template <class Job> void prepare(Job &job, typename Job::Batch &batch) {
  const auto skip = [&batch](int line, const std::string &uid, const std::string &summary,
                             std::string reason) {
    batch.skipped.push_back({line, uid, summary, std::move(reason)});
  };
  if (!job.reader) {
    auto reader = ical::CalendarReader::open(job.text, ical::ImportOptions{job.tz});
    if (!reader) {
      core::Error error = reader.error();
      error.code = core::ErrorCode::invalid_params;
      error.message = "the file was not imported (nothing changed): " + error.message;
      batch.unreadable = std::move(error);
      batch.read_all = true;
      std::string().swap(job.text);
      return;
    }
    job.reader = std::move(*reader);
    batch.total = job.reader->series();
  }
  ical::ParsedCalendar parsed;
  batch.read_all = !job.reader->read(k_batch_events, parsed);
  if (batch.read_all) {
    job.reader.reset();
    std::string().swap(job.text); // the events hold what is needed now
  }
  std::stable_sort(parsed.skipped.begin(), parsed.skipped.end(),
                   [](const auto &a, const auto &b) { return a.line < b.line; });
  const core::EventInputContext input{job.context.now, nullptr, job.context.peer.uid,
                                      &ical::recurrence_rules()};
  for (const auto &component : parsed.skipped) {
    skip(component.line, component.uid, component.summary, component.reason);
  }
  auto &uid_line = job.uid_line;
  batch.candidates.reserve(parsed.events.size());
  for (auto &imported : parsed.events) {
    for (auto &note : imported.notes) {
      batch.notes.push_back(about_component(imported, std::move(note)));
    }
    auto drafted = core::event_from_add_params(imported.params, input);
    if (!drafted) {
      skip(imported.line, imported.uid, imported.summary, drafted.error().message);
      continue;
    }
    for (const auto &note : drafted->notes) {
      batch.notes.push_back(about_component(imported, note));
    }
    if (const auto [seen, fresh] =
            uid_line.emplace(std::hash<std::string>{}(drafted->event.uid), imported.line);
        !fresh) {
      skip(imported.line, imported.uid, imported.summary,
           fmt::format("the UID is used again (first at line {}); the first one was kept",
                       seen->second));
      continue;
    }
    batch.candidates.push_back({std::move(drafted->event), imported.line, imported.summary,
                                std::move(imported.recurrence_id), std::move(imported.series_uid)});
  }
}

// On the loop: `batch` becomes the one in hand (the one before is written),
// its skips and notes joining the report in the order they were read.
template <class Job> void adopt(Job &job, typename Job::Batch batch) {
  job.candidates = std::move(batch.candidates);
  job.next = 0;
  for (auto &skipped : batch.skipped) {
    job.skip(skipped.line, skipped.uid, skipped.summary, skipped.reason);
  }
  for (auto &note : batch.notes) {
    job.note(std::move(note));
  }
  if (batch.unreadable) {
    job.unreadable = std::move(batch.unreadable);
  }
  if (batch.total > 0) {
    job.total = batch.total;
  }
  job.read_all = batch.read_all;
}

} // namespace

void CalendarHandlers::run_import(std::string text, std::string tz, bool dry_run,
                                  std::optional<std::string> key, std::string_view method,
                                  const CallContext &context, const DeferredReply &reply) {
  if (key && dry_run) {
    return reply(core::fail_field("request_key", "is for a change; a dry run changes nothing, "
                                                 "so leave it out"));
  }
  if (key) {
    // A retry of an import that was applied: its first summary, no writes.
    auto applied = applied_result(m_store, context.peer.uid, *key, method, context.now);
    if (!applied) {
      return reply(tl::unexpected(applied.error()));
    }
    if (*applied) {
      return reply(std::move(**applied));
    }
    if (m_running_keys.contains({context.peer.uid, *key})) {
      return reply(core::fail(core::ErrorCode::unavailable,
                              fmt::format("an import with request_key '{}' is still being "
                                          "written; send this request again once it has "
                                          "answered (it then returns that import's summary)",
                                          *key)));
    }
  }
  if (m_imports >= m_options.max_imports) {
    return reply(core::fail(core::ErrorCode::unavailable,
                            fmt::format("summitd is busy with {} imports (its maximum at once); "
                                        "nothing was changed, try again in a moment",
                                        m_imports)));
  }
  ++m_imports;
  if (key) {
    m_running_keys.emplace(context.peer.uid, *key);
  }
  auto started = std::make_shared<ImportJob>(context, reply);
  started->text = std::move(text);
  started->tz = std::move(tz);
  started->dry_run = dry_run;
  started->key = std::move(key);
  started->method = method;
  started->waiting_for_read = true; // the first batch is written as soon as it is read
  read_batch(std::move(started));
}

void CalendarHandlers::read_batch(std::shared_ptr<ImportJob> job) {
  // The worker's reference goes back to the loop with the batch: the job
  // (and the connection its reply keeps) is never freed on the worker.
  job->reading = true;
  auto parse = [this, job = std::move(job)]() mutable {
    ImportJob::Batch batch;
    prepare(*job, batch);
    auto back = [this, parsed = std::move(job), batch = std::move(batch)]() mutable {
      parsed->reading = false;
      if (parsed->finished) {
        return; // answered meanwhile (an error): nothing more is written
      }
      if (!parsed->waiting_for_read) {
        parsed->ready = std::move(batch); // the batch before is still being written
        return;
      }
      parsed->waiting_for_read = false;
      adopt(*parsed, std::move(batch));
      if (!parsed->read_all && !parsed->unreadable) {
        read_batch(parsed); // the next one is read while this one is written
      }
      write_chunk(parsed);
    };
    if (m_options.run_on_loop) {
      m_options.run_on_loop(std::move(back));
    } else {
      back();
    }
  };
  if (m_options.run_on_workers) {
    m_options.run_on_workers(std::move(parse));
  } else {
    parse();
  }
}

core::Result<void> CalendarHandlers::join_waiting_changes(ImportJob &job, int line,
                                                          core::Event &series,
                                                          std::optional<core::Event> &existing) {
  auto waiting = m_store.find_lone_changes(series.uid, k_max_waiting_changes);
  if (!waiting) {
    return tl::unexpected(waiting.error());
  }
  const bool write = !job.dry_run;
  for (core::Event &change : *waiting) {
    if (existing && existing->id != change.id && existing->uid == change.uid) {
      continue; // cannot be: one UID, one row
    }
    const bool shares_row = existing && existing->id == change.id;
    if (!change.lone_change ||
        (job.context.peer.uid != 0 && change.owner_uid != job.context.peer.uid)) {
      continue; // another user's: left alone (one sharing the UID is refused below)
    }
    if (const core::Recurrence *recurrence = series.recurrence ? &*series.recurrence : nullptr;
        recurrence != nullptr &&
        recurrence->rdates.size() + recurrence->exdates.size() + recurrence->overrides.size() >=
            k_max_recurrence_entries) {
      job.note(fmt::format("line {}: event {} (uid {}), a change of one occurrence of \"{}\", "
                           "stays a single event: the series holds {} dates and changes, the "
                           "most a series may",
                           line, change.id, change.uid, series.title, k_max_recurrence_entries));
      continue;
    }
    const std::string &recurrence_id = change.lone_change->recurrence_id;
    // The series' own file changing the same occurrence wins over the
    // change that came alone.
    bool in_file = false;
    if (auto id = ical::occurrence_named(series, recurrence_id); id && series.recurrence) {
      const auto &own = series.recurrence->overrides;
      in_file = std::any_of(own.begin(), own.end(),
                            [&](const core::OccurrenceOverride &o) { return o.occurrence == *id; });
    }
    core::Result<core::Event> joined = in_file
                                           ? core::Result<core::Event>(series)
                                           : ical::join_lone_change(series, change, recurrence_id);
    if (joined) {
      series = std::move(*joined);
      job.note(fmt::format(
          "line {}: event {} (uid {}), the change of the occurrence {} that an earlier import "
          "kept as a single event, {} the series \"{}\" (uid {}); the single event was removed",
          line, change.id, change.uid, recurrence_id,
          in_file ? "gave way to the series' own change of it in this file, of" : "was joined to",
          series.title, series.uid));
      if (!shares_row) {
        if (write) {
          if (auto removed = m_store.remove(change.id); !removed) {
            return removed;
          }
        }
        ++job.joined;
      }
      continue;
    }
    // The series no longer gives that occurrence: the change stays an event
    // of its own, so that nothing is lost.
    std::string sentence = fmt::format(
        "line {}: event {} (uid {}), the change of the occurrence {} that an earlier import "
        "kept as a single event, was not joined to the series \"{}\" ({}); it stays as it is",
        line, change.id, change.uid, recurrence_id, series.title, joined.error().message);
    if (shares_row) {
      // One UID, one row: the single event takes a UID of its own.
      change.uid = ical::own_uid_of_change(change.uid, recurrence_id);
      sentence += fmt::format(", with the UID {} (the series takes {})", change.uid, series.uid);
      if (write) {
        if (auto renamed = m_store.update(change); !renamed) {
          return tl::unexpected(renamed.error());
        }
      }
      existing.reset();
    }
    job.note(std::move(sentence));
  }
  return {};
}

void CalendarHandlers::retry_chunk(const std::shared_ptr<ImportJob> &job) {
  auto again = [this, job] { write_chunk(job); };
  if (m_options.run_on_loop_after_pause) {
    m_options.run_on_loop_after_pause(std::move(again));
  } else {
    m_options.run_on_loop(std::move(again));
  }
}

void CalendarHandlers::write_chunk(const std::shared_ptr<ImportJob> &job) {
  if (job->unreadable) {
    return finish(job, tl::unexpected(*job->unreadable));
  }
  const auto must_hold = [this, job] {
    return !job->dry_run && m_options.run_on_loop &&
           (m_store.urgent_write_waiting() || (m_options.hold_writes && m_options.hold_writes()));
  };
  if (must_hold()) {
    // The reminder outbox wants the write lock (reminders are due), or what
    // it took is on its way to subscribers: the chunk waits its turn behind
    // whatever else the loop has, and the outbox does not wait for a gap
    // between chunks.
    retry_chunk(job);
    return;
  }
  const CallContext &context = job->context;
  const std::size_t total = job->candidates.size(); // of this batch
  const std::size_t end =
      std::min(total, job->next + std::max<std::size_t>(m_options.chunk_events, 1));
  const auto started = std::chrono::steady_clock::now();
  const bool write = !job->dry_run;
  json summary;
  bool held = false;
  // Decides each event of the chunk against the calendar as it is now, in
  // the chunk's transaction (so no other write can come between the lookup
  // and the write), and writes it.
  auto body = [&]() -> core::Result<void> {
    if (must_hold()) {
      // The outbox took the lock first, while this chunk waited for it:
      // nothing is written until its firings are announced.
      held = true;
      return {};
    }
    std::size_t at = job->next;
    for (; at < end; ++at) {
      if (at > job->next && std::chrono::steady_clock::now() - started > k_chunk_budget) {
        break;
      }
      auto &candidate = job->candidates[at];
      core::Event &event = candidate.event;
      if (!candidate.series_uid.empty()) {
        // A change of one occurrence: of the series, when the calendar has it.
        auto series = m_store.find_uid(candidate.series_uid);
        if (!series) {
          return tl::unexpected(series.error());
        }
        if (*series && (*series)->recurrence) {
          auto joined = ical::join_lone_change(**series, event, candidate.recurrence_id);
          if (!joined) {
            job->skip(candidate.line, event.uid, candidate.summary,
                      fmt::format("line {}: {}", candidate.line, joined.error().message));
            continue;
          }
          job->note(fmt::format("line {}: \"{}\" (uid {}): joined to event {} (uid {}), "
                                "already in the calendar, as the change of its occurrence {}",
                                candidate.line, candidate.summary, event.uid, (*series)->id,
                                candidate.series_uid, candidate.recurrence_id));
          event = std::move(*joined);
        } else {
          // Kept as a single event that remembers the occurrence it
          // changes: importing the series later joins it.
          event.lone_change = core::LoneChange{candidate.series_uid, candidate.recurrence_id};
        }
      }
      auto existing = m_store.find_uid(event.uid);
      if (!existing) {
        return tl::unexpected(existing.error());
      }
      if (event.recurrence && !event.lone_change) {
        if (auto waiting = join_waiting_changes(*job, candidate.line, event, *existing); !waiting) {
          return waiting;
        }
      }
      if (!*existing) {
        if (write) {
          // Found unused just above, in this chunk's transaction.
          if (auto stored = m_store.add_unused_uid(std::move(event)); !stored) {
            return tl::unexpected(stored.error());
          }
        }
        ++job->added;
        continue;
      }
      const core::Event &current = **existing;
      if (context.peer.uid != 0 && context.peer.uid != current.owner_uid) {
        job->skip(candidate.line, event.uid, candidate.summary,
                  permission_denied_message(current.id, current.owner_uid) +
                      "; its UID is already in the calendar");
        continue;
      }
      // Issue 14: a subscription's event is the feed's, not the importer's.
      if (auto writable = check_event_writable(m_store, current.id); !writable) {
        job->skip(candidate.line, event.uid, candidate.summary, writable.error().message);
        continue;
      }
      event.id = current.id;
      event.owner_uid = current.owner_uid;
      event.created = current.created;
      if (current.recurrence && event.recurrence) {
        std::vector<std::string> left_out;
        event = ical::keep_separate_changes(std::move(event), current, left_out);
        for (const std::string &sentence : left_out) {
          job->note(fmt::format("line {}: \"{}\" (uid {}): {}", candidate.line, candidate.summary,
                                event.uid, sentence));
        }
      }
      if (comparable(event) == comparable(current)) {
        ++job->unchanged;
        continue;
      }
      if (write) {
        if (auto stored = m_store.update(event); !stored) {
          return tl::unexpected(stored.error());
        }
      }
      ++job->updated;
    }
    job->next = at;
    if (job->next == total && job->read_all) {
      summary = summary_of(*job);
      if (job->key) {
        // The key commits with the last chunk: a retry after a failure
        // between chunks imports again (and finds what was written).
        return record_result(m_store, context.peer.uid, *job->key, job->method, summary,
                             context.now);
      }
    }
    return {};
  };
  const std::size_t first = job->next;
  const bool last = end == total && job->read_all;
  const bool needs_write = write && (end > first || (last && job->key));
  core::Result<void> done;
  if (needs_write) {
    // Commits now, not with the group at the end of the loop's turn: each
    // chunk is its own transaction, so SQLite's one write lock is never
    // held for more than a chunk. Without its own fsync: the import is
    // synced once, before its reply.
    // Flat: the chunk is all or nothing, so its events take no savepoint
    // each (an event that fails fails the chunk, as before).
    const bool index_now = last || job->unindexed >= k_index_every;
    done = m_store.write_unsynced(body, store::EventStore::Nesting::flat,
                                  index_now ? store::EventStore::TextIndex::now
                                            : store::EventStore::TextIndex::later);
    job->unsynced = job->unsynced || done.has_value();
    if (done && index_now) {
      job->unindexed = 0;
    } else if (done) {
      job->unindexed += job->added + job->updated + job->joined - job->committed;
    }
  } else {
    done = body();
  }
  if (done && held) {
    retry_chunk(job);
    return;
  }
  if (done && last && job->unsynced) {
    done = m_store.sync();
  }
  if (!done) {
    if (job->unindexed > 0) {
      // What the chunks wrote becomes searchable now (else at the next
      // commit, or summitd's next start).
      (void)m_store.write_unsynced([] { return core::Result<void>{}; });
    }
    if (job->unsynced) {
      (void)m_store.sync(); // what the reply says was written is on disk
    }
    core::Error error = done.error();
    error.message =
        job->committed == 0
            ? "the file was not imported (nothing changed): " + error.message
            : fmt::format("the import stopped after writing {} of the file's {} events ({}); "
                          "importing the same file again completes it: the events already "
                          "written are found by their UID and left as they are",
                          job->committed, job->total, error.message);
    return finish(job, tl::unexpected(std::move(error)));
  }
  const bool wrote_now = write && job->added + job->updated + job->joined > job->committed;
  if (wrote_now) {
    job->committed = job->added + job->updated + job->joined;
    job->wrote = true;
  }
  if (wrote_now && m_options.on_change) {
    // The scheduler re-plans after each chunk (once per turn of the loop),
    // so a reminder of an event written early is not held back by the rest.
    m_options.on_change();
  }
  ++job->chunks;
  if (m_options.on_chunk) {
    m_options.on_chunk(job->chunks);
  }
  if (job->next < total) {
    // Yields: whatever arrived meanwhile (other clients, the firing path's
    // turn at the write lock) goes before the next chunk.
    if (m_options.run_on_loop) {
      m_options.run_on_loop([this, job] { write_chunk(job); });
    } else {
      write_chunk(job);
    }
    return;
  }
  if (!job->read_all) {
    // The batch is written: the next one, read meanwhile, or when it comes.
    if (job->ready) {
      auto batch = std::move(*job->ready);
      job->ready.reset();
      adopt(*job, std::move(batch));
      if (!job->read_all && !job->unreadable) {
        read_batch(job);
      }
      return write_chunk(job);
    }
    job->waiting_for_read = true;
    if (!job->reading) {
      read_batch(job);
    }
    return;
  }
  finish(job, std::move(summary));
}

json CalendarHandlers::summary_of(ImportJob &job) {
  json reply{{"added", job.added},         {"updated", job.updated},
             {"unchanged", job.unchanged}, {"joined", job.joined},
             {"skipped", job.skipped},     {"skipped_count", job.skipped_count},
             {"dry_run", job.dry_run}};
  auto notes = job.notes;
  if (job.notes_left_out > 0) {
    notes.push_back(fmt::format("... and {} more notes", job.notes_left_out));
  }
  reply["notes"] = std::move(notes);
  return reply;
}

void CalendarHandlers::finish(const std::shared_ptr<ImportJob> &job, HandlerResult result) {
  job->finished = true;
  job->ready.reset();
  --m_imports;
  if (job->key) {
    m_running_keys.erase({job->context.peer.uid, *job->key});
  }
  if (job->wrote) {
    spdlog::info("imported an iCalendar file for uid {} in {} chunks: {} added, {} updated, {} "
                 "unchanged, {} skipped{}",
                 job->context.peer.uid, job->chunks, job->added, job->updated, job->unchanged,
                 job->skipped_count, result ? "" : " (then stopped by an error)");
  }
  job->reply(std::move(result));
  if (m_options.run_on_workers && job->total >= k_trimmed_after) {
    // What the reading took goes back to the system instead of staying in
    // the daemon's heap (on the worker: it takes a while).
    m_options.run_on_workers([] { ::malloc_trim(0); });
  }
}

HandlerResult CalendarHandlers::export_calendar(const json &params, const CallContext &context) {
  core::ParamReader reader(params);
  auto from = reader.optional_string("from");
  auto to = reader.optional_string("to");
  auto tz = reader.optional_string("tz");
  auto tag = reader.optional_string("tag");
  auto after = reader.optional_string("after");
  auto limit = reader.optional_integer("limit", 1, k_max_export_page);
  for (const auto *failed : {&from, &to, &tz, &tag, &after}) {
    if (!*failed) {
      return tl::unexpected(failed->error());
    }
  }
  if (!limit) {
    return tl::unexpected(limit.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  store::ListQuery query;
  auto range = read_range(*from, *to, *tz, core::SysSeconds::min());
  if (!range) {
    return tl::unexpected(range.error());
  }
  query.range = *range;
  if (*tag && !(*tag)->empty()) {
    query.tag = **tag;
  }
  std::set<std::string> zones;
  const bool first_page = !*after;
  if (*after) {
    auto cursor = decode_cursor(**after);
    if (!cursor) {
      return tl::unexpected(cursor.error());
    }
    query.after = cursor->after;
    zones = std::move(cursor->zones);
  }
  query.expand = false;
  query.limit = static_cast<std::size_t>(limit->value_or(k_default_export_page));
  auto page = m_store.list(query);
  if (!page) {
    return tl::unexpected(page.error());
  }
  // Events are taken while the page stays within the reply bound (the first
  // always: core::k_max_exported_event_bytes is half a page).
  std::string ics = first_page ? ical::calendar_header() : std::string();
  auto wire_bytes = [](const std::string &text) { return core::wire_size(json(text)); };
  std::size_t used = wire_bytes(ics) + 64;
  std::size_t count = 0;
  const core::Event *last = nullptr;
  bool cut = false;
  for (const store::ListEntry &entry : page->entries) {
    const auto &event = std::get<core::Event>(entry);
    std::string text = ical::vevents({event}, context.now, zones);
    const std::size_t cost = wire_bytes(text);
    if (used + cost > core::k_max_page_bytes && count > 0) {
      cut = true;
      break;
    }
    used += cost;
    ics += text;
    ++count;
    last = &event;
  }
  if (!cut && !page->more) {
    std::string tail = ical::vtimezones(zones) + ical::calendar_footer();
    if (used + wire_bytes(tail) > core::k_max_page_bytes && count > 0) {
      cut = true; // the zones come alone on the next page
    } else {
      ics += tail;
    }
  }
  json next = nullptr;
  if ((cut || page->more) && last != nullptr) {
    next = encode_cursor(*last, zones);
  }
  return json{{"ics", std::move(ics)}, {"count", count}, {"next", std::move(next)}};
}

} // namespace summit::server
