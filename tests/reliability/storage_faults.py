#!/usr/bin/env python3
"""Storage faults under a real summitd: disk full, read-only file, database
folder removed, corrupt file at start-up.

    storage_faults.py SUMMITD [--case disk_full|read_only|files]

Each case checks what a user sees (the client's error or the daemon's exit
message), that the daemon keeps serving where it can, that nothing already
committed is lost, and that it recovers once the fault is gone. Disk full and
read-only need a small tmpfs, so they need root (mount): each is its own ctest
test (--case disk_full, --case read_only) that is skipped, saying why, where
it cannot mount; --case files (the default) runs the three that need
nothing. Exit 0, 1 (failure) or 125 (skipped: the case cannot run here; the
reason is printed as "SKIP: ...").
"""

import hashlib
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "systemd"))
import summit_testlib as lib  # noqa: E402
from summit_testlib import check  # noqa: E402

SUMMITD = None


class Daemon:
    def __init__(self, directory, database):
        self.directory = directory
        self.socket = os.path.join(directory, "s.sock")
        self.database = database
        self.log_path = os.path.join(directory, "summitd.log")
        self.process = None

    def start(self, expect_ready=True):
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [SUMMITD, "--socket", self.socket, "--db", self.database,
             "--config", lib.empty_config(self.directory)],
            env=lib.daemon_env(self.directory, TZ="Pacific/Chatham"),
            stdout=self.log, stderr=self.log)
        if not expect_ready:
            return self.process.wait(30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise lib.Failure(f"summitd exited with {self.process.returncode}:\n"
                                  + self.log_text())
            try:
                if "result" in lib.rpc(self.socket, "daemon.status", timeout=2):
                    return None
            except OSError:
                time.sleep(0.02)
        raise lib.Failure("summitd did not answer within 30 s")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            lib.stop(self.process)
        self.process = None

    def call(self, method, params=None):
        return lib.rpc(self.socket, method, params)

    def add(self, title):
        return self.call("event.add", {"title": title, "start": "2031-09-26T10:00",
                                       "tz": "Europe/Minsk"})

    def titles(self):
        reply = self.call("event.list", {"from": "2000-01-01T00:00", "tz": "UTC", "limit": 1000})
        return sorted(e["title"] for e in reply["result"]["events"])

    def log_text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()


def digest(path):
    with open(path, "rb") as data:
        return hashlib.sha256(data.read()).hexdigest()


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                             path], capture_output=True, text=True)
    return result.returncode == 0


def umount(path):
    subprocess.run(["umount", "-l", path], capture_output=True)


def disk_full(root):
    """SQLITE_FULL: the client is told, nothing is half-written, and adds work
    again once space is freed."""
    mount = os.path.join(root, "full")
    if os.geteuid() != 0 or not mount_tmpfs(mount, "4m"):
        skip("disk full needs root and a mountable tmpfs (mount -t tmpfs)")
    daemon = Daemon(root, os.path.join(mount, "summit.db"))
    try:
        daemon.start()
        for n in range(5):
            check("result" in daemon.add(f"before {n}"), f"add 'before {n}' on a roomy disk")
        filler = os.path.join(mount, "filler")
        # Unbuffered: a partial write leaves nothing behind for close() to
        # fail on once the disk is full.
        with open(filler, "wb", buffering=0) as out:
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError:
                pass
        refusal = None
        acked = [f"before {n}" for n in range(5)]
        for n in range(500):  # the WAL may still have room for a few
            reply = daemon.add(f"full {n} " + "x" * 900)
            if "error" in reply:
                refusal = reply["error"]
                break
            acked.append(f"full {n} " + "x" * 900)
        check(refusal is not None, "an add on a full disk is refused")
        print(f"   error: {refusal['message']}")
        check(refusal["code"] == -32004 and "full" in refusal["message"],
              "the error is a storage error that says the disk is full")
        check(daemon.titles() == sorted(acked), "every acknowledged event is still listed")
        os.remove(filler)
        check("result" in daemon.add("after"), "adds work again once space is freed")
        acked.append("after")
        daemon.stop()
        daemon.start()
        check(daemon.titles() == sorted(acked), "after a restart the same events are there")
        db_check = subprocess.run(["sqlite3", daemon.database, "PRAGMA integrity_check"],
                                  capture_output=True, text=True)
        check(db_check.returncode == 0 and db_check.stdout.strip() == "ok",
              f"integrity_check is ok (sqlite3: {db_check.stdout.strip()} {db_check.stderr.strip()})")
        return True
    finally:
        daemon.stop()
        umount(mount)


def read_only(root):
    """A database summitd cannot write is refused at start-up, untouched."""
    mount = os.path.join(root, "ro")
    if os.geteuid() != 0 or not mount_tmpfs(mount, "4m"):
        skip("read-only needs root and a mountable tmpfs (mount -t tmpfs)")
    daemon = Daemon(root, os.path.join(mount, "summit.db"))
    try:
        daemon.start()
        check("result" in daemon.add("kept"), "add an event")
        daemon.stop()
        before = digest(daemon.database)
        remount = subprocess.run(["mount", "-o", "remount,ro", mount], capture_output=True,
                                 text=True)
        check(remount.returncode == 0, "the file system is now read-only")
        code = daemon.start(expect_ready=False)
        log = daemon.log_text()
        check(code != 0, f"summitd refuses to start on a database it cannot write (exit {code})")
        last = [line for line in log.splitlines() if daemon.database in line]
        print(f"   message: {last[-1] if last else log[-300:]}")
        check(any("cannot write" in line or "read-only" in line or "readonly" in line
                  for line in last), "the message names the database and says it is not writable")
        check(digest(daemon.database) == before, "the file is untouched")
        subprocess.run(["mount", "-o", "remount,rw", mount], check=True)
        daemon.start()
        check(daemon.titles() == ["kept"], "writable again: summitd starts with the event")
        return True
    finally:
        daemon.stop()
        umount(mount)


def folder_removed(root):
    """The database folder deleted under a running daemon: the next write
    puts the database back from the open connection; nothing is lost."""
    folder = os.path.join(root, "data", "summit")
    os.makedirs(folder, 0o700)  # summitd makes only its default location's folders
    daemon = Daemon(root, os.path.join(folder, "summit.db"))
    try:
        daemon.start()
        for n in range(3):
            check("result" in daemon.add(f"kept {n}"), f"add 'kept {n}'")
        lib.remove_dir(os.path.join(root, "data"))
        check(not os.path.exists(daemon.database), "the database folder is gone")
        check(daemon.titles() == ["kept 0", "kept 1", "kept 2"], "reads still answer")
        reply = daemon.add("after removal")
        check("result" in reply, f"the next add succeeds: {json.dumps(reply)[:200]}")
        check(os.path.exists(daemon.database), "the database file is back at its path")
        check(oct(os.stat(folder).st_mode & 0o777) == "0o700", "its folder is private again (0700)")
        check("was removed while summitd was running" in daemon.log_text(),
              "the log says what happened")
        daemon.stop()
        daemon.start()
        check(daemon.titles() == ["after removal", "kept 0", "kept 1", "kept 2"],
              "after a restart every event is there, before and after the removal")
        return True
    finally:
        daemon.stop()


def replaced(root):
    """Another file moved into the database's place: writes are refused
    until a restart, reads carry on; after the restart the new file is used."""
    folder = os.path.join(root, "swap")
    os.mkdir(folder, 0o700)
    daemon = Daemon(root, os.path.join(folder, "summit.db"))
    try:
        daemon.start()
        check("result" in daemon.add("original"), "add 'original'")
        backup = os.path.join(root, "backup.db")
        subprocess.run(["cp", daemon.database, backup], check=True)
        os.replace(backup, daemon.database)
        reply = daemon.add("refused")
        check("error" in reply and "replaced" in reply["error"]["message"],
              f"a write after the swap is refused: {reply.get('error', {}).get('message')}")
        check(daemon.titles() == ["original"], "reads still answer")
        daemon.stop()
        daemon.start()
        check("result" in daemon.add("new"), "after a restart writes go to the new file")
        return True
    finally:
        daemon.stop()


def corrupt(root):
    """A damaged file is refused at start-up with a message, and left as it was."""
    cases = 0
    for name, offset, garbage in (("header", 0, b"this is not SQLite at all"),
                                  ("schema", 100, b"\xff" * 3000)):
        folder = os.path.join(root, f"corrupt-{name}")
        os.mkdir(folder, 0o700)
        daemon = Daemon(root, os.path.join(folder, "summit.db"))
        try:
            daemon.start()
            check("result" in daemon.add("doomed"), f"{name}: add an event")
            daemon.stop()
            with open(daemon.database, "r+b") as data:
                data.seek(offset)
                data.write(garbage)
            before = digest(daemon.database)
            open(daemon.log_path, "w").close()
            code = daemon.start(expect_ready=False)
            log = daemon.log_text()
            check(code != 0, f"{name}: summitd refuses to start on a damaged file (exit {code})")
            line = next((l for l in log.splitlines() if "will not open" in l), log[-300:])
            print(f"   message: {line}")
            check("will not open" in line and ("damaged" in line or "not a SQLite" in line),
                  f"{name}: the message says the file is damaged")
            check(digest(daemon.database) == before, f"{name}: the file is untouched")
            cases += 1
        finally:
            daemon.stop()
    return cases == 2


class Skipped(Exception):
    pass


def skip(reason):
    raise Skipped(reason)


CASES = {"disk_full": (disk_full,), "read_only": (read_only,),
         "files": (folder_removed, replaced, corrupt)}


def main():
    global SUMMITD
    SUMMITD = sys.argv[1]
    case_name = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--case" else "files"
    root = lib.scratch_dir("summit-faults-")
    try:
        for case in CASES[case_name]:
            print(f"== {case.__name__}")
            check(case(root), f"{case.__name__}: every check ran")
    except Skipped as reason:
        print(f"SKIP: {reason}")
        sys.exit(lib.SKIP)
    finally:
        for mount in ("full", "ro"):
            umount(os.path.join(root, mount))
        lib.remove_dir(root)


if __name__ == "__main__":
    lib.run_test(main)
