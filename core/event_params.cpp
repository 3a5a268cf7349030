#include "core/event_params.hpp"

#include "core/event_json.hpp"
#include "core/field_limits.hpp"
#include "core/occurrence_json.hpp"
#include "core/page_limits.hpp"
#include "core/param_reader.hpp"
#include "core/text.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_input.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>

namespace summit::core {

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::size_t k_max_title = k_max_title_bytes;
constexpr std::size_t k_max_location = k_max_location_bytes;
constexpr std::size_t k_max_description = k_max_description_bytes;
constexpr std::size_t k_max_tag = k_max_tag_bytes;
constexpr std::size_t k_max_uid = k_max_uid_bytes;
// Beyond these the arithmetic is meaningless for a calendar and date/tz has
// no rules worth trusting; refusing keeps every later computation in range.
constexpr int k_min_year = 1900;
constexpr int k_max_year = 2399;

constexpr std::array k_add_fields{"title",     "start",    "end",         "duration",  "all_day",
                                  "tz",        "location", "description", "tags",      "status",
                                  "reminders", "uid",      "repeat",      "recurrence"};
constexpr std::array k_recurrence_fields{"rrule", "rdates", "exdates", "overrides", "description"};
// start_utc, end_utc and start_offset are what event_to_json writes; they are
// accepted (and recomputed) so that an event object can be sent back as is.
constexpr std::array k_override_fields{
    "occurrence", "start",     "end",     "duration",     "title",       "location",  "description",
    "status",     "start_utc", "end_utc", "start_offset", "start_later", "end_later", "separate"};
// rdates, exdates and overrides together (docs/PROTOCOL.md, limits).
constexpr std::size_t k_max_recurrence_entries = 4000;

std::string trim(std::string_view s) {
  return std::string(text::trim(s, text::k_blanks_and_line_ends));
}

// A required text member read with the one ParamReader: the field's
// message when absent is the caller's to give (it says what to put there).
Result<std::string> get_text(const json &object, const char *field, std::size_t max_bytes) {
  ParamReader reader(object);
  auto text = reader.optional_text(field, max_bytes);
  if (!text) {
    return tl::unexpected(text.error());
  }
  return text->value_or(std::string());
}

Result<void> check_year(const char *field, LocalSeconds t) {
  const auto year = int(date::year_month_day{date::floor<date::days>(t)}.year());
  if (year < k_min_year || year > k_max_year) {
    return fail_field(field, fmt::format("year {} is outside {}-{}", year, k_min_year, k_max_year));
  }
  return {};
}

LocalSeconds add_months(LocalSeconds t, int months) {
  const auto ymd = date::year_month_day{date::floor<date::days>(t)};
  const auto moved = date::year_month_day{ymd.year() / ymd.month() / 1} + date::months{months};
  return LocalSeconds{date::local_days{moved}};
}

// A wall time in the event's zone from a parsed "when": instants are
// converted, and `later` says whether the instant is the second of two that
// share that wall time.
struct ZonedWall {
  LocalSeconds local;
  bool later = false;
};

ZonedWall wall_in_zone(const When &when, const date::time_zone *zone) {
  if (when.kind != When::Kind::instant) {
    return {when.local, false};
  }
  const auto local = to_local(when.instant, zone);
  const auto info = zone_info(local, zone);
  bool later = false;
  if (info.result == date::local_info::ambiguous) {
    later = (local - info.second.offset).time_since_epoch() == when.instant.time_since_epoch();
  }
  return {local, later};
}

Result<Reminder> parse_reminder(const json &item, std::size_t index, const date::time_zone *zone) {
  const std::string field = fmt::format("reminders[{}]", index);
  auto parse_before = [&](const json &value) -> Result<Reminder> {
    if (!value.is_string()) {
      return fail_field(field, "must be a duration such as \"P1D\" or \"1h\"");
    }
    auto d = parse_duration(value.get<std::string>());
    if (!d) {
      return fail_field(field, d.error().message);
    }
    if (*d > date::days{3660}) {
      return fail_field(field, "a reminder more than ten years before the event makes no sense");
    }
    return Reminder{*d, std::nullopt};
  };
  if (item.is_string()) {
    return parse_before(item);
  }
  if (!item.is_object() || item.size() != 1 || !(item.contains("before") || item.contains("at"))) {
    return fail_field(field, R"(must be a duration ("P1D"), {"before": DURATION} or {"at": TIME})");
  }
  if (item.contains("before")) {
    return parse_before(item.at("before"));
  }
  const auto &at = item.at("at");
  if (!at.is_string()) {
    return fail_field(field, "at must be a time string such as \"2025-09-25T09:00:00Z\"");
  }
  auto when = parse_iso(at.get<std::string>());
  if (!when) {
    return fail_field(field, when.error().message);
  }
  core::SysSeconds instant{};
  if (when->kind == When::Kind::instant) {
    instant = when->instant;
  } else if (when->kind == When::Kind::wall_time) {
    instant = resolve_local(when->local, zone).utc;
  } else {
    return fail_field(field, "at must be a time of day, not a whole day or month");
  }
  // The same years as an event's start: anything else could not be
  // written back (found by tests/fuzz/rpc_decode_fuzz.cpp).
  if (auto year = check_year(field.c_str(), LocalSeconds{instant.time_since_epoch()}); !year) {
    return tl::unexpected(year.error());
  }
  return Reminder{std::nullopt, instant};
}

// A recurrence's RDATE/EXDATE/RECURRENCE-ID: a wall time (timed) or a date
// (all-day) in the event's zone; an instant is read as its wall time there.
Result<ZonedWall> parse_occurrence_when(const json &value, const std::string &field,
                                        Precision precision, const date::time_zone *zone) {
  if (!value.is_string()) {
    return fail_field(field, fmt::format("must be a string such as {}, not {}",
                                         precision == Precision::all_day ? "\"2025-09-26\""
                                                                         : "\"2025-09-26T10:00\"",
                                         json_type_name(value)));
  }
  auto when = parse_iso(value.get<std::string>());
  if (!when) {
    return fail_field(field, when.error().message);
  }
  const bool is_time = when->kind == When::Kind::wall_time || when->kind == When::Kind::instant;
  if (precision == Precision::timed && !is_time) {
    return fail_field(field, "the event is timed: give a time (2025-09-26T10:00), not a date");
  }
  if (precision == Precision::all_day && when->kind != When::Kind::date) {
    return fail_field(field, "the event is all-day: give a date (2025-09-26)");
  }
  const ZonedWall wall = wall_in_zone(*when, zone);
  if (auto ok = check_year(field.c_str(), wall.local); !ok) {
    return tl::unexpected(ok.error());
  }
  return wall;
}

Result<std::vector<LocalSeconds>> parse_date_list(const json &list, const char *name,
                                                  Precision precision,
                                                  const date::time_zone *zone) {
  if (!list.is_array()) {
    return fail_field(name, "must be an array of times (or dates, for an all-day event)");
  }
  if (list.size() > k_max_recurrence_entries) {
    return fail_field(name, fmt::format("has {} entries; the limit is {} (rdates, exdates and "
                                        "overrides together)",
                                        list.size(), k_max_recurrence_entries));
  }
  std::set<LocalSeconds> dates;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto wall = parse_occurrence_when(list[i], fmt::format("{}[{}]", name, i), precision, zone);
    if (!wall) {
      return tl::unexpected(wall.error());
    }
    dates.insert(wall->local);
  }
  return std::vector<LocalSeconds>(dates.begin(), dates.end());
}

// One override from its params. Start defaults to the occurrence itself; end
// to start plus the series' length (exact for timed events, whole days for
// all-day ones).
Result<OccurrenceOverride> parse_override(const json &item, std::size_t index, const Event &event,
                                          const date::time_zone *zone) {
  const std::string field = fmt::format("recurrence.overrides[{}]", index);
  if (!item.is_object()) {
    return fail_field(field, "must be an object with an occurrence and what changes");
  }
  for (const auto &[key, value] : item.items()) {
    if (std::find(k_override_fields.begin(), k_override_fields.end(), key) ==
        k_override_fields.end()) {
      return fail_field(field + "." + key,
                        fmt::format("unknown field; the fields are occurrence, start, end, "
                                    "duration, title, location, description, status, separate"));
    }
  }
  auto has = [&](const char *key) { return item.contains(key) && !item.at(key).is_null(); };
  if (!has("occurrence")) {
    return fail_field(field + ".occurrence",
                      "is required: the start the rule gives the occurrence");
  }
  OccurrenceOverride changed;
  auto id =
      parse_occurrence_when(item.at("occurrence"), field + ".occurrence", event.precision, zone);
  if (!id) {
    return tl::unexpected(id.error());
  }
  changed.occurrence = id->local;
  ZonedWall start{id->local, false};
  if (has("start")) {
    auto given = parse_occurrence_when(item.at("start"), field + ".start", event.precision, zone);
    if (!given) {
      return tl::unexpected(given.error());
    }
    start = *given;
  }
  if (event.precision == Precision::timed) {
    const auto resolved = resolve_local(start.local, zone, start.later);
    changed.start_local = resolved.local;
    changed.start_later = resolved.later;
  } else {
    changed.start_local = start.local;
  }
  if (has("end") && has("duration")) {
    return fail_field(field + ".end", "give end or duration, not both");
  }
  const auto start_utc = resolve_local(changed.start_local, zone, changed.start_later).utc;
  if (has("end")) {
    auto end = parse_occurrence_when(item.at("end"), field + ".end", event.precision, zone);
    if (!end) {
      return tl::unexpected(end.error());
    }
    if (event.precision == Precision::timed) {
      const auto end_utc = resolve_local(end->local, zone, end->later).utc;
      if (end_utc < start_utc) {
        return fail_field(field + ".end", "must not come before the start");
      }
      changed.end_local = end->local;
      changed.end_later = end->later;
    } else {
      if (end->local <= changed.start_local) {
        return fail_field(field + ".end",
                          "must be after the start (exclusive: the day after the last day)");
      }
      changed.end_local = end->local;
    }
  } else {
    Seconds length = event.end_utc - event.start_utc;
    if (has("duration")) {
      if (!item.at("duration").is_string()) {
        return fail_field(field + ".duration", "must be a duration such as \"PT2H\"");
      }
      auto d = parse_duration(item.at("duration").get<std::string>());
      if (!d) {
        return fail_field(field + ".duration", d.error().message);
      }
      if (*d > date::days{3660}) {
        return fail_field(field + ".duration", "is longer than ten years");
      }
      length = *d;
    }
    if (event.precision == Precision::timed) {
      const ZonedWall exact =
          wall_in_zone(When{When::Kind::instant, {}, start_utc + length, {}}, zone);
      changed.end_local = exact.local;
      changed.end_later = exact.later;
    } else {
      const Seconds days = has("duration") ? length : event.end_local - event.start_local;
      if (days % date::days{1} != Seconds{0} || days <= Seconds{0}) {
        return fail_field(field + ".duration", "an all-day occurrence lasts whole days (P1D)");
      }
      changed.end_local = changed.start_local + days;
    }
  }
  for (const char *text_field : {"title", "location", "description"}) {
    if (!has(text_field)) {
      continue;
    }
    const std::size_t limit =
        std::string_view(text_field) == "description" ? k_max_description : k_max_title;
    auto text = get_text(item, text_field, limit);
    if (!text) {
      Error error = text.error();
      error.message = field + "." + error.message;
      error.field = field + "." + error.field;
      return tl::unexpected(error);
    }
    std::string value = std::string_view(text_field) == "description" ? *text : trim(*text);
    if (std::string_view(text_field) == "title") {
      if (value.empty()) {
        return fail_field(field + ".title", "must not be empty");
      }
      changed.title = value;
    } else if (std::string_view(text_field) == "location") {
      changed.location = value;
    } else {
      changed.description = value;
    }
  }
  if (has("status")) {
    const auto &status = item.at("status");
    auto parsed = status.is_string() ? status_from_string(status.get<std::string>()) : std::nullopt;
    if (!parsed) {
      return fail_field(field + ".status", "must be \"confirmed\", \"tentative\" or \"cancelled\"");
    }
    changed.status = *parsed;
  }
  if (has("separate")) {
    if (!item.at("separate").is_boolean()) {
      return fail_field(field + ".separate", "must be true or false");
    }
    changed.separate = item.at("separate").get<bool>();
  }
  return changed;
}

// `repeat` (a rule) or `recurrence` (the whole object) into event.recurrence.
// The event's precision, start, end and zone are set already.
Result<void> parse_recurrence(const json &params, Event &event, const date::time_zone *zone,
                              const EventInputContext &ctx) {
  const bool has_repeat = params.contains("repeat") && !params.at("repeat").is_null();
  const bool has_object = params.contains("recurrence") && !params.at("recurrence").is_null();
  if (!has_repeat && !has_object) {
    return {};
  }
  const char *name = has_repeat ? "repeat" : "recurrence";
  if (has_repeat && has_object) {
    return fail_field("repeat", "give repeat (a rule) or recurrence (rule, dates and "
                                "overrides), not both");
  }
  if (event.precision == Precision::month) {
    return fail_field(name, "a month-precision event (date TBA) cannot repeat; give it a date "
                            "first");
  }
  if (ctx.recurrence_rules == nullptr) {
    return fail(ErrorCode::internal, "repeating events are not supported by this build");
  }
  Recurrence recurrence;
  auto canonical = [&](const json &rule, const char *field) -> Result<void> {
    if (!rule.is_string()) {
      return fail_field(field, "must be a rule such as \"FREQ=WEEKLY;BYDAY=FR\" or \"weekly\"");
    }
    const std::string text = trim(rule.get<std::string>());
    if (text.empty()) {
      return {};
    }
    if (text.size() > 1000) {
      return fail_field(field, "is longer than 1000 characters");
    }
    auto rrule = ctx.recurrence_rules->canonical_rule(text, event, zone);
    if (!rrule) {
      return fail_field(field, rrule.error().message);
    }
    recurrence.rrule = *rrule;
    return {};
  };
  if (has_repeat) {
    if (auto ok = canonical(params.at("repeat"), "repeat"); !ok) {
      return ok;
    }
    if (recurrence.rrule.empty()) {
      return fail_field("repeat", "must not be empty (null removes the recurrence)");
    }
  } else {
    const json &object = params.at("recurrence");
    if (!object.is_object()) {
      return fail_field("recurrence", "must be an object with rrule, rdates, exdates, overrides");
    }
    for (const auto &[key, value] : object.items()) {
      if (std::find(k_recurrence_fields.begin(), k_recurrence_fields.end(), key) ==
          k_recurrence_fields.end()) {
        return fail_field("recurrence." + key,
                          "unknown field; the fields are rrule, rdates, exdates, overrides");
      }
    }
    auto has = [&](const char *key) { return object.contains(key) && !object.at(key).is_null(); };
    if (has("rrule")) {
      if (auto ok = canonical(object.at("rrule"), "recurrence.rrule"); !ok) {
        return ok;
      }
    }
    if (has("rdates")) {
      auto dates = parse_date_list(object.at("rdates"), "recurrence.rdates", event.precision, zone);
      if (!dates) {
        return tl::unexpected(dates.error());
      }
      recurrence.rdates = std::move(*dates);
    }
    if (has("exdates")) {
      auto dates =
          parse_date_list(object.at("exdates"), "recurrence.exdates", event.precision, zone);
      if (!dates) {
        return tl::unexpected(dates.error());
      }
      recurrence.exdates = std::move(*dates);
    }
    if (has("overrides")) {
      const json &list = object.at("overrides");
      if (!list.is_array()) {
        return fail_field("recurrence.overrides", "must be an array of objects");
      }
      if (list.size() > k_max_recurrence_entries) {
        return fail_field("recurrence.overrides",
                          fmt::format("has {} entries; the limit is {} (rdates, exdates and "
                                      "overrides together)",
                                      list.size(), k_max_recurrence_entries));
      }
      for (std::size_t i = 0; i < list.size(); ++i) {
        auto changed = parse_override(list[i], i, event, zone);
        if (!changed) {
          return tl::unexpected(changed.error());
        }
        recurrence.overrides.push_back(std::move(*changed));
      }
      std::sort(recurrence.overrides.begin(), recurrence.overrides.end(),
                [](const auto &a, const auto &b) { return a.occurrence < b.occurrence; });
      for (std::size_t i = 1; i < recurrence.overrides.size(); ++i) {
        if (recurrence.overrides[i].occurrence == recurrence.overrides[i - 1].occurrence) {
          return fail_field(
              "recurrence.overrides",
              fmt::format("two overrides for the occurrence {}",
                          wire_form(event.precision, recurrence.overrides[i].occurrence)));
        }
      }
    }
    if (recurrence.rrule.empty() && recurrence.rdates.empty()) {
      return fail_field("recurrence", "needs an rrule or rdates: say when it repeats");
    }
    const std::size_t entries =
        recurrence.rdates.size() + recurrence.exdates.size() + recurrence.overrides.size();
    if (entries > k_max_recurrence_entries) {
      return fail_field("recurrence", fmt::format("has {} rdates, exdates and overrides "
                                                  "together; the limit is {}",
                                                  entries, k_max_recurrence_entries));
    }
  }
  event.recurrence = std::move(recurrence);
  return {};
}

// Moves every date of a recurrence by the wall-time distance its series'
// start moved (an update that moves the whole series moves its exceptions).
void shift_recurrence(Recurrence &recurrence, Seconds by) {
  for (auto &t : recurrence.rdates) {
    t += by;
  }
  for (auto &t : recurrence.exdates) {
    t += by;
  }
  for (auto &changed : recurrence.overrides) {
    changed.occurrence += by;
    changed.start_local += by;
    changed.end_local += by;
  }
}

// What `text` costs in a calendar.export page at most: escaped for
// iCalendar (\; \, \\ \n), folded every 74 octets, then escaped again
// for JSON (a control character as \u00XX).
std::size_t exported_text_bytes(const std::string &text) {
  std::size_t bytes = 0;
  std::size_t octets = 0;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == ';' || c == ',') {
      bytes += 3;
      octets += 2;
    } else if (c == '\\') {
      bytes += 4;
      octets += 2;
    } else if (c == '\n') {
      bytes += 3;
      octets += 2;
    } else if (c == '"') {
      bytes += 2;
      octets += 1;
    } else if (byte < 0x20 || byte == 0x7f) {
      bytes += 6;
      octets += 1;
    } else {
      bytes += 1;
      octets += 1;
    }
  }
  return bytes + 5 * (octets / 74 + 1);
}

// An upper bound of the event's bytes in a calendar.export page: its
// VEVENT, and one more per override that repeats the series' text and
// alarms where the override does not replace them (ics_export.hpp).
std::size_t exported_bytes(const Event &event) {
  constexpr std::size_t k_properties = 2048; // UID, DTSTAMP, times, STATUS...
  constexpr std::size_t k_alarm = 256;       // a VALARM less its text
  const std::size_t title = exported_text_bytes(event.title);
  const std::size_t location = exported_text_bytes(event.location);
  const std::size_t description = exported_text_bytes(event.description);
  auto component = [&](std::size_t title_bytes, std::size_t text_bytes) {
    return k_properties + title_bytes + text_bytes +
           event.reminders.size() * (k_alarm + title_bytes);
  };
  std::size_t total = component(title, location + description);
  for (const std::string &tag : event.tags) {
    total += exported_text_bytes(tag);
  }
  if (!event.recurrence) {
    return total;
  }
  const Recurrence &recurrence = *event.recurrence;
  total += recurrence.rrule.size() + 64 * (recurrence.rdates.size() + recurrence.exdates.size());
  for (const OccurrenceOverride &changed : recurrence.overrides) {
    total += component(
        changed.title ? exported_text_bytes(*changed.title) : title,
        (changed.location ? exported_text_bytes(*changed.location) : location) +
            (changed.description ? exported_text_bytes(*changed.description) : description));
  }
  return total;
}

// At least wire_size(event_to_json(event)) for an event that does not
// repeat, from the lengths of its texts alone: a byte of text takes at most
// 6 in JSON (\u00XX), and the rest of the object (member names, numbers,
// instants, the zone's offset) well under k_fixed. So that an everyday
// event is not serialized just to be measured (issue 17: 77,000
// instructions of an event.add's 320,000).
std::size_t json_bytes_at_most(const Event &event) {
  constexpr std::size_t k_fixed = 1024;
  constexpr std::size_t k_per_item = 64; // a reminder's object; a tag's quotes and comma
  std::size_t text = event.uid.size() + event.title.size() + event.tz.size() +
                     event.location.size() + event.description.size();
  for (const std::string &tag : event.tags) {
    text += tag.size();
  }
  if (event.lone_change) {
    text += event.lone_change->series_uid.size() + event.lone_change->recurrence_id.size();
  }
  return k_fixed + 6 * text + k_per_item * (event.reminders.size() + event.tags.size());
}

// No single event may fill a page of event.list or calendar.export: its
// JSON takes at most a quarter of one (k_max_event_bytes), its export at
// most half. The field named is the larger of description and recurrence.
Result<void> check_size(const Event &event) {
  // Measured exactly only when the bound does not already answer.
  const std::size_t bytes = !event.recurrence && json_bytes_at_most(event) <= k_max_event_bytes
                                ? 0
                                : wire_size(event_to_json(event));
  const std::size_t exported = exported_bytes(event);
  if (bytes <= k_max_event_bytes && exported <= k_max_exported_event_bytes) {
    return {};
  }
  const std::size_t in_recurrence = event.recurrence ? wire_size(recurrence_to_json(event)) : 0;
  const char *field = in_recurrence > event.description.size() ? "recurrence" : "description";
  if (bytes > k_max_event_bytes) {
    return fail_field(field, fmt::format("the event takes {} bytes as JSON; the limit is {} "
                                         "(a quarter of a listing page): shorten the description "
                                         "or give fewer rdates, exdates and overrides",
                                         bytes, k_max_event_bytes));
  }
  return fail_field("recurrence.overrides",
                    fmt::format("an export repeats the event's text in each of its {} overrides, "
                                "{} bytes in all; the limit is {}: shorten the description or "
                                "change fewer occurrences",
                                event.recurrence->overrides.size(), exported,
                                k_max_exported_event_bytes));
}

// event_from_add_params, field by field: each reads its fields of `params`
// into `drafted` (the event and the notes for the user).

bool has(const json &params, const char *field) {
  return params.contains(field) && !params.at(field).is_null();
}

// title, location, description (before tz: the location may name the zone).
Result<void> read_texts(const json &params, Event &event) {
  if (!has(params, "title")) {
    return fail_field("title", "is required: say what the event is");
  }
  auto title = get_text(params, "title", k_max_title);
  if (!title) {
    return tl::unexpected(title.error());
  }
  event.title = trim(*title);
  if (event.title.empty()) {
    return fail_field("title", "must not be empty: say what the event is");
  }

  if (has(params, "location")) {
    auto location = get_text(params, "location", k_max_location);
    if (!location) {
      return tl::unexpected(location.error());
    }
    event.location = trim(*location);
  }
  if (has(params, "description")) {
    auto description = get_text(params, "description", k_max_description);
    if (!description) {
      return tl::unexpected(description.error());
    }
    event.description = *description;
  }

  return {};
}

// tz: given, else inferred from the location, else refused. The daemon never
// falls back to its own host's zone.
Result<const date::time_zone *> read_zone(const json &params, const EventInputContext &ctx,
                                          DraftedEvent &drafted) {
  Event &event = drafted.event;
  if (has(params, "tz")) {
    auto tz = get_text(params, "tz", 100);
    if (!tz) {
      return tl::unexpected(tz.error());
    }
    if (is_floating(text::trim(*tz))) {
      // The same wall time in every zone (zones.hpp).
      event.tz = std::string(k_floating);
    } else {
      auto typed = read_typed_zone(*tz);
      if (!typed) {
        return fail_field("tz", typed.error().message);
      }
      event.tz = typed->zone->name();
      if (!typed->note.empty()) {
        drafted.notes.push_back(std::move(typed->note));
      }
    }
  } else if (ctx.gazetteer != nullptr && !event.location.empty()) {
    // Read on demand: the first location without tz loads the gazetteer.
    const auto place = ctx.gazetteer->zone_for(event.location);
    if (place.kind == PlaceZone::Kind::found) {
      event.tz = place.zone;
      drafted.notes.push_back(
          fmt::format("using time zone {} ({}); pass tz to override", place.zone, place.reason));
    } else if (place.kind == PlaceZone::Kind::ambiguous) {
      return fail_field("tz", fmt::format("is required: {}, or name the zone in tz", place.reason));
    }
  }
  if (event.tz.empty()) {
    return fail_field("tz", "is required: name the event's IANA time zone (such as "
                            "Europe/Minsk), or give a location whose city or country tzdata "
                            "knows");
  }
  auto zone_result = find_zone(event.tz);
  if (!zone_result) {
    return fail_field("tz", zone_result.error().message);
  }
  return *zone_result;
}

// start (and all_day): the precision, and the start's wall time.
Result<When> read_start(const json &params, const date::time_zone *zone, DraftedEvent &drafted) {
  Event &event = drafted.event;
  if (!has(params, "start")) {
    return fail_field("start", "is required: give a time (2025-09-26T10:00), a date "
                               "(2025-09-26) or a month (2025-09)");
  }
  auto start_text = get_text(params, "start", 100);
  if (!start_text) {
    return tl::unexpected(start_text.error());
  }
  auto start = parse_iso(*start_text);
  if (!start) {
    return fail_field("start", start.error().message);
  }
  switch (start->kind) {
  case When::Kind::month:
    event.precision = Precision::month;
    break;
  case When::Kind::date:
    event.precision = Precision::all_day;
    break;
  case When::Kind::wall_time:
  case When::Kind::instant:
    event.precision = Precision::timed;
    break;
  }
  auto all_day = ParamReader(params).optional_bool("all_day");
  if (!all_day) {
    return tl::unexpected(all_day.error());
  }
  if (*all_day) {
    if (**all_day && event.precision == Precision::timed) {
      return fail_field("all_day", "an all-day event starts on a date (2025-09-26), not at a time");
    }
    if (!**all_day && event.precision == Precision::all_day) {
      return fail_field("all_day",
                        "a date start makes an all-day event; give a time to make it timed");
    }
  }
  const ZonedWall start_wall = wall_in_zone(*start, zone);
  if (auto ok = check_year("start", start_wall.local); !ok) {
    return tl::unexpected(ok.error());
  }
  if (event.precision == Precision::timed && is_floating(event.tz)) {
    // A floating wall time is the same in every zone: one that this
    // process's zone skips (a DST gap) still exists elsewhere, and is kept
    // as given; only its instant here moves forward (derive_instants).
    event.start_local = start_wall.local;
  } else if (event.precision == Precision::timed) {
    const auto resolved = resolve_local(start_wall.local, zone, start_wall.later);
    event.start_local = resolved.local;
    event.start_later = resolved.later;
    if (!resolved.note.empty()) {
      drafted.notes.push_back(resolved.note);
    }
  } else {
    event.start_local = start_wall.local;
  }

  return *start;
}

// end: a time, a date or a month, as the start is.
Result<void> read_end_time(const json &params, const date::time_zone *zone, Event &event) {
  auto end_text = get_text(params, "end", 100);
  if (!end_text) {
    return tl::unexpected(end_text.error());
  }
  auto end = parse_iso(*end_text);
  if (!end) {
    return fail_field("end", end.error().message);
  }
  const bool end_is_time = end->kind == When::Kind::wall_time || end->kind == When::Kind::instant;
  if (event.precision == Precision::timed && !end_is_time) {
    return fail_field("end",
                      "a timed event ends at a time (2025-09-26T12:00), not a date or month");
  }
  if (event.precision == Precision::all_day && end->kind != When::Kind::date) {
    return fail_field("end",
                      "an all-day event ends on a date (exclusive: the day after the last day)");
  }
  if (event.precision == Precision::month && end->kind != When::Kind::month) {
    return fail_field(
        "end", "a month-precision event ends with a month (exclusive: 2025-10 for September)");
  }
  const ZonedWall end_wall = wall_in_zone(*end, zone);
  if (auto ok = check_year("end", end_wall.local); !ok) {
    return tl::unexpected(ok.error());
  }
  event.end_local = end_wall.local;
  event.has_end = true;
  if (event.precision == Precision::timed) {
    const auto start_utc = resolve_local(event.start_local, zone, event.start_later).utc;
    const auto end_utc =
        end->kind == When::Kind::instant ? end->instant : resolve_local(event.end_local, zone).utc;
    if (end_utc < start_utc) {
      return fail_field("end", fmt::format("{} is before the start {}; the end must not come "
                                           "before the start",
                                           format_iso_local(event.end_local),
                                           format_iso_local(event.start_local)));
    }
    const ZonedWall exact = wall_in_zone(When{When::Kind::instant, {}, end_utc, {}}, zone);
    event.end_local = exact.local;
    event.end_later = exact.later;
  } else if (event.end_local <= event.start_local) {
    return fail_field("end", fmt::format("{} is not after the start {} (the end is exclusive: "
                                         "the day or month after the last)",
                                         wire_form(event.precision, event.end_local),
                                         wire_form(event.precision, event.start_local)));
  }
  return {};
}

// duration: exact for a timed event, whole days for an all-day one.
Result<void> read_duration(const json &params, const date::time_zone *zone, Event &event) {
  if (!params.at("duration").is_string()) {
    return fail_field("duration", "must be a duration such as \"PT2H\" or \"90m\"");
  }
  auto duration = parse_duration(params.at("duration").get<std::string>());
  if (!duration) {
    return fail_field("duration", duration.error().message);
  }
  if (*duration > date::days{3660}) {
    return fail_field("duration", "is longer than ten years");
  }
  if (event.precision == Precision::month) {
    return fail_field("duration",
                      "a month-precision event spans its month; give an end month instead");
  }
  if (event.precision == Precision::all_day) {
    if (*duration % date::days{1} != Seconds{0} || *duration == Seconds{0}) {
      return fail_field("duration", "an all-day event lasts whole days (P1D, 3d)");
    }
    event.end_local = event.start_local + *duration;
  } else {
    // Exact (elapsed) duration, as RFC 5545 reads a DURATION with time parts.
    const auto start_utc = resolve_local(event.start_local, zone, event.start_later).utc;
    const ZonedWall exact =
        wall_in_zone(When{When::Kind::instant, {}, start_utc + *duration, {}}, zone);
    event.end_local = exact.local;
    event.end_later = exact.later;
  }
  event.has_end = true;
  return {};
}

// end or duration; without either, a point in time, a day or a month.
Result<void> read_end(const json &params, const date::time_zone *zone, Event &event) {
  if (has(params, "end") && has(params, "duration")) {
    return fail_field("end", "give end or duration, not both");
  }
  if (has(params, "end")) {
    return read_end_time(params, zone, event);
  }
  if (has(params, "duration")) {
    return read_duration(params, zone, event);
  }
  switch (event.precision) {
  case Precision::timed:
    event.end_local = event.start_local;
    break;
  case Precision::all_day:
    event.end_local = event.start_local + date::days{1};
    break;
  case Precision::month:
    event.end_local = add_months(event.start_local, 1);
    break;
  }
  event.has_end = false;
  return {};
}

// tags, status, reminders and uid.
Result<void> read_lists(const json &params, const date::time_zone *zone, Event &event) {
  // tags
  if (has(params, "tags")) {
    const auto &tags = params.at("tags");
    if (!tags.is_array()) {
      return fail_field("tags", "must be an array of strings");
    }
    if (tags.size() > k_max_tags) {
      return fail_field("tags", fmt::format("at most {} tags", k_max_tags));
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < tags.size(); ++i) {
      const auto field = fmt::format("tags[{}]", i);
      if (!tags[i].is_string()) {
        return fail_field(field, "must be a string");
      }
      auto tag = trim(tags[i].get<std::string>());
      if (tag.empty() || tag.size() > k_max_tag) {
        return fail_field(field, fmt::format("must be 1 to {} characters", k_max_tag));
      }
      if (tag.find_first_of(std::string_view{",\n\r\0", 4}) != std::string::npos) {
        return fail_field(field, "must not contain commas or line breaks");
      }
      if (seen.insert(tag).second) {
        event.tags.push_back(tag);
      }
    }
  }

  // status
  event.status = event.precision == Precision::month ? Status::tentative : Status::confirmed;
  if (has(params, "status")) {
    const auto &status = params.at("status");
    auto parsed = status.is_string() ? status_from_string(status.get<std::string>()) : std::nullopt;
    if (!parsed) {
      return fail_field("status", "must be \"confirmed\", \"tentative\" or \"cancelled\"");
    }
    event.status = *parsed;
  }

  // reminders
  if (has(params, "reminders")) {
    const auto &reminders = params.at("reminders");
    if (!reminders.is_array()) {
      return fail_field("reminders", "must be an array such as [\"P7D\", \"P1D\"]");
    }
    if (reminders.size() > k_max_reminders) {
      return fail_field("reminders", fmt::format("at most {} reminders", k_max_reminders));
    }
    for (std::size_t i = 0; i < reminders.size(); ++i) {
      auto reminder = parse_reminder(reminders[i], i, zone);
      if (!reminder) {
        return tl::unexpected(reminder.error());
      }
      if (std::find(event.reminders.begin(), event.reminders.end(), *reminder) ==
          event.reminders.end()) {
        event.reminders.push_back(*reminder);
      }
    }
  }

  // uid
  if (has(params, "uid")) {
    auto uid = get_text(params, "uid", k_max_uid);
    if (!uid) {
      return tl::unexpected(uid.error());
    }
    event.uid = trim(*uid);
    if (event.uid.empty()) {
      return fail_field("uid", "must not be empty (leave it out to have one generated)");
    }
  }

  return {};
}

} // namespace

Result<DraftedEvent> event_from_add_params(const json &params, const EventInputContext &ctx) {
  if (!params.is_object()) {
    return fail(ErrorCode::invalid_params, "params must be an object");
  }
  // event.update passes its id through; it is not an add field.
  constexpr std::array k_passed_through{"id"};
  if (auto known = ParamReader(params).reject_unknown(k_add_fields, k_passed_through); !known) {
    return tl::unexpected(known.error());
  }
  DraftedEvent drafted;
  Event &event = drafted.event;
  if (auto texts = read_texts(params, event); !texts) {
    return tl::unexpected(texts.error());
  }
  auto zone_result = read_zone(params, ctx, drafted);
  if (!zone_result) {
    return tl::unexpected(zone_result.error());
  }
  const date::time_zone *zone = *zone_result;
  if (auto start = read_start(params, zone, drafted); !start) {
    return tl::unexpected(start.error());
  }
  if (auto end = read_end(params, zone, event); !end) {
    return tl::unexpected(end.error());
  }
  if (auto lists = read_lists(params, zone, event); !lists) {
    return tl::unexpected(lists.error());
  }

  event.owner_uid = ctx.caller_uid;
  event.created = ctx.now;
  event.updated = ctx.now;
  if (auto derived = derive_instants(event); !derived) {
    return tl::unexpected(derived.error());
  }
  // After the instants: the rule's UNTIL and the overrides are checked
  // against the event's real start.
  if (auto repeat = parse_recurrence(params, event, zone, ctx); !repeat) {
    return tl::unexpected(repeat.error());
  }
  if (event.recurrence) {
    if (auto derived = derive_instants(event); !derived) {
      return tl::unexpected(derived.error());
    }
    if (auto complete = ctx.recurrence_rules->complete(event, zone); !complete) {
      return tl::unexpected(complete.error());
    }
  }
  if (auto fits = check_size(event); !fits) {
    return tl::unexpected(fits.error());
  }
  return drafted;
}

Result<DraftedEvent> event_apply_update_params(Event current, const json &params,
                                               const EventInputContext &ctx) {
  if (!params.is_object()) {
    return fail(ErrorCode::invalid_params, "params must be an object");
  }
  // Express the current event as add params, overlay the update, and
  // validate the result as a whole: one set of rules for add and update.
  json merged = event_to_json(current);
  json base = json::object();
  for (const char *field : k_add_fields) {
    if (merged.contains(field)) {
      base[field] = merged[field];
    }
  }
  base.erase("all_day");
  if (current.uid.empty()) {
    base.erase("uid");
  }
  if (!current.has_end) {
    base.erase("end");
  }
  // Keep the later of two equal wall times: send the exact instant.
  if (auto zone = find_zone(current.tz); zone && current.precision == Precision::timed) {
    if (current.start_later) {
      base["start"] = format_iso_offset(current.start_utc, *zone);
    }
    if (current.has_end && current.end_later) {
      base["end"] = format_iso_offset(current.end_utc, *zone);
    }
  }

  const bool start_changes = params.contains("start") && !params.at("start").is_null();
  const bool end_given = params.contains("end") || params.contains("duration");
  if (start_changes && !end_given && current.has_end) {
    // Moving the start keeps the duration.
    base.erase("end");
    if (current.precision == Precision::timed) {
      base["duration"] = format_duration_iso(current.end_utc - current.start_utc);
    } else if (current.precision == Precision::all_day) {
      base["duration"] = format_duration_iso(current.end_local - current.start_local);
    }
  }
  if (end_given) {
    base.erase("end");
    base.erase("duration");
  }
  for (const auto &[key, value] : params.items()) {
    if (key == "id") {
      continue;
    }
    if (key == "repeat" || key == "recurrence") {
      // null ends the repetition; `repeat` changes the rule and keeps the
      // series' dates and overrides; `recurrence` replaces all of it.
      if (value.is_null()) {
        base.erase("recurrence");
      } else if (key == "repeat" && base.contains("recurrence")) {
        base["recurrence"]["rrule"] = value;
      } else {
        base[key == "repeat" ? "recurrence" : key] =
            key == "repeat" ? json{{"rrule", value}} : value;
      }
      continue;
    }
    if (value.is_null()) {
      if (key == "end" || key == "duration" || key == "location" || key == "description") {
        base.erase(key);
        continue;
      }
      return fail_field(key, "cannot be cleared (only end, duration, location, description and "
                             "repeat can)");
    }
    base[key] = value;
  }
  if (params.contains("repeat") && params.contains("recurrence")) {
    return fail_field("repeat", "give repeat (a rule) or recurrence (rule, dates and overrides), "
                                "not both");
  }
  // A precision change (timed -> month) makes an old end meaningless.
  if (start_changes && !end_given && base.contains("duration")) {
    auto start = parse_iso(base["start"].is_string() ? base["start"].get<std::string>() : "");
    if (start && (start->kind == When::Kind::month ||
                  (start->kind == When::Kind::date) != (current.precision == Precision::all_day))) {
      base.erase("duration");
    }
  }

  // Moving a series moves its exceptions with it: shift them in `base`
  // before the whole is validated, by the wall-time distance of the move.
  if (start_changes && current.recurrence && base.contains("recurrence") &&
      !params.contains("recurrence")) {
    auto probe = base;
    probe.erase("recurrence");
    auto moved = event_from_add_params(probe, ctx);
    if (!moved) {
      return moved;
    }
    if (moved->event.precision != current.precision) {
      // Timed dates mean nothing to an all-day series and back: only the
      // rule survives.
      base["recurrence"].erase("rdates");
      base["recurrence"].erase("exdates");
      base["recurrence"].erase("overrides");
    } else if (moved->event.start_local != current.start_local) {
      Event shifted = current;
      shift_recurrence(*shifted.recurrence, moved->event.start_local - current.start_local);
      auto zone = find_zone(current.tz);
      json rule = base["recurrence"].value("rrule", json(""));
      base["recurrence"] = recurrence_json(shifted, zone ? *zone : nullptr);
      base["recurrence"]["rrule"] = rule;
    }
  }

  auto drafted = event_from_add_params(base, ctx);
  if (!drafted) {
    return drafted;
  }
  // Giving an announced month its day confirms it, unless the caller says
  // what the status is.
  if (current.precision == Precision::month && drafted->event.precision != Precision::month &&
      current.status == Status::tentative && !params.contains("status")) {
    drafted->event.status = Status::confirmed;
  }
  drafted->event.id = current.id;
  drafted->event.uid = params.contains("uid") ? drafted->event.uid : current.uid;
  drafted->event.owner_uid = current.owner_uid;
  drafted->event.created = current.created;
  drafted->event.updated = ctx.now;
  return drafted;
}

} // namespace summit::core
