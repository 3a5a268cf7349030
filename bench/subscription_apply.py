#!/usr/bin/env python3
"""How long a subscription's replacement holds summitd's loop and SQLite's
write lock (docs/SYNC.md, "Where the work runs"): a loopback feed of N
events, first fetch (all added), then a version with one event changed.
Prints summitd's own "written in N ms" log figures.

    bench/subscription_apply.py SUMMITD SUMMIT [N]   (default 5000)
"""
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "systemd"))
from summit_testlib import daemon_env, empty_config, rpc, stop  # noqa: E402

SUMMITD, SUMMIT = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
state = {"version": 1}


def body():
    out = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"]
    for i in range(N):
        title = f"Meeting {i}" + (" (moved)" if i == 0 and state["version"] == 2 else "")
        day = 1 + i % 28
        out.append(f"BEGIN:VEVENT\r\nUID:e{i}@bench\r\nDTSTAMP:20260101T000000Z\r\n"
                   f"DTSTART:203009{day:02d}T{9 + i % 8:02d}0000Z\r\nDURATION:PT1H\r\n"
                   f"SUMMARY:{title}\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n"
                   f"TRIGGER:-PT1H\r\nEND:VALARM\r\nEND:VEVENT\r\n")
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        payload = body()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    directory = tempfile.mkdtemp(prefix="summit-bench-")
    sock = os.path.join(directory, "s.sock")
    log_path = os.path.join(directory, "log")
    with open(log_path, "wb") as log:
        daemon = subprocess.Popen([SUMMITD, "--socket", sock, "--db",
                                   os.path.join(directory, "db"), "--config",
                                   empty_config(directory)],
                                  env=daemon_env(directory, TZ="UTC"), stdout=log, stderr=log)
    while True:
        try:
            if "result" in rpc(sock, "daemon.status"):
                break
        except OSError:
            time.sleep(0.05)
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.ics"
    run = lambda *a: subprocess.run([SUMMIT, "--socket", sock, *a], capture_output=True,  # noqa
                                    text=True, env=daemon_env(directory, TZ="UTC"))
    run("calendar", "add", "bench", "--subscribe", url)
    print(run("sync", "bench").stdout.strip())
    state["version"] = 2
    print(run("sync", "bench").stdout.strip())
    stop(daemon)
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            if "written in" in line:
                print(re.sub(r"^.*subscription", "summitd: subscription", line.strip()))


main()
