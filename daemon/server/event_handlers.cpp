#include "daemon/server/event_handlers.hpp"

#include "core/custom_zones.hpp"
#include "core/event_json.hpp"
#include "core/event_params.hpp"
#include "core/ical/recurrence.hpp"
#include "core/occurrence_json.hpp"
#include "core/page_limits.hpp"
#include "core/param_reader.hpp"
#include "core/protocol.hpp"
#include "core/rpc.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"
#include "daemon/server/calendar_set_handlers.hpp"
#include "daemon/server/request_key.hpp"
#include "daemon/store/event_store.hpp"

#include <fmt/format.h>

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>
#include <vector>

namespace summit::server {
namespace {

constexpr std::int64_t k_max_list_limit = 10000;
constexpr std::int64_t k_default_list_limit = 100;

core::EventInputContext input_context(const CallContext &context,
                                      const core::Gazetteer *gazetteer) {
  return core::EventInputContext{context.now, gazetteer, context.peer.uid,
                                 &ical::recurrence_rules()};
}

nlohmann::json drafted_reply(const core::Event &event, const std::vector<std::string> &notes) {
  // Built member by member: an initializer list would copy the event's JSON.
  nlohmann::json reply = nlohmann::json::object();
  reply["event"] = core::event_to_json(event);
  reply["notes"] = notes;
  return reply;
}

// One end of an event.list range. Instants stand alone; the other forms are
// wall times, days or months in `zone`. A day or month used as `to` means its
// end (so from=2025-09&to=2025-09 is all of September).
core::Result<core::SysSeconds> range_bound(const std::string &field, const std::string &text,
                                           const date::time_zone *zone, bool is_end) {
  auto when = core::parse_iso(text);
  if (!when) {
    return core::fail_field(field, when.error().message);
  }
  if (when->kind == core::When::Kind::instant) {
    return when->instant;
  }
  if (zone == nullptr) {
    return core::fail_field("tz", fmt::format("is required: {} '{}' has no offset; give tz (an "
                                              "IANA zone such as Europe/Minsk) or a UTC instant "
                                              "such as 2025-09-26T07:00:00Z",
                                              field, text));
  }
  auto local = when->local;
  if (is_end && when->kind == core::When::Kind::date) {
    local += date::days{1};
  } else if (is_end && when->kind == core::When::Kind::month) {
    const auto ymd = date::year_month_day{date::floor<date::days>(local)};
    local = date::local_days{(ymd.year() / ymd.month() + date::months{1}) / 1};
  }
  return core::resolve_local(local, zone).utc;
}

} // namespace

core::Result<core::TimeRange> read_range(const std::optional<std::string> &from,
                                         const std::optional<std::string> &to,
                                         const std::optional<std::string> &tz,
                                         core::SysSeconds default_begin) {
  const date::time_zone *zone = nullptr;
  if (tz) {
    auto found = core::find_zone(*tz);
    if (!found) {
      return core::fail_field("tz", found.error().message);
    }
    zone = *found;
  }
  core::TimeRange range{default_begin, core::SysSeconds::max()};
  if (from) {
    auto begin = range_bound("from", *from, zone, false);
    if (!begin) {
      return tl::unexpected(begin.error());
    }
    range.begin = *begin;
  }
  if (to) {
    auto end = range_bound("to", *to, zone, true);
    if (!end) {
      return tl::unexpected(end.error());
    }
    range.end = *end;
  }
  if (range.end <= range.begin) {
    return core::fail_field("to", fmt::format("must be after from (the range [{}, {}) is "
                                              "empty)",
                                              date::format("%FT%TZ", range.begin),
                                              date::format("%FT%TZ", range.end)));
  }
  return range;
}

core::Result<void> check_owner(const core::Event &event, const CallContext &context) {
  if (context.peer.uid == 0 || context.peer.uid == event.owner_uid) {
    return {};
  }
  return core::fail(core::ErrorCode::permission_denied,
                    permission_denied_message(event.id, event.owner_uid));
}

std::string permission_denied_message(std::int64_t id, std::uint32_t owner_uid) {
  std::string name;
  passwd entry{};
  passwd *found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(owner_uid, &entry, buffer.data(), buffer.size(), &found) == 0 &&
      found != nullptr && found->pw_name != nullptr) {
    name = found->pw_name;
  }
  if (name.empty()) {
    return fmt::format("permission denied: event {} is owned by uid {}", id, owner_uid);
  }
  return fmt::format("permission denied: event {} is owned by uid {} ({})", id, owner_uid, name);
}

EventHandlers::EventHandlers(store::EventStore &store, const core::Gazetteer *gazetteer,
                             EventHandlerOptions options)
    : m_store(store), m_gazetteer(gazetteer), m_options(std::move(options)) {}

void EventHandlers::changed() const {
  if (m_options.on_change) {
    m_options.on_change();
  }
}

void EventHandlers::register_with(Dispatcher &dispatcher) {
  dispatcher.add(core::protocol::event_add,
                 [this](const auto &p, const auto &c) { return add(p, c); });
  dispatcher.add(core::protocol::event_get,
                 [this](const auto &p, const auto &c) { return get(p, c); });
  if (m_options.run_read && m_options.run_on_loop) {
    dispatcher.add_deferred(core::protocol::event_list,
                            [this](const auto &p, const auto &c, auto reply) {
                              list_elsewhere(p, c, std::move(reply));
                            });
  } else {
    dispatcher.add(core::protocol::event_list,
                   [this](const auto &p, const auto &c) { return list(p, c); });
  }
  dispatcher.add(core::protocol::event_update,
                 [this](const auto &p, const auto &c) { return update(p, c); });
  dispatcher.add(core::protocol::event_remove,
                 [this](const auto &p, const auto &c) { return remove(p, c); });
}

HandlerResult EventHandlers::add(const nlohmann::json &request, const CallContext &context) {
  nlohmann::json params = request;
  auto key = take_request_key(params);
  if (!key) {
    return tl::unexpected(key.error());
  }
  if (*key) {
    // A retry of an add that was applied: its first reply, no second event.
    auto applied =
        applied_result(m_store, context.peer.uid, **key, core::protocol::event_add, context.now);
    if (!applied) {
      return tl::unexpected(applied.error());
    }
    if (*applied) {
      return std::move(**applied);
    }
  }
  auto calendar = take_calendar_param(params, m_store); // issue 14: the event's calendar
  if (!calendar) {
    return tl::unexpected(calendar.error());
  }
  core::Result<core::DraftedEvent> drafted;
  if (params.contains("reminders") || m_options.default_reminders.empty()) {
    drafted = core::event_from_add_params(params, input_context(context, m_gazetteer));
  } else {
    params["reminders"] = m_options.default_reminders;
    drafted = core::event_from_add_params(params, input_context(context, m_gazetteer));
  }
  if (!drafted) {
    return tl::unexpected(drafted.error());
  }
  nlohmann::json reply;
  // The key is recorded in the transaction of the event it made.
  auto written = m_store.write_together([&]() -> core::Result<void> {
    auto stored = m_store.add(std::move(drafted->event));
    if (!stored) {
      return tl::unexpected(stored.error());
    }
    reply = drafted_reply(*stored, drafted->notes);
    if (*calendar) {
      if (auto put = store::CalendarStore(m_store).assign(stored->id, (*calendar)->id); !put) {
        return put;
      }
      reply["calendar"] = (*calendar)->name;
    }
    if (*key) {
      return record_result(m_store, context.peer.uid, **key, core::protocol::event_add, reply,
                           context.now);
    }
    return {};
  });
  if (!written) {
    return tl::unexpected(written.error());
  }
  changed();
  return reply;
}

core::Result<core::Event> event_named_by_id(const nlohmann::json &params,
                                            store::EventStore &store) {
  core::ParamReader reader(params);
  auto id = reader.required_id();
  if (!id) {
    return tl::unexpected(id.error());
  }
  if (auto unknown = reader.reject_unknown(); !unknown) {
    return tl::unexpected(unknown.error());
  }
  return store.get(*id);
}

HandlerResult EventHandlers::get(const nlohmann::json &params, const CallContext &) {
  auto event = event_named_by_id(params, m_store);
  if (!event) {
    return tl::unexpected(event.error());
  }
  nlohmann::json reply{{"event", core::event_to_json(*event)}};
  // A zone a calendar file defined (core/custom_zones.hpp): its rules, so
  // that a client can read and write the event's wall times in it.
  if (auto zone = core::custom_zone(event->tz)) {
    reply["custom_zone"] = {{"name", zone->name}, {"rules", core::format_zone_rules(zone->rules)}};
  }
  return reply;
}

namespace {

HandlerResult list_page(store::EventStore &store, const store::ListQuery &query) {
  auto page = store.list(query);
  if (!page) {
    return tl::unexpected(page.error());
  }
  return list_reply(*page, core::k_max_page_bytes);
}

// One event.list between the loop and the worker. The worker's closure holds
// the only reference while it reads and moves it into the closure it posts
// back, so the reply (and the connection it keeps) is never freed there.
struct ListJob {
  store::ListQuery query;
  DeferredReply reply;
  core::Result<std::string> result; // the result's JSON text
};

} // namespace

HandlerResult EventHandlers::list(const nlohmann::json &params, const CallContext &context) {
  auto query = list_query(params, context);
  if (!query) {
    return tl::unexpected(query.error());
  }
  return list_page(m_store, *query);
}

void EventHandlers::list_elsewhere(const nlohmann::json &params, const CallContext &context,
                                   DeferredReply reply) {
  auto query = list_query(params, context);
  if (!query) {
    return reply(tl::unexpected(query.error()));
  }
  // The worker's connection sees what is committed: the writes of this
  // turn so far (this client's earlier requests among them) commit now.
  if (auto flushed = m_store.flush_group(); !flushed) {
    return reply(tl::unexpected(flushed.error()));
  }
  auto job = std::make_shared<ListJob>(ListJob{std::move(*query), std::move(reply), {}});
  m_options.run_read(
      [job = std::move(job), back = m_options.run_on_loop](store::EventStore *reader) mutable {
        if (reader != nullptr) {
          // Built and serialized here: the loop only sends the text.
          auto page = list_page(*reader, job->query);
          if (page) {
            job->result = core::rpc::to_text(*page);
          } else {
            job->result = tl::unexpected(std::move(page.error()));
          }
        } else {
          job->result = core::fail(core::ErrorCode::storage,
                                   "summitd cannot open a read connection to its database (its "
                                   "log says why); nothing was listed");
        }
        back([job = std::move(job)] {
          if (job->result) {
            job->reply.result_text(std::move(*job->result));
          } else {
            job->reply(tl::unexpected(std::move(job->result.error())));
          }
        });
      });
}

core::Result<store::ListQuery> EventHandlers::list_query(const nlohmann::json &params,
                                                         const CallContext &context) const {
  core::ParamReader reader(params);
  auto from = reader.optional_string("from");
  auto to = reader.optional_string("to");
  auto tz = reader.optional_string("tz");
  auto tag = reader.optional_string("tag");
  auto calendar = reader.optional_string("calendar");
  auto search = reader.optional_string("search");
  auto after = reader.optional_string("after");
  auto limit = reader.optional_integer("limit", 1, k_max_list_limit);
  auto expand = reader.optional_bool("expand");
  if (!expand) {
    return tl::unexpected(expand.error());
  }
  for (const auto *failed : {&from, &to, &tz, &tag, &calendar, &search, &after}) {
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
  auto range = read_range(*from, *to, *tz, context.now);
  if (!range) {
    return tl::unexpected(range.error());
  }
  query.range = *range;
  if (*tz) {
    // read_range accepted it; floating events are then chosen by their wall
    // times in this zone (ListQuery::viewer).
    if (auto viewer = core::find_zone(**tz); viewer && !core::is_floating(**tz)) {
      query.viewer = *viewer;
    }
  }
  if (*tag && !(*tag)->empty()) {
    query.tag = **tag;
  }
  if (*search && !(*search)->empty()) {
    query.search = **search;
  }
  if (*calendar) {
    auto id = calendar_id_named(m_store, **calendar);
    if (!id) {
      return tl::unexpected(id.error());
    }
    query.calendar_id = *id;
  }
  if (*after) {
    auto cursor = decode_list_cursor(**after);
    if (!cursor) {
      return tl::unexpected(cursor.error());
    }
    query.after = *cursor;
  }
  query.limit = static_cast<std::size_t>(limit->value_or(k_default_list_limit));
  query.expand = expand->value_or(true);
  return query;
}

nlohmann::json list_reply(const store::ListPage &page, std::size_t max_bytes) {
  // {"events":[],"more":false,"next":null,"series":{}} and its separators:
  // what the entries add to is measured as they are added.
  constexpr std::size_t k_frame = 128;
  auto events = nlohmann::json::array();
  auto series = nlohmann::json::object();
  std::size_t used = k_frame;
  bool cut = false;
  std::optional<store::ListQuery::Cursor> last;
  for (const store::ListEntry &entry : page.entries) {
    nlohmann::json item;
    std::optional<std::pair<std::string, nlohmann::json>> new_series;
    if (const auto *listed = std::get_if<store::ListedOccurrence>(&entry)) {
      const core::Event &of = page.series.at(listed->series_id);
      item = core::occurrence_to_json(of, listed->times,
                                      listed->changed ? &*listed->changed : nullptr);
      const std::string key = std::to_string(of.id);
      if (!series.contains(key)) {
        new_series.emplace(key, core::event_to_json(of));
      }
    } else {
      item = core::event_to_json(std::get<core::Event>(entry));
    }
    std::size_t cost = core::wire_size(item) + 1;
    if (new_series) {
      cost += new_series->first.size() + 4 + core::wire_size(new_series->second);
    }
    // The first entry always goes: no event is larger than a quarter of a
    // page (core::k_max_event_bytes), so a page is never empty.
    if (used + cost > max_bytes && !events.empty()) {
      cut = true;
      break;
    }
    used += cost;
    if (new_series) {
      series[new_series->first] = std::move(new_series->second);
    }
    events.push_back(std::move(item));
    last = store::cursor_of(entry);
  }
  const bool more = cut || page.more;
  nlohmann::json reply = nlohmann::json::object();
  reply["events"] = std::move(events); // moved, not copied (see drafted_reply)
  reply["series"] = std::move(series);
  reply["more"] = more;
  reply["next"] = more && last ? nlohmann::json(encode_list_cursor(*last)) : nlohmann::json();
  return reply;
}

std::string encode_list_cursor(const store::ListQuery::Cursor &cursor) {
  std::string text = fmt::format("{}/{}", cursor.start_utc.time_since_epoch().count(), cursor.id);
  if (cursor.occurrence) {
    text += "/" + core::format_iso_local(*cursor.occurrence);
  }
  return text;
}

core::Result<store::ListQuery::Cursor> decode_list_cursor(const std::string &text) {
  auto refused = [] {
    return core::fail_field("after", "is not a cursor summitd gave (pass the `next` of the "
                                     "previous page as it is)");
  };
  store::ListQuery::Cursor cursor;
  long long start = 0;
  long long id = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%lld/%lld%n", &start, &id, &used) != 2 || id < 0) {
    return refused();
  }
  cursor.start_utc = core::SysSeconds{core::Seconds{start}};
  cursor.id = id;
  const std::string_view rest = std::string_view(text).substr(static_cast<std::size_t>(used));
  if (!rest.empty()) {
    if (rest.front() != '/') {
      return refused();
    }
    auto when = core::parse_iso(rest.substr(1));
    if (!when || when->kind == core::When::Kind::instant) {
      return refused();
    }
    cursor.occurrence = when->local;
  }
  return cursor;
}

HandlerResult EventHandlers::update(const nlohmann::json &params, const CallContext &context) {
  core::ParamReader reader(params);
  auto id = reader.required_id();
  if (!id) {
    return tl::unexpected(id.error());
  }
  auto current = m_store.get(*id);
  if (!current) {
    return tl::unexpected(current.error());
  }
  if (auto allowed = check_owner(*current, context); !allowed) {
    return tl::unexpected(allowed.error());
  }
  if (auto writable = check_event_writable(m_store, current->id); !writable) {
    return tl::unexpected(writable.error());
  }
  const auto owner = current->owner_uid;
  const auto created = current->created;
  auto changes = params;
  changes.erase("id");
  if (changes.contains("occurrence") || changes.contains("cancel_occurrence") ||
      changes.contains("from_occurrence")) {
    return update_occurrence(std::move(*current), std::move(changes), context);
  }
  auto drafted = core::event_apply_update_params(std::move(*current), changes,
                                                 input_context(context, m_gazetteer));
  if (!drafted) {
    return tl::unexpected(drafted.error());
  }
  // Identity and ownership are not the client's to change.
  drafted->event.id = *id;
  drafted->event.owner_uid = owner;
  drafted->event.created = created;
  auto stored = m_store.update(drafted->event);
  if (!stored) {
    return tl::unexpected(stored.error());
  }
  changed();
  return drafted_reply(*stored, drafted->notes);
}

HandlerResult EventHandlers::update_occurrence(core::Event series, nlohmann::json changes,
                                               const CallContext &context) {
  const char *which = nullptr;
  for (const char *key : {"occurrence", "cancel_occurrence", "from_occurrence"}) {
    if (!changes.contains(key)) {
      continue;
    }
    if (which != nullptr) {
      return core::fail_field(key, "give one of occurrence, cancel_occurrence and "
                                   "from_occurrence, not several");
    }
    which = key;
  }
  if (!series.recurrence) {
    return core::fail_field(which, fmt::format("event {} does not repeat; edit it without "
                                               "naming an occurrence",
                                               series.id));
  }
  auto zone = core::find_zone(series.tz);
  if (!zone) {
    return tl::unexpected(zone.error());
  }
  auto id = ical::parse_occurrence_id(changes.at(which), which, series, *zone);
  if (!id) {
    return tl::unexpected(id.error());
  }
  changes.erase(which);
  const auto ctx = input_context(context, m_gazetteer);
  const std::string name = which;
  if (name == "from_occurrence") {
    auto split = ical::split_series(series, *id, changes, ctx);
    if (!split) {
      return tl::unexpected(split.error());
    }
    split->after.event.owner_uid = series.owner_uid;
    std::optional<core::Event> before;
    std::optional<core::Event> after;
    auto written = m_store.write_together([&]() -> core::Result<void> {
      auto updated = m_store.update(split->before);
      if (!updated) {
        return tl::unexpected(updated.error());
      }
      before = std::move(*updated);
      auto added = m_store.add(split->after.event);
      if (!added) {
        return tl::unexpected(added.error());
      }
      after = std::move(*added);
      return {};
    });
    if (!written) {
      return tl::unexpected(written.error());
    }
    changed();
    auto reply = drafted_reply(*after, split->after.notes);
    reply["previous"] = core::event_to_json(*before);
    return reply;
  }
  if (name == "cancel_occurrence" && !changes.empty()) {
    return core::fail_field(changes.begin().key(), "cancel_occurrence takes no other change");
  }
  auto drafted = name == "occurrence"
                     ? ical::update_occurrence(std::move(series), *id, changes, ctx)
                     : ical::cancel_occurrence(std::move(series), *id, ctx);
  if (!drafted) {
    return tl::unexpected(drafted.error());
  }
  auto stored = m_store.update(drafted->event);
  if (!stored) {
    return tl::unexpected(stored.error());
  }
  changed();
  return drafted_reply(*stored, drafted->notes);
}

HandlerResult EventHandlers::remove(const nlohmann::json &params, const CallContext &context) {
  auto current = event_named_by_id(params, m_store);
  if (!current) {
    return tl::unexpected(current.error());
  }
  if (auto allowed = check_owner(*current, context); !allowed) {
    return tl::unexpected(allowed.error());
  }
  if (auto writable = check_event_writable(m_store, current->id); !writable) {
    return tl::unexpected(writable.error());
  }
  if (auto removed = m_store.remove(current->id); !removed) {
    return tl::unexpected(removed.error());
  }
  changed();
  return nlohmann::json{{"removed", current->id}};
}

} // namespace summit::server
