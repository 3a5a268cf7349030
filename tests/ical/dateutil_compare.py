#!/usr/bin/env python3
"""Compares summit's recurrence expansion with python3-dateutil's rrule.

    dateutil_compare.py EXPAND_RULE

For each rule in CASES, runs the expand_rule helper (summit's occurrences in
a range of instants) and computes the same with dateutil: the rule expanded
in naive local time from the event's start, each wall time tied to an
instant with zoneinfo (fold=0: a time in a DST gap is read with the offset
before it, which moves it forward by the gap; an ambiguous one takes the
earlier instant, as RFC 5545 and DESIGN.md say), UNTIL compared with each
occurrence's instant. Exits 1 when any case differs, 77 (skipped) when
dateutil is not installed.
"""

import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

try:
    from dateutil.rrule import rrulestr
    from zoneinfo import ZoneInfo
except ImportError:
    print(f"SKIP: python3-dateutil is not installed for {sys.executable} "
          "(apt-get install python3-dateutil; scripts/packages.txt lists it)")
    sys.exit(77)

UTC = timezone.utc

# name, zone, start, rule (as a client writes it), from, to (instants)
CASES = [
    ("yearly on the last Friday of September", "Europe/Minsk", "2025-09-26T10:00",
     "FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR", "2025-01-01T00:00Z", "2075-01-01T00:00Z"),
    ("monthly on the last Friday, across DST", "Europe/Berlin", "2025-01-31T10:00",
     "FREQ=MONTHLY;BYDAY=-1FR", "2025-01-01T00:00Z", "2027-06-01T00:00Z"),
    ("monthly on the last Friday, 65 years on", "Europe/Berlin", "2025-01-31T10:00",
     "FREQ=MONTHLY;BYDAY=-1FR", "2090-01-01T00:00Z", "2092-01-01T00:00Z"),
    # After 2037 the zone files list no transitions; their footer rules do
    # (docs/RECURRENCE.md, "Time zones after 2037").
    ("daily at 02:30 through the gap and the overlap of 2040", "Europe/Berlin",
     "2040-03-20T02:30", "FREQ=DAILY", "2040-03-20T00:00Z", "2040-11-01T00:00Z"),
    ("weekly on Sunday at 02:30 in Sydney, 20 years on", "Australia/Sydney", "2025-01-05T02:30",
     "FREQ=WEEKLY;BYDAY=SU", "2045-03-01T00:00Z", "2045-11-01T00:00Z"),
    ("daily at 01:30 through New York's overlap, 25 years on", "America/New_York",
     "2050-10-30T01:30", "daily", "2050-10-30T00:00Z", "2050-11-15T00:00Z"),
    ("monthly on the last Sunday at 01:30 in Dublin, 2039-2042", "Europe/Dublin",
     "2039-01-30T01:30", "FREQ=MONTHLY;BYDAY=-1SU", "2039-01-01T00:00Z", "2043-01-01T00:00Z"),
    ("weekly with COUNT across the end of DST", "America/New_York", "2025-10-20T09:00",
     "FREQ=WEEKLY;COUNT=10", "2025-01-01T00:00Z", "2027-01-01T00:00Z"),
    ("weekly with UNTIL through the spring gap", "Europe/Berlin", "2026-03-01T02:30",
     "weekly until 2026-04-30", "2026-01-01T00:00Z", "2027-01-01T00:00Z"),
    ("daily at 02:30 through the gap and the overlap", "Europe/Berlin", "2026-03-20T02:30",
     "FREQ=DAILY", "2026-03-25T00:00Z", "2026-11-01T00:00Z"),
    ("daily at 01:30 through New York's overlap", "America/New_York", "2025-10-25T01:30",
     "daily", "2025-10-25T00:00Z", "2025-11-10T00:00Z"),
    ("every 2 weeks", "America/New_York", "2025-01-06T08:00",
     "every 2 weeks", "2025-01-01T00:00Z", "2026-06-01T00:00Z"),
    ("every 2 weeks, 15 years on", "America/New_York", "2025-01-06T08:00",
     "FREQ=WEEKLY;INTERVAL=2", "2040-02-01T00:00Z", "2040-06-01T00:00Z"),
    ("every 2 weeks on Sunday and Tuesday, weeks from Sunday, years on", "America/New_York",
     "2025-01-05T07:30", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TU;WKST=SU", "2029-03-01T00:00Z",
     "2029-12-01T00:00Z"),
    ("BYSETPOS: the last weekday of the month", "Europe/Berlin", "2025-01-31T17:00",
     "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "2025-01-01T00:00Z", "2028-01-01T00:00Z"),
    ("BYSETPOS: first and last weekday every 2 months, years on", "Europe/Berlin",
     "2025-01-01T09:00", "FREQ=MONTHLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1",
     "2031-01-01T00:00Z", "2033-01-01T00:00Z"),
    ("BYSETPOS: the third Monday of the year", "Europe/Minsk", "2027-01-18T09:00",
     "FREQ=YEARLY;BYDAY=MO;BYSETPOS=3", "2027-01-01T00:00Z", "2040-01-01T00:00Z"),
    ("every 3 days at 02:30, years on, through a gap", "Europe/Berlin", "2025-04-02T02:30",
     "FREQ=DAILY;INTERVAL=3", "2031-03-01T00:00Z", "2031-04-20T00:00Z"),
    ("monthly on the last Sunday at 02:30 (gap in March, overlap in October)", "Europe/Berlin",
     "2026-01-25T02:30", "FREQ=MONTHLY;BYDAY=-1SU", "2026-01-01T00:00Z", "2029-01-01T00:00Z"),
    ("every 5 hours through the gap", "Europe/Berlin", "2026-03-28T21:30",
     "FREQ=HOURLY;INTERVAL=5", "2026-03-28T00:00Z", "2026-04-01T00:00Z"),
    ("every 5 hours at weekends, years on, through the end of DST", "America/New_York",
     "2025-01-04T06:15", "FREQ=HOURLY;INTERVAL=5;BYDAY=SA,SU", "2027-10-30T00:00Z",
     "2027-11-15T00:00Z"),
    ("every 15 minutes on Mondays, a year on, after the start of DST", "America/New_York",
     "2025-01-06T09:00", "FREQ=MINUTELY;INTERVAL=15;BYDAY=MO", "2026-03-09T00:00Z",
     "2026-03-17T00:00Z"),
    ("every 7 minutes, a month on", "Europe/Minsk", "2025-09-26T10:03",
     "FREQ=MINUTELY;INTERVAL=7", "2025-10-26T00:00Z", "2025-10-27T00:00Z"),
    ("all-day Tuesdays and Thursdays until a date", "Europe/Minsk", "2025-09-30",
     "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20251231", "2025-01-01T00:00Z", "2027-01-01T00:00Z"),
    ("all-day on 29 February", "Europe/Berlin", "2024-02-29",
     "yearly", "2024-01-01T00:00Z", "2110-01-01T00:00Z"),
    ("monthly on the 31st", "Europe/Berlin", "2025-01-31T10:00",
     "monthly", "2025-01-01T00:00Z", "2027-01-01T00:00Z"),
    ("yearly on the 15th of January and July", "Europe/Berlin", "2025-01-15T12:00",
     "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=15", "2025-01-01T00:00Z", "2035-01-01T00:00Z"),
    ("yearly on the last Friday of the year", "Europe/Berlin", "2025-12-26T12:00",
     "FREQ=YEARLY;BYDAY=-1FR", "2025-01-01T00:00Z", "2035-01-01T00:00Z"),
    ("the Monday of ISO week 1", "America/New_York", "2024-12-30T10:00",
     "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", "2024-01-01T00:00Z", "2040-01-01T00:00Z"),
    ("the first and last day of the year", "Europe/Minsk", "2025-01-01T10:00",
     "FREQ=YEARLY;BYYEARDAY=1,-1", "2025-01-01T00:00Z", "2031-01-01T00:00Z"),
    ("daily at 9:00, 9:30, 17:00, 17:30 through the end of DST", "America/New_York",
     "2025-10-30T09:00", "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30", "2025-10-30T00:00Z",
     "2025-11-06T00:00Z"),
    ("weekdays until the end of the year", "America/New_York", "2025-09-01T08:00",
     "weekdays until 2025-12-31", "2025-01-01T00:00Z", "2027-01-01T00:00Z"),
    ("every 3 months on the second Tuesday, 25 years on", "Europe/Minsk", "2025-10-14T10:00",
     "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", "2050-01-01T00:00Z", "2054-01-01T00:00Z"),
    ("US election day", "America/New_York", "2024-11-05T07:00",
     "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
     "2024-01-01T00:00Z", "2101-01-01T00:00Z"),
    ("the 1st and 15th, daily filter, years on", "Europe/Berlin", "2025-01-01T08:00",
     "FREQ=DAILY;BYMONTHDAY=1,15", "2035-01-01T00:00Z", "2036-01-01T00:00Z"),
    ("Thursdays in March and April", "Europe/Berlin", "2025-03-06T18:00",
     "FREQ=WEEKLY;BYMONTH=3,4;BYDAY=TH", "2025-01-01T00:00Z", "2029-01-01T00:00Z"),
    ("Friday the 13th", "Europe/Minsk", "2025-06-13T10:00",
     "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "2025-01-01T00:00Z", "2040-01-01T00:00Z"),
    ("every 2 years with COUNT", "Europe/Minsk", "2025-09-26T10:00",
     "FREQ=YEARLY;INTERVAL=2;COUNT=6", "2025-01-01T00:00Z", "2050-01-01T00:00Z"),
]


def instant(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)


def wall(text):
    if len(text) == 10:
        return datetime.strptime(text, "%Y-%m-%d")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")


def until_of(rule):
    """The rule without UNTIL, and UNTIL as an instant (timed) or a date."""
    match = re.search(r"(^|;)UNTIL=([0-9T]+)(Z?)", rule)
    if not match:
        return rule, None
    rest = ";".join(p for p in rule.split(";") if not p.startswith("UNTIL="))
    value = match.group(2)
    if "T" in value:
        return rest, datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return rest, datetime.strptime(value, "%Y%m%d").date()


def summit(helper, case):
    _, zone, start, rule, begin, end = case
    run = subprocess.run([helper, zone, start, rule, begin, end], capture_output=True, text=True,
                         timeout=120)
    if run.returncode != 0:
        raise RuntimeError(f"expand_rule refused it: {run.stderr.strip()}")
    lines = run.stdout.splitlines()
    canonical = lines[0].removeprefix("rule ")
    dtstart = lines[1].removeprefix("start ")
    got = [tuple(line.split(" ")) for line in lines[2:]]
    return canonical, dtstart, got


def dateutil(case, canonical, dtstart):
    _, zone_name, start, _, begin, end = case
    zone = ZoneInfo(zone_name)
    all_day = len(start) == 10
    rule, until = until_of(canonical)
    first = wall(dtstart[:10] if all_day else dtstart)
    begin, end = instant(begin), instant(end)
    low = begin.astimezone(zone).replace(tzinfo=None) - timedelta(days=2)
    high = end.astimezone(zone).replace(tzinfo=None) + timedelta(days=2)
    expected = []
    for local in rrulestr(rule, dtstart=first).between(low, high, inc=True):
        at = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if isinstance(until, datetime) and at > until:
            continue
        if isinstance(until, date) and not isinstance(until, datetime) and local.date() > until:
            continue
        if begin <= at < end:
            shown = at.astimezone(zone).replace(tzinfo=None)
            expected.append((shown.strftime("%Y-%m-%dT%H:%M:%S"),
                             at.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return expected


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    helper = sys.argv[1]
    failures = 0
    for case in CASES:
        name = case[0]
        try:
            canonical, dtstart, got = summit(helper, case)
            expected = dateutil(case, canonical, dtstart)
        except Exception as error:  # a refused rule or a crash is a failure too
            print(f"FAIL {name}: {error}")
            failures += 1
            continue
        if not expected:
            print(f"FAIL {name}: the case gives no occurrence; it would test nothing")
            failures += 1
        elif got != expected:
            failures += 1
            print(f"FAIL {name} ({case[1]}, {canonical}):")
            for i, (a, b) in enumerate(zip(got + [None] * len(expected),
                                           expected + [None] * len(got))):
                if a != b:
                    print(f"  first difference at #{i}: summit {a}, dateutil {b}")
                    break
            print(f"  summit gave {len(got)}, dateutil {len(expected)}")
        else:
            print(f"ok   {name}: {len(got)} occurrences ({canonical})")
    print(f"{len(CASES) - failures} of {len(CASES)} rules agree with dateutil")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
