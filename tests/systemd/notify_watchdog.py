#!/usr/bin/env python3
"""summitd's sd_notify messages, read from a NOTIFY_SOCKET this test opens.

- READY=1 comes once the socket is served (a request right after it is
  answered), with a STATUS= line that counts the events;
- WATCHDOG=1 pings keep coming while the loop runs (after READY=1, at half
  of WATCHDOG_USEC, as the log says), stop while the process is stalled
  (SIGSTOP), resume after SIGCONT, and are never sent when the watchdog is
  not enabled. Presence and order are asserted, never intervals: the test
  must pass on a loaded machine;
- SIGTERM sends STOPPING=1, exits 0 and removes the socket file.

The daemon runs with the example configuration (examples/summitd.toml), so
this also proves that the shipped example is accepted.

    notify_watchdog.py SUMMITD_BIN SOURCE_DIR
"""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summit_testlib import (NotifySocket, check, daemon_env, empty_config, remove_dir,  # noqa: E402
                            rpc, run_test, scratch_dir, stop)

SUMMITD, SOURCE_DIR = sys.argv[1], sys.argv[2]
READY_TIMEOUT = 60  # sanitizer builds on a busy machine start slowly
WATCHDOG_USEC = 2_000_000  # systemd would act after 2 s without a ping
PING_TIMEOUT = 60  # a generous deadline for what must come; never an interval


def start(directory, notify, config, **extra_env):
    socket_path = os.path.join(directory, "summitd.sock")
    env = daemon_env(directory, NOTIFY_SOCKET=notify.path, **extra_env)
    process = subprocess.Popen(
        [SUMMITD, "--socket", socket_path, "--db", os.path.join(directory, "summit.db"),
         "--config", config, "--log-level", "debug"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(directory, "log"), "w"))
    return process, socket_path


def pings(messages):
    return [at for at, fields in messages if fields.get("WATCHDOG") == "1"]


def wait_for_pings(notify, count, timeout):
    """Whether `count` more WATCHDOG=1 arrive within `timeout` seconds."""
    seen = 0
    deadline = time.monotonic() + timeout
    while seen < count and time.monotonic() < deadline:
        seen += len(pings(notify.receive(min(0.5, deadline - time.monotonic()))))
    return seen >= count


def wait_for_state(pid, state, timeout):
    """Whether /proc/PID/stat shows `state` (e.g. "T", stopped) in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            if stat.read().rsplit(")", 1)[1].split()[0] == state:
                return True
        time.sleep(0.01)
    return False


def log_of(directory):
    with open(os.path.join(directory, "log"), encoding="utf-8", errors="replace") as log:
        return log.read()


def with_watchdog(directory):
    notify = NotifySocket(directory)
    example = os.path.join(SOURCE_DIR, "examples", "summitd.toml")
    process, socket_path = start(directory, notify, example, WATCHDOG_USEC=str(WATCHDOG_USEC))
    try:
        ready = notify.wait_for("READY", READY_TIMEOUT)
        check(ready is not None and ready["READY"] == "1",
              "READY=1 received (with the example configuration)")
        # Readiness means served: no retry loop here.
        reply = rpc(socket_path, "daemon.status")
        check("result" in reply, f"a request right after READY=1 is answered: {reply}")
        status = next((f["STATUS"] for _, f in notify.messages if "STATUS" in f), None)
        check(status is not None and "event" in status,
              f"STATUS= describes the events: {status!r}")

        added = rpc(socket_path, "event.add",
                    {"title": "Council of Heads of Government of the CIS",
                     "start": "2030-09-26T10:00", "tz": "Europe/Minsk"})
        check("result" in added, "an event can be added")

        # Watchdog while running: pings keep coming, at the interval the
        # daemon chose from WATCHDOG_USEC (half of it, as its log says).
        # Presence and order only: no interval is measured here, so a
        # loaded machine cannot fail this.
        first = notify.wait_for("WATCHDOG", PING_TIMEOUT)
        check(first is not None, "WATCHDOG=1 pings start")
        check(wait_for_pings(notify, 3, PING_TIMEOUT), "WATCHDOG=1 pings keep coming (3 more)")
        order = [key for _, fields in notify.messages for key in fields
                 if key in ("READY", "WATCHDOG")]
        check(order.index("READY") < order.index("WATCHDOG"),
              "READY=1 comes before the first WATCHDOG=1")
        interval_ms = WATCHDOG_USEC // 2000
        check(f"systemd watchdog: pinging every {interval_ms} ms" in log_of(directory),
              f"summitd pings every {interval_ms} ms, half of WATCHDOG_USEC")

        # A stalled daemon stops pinging: this is what lets systemd notice.
        # Once the kernel has it stopped (state T) it cannot send anything;
        # what it sent before is drained first.
        process.send_signal(signal.SIGSTOP)
        check(wait_for_state(process.pid, "T", PING_TIMEOUT), "summitd is stopped (SIGSTOP)")
        notify.receive(0.2)  # drain what was sent before the stop
        stalled = pings(notify.receive(2 * WATCHDOG_USEC / 1e6))
        check(not stalled, "no WATCHDOG=1 while the daemon is stalled (SIGSTOP, 2 x WatchdogSec)")
        process.send_signal(signal.SIGCONT)
        check(wait_for_pings(notify, 1, PING_TIMEOUT), "pings resume after SIGCONT")

        code = stop(process)
        stopping = notify.wait_for("STOPPING", 5)
        check(stopping is not None, "STOPPING=1 on SIGTERM")
        check(code == 0, f"exit status 0 after SIGTERM (got {code})")
        check(not os.path.exists(socket_path), "the socket file is removed on shutdown")
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
            process.wait()
        notify.close()


def without_watchdog(directory):
    notify = NotifySocket(directory)
    process, _ = start(directory, notify, empty_config(directory))
    try:
        check(notify.wait_for("READY", READY_TIMEOUT) is not None, "READY=1 without a watchdog")
        # Served requests prove the loop ran; then, after STOPPING=1, every
        # message it ever sent is in: none may be a ping.
        check("result" in rpc(os.path.join(directory, "summitd.sock"), "daemon.status"),
              "a request is answered")
        check(stop(process) == 0, "exit status 0")
        check(notify.wait_for("STOPPING", PING_TIMEOUT) is not None, "STOPPING=1 on SIGTERM")
        notify.receive(0.2)
        check(not pings(notify.messages), "no WATCHDOG=1 when WATCHDOG_USEC is unset")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        notify.close()


def main():
    for case in (with_watchdog, without_watchdog):
        directory = scratch_dir("summit-notify-")
        try:
            case(directory)
        except Exception:
            log = os.path.join(directory, "log")
            if os.path.exists(log):
                print("--- summitd log ---")
                print(open(log, encoding="utf-8", errors="replace").read()[-4000:])
            raise
        finally:
            remove_dir(directory)


run_test(main)
