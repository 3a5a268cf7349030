#!/usr/bin/env python3
"""Calendar subscriptions end to end (issue 14, docs/SYNC.md): the real
summitd and summit against a real HTTP server this test starts on loopback
(http.server, serving an .ics with an ETag and answering 304 to a matching
If-None-Match).

  1. A subscription imports the feed's events into its calendar; polling
     again sends If-None-Match, gets 304 and changes nothing.
  2. A new version updates, adds and removes by UID; the reminder of the
     event that did not change keeps its instance (same reminder id), the
     changed one's is planned again.
  3. Events of a subscription are read-only (rm, edit, add --calendar).
  4. A server that answers garbage, an oversized body, a redirect loop or
     is down leaves the calendar's events as they were and records the
     error (calendar list, status); the next good fetch clears it.
  5. A fetch that hangs (the server holds its answer) delays neither a
     due reminder (it fires, daemon.status counts it) nor a request.
  6. Local calendars: add --calendar, list --calendar; calendar rm removes
     the events with a count; personal cannot be removed.
  7. Names and credentials: bad names refused in one line (escape codes
     shown escaped); a password file readable by others refused naming
     chmod 600; a CalDAV calendar whose server is down records the error;
     its password never reaches the database, the log or any output
     (two-way CalDAV sync itself: caldav_radicale.py).

    subscriptions.py SUMMITD SUMMIT
"""

import re
import gzip
import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "systemd"))
from summit_testlib import Failure, check, daemon_env, empty_config, remove_dir, rpc, run_test, scratch_dir, stop  # noqa: E402,E501

SUMMITD = sys.argv[1]
SUMMIT = sys.argv[2]
PASSWORD = "correct-horse-battery-staple-42"


def vevent(uid, title, start, alarm="-PT1H"):
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
            f"DTSTART:{start}\r\nDURATION:PT2H\r\nSUMMARY:{title}\r\n"
            f"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:{alarm}\r\nEND:VALARM\r\n"
            f"END:VEVENT\r\n")


def calendar(*events):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//summit tests//EN\r\n" + "".join(events) +
            "END:VCALENDAR\r\n")


class Feed:
    """What the server serves, and what it was asked."""

    def __init__(self):
        self.lock = threading.Lock()
        self.body = b""
        self.mode = "ics"  # ics, garbage, huge, loop
        self.requests = []  # (path, If-None-Match or None, status)
        self.release = threading.Event()  # set: a held request is answered
        self.release.set()
        self.holding = threading.Event()  # a request is being held

    def set_ics(self, text):
        with self.lock:
            self.body = text.encode()
            self.mode = "ics"

    def request(self, index):
        """The `index`th request, once the server thread has recorded it
        (it does so after answering: the client may have its answer first)."""
        deadline = time.monotonic() + 60
        while len(self.requests) <= index and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.requests[index]

    def etag(self):
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


def make_handler(feed):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if not feed.release.is_set():
                feed.holding.set()
                feed.release.wait(300)
            with feed.lock:
                mode, body, etag = feed.mode, feed.body, feed.etag()
            inm = self.headers.get("If-None-Match")
            if mode == "loop":
                self.send_response(302)
                self.send_header("Location", self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                status = 302
            elif mode == "garbage":
                payload = b"<html>this is not a calendar</html>\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                status = 200
            elif mode == "gzip-bomb":
                # 64 MiB of calendar-looking lines in about 64 KiB of gzip.
                payload = gzip.compress(b"X-FILLER:" + b"y" * (64 * 1024 * 1024), 9)
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                status = 200
            elif mode in ("huge", "huge-unannounced"):
                chunk = b"X-FILLER:" + b"y" * 1000 + b"\r\n"
                count = (9 * 1024 * 1024) // len(chunk) + 1
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                if mode == "huge":
                    self.send_header("Content-Length", str(len(chunk) * count))
                # else HTTP/1.0 without a length: the body ends when the
                # server closes, so only the bytes received can tell.
                self.end_headers()
                try:
                    for _ in range(count):
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                status = 200
            elif self.path == "/lm.ics":
                # Last-Modified only, no ETag: If-Modified-Since.
                stamp = "Mon, 07 Dec 2026 10:00:00 GMT"
                inm = self.headers.get("If-Modified-Since")
                if inm == stamp:
                    self.send_response(304)
                    self.end_headers()
                    status = 304
                else:
                    self.send_response(200)
                    self.send_header("Last-Modified", stamp)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    status = 200
            elif inm is not None and inm == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                status = 304
            else:
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                status = 200
            with feed.lock:
                feed.requests.append((self.path, inm, status))

    return Handler


class Summit:
    def __init__(self, directory):
        self.directory = directory
        self.socket = os.path.join(directory, "summitd.sock")
        self.db = os.path.join(directory, "summit.db")
        self.log_path = os.path.join(directory, "summitd.log")
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [SUMMITD, "--socket", self.socket, "--db", self.db, "--config",
             empty_config(self.directory)],
            env=daemon_env(self.directory, TZ="UTC", no_proxy="*",
                           CREDENTIALS_DIRECTORY=self.credentials()),
            stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failure(f"summitd exited with {self.process.returncode}:\n{self.log()}")
            try:
                if "result" in rpc(self.socket, "daemon.status", timeout=5):
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise Failure("summitd did not answer within 60 s")

    def credentials(self):
        """A stand-in for systemd's $CREDENTIALS_DIRECTORY (LoadCredential=)."""
        path = os.path.join(self.directory, "credentials")
        os.makedirs(path, mode=0o700, exist_ok=True)
        return path

    def run(self, *args, expect=0):
        done = subprocess.run([SUMMIT, "--socket", self.socket, *args], capture_output=True,
                              text=True, env=daemon_env(self.directory, TZ="UTC"), timeout=300)
        if expect is not None and done.returncode != expect:
            raise Failure(f"summit {' '.join(args)}: exit {done.returncode}, expected {expect}\n"
                          f"stdout: {done.stdout}\nstderr: {done.stderr}")
        return done

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)

    def call(self, method, params=None):
        reply = rpc(self.socket, method, params, timeout=60)
        if "result" not in reply:
            raise Failure(f"{method} {params}: {reply}")
        return reply["result"]

    def calendar(self, name):
        for entry in self.json("calendar", "list"):
            if entry["name"] == name:
                return entry
        raise Failure(f"no calendar {name} in calendar list")

    def events(self, name):
        return {event["uid"]: event for event in self.json("list", "--calendar", name, "--from",
                                                            "2030-01-01", "--limit", "1000")}

    def reminder_ids(self, event_id):
        return [r["reminder_id"] for r in self.call("event.explain", {"id": event_id})["reminders"]]

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()


def wait_for(condition, what, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise Failure(f"timed out waiting for {what}")


def subscription_tests(summit, feed, base):
    feed.set_ics(calendar(vevent("a@un", "Plenary", "20300915T090000Z"),
                          vevent("b@un", "Side event", "20300916T090000Z"),
                          vevent("d@un", "Closing", "20300920T090000Z")))
    added = summit.run("calendar", "add", "un", "--subscribe", f"{base}/feed.ics", "--every", "1h")
    check("Added calendar un" in added.stdout, f"calendar add says so: {added.stdout!r}")
    # The first fetch starts at once; wait until it is recorded.
    wait_for(lambda: summit.calendar("un")["last_sync"] is not None, "the first fetch")
    events = summit.events("un")
    check(sorted(events) == ["a@un", "b@un", "d@un"], f"the feed's events are imported: {events}")
    check(summit.calendar("un")["state"] == "ok", "the calendar's state is ok")
    personal = summit.events("personal")
    check(personal == {}, f"nothing went to personal: {personal}")

    # 2. Polling again: If-None-Match, 304, nothing changes.
    before = len(feed.requests)
    again = summit.run("sync", "un")
    check("un: not modified" in again.stdout, f"sync says not modified: {again.stdout!r}")
    path, inm, status = feed.request(before)
    check(inm == feed.etag() and status == 304, f"the poll sent If-None-Match and got 304: "
                                                 f"{feed.requests[before]}")
    check(summit.events("un") == events, "a 304 changes no event")

    # 3. A new version: a changed, a removed, an added, an unchanged event.
    closing_reminders = summit.reminder_ids(events["d@un"]["id"])
    plenary_reminders = summit.reminder_ids(events["a@un"]["id"])
    check(len(closing_reminders) == 1, f"the VALARM became a reminder: {closing_reminders}")
    todo = "BEGIN:VTODO\r\nUID:t@un\r\nSUMMARY:Send the agenda\r\nEND:VTODO\r\n"
    feed.set_ics(calendar(vevent("a@un", "Plenary (moved to Hall B)", "20300915T100000Z"),
                          vevent("c@un", "Press briefing", "20300917T090000Z"),
                          vevent("d@un", "Closing", "20300920T090000Z"), todo))
    changed = summit.run("sync", "un")
    check("un: 1 added, 1 updated, 1 removed, 1 unchanged, 1 skipped" in changed.stdout,
          f"sync prints what changed: {changed.stdout!r}")
    check(re.search(r"skipped: line \d+: VTODO is not an event", changed.stdout) is not None
          and re.search(r"line \d+: line \d+", changed.stdout) is None,
          f"the VTODO's reason names its line once: {changed.stdout!r}")
    now = summit.events("un")
    check(sorted(now) == ["a@un", "c@un", "d@un"], f"added and removed by UID: {sorted(now)}")
    check(now["a@un"]["title"] == "Plenary (moved to Hall B)", "the changed event is updated")
    check(now["a@un"]["id"] == events["a@un"]["id"], "an updated event keeps its id")
    check(summit.reminder_ids(now["d@un"]["id"]) == closing_reminders,
          "the unchanged event's reminder is untouched (same reminder id)")
    check(summit.reminder_ids(now["a@un"]["id"]) != plenary_reminders,
          "the changed event's reminder is planned again")

    # 4. Read-only.
    closing = str(now["d@un"]["id"])
    refused = summit.run("rm", closing, expect=1)
    check("read-only subscription" in refused.stderr, f"rm is refused: {refused.stderr!r}")
    refused = summit.run("edit", closing, "--title", "Mine now", expect=1)
    check("read-only subscription" in refused.stderr, f"edit is refused: {refused.stderr!r}")
    refused = summit.run("add", "Mine", "--at", "2030-09-01 10:00", "--calendar", "un", expect=1)
    check("read-only subscription" in refused.stderr, f"add --calendar is refused: "
                                                      f"{refused.stderr!r}")
    copy = os.path.join(summit.directory, "copy.ics")
    with open(copy, "w", encoding="utf-8") as out:
        out.write(calendar(vevent("d@un", "Closing (my copy)", "20300920T090000Z")))
    imported = summit.run("import", copy)
    check("0 updated" in imported.stdout and "read-only subscription" in imported.stdout,
          f"an import does not overwrite a subscribed event: {imported.stdout!r}")
    check(summit.events("un") == now, "refused changes change nothing")

    # 5. Failures keep the calendar as it was and record the error.
    for mode, words in (("garbage", "not a calendar file"), ("huge", "more than 8 MiB"),
                        ("huge-unannounced", "more than 8 MiB"), ("gzip-bomb", "more than 8 MiB"),
                        ("loop", "could not fetch")):
        with feed.lock:
            feed.mode = mode
        failed = summit.run("sync", "un", expect=1)
        check(words in failed.stdout, f"{mode}: sync says why: {failed.stdout!r}")
        check(summit.events("un") == now, f"{mode}: the calendar's events are as they were")
        entry = summit.calendar("un")
        check(entry["state"] == "error" and words in entry["error"],
              f"{mode}: calendar list shows the error: {entry}")
        status = summit.run("status")
        check("calendar un" in status.stdout and words in status.stdout,
              f"{mode}: status shows the error: {status.stdout!r}")
    feed.set_ics(calendar(vevent("a@un", "Plenary (moved to Hall B)", "20300915T100000Z"),
                          vevent("c@un", "Press briefing", "20300917T090000Z"),
                          vevent("d@un", "Closing", "20300920T090000Z"), todo))
    healed = summit.run("sync", "un")
    check("un: not modified" in healed.stdout, f"a good fetch again: {healed.stdout!r}")
    check(summit.calendar("un")["state"] == "ok" and summit.calendar("un")["error"] == "",
          "the error is cleared")
    return now


def isolation_test(summit, feed):
    """A fetch under way holds neither the firing path nor the request loop."""
    fired_before = summit.call("daemon.status")["reminders"]["fired"]
    feed.holding.clear()
    feed.release.clear()
    sync = subprocess.Popen([SUMMIT, "--socket", summit.socket, "sync", "un"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=daemon_env(summit.directory, TZ="UTC"))
    try:
        check(feed.holding.wait(120), "the server is holding summitd's fetch")
        due = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2))
        added = summit.call("event.add", {"title": "Due while fetching",
                                          "start": "2030-01-01T10:00", "tz": "UTC",
                                          "reminders": [{"at": due}]})["event"]
        wait_for(lambda: summit.call("daemon.status")["reminders"]["fired"] > fired_before,
                 "the reminder to fire while the fetch hangs")
        check(sync.poll() is None and feed.holding.is_set() and not feed.release.is_set(),
              "the reminder fired while the fetch was still held")
        listed = summit.json("list", "--calendar", "un", "--from", "2030-01-01")
        check(len(listed) == 3, "a request is answered while the fetch is held")
    finally:
        feed.release.set()
    out, _ = sync.communicate(timeout=300)
    check(sync.returncode == 0 and "un: not modified" in out, f"the held fetch completes: {out!r}")
    summit.run("rm", str(added["id"]))


def last_modified_test(summit, feed, base):
    """A server without ETags: If-Modified-Since, then 304."""
    summit.run("calendar", "add", "lm", "--subscribe", f"{base}/lm.ics")
    first = summit.run("sync", "lm").stdout
    wait_for(lambda: summit.calendar("lm")["last_sync"] is not None, "lm's first fetch")
    before = len(feed.requests)
    again = summit.run("sync", "lm")
    check("lm: not modified" in again.stdout, f"If-Modified-Since gives 304: {first!r} "
                                              f"{again.stdout!r}")
    check(feed.request(before) == ("/lm.ics", "Mon, 07 Dec 2026 10:00:00 GMT", 304),
          f"the poll sent If-Modified-Since: {feed.requests[before]}")
    removed = summit.run("calendar", "rm", "lm").stdout
    check("Removed calendar lm and its 0 events" in removed,
          f"its events clashed with un's UIDs and were skipped, not taken: {removed!r}")


def down_test(summit, server, now):
    server.shutdown()
    server.server_close()
    failed = summit.run("sync", "un", expect=1)
    check("could not fetch" in failed.stdout, f"a server that is down: {failed.stdout!r}")
    check(summit.events("un") == now, "down: the calendar's events are as they were")
    check(summit.calendar("un")["state"] == "error", "down: the error is recorded")


def local_calendar_tests(summit):
    summit.run("calendar", "add", "work")
    summit.run("add", "Budget review", "--at", "2030-10-01 10:00", "--tz", "UTC", "--calendar",
               "work")
    summit.run("add", "Dentist", "--at", "2030-10-02 10:00", "--tz", "UTC")
    work = summit.events("work")
    check([e["title"] for e in work.values()] == ["Budget review"], f"list --calendar: {work}")
    personal = summit.events("personal")
    check([e["title"] for e in personal.values()] == ["Dentist"], f"personal: {personal}")
    missing = summit.run("list", "--calendar", "nope", expect=1)
    check("no calendar named 'nope'" in missing.stderr, f"unknown calendar: {missing.stderr!r}")
    dup = summit.run("calendar", "add", "work", expect=1)
    check("already exists" in dup.stderr, f"a taken name: {dup.stderr!r}")
    removed = summit.run("calendar", "rm", "un")
    check("Removed calendar un and its 3 events" in removed.stdout, f"rm: {removed.stdout!r}")
    check(all(c["name"] != "un" for c in summit.json("calendar", "list")), "un is gone")
    refused = summit.run("calendar", "rm", "personal", expect=2)
    check("cannot be removed" in refused.stderr, f"personal stays: {refused.stderr!r}")
    refused = rpc(summit.socket, "calendar.remove", {"name": "personal"})
    check("error" in refused and "cannot be removed" in refused["error"]["message"],
          f"the daemon refuses too: {refused}")


def name_and_credential_tests(summit):
    for name, words in (("bad name", "may hold only"), ("\x1b[31mred", "\\x1b"),
                        ("-x", "must start"), ("a" * 65, "at most 64")):
        refused = summit.run("calendar", "add", "--", name, expect=2)
        check(words in refused.stderr and "\x1b" not in refused.stderr
              and refused.stderr.count("\n") == 1, f"name {name!r}: {refused.stderr!r}")
    refused = rpc(summit.socket, "calendar.add", {"name": "x\u202ey"})
    check("error" in refused and "may hold only" in refused["error"]["message"],
          f"the daemon checks names too: {refused}")
    for url, words in (("ftp://example.org/x.ics", "not http://"),
                       ("https://user:pw@example.org/x.ics", "credentials are never stored"),
                       ("https:///x.ics", "names no host")):
        refused = summit.run("calendar", "add", "feed", "--subscribe", url, expect=2)
        check(words in refused.stderr, f"url {url}: {refused.stderr!r}")
    refused = summit.run("calendar", "add", "feed", "--subscribe", "https://example.org/x.ics",
                         "--every", "1m", expect=2)
    check("5m to 30d" in refused.stderr, f"--every 1m: {refused.stderr!r}")

    password = os.path.join(summit.directory, "caldav-password")
    with open(password, "w", encoding="utf-8") as out:
        out.write(PASSWORD + "\n")
    os.chmod(password, 0o644)
    refused = summit.run("calendar", "add", "team", "--caldav", "http://127.0.0.1:9/cal/",
                         "--user", "alice", "--password-file", password, expect=2)
    check("chmod 600" in refused.stderr and password in refused.stderr
          and refused.stderr.count("\n") == 1, f"a readable password file: {refused.stderr!r}")
    refused = rpc(summit.socket, "calendar.add", {"name": "team", "caldav": "http://127.0.0.1:9/x/",
                                                  "user": "alice", "password_file": password})
    check("error" in refused and "chmod 600" in refused["error"]["message"],
          f"the daemon refuses it too: {refused}")
    os.chmod(password, 0o600)
    added = summit.run("calendar", "add", "team", "--caldav", "http://127.0.0.1:9/cal/", "--user",
               "alice", "--password-file", password)
    team = summit.calendar("team")
    check("could not be reached" in added.stderr, f"calendar add says so: {added.stderr!r}")
    refused = summit.run("sync", "team", expect=1)
    check("127.0.0.1:9" in refused.stdout + refused.stderr,
          f"sync team names the server it could not reach: {refused.stdout!r} {refused.stderr!r}")
    team = summit.calendar("team")
    check(team["kind"] == "caldav" and team["state"] == "error" and team["error"],
          f"a CalDAV calendar whose server is down records the error: {team}")
    table = summit.run("calendar", "list").stdout
    outputs = table + json.dumps(summit.json("calendar", "list")) + summit.run("status").stdout
    check(PASSWORD not in outputs, "the password is never printed")
    with open(summit.db, "rb") as db:
        check(PASSWORD.encode() not in db.read(), "the password is not in the database")
    for suffix in ("-wal",):
        if os.path.exists(summit.db + suffix):
            with open(summit.db + suffix, "rb") as wal:
                check(PASSWORD.encode() not in wal.read(), "nor in its WAL")
    check(PASSWORD not in summit.log(), "nor in the log")
    credential = os.path.join(summit.credentials(), "caldav-other")
    with open(credential, "w", encoding="utf-8") as out:
        out.write(PASSWORD + "\n")
    os.chmod(credential, 0o440)
    accepted = rpc(summit.socket, "calendar.add", {"name": "other", "caldav": "http://127.0.0.1:9/x/",
                                                   "user": "bob", "password_file": credential})
    check("result" in accepted, f"a systemd credential is accepted whatever its mode: {accepted}")
    elsewhere = os.path.join(summit.directory, "group-readable")
    with open(elsewhere, "w", encoding="utf-8") as out:
        out.write(PASSWORD + "\n")
    os.chmod(elsewhere, 0o440)
    refused = rpc(summit.socket, "calendar.add", {"name": "other2", "caldav": "http://127.0.0.1:9/x/",
                                                  "user": "bob", "password_file": elsewhere})
    check("error" in refused and "chmod 600" in refused["error"]["message"],
          f"the same mode outside the credentials folder is refused: {refused}")


def main():
    directory = scratch_dir("summit-sync-")
    feed = Feed()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(feed))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    summit = Summit(directory)
    try:
        summit.start()
        now = subscription_tests(summit, feed, base)
        isolation_test(summit, feed)
        last_modified_test(summit, feed, base)
        down_test(summit, server, now)
        local_calendar_tests(summit)
        name_and_credential_tests(summit)
        check(stop(summit.process) == 0, "summitd stops cleanly")
    except Failure:
        print(summit.log() if os.path.exists(summit.log_path) else "(no log)", file=sys.stderr)
        raise
    finally:
        if summit.process is not None and summit.process.poll() is None:
            stop(summit.process)
        remove_dir(directory)


if __name__ == "__main__":
    run_test(main)
