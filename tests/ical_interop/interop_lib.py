"""A real summitd with a fixed set of events, for the iCalendar interop checks.

Each check starts summitd on a socket and database in a fresh temporary
directory (TZ far from everyone's, so that a daemon guessing from its host
would show), adds the same events with the real `summit`, exports them and
hands the file to another implementation. Exit 0: passed, 1: failed, 125:
skipped (a tool is missing), as ctest's SKIP_RETURN_CODE says.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 125

# The viewer's zone for the CLI, and the range every check looks at.
VIEWER = "Europe/Minsk"
RANGE = ("2030-09-01", "2031-12-31")

# The events: timed in several zones, with reminders before and at a time,
# all-day over days, a month (date TBA), weekly with a moved and a cancelled
# occurrence, yearly on the last Friday, daily with a count, one moved out
# of a DST gap.
FIXTURE = [
    ["add", "CIS summit", "--at", "2030-09-26 10:00", "--duration", "3h", "--tz",
     "Europe/Minsk", "--location", "Minsk, Belarus", "--tag", "cis", "--remind", "7d",
     "--remind", "1d", "--description", "Heads of government; agenda to follow"],
    ["add", "Dushanbe talks", "--at", "2030-10-10 09:30", "--duration", "2h", "--tz",
     "Asia/Dushanbe", "--remind", "2030-10-09 18:00"],
    ["add", "Congress", "--at", "2030-12-24", "--end", "2030-12-26", "--all-day", "--tz",
     "Asia/Almaty", "--tag", "congress"],
    ["add", "Council (date TBA)", "--at", "2030-11", "--location", "Minsk, Belarus"],
    ["add", "Working group", "--at", "2030-10-04 10:00", "--duration", "1h", "--tz",
     "Europe/Minsk", "--repeat", "FREQ=WEEKLY;BYDAY=FR;COUNT=5", "--remind", "1h"],
    ["edit", "5", "--occurrence", "2030-10-18 10:00", "--at", "2030-10-17 15:00", "--title",
     "Working group (moved)"],
    ["edit", "5", "--cancel-occurrence", "2030-10-25 10:00"],
    ["add", "Budget session", "--at", "2030-09-27 14:00", "--duration", "90m", "--tz",
     "America/New_York", "--repeat", "FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR;COUNT=2"],
    ["add", "Spring forward", "--at", "2031-03-30 02:30", "--duration", "1h", "--tz",
     "Europe/Berlin"],
    ["add", "Daily standup", "--at", "2030-12-01 09:00", "--duration", "15m", "--tz",
     "Europe/Minsk", "--repeat", "daily count 3"],
]


# A file whose zone only it defines (issue 16): "Eastern Custom" is -05:00,
# and -04:00 from the first Sunday of April to the last of October (no zone
# of tzdata has those days). Its weekly series crosses 27 October 2030, its
# own change: summit keeps the zone, and exports it with its VTIMEZONE.
CUSTOM_ZONE_FILE = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//example.org//summit interop//EN",
    "BEGIN:VTIMEZONE", "TZID:Eastern Custom",
    "BEGIN:STANDARD", "DTSTART:19901028T020000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:ECST", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:19900401T020000", "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
    "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "TZNAME:ECDT", "END:DAYLIGHT",
    "END:VTIMEZONE",
    "BEGIN:VEVENT", "UID:custom-zone@example.org", "DTSTAMP:20300101T000000Z",
    "SUMMARY:Custom zone weekly", "DTSTART;TZID=Eastern Custom:20301017T100000",
    "DTEND;TZID=Eastern Custom:20301017T110000", "RRULE:FREQ=WEEKLY;COUNT=4",
    "END:VEVENT", "END:VCALENDAR", ""])

# The fixture's events and the custom-zone file's.
EVENT_COUNT = len([command for command in FIXTURE if command[0] == "add"]) + 1


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)
    print(f"ok: {message}")


def skip(message):
    print(f"SKIP: {message}")
    sys.exit(SKIP)


def run_test(main):
    """Runs main(); prints a failure and exits 1, or exits 0."""
    try:
        main()
    except Failure as failure:
        print(f"FAIL: {failure}")
        sys.exit(1)
    sys.exit(0)


class Summit:
    """summitd in `directory` and the summit CLI talking to it."""

    def __init__(self, summitd, summit, directory):
        self.summit_bin = summit
        self.directory = directory
        self.socket = os.path.join(directory, "summitd.sock")
        self.log_path = os.path.join(directory, "summitd.log")
        env = dict(os.environ, TZ="Pacific/Chatham", HOME=directory,
                   XDG_RUNTIME_DIR=directory, XDG_DATA_HOME=directory,
                   XDG_CONFIG_HOME=directory)
        self.log = open(self.log_path, "wb")
        self.daemon = subprocess.Popen(
            [summitd, "--socket", self.socket, "--db", os.path.join(directory, "summit.db"),
             "--config", "/dev/null"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                raise Failure(f"summitd exited: {self.daemon_log()}")
            if os.path.exists(self.socket) and self.cli("status", check_exit=False)[0] == 0:
                return
            time.sleep(0.1)
        raise Failure("summitd did not start serving in 60 s")

    def daemon_log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()

    def cli(self, *args, check_exit=True):
        env = dict(os.environ, SUMMIT_SOCKET=self.socket, TZ=VIEWER, HOME=self.directory,
                   XDG_RUNTIME_DIR=self.directory)
        done = subprocess.run([self.summit_bin, *args], capture_output=True, env=env,
                              timeout=120, check=False)
        if check_exit and done.returncode != 0:
            raise Failure(f"summit {' '.join(args)} exited {done.returncode}: "
                          f"{done.stderr.decode(errors='replace')}")
        return done.returncode, done.stdout, done.stderr

    def json(self, *args):
        return json.loads(self.cli("--json", *args)[1])

    def populate(self):
        for command in FIXTURE:
            self.cli(*command)
        path = os.path.join(self.directory, "custom-zone.ics")
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(CUSTOM_ZONE_FILE)
        self.cli("import", path)

    def export(self, path):
        self.cli("export", "-o", path)
        with open(path, "rb") as exported:
            return exported.read()

    def stop(self):
        self.daemon.terminate()
        try:
            self.daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
            self.daemon.wait()
        self.log.close()


def with_summit(summitd, summit, body):
    """Runs body(summit, directory) with a populated daemon; cleans up."""
    directory = tempfile.mkdtemp(prefix="summit-interop-")
    daemon = None
    try:
        daemon = Summit(summitd, summit, directory)
        daemon.populate()
        body(daemon, directory)
    except Failure:
        if daemon is not None:
            print("---- summitd log ----\n" + daemon.daemon_log() + "---- end of log ----")
        raise
    finally:
        if daemon is not None:
            daemon.stop()
        shutil.rmtree(directory, ignore_errors=True)
