#!/usr/bin/env python3
"""Subscriptions under a hostile trial (docs/SYNC.md): the real summitd and
summit against a real HTTP server this test starts on loopback.

  1. A feed URL carrying a secret in its query (?token=SECRET) keeps
     working, but the secret is never shown: calendar list (table and
     JSON), status, sync's output and summitd's log show ?token=….
  2. A redirect to a URL carrying a user name and password is not followed:
     sync fails in one line saying so, the server sees no second request,
     the calendar keeps its events.
  3. A feed event whose SUMMARY is 100,000 bytes is kept cut to 1,000, and
     the cut is said in sync's report and in the log.

    subscription_edges.py SUMMITD SUMMIT
"""

import http.server
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from subscriptions import Summit, calendar, vevent, wait_for  # noqa: E402
from summit_testlib import Failure, check, remove_dir, run_test, scratch_dir, stop  # noqa: E402

SECRET = "s3cr3t-feed-token-0d41"
LONG_TITLE = "L" * 100_000


class Server:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (path, Authorization header or None)
        self.port = 0

    def handler(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_body(self, text):
                body = text.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                with server.lock:
                    server.requests.append((self.path, self.headers.get("Authorization")))
                if self.path == f"/feed.ics?token={SECRET}":
                    self.send_body(calendar(vevent("t@x", "Plenary", "20300915T090000Z")))
                elif self.path == "/creds.ics":
                    self.send_response(302)
                    self.send_header("Location", f"http://mallory:hunter2@127.0.0.1:{server.port}"
                                                 f"/feed.ics?token={SECRET}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path == "/long.ics":
                    self.send_body(calendar(vevent("l@x", LONG_TITLE, "20300916T090000Z")))
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

        return Handler


def secret_query_test(summit, base):
    summit.run("calendar", "add", "tok", "--subscribe", f"{base}/feed.ics?token={SECRET}")
    wait_for(lambda: summit.calendar("tok")["last_sync"] is not None, "tok's first fetch")
    events = summit.events("tok")
    check(sorted(events) == ["t@x"], f"the stored URL, token and all, still fetches: {events}")
    entry = summit.calendar("tok")
    check(entry["url"] == f"{base}/feed.ics?token=…", f"calendar.list shows it redacted: {entry}")
    table = summit.run("calendar", "list").stdout
    check("?token=…" in table, f"calendar list shows ?token=…: {table!r}")
    synced = summit.run("sync", "tok").stdout
    outputs = (table + json.dumps(summit.json("calendar", "list")) + summit.run("status").stdout +
               synced)
    check(SECRET not in outputs, f"the token is never printed: {outputs!r}")
    check(SECRET not in summit.log(), "nor logged")


def redirect_with_credentials_test(summit, server, base):
    summit.run("calendar", "add", "cr", "--subscribe", f"{base}/creds.ics")
    wait_for(lambda: summit.calendar("cr")["last_attempt"] is not None, "cr's first fetch")
    with server.lock:
        before = len(server.requests)
    failed = summit.run("sync", "cr", expect=1)
    out = failed.stdout
    check(out.count("\n") == 1, f"one line: {out!r}")
    check("redirects to 'http://…@127.0.0.1:" in out and "a URL carrying a user name or password"
          in out and "it was not followed" in out, f"sync says why: {out!r}")
    check("hunter2" not in out and "mallory" not in out and SECRET not in out,
          f"the credentials and the token are not repeated: {out!r}")
    with server.lock:
        after = server.requests[before:]
    check(after == [("/creds.ics", None)], f"only the redirect was requested: {after}")
    entry = summit.calendar("cr")
    check(entry["state"] == "error" and "user name or password" in entry["error"],
          f"the error is the calendar's state: {entry}")
    check(summit.events("cr") == {}, "nothing was imported")
    check("hunter2" not in summit.log(), "the password is not logged")


def long_title_test(summit, base):
    summit.run("calendar", "add", "long", "--subscribe", f"{base}/long.ics")
    wait_for(lambda: summit.calendar("long")["last_sync"] is not None, "long's first fetch")
    events = summit.events("long")
    check(events["l@x"]["title"] == "L" * 1000, "the title is kept cut to 1,000 bytes")
    words = "SUMMARY is longer than the 1000 bytes summit keeps: cut there"
    # The server sends no validators: each sync reads the feed again.
    synced = summit.run("sync", "long").stdout
    check("long: 0 added, 0 updated, 0 removed, 1 unchanged\n" in synced
          and "  note: line 9: " + words + "\n" in synced, f"sync's report says the cut: {synced!r}")
    check(f"subscription 'long': line 9: {words}" in summit.log(),
          "the log says it too (for the automatic fetches)")


def main():
    directory = scratch_dir("summit-sync-edges-")
    state = Server()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), state.handler())
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{state.port}"
    summit = Summit(directory)
    try:
        summit.start()
        secret_query_test(summit, base)
        redirect_with_credentials_test(summit, state, base)
        long_title_test(summit, base)
        check(stop(summit.process) == 0, "summitd stops cleanly")
    except Failure:
        print(summit.log() if os.path.exists(summit.log_path) else "(no log)", file=sys.stderr)
        raise
    finally:
        if summit.process is not None and summit.process.poll() is None:
            stop(summit.process)
        httpd.shutdown()
        remove_dir(directory)


if __name__ == "__main__":
    run_test(main)
