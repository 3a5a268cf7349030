#include "core/ical/ics_export.hpp"

#include "core/ical/ics_time.hpp"
#include "core/ical/ics_vtimezone.hpp"
#include "core/ical/libical_handles.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>
#include <libical/ical.h>

namespace summit::ical {

namespace {

using core::Event;
using core::LocalSeconds;
using core::Precision;
using core::Status;
using detail::ComponentPtr;
using detail::ical_wall_time;
using detail::take_string;

constexpr std::string_view k_footer = "END:VCALENDAR\r\n";

std::string serialize(icalcomponent *component) {
  return take_string(icalcomponent_as_ical_string_r(component));
}

icaltimetype utc_time(core::SysSeconds t) {
  return icaltime_from_timet_with_zone(static_cast<time_t>(t.time_since_epoch().count()), 0,
                                       icaltimezone_get_utc_timezone());
}

// DTSTART, DTEND, RDATE...: a wall time with TZID=<IANA name>, or a DATE.
// A floating event's times have neither (RFC 5545 3.3.5 form #1).
icalproperty *with_zone(icalproperty *property, const Event &event) {
  if (event.precision == Precision::timed && !core::is_floating(event.tz)) {
    icalproperty_add_parameter(property, icalparameter_new_tzid(event.tz.c_str()));
  }
  return property;
}

icaltimetype event_time(const Event &event, LocalSeconds t) {
  return ical_wall_time(t, event.precision != Precision::timed);
}

// DTSTART or DTEND: a wall time with TZID, except for the second of two
// instants that share a wall time (a DST overlap): a reader takes the first
// (RFC 5545 3.3.5), so that one is written as its UTC instant. A series'
// start stays a wall time (its rule is expanded in wall time); the zone then
// travels in X-SUMMIT-TZID.
icalproperty *moment(icalproperty *(*make)(icaltimetype), const Event &event, LocalSeconds local,
                     core::SysSeconds utc, bool later, bool may_be_utc) {
  if (event.precision == Precision::timed && later && may_be_utc && !core::is_floating(event.tz)) {
    return make(utc_time(utc));
  }
  return with_zone(make(event_time(event, local)), event);
}

icalproperty_status ical_status(Status status) {
  switch (status) {
  case Status::confirmed:
    return ICAL_STATUS_CONFIRMED;
  case Status::tentative:
    return ICAL_STATUS_TENTATIVE;
  case Status::cancelled:
    return ICAL_STATUS_CANCELLED;
  }
  return ICAL_STATUS_CONFIRMED;
}

void add_x(icalcomponent *component, const char *name, const std::string &value) {
  icalproperty *property = icalproperty_new_x(value.c_str());
  icalproperty_set_x_name(property, name);
  icalcomponent_add_property(component, property);
}

void add_text(icalcomponent *component, icalproperty *(*make)(const char *),
              const std::string &text) {
  if (!text.empty()) {
    icalcomponent_add_property(component, make(text.c_str()));
  }
}

void add_alarms(icalcomponent *vevent, const Event &event) {
  for (const core::Reminder &reminder : event.reminders) {
    icalcomponent *alarm = icalcomponent_new_valarm();
    icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
    icalcomponent_add_property(alarm, icalproperty_new_description(event.title.c_str()));
    icaltriggertype trigger{icaltime_null_time(), icaldurationtype_null_duration()};
    if (reminder.before) {
      trigger.duration = icaldurationtype_from_int(-static_cast<int>(reminder.before->count()));
    } else if (reminder.at) {
      trigger.time = utc_time(*reminder.at);
    } else {
      icalcomponent_free(alarm);
      continue;
    }
    icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
    icalcomponent_add_component(vevent, alarm);
  }
}

// The properties a series and its changed occurrences share.
void add_common(icalcomponent *vevent, const Event &event, core::SysSeconds now) {
  // A change of one occurrence kept without its series is written as what
  // it came as: a VEVENT with the series' UID and RECURRENCE-ID.
  const std::string uid = event.lone_change   ? event.lone_change->series_uid
                          : event.uid.empty() ? fmt::format("summit-{}", event.id)
                                              : event.uid;
  icalcomponent_add_property(vevent, icalproperty_new_uid(uid.c_str()));
  if (event.lone_change && !event.occurrence) {
    if (auto id = core::parse_iso(event.lone_change->recurrence_id)) {
      icalcomponent_add_property(
          vevent, icalproperty_new_recurrenceid(
                      id->kind == core::When::Kind::instant
                          ? utc_time(id->instant)
                          : ical_wall_time(id->local, id->kind == core::When::Kind::date)));
    }
  }
  icalcomponent_add_property(vevent, icalproperty_new_dtstamp(utc_time(now)));
  for (const std::string &tag : event.tags) {
    icalcomponent_add_property(vevent, icalproperty_new_categories(tag.c_str()));
  }
  if (!core::is_floating(event.tz) &&
      (event.precision != Precision::timed || (event.start_later && !event.recurrence))) {
    // A DATE has no zone, nor has a UTC start; summit's events have one
    // (for reminders, and to be shown in).
    add_x(vevent, "X-SUMMIT-TZID", event.tz);
  }
}

void add_status(icalcomponent *vevent, const Event &event, Status status) {
  if (event.precision == Precision::month && status != Status::cancelled) {
    // Other calendars see a month-long block: tentative, whatever summit
    // says; summit's own status travels apart.
    icalcomponent_add_property(vevent, icalproperty_new_status(ICAL_STATUS_TENTATIVE));
    if (status == Status::confirmed) {
      add_x(vevent, "X-SUMMIT-STATUS", "CONFIRMED");
    }
    return;
  }
  icalcomponent_add_property(vevent, icalproperty_new_status(ical_status(status)));
}

void add_recurrence(icalcomponent *vevent, const Event &event) {
  const core::Recurrence &recurrence = *event.recurrence;
  if (!recurrence.rrule.empty()) {
    icalrecurrencetype rule = icalrecurrencetype_from_string(recurrence.rrule.c_str());
    if (core::is_floating(event.tz) && event.precision == Precision::timed &&
        !icaltime_is_null_time(rule.until) && icaltime_is_utc(rule.until) != 0) {
      // RFC 5545 3.3.10: with a floating DTSTART, UNTIL is floating too: the
      // wall time the stored UTC UNTIL is in the floating zone it was made in.
      if (auto zone = core::find_zone(event.tz)) {
        const core::SysSeconds until{core::Seconds{icaltime_as_timet(rule.until)}};
        rule.until = ical_wall_time(core::to_local(until, *zone), false);
      }
    }
    if (rule.freq != ICAL_NO_RECURRENCE) {
      icalcomponent_add_property(vevent, icalproperty_new_rrule(rule));
    }
  }
  for (const LocalSeconds t : recurrence.rdates) {
    icaldatetimeperiodtype value{event_time(event, t), icalperiodtype_null_period()};
    icalcomponent_add_property(vevent, with_zone(icalproperty_new_rdate(value), event));
  }
  for (const LocalSeconds t : recurrence.exdates) {
    icalcomponent_add_property(vevent,
                               with_zone(icalproperty_new_exdate(event_time(event, t)), event));
  }
}

ComponentPtr series_vevent(const Event &event, core::SysSeconds now) {
  ComponentPtr vevent{icalcomponent_new_vevent()};
  add_common(vevent.get(), event, now);
  icalcomponent_add_property(vevent.get(),
                             moment(icalproperty_new_dtstart, event, event.start_local,
                                    event.start_utc, event.start_later, !event.recurrence));
  // A point in time has no DTEND, nor has a one-day event without an end
  // (RFC 5545 3.6.1: it lasts the day); a month always spans its month.
  if (event.has_end || event.precision == Precision::month) {
    icalcomponent_add_property(vevent.get(), moment(icalproperty_new_dtend, event, event.end_local,
                                                    event.end_utc, event.end_later, true));
  }
  if (event.precision == Precision::month) {
    add_x(vevent.get(), "X-SUMMIT-PRECISION", "MONTH");
  }
  icalcomponent_add_property(vevent.get(), icalproperty_new_summary(event.title.c_str()));
  add_text(vevent.get(), icalproperty_new_location, event.location);
  add_text(vevent.get(), icalproperty_new_description, event.description);
  add_status(vevent.get(), event, event.status);
  if (event.recurrence) {
    add_recurrence(vevent.get(), event);
  }
  add_alarms(vevent.get(), event);
  return vevent;
}

// One changed occurrence: a whole VEVENT, as other calendars expect, with
// the series' UID and RECURRENCE-ID.
ComponentPtr override_vevent(const Event &event, const core::OccurrenceOverride &changed,
                             core::SysSeconds now) {
  ComponentPtr vevent{icalcomponent_new_vevent()};
  add_common(vevent.get(), event, now);
  icalcomponent_add_property(
      vevent.get(),
      with_zone(icalproperty_new_recurrenceid(event_time(event, changed.occurrence)), event));
  icalcomponent_add_property(vevent.get(),
                             moment(icalproperty_new_dtstart, event, changed.start_local,
                                    changed.start_utc, changed.start_later, true));
  if (event.precision != Precision::timed || event.has_end ||
      changed.end_local != changed.start_local) {
    icalcomponent_add_property(vevent.get(),
                               moment(icalproperty_new_dtend, event, changed.end_local,
                                      changed.end_utc, changed.end_later, true));
  }
  const std::string &title = changed.title ? *changed.title : event.title;
  icalcomponent_add_property(vevent.get(), icalproperty_new_summary(title.c_str()));
  add_text(vevent.get(), icalproperty_new_location,
           changed.location ? *changed.location : event.location);
  add_text(vevent.get(), icalproperty_new_description,
           changed.description ? *changed.description : event.description);
  add_status(vevent.get(), event, changed.status ? *changed.status : event.status);
  Event occurrence = event;
  occurrence.title = title;
  add_alarms(vevent.get(), occurrence);
  return vevent;
}

} // namespace

std::string calendar_header() {
  ComponentPtr calendar{icalcomponent_new_vcalendar()};
  icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_prodid("-//summit//summit//EN"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_calscale("GREGORIAN"));
  std::string text = serialize(calendar.get());
  // libical writes the whole component; the header is all but its END.
  if (text.size() >= k_footer.size() &&
      std::string_view(text).substr(text.size() - k_footer.size()) == k_footer) {
    text.resize(text.size() - k_footer.size());
  }
  return text;
}

std::string calendar_footer() { return std::string(k_footer); }

std::string vevents(const std::vector<Event> &events, core::SysSeconds now,
                    std::set<std::string> &zones) {
  std::string out;
  for (const Event &event : events) {
    out += serialize(series_vevent(event, now).get());
    if (event.recurrence) {
      for (const core::OccurrenceOverride &changed : event.recurrence->overrides) {
        out += serialize(override_vevent(event, changed, now).get());
      }
    }
    if (event.precision == Precision::timed && !core::is_floating(event.tz)) {
      zones.insert(event.tz);
    }
  }
  return out;
}

std::string export_calendar(const std::vector<Event> &events, core::SysSeconds now) {
  std::set<std::string> zones;
  std::string body = vevents(events, now, zones);
  return calendar_header() + body + vtimezones(zones) + calendar_footer();
}

} // namespace summit::ical
