#!/usr/bin/env python3
"""How long `summit import` takes, and how long it holds the daemon (issue 4).

An import is parsed and written on summitd's event loop, in one transaction
(docs/INTERNALS.md, "iCalendar import and export"), so while it runs no
other request is answered and no reminder fires. This measures both sides
for generated calendars of N events:

  import       wall time of the whole `summit import FILE` process, first
               into an empty calendar (every event added), then the same file
               again (every UID found; unchanged events are not rewritten),
               then with every SUMMARY changed (every event updated);
  held         the longest round trip of `daemon.status`, sent back to back
               by a second connection while the import runs: how long other
               clients wait for the daemon at worst.

The generated file is what an Outlook or Google export of a busy calendar
looks like to the importer: TZID parameters naming IANA zones, one event in
ten weekly for ten weeks (RRULE with COUNT), one in three with a VALARM, a
location, a description and categories on each.

Only a temporary folder and the daemon's Unix socket in it are used.
Standard library only.

  bench/import/import_bench.py --build build/release --sizes 1000,10000,50000
"""

import argparse
import json
import os
import socket
import subprocess
import tempfile
import threading
import time

ZONES = ["Europe/Minsk", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]


def calendar_text(n: int, what: str = "meeting") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//summit bench//import//EN"]
    for i in range(n):
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        hour = 8 + i % 10
        zone = ZONES[i % len(ZONES)]
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{i}@summit.example",
            "DTSTAMP:20261201T000000Z",
            f"DTSTART;TZID={zone}:2027{month:02}{day:02}T{hour:02}0000",
            f"DTEND;TZID={zone}:2027{month:02}{day:02}T{hour + 1:02}3000",
            f"SUMMARY:Working group {what} {i}",
            f"LOCATION:Room {i % 40}\\, Minsk",
            f"DESCRIPTION:Agenda item {i}: review of the draft\\, then questions.",
            "CATEGORIES:cis,work",
        ]
        if i % 10 == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=10")
        if i % 3 == 0:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder",
                      "TRIGGER:-PT1H", "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


class Pinger(threading.Thread):
    """daemon.status back to back on its own connection; keeps the longest."""

    def __init__(self, path: str):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.stop = threading.Event()
        self.longest = 0.0
        self.count = 0

    def run(self):
        buf = b""
        n = 0
        while not self.stop.is_set():
            n += 1
            started = time.perf_counter()
            self.sock.sendall(json.dumps({"jsonrpc": "2.0", "id": n,
                                          "method": "daemon.status"}).encode() + b"\n")
            while b"\n" not in buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
            _, buf = buf.split(b"\n", 1)
            self.longest = max(self.longest, time.perf_counter() - started)
            self.count += 1
            time.sleep(0.001)


def wait_ready(summit: str, path: str):
    deadline = time.time() + 60
    while time.time() < deadline:
        if subprocess.run([summit, "--socket", path, "status"],
                          capture_output=True).returncode == 0:
            return
        time.sleep(0.05)
    raise SystemExit("summitd did not become ready within 60 s")


def timed_import(summit: str, path: str, ics: str):
    pinger = Pinger(path)
    pinger.start()
    time.sleep(0.05)
    started = time.perf_counter()
    done = subprocess.run([summit, "--socket", path, "import", ics],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    pinger.stop.set()
    pinger.join(timeout=30)
    if done.returncode != 0:
        raise SystemExit(f"summit import failed ({done.returncode}): {done.stderr.strip()}")
    report = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return elapsed, pinger.longest, report.split(": ", 1)[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/release",
                        help="build folder with daemon/summitd and cli/summit")
    parser.add_argument("--sizes", default="1000,10000,50000",
                        help="comma-separated event counts")
    args = parser.parse_args()
    summitd = os.path.join(args.build, "daemon", "summitd")
    summit = os.path.join(args.build, "cli", "summit")
    print("| events | file | import into an empty calendar | held the daemon | "
          "import again (same file) | held the daemon | every SUMMARY changed | held the daemon | "
          "summit's reports |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n in (int(s) for s in args.sizes.split(",") if s):
        with tempfile.TemporaryDirectory(prefix="summit-import-bench-") as folder:
            ics = os.path.join(folder, "calendar.ics")
            with open(ics, "w", newline="") as f:
                f.write(calendar_text(n))
            size = os.path.getsize(ics)
            edited = os.path.join(folder, "edited.ics")
            with open(edited, "w", newline="") as f:
                f.write(calendar_text(n, "session"))
            sock = os.path.join(folder, "summitd.sock")
            log = open(os.path.join(folder, "summitd.log"), "wb")
            daemon = subprocess.Popen([summitd, "--socket", sock, "--db",
                                       os.path.join(folder, "summit.db"),
                                       "--log-level", "warn"], stdout=log, stderr=log)
            try:
                wait_ready(summit, sock)
                first, first_held, report = timed_import(summit, sock, ics)
                again, again_held, again_report = timed_import(summit, sock, ics)
                changed, changed_held, changed_report = timed_import(summit, sock, edited)
            finally:
                daemon.terminate()
                daemon.wait(timeout=30)
                log.close()
            print(f"| {n:,} | {size / 1e6:.1f} MB | {first * 1e3:,.0f} ms | "
                  f"{first_held * 1e3:,.0f} ms | {again * 1e3:,.0f} ms | "
                  f"{again_held * 1e3:,.0f} ms | {changed * 1e3:,.0f} ms | "
                  f"{changed_held * 1e3:,.0f} ms | {report}; {again_report}; {changed_report} |", flush=True)


if __name__ == "__main__":
    main()
