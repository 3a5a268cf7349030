#include "core/event_json.hpp"

#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace summit::core {

using nlohmann::json;

// The wire form of an event's start or end for its precision.
std::string wire_form(Precision precision, LocalSeconds t) {
  switch (precision) {
  case Precision::timed:
    return format_iso_local(t);
  case Precision::all_day:
    return format_iso_date(t);
  case Precision::month:
    return format_iso_month(t);
  }
  return format_iso_local(t);
}

json recurrence_json(const Event &event, const date::time_zone *zone) {
  const Recurrence &recurrence = *event.recurrence;
  json rdates = json::array();
  for (const auto &t : recurrence.rdates) {
    rdates.push_back(wire_form(event.precision, t));
  }
  json exdates = json::array();
  for (const auto &t : recurrence.exdates) {
    exdates.push_back(wire_form(event.precision, t));
  }
  json overrides = json::array();
  for (const auto &changed : recurrence.overrides) {
    json item{{"occurrence", wire_form(event.precision, changed.occurrence)},
              {"start", wire_form(event.precision, changed.start_local)},
              {"end", wire_form(event.precision, changed.end_local)},
              {"start_utc", format_iso_utc(changed.start_utc)},
              {"end_utc", format_iso_utc(changed.end_utc)}};
    if (zone != nullptr && event.precision == Precision::timed) {
      item["start_offset"] = format_iso_offset(changed.start_utc, zone);
      // Keep the later of two equal wall times when sent back.
      if (changed.start_later) {
        item["start"] = format_iso_offset(changed.start_utc, zone);
      }
      if (changed.end_later) {
        item["end"] = format_iso_offset(changed.end_utc, zone);
      }
    }
    if (changed.start_later) {
      item["start_later"] = true;
    }
    if (changed.end_later) {
      item["end_later"] = true;
    }
    if (changed.title) {
      item["title"] = *changed.title;
    }
    if (changed.location) {
      item["location"] = *changed.location;
    }
    if (changed.description) {
      item["description"] = *changed.description;
    }
    if (changed.status) {
      item["status"] = to_string(*changed.status);
    }
    if (changed.separate) {
      item["separate"] = true;
    }
    overrides.push_back(std::move(item));
  }
  return json{{"rrule", recurrence.rrule},
              {"rdates", std::move(rdates)},
              {"exdates", std::move(exdates)},
              {"overrides", std::move(overrides)},
              {"description", recurrence.description}};
}

json event_to_json(const Event &event) {
  json reminders = json::array();
  for (const auto &reminder : event.reminders) {
    if (reminder.before) {
      reminders.push_back({{"before", format_duration_iso(*reminder.before)}});
    } else if (reminder.at) {
      reminders.push_back({{"at", format_iso_utc(*reminder.at)}});
    }
  }
  // Each member made in place in the object's map: an initializer list
  // builds every member as a pair first and then copies it in (issue 17:
  // every event.add replies with this object).
  json out = json::object();
  auto &members = out.get_ref<json::object_t &>();
  members.emplace("id", event.id);
  members.emplace("uid", event.uid);
  members.emplace("title", event.title);
  members.emplace("precision", to_string(event.precision));
  members.emplace("start", wire_form(event.precision, event.start_local));
  members.emplace("end", wire_form(event.precision, event.end_local));
  members.emplace("tz", event.tz);
  members.emplace("start_utc", format_iso_utc(event.start_utc));
  members.emplace("end_utc", format_iso_utc(event.end_utc));
  members.emplace("has_end", event.has_end);
  members.emplace("location", event.location);
  members.emplace("description", event.description);
  members.emplace("tags", event.tags);
  members.emplace("status", to_string(event.status));
  members.emplace("reminders", std::move(reminders));
  members.emplace("owner_uid", event.owner_uid);
  members.emplace("created", format_iso_utc(event.created));
  members.emplace("updated", format_iso_utc(event.updated));
  const auto zone = find_zone(event.tz);
  if (zone) {
    out["start_offset"] = format_iso_offset(event.start_utc, *zone);
  }
  if (event.recurrence) {
    out["recurrence"] = recurrence_json(event, zone ? *zone : nullptr);
  }
  if (event.occurrence) {
    out["occurrence"] = wire_form(event.precision, *event.occurrence);
  }
  if (event.lone_change) {
    out["changes_occurrence"] = {{"series_uid", event.lone_change->series_uid},
                                 {"recurrence_id", event.lone_change->recurrence_id}};
  }
  return out;
}

json recurrence_to_json(const Event &event) {
  if (!event.recurrence) {
    return nullptr;
  }
  const auto zone = find_zone(event.tz);
  return recurrence_json(event, zone ? *zone : nullptr);
}

Recurrence recurrence_from_json(const json &object) {
  auto instant = [](const json &item, const char *key) {
    auto when = parse_iso(item.at(key).get<std::string>());
    if (!when) {
      throw std::invalid_argument(fmt::format("'{}' is not a time", key));
    }
    return *when;
  };
  Recurrence recurrence;
  recurrence.rrule = object.value("rrule", "");
  recurrence.description = object.value("description", "");
  for (const char *key : {"rdates", "exdates"}) {
    auto &into = std::string_view(key) == "rdates" ? recurrence.rdates : recurrence.exdates;
    for (const auto &item : object.value(key, json::array())) {
      auto when = parse_iso(item.get<std::string>());
      if (!when) {
        throw std::invalid_argument(fmt::format("a date in {} is not a time", key));
      }
      into.push_back(when->local);
    }
  }
  for (const auto &item : object.value("overrides", json::array())) {
    OccurrenceOverride changed;
    changed.occurrence = instant(item, "occurrence").local;
    changed.start_local = instant(item, "start").local;
    changed.end_local = instant(item, "end").local;
    changed.start_utc = instant(item, "start_utc").instant;
    changed.end_utc = instant(item, "end_utc").instant;
    changed.start_later = item.value("start_later", false);
    changed.end_later = item.value("end_later", false);
    if (item.contains("title")) {
      changed.title = item.at("title").get<std::string>();
    }
    if (item.contains("location")) {
      changed.location = item.at("location").get<std::string>();
    }
    if (item.contains("description")) {
      changed.description = item.at("description").get<std::string>();
    }
    if (item.contains("status")) {
      changed.status = status_from_string(item.at("status").get<std::string>());
    }
    changed.separate = item.value("separate", false);
    recurrence.overrides.push_back(std::move(changed));
  }
  return recurrence;
}

Result<Event> event_from_json(const json &in) {
  if (!in.is_object()) {
    return fail(ErrorCode::invalid_params, "an event must be a JSON object");
  }
  try {
    Event event;
    event.id = in.at("id").get<std::int64_t>();
    event.uid = in.value("uid", "");
    event.title = in.at("title").get<std::string>();
    auto precision = precision_from_string(in.at("precision").get<std::string>());
    if (!precision) {
      return fail_field("precision", "unknown precision");
    }
    event.precision = *precision;
    event.tz = in.at("tz").get<std::string>();
    auto start = parse_iso(in.at("start").get<std::string>());
    auto end = parse_iso(in.at("end").get<std::string>());
    auto start_utc = parse_iso(in.at("start_utc").get<std::string>());
    auto end_utc = parse_iso(in.at("end_utc").get<std::string>());
    if (!start || !end || !start_utc || !end_utc) {
      return fail(ErrorCode::invalid_params, "event times are not in the documented forms");
    }
    event.start_local = start->local;
    event.end_local = end->local;
    event.start_utc = start_utc->instant;
    event.end_utc = end_utc->instant;
    event.has_end = in.value("has_end", false);
    event.location = in.value("location", "");
    event.description = in.value("description", "");
    event.tags = in.value("tags", std::vector<std::string>{});
    event.status = status_from_string(in.value("status", "confirmed")).value_or(Status::confirmed);
    for (const auto &item : in.value("reminders", json::array())) {
      if (item.contains("before")) {
        auto d = parse_duration(item.at("before").get<std::string>());
        if (d) {
          event.reminders.push_back({*d, std::nullopt});
        }
      } else if (item.contains("at")) {
        auto at = parse_iso(item.at("at").get<std::string>());
        if (at && at->kind == When::Kind::instant) {
          event.reminders.push_back({std::nullopt, at->instant});
        }
      }
    }
    if (in.contains("recurrence") && in.at("recurrence").is_object()) {
      event.recurrence = recurrence_from_json(in.at("recurrence"));
    }
    if (in.contains("occurrence") && in.at("occurrence").is_string()) {
      if (auto id = parse_iso(in.at("occurrence").get<std::string>())) {
        event.occurrence = id->local;
      }
    }
    if (in.contains("changes_occurrence") && in.at("changes_occurrence").is_object()) {
      const json &lone = in.at("changes_occurrence");
      event.lone_change = LoneChange{lone.at("series_uid").get<std::string>(),
                                     lone.at("recurrence_id").get<std::string>()};
    }
    event.owner_uid = in.value("owner_uid", std::uint32_t{0});
    if (auto created = parse_iso(in.value("created", "")); created) {
      event.created = created->instant;
    }
    if (auto updated = parse_iso(in.value("updated", "")); updated) {
      event.updated = updated->instant;
    }
    if (is_floating(event.tz)) {
      // The sender read its wall times in its own floating zone; this
      // process reads them in its own (zones.hpp).
      (void)derive_instants(event);
    }
    return event;
  } catch (const json::exception &e) {
    return fail(ErrorCode::invalid_params, fmt::format("malformed event object: {}", e.what()));
  } catch (const std::invalid_argument &e) {
    return fail(ErrorCode::invalid_params, fmt::format("malformed event object: {}", e.what()));
  }
}

} // namespace summit::core
