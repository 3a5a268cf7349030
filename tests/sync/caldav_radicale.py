#!/usr/bin/env python3
"""Two-way CalDAV sync end to end (issue 14, docs/SYNC.md): two real
summitd instances and a real Radicale server this test starts on loopback
(htpasswd plain authentication, a temporary storage folder).

  1. Discovery: a server URL with several calendars is refused in one line
     listing them; --collection picks one; a collection URL is taken as is.
  2. Adds, edits and removes made on one summitd reach the other after
     `summit sync` on each, and each event is one resource on the server.
  3. Both edit the same event: the first to sync wins; the second gets a
     412, keeps the server's version in the calendar and its own as a
     listed conflict; `resolve --keep-local` pushes it back.
  4. The server goes away mid-sync (a proxy cuts the connection after a
     PUT reached the server): the change stays pending; the next sync
     completes with no duplicate and no false conflict. A change made while
     the server is down waits and is pushed when it is back.
  5. A sync-token the server refuses (valid-sync-token) falls back to a
     full comparison with no duplicate.
  6. A third-party client (python3-caldav) writes an event summit sees,
     and reads the one summit wrote.
  7. The mass-deletion guard: when the server stops listing most of a
     calendar, the sync stops and says so until --allow-deletions.
  8. The password never reaches the database, the log or any output.

    caldav_radicale.py SUMMITD SUMMIT RADICALE
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import davtest  # noqa: E402  (the Radicale and summitd helpers; it adds ../systemd)
from summit_testlib import Failure, check, remove_dir, run_test, scratch_dir, stop  # noqa: E402

SUMMITD = sys.argv[1]
SUMMIT = sys.argv[2]
RADICALE = sys.argv[3]  # the radicale program (Debian package radicale)
USER = "alice"
PASSWORD = "radicale-secret-horse-73"


class CuttingProxy:
    """Forwards TCP to Radicale; when `cut_after_put` is set, the first
    connection that carries a PUT gets the server's answer dropped: the
    server applied it, the client never hears so (a server going away
    mid-sync)."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.cut_after_put = threading.Event()
        self.cut_done = threading.Event()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client):
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:  # the server is down: so is the proxy, for this client
            client.close()
            return
        state = {"put": False}

        def pump(source, target, to_server):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    # The PUT that carries credentials (not curl's first
                    # probe that learns the authentication).
                    if (to_server and b"PUT " in data and b"Authorization:" in data
                            and self.cut_after_put.is_set()):
                        state["put"] = True
                    if not to_server and state["put"] and not self.cut_done.is_set():
                        self.cut_done.set()
                        self.cut_after_put.clear()
                        break  # the answer to the PUT is never delivered
                    target.sendall(data)
            except OSError:
                pass
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        threading.Thread(target=pump, args=(client, upstream, True), daemon=True).start()
        pump(upstream, client, False)


class Summit(davtest.Summit):
    def __init__(self, directory, name):
        super().__init__(SUMMITD, SUMMIT, directory, name)

    def events_by_uid(self, uid, name="team"):
        listed = self.json("list", "--calendar", name, "--from", "2030-01-01", "--to",
                           "2031-01-01", "--limit", "1000")
        for event in listed:
            if event["uid"] == uid:
                return event
        raise Failure(f"no event {uid} in {name}: {listed}")


def discovery_tests(radicale, a, b, password):
    server = f"http://127.0.0.1:{radicale.port}/"
    failed = a.run("calendar", "add", "team", "--caldav", server, "--user", USER,
                   "--password-file", password, expect=None)
    text = failed.stdout + failed.stderr
    check(failed.returncode != 0 and "several calendars" in text and "team" in text
          and "other" in text and "--collection" in text and text.count("\n") == 1,
          f"several collections are listed in one line: {text!r}")
    check([c["name"] for c in a.json("calendar", "list")] == ["personal"], "nothing was stored")
    failed = a.run("calendar", "add", "team", "--caldav", server, "--collection", "nope",
                   "--user", USER, "--password-file", password, expect=None)
    check(failed.returncode != 0 and "no collection 'nope'" in failed.stderr,
          f"an unknown collection: {failed.stderr!r}")
    a.run("calendar", "add", "team", "--caldav", server, "--collection", "Team meetings",
          "--user", USER, "--password-file", password)
    a.sync()
    entry = a.calendar()
    check(entry["collection_url"].endswith(f"/{USER}/team/") and entry["state"] == "ok",
          f"--collection finds it by display name: {entry}")
    b.run("calendar", "add", "team", "--caldav", f"{server}{USER}/team/", "--user", USER,
          "--password-file", password)
    b.sync()
    check(b.calendar()["state"] == "ok", f"a collection URL is taken as is: {b.calendar()}")


def two_way_tests(radicale, a, b):
    a.run("add", "Board meeting", "--at", "2030-03-10 09:00", "--tz", "UTC", "--remind", "15m",
          "--calendar", "team")
    check(a.calendar()["pending_changes"] == 1, f"the add is pending: {a.calendar()}")
    pushed = a.sync()
    check(pushed["pushed"] == 1, f"A pushes its add: {pushed}")
    check(a.calendar()["pending_changes"] == 0, "nothing pending after the push")
    check(len(radicale.resources("team")) == 1, "one resource on the server")
    pulled = b.sync()
    check(pulled["added"] == 1, f"B receives it: {pulled}")
    board = b.by_title("Board meeting")
    check(board["reminders"], f"its VALARM became a reminder: {board}")

    b.run("edit", str(board["id"]), "--title", "Board meeting (room 4)")
    check(b.calendar()["pending_changes"] == 1, "the edit is pending")
    check(b.sync()["pushed"] == 1, "B pushes its edit")
    check(a.sync()["updated"] == 1, "A receives the edit")
    a.by_title("Board meeting (room 4)")

    a.run("add", "Budget", "--at", "2030-03-11 14:00", "--tz", "UTC", "--calendar", "team")
    a.sync()
    b.sync()
    budget = b.by_title("Budget")
    b.run("rm", str(budget["id"]))
    check(b.sync()["pushed"] == 1, "B pushes its removal")
    check(a.sync()["removed"] == 1, "A removes it too")
    check("Budget" not in [e["title"] for e in a.events().values()], "gone from A")
    check(len(radicale.resources("team")) == 1, "and from the server")


def series_tests(radicale, a, b):
    """A series and its changed occurrence travel in one resource."""
    added = a.json("add", "Weekly sync", "--at", "2030-05-06 10:00", "--tz", "UTC", "--repeat",
                   "weekly count 4", "--remind", "10m", "--calendar", "team")
    uid = added["event"]["uid"] if "event" in added else added["uid"]
    a.sync()
    check(b.sync()["added"] == 1, "B receives the series")
    theirs = b.json("show", str(b.events_by_uid(uid)["id"]))
    theirs = theirs.get("event", theirs)
    check(theirs["recurrence"]["rrule"].startswith("FREQ=WEEKLY"), f"a series: {theirs}")
    b.run("edit", str(theirs["id"]), "--occurrence", "2030-05-13 10:00", "--at",
          "2030-05-14 15:00", "--title", "Weekly sync (moved)")
    check(b.sync()["pushed"] == 1, "B pushes the occurrence edit")
    check(a.sync()["updated"] == 1, "A receives it")
    mine = a.json("show", str(a.events_by_uid(uid)["id"]))
    mine = mine.get("event", mine)
    overrides = mine["recurrence"].get("overrides", [])
    check(len(overrides) == 1 and "moved" in json.dumps(overrides),
          f"the change of one occurrence came with its series: {overrides}")
    holding = [text for text in radicale.resources("team").values() if uid in text]
    check(len(holding) == 1 and "RECURRENCE-ID" in holding[0],
          "one resource holds the series and its override")


def conflict_tests(a, b):
    mine = a.by_title("Board meeting (room 4)")
    theirs = b.by_title("Board meeting (room 4)")
    a.run("edit", str(mine["id"]), "--title", "Board meeting (A)")
    b.run("edit", str(theirs["id"]), "--title", "Board meeting (B)")
    check(a.sync()["pushed"] == 1, "A syncs first and wins")
    result = b.sync()
    check(result["conflicts"] == 1, f"B's push is refused (412): {result}")
    b.by_title("Board meeting (A)")  # the server's version is in B's calendar
    conflicts = b.json("calendar", "conflicts", "team")
    check(len(conflicts) == 1 and conflicts[0]["title"] == "Board meeting (B)"
          and conflicts[0]["kind"] == "edit", f"B's edit is a listed conflict: {conflicts}")
    check(b.calendar()["conflicts"] == 1, "calendar list counts it")
    table = b.run("calendar", "conflicts").stdout
    check("Board meeting (B)" in table and "resolve" in table, f"conflicts: {table!r}")
    b.run("calendar", "resolve", str(conflicts[0]["id"]), "--keep-local")
    check(b.json("calendar", "conflicts") == [], "settled")
    check(b.sync()["pushed"] == 1, "the kept local version is pushed")
    check(a.sync()["updated"] == 1, "and reaches A")
    a.by_title("Board meeting (B)")
    missing = b.run("calendar", "resolve", "999", "--keep-server", expect=None)
    check(missing.returncode != 0 and "no conflict 999" in missing.stderr,
          f"an unknown conflict: {missing.stderr!r}")


def cut_tests(radicale, a, b, password):
    """A proxy in front of Radicale drops the answer to a PUT."""
    proxy = CuttingProxy(radicale.port)
    # A's calendar again, through the proxy: removed here (events and all)
    # and added back, it is pulled whole from the server.
    a.run("calendar", "rm", "team")
    a.run("calendar", "add", "team", "--caldav", f"http://127.0.0.1:{proxy.port}/{USER}/team/",
          "--user", USER, "--password-file", password)
    a.sync()
    before = len(a.events())
    a.run("add", "Cut talk", "--at", "2030-04-02 10:00", "--tz", "UTC", "--calendar", "team")
    proxy.cut_after_put.set()
    failed = a.sync(expect=1)
    check(proxy.cut_done.is_set(), "the proxy cut the PUT's answer")
    check(failed.get("outcome") == "failed", f"the sync failed: {failed}")
    check(a.calendar()["pending_changes"] == 1, "the add is still pending")
    check(sum("Cut talk" in text for text in radicale.resources("team").values()) == 1,
          "though the server applied it")
    again = a.sync()
    check(again["conflicts"] == 0, f"no false conflict: {again}")
    events = a.events()
    check(len(events) == before + 1, f"no duplicate: {len(events)} events, {before} before")
    check(sum("Cut talk" in text for text in radicale.resources("team").values()) == 1,
          "one resource on the server")
    check(a.calendar()["pending_changes"] == 0, "nothing pending")
    b.sync()
    b.by_title("Cut talk")


def offline_tests(radicale, a, b):
    """Changes made while the server is down are pushed when it is back."""
    radicale.stop()
    a.run("add", "Made offline", "--at", "2030-04-03 10:00", "--tz", "UTC", "--calendar", "team")
    failed = a.sync(expect=1)
    check(failed.get("outcome") == "failed" and failed.get("error"),
          f"the sync fails and says why: {failed}")
    check(a.calendar()["state"] == "error" and a.calendar()["pending_changes"] == 1,
          f"the change waits: {a.calendar()}")
    radicale.start()
    check(a.sync()["pushed"] == 1, "pushed once the server is back")
    check(a.calendar()["state"] == "ok", "the error is cleared")
    check(b.sync()["added"] >= 1, "B sees it")
    b.by_title("Made offline")


def token_tests(radicale, a):
    before = a.events()
    with sqlite3.connect(a.db, timeout=30) as db:
        db.execute("UPDATE calendars SET sync_token = 'http://radicale.org/ns/sync/0000bad', "
                   "ctag = '' WHERE name = 'team'")
    radicale.request("PUT", f"/{USER}/team/outside.ics",
                     "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
                     "UID:outside-1\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300501T100000Z\r\n"
                     "DURATION:PT1H\r\nSUMMARY:Written elsewhere\r\nEND:VEVENT\r\n"
                     "END:VCALENDAR\r\n", {"Content-Type": "text/calendar"})
    result = a.sync()
    check(result.get("token_reset") is True, f"the token was refused: compared in full: {result}")
    after = a.events()
    check(set(after) == set(before) | {"outside-1"}, f"no duplicate, one new: {sorted(after)}")
    check(a.sync()["outcome"] == "unchanged", "the next sync is incremental again")


THIRD_PARTY = r"""
import sys
import caldav
url, user, password, mode = sys.argv[1:5]
client = caldav.DAVClient(url, username=user, password=password)
calendar = client.calendar(url=url)
if mode == "write":
    calendar.save_event(sys.stdin.read())
else:
    for event in calendar.events():
        print(event.data.replace("\r\n ", "").replace("\n ", ""))
"""


def third_party_tests(radicale, a):
    """python3-caldav (Debian package) on the same collection."""
    python = "/usr/bin/python3"
    if subprocess.run([python, "-c", "import caldav"], capture_output=True).returncode != 0:
        print("skip: python3-caldav is not installed (scripts/deps)")
        return
    url = f"http://127.0.0.1:{radicale.port}/{USER}/team/"
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//python-caldav test//EN\r\n"
            "BEGIN:VEVENT\r\nUID:python-caldav-1\r\nDTSTAMP:20300101T000000Z\r\n"
            "DTSTART:20300701T080000Z\r\nDTEND:20300701T090000Z\r\n"
            "SUMMARY:Written by python-caldav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    done = subprocess.run([python, "-c", THIRD_PARTY, url, USER, PASSWORD, "write"], input=text,
                          capture_output=True, text=True, timeout=120)
    check(done.returncode == 0, f"python3-caldav writes an event: {done.stderr}")
    check(a.sync()["added"] == 1, "summit sees it")
    a.by_title("Written by python-caldav")
    a.run("add", "Written by summit", "--at", "2030-07-02 09:00", "--tz", "UTC", "--calendar",
          "team")
    a.sync()
    done = subprocess.run([python, "-c", THIRD_PARTY, url, USER, PASSWORD, "read"],
                          capture_output=True, text=True, timeout=120)
    check(done.returncode == 0 and "SUMMARY:Written by summit" in done.stdout,
          f"python3-caldav reads summit's event: {done.stdout[-500:]} {done.stderr[-500:]}")


def guard_tests(radicale, a, b):
    # More hearings than all the rest, so that removing all but one of
    # them is more than half of the calendar.
    hearings = len(a.events()) + 4
    for day in range(1, hearings + 1):
        a.run("add", f"Hearing {day}", "--at", f"2030-06-{day:02d} 09:00", "--tz", "UTC",
              "--calendar", "team")
    a.sync()
    held = len(a.events())
    for name, text in radicale.resources("team").items():
        lines = text.splitlines()
        if "SUMMARY:Hearing 1" not in lines and any(x.startswith("SUMMARY:Hearing")
                                                    for x in lines):
            status, _ = radicale.request("DELETE", f"/{USER}/team/{name}")
            check(status in (200, 204), f"DELETE {name}: {status}")
    stopped = a.run("sync", "team", expect=1)
    check("--allow-deletions" in stopped.stdout + stopped.stderr,
          f"the guard says how to go on: {stopped.stdout!r} {stopped.stderr!r}")
    check(len(a.events()) == held, "nothing was removed")
    check("--allow-deletions" in a.calendar()["error"], f"recorded: {a.calendar()}")
    allowed = a.sync("team", 0, "--allow-deletions")
    check(allowed["removed"] == hearings - 1, f"allowed: {allowed}")
    check(len(a.events()) == held - (hearings - 1), "removed once allowed")
    b.sync()  # B held some: fewer than half of its calendar, or allowed the same way
    refused = a.run("sync", "--allow-deletions", expect=2)
    check("NAME" in refused.stderr, f"--allow-deletions needs a name: {refused.stderr!r}")


def main():
    directory = scratch_dir("summit-caldav-")
    radicale = davtest.Radicale(RADICALE, directory, USER, PASSWORD)
    a = Summit(directory, "a")
    b = Summit(directory, "b")
    password = os.path.join(directory, "dav-password")
    with open(password, "w", encoding="utf-8") as out:
        out.write(PASSWORD + "\n")
    os.chmod(password, 0o600)
    try:
        radicale.start()
        radicale.mkcalendar("team", "Team meetings")
        radicale.mkcalendar("other", "Other")
        a.start()
        b.start()
        discovery_tests(radicale, a, b, password)
        two_way_tests(radicale, a, b)
        series_tests(radicale, a, b)
        conflict_tests(a, b)
        cut_tests(radicale, a, b, password)
        offline_tests(radicale, a, b)
        token_tests(radicale, a)
        third_party_tests(radicale, a)
        guard_tests(radicale, a, b)
        for summit in (a, b):
            outputs = summit.run("calendar", "list").stdout + summit.run("status").stdout
            check(PASSWORD not in outputs, "the password is never printed")
            check(PASSWORD not in summit.log(), "nor logged")
            with open(summit.db, "rb") as db:
                check(PASSWORD.encode() not in db.read(), "nor stored")
            check(stop(summit.process) == 0, "summitd stops cleanly")
    except Failure:
        for summit in (a, b):
            if os.path.exists(summit.log_path):
                print(summit.log(), file=sys.stderr)
        raise
    finally:
        for summit in (a, b):
            if summit.process is not None and summit.process.poll() is None:
                stop(summit.process)
        radicale.stop()
        remove_dir(directory)


if __name__ == "__main__":
    run_test(main)
