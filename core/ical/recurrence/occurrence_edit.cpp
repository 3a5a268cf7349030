#include "core/event_json.hpp"
#include "core/ical/recurrence.hpp"
#include "core/ical/rule_walk.hpp"
#include "core/ical/series.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace summit::ical {

namespace {

using core::fail_field;
using core::LocalSeconds;
using core::Result;
using nlohmann::json;

constexpr std::array k_occurrence_fields{"start",    "end",         "duration", "title",
                                         "location", "description", "status"};
// The request's own keys, which name what is edited rather than a change.
constexpr std::array k_request_keys{"id", "occurrence", "cancel_occurrence", "from_occurrence"};

bool is_request_key(const std::string &key) {
  return std::find(k_request_keys.begin(), k_request_keys.end(), key) != k_request_keys.end();
}

std::string wire(const core::Event &event, LocalSeconds t) {
  return event.precision == core::Precision::all_day ? core::format_iso_date(t)
                                                     : core::format_iso_local(t);
}

// "2025-10-30T10:00:00 is not an occurrence; nearby: ...", with a hint when
// the time given is where an occurrence was moved (by an override or a DST
// gap) rather than the start the rule gives it.
core::Error not_an_occurrence(Series &series, const core::Event &event, const date::time_zone *zone,
                              LocalSeconds id, const std::string &field) {
  const std::string written = wire(event, id);
  if (series.excluded(id)) {
    return fail_field(field, fmt::format("{} is cancelled (an EXDATE) already", written)).value();
  }
  const auto instant = core::resolve_local(id, zone).utc;
  for (const auto &occurrence :
       series.collect({instant - date::days{2}, instant + date::days{2}}, 1000)) {
    if (occurrence.start_local == id && occurrence.id != id) {
      return fail_field(field, fmt::format("{} is where the occurrence {} now starts; name it "
                                           "by {}, the start the rule gives it",
                                           written, wire(event, occurrence.id),
                                           wire(event, occurrence.id)))
          .value();
    }
  }
  std::vector<std::string> near;
  for (const auto t : series.nearby(id, 3)) {
    near.push_back(wire(event, t));
  }
  return fail_field(field, fmt::format("{} is not an occurrence of the series{}{}", written,
                                       near.empty() ? "" : "; nearby: ", fmt::join(near, ", ")))
      .value();
}

Result<const date::time_zone *> zone_of(const core::Event &series, const char *field) {
  if (!series.recurrence) {
    return fail_field(field, "the event does not repeat; change it without " + std::string(field));
  }
  auto zone = core::find_zone(series.tz);
  if (!zone) {
    return tl::unexpected(zone.error());
  }
  return *zone;
}

// An error about recurrence.overrides[index].X, put in the words of the
// request (X).
core::Error in_request_words(core::Error error, std::size_t index) {
  const std::string prefix = fmt::format("recurrence.overrides[{}].", index);
  if (error.field.rfind(prefix, 0) == 0) {
    error.field = error.field.substr(prefix.size());
    if (error.message.rfind(prefix, 0) == 0) {
      error.message = error.message.substr(prefix.size());
    }
  }
  return error;
}

json without_request_keys(const json &params) {
  json out = json::object();
  for (const auto &[key, value] : params.items()) {
    if (!is_request_key(key)) {
      out[key] = value;
    }
  }
  return out;
}

} // namespace

Result<LocalSeconds> parse_occurrence_id(const json &value, const std::string &field,
                                         const core::Event &series, const date::time_zone *zone) {
  auto checked = zone_of(series, field.c_str());
  if (!checked) {
    return tl::unexpected(checked.error());
  }
  const bool all_day = series.precision == core::Precision::all_day;
  const char *example = all_day ? "\"2025-10-31\"" : "\"2025-10-31T10:00\"";
  if (!value.is_string()) {
    return fail_field(field, fmt::format("must be the occurrence's start as the rule gives it, "
                                         "such as {}",
                                         example));
  }
  auto when = core::parse_iso(value.get<std::string>());
  if (!when) {
    return fail_field(field, when.error().message);
  }
  LocalSeconds id{};
  using Kind = core::When::Kind;
  if (all_day) {
    if (when->kind != Kind::date) {
      return fail_field(field, "the series is all-day: give the occurrence's date (2025-10-31)");
    }
    id = when->local;
  } else {
    if (when->kind == Kind::date || when->kind == Kind::month) {
      return fail_field(field, "the series is timed: give the occurrence's start time "
                               "(2025-10-31T10:00), not a date");
    }
    id = when->kind == Kind::instant ? core::to_local(when->instant, zone) : when->local;
  }
  Series walked(series, zone);
  if (!walked.is_occurrence(id)) {
    return tl::unexpected(not_an_occurrence(walked, series, zone, id, field));
  }
  return id;
}

Result<core::DraftedEvent> update_occurrence(core::Event series, LocalSeconds id,
                                             const json &params,
                                             const core::EventInputContext &ctx) {
  if (!params.is_object()) {
    return core::fail(core::ErrorCode::invalid_params, "params must be an object");
  }
  auto zone = zone_of(series, "occurrence");
  if (!zone) {
    return tl::unexpected(zone.error());
  }
  for (const auto &[key, value] : params.items()) {
    if (!is_request_key(key) && std::find(k_occurrence_fields.begin(), k_occurrence_fields.end(),
                                          key) == k_occurrence_fields.end()) {
      return fail_field(key, "applies to the whole series: send it without occurrence (or with "
                             "from_occurrence for this occurrence and the following ones)");
    }
  }
  Series walked(series, *zone);
  if (!walked.is_occurrence(id)) {
    return tl::unexpected(not_an_occurrence(walked, series, *zone, id, "occurrence"));
  }
  const Occurrence current = walked.make(id);

  json recurrence = core::event_to_json(series)["recurrence"];
  json &overrides = recurrence["overrides"];
  const std::string name = wire(series, id);
  std::size_t index = overrides.size();
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    if (overrides[i]["occurrence"] == name) {
      index = i;
    }
  }
  if (index == overrides.size()) {
    overrides.push_back(json{{"occurrence", name}});
  }
  json &item = overrides[index];
  for (const char *derived : {"start_utc", "end_utc", "start_offset"}) {
    item.erase(derived);
  }
  const bool end_given = params.contains("end") || params.contains("duration");
  if (params.contains("start") && !end_given) {
    // Moving it keeps its length.
    item.erase("end");
    item["duration"] = core::format_duration_iso(series.precision == core::Precision::all_day
                                                     ? current.end_local - current.start_local
                                                     : current.end_utc - current.start_utc);
  }
  if (end_given) {
    item.erase("end");
    item.erase("duration");
  }
  for (const auto &[key, value] : params.items()) {
    if (is_request_key(key)) {
      continue;
    }
    if (value.is_null()) {
      item.erase(key); // the series' value again
    } else {
      item[key] = value;
    }
  }

  auto drafted = core::event_apply_update_params(series, json{{"recurrence", recurrence}}, ctx);
  if (!drafted) {
    return tl::unexpected(in_request_words(drafted.error(), index));
  }
  // An override that changes nothing is no override.
  Series updated(drafted->event, *zone);
  auto &list = drafted->event.recurrence->overrides;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const core::OccurrenceOverride &o) {
                              const Occurrence natural = updated.natural(o.occurrence);
                              return o.occurrence == id && !o.title && !o.location &&
                                     !o.description && !o.status &&
                                     o.start_local == natural.start_local &&
                                     o.end_local == natural.end_local &&
                                     o.start_utc == natural.start_utc &&
                                     o.end_utc == natural.end_utc;
                            }),
             list.end());
  return drafted;
}

Result<core::DraftedEvent> cancel_occurrence(core::Event series, LocalSeconds id,
                                             const core::EventInputContext &ctx) {
  auto zone = zone_of(series, "cancel_occurrence");
  if (!zone) {
    return tl::unexpected(zone.error());
  }
  Series walked(series, *zone);
  if (!walked.is_occurrence(id)) {
    return tl::unexpected(not_an_occurrence(walked, series, *zone, id, "cancel_occurrence"));
  }
  if (walked.ids(LocalSeconds::min(), LocalSeconds::max(), 2).size() < 2) {
    return fail_field("cancel_occurrence", fmt::format("{} is the only occurrence left; remove "
                                                       "the event instead",
                                                       wire(series, id)));
  }
  core::Recurrence &recurrence = *series.recurrence;
  recurrence.exdates.insert(
      std::upper_bound(recurrence.exdates.begin(), recurrence.exdates.end(), id), id);
  recurrence.overrides.erase(
      std::remove_if(recurrence.overrides.begin(), recurrence.overrides.end(),
                     [&](const core::OccurrenceOverride &o) { return o.occurrence == id; }),
      recurrence.overrides.end());
  const json changed = core::event_to_json(series)["recurrence"];
  return core::event_apply_update_params(series, json{{"recurrence", changed}}, ctx);
}

Result<SplitSeries> split_series(const core::Event &series, LocalSeconds id, const json &params,
                                 const core::EventInputContext &ctx) {
  const char *field = "from_occurrence";
  if (!params.is_object()) {
    return core::fail(core::ErrorCode::invalid_params, "params must be an object");
  }
  auto zone = zone_of(series, field);
  if (!zone) {
    return tl::unexpected(zone.error());
  }
  Series walked(series, *zone);
  if (!walked.is_occurrence(id)) {
    return tl::unexpected(not_an_occurrence(walked, series, *zone, id, field));
  }
  const std::string name = wire(series, id);
  if (walked.ids(LocalSeconds::min(), id, 1).empty()) {
    return fail_field(field, fmt::format("{} is the first occurrence: change the whole series "
                                         "instead (leave out from_occurrence)",
                                         name));
  }
  const bool all_day = series.precision == core::Precision::all_day;
  const Rule *rule = walked.rule();
  std::optional<RuleWalk> starts;
  if (rule != nullptr) {
    starts.emplace(*rule, series.start_local, all_day, *zone);
    starts->seek(id);
    if (starts->next() != id) {
      return fail_field(field, fmt::format("{} is an extra date (RDATE), not one the rule gives: "
                                           "split at an occurrence of the rule, or change this "
                                           "one with occurrence",
                                           name));
    }
  }
  if (!all_day && core::resolve_local(id, *zone).local != id) {
    return fail_field(field, fmt::format("{} falls in a DST gap, and a series cannot start at a "
                                         "time that does not exist: split at the next "
                                         "occurrence, or change this one with occurrence",
                                         name));
  }
  const Occurrence natural = walked.natural(id);

  // The old series, up to just before `id`.
  core::Event before = series;
  core::Recurrence &old = *before.recurrence;
  std::optional<std::string> later_rule;
  if (rule != nullptr) {
    if (rule->count > 0) {
      int given = 0; // COUNT counts every start the rule gives, EXDATEs too
      starts->seek(series.start_local);
      while (const auto start = starts->next()) {
        if (*start >= id) {
          break;
        }
        ++given;
      }
      old.rrule = rule_with_end(*rule, given, std::nullopt, std::nullopt);
      later_rule = rule_with_end(*rule, rule->count - given, std::nullopt, std::nullopt);
    } else if (all_day) {
      old.rrule =
          rule_with_end(*rule, 0, std::nullopt, date::floor<date::days>(id) - date::days{1});
      later_rule = rule->canonical;
    } else {
      old.rrule = rule_with_end(*rule, 0, natural.start_utc - core::Seconds{1}, std::nullopt);
      later_rule = rule->canonical;
    }
  }
  auto keep = [](std::vector<LocalSeconds> &dates, auto &&wanted) {
    dates.erase(std::remove_if(dates.begin(), dates.end(), [&](auto t) { return !wanted(t); }),
                dates.end());
  };
  keep(old.rdates, [&](LocalSeconds t) { return t < id; });
  keep(old.exdates, [&](LocalSeconds t) { return t < id; });
  old.overrides.erase(std::remove_if(old.overrides.begin(), old.overrides.end(),
                                     [&](const auto &o) { return o.occurrence >= id; }),
                      old.overrides.end());
  const bool only_start = old.rrule.empty() && old.rdates.empty();
  auto ended = core::event_apply_update_params(
      series,
      json{{"recurrence", only_start ? json(nullptr) : core::event_to_json(before)["recurrence"]}},
      ctx);
  if (!ended) {
    return tl::unexpected(ended.error());
  }

  // The new series, from `id` on, with the same length.
  core::Event after = series;
  after.id = 0;
  after.uid.clear();
  after.created = ctx.now;
  after.start_local = id;
  after.start_later = false;
  after.start_utc = natural.start_utc;
  after.end_local = natural.end_local;
  after.end_utc = natural.end_utc;
  after.end_later = false;
  if (!all_day && after.has_end) {
    const auto info = core::zone_info(after.end_local, *zone);
    after.end_later = info.result == date::local_info::ambiguous &&
                      (after.end_local - info.second.offset).time_since_epoch() ==
                          after.end_utc.time_since_epoch();
  }
  core::Recurrence &fresh = *after.recurrence;
  fresh.rrule = later_rule.value_or("");
  keep(fresh.rdates, [&](LocalSeconds t) { return t > id; });
  keep(fresh.exdates, [&](LocalSeconds t) { return t > id; });
  fresh.overrides.erase(std::remove_if(fresh.overrides.begin(), fresh.overrides.end(),
                                       [&](const auto &o) { return o.occurrence < id; }),
                        fresh.overrides.end());
  if (fresh.rrule.empty() && fresh.rdates.empty()) {
    after.recurrence.reset(); // what is left is one occurrence
  }
  auto started = core::event_apply_update_params(after, without_request_keys(params), ctx);
  if (!started) {
    return tl::unexpected(started.error());
  }
  return SplitSeries{std::move(ended->event), std::move(*started)};
}

} // namespace summit::ical
