#!/usr/bin/env python3
"""A tzdata change moves an event's instant and re-plans its pending
reminder, end to end with the real summitd (README: "When tzdata changes a
zone's rules, meetings keep their wall time"; docs/INTERNALS.md, "Time
and the clock").

Two zoneinfo trees: the system's, and one where Europe/Minsk (UTC+3 since
2011) moves to UTC+4 from 2027, compiled with zic from a one-zone source,
with a tzdata.zi whose version line says 2099z. summitd reads zones from
/usr/share/zoneinfo only, so the second tree is put there for the daemon
alone: it runs in a private mount namespace (unshare --mount) where the two
files are bind-mounted over the system's. Needs root for that; exits 125
(skipped, saying why) otherwise.

  1. With the system's tzdata: an event on 2030-09-26 10:00 Europe/Minsk
     with a 1-day reminder: start 07:00Z, reminder due 2030-09-25 07:00Z.
  2. Restarted on the changed tzdata: daemon.status reports tzdata 2099z,
     the event keeps its wall time (10:00) and its instant is now 06:00Z;
     its pending reminder (event.explain) is due 2030-09-25 06:00Z; an
     event in another zone did not move; the log names the moved event.

    tzdata_change.py SUMMITD
"""

import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "systemd"))
from summit_testlib import SKIP, Failure, check, daemon_env, empty_config, remove_dir, rpc, run_test, scratch_dir, stop  # noqa: E402,E501

SUMMITD = sys.argv[1]
SYSTEM = "/usr/share/zoneinfo"

# Europe/Minsk as tzdata has it since 2011 (+03), then +04 from 2027.
CHANGED_MINSK = """\
# Zone  NAME          STDOFF  RULES  FORMAT  [UNTIL]
Zone    Europe/Minsk  3:00    -      +03     2027 Jan 1 0:00
                      4:00    -      +04
"""


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def changed_tree(directory):
    """The changed zone file and tzdata.zi; returns {system path: our file}."""
    source = os.path.join(directory, "minsk.zic")
    with open(source, "w", encoding="utf-8") as out:
        out.write(CHANGED_MINSK)
    tree = os.path.join(directory, "zoneinfo")
    os.makedirs(tree)
    compiled = subprocess.run(["zic", "-d", tree, source], capture_output=True, text=True)
    if compiled.returncode != 0:
        raise Failure(f"zic failed: {compiled.stderr}")
    with open(os.path.join(SYSTEM, "tzdata.zi"), encoding="utf-8") as zi:
        lines = zi.read().splitlines(keepends=True)
    check(lines[0].startswith("# version "), f"the system's tzdata.zi starts with its version: "
                                              f"{lines[0].strip()!r}")
    with open(os.path.join(tree, "tzdata.zi"), "w", encoding="utf-8") as zi:
        zi.write("# version 2099z\n")
        zi.writelines(lines[1:])
    return {os.path.join(SYSTEM, "Europe", "Minsk"): os.path.join(tree, "Europe", "Minsk"),
            os.path.join(SYSTEM, "tzdata.zi"): os.path.join(tree, "tzdata.zi")}


class Daemon:
    def __init__(self, directory):
        self.directory = directory
        self.socket = os.path.join(directory, "summitd.sock")
        self.log_path = os.path.join(directory, "summitd.log")
        self.config = empty_config(directory)
        self.process = None

    def start(self, mounts=None):
        command = [SUMMITD, "--socket", self.socket, "--db",
                   os.path.join(self.directory, "summit.db"), "--config", self.config]
        if mounts:
            # The daemon alone sees the changed files: a private mount
            # namespace that ends with it.
            binds = " && ".join(f"mount --bind '{ours}' '{system}'"
                                for system, ours in mounts.items())
            command = ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                       f"{binds} && exec \"$@\"", "sh", *command]
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, env=daemon_env(self.directory, TZ="UTC"),
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

    def call(self, method, params=None):
        reply = rpc(self.socket, method, params)
        if "result" not in reply:
            raise Failure(f"{method} {params}: {reply}")
        return reply["result"]

    def stop(self):
        check(stop(self.process) == 0, "summitd stops cleanly")

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()


def main():
    if os.geteuid() != 0:
        skip("needs root to bind-mount a changed zoneinfo in a private mount namespace")
    for tool in ("unshare", "zic"):
        if shutil.which(tool) is None:
            skip(f"{tool} not installed (util-linux, libc-bin)")
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        skip(f"needs root allowed to make a mount namespace: {probe.stderr.strip()}")

    directory = scratch_dir("summit-tzdata-")
    daemon = Daemon(directory)
    try:
        mounts = changed_tree(directory)
        daemon.start()
        system_version = daemon.call("daemon.status")["tzdata"]
        check(system_version not in ("", "2099z"), f"the system's tzdata is {system_version}")
        minsk = daemon.call("event.add", {"title": "Council of Heads of Government of the CIS",
                                          "start": "2030-09-26T10:00", "tz": "Europe/Minsk",
                                          "reminders": ["P1D"]})["event"]
        dushanbe = daemon.call("event.add", {"title": "Working group", "start": "2030-09-27T10:00",
                                             "tz": "Asia/Dushanbe", "reminders": ["PT1H"]})["event"]
        check(minsk["start_utc"] == "2030-09-26T07:00:00Z", "Minsk at +03: 10:00 is 07:00Z")
        before = daemon.call("event.explain", {"id": minsk["id"]})["reminders"]
        check([r["due"] for r in before] == ["2030-09-25T07:00:00Z"],
              f"its reminder is due 2030-09-25 07:00Z: {before}")
        daemon.stop()

        daemon.start(mounts)
        check(daemon.call("daemon.status")["tzdata"] == "2099z",
              "restarted on the changed tzdata, daemon.status says 2099z")
        moved = daemon.call("event.get", {"id": minsk["id"]})["event"]
        check(moved["start"] == "2030-09-26T10:00:00", f"the event keeps its wall time: "
                                                        f"{moved['start']}")
        check(moved["start_utc"] == "2030-09-26T06:00:00Z",
              f"its instant moved with the zone to 06:00Z: {moved['start_utc']}")
        check(moved.get("start_offset") == "2030-09-26T10:00:00+04:00",
              f"its offset is +04: {moved.get('start_offset')}")
        after = daemon.call("event.explain", {"id": minsk["id"]})["reminders"]
        check([r["due"] for r in after] == ["2030-09-25T06:00:00Z"],
              f"its pending reminder was re-planned to 2030-09-25 06:00Z: {after}")
        other = daemon.call("event.get", {"id": dushanbe["id"]})["event"]
        check(other["start_utc"] == dushanbe["start_utc"], "an event in another zone did not move")
        other_due = daemon.call("event.explain", {"id": dushanbe["id"]})["reminders"]
        check([r["due"] for r in other_due] == ["2030-09-27T04:00:00Z"],
              f"nor did its reminder: {other_due}")
        status = daemon.call("daemon.status")["reminders"]
        check(status["pending"] == 2, f"two reminders pending, none lost or doubled: {status}")
        check(f"event {minsk['id']} " in daemon.log() and "moved with tzdata 2099z" in daemon.log(),
              "the log names the event that moved")
        daemon.stop()

        # Back on the system's tzdata, it moves back.
        daemon.start()
        back = daemon.call("event.get", {"id": minsk["id"]})["event"]
        check(back["start_utc"] == "2030-09-26T07:00:00Z", "back on the system's tzdata: 07:00Z")
        again = daemon.call("event.explain", {"id": minsk["id"]})["reminders"]
        check([r["due"] for r in again] == ["2030-09-25T07:00:00Z"], "and so is its reminder")
        daemon.stop()
    except Failure:
        print("--- summitd log ---")
        print(daemon.log()[-4000:] if os.path.exists(daemon.log_path) else "(none)")
        raise
    finally:
        if daemon.process is not None and daemon.process.poll() is None:
            daemon.process.kill()
            daemon.process.wait()
        remove_dir(directory)


run_test(main)
