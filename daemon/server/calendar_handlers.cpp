#include "daemon/server/calendar_handlers.hpp"

#include "core/event_json.hpp"
#include "core/ical/ics_export.hpp"
#include "core/ical/ics_import.hpp"
#include "core/ical/recurrence.hpp"
#include "core/page_limits.hpp"
#include "core/zones.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/server/param_reader.hpp"
#include "daemon/store/event_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <map>
#include <set>
#include <vector>

namespace summit::server {
namespace {

using nlohmann::json;

constexpr std::int64_t k_default_export_page = 1000;
constexpr std::int64_t k_max_export_page = 10000;
// A reply lists this many notes at most; the rest are counted.
constexpr std::size_t k_max_notes = 200;

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

struct Cursor {
  store::ListQuery::Cursor after;
  std::set<std::string> zones;
};

core::Result<Cursor> decode_cursor(const std::string &text) {
  const json parsed = json::parse(text, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("start") || !parsed["start"].is_number_integer() ||
      !parsed.contains("id") || !parsed["id"].is_number_integer() || !parsed.contains("zones") ||
      !parsed["zones"].is_array()) {
    return invalid_param("after", "params.after is not a cursor summitd gave (pass the `next` "
                                  "of the previous page as it is)");
  }
  Cursor cursor;
  cursor.after.start_utc = core::SysSeconds{core::Seconds{parsed["start"].get<std::int64_t>()}};
  cursor.after.id = parsed["id"].get<std::int64_t>();
  for (const auto &zone : parsed["zones"]) {
    if (!zone.is_string() || !core::find_zone(zone.get<std::string>())) {
      return invalid_param("after", "params.after names an unknown zone; it is not a cursor "
                                    "summitd gave");
    }
    cursor.zones.insert(zone.get<std::string>());
  }
  return cursor;
}

core::Result<std::string> read_zone(ParamReader &reader) {
  auto tz = reader.optional_string("tz");
  if (!tz) {
    return tl::unexpected(tz.error());
  }
  if (!*tz || (*tz)->empty()) {
    return invalid_param("tz", "params.tz is required: the importing user's IANA zone, used for "
                               "times without a zone (summitd never guesses one from its host)");
  }
  auto zone = core::find_zone(**tz);
  if (!zone) {
    return invalid_param("tz", "params.tz: " + zone.error().message);
  }
  return (*zone)->name();
}

} // namespace

CalendarHandlers::CalendarHandlers(store::EventStore &store, CalendarHandlerOptions options)
    : m_store(store), m_options(std::move(options)) {}

void CalendarHandlers::register_with(Dispatcher &dispatcher) {
  dispatcher.add("calendar.import",
                 [this](const auto &p, const auto &c) { return import_calendar(p, c); });
  dispatcher.add("import.begin",
                 [this](const auto &p, const auto &c) { return import_begin(p, c); });
  dispatcher.add("import.chunk",
                 [this](const auto &p, const auto &c) { return import_chunk(p, c); });
  dispatcher.add("import.commit",
                 [this](const auto &p, const auto &c) { return import_commit(p, c); });
  dispatcher.add("import.abort",
                 [this](const auto &p, const auto &c) { return import_abort(p, c); });
  dispatcher.add("calendar.export",
                 [this](const auto &p, const auto &c) { return export_calendar(p, c); });
}

void CalendarHandlers::forget_closed() {
  for (auto it = m_uploads.begin(); it != m_uploads.end();) {
    auto connection = it->second.connection.lock();
    if (!connection || connection->closed()) {
      m_staged_bytes -= it->second.text.size();
      it = m_uploads.erase(it);
    } else {
      ++it;
    }
  }
}

HandlerResult CalendarHandlers::import_calendar(const json &params, const CallContext &context) {
  ParamReader reader(params);
  auto ics = reader.optional_string("ics");
  if (!ics) {
    return tl::unexpected(ics.error());
  }
  auto tz = read_zone(reader);
  if (!tz) {
    return tl::unexpected(tz.error());
  }
  auto dry_run = reader.optional_bool("dry_run");
  if (!dry_run) {
    return tl::unexpected(dry_run.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  if (!*ics) {
    return invalid_param("ics", "params.ics is required: the iCalendar text (for a file larger "
                                "than a request line, use import.begin/chunk/commit)");
  }
  return run_import(**ics, *tz, dry_run->value_or(false), context);
}

HandlerResult CalendarHandlers::import_begin(const json &params, const CallContext &context) {
  ParamReader reader(params);
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
  forget_closed();
  const std::int64_t id = m_next_upload++;
  m_uploads.emplace(id, Upload{context.connection, *tz, {}});
  return json{{"import", id}};
}

core::Result<std::map<std::int64_t, CalendarHandlers::Upload>::iterator>
CalendarHandlers::upload_of(const json &params, const CallContext &context) {
  const auto member = params.find("import");
  if (member == params.end() || !member->is_number_integer()) {
    return invalid_param("import", "params.import is required: the number import.begin gave");
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
  auto upload = upload_of(params, context);
  if (!upload) {
    return tl::unexpected(upload.error());
  }
  ParamReader reader(params);
  reader.optional_integer("import", 1, std::numeric_limits<std::int64_t>::max());
  auto text = reader.optional_string("text");
  if (!text) {
    return tl::unexpected(text.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  if (!*text) {
    return invalid_param("text", "params.text is required: the next piece of the file");
  }
  forget_closed();
  if (m_staged_bytes + (*text)->size() > m_options.max_staged_bytes) {
    return core::fail(core::ErrorCode::unavailable,
                      fmt::format("summitd holds at most {} MiB of uploads in progress; this "
                                  "piece would pass that. Commit what was sent, or try later",
                                  m_options.max_staged_bytes / (1024 * 1024)));
  }
  Upload &staged = (*upload)->second;
  staged.text += **text;
  m_staged_bytes += (*text)->size();
  return json{{"import", (*upload)->first}, {"received", staged.text.size()}};
}

HandlerResult CalendarHandlers::import_commit(const json &params, const CallContext &context) {
  auto upload = upload_of(params, context);
  if (!upload) {
    return tl::unexpected(upload.error());
  }
  ParamReader reader(params);
  reader.optional_integer("import", 1, std::numeric_limits<std::int64_t>::max());
  auto dry_run = reader.optional_bool("dry_run");
  if (!dry_run) {
    return tl::unexpected(dry_run.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  Upload staged = std::move((*upload)->second);
  m_staged_bytes -= staged.text.size();
  m_uploads.erase(*upload);
  return run_import(staged.text, staged.tz, dry_run->value_or(false), context);
}

HandlerResult CalendarHandlers::import_abort(const json &params, const CallContext &context) {
  auto upload = upload_of(params, context);
  if (!upload) {
    return tl::unexpected(upload.error());
  }
  ParamReader reader(params);
  reader.optional_integer("import", 1, std::numeric_limits<std::int64_t>::max());
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  const std::int64_t id = (*upload)->first;
  m_staged_bytes -= (*upload)->second.text.size();
  m_uploads.erase(*upload);
  return json{{"aborted", id}};
}

HandlerResult CalendarHandlers::run_import(const std::string &text, const std::string &tz,
                                           bool dry_run, const CallContext &context) {
  auto parsed = ical::parse_calendar(text, ical::ImportOptions{tz});
  if (!parsed) {
    core::Error error = parsed.error();
    error.code = core::ErrorCode::invalid_params;
    error.message = "the file was not imported (nothing changed): " + error.message;
    return tl::unexpected(error);
  }
  const core::EventInputContext input{context.now, nullptr, context.peer.uid,
                                      &ical::recurrence_rules()};
  json skipped = json::array();
  std::vector<std::string> notes;
  auto skip = [&](int line, const std::string &uid, const std::string &summary,
                  const std::string &reason) {
    skipped.push_back({{"line", line}, {"uid", uid}, {"summary", summary}, {"reason", reason}});
  };
  for (const auto &component : parsed->skipped) {
    skip(component.line, component.uid, component.summary, component.reason);
  }

  struct Planned {
    core::Event event;
    bool update = false;
  };
  std::vector<Planned> writes;
  std::map<std::string, int> uid_line;
  std::int64_t unchanged = 0;
  for (const auto &imported : parsed->events) {
    for (const auto &note : imported.notes) {
      notes.push_back(note);
    }
    auto drafted = core::event_from_add_params(imported.params, input);
    if (!drafted) {
      skip(imported.line, imported.uid, imported.summary, drafted.error().message);
      continue;
    }
    for (const auto &note : drafted->notes) {
      notes.push_back(fmt::format("line {}: {}", imported.line, note));
    }
    core::Event &event = drafted->event;
    if (const auto [seen, fresh] = uid_line.emplace(event.uid, imported.line); !fresh) {
      skip(imported.line, imported.uid, imported.summary,
           fmt::format("the UID is used again (first at line {}); the first one was kept",
                       seen->second));
      continue;
    }
    auto existing = m_store.find_uid(event.uid);
    if (!existing) {
      return tl::unexpected(existing.error());
    }
    if (!*existing) {
      writes.push_back({std::move(event), false});
      continue;
    }
    const core::Event &current = **existing;
    if (context.peer.uid != 0 && context.peer.uid != current.owner_uid) {
      skip(imported.line, imported.uid, imported.summary,
           permission_denied_message(current.id, current.owner_uid) +
               "; its UID is already in the calendar");
      continue;
    }
    event.id = current.id;
    event.owner_uid = current.owner_uid;
    event.created = current.created;
    if (comparable(event) == comparable(current)) {
      ++unchanged;
      continue;
    }
    writes.push_back({std::move(event), true});
  }

  std::int64_t added = 0;
  std::int64_t updated = 0;
  for (const Planned &write : writes) {
    (write.update ? updated : added) += 1;
  }
  if (!dry_run && !writes.empty()) {
    auto written = m_store.write_together([&]() -> core::Result<void> {
      for (Planned &write : writes) {
        auto stored = write.update ? m_store.update(write.event) : m_store.add(write.event);
        if (!stored) {
          return tl::unexpected(stored.error());
        }
      }
      return {};
    });
    if (!written) {
      core::Error error = written.error();
      error.message = "the file was not imported (nothing changed): " + error.message;
      return tl::unexpected(error);
    }
    if (m_options.on_change) {
      m_options.on_change();
    }
    spdlog::info("imported an iCalendar file for uid {}: {} added, {} updated, {} unchanged, {} "
                 "skipped",
                 context.peer.uid, added, updated, unchanged, skipped.size());
  }
  json reply{{"added", added},
             {"updated", updated},
             {"unchanged", unchanged},
             {"skipped", std::move(skipped)},
             {"dry_run", dry_run}};
  if (notes.size() > k_max_notes) {
    const std::size_t more = notes.size() - k_max_notes;
    notes.resize(k_max_notes);
    notes.push_back(fmt::format("... and {} more notes", more));
  }
  reply["notes"] = notes;
  return reply;
}

HandlerResult CalendarHandlers::export_calendar(const json &params, const CallContext &context) {
  ParamReader reader(params);
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
