#!/usr/bin/env python3
"""Reminder benchmarks for summitd (issue 3, item 7).

  lateness   N reminders spread over S seconds reach one `reminder.subscribe`
             connection; lateness = arrival - due (p50 / p99 / max).
  burst      B reminders due in the same second (database filled directly
             with sqlite3, then the daemon started): time from the due second
             to the last notification at one subscriber.
  idle       context switches of an idle summitd (one reminder a year away)
             over W seconds, from /proc/PID/status: 0 means no wake-ups.

Arrival is the time recv() returned the bytes that end a notification's
line: the subscriber only collects bytes while the reminders arrive and
decodes them afterwards, so Python's JSON decoding is not counted as
lateness. The daemon runs at --log-level (default info, its own default:
every firing is also a log line, written to a file in the temporary folder).

Only the daemon's Unix socket in a temporary folder is used. Every loop is
bounded in count and time. Standard library only.

  bench/reminders/reminder_bench.py --summitd build/release/daemon/summitd
"""

import argparse
import datetime as dt
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time

UTC = dt.timezone.utc


def iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(s: str) -> float:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


class Daemon:
    log_level = "info"

    def __init__(self, binary, folder, config=None):
        self.socket = os.path.join(folder, "summitd.sock")
        self.db = os.path.join(folder, "summit.db")
        args = [binary, "--socket", self.socket, "--db", self.db, "--log-level", self.log_level]
        if config:
            args += ["--config", config]
        self.log = open(os.path.join(folder, "summitd.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with Client(self.socket) as c:
                    c.call("daemon.status")
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("summitd did not start; see " + self.log.name)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.file = self.sock.makefile("rb")
        self.next_id = 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def send(self, method, params=None):
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}}
        self.next_id += 1
        self.sock.sendall((json.dumps(request) + "\n").encode())

    def read(self):
        line = self.file.readline()
        if not line:
            raise EOFError("daemon closed the connection")
        return json.loads(line)

    def call(self, method, params=None):
        self.send(method, params)
        reply = self.read()
        if "error" in reply:
            raise RuntimeError(reply["error"]["message"])
        return reply["result"]


def collect_fired(sock, count, deadline):
    """Reads until `count` reminder.fired lines arrived or `deadline` passed.

    Returns [(arrival, message)], arrival being when recv() returned the
    bytes that completed the line. Lines are only split here and decoded at
    the end, so the reading loop keeps up with the daemon."""
    arrived = []
    pending = b""
    fired = 0
    while fired < count and time.time() < deadline:
        sock.settimeout(max(0.01, deadline - time.time()))
        try:
            data = sock.recv(1 << 20)
        except socket.timeout:
            break
        now = time.time()
        if not data:
            break
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            arrived.append((now, line))
            fired += b'"reminder.fired"' in line
    out = []
    for when, line in arrived:
        message = json.loads(line)
        if message.get("method") == "reminder.fired":
            out.append((when, message))
    return out


def percentile(values, p):
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]


def add_pipelined(client, params_list, window=256):
    """Sends event.add requests with up to `window` in flight."""
    sent = received = 0
    while received < len(params_list):
        while sent < len(params_list) and sent - received < window:
            client.send("event.add", params_list[sent])
            sent += 1
        reply = client.read()
        if "error" in reply:
            raise RuntimeError(reply["error"]["message"])
        received += 1


def bench_lateness(binary, count, spread, timeout):
    with tempfile.TemporaryDirectory(prefix="summit-bench-") as folder:
        daemon = Daemon(binary, folder)
        try:
            with Client(daemon.socket) as adder, Client(daemon.socket) as watcher:
                watcher.call("reminder.subscribe")
                # Leave time to add everything before the first one falls due.
                t0 = int(time.time()) + 30 + count // 500
                params = []
                for i in range(count):
                    due = t0 + (i % spread)
                    params.append({"title": f"lateness {i}", "start": iso(due + 86400),
                                   "tz": "UTC", "reminders": ["P1D"]})
                started = time.time()
                add_pipelined(adder, params)
                add_seconds = time.time() - started
                if time.time() >= t0:
                    raise RuntimeError("adding took longer than planned; raise the head start")
                cpu_before = cpu_seconds(daemon.proc.pid)
                fired = collect_fired(watcher.sock, count, t0 + spread + timeout)
                cpu = cpu_seconds(daemon.proc.pid) - cpu_before
                late = [when - parse_iso(m["params"]["due"]) for when, m in fired]
                by_second = {}
                for (when, m), lateness in zip(fired, late):
                    by_second.setdefault(m["params"]["due"], []).append(lateness)
                return {"count": count, "received": len(late), "add_seconds": add_seconds,
                        "p50_ms": 1000 * percentile(late, 50), "p99_ms": 1000 * percentile(late, 99),
                        "max_ms": 1000 * max(late), "min_ms": 1000 * min(late),
                        "daemon_cpu_s": cpu,
                        "first_of_each_second_ms": [round(1000 * min(v), 1)
                                                    for _, v in sorted(by_second.items())],
                        "last_of_each_second_ms": [round(1000 * max(v), 1)
                                                   for _, v in sorted(by_second.items())]}
        finally:
            daemon.stop()


def bench_burst(binary, count, timeout):
    with tempfile.TemporaryDirectory(prefix="summit-bench-") as folder:
        # Create the schema with the daemon itself, then fill it directly.
        Daemon(binary, folder).stop()
        due = int(time.time()) + 20
        start = due + 86400
        db = sqlite3.connect(os.path.join(folder, "summit.db"))
        with db:
            db.executemany(
                "INSERT INTO events (id, uid, title, precision, start_local, end_local, has_end, tz,"
                " start_utc, end_utc, status, owner_uid, created, updated)"
                " VALUES (?, ?, ?, 'timed', ?, ?, 0, 'UTC', ?, ?, 'confirmed', 0, ?, ?)",
                ((i + 1, f"burst-{i}@bench", f"burst {i}",
                  iso(start)[:-1], iso(start)[:-1], start, start, due - 60, due - 60)
                 for i in range(count)))
            db.executemany(
                "INSERT INTO reminders (event_id, position, before_seconds) VALUES (?, 0, 86400)",
                ((i + 1,) for i in range(count)))
            db.executemany(
                "INSERT INTO reminder_instances (event_id, position, due) VALUES (?, 0, ?)",
                ((i + 1, due) for i in range(count)))
        db.close()
        # One subscriber must hold the whole burst: the default queue (4096)
        # drops the oldest for a reader slower than the daemon.
        config = os.path.join(folder, "summitd.toml")
        with open(config, "w") as f:
            f.write(f"[subscribers]\nqueue = {count}\n")
        daemon = Daemon(binary, folder, config)
        try:
            with Client(daemon.socket) as watcher:
                watcher.call("reminder.subscribe")
                if time.time() >= due:
                    raise RuntimeError("the daemon started after the burst was due")
                cpu_before = cpu_seconds(daemon.proc.pid)
                fired = collect_fired(watcher.sock, count, due + timeout)
                cpu = cpu_seconds(daemon.proc.pid) - cpu_before
                received = len(fired)
                first = fired[0][0] if fired else None
                last = fired[-1][0] if fired else None
                return {"count": count, "received": received,
                        "first_after_due_ms": 1000 * (first - due),
                        "all_after_due_s": last - due, "daemon_cpu_s": cpu}
        finally:
            daemon.stop()


def cpu_seconds(pid):
    """User + system CPU time of a process so far, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def switches(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                key, value = line.split(":")
                values[key] = int(value)
    return values


def bench_idle(binary, seconds):
    with tempfile.TemporaryDirectory(prefix="summit-bench-") as folder:
        daemon = Daemon(binary, folder)
        try:
            with Client(daemon.socket) as c:
                c.call("event.add", {"title": "a year away", "start": iso(time.time() + 366 * 86400),
                                     "tz": "UTC", "reminders": ["P1D"]})
            time.sleep(1)
            before = switches(daemon.proc.pid)
            time.sleep(seconds)
            after = switches(daemon.proc.pid)
            delta = sum(after.values()) - sum(before.values())
            return {"seconds": seconds, "context_switches": delta,
                    "per_minute": delta * 60.0 / seconds}
        finally:
            daemon.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--summitd", required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--spread", type=int, default=10)
    parser.add_argument("--burst", type=int, default=100000)
    parser.add_argument("--idle-seconds", type=int, default=60)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--only", choices=["lateness", "burst", "idle"])
    parser.add_argument("--log-level", default="info",
                        help="summitd --log-level (default info, summitd's own default; "
                             "'warn' leaves the log channel nothing to write)")
    args = parser.parse_args()
    Daemon.log_level = args.log_level

    results = {}
    if args.only in (None, "lateness"):
        results["lateness"] = bench_lateness(args.summitd, args.count, args.spread, args.timeout)
        print("lateness", json.dumps(results["lateness"]), flush=True)
    if args.only in (None, "burst"):
        results["burst"] = bench_burst(args.summitd, args.burst, args.timeout)
        print("burst", json.dumps(results["burst"]), flush=True)
    if args.only in (None, "idle"):
        results["idle"] = bench_idle(args.summitd, args.idle_seconds)
        print("idle", json.dumps(results["idle"]), flush=True)


if __name__ == "__main__":
    main()
