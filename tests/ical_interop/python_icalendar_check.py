#!/usr/bin/env python3
"""summit's export read by python3-icalendar (Debian's): every event is there
with the same start, end, zone, recurrence (RRULE text, EXDATE, RDATE,
RECURRENCE-ID overrides) and alarms, and every TZID has its VTIMEZONE.

    python_icalendar_check.py SUMMITD SUMMIT
"""

import datetime
import os
import re
import sys
import zoneinfo

from interop_lib import EVENT_COUNT, Failure, check, run_test, skip, with_summit

try:
    import icalendar
    from icalendar.prop import vDuration, vRecur
except ImportError:
    skip("python3-icalendar is not installed (apt-get install python3-icalendar), or this "
         "python3 is not Debian's")

UTC = datetime.timezone.utc


def parse_utc(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def wall(value):
    """A DTSTART/DTEND/RECURRENCE-ID value as summit writes wall times and dates."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    return value.isoformat()


def month_first(text):  # "2030-11" -> date(2030, 11, 1)
    year, month = (int(part) for part in text.split("-"))
    return datetime.date(year, month, 1)


def dates_of(component, name):
    """The values of every EXDATE/RDATE line, as summit's wall texts."""
    found = []
    values = component.get(name)
    if values is None:
        return found
    for value in values if isinstance(values, list) else [values]:
        found.extend(wall(item.dt) for item in value.dts)
    return found


def unfolded_lines(text):
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")


def end_of(event):
    start = event["DTSTART"].dt
    if "DTEND" in event:
        return event["DTEND"].dt
    if "DURATION" in event:
        return start + event["DURATION"].dt
    return start


# The export's own zones (a VTIMEZONE whose TZID is no IANA zone, issue
# 16), as python3-icalendar builds them (Timezone.to_tz): icalendar 4 leaves
# a DTSTART in such a TZID naive, so the check reads it in that zone.
FILE_ZONES = {}


def aware(value, tzid):
    if isinstance(value, datetime.datetime) and value.tzinfo is None and tzid in FILE_ZONES:
        return FILE_ZONES[tzid].localize(value)
    return value


def check_times(event, expected, what):
    start = event["DTSTART"]
    precision = expected["precision"]
    if precision == "timed":
        tzid = start.params.get("TZID")
        if tzid in FILE_ZONES:
            check(aware(start.dt, tzid).astimezone(UTC) == parse_utc(expected["start_utc"]),
                  f"{what}: starts at the instant {expected['start_utc']} by the file's "
                  f"VTIMEZONE {tzid}")
            check(aware(end_of(event), tzid).astimezone(UTC) == parse_utc(expected["end_utc"]),
                  f"{what}: ends at the instant {expected['end_utc']} by that VTIMEZONE")
            check(wall(start.dt) == expected["start"], f"{what}: starts at {expected['start']}")
            return
        check(start.params.get("TZID") == expected["tz"],
              f"{what}: DTSTART's TZID is {expected['tz']}")
        check(wall(start.dt) == expected["start"], f"{what}: starts at {expected['start']}")
        check(start.dt.astimezone(UTC) == parse_utc(expected["start_utc"]),
              f"{what}: starts at the instant {expected['start_utc']} (zone rules agree)")
        check(end_of(event).astimezone(UTC) == parse_utc(expected["end_utc"]),
              f"{what}: ends at the instant {expected['end_utc']}")
        check(wall(end_of(event)) == expected["end"], f"{what}: ends at {expected['end']}")
    elif precision == "all_day":
        check(start.dt == datetime.date.fromisoformat(expected["start"]),
              f"{what}: all day from {expected['start']}")
        check(end_of(event) == datetime.date.fromisoformat(expected["end"]),
              f"{what}: up to {expected['end']} (exclusive)")
    else:
        check(start.dt == month_first(expected["start"]) and
              end_of(event) == month_first(expected["end"]),
              f"{what}: covers the month {expected['start']}")
        check(str(event.get("X-SUMMIT-PRECISION", "")).upper() == "MONTH",
              f"{what}: X-SUMMIT-PRECISION:MONTH")


def check_alarms(event, expected, what):
    triggers = []
    for alarm in event.walk("VALARM"):
        trigger = alarm["TRIGGER"].dt
        triggers.append(trigger if isinstance(trigger, datetime.timedelta)
                        else trigger.astimezone(UTC))
    wanted = []
    for reminder in expected["reminders"]:
        if "before" in reminder:
            wanted.append(-vDuration.from_ical(reminder["before"]))
        else:
            wanted.append(parse_utc(reminder["at"]))
    check(sorted(triggers, key=str) == sorted(wanted, key=str),
          f"{what}: alarms {wanted}")


def check_event(calendar, lines, expected):
    what = f"event {expected['id']} ({expected['title']})"
    masters = [component for component in calendar.walk("VEVENT")
               if str(component.get("UID")) == expected["uid"]
               and "RECURRENCE-ID" not in component]
    check(len(masters) == 1, f"{what}: one VEVENT with UID {expected['uid']}")
    event = masters[0]
    check(str(event.get("SUMMARY")) == expected["title"], f"{what}: SUMMARY")
    check(str(event.get("LOCATION", "")) == expected["location"], f"{what}: LOCATION")
    check(str(event.get("DESCRIPTION", "")) == expected["description"], f"{what}: DESCRIPTION")
    categories = event.get("CATEGORIES")
    tags = [str(tag) for tag in categories.cats] if categories is not None else []
    check(tags == expected["tags"], f"{what}: CATEGORIES {expected['tags']}")
    check(str(event.get("STATUS")).lower() == expected["status"], f"{what}: STATUS")
    check_times(event, expected, what)
    check_alarms(event, expected, what)

    recurrence = expected.get("recurrence")
    if recurrence is None:
        check("RRULE" not in event, f"{what}: no RRULE")
        return
    rule = recurrence["rrule"]
    check(f"RRULE:{rule}" in lines, f"{what}: RRULE text is {rule}")
    check(event["RRULE"] == vRecur.from_ical(rule), f"{what}: RRULE parses to the same rule")
    check(dates_of(event, "EXDATE") == recurrence["exdates"], f"{what}: EXDATE")
    check(dates_of(event, "RDATE") == recurrence["rdates"], f"{what}: RDATE")
    for changed in recurrence["overrides"]:
        instances = [component for component in calendar.walk("VEVENT")
                     if str(component.get("UID")) == expected["uid"]
                     and "RECURRENCE-ID" in component
                     and wall(component["RECURRENCE-ID"].dt) == changed["occurrence"]]
        name = f"{what}, occurrence {changed['occurrence']}"
        check(len(instances) == 1, f"{name}: one VEVENT with that RECURRENCE-ID")
        instance = instances[0]
        check(wall(instance["DTSTART"].dt) == changed["start"] and
              instance["DTSTART"].dt.astimezone(UTC) == parse_utc(changed["start_utc"]),
              f"{name}: moved to {changed['start']}")
        check(str(instance.get("SUMMARY")) == changed.get("title", expected["title"]),
              f"{name}: SUMMARY")


def main(summitd, summit):
    def body(daemon, directory):
        text = daemon.export(os.path.join(directory, "export.ics")).decode("utf-8")
        check(text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n"),
              "the export is one CRLF calendar")
        calendar = icalendar.Calendar.from_ical(text)
        lines = unfolded_lines(text)
        for component in calendar.walk("VTIMEZONE"):
            tzid = str(component["TZID"])
            try:
                zoneinfo.ZoneInfo(tzid)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                FILE_ZONES[tzid] = component.to_tz()
        check("Eastern Custom" in FILE_ZONES,
              "the zone only the imported file defined is exported with its VTIMEZONE")
        listed = daemon.json("list", "--from", "1970-01-01", "--limit", "10000")
        ids = sorted({event["id"] for event in listed})
        check(len(ids) == EVENT_COUNT,
              f"summit has the {EVENT_COUNT} events of the fixture ({ids})")
        series = [daemon.json("show", str(event_id)) for event_id in ids]
        masters = [component for component in calendar.walk("VEVENT")
                   if "RECURRENCE-ID" not in component]
        check(len(masters) == len(series), f"the export has {len(series)} events")
        for expected in series:
            check_event(calendar, lines, expected)
        # The custom zone's weekly series, expanded by python3-dateutil in
        # the exported VTIMEZONE, crosses that zone's own change on 27
        # October 2030 at the instants summit lists (14:00Z, then 15:00Z).
        from dateutil.rrule import rrulestr
        custom = [component for component in calendar.walk("VEVENT")
                  if str(component.get("UID")) == "custom-zone@example.org"][0]
        rule = rrulestr(custom["RRULE"].to_ical().decode(), dtstart=custom["DTSTART"].dt)
        theirs = [aware(start, "Eastern Custom").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                  for start in rule]
        ours = sorted(event["start_utc"] for event in
                      daemon.json("list", "--from", "2030-10-01", "--to", "2030-12-01")
                      if event["tz"] == "Eastern Custom")
        check(ours == theirs and len(ours) == 4 and ours[2] == "2030-10-31T15:00:00Z",
              f"the custom zone's series is at the VTIMEZONE's instants ({ours} and {theirs})")
        zones = {str(component["TZID"]) for component in calendar.walk("VTIMEZONE")}
        used = {component["DTSTART"].params["TZID"] for component in calendar.walk("VEVENT")
                if "TZID" in component["DTSTART"].params}
        check(used <= zones, f"every TZID used has a VTIMEZONE ({sorted(used)})")

    with_summit(summitd, summit, body)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    run_test(lambda: main(sys.argv[1], sys.argv[2]))
