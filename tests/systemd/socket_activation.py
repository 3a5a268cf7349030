#!/usr/bin/env python3
"""Socket activation through systemd-socket-activate, as summitd.socket does it.

systemd-socket-activate binds the socket, waits for the first client, then
execs summitd with LISTEN_FDS=1: summitd must serve that very socket (same
inode, no socket of its own at its default path), report READY=1, keep what
was stored across a second activation, and leave the socket file to its
owner when it stops.

    socket_activation.py SUMMITD_BIN
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summit_testlib import (SKIP, NotifySocket, check, daemon_env, empty_config,  # noqa: E402
                            remove_dir, rpc, run_test, scratch_dir, stop, wait_for_path)

SUMMITD = sys.argv[1]
ACTIVATE = shutil.which("systemd-socket-activate")
if ACTIVATE is None:
    print("SKIP: systemd-socket-activate not installed (package systemd)")
    sys.exit(SKIP)


def activate(directory, socket_path, notify):
    env = daemon_env(directory)
    # No --socket: the path must come from the handed-over fd. The default
    # user path ($XDG_RUNTIME_DIR/summit/summitd.sock) must stay unused.
    command = [ACTIVATE, "-l", socket_path, "-E", f"NOTIFY_SOCKET={notify.path}",
               "--", SUMMITD, "--db", os.path.join(directory, "summit.db"),
               "--config", empty_config(directory)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(directory, "log"), "a"))
    check(wait_for_path(socket_path, 10), "systemd-socket-activate is listening")
    return process


def case(directory):
    socket_path = os.path.join(directory, "activated.sock")
    default_path = os.path.join(directory, "summit", "summitd.sock")
    notify = NotifySocket(directory)
    process = activate(directory, socket_path, notify)
    try:
        inode = os.stat(socket_path).st_ino
        # The first connection triggers the exec; summitd then accepts it
        # from the inherited listening socket.
        reply = rpc(socket_path, "daemon.status", timeout=60)
        check("result" in reply, f"the first client is served by the activated daemon: {reply}")
        status = reply["result"]
        check(status.get("socket") == socket_path,
              f"daemon.status names the activated socket ({status.get('socket')})")
        check(notify.wait_for("READY", 30) is not None, "READY=1 under socket activation")
        check(os.stat(socket_path).st_ino == inode,
              "the socket file is the one systemd bound (summitd did not re-bind)")
        check(not os.path.exists(default_path),
              "summitd did not bind its own default socket")

        added = rpc(socket_path, "event.add",
                    {"title": "Council of Heads of Government of the CIS",
                     "start": "2030-09-26T10:00", "tz": "Europe/Minsk"})
        check("result" in added, f"event.add over the activated socket: {added}")

        code = stop(process)
        check(code == 0, f"exit status 0 after SIGTERM (got {code})")
        check(os.path.exists(socket_path),
              "the socket file is left to systemd (its owner) when summitd exits")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    # A second activation on the same path and database: the event is there.
    os.unlink(socket_path)
    process = activate(directory, socket_path, notify)
    try:
        reply = rpc(socket_path, "event.list", {"from": "2030-01-01T00:00:00Z"}, timeout=60)
        titles = [e.get("title") for e in reply.get("result", {}).get("events", [])]
        check(titles == ["Council of Heads of Government of the CIS"],
              f"the event survives a re-activation: {titles}")
        check(stop(process) == 0, "second activation exits 0")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        notify.close()


def main():
    directory = scratch_dir("summit-activate-")
    try:
        case(directory)
    except Exception:
        log = os.path.join(directory, "log")
        if os.path.exists(log):
            print("--- log ---")
            print(open(log, encoding="utf-8", errors="replace").read()[-4000:])
        raise
    finally:
        remove_dir(directory)


run_test(main)
