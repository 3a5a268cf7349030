// A VEVENT with RECURRENCE-ID: one changed occurrence of a series, read in
// the series' zone and precision.
#include "core/ical/ics_override.hpp"

#include "core/field_limits.hpp"
#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_text.hpp"
#include "core/time_format.hpp"

#include <fmt/format.h>

namespace summit::ical::detail {

namespace {

using nlohmann::json;
using Unexpected = tl::unexpected<std::string>;

constexpr std::size_t k_max_title = core::k_max_title_bytes;
constexpr std::size_t k_max_location = core::k_max_location_bytes;
constexpr std::size_t k_max_description = core::k_max_description_bytes;

// A text the occurrence changes: set only when it differs from the series'.
void changed_text(const VeventSource &source, icalproperty_kind kind, const char *field,
                  std::size_t limit, const SeriesReading &series, json &item,
                  std::vector<std::string> &notes) {
  if (icalcomponent_get_first_property(source.component, kind) == nullptr) {
    return; // not given: the series' value
  }
  std::string text = text_of(source, kind, limit, notes);
  if (std::string_view(field) != "description") {
    const auto first = text.find_first_not_of(" \t\r\n");
    text = first == std::string::npos
               ? std::string()
               : text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  }
  const std::string same = series.params.value(field, std::string());
  if (text != same && !(std::string_view(field) == "title" && text.empty())) {
    item[field] = text;
  }
}

} // namespace

tl::expected<OverrideReading, std::string> read_override(const VeventSource &source,
                                                         const SeriesReading &series) {
  OverrideReading reading;
  icalcomponent *component = source.component;
  reading.line = source.document->outline_of(component).begin_line;
  std::vector<std::string> &notes = reading.notes;
  if (auto reason = check_problems(source, notes)) {
    return Unexpected(*reason);
  }
  const EventFrame &frame = series.frame;
  json &item = reading.item;
  item = json::object();

  icalproperty *id = icalcomponent_get_first_property(component, ICAL_RECURRENCEID_PROPERTY);
  const int id_line = line_in(source, "RECURRENCE-ID");
  auto occurrence = wire_of(source, id, icalproperty_get_recurrenceid(id), "RECURRENCE-ID", id_line,
                            frame, notes);
  if (!occurrence) {
    return Unexpected(occurrence.error());
  }
  if (icalparameter *range = icalproperty_get_first_parameter(id, ICAL_RANGE_PARAMETER);
      range != nullptr && icalparameter_get_range(range) == ICAL_RANGE_THISANDFUTURE) {
    notes.push_back(at_line(id_line, fmt::format("RANGE=THISANDFUTURE: the change was kept for "
                                                 "the occurrence {} only",
                                                 *occurrence)));
  }
  reading.occurrence = *occurrence;
  item["occurrence"] = *occurrence;

  if (icalproperty *start = icalcomponent_get_first_property(component, ICAL_DTSTART_PROPERTY)) {
    auto wire = wire_of(source, start, icalproperty_get_dtstart(start), "DTSTART",
                        line_in(source, "DTSTART"), frame, notes);
    if (!wire) {
      return Unexpected(wire.error());
    }
    if (*wire != *occurrence) {
      item["start"] = *wire;
    }
  }
  if (icalproperty *end = icalcomponent_get_first_property(component, ICAL_DTEND_PROPERTY)) {
    auto wire = wire_of(source, end, icalproperty_get_dtend(end), "DTEND", line_in(source, "DTEND"),
                        frame, notes);
    if (!wire) {
      return Unexpected(wire.error());
    }
    item["end"] = *wire;
  } else if (icalproperty *duration =
                 icalcomponent_get_first_property(component, ICAL_DURATION_PROPERTY)) {
    const icaldurationtype value = icalproperty_get_duration(duration);
    if (icaldurationtype_is_bad_duration(value) == 0 && value.is_neg == 0 &&
        duration_seconds(value) <= core::Seconds{date::days{3660}}) {
      item["duration"] = core::format_duration_iso(duration_seconds(value));
    }
  }
  if (frame.all_day && item.contains("end") && item.value("start", *occurrence) >= item["end"]) {
    item.erase("end"); // DTEND = DTSTART: one day, as for the series
  }

  changed_text(source, ICAL_SUMMARY_PROPERTY, "title", k_max_title, series, item, notes);
  changed_text(source, ICAL_LOCATION_PROPERTY, "location", k_max_location, series, item, notes);
  changed_text(source, ICAL_DESCRIPTION_PROPERTY, "description", k_max_description, series, item,
               notes);
  if (auto status = status_of(component)) {
    if (*status != series.params.value("status", std::string("confirmed"))) {
      item["status"] = *status;
    }
  }
  reading.sequence = sequence_of(component);
  return reading;
}

} // namespace summit::ical::detail
