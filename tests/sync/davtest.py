"""Helpers shared by the CalDAV tests and bench (tests/sync/caldav_*.py,
bench/sync/run): a free loopback port, and a real summitd with its CLI."""

import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "systemd"))
from summit_testlib import Failure, check, daemon_env, empty_config, rpc, stop  # noqa: E402,F401


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_http(port, process, what, timeout=60):
    """Until something answers TCP on `port` (or `process` exits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failure(f"{what} exited at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise Failure(f"{what} did not answer within {timeout} s")


class Summit:
    """A real summitd on its own socket and database, and its CLI."""

    def __init__(self, summitd, summit, directory, name, sync_config=""):
        self.sync_config = sync_config  # more [sync] lines for summitd.toml
        self.summitd = summitd
        self.summit = summit
        self.directory = os.path.join(directory, name)
        os.makedirs(self.directory)
        self.socket = os.path.join(self.directory, "summitd.sock")
        self.db = os.path.join(self.directory, "summit.db")
        self.log_path = os.path.join(self.directory, "summitd.log")
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")
        # No sync shortly after a local change: each sync is the caller's
        # own `summit sync`, so that what it reports is what the step did.
        config = empty_config(self.directory)
        with open(config, "w", encoding="utf-8") as out:
            out.write('[sync]\nafter_change = "0s"\n' + self.sync_config)
        self.process = subprocess.Popen(
            [self.summitd, "--socket", self.socket, "--db", self.db, "--config", config],
            env=daemon_env(self.directory, TZ="UTC", no_proxy="*"), stdout=log, stderr=log)
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

    def stop(self):
        code = None
        if self.process is not None and self.process.poll() is None:
            code = stop(self.process)
        return code

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as text:
            return text.read()

    def run(self, *args, expect=0, timeout=300):
        done = subprocess.run([self.summit, "--socket", self.socket, *args], capture_output=True,
                              text=True, env=daemon_env(self.directory, TZ="UTC"),
                              timeout=timeout)
        if expect is not None and done.returncode != expect:
            raise Failure(f"summit {' '.join(args)}: exit {done.returncode}, expected {expect}\n"
                          f"stdout: {done.stdout}\nstderr: {done.stderr}\nlog:\n{self.log()}")
        return done

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)

    def sync(self, name="team", expect=0, *extra, timeout=300):
        done = self.run("sync", *extra, name, "--json", expect=expect, timeout=timeout)
        result = json.loads(done.stdout) if done.stdout.strip() else {}
        return result.get("calendars", [{}])[0] if result else {}

    def calendar(self, name="team"):
        for entry in self.json("calendar", "list"):
            if entry["name"] == name:
                return entry
        raise Failure(f"no calendar {name} in calendar list")

    def events(self, name="team", start="2030-01-01", end="2031-01-01"):
        listed = self.json("list", "--calendar", name, "--from", start, "--to", end,
                           "--limit", "1000")
        by_uid = {}
        seen = set()
        for event in listed:
            # A series is listed once per occurrence: (uid, start) is one.
            key = (event["uid"], event["start"])
            check(key not in seen, f"{key} listed once")
            seen.add(key)
            by_uid.setdefault(event["uid"], event)
        return by_uid

    def by_title(self, title, name="team"):
        found = [e for e in self.events(name).values() if e["title"] == title]
        check(len(found) == 1, f"one event titled {title!r}: {found}")
        return found[0]


class Radicale:
    """A real Radicale on loopback (htpasswd plain authentication), its
    storage in `directory`/collections."""

    def __init__(self, program, directory, user, password, log_level="warning"):
        self.program = program
        self.directory = directory
        self.user = user
        self.password = password
        self.port = free_port()
        self.process = None
        self.log_path = os.path.join(directory, "radicale.log")
        users = os.path.join(directory, "users")
        with open(users, "w", encoding="utf-8") as out:
            out.write(f"{user}:{password}\n")
        self.config = os.path.join(directory, "radicale.conf")
        with open(self.config, "w", encoding="utf-8") as out:
            out.write(f"[server]\nhosts = 127.0.0.1:{self.port}\n"
                      f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\n"
                      "htpasswd_encryption = plain\ndelay = 0\n"
                      f"[storage]\nfilesystem_folder = {os.path.join(directory, 'collections')}\n"
                      f"[rights]\ntype = owner_only\n[logging]\nlevel = {log_level}\n")

    def start(self):
        self.process = subprocess.Popen([self.program, "--config", self.config],
                                        stdout=subprocess.DEVNULL,
                                        stderr=open(self.log_path, "ab"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failure("radicale exited at start")
            try:
                self.request("OPTIONS", "/")
                return
            except OSError:
                time.sleep(0.05)
        raise Failure("radicale did not answer within 60 s")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)
            self.process = None

    def request(self, method, path, body=None, headers=None, timeout=120):
        import base64
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        all_headers = {"Authorization": "Basic " + token}
        all_headers.update(headers or {})
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def mkcalendar(self, name, display):
        body = ('<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" '
                'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
                f'<D:displayname>{display}</D:displayname></D:prop></D:set></C:mkcalendar>')
        status, _ = self.request("MKCALENDAR", f"/{self.user}/{name}/", body,
                                 {"Content-Type": "application/xml"})
        check(status == 201, f"MKCALENDAR {name}: {status}")

    def folder(self, collection):
        return os.path.join(self.directory, "collections", "collection-root", self.user,
                            collection)

    def resources(self, collection):
        """The .ics files Radicale holds for `collection`: name -> text."""
        folder = self.folder(collection)
        out = {}
        for name in os.listdir(folder):
            if name.endswith(".ics"):
                with open(os.path.join(folder, name), encoding="utf-8") as text:
                    out[name] = text.read()
        return out
