// RRULE, RDATE and EXDATE of a VEVENT (the rule is passed on as text; the
// daemon's recurrence rules check and expand it).
#include "core/ical/ics_repeat.hpp"

#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_text.hpp"
#include "core/time_format.hpp"
#include "core/zone_rules.hpp"

#include <fmt/format.h>

#include <set>

namespace summit::ical::detail {

namespace {

using core::Seconds;
using nlohmann::json;

// UNTIL as RFC 5545 3.3.10 wants it: a DATE for an all-day event, UTC for a
// timed one. Files write floating UNTILs (read in the start's zone) and
// times for all-day events (their date is taken).
void mend_until(icalrecurrencetype &rule, const IcalMoment &start, const EventFrame &frame,
                ZoneResolver &zones) {
  auto until = moment_of(rule.until, nullptr);
  if (!until) {
    return;
  }
  if (frame.all_day && until->form != IcalMoment::Form::date) {
    // An UTC UNTIL names the last instant; its day in the event's zone.
    const auto day = until->form == IcalMoment::Form::floating
                         ? until->wall
                         : core::to_local(instant_of(*until, frame, zones), frame.zone);
    rule.until = ical_wall_time(date::floor<date::days>(day), true);
    return;
  }
  if (!frame.all_day && until->form == IcalMoment::Form::floating) {
    IcalMoment zoned = *until;
    if (start.form == IcalMoment::Form::zoned) {
      zoned.form = IcalMoment::Form::zoned;
      zoned.tzid = start.tzid;
    }
    const auto instant = instant_of(zoned, frame, zones);
    rule.until =
        icaltime_from_timet_with_zone(static_cast<time_t>(instant.time_since_epoch().count()), 0,
                                      icaltimezone_get_utc_timezone());
  }
}

} // namespace

std::optional<std::string> read_repeat(const VeventSource &source, const IcalMoment &start,
                                       const EventFrame &frame, json &params,
                                       std::vector<std::string> &notes) {
  json recurrence = json::object();
  const auto rules = properties_of(source.component, ICAL_RRULE_PROPERTY);
  if (rules.size() > 1) {
    notes.push_back(at_line(line_in(source, "RRULE", 1),
                            "a second RRULE was left out: summit keeps one rule per event"));
  }
  if (!rules.empty()) {
    icalrecurrencetype rule = icalproperty_get_rrule(rules[0]);
    if (rule.freq == ICAL_NO_RECURRENCE) {
      return at_line(line_in(source, "RRULE"),
                     fmt::format("RRULE '{}' cannot be read",
                                 shorten(icalproperty_get_value_as_string(rules[0]))));
    }
    mend_until(rule, start, frame, *source.zones);
    recurrence["rrule"] = take_string(icalrecurrencetype_as_string_r(&rule));
  }

  std::set<std::string> rdates;
  std::size_t nth = 0;
  for (icalproperty *property : properties_of(source.component, ICAL_RDATE_PROPERTY)) {
    const int line = line_in(source, "RDATE", nth++);
    const icaldatetimeperiodtype value = icalproperty_get_rdate(property);
    icaltimetype time = value.time;
    if (icaltime_is_null_time(time) && !icalperiodtype_is_null_period(value.period)) {
      time = value.period.start;
      add_note(notes, at_line(line, "an RDATE gives a period: its start is kept, and the "
                                    "occurrence lasts as long as the first"));
    }
    auto wire = wire_of(source, property, time, "RDATE", line, frame, notes);
    if (!wire) {
      return wire.error();
    }
    rdates.insert(*wire);
  }
  std::set<std::string> exdates;
  nth = 0;
  for (icalproperty *property : properties_of(source.component, ICAL_EXDATE_PROPERTY)) {
    const int line = line_in(source, "EXDATE", nth++);
    auto wire =
        wire_of(source, property, icalproperty_get_exdate(property), "EXDATE", line, frame, notes);
    if (!wire) {
      return wire.error();
    }
    exdates.insert(*wire);
  }
  if (!rdates.empty()) {
    recurrence["rdates"] = std::vector<std::string>(rdates.begin(), rdates.end());
  }
  if (recurrence.empty()) {
    return std::nullopt; // EXDATEs alone remove nothing
  }
  if (!exdates.empty()) {
    recurrence["exdates"] = std::vector<std::string>(exdates.begin(), exdates.end());
  }
  params["recurrence"] = std::move(recurrence);
  return std::nullopt;
}

} // namespace summit::ical::detail
