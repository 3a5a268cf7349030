// VALARMs into event.add reminders: an offset before the start, or an
// instant.
#include "core/ical/ics_alarms.hpp"

#include "core/field_limits.hpp"
#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_text.hpp"
#include "core/time_format.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace summit::ical::detail {

namespace {

using core::Seconds;
using nlohmann::json;

constexpr std::size_t k_max_reminders = core::k_max_reminders;

std::string action_name(icalproperty *action) {
  const char *text = icalproperty_get_value_as_string(action);
  return text != nullptr ? shorten(text) : std::string("?");
}

} // namespace

json read_alarms(const VeventSource &source, const SeriesReading &series,
                 std::vector<std::string> &notes) {
  json reminders = json::array();
  bool too_many = false;
  for (icalcomponent *alarm : children_of(source.component, ICAL_VALARM_COMPONENT)) {
    const VeventSource here{alarm, source.document, source.zones};
    const int line = source.document->outline_of(alarm).begin_line;
    bool damaged = false;
    for (const LineProblem &problem : source.document->problems_of(alarm)) {
      if (problem.name == "TRIGGER") {
        notes.push_back(at_line(problem.line, fmt::format("an alarm was left out: TRIGGER '{}' "
                                                          "cannot be read ({})",
                                                          problem.value, problem.message)));
        damaged = true;
      }
    }
    if (damaged) {
      continue;
    }
    if (icalproperty *action = icalcomponent_get_first_property(alarm, ICAL_ACTION_PROPERTY)) {
      const icalproperty_action kind = icalproperty_get_action(action);
      if (kind == ICAL_ACTION_NONE || action_name(action) == "NONE") {
        continue; // RFC 9074: an alarm that is deliberately none
      }
      if (kind != ICAL_ACTION_DISPLAY && kind != ICAL_ACTION_AUDIO && kind != ICAL_ACTION_EMAIL) {
        notes.push_back(at_line(line, fmt::format("an alarm with ACTION:{} was left out: summit "
                                                  "reminds by display, sound or e-mail",
                                                  action_name(action))));
        continue;
      }
    }
    icalproperty *trigger = icalcomponent_get_first_property(alarm, ICAL_TRIGGER_PROPERTY);
    if (trigger == nullptr) {
      notes.push_back(at_line(line, "an alarm without TRIGGER was left out"));
      continue;
    }
    const int trigger_line = line_in(here, "TRIGGER");
    const icaltriggertype value = icalproperty_get_trigger(trigger);
    json reminder;
    if (!icaltime_is_null_time(value.time)) {
      const auto moment = moment_of(value.time, trigger);
      if (!moment) {
        notes.push_back(at_line(trigger_line, "an alarm was left out: its TRIGGER time cannot be "
                                              "used"));
        continue;
      }
      reminder["at"] = core::format_iso_utc(instant_of(*moment, series.frame, *source.zones));
    } else {
      const Seconds offset = duration_seconds(value.duration);
      icalparameter *related = icalproperty_get_first_parameter(trigger, ICAL_RELATED_PARAMETER);
      const bool from_end =
          related != nullptr && icalparameter_get_related(related) == ICAL_RELATED_END;
      // How long before the start it fires.
      const Seconds before = from_end ? -(series.length + offset) : -offset;
      if (before < Seconds{0}) {
        notes.push_back(
            at_line(trigger_line, fmt::format("an alarm {} after the start was left out: summit "
                                              "reminds before an event starts, or as it starts",
                                              core::format_duration_short(-before))));
        continue;
      }
      if (before > Seconds{date::days{3660}}) {
        notes.push_back(at_line(trigger_line, "an alarm more than ten years before the start "
                                              "was left out"));
        continue;
      }
      reminder["before"] = core::format_duration_iso(before);
    }
    if (std::find(reminders.begin(), reminders.end(), reminder) != reminders.end()) {
      continue;
    }
    if (reminders.size() == k_max_reminders) {
      too_many = true;
      continue;
    }
    reminders.push_back(std::move(reminder));
  }
  if (too_many) {
    notes.push_back(at_line(
        series.line, fmt::format("more than {} alarms: the rest were left out", k_max_reminders)));
  }
  return reminders;
}

} // namespace summit::ical::detail
