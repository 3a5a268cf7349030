"""Shared helpers for the tests in tests/systemd that run the real summitd.

They play systemd's part without systemd as PID 1: a NOTIFY_SOCKET the test
reads, systemd-socket-activate for the listening socket, useradd'ed users for
SO_PEERCRED. Nothing here needs root except what the access test does.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 125  # ctest SKIP_RETURN_CODE


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)
    print(f"ok: {message}")


def run_test(main):
    """Run main(); print a failure and exit 1, or exit 0."""
    try:
        main()
    except Failure as failure:
        print(f"FAIL: {failure}")
        sys.exit(1)
    sys.exit(0)


class NotifySocket:
    """An AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET."""

    def __init__(self, directory):
        self.path = os.path.join(directory, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        os.chmod(self.path, 0o666)  # the daemon may run as another user
        self.messages = []  # (monotonic time, {key: value})

    def receive(self, timeout):
        """Collect messages for up to `timeout` seconds; returns new ones."""
        new = []
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return new
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return new
            fields = {}
            for line in data.decode("utf-8", "replace").splitlines():
                key, _, value = line.partition("=")
                fields[key] = value
            entry = (time.monotonic(), fields)
            self.messages.append(entry)
            new.append(entry)

    def wait_for(self, key, timeout):
        """Wait until a message carries `key`; returns its fields or None."""
        for _, fields in self.messages:
            if key in fields:
                return fields
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _, fields in self.receive(min(0.2, deadline - time.monotonic())):
                if key in fields:
                    return fields
        return None

    def close(self):
        self.sock.close()


def rpc(socket_path, method, params=None, request_id=1, timeout=10):
    """One JSON-RPC call on a fresh connection; returns the reply object."""
    request = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        request["params"] = params
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(socket_path)
        conn.sendall((json.dumps(request) + "\n").encode())
        buffer = b""
        while b"\n" not in buffer:
            chunk = conn.recv(65536)
            if not chunk:
                break
            buffer += chunk
    return json.loads(buffer.split(b"\n", 1)[0])


def wait_for_path(path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return True
        time.sleep(0.05)
    return False


def stop(process, timeout=15):
    """SIGTERM and wait; returns the exit status (kills on timeout)."""
    if process.poll() is None:
        process.terminate()
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise Failure(f"summitd did not exit within {timeout}s of SIGTERM")


def scratch_dir(prefix, parent=None):
    """A fresh 0700 folder, under $TMPDIR or `parent` when given."""
    path = tempfile.mkdtemp(prefix=prefix, dir=parent)
    return path


def remove_dir(path):
    shutil.rmtree(path, ignore_errors=True)


def empty_config(directory):
    """An empty configuration file, so the host's ~/.config is not read."""
    path = os.path.join(directory, "summitd.toml")
    with open(path, "w", encoding="utf-8"):
        pass
    return path


def daemon_env(directory, **extra):
    """An environment without any systemd variables of the caller."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
                       "WATCHDOG_USEC", "WATCHDOG_PID", "SUMMIT_SOCKET")
    }
    env["HOME"] = directory
    env["XDG_RUNTIME_DIR"] = directory
    env["XDG_DATA_HOME"] = directory
    env["XDG_CONFIG_HOME"] = directory
    env.update(extra)
    return env
