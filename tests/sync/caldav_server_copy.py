#!/usr/bin/env python3
"""CalDAV sync against a real Radicale on loopback: what summit keeps of the
server's resources, what it says, and what never waits (issue 14,
docs/SYNC.md).

  1. A local edit keeps what summit does not model: another client writes
     an event with 5 VALARMs, an ORGANIZER, an ATTENDEE and an X- property;
     summit syncs, `summit edit --title`, syncs: the server's resource has
     all of them and the new title. A change of reminders replaces the 3
     alarms summit showed and keeps the 2 it did not.
  2. A UID the server lists under two hrefs: the first is kept, the sync's
     report names the UID and both hrefs.
  3. A VTODO-only resource is not fetched again at a full comparison while
     its ETag is the same.
  4. `summit --json` output escapes C1 controls and bidi overrides that
     came from the server (\\u009b, \\u202e), and stays valid JSON.
  5. A large first fetch says how far it is on stderr ("summit: big: 100 of
     300 events fetched", increasing, ending at 300); stdout is as without
     it; a small sync says nothing.
  6. `summit calendar add` of another calendar answers while a stalled
     server (a socket that accepts and never answers) holds an earlier
     add's discovery.

    caldav_server_copy.py SUMMITD SUMMIT RADICALE
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import davtest  # noqa: E402
from summit_testlib import Failure, check, remove_dir, run_test, scratch_dir, stop  # noqa: E402

SUMMITD = sys.argv[1]
SUMMIT = sys.argv[2]
RADICALE = sys.argv[3]
USER = "alice"
PASSWORD = "radicale-copy-secret-41"


def vcalendar(body):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other client//EN\r\n" + body +
            "END:VCALENDAR\r\n")


def valarm(trigger):
    return (f"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:{trigger}\r\n"
            "END:VALARM\r\n")


RICH = vcalendar(
    "BEGIN:VEVENT\r\nUID:rich-1\r\nDTSTAMP:20300101T000000Z\r\nSEQUENCE:4\r\n"
    "DTSTART:20300610T090000Z\r\nDTEND:20300610T100000Z\r\nSUMMARY:Council session\r\n"
    "ORGANIZER;CN=Chair:mailto:chair@example.org\r\n"
    "ATTENDEE;CN=Delegate;PARTSTAT=ACCEPTED:mailto:delegate@example.org\r\n"
    "X-OTHER-CLIENT-COLOR:teal\r\n" + valarm("-PT15M") + valarm("-PT1H") + valarm("-P1D") +
    valarm("-P2D") + valarm("-P7D") + "END:VEVENT\r\n")

TODO = vcalendar("BEGIN:VTODO\r\nUID:todo-1\r\nDTSTAMP:20300101T000000Z\r\n"
                 "SUMMARY:Write the minutes\r\nEND:VTODO\r\n")

TWICE = vcalendar("BEGIN:VEVENT\r\nUID:twice-1\r\nDTSTAMP:20300101T000000Z\r\n"
                  "DTSTART:20300611T090000Z\r\nDURATION:PT1H\r\nSUMMARY:Listed twice\r\n"
                  "END:VEVENT\r\n")

# C1 CSI (U+009B) and a right-to-left override (U+202E) in a title.
HOSTILE_TITLE = "Budget \u009b31m \u202egnp.exe"
HOSTILE = vcalendar("BEGIN:VEVENT\r\nUID:hostile-1\r\nDTSTAMP:20300101T000000Z\r\n"
                    "DTSTART:20300612T090000Z\r\nDURATION:PT1H\r\nSUMMARY:" + HOSTILE_TITLE +
                    "\r\nEND:VEVENT\r\n")


def put(radicale, collection, name, text):
    status, body = radicale.request("PUT", f"/{USER}/{collection}/{name}", text.encode(),
                                    {"Content-Type": "text/calendar"})
    check(status in (201, 204), f"PUT {name}: {status} {body!r}")


def unfolded(text):
    return text.replace("\r\n ", "").replace("\n ", "")


def server_copy_tests(radicale, summit, password):
    # Added while the collection is empty, and synced once, so that the
    # next sync is the one that meets what is written below (the add's own
    # first sync runs in the background).
    url = f"http://127.0.0.1:{radicale.port}/{USER}/team/"
    summit.run("calendar", "add", "team", "--caldav", url, "--user", USER, "--password-file",
               password)
    summit.sync("team")
    put(radicale, "team", "rich.ics", RICH)
    put(radicale, "team", "todo.ics", TODO)
    put(radicale, "team", "hostile.ics", HOSTILE)
    put(radicale, "team", "twice-a.ics", TWICE)
    # Radicale refuses a second resource with the same UID over HTTP; its
    # storage folder takes one (another client's server may list both).
    with open(os.path.join(radicale.folder("team"), "twice-b.ics"), "w", encoding="utf-8",
              newline="") as out:
        out.write(TWICE)
    first = summit.sync("team")
    check(first.get("outcome") != "failed", f"the first sync: {first}")
    events = summit.events("team")
    check({"rich-1", "twice-1", "hostile-1"} <= set(events), f"the events: {sorted(events)}")
    check(len([u for u in events if u == "twice-1"]) == 1, "the UID is one event")

    # 2. The UID under two hrefs is said, with both.
    notes = [n for n in first.get("skipped", []) if "twice-1" in n]
    check(len(notes) == 1, f"one note names the UID listed twice: {first.get('skipped')}")
    check("twice-a.ics" in notes[0] and "twice-b.ics" in notes[0],
          f"the note names both hrefs: {notes[0]}")

    # 4. --json escapes what would act on a terminal, and stays JSON.
    listed = summit.run("list", "--calendar", "team", "--from", "2030-01-01", "--to",
                        "2031-01-01", "--json")
    check("\u009b" not in listed.stdout and "\u202e" not in listed.stdout,
          f"no raw C1 or bidi override in --json output: {listed.stdout!r}")
    check("\\u009b" in listed.stdout and "\\u202e" in listed.stdout,
          "they are written as \\u escapes")
    titles = [e["title"] for e in json.loads(listed.stdout)]
    check(HOSTILE_TITLE in titles, f"the same title once parsed: {titles}")
    shown = summit.run("show", str(events["hostile-1"]["id"]), "--json").stdout
    check("\u202e" not in shown and HOSTILE_TITLE == json.loads(shown)["title"],
          f"summit show --json too: {shown!r}")

    # 3. A full comparison does not fetch the VTODO (nor the second href)
    # again: only the PROPFIND and the listing.
    with sqlite3.connect(summit.db, timeout=30) as db:
        db.execute("UPDATE calendars SET sync_token = '', ctag = '' WHERE name = 'team'")
    again = summit.sync("team")
    check(again.get("outcome") == "unchanged" and again.get("requests") == 2,
          f"a full comparison fetches nothing unchanged (2 requests): {again}")

    # 1. A title edited here: everything else of the server's copy stays.
    summit.run("edit", str(events["rich-1"]["id"]), "--title", "Council session (room B)")
    pushed = summit.sync("team")
    check(pushed.get("pushed") == 1, f"the edit is pushed: {pushed}")
    text = unfolded(radicale.resources("team")["rich.ics"])
    check("SUMMARY:Council session (room B)" in text, f"the new title: {text}")
    check(text.count("BEGIN:VALARM") == 5, f"all 5 VALARMs stay: {text}")
    for trigger in ("-PT15M", "-PT1H", "-P1D", "-P2D", "-P7D"):
        check(f"TRIGGER:{trigger}" in text, f"the alarm {trigger} stays: {text}")
    check("ORGANIZER;CN=Chair:mailto:chair@example.org" in text, f"the ORGANIZER stays: {text}")
    check("ATTENDEE;CN=Delegate;PARTSTAT=ACCEPTED:mailto:delegate@example.org" in text,
          f"the ATTENDEE stays: {text}")
    check("X-OTHER-CLIENT-COLOR:teal" in text, f"the X- property stays: {text}")
    check("SEQUENCE:4" in text, f"a new title is no reschedule: {text}")

    # Reminders changed here: the 3 summit showed give way to the user's
    # one; the 2 it never showed stay.
    summit.run("edit", str(events["rich-1"]["id"]), "--remind", "5m")
    summit.sync("team")
    text = unfolded(radicale.resources("team")["rich.ics"])
    check(text.count("BEGIN:VALARM") == 3, f"1 of summit's and the 2 it did not show: {text}")
    check("TRIGGER:-PT5M" in text and "TRIGGER:-P2D" in text and "TRIGGER:-P7D" in text,
          f"which ones: {text}")
    check("ATTENDEE" in text and "X-OTHER-CLIENT-COLOR:teal" in text, "the rest stays")
    held = radicale.resources("team")
    check("todo.ics" in held and "twice-b.ics" in held,
          f"the VTODO and the second href are never pushed as removals: {sorted(held)}")
    check(summit.calendar("team")["pending_changes"] == 0, "nothing left to push")
    mine = summit.json("show", str(events["rich-1"]["id"]))
    check(len(mine["reminders"]) == 1, f"summit keeps the user's one reminder: {mine}")


def progress_tests(radicale, summit, password):
    radicale.mkcalendar("big", "Big")
    url = f"http://127.0.0.1:{radicale.port}/{USER}/big/"
    summit.run("calendar", "add", "big", "--caldav", url, "--user", USER, "--password-file",
               password)
    summit.sync("big")  # the collection is empty: the first sync has nothing to fetch
    folder = radicale.folder("big")
    for i in range(300):
        with open(os.path.join(folder, f"e{i:03}.ics"), "w", encoding="utf-8",
                  newline="") as out:
            out.write(vcalendar(f"BEGIN:VEVENT\r\nUID:big-{i}\r\nDTSTAMP:20300101T000000Z\r\n"
                                f"DTSTART:20300701T{i // 60:02}{i % 60:02}00Z\r\n"
                                f"DURATION:PT30M\r\nSUMMARY:Item {i}\r\nEND:VEVENT\r\n"))
    done = summit.run("sync", "big")
    lines = done.stderr.splitlines()
    counts = []
    for line in lines:
        prefix, _, rest = line.partition("big: ")
        check(prefix == "summit: " and rest.endswith(" of 300 events fetched"),
              f"a progress line: {line!r} in {done.stderr!r}")
        counts.append(int(rest.split(" ")[0].replace(",", "")))
    check(counts == [100, 200, 300], f"the fetch so far, after each 100: {counts}")
    check(done.stdout == "big: 300 added, 0 updated, 0 removed, 0 pushed, 0 conflicts\n",
          f"stdout is the summary only: {done.stdout!r}")
    with open(os.path.join(folder, "e300.ics"), "w", encoding="utf-8", newline="") as out:
        out.write(vcalendar("BEGIN:VEVENT\r\nUID:big-300\r\nDTSTAMP:20300101T000000Z\r\n"
                            "DTSTART:20300702T090000Z\r\nDURATION:PT30M\r\nSUMMARY:One more\r\n"
                            "END:VEVENT\r\n"))
    small = summit.run("sync", "big", "--json")
    check(small.stderr == "", f"a small sync says nothing on stderr: {small.stderr!r}")
    check(json.loads(small.stdout)["calendars"][0]["added"] == 1, "and adds the one")


class StallingServer:
    """Accepts TCP connections and never answers, holding them open."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.accepted = threading.Event()
        self.closed_by_peer = threading.Event()
        self.held = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(client)
            self.accepted.set()
            threading.Thread(target=self.drain, args=(client,), daemon=True).start()

    def drain(self, client):
        try:
            while client.recv(4096):
                pass
        except OSError:
            pass
        self.closed_by_peer.set()

    def close(self):
        self.listener.close()
        for client in self.held:
            client.close()


def stall_tests(radicale, summit, password):
    stalling = StallingServer()
    waiting = subprocess.Popen(
        [SUMMIT, "--socket", summit.socket, "calendar", "add", "stalled", "--caldav",
         f"http://127.0.0.1:{stalling.port}/cal/"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=davtest.daemon_env(summit.directory, TZ="UTC"))
    try:
        check(stalling.accepted.wait(60), "summitd connected to the stalling server")
        radicale.mkcalendar("third", "Third")
        url = f"http://127.0.0.1:{radicale.port}/{USER}/third/"
        summit.run("calendar", "add", "third", "--caldav", url, "--user", USER,
                   "--password-file", password, timeout=120)
        check(not stalling.closed_by_peer.is_set() and waiting.poll() is None,
              "the add answered while the stalled server still held the first add's request")
        names = [c["name"] for c in summit.json("calendar", "list")]
        check("third" in names, f"the calendar is there: {names}")
    finally:
        if waiting.poll() is None:
            waiting.kill()
        waiting.wait()
        stalling.close()


def main():
    directory = scratch_dir("summit-caldav-copy-")
    radicale = davtest.Radicale(RADICALE, directory, USER, PASSWORD)
    summit = davtest.Summit(SUMMITD, SUMMIT, directory, "a",
                            'progress_after = 50\nprogress_every = "0s"\n')
    password = os.path.join(directory, "dav.pw")
    with open(password, "w", encoding="utf-8") as out:
        out.write(PASSWORD + "\n")
    os.chmod(password, 0o600)
    try:
        radicale.start()
        radicale.mkcalendar("team", "Team meetings")
        summit.start()
        server_copy_tests(radicale, summit, password)
        progress_tests(radicale, summit, password)
        stall_tests(radicale, summit, password)
        check(stop(summit.process) == 0, "summitd stops cleanly")
    except Failure:
        if os.path.exists(summit.log_path):
            print(summit.log(), file=sys.stderr)
        raise
    finally:
        if summit.process is not None and summit.process.poll() is None:
            stop(summit.process)
        radicale.stop()
        remove_dir(directory)


if __name__ == "__main__":
    run_test(main)
