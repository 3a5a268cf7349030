#include "core/occurrence_json.hpp"

#include "core/event_json.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace summit::core {

using nlohmann::json;

json occurrence_to_json(const Event &series, const OccurrenceTimes &times,
                        const OccurrenceOverride *changed) {
  json out{{"id", series.id},
           {"occurrence", wire_form(series.precision, times.id)},
           {"start", wire_form(series.precision, times.start_local)},
           {"end", wire_form(series.precision, times.end_local)},
           {"start_utc", format_iso_utc(times.start_utc)},
           {"end_utc", format_iso_utc(times.end_utc)}};
  if (const auto zone = find_zone(series.tz)) {
    out["start_offset"] = format_iso_offset(times.start_utc, *zone);
  }
  if (changed != nullptr) {
    if (changed->title) {
      out["title"] = *changed->title;
    }
    if (changed->location) {
      out["location"] = *changed->location;
    }
    if (changed->description) {
      out["description"] = *changed->description;
    }
    if (changed->status) {
      out["status"] = to_string(*changed->status);
    }
  }
  return out;
}

Result<Event> occurrence_from_json(Event series, const json &entry) {
  if (!entry.is_object()) {
    return fail(ErrorCode::invalid_params, "an occurrence must be a JSON object");
  }
  try {
    auto occurrence = parse_iso(entry.at("occurrence").get<std::string>());
    auto start = parse_iso(entry.at("start").get<std::string>());
    auto end = parse_iso(entry.at("end").get<std::string>());
    auto start_utc = parse_iso(entry.at("start_utc").get<std::string>());
    auto end_utc = parse_iso(entry.at("end_utc").get<std::string>());
    if (!occurrence || !start || !end || !start_utc || !end_utc) {
      return fail(ErrorCode::invalid_params, "occurrence times are not in the documented forms");
    }
    series.occurrence = occurrence->local;
    series.start_local = start->local;
    series.end_local = end->local;
    series.start_utc = start_utc->instant;
    series.end_utc = end_utc->instant;
    series.title = entry.value("title", series.title);
    series.location = entry.value("location", series.location);
    series.description = entry.value("description", series.description);
    if (entry.contains("status")) {
      series.status =
          status_from_string(entry.at("status").get<std::string>()).value_or(series.status);
    }
    if (is_floating(series.tz)) {
      // Its wall time in this process's floating zone (the viewer's).
      (void)derive_instants(series);
    }
    return series;
  } catch (const json::exception &e) {
    return fail(ErrorCode::invalid_params, fmt::format("malformed occurrence: {}", e.what()));
  }
}

} // namespace summit::core
