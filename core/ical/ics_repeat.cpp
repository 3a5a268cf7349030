// RRULE, RDATE and EXDATE of a VEVENT (the rule is passed on as text; the
// daemon's recurrence rules check and expand it).
#include "core/ical/ics_repeat.hpp"

#include "core/event_params.hpp"
#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_text.hpp"
#include "core/ical/recurrence.hpp"
#include "core/time_format.hpp"
#include "core/zone_rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>

namespace summit::ical::detail {

namespace {

using core::LocalSeconds;
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

// An RRULE value as other calendars read it: a COUNT that counts nothing
// (COUNT=-1 from Confluence, COUNT=0) is no COUNT (Google, Outlook and
// Thunderbird repeat without end), and a part given again (FREQ=WEEKLY;
// FREQ=WEEKLY, two BYDAY) is left out: the first one counts. Each with a
// note naming `line`.
std::string mend_rule_text(std::string_view value, int line, std::vector<std::string> &notes) {
  std::string out;
  std::set<std::string> seen;
  std::size_t from = 0;
  while (from <= value.size()) {
    auto to = value.find(';', from);
    if (to == std::string_view::npos) {
      to = value.size();
    }
    const std::string_view part = value.substr(from, to - from);
    from = to + 1;
    if (part.empty()) {
      continue;
    }
    const auto equals = part.find('=');
    const std::string name = upper_case(std::string(part.substr(0, equals)));
    if (!seen.insert(name).second) {
      notes.push_back(at_line(line, fmt::format("the RRULE gives {} twice: '{}' was left out, the "
                                                "first one counts",
                                                name, shorten(part))));
      continue;
    }
    if (name == "COUNT" && equals != std::string_view::npos) {
      const std::string_view count = part.substr(equals + 1);
      const bool negative = !count.empty() && count.front() == '-';
      const bool zero = !count.empty() && count.find_first_not_of('0') == std::string_view::npos;
      if (negative || zero) {
        notes.push_back(at_line(line, fmt::format("RRULE {}: a count of no occurrences was read "
                                                  "as no COUNT (the event repeats without end), "
                                                  "as Google Calendar, Outlook and Thunderbird "
                                                  "read it",
                                                  shorten(part))));
        continue;
      }
    }
    if (!out.empty()) {
      out += ';';
    }
    out += part;
  }
  return out;
}

// Whether UNTIL (mended: a DATE for an all-day event, UTC for a timed one)
// ends the rule before its start.
bool before_start(const IcalMoment &until, const IcalMoment &start, const EventFrame &frame,
                  ZoneResolver &zones) {
  if (frame.all_day || until.form == IcalMoment::Form::date) {
    // A date UNTIL on a timed event means the end of that day.
    return until.wall < LocalSeconds{date::floor<date::days>(start.wall)};
  }
  return instant_of(until, frame, zones) < instant_of(start, frame, zones);
}

struct ReadRule {
  int line = 0;
  std::string value; // as written, shortened
  std::string text;  // mended, as libical writes it
  bool bounded = false;
};

// The RDATEs an event's other RRULEs may add, all of them together, and how
// many of those rules are walked: past these a rule is left out with a
// note, so that the time an import takes stays linear in the file's size.
constexpr std::size_t k_max_rule_dates = 1000;
constexpr std::size_t k_max_other_rules = 10;

// The starts a bounded rule gives the event of `params` but DTSTART, as
// RDATE values, expanded the way summit expands a series (the rule checked
// as event.add checks it); the reason when it cannot be used.
tl::expected<std::vector<std::string>, std::string> dates_of_rule(const json &params,
                                                                  const std::string &rule,
                                                                  const EventFrame &frame,
                                                                  std::size_t limit) {
  json alone = params;
  alone["recurrence"] = json{{"rrule", rule}};
  core::EventInputContext input;
  input.recurrence_rules = &recurrence_rules();
  auto drafted = core::event_from_add_params(alone, input);
  if (!drafted) {
    return tl::unexpected(drafted.error().message);
  }
  const core::Event &event = drafted->event;
  const core::TimeRange after{event.start_utc,
                              core::SysSeconds{date::sys_days{date::year{9999} / 12 / 31}}};
  // DTSTART comes first and is not added.
  const auto found = occurrences(event, frame.zone, after, limit + 2);
  if (found.size() > limit + 1) {
    return tl::unexpected(fmt::format("its occurrences would pass the {} RDATEs summit adds for "
                                      "an event's other rules",
                                      k_max_rule_dates));
  }
  std::vector<std::string> out;
  for (const auto &occurrence : found) {
    if (occurrence.id == event.start_local) {
      continue; // DTSTART is an occurrence anyway
    }
    out.push_back(frame.all_day ? core::format_iso_date(occurrence.id)
                                : core::format_iso_local(occurrence.id));
  }
  return out;
}

} // namespace

std::optional<std::string> read_repeat(const VeventSource &source, const IcalMoment &start,
                                       const EventFrame &frame, json &params,
                                       std::vector<std::string> &notes) {
  json recurrence = json::object();
  // From the lines as written: libical drops a rule with COUNT=-1 or a
  // part given twice, which other calendars read.
  const Outline &outline = source.document->outline();
  const ComponentOutline &component = source.document->outline_of(source.component);
  std::vector<ReadRule> rules;
  for (const std::uint32_t index : outline.own_lines(component)) {
    const ContentLine &line = outline.lines[index];
    if (outline.name_of(line) != "RRULE") {
      continue;
    }
    const std::string value(line_value(outline.text_of(line)));
    if (value.find_first_not_of(" \t") == std::string::npos) {
      continue; // check_problems noted it
    }
    const std::string mended = mend_rule_text(value, line.line, notes);
    icalerror_clear_errno();
    icalrecurrencetype rule = icalrecurrencetype_from_string(mended.c_str());
    // RSCALE=... is the one part libical copies (strdup) into the rule it
    // returns by value; the caller frees it (LeakSanitizer, IcsCorpus).
    const std::unique_ptr<char, decltype(&std::free)> rscale(rule.rscale, &std::free);
    if (rule.freq == ICAL_NO_RECURRENCE) {
      if (rules.empty()) {
        return at_line(line.line, fmt::format("RRULE '{}' cannot be read", shorten(value)));
      }
      notes.push_back(at_line(line.line, fmt::format("another RRULE '{}' cannot be read: left "
                                                     "out",
                                                     shorten(value))));
      continue;
    }
    mend_until(rule, start, frame, *source.zones);
    if (auto until = moment_of(rule.until, nullptr);
        until && before_start(*until, start, frame, *source.zones)) {
      notes.push_back(at_line(
          line.line, fmt::format("RRULE '{}' ends (UNTIL) before the event starts (DTSTART), so "
                                 "it gives no occurrence: read as one event at DTSTART",
                                 shorten(value))));
      continue;
    }
    rules.push_back({line.line, shorten(value), take_string(icalrecurrencetype_as_string_r(&rule)),
                     rule.count > 0 || !icaltime_is_null_time(rule.until)});
  }
  // Several RRULEs give the union of their occurrences (RFC 5545 3.8.5.3);
  // summit keeps one rule per event, so one without end is the rule and the
  // others' occurrences become RDATEs.
  std::vector<std::string> rule_dates;
  if (!rules.empty()) {
    const auto unbounded =
        std::find_if(rules.begin(), rules.end(), [](const ReadRule &r) { return !r.bounded; });
    const ReadRule &kept = unbounded != rules.end() ? *unbounded : rules.front();
    recurrence["rrule"] = kept.text;
    std::size_t walked = 0;
    for (const ReadRule &other : rules) {
      if (&other == &kept) {
        continue;
      }
      if (!other.bounded) {
        notes.push_back(at_line(other.line, fmt::format("a second RRULE was left out ('{}'; the "
                                                        "one on line {} was kept): summit keeps "
                                                        "one rule per event, and both repeat "
                                                        "without end",
                                                        other.value, kept.line)));
        continue;
      }
      if (++walked > k_max_other_rules) {
        notes.push_back(
            at_line(other.line, fmt::format("another RRULE was left out ('{}'; the "
                                            "one on line {} was kept): summit adds "
                                            "the occurrences of at most {} other "
                                            "rules of an event",
                                            other.value, kept.line, k_max_other_rules)));
        continue;
      }
      auto dates = dates_of_rule(params, other.text, frame, k_max_rule_dates - rule_dates.size());
      if (!dates) {
        notes.push_back(at_line(other.line, fmt::format("another RRULE was left out ('{}'; the "
                                                        "one on line {} was kept): {}",
                                                        other.value, kept.line, dates.error())));
        continue;
      }
      notes.push_back(at_line(
          other.line,
          fmt::format("another RRULE '{}': summit keeps one rule per event (the one "
                      "on line {}), so {} added as {}",
                      other.value, kept.line,
                      dates->size() == 1 ? std::string("its occurrence was")
                                         : fmt::format("its {} occurrences were", dates->size()),
                      dates->size() == 1 ? "an RDATE" : "RDATEs")));
      rule_dates.insert(rule_dates.end(), dates->begin(), dates->end());
    }
  }

  std::set<std::string> rdates(rule_dates.begin(), rule_dates.end());
  // RDATE;VALUE=PERIOD: summit's RDATEs are starts, so each period's own end
  // is kept as a change of that occurrence (recurrence.overrides).
  std::map<std::string, json> periods;
  std::size_t nth = 0;
  for (icalproperty *property : properties_of(source.component, ICAL_RDATE_PROPERTY)) {
    const int line = line_in(source, "RDATE", nth++);
    const icaldatetimeperiodtype value = icalproperty_get_rdate(property);
    icaltimetype time = value.time;
    json period = json::object();
    if (icaltime_is_null_time(time) && !icalperiodtype_is_null_period(value.period)) {
      time = value.period.start;
      const bool has_end = !icaltime_is_null_time(value.period.end);
      if (frame.all_day) {
        add_note(notes, at_line(line, "an RDATE of an all-day event gives a period: its start is "
                                      "kept, and the occurrence lasts as long as the first"));
      } else if (has_end && icaltime_compare(value.period.end, value.period.start) < 0) {
        add_note(notes, at_line(line, "an RDATE period ends before it starts: its start is "
                                      "kept, and the occurrence lasts as long as the first"));
      } else if (has_end) {
        auto end = wire_of(source, property, value.period.end, "RDATE", line, frame, notes);
        if (!end) {
          return end.error();
        }
        period["end"] = *end;
      } else if (icaldurationtype_is_bad_duration(value.period.duration) == 0 &&
                 value.period.duration.is_neg == 0 &&
                 duration_seconds(value.period.duration) <= Seconds{date::days{3660}}) {
        period["duration"] = core::format_duration_iso(duration_seconds(value.period.duration));
      }
    }
    auto wire = wire_of(source, property, time, "RDATE", line, frame, notes);
    if (!wire) {
      return wire.error();
    }
    rdates.insert(*wire);
    if (!period.empty()) {
      period["occurrence"] = *wire;
      periods[*wire] = std::move(period);
    }
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
  json lengths = json::array();
  for (auto &[occurrence, period] : periods) {
    if (!exdates.contains(occurrence)) {
      lengths.push_back(std::move(period));
    }
  }
  if (!lengths.empty()) {
    recurrence["overrides"] = std::move(lengths); // finish() adds the VEVENTs' changes
  }
  params["recurrence"] = std::move(recurrence);
  return std::nullopt;
}

} // namespace summit::ical::detail
