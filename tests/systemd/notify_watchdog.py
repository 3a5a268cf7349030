#!/usr/bin/env python3
"""summitd's sd_notify messages, read from a NOTIFY_SOCKET this test opens.

- READY=1 comes once the socket is served (a request right after it is
  answered), with a STATUS= line that counts the events;
- WATCHDOG=1 comes at least every WATCHDOG_USEC while the loop runs, stops
  while the process is stalled (SIGSTOP), resumes after SIGCONT, and is never
  sent when the watchdog is not enabled;
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


def max_gap(times):
    return max((b - a for a, b in zip(times, times[1:])), default=0.0)


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

        # Watchdog while running: pings at least every WATCHDOG_USEC.
        notify.receive(0.1)
        window = notify.receive(6.0)
        running = pings(window)
        check(len(running) >= 3, f"{len(running)} WATCHDOG=1 pings in 6 s")
        gap = max_gap(running)
        check(gap < WATCHDOG_USEC / 1e6,
              f"largest gap between pings {gap:.2f}s is under WatchdogSec ({WATCHDOG_USEC / 1e6}s)")

        # A stalled daemon stops pinging: this is what lets systemd notice.
        notify.receive(0.05)  # drain
        process.send_signal(signal.SIGSTOP)
        stopped_at = time.monotonic()
        stalled = pings(notify.receive(5.0))
        check(not stalled, "no WATCHDOG=1 while the daemon is stalled (SIGSTOP, 5 s)")
        process.send_signal(signal.SIGCONT)
        resumed = pings(notify.receive(3.0))
        check(bool(resumed), "pings resume after SIGCONT")
        check(resumed[0] - stopped_at > WATCHDOG_USEC / 1e6,
              "the silence exceeded WatchdogSec, so systemd would have restarted summitd")

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
        extra = pings(notify.receive(3.0)) + pings(notify.messages)
        check(not extra, "no WATCHDOG=1 when WATCHDOG_USEC is unset")
        check(stop(process) == 0, "exit status 0")
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
