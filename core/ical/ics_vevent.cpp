#include "core/ical/ics_vevent.hpp"

#include "core/field_limits.hpp"
#include "core/ical/ics_alarms.hpp"
#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_repeat.hpp"
#include "core/ical/ics_text.hpp"
#include "core/time_format.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace summit::ical::detail {

namespace {

using core::LocalSeconds;
using core::Seconds;
using nlohmann::json;
using Unexpected = tl::unexpected<std::string>;

constexpr std::size_t k_max_title = core::k_max_title_bytes;
constexpr std::size_t k_max_location = core::k_max_location_bytes;
constexpr std::size_t k_max_description = core::k_max_description_bytes;
constexpr std::size_t k_max_uid = core::k_max_uid_bytes;
constexpr const char *k_no_title = "(no title)";

std::string clean_uid(const VeventSource &source, std::vector<std::string> &notes) {
  bool changed = false;
  std::string uid = valid_utf8(uid_of(source.component), changed);
  const auto first = uid.find_first_not_of(" \t");
  uid = first == std::string::npos ? std::string()
                                   : uid.substr(first, uid.find_last_not_of(" \t") - first + 1);
  if (uid.size() > k_max_uid || changed) {
    const std::string short_uid = fmt::format("import-{:016x}@summit", stable_hash(uid));
    notes.push_back(
        at_line(line_in(source, "UID"),
                fmt::format("the UID is {}; it was replaced by {}, derived from it",
                            changed ? "not valid UTF-8" : "longer than 255 bytes", short_uid)));
    return short_uid;
  }
  return uid;
}

// A UID for an event that has none, from what identifies it: the same file
// imported again gives the same UID, so the import stays idempotent.
std::string derived_uid(const VeventSource &source) {
  const Outline &outline = source.document->outline();
  const ComponentOutline &component = source.document->outline_of(source.component);
  std::string identity;
  for (const std::uint32_t index : outline.own_lines(component)) {
    const ContentLine &line = outline.lines[index];
    const std::string_view name = outline.name_of(line);
    if (name == "DTSTART" || name == "SUMMARY" || name == "RRULE" || name == "RECURRENCE-ID") {
      identity += outline.text_of(line);
      identity += '\n';
    }
  }
  return fmt::format("import-{:016x}@summit", stable_hash(identity));
}

LocalSeconds add_months(LocalSeconds t, int months) {
  const date::year_month_day ymd{date::floor<date::days>(t)};
  return LocalSeconds{date::local_days{ymd.year() / ymd.month() / 1 + date::months{months}}};
}

} // namespace

std::string uid_of(icalcomponent *component) {
  const char *uid = icalcomponent_get_uid(component);
  return uid != nullptr ? uid : "";
}

bool is_override(icalcomponent *component) {
  return icalcomponent_get_first_property(component, ICAL_RECURRENCEID_PROPERTY) != nullptr;
}

tl::expected<SeriesReading, std::string> read_series(const VeventSource &source) {
  SeriesReading series;
  icalcomponent *component = source.component;
  const ComponentOutline &outline = source.document->outline_of(component);
  series.line = outline.begin_line;
  std::vector<std::string> &notes = series.notes;
  if (auto reason = check_problems(source, notes)) {
    return Unexpected(*reason);
  }

  // DTSTART and the event's zone.
  const auto starts = properties_of(component, ICAL_DTSTART_PROPERTY);
  if (starts.empty()) {
    return Unexpected(at_line(series.line, "DTSTART is missing: summit needs to know when the "
                                           "event starts"));
  }
  if (starts.size() > 1) {
    return Unexpected(at_line(line_in(source, "DTSTART", 1),
                              fmt::format("a second DTSTART (the first is on line {}): which "
                                          "one is meant?",
                                          line_in(source, "DTSTART"))));
  }
  const int start_line = line_in(source, "DTSTART");
  const auto start = moment_of(icalproperty_get_dtstart(starts[0]), starts[0]);
  if (!start) {
    return Unexpected(
        at_line(start_line, fmt::format("DTSTART '{}' is not a date or time summit can use",
                                        shorten(icalproperty_get_value_as_string(starts[0])))));
  }
  EventFrame &frame = series.frame;
  ZoneResolver &zones = *source.zones;
  switch (start->form) {
  case IcalMoment::Form::date: {
    frame.all_day = true;
    // RFC 5545: a date floats (the same day in every zone), unless a zone
    // is named with it.
    frame.tz = std::string(core::k_floating);
    // summit writes the zone of its all-day events apart (a DATE has none).
    icalparameter *tzid = icalproperty_get_first_parameter(starts[0], ICAL_TZID_PARAMETER);
    if (const char *name = tzid != nullptr ? icalparameter_get_tzid(tzid) : nullptr) {
      if (const TzidReading &choice = zones.resolve(name); choice.kind == TzidReading::Kind::iana) {
        frame.tz = choice.iana;
      }
    }
    if (auto own = iana_zone_for_tzid(x_property(component, "X-SUMMIT-TZID")); !own.empty()) {
      frame.tz = own;
    }
    break;
  }
  case IcalMoment::Form::floating:
    // The same wall time in every zone (RFC 5545), unless the calendar names
    // the zone its times are in (X-WR-TIMEZONE): a published calendar of
    // Minsk meetings means Minsk's 10:00, wherever it is read.
    frame.tz = zones.names_its_zone() ? zones.calendar_zone() : std::string(core::k_floating);
    break;
  case IcalMoment::Form::utc:
    frame.tz = zones.calendar_zone();
    // summit writes a start on the second pass through a DST overlap as
    // its UTC instant, and the event's zone apart.
    if (auto own = iana_zone_for_tzid(x_property(component, "X-SUMMIT-TZID")); !own.empty()) {
      frame.tz = own;
    }
    break;
  case IcalMoment::Form::zoned: {
    frame.year = int(date::year_month_day{date::floor<date::days>(start->wall)}.year());
    const TzidReading &choice = zones.resolve(start->tzid, frame.year);
    frame.tz = choice.kind == TzidReading::Kind::iana ? choice.iana : zones.fallback_zone();
    if (choice.kind == TzidReading::Kind::custom) {
      frame.start_tzid = start->tzid;
    }
    break;
  }
  }
  frame.zone = zone_named(frame.tz);
  if (frame.zone == nullptr) {
    return Unexpected(at_line(start_line, fmt::format("no time zone {} in tzdata", frame.tz)));
  }
  auto start_wire = wire_of(source, starts[0], icalproperty_get_dtstart(starts[0]), "DTSTART",
                            start_line, frame, notes);
  if (!start_wire) {
    return Unexpected(start_wire.error());
  }
  series.start_utc = instant_of(*start, frame, zones);
  const LocalSeconds start_local = core::to_local(series.start_utc, frame.zone);
  if (!frame.all_day) {
    frame.time_of_day = start_local - date::floor<date::days>(start_local);
  }
  json &params = series.params;
  params = json::object();
  params["start"] = *start_wire;
  params["tz"] = frame.tz;
  if (frame.all_day) {
    params["all_day"] = true;
  }

  // summit's own month-precision events: all-day over the month.
  const date::year_month_day first_day{date::floor<date::days>(start->wall)};
  bool month = frame.all_day &&
               upper_case(x_property(component, "X-SUMMIT-PRECISION")) == "MONTH" &&
               first_day.day() == date::day{1};

  // DTEND or DURATION.
  const auto ends = properties_of(component, ICAL_DTEND_PROPERTY);
  const auto durations = properties_of(component, ICAL_DURATION_PROPERTY);
  if (!ends.empty()) {
    const int end_line = line_in(source, "DTEND");
    const auto end = moment_of(icalproperty_get_dtend(ends[0]), ends[0]);
    auto end_wire =
        wire_of(source, ends[0], icalproperty_get_dtend(ends[0]), "DTEND", end_line, frame, notes);
    if (!end || !end_wire) {
      return Unexpected(end_wire ? at_line(end_line, "DTEND is not a date or time summit can use")
                                 : end_wire.error());
    }
    if (frame.all_day) {
      const LocalSeconds end_day = end->form == IcalMoment::Form::date
                                       ? end->wall
                                       : LocalSeconds{date::floor<date::days>(core::to_local(
                                             instant_of(*end, frame, zones), frame.zone))};
      if (end_day < start->wall) {
        return Unexpected(at_line(end_line, fmt::format("DTEND {} is before DTSTART {}",
                                                        core::format_iso_date(end_day),
                                                        core::format_iso_date(start->wall))));
      }
      if (month && (date::year_month_day{date::floor<date::days>(end_day)}.day() != date::day{1} ||
                    end_day <= start->wall)) {
        month = false;
        notes.push_back(at_line(end_line, "X-SUMMIT-PRECISION:MONTH, but DTEND is not the first "
                                          "of a month: read as an all-day event"));
      }
      if (month) {
        if (end_day != add_months(start->wall, 1)) {
          params["end"] = core::format_iso_month(end_day);
        }
      } else if (end_day > start->wall) {
        params["end"] = core::format_iso_date(end_day);
      }
      series.length = end_day > start->wall ? end_day - start->wall : Seconds{date::days{1}};
    } else {
      const auto end_utc = instant_of(*end, frame, zones);
      if (end_utc < series.start_utc) {
        return Unexpected(at_line(end_line, fmt::format("DTEND {} is before DTSTART {}",
                                                        core::format_iso_utc(end_utc),
                                                        core::format_iso_utc(series.start_utc))));
      }
      params["end"] = *end_wire;
      series.length = end_utc - series.start_utc;
    }
  } else if (!durations.empty()) {
    const int duration_line = line_in(source, "DURATION");
    const icaldurationtype duration = icalproperty_get_duration(durations[0]);
    const std::string text = shorten(icalproperty_get_value_as_string(durations[0]));
    if (icaldurationtype_is_bad_duration(duration) != 0) {
      return Unexpected(at_line(duration_line, fmt::format("DURATION '{}' cannot be read", text)));
    }
    if (duration.is_neg != 0) {
      return Unexpected(
          at_line(duration_line, fmt::format("DURATION '{}' is negative: the event would end "
                                             "before it starts",
                                             text)));
    }
    Seconds length = duration_seconds(duration);
    if (length > Seconds{date::days{3660}}) {
      return Unexpected(
          at_line(duration_line, fmt::format("DURATION '{}' is longer than ten years", text)));
    }
    if (frame.all_day) {
      if (month) {
        month = false;
        notes.push_back(at_line(duration_line, "X-SUMMIT-PRECISION:MONTH, but a DURATION instead "
                                               "of DTEND: read as an all-day event"));
      }
      const auto days = date::ceil<date::days>(length);
      if (Seconds{days} != length) {
        notes.push_back(at_line(duration_line,
                                fmt::format("DURATION '{}' of an all-day event is not whole days: "
                                            "read as {}",
                                            text, core::format_duration_iso(days))));
      }
      length = days.count() > 0 ? Seconds{days} : Seconds{date::days{1}};
      if (days.count() > 0) {
        params["duration"] = core::format_duration_iso(length);
      }
    } else {
      params["duration"] = core::format_duration_iso(length);
    }
    series.length = length;
  } else if (frame.all_day) {
    series.length = date::days{1};
  }
  if (month) {
    params["start"] = core::format_iso_month(start->wall);
    params.erase("all_day");
    series.length = add_months(start->wall, 1) - start->wall;
  }

  // What it is.
  series.summary = text_of(source, ICAL_SUMMARY_PROPERTY, k_max_title, notes);
  std::string title = series.summary;
  if (title.find_first_not_of(" \t\r\n") == std::string::npos) {
    title = k_no_title;
    notes.push_back(at_line(series.line, fmt::format("the event has no SUMMARY: it was titled "
                                                     "\"{}\"",
                                                     k_no_title)));
  }
  params["title"] = title;
  if (auto location = text_of(source, ICAL_LOCATION_PROPERTY, k_max_location, notes);
      !location.empty()) {
    params["location"] = location;
  }
  if (auto description = text_of(source, ICAL_DESCRIPTION_PROPERTY, k_max_description, notes);
      !description.empty()) {
    params["description"] = description;
  }
  if (auto tags = tags_of(source, notes); !tags.empty()) {
    params["tags"] = tags;
  }
  auto status = status_of(component);
  if (month) {
    if (auto own = x_property(component, "X-SUMMIT-STATUS"); !own.empty()) {
      for (const char *name : {"confirmed", "tentative", "cancelled"}) {
        if (upper_case(own) == upper_case(name)) {
          status = name;
        }
      }
    }
  }
  if (status) {
    params["status"] = *status;
  }

  // Which event it is.
  series.uid = clean_uid(source, notes);
  if (series.uid.empty()) {
    series.uid = derived_uid(source);
    notes.push_back(
        at_line(series.line, fmt::format("the event has no UID: it was given {}, derived from its "
                                         "start and title, so that importing the file again "
                                         "finds the same event",
                                         series.uid)));
  }
  params["uid"] = series.uid;
  series.sequence = sequence_of(component);

  if (auto reason = read_repeat(source, *start, frame, params, notes)) {
    return Unexpected(*reason);
  }
  series.repeats = params.contains("recurrence");
  if (month && series.repeats) {
    return Unexpected(at_line(line_in(source, "RRULE"),
                              "a month-precision event (X-SUMMIT-PRECISION:MONTH) cannot repeat"));
  }
  if (auto reminders = read_alarms(source, series, notes); !reminders.empty()) {
    params["reminders"] = std::move(reminders);
  }
  return series;
}

} // namespace summit::ical::detail
