#!/usr/bin/env python3
"""Two-way CalDAV sync against a real Xandikos (issue 14, docs/SYNC.md):
two real summitd instances and a Xandikos server this test starts on
loopback (a temporary folder, no authentication: Xandikos has none).

  1. Discovery from the server URL: several calendars are refused in one
     line; --collection picks one; a collection URL is taken as is.
  2. Adds, edits and removes made on one summitd reach the other after
     `summit sync` on each; each event is one resource on the server.
  3. A series and its changed occurrence travel in one resource.
  4. Both edit the same event: the second push gets a 412 and a conflict.
  5. The sync-token path: a change written by another client is found with
     a sync-collection REPORT from the token summit holds (Xandikos logs the
     request bodies), and a token Xandikos refuses falls back to a full
     comparison with no duplicate.

    caldav_xandikos.py SUMMITD SUMMIT XANDIKOS
"""

import http.client
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from davtest import Summit, free_port, wait_http  # noqa: E402
from summit_testlib import Failure, check, remove_dir, run_test, scratch_dir  # noqa: E402

SUMMITD, SUMMIT, XANDIKOS = sys.argv[1:4]


class Xandikos:
    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.process = None
        self.log_path = os.path.join(directory, "xandikos.log")

    def start(self):
        log = open(self.log_path, "ab")
        # --dump-dav-xml: the request bodies are in the log, so that the
        # test can tell a sync-collection REPORT from a calendar-query.
        self.process = subprocess.Popen(
            [XANDIKOS, "--defaults", "--dump-dav-xml", "-d", os.path.join(self.directory, "dav"),
             "-l", "127.0.0.1", "-p", str(self.port)],
            stdout=log, stderr=log)
        wait_http(self.port, self.process, "xandikos")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)
            self.process = None

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as text:
            return text.read()

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def mkcalendar(self, name, display):
        body = ('<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" '
                'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
                f'<D:displayname>{display}</D:displayname></D:prop></D:set></C:mkcalendar>')
        status, data = self.request("MKCALENDAR", f"/user/calendars/{name}/", body,
                                    {"Content-Type": "application/xml"})
        check(status == 201, f"MKCALENDAR {name}: {status} {data[:300]!r}")

    def resources(self, collection):
        """The resources Xandikos lists in `collection`: href -> calendar data."""
        body = ('<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" '
                'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop>'
                '<C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>')
        status, data = self.request("REPORT", f"/user/calendars/{collection}/", body,
                                    {"Content-Type": "application/xml", "Depth": "1"})
        check(status == 207, f"calendar-query: {status}")
        text = data.decode()
        out = {}
        for response in re.findall(r"<(?:\w+:)?response>(.*?)</(?:\w+:)?response>", text, re.S):
            href = re.search(r"<(?:\w+:)?href>(.*?)</", response, re.S).group(1)
            out[href] = response
        return out


def discovery_tests(server, a, b):
    root = f"http://127.0.0.1:{server.port}/"
    failed = a.run("calendar", "add", "team", "--caldav", root, expect=None)
    text = failed.stdout + failed.stderr
    check(failed.returncode != 0 and "several calendars" in text and "team" in text
          and "calendar" in text and "--collection" in text and text.count("\n") == 1,
          f"several collections are listed in one line: {text!r}")
    a.run("calendar", "add", "team", "--caldav", root, "--collection", "Team meetings")
    a.sync()
    entry = a.calendar()
    check(entry["collection_url"].endswith("/user/calendars/team/") and entry["state"] == "ok",
          f"--collection finds it by display name: {entry}")
    b.run("calendar", "add", "team", "--caldav", f"{root}user/calendars/team/")
    b.sync()
    check(b.calendar()["state"] == "ok", f"a collection URL is taken as is: {b.calendar()}")


def two_way_tests(server, a, b):
    a.run("add", "Board meeting", "--at", "2030-03-10 09:00", "--tz", "UTC", "--remind", "15m",
          "--calendar", "team")
    pushed = a.sync()
    check(pushed["pushed"] == 1, f"A pushes its add: {pushed}")
    check(a.calendar()["pending_changes"] == 0, "nothing pending after the push")
    check(len(server.resources("team")) == 1, "one resource on the server")
    check(a.sync()["outcome"] == "unchanged", "A's own push is not pulled back as a change")
    pulled = b.sync()
    check(pulled["added"] == 1, f"B receives it: {pulled}")
    board = b.by_title("Board meeting")
    check(board["reminders"], f"its VALARM became a reminder: {board}")

    b.run("edit", str(board["id"]), "--title", "Board meeting (room 4)")
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
    check(len(server.resources("team")) == 1, "and from the server")


def series_tests(server, a, b):
    added = a.json("add", "Weekly sync", "--at", "2030-05-06 10:00", "--tz", "UTC", "--repeat",
                   "weekly count 4", "--calendar", "team")
    uid = added["event"]["uid"] if "event" in added else added["uid"]
    a.sync()
    check(b.sync()["added"] == 1, "B receives the series")
    theirs = [e for e in b.events().values() if e["uid"] == uid][0]
    b.run("edit", str(theirs["id"]), "--occurrence", "2030-05-13 10:00", "--at",
          "2030-05-14 15:00", "--title", "Weekly sync (moved)")
    check(b.sync()["pushed"] == 1, "B pushes the occurrence edit")
    check(a.sync()["updated"] == 1, "A receives it")
    mine = a.json("show", str([e for e in a.events().values() if e["uid"] == uid][0]["id"]))
    mine = mine.get("event", mine)
    overrides = mine["recurrence"].get("overrides", [])
    check(len(overrides) == 1 and "moved" in str(overrides), f"the override came: {overrides}")
    holding = [r for r in server.resources("team").values() if uid in r]
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
    b.by_title("Board meeting (A)")
    conflicts = b.json("calendar", "conflicts", "team")
    check(len(conflicts) == 1 and conflicts[0]["title"] == "Board meeting (B)",
          f"B's edit is a listed conflict: {conflicts}")
    b.run("calendar", "resolve", str(conflicts[0]["id"]), "--keep-local")
    check(b.sync()["pushed"] == 1, "the kept local version is pushed")
    check(a.sync()["updated"] == 1, "and reaches A")
    a.by_title("Board meeting (B)")


def token_tests(server, a):
    with sqlite3.connect(a.db, timeout=30) as db:
        token = db.execute("SELECT sync_token FROM calendars WHERE name = 'team'").fetchone()[0]
    check(token, "summit keeps Xandikos's sync-token")
    before = a.events()
    mark = len(server.log())
    status, _ = server.request(
        "PUT", "/user/calendars/team/outside.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
        "UID:outside-1\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300501T100000Z\r\n"
        "DURATION:PT1H\r\nSUMMARY:Written elsewhere\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        {"Content-Type": "text/calendar"})
    check(status in (201, 204), f"PUT outside.ics: {status}")
    result = a.sync()
    check(result["added"] == 1 and result.get("token_reset") is False,
          f"found from the token: {result}")
    logged = server.log()[mark:]
    check("sync-collection" in logged and token in logged,
          f"a sync-collection REPORT from summit's token reached Xandikos: {logged[-2000:]}")
    check("calendar-query" not in logged, "and no full listing")
    check(set(a.events()) == set(before) | {"outside-1"}, "one new event")

    # A token Xandikos does not know: a full comparison, no duplicate.
    with sqlite3.connect(a.db, timeout=30) as db:
        db.execute("UPDATE calendars SET sync_token = '0000000000000000000000000000000000000bad',"
                   " ctag = '' WHERE name = 'team'")
    server.request("DELETE", "/user/calendars/team/outside.ics")
    result = a.sync()
    check(result.get("token_reset") is True and result["removed"] == 1,
          f"the token was refused: compared in full: {result}")
    check(set(a.events()) == set(before), "no duplicate, the removed one gone")
    check(a.sync()["outcome"] == "unchanged", "the next sync is incremental again")


def main():
    directory = scratch_dir("summit-xandikos-")
    server = Xandikos(directory)
    a = Summit(SUMMITD, SUMMIT, directory, "a")
    b = Summit(SUMMITD, SUMMIT, directory, "b")
    try:
        server.start()
        server.mkcalendar("team", "Team meetings")
        a.start()
        b.start()
        discovery_tests(server, a, b)
        two_way_tests(server, a, b)
        series_tests(server, a, b)
        conflict_tests(a, b)
        token_tests(server, a)
        for summit in (a, b):
            check(summit.stop() == 0, "summitd stops cleanly")
    except Failure:
        for summit in (a, b):
            if os.path.exists(summit.log_path):
                print(summit.log()[-4000:], file=sys.stderr)
        if os.path.exists(server.log_path):
            print(server.log()[-4000:], file=sys.stderr)
        raise
    finally:
        for summit in (a, b):
            summit.stop()
        server.stop()
        remove_dir(directory)


if __name__ == "__main__":
    run_test(main)
