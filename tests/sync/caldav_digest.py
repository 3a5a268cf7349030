#!/usr/bin/env python3
"""CalDAV sync through HTTP Digest authentication (RFC 7616), against real
servers this test starts on loopback: Apache httpd (Debian package
apache2: mod_auth_digest, mod_proxy_http) in front of Radicale, which takes
the user Apache authenticated (X-Remote-User). summit adds the calendar
with --user and --password-file, syncs an event in both directions, and a
wrong password is refused in one line (docs/SYNC.md, Setup).

    caldav_digest.py SUMMITD SUMMIT RADICALE APACHE2
"""

import hashlib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import davtest  # noqa: E402
from summit_testlib import Failure, check, remove_dir, run_test, scratch_dir, stop  # noqa: E402

SUMMITD = sys.argv[1]
SUMMIT = sys.argv[2]
RADICALE = sys.argv[3]
APACHE = sys.argv[4]
USER = "alice"
PASSWORD = "digest-secret-horse-58"
REALM = "summit test"
MODULES = "/usr/lib/apache2/modules"


class DigestFront:
    """Apache httpd on loopback: Digest authentication, then a proxy to
    `upstream_port` carrying the authenticated user in X-Remote-User."""

    def __init__(self, program, directory, upstream_port):
        self.program = program
        self.directory = os.path.join(directory, "apache")
        os.makedirs(self.directory)
        os.chmod(self.directory, 0o755)
        self.port = davtest.free_port()
        self.process = None
        digest = hashlib.md5(f"{USER}:{REALM}:{PASSWORD}".encode()).hexdigest()
        users = os.path.join(self.directory, "htdigest")
        with open(users, "w", encoding="utf-8") as out:
            out.write(f"{USER}:{REALM}:{digest}\n")
        os.chmod(users, 0o644)
        modules = ["mpm_event", "authn_core", "authn_file", "authz_core", "authz_user",
                   "auth_digest", "headers", "proxy", "proxy_http"]
        self.config = os.path.join(self.directory, "httpd.conf")
        with open(self.config, "w", encoding="utf-8") as out:
            out.write(f"ServerRoot {self.directory}\nServerName 127.0.0.1\n"
                      f"Listen 127.0.0.1:{self.port}\nPidFile {self.directory}/httpd.pid\n"
                      f"DefaultRuntimeDir {self.directory}\n"
                      f"ErrorLog {self.directory}/error.log\nLogLevel warn\n"
                      "User nobody\nGroup nogroup\n")
            for module in modules:
                out.write(f"LoadModule {module}_module {MODULES}/mod_{module}.so\n")
            out.write("<Location />\n"
                      "  AuthType Digest\n"
                      f"  AuthName \"{REALM}\"\n"
                      "  AuthDigestProvider file\n"
                      f"  AuthUserFile {users}\n"
                      "  Require valid-user\n"
                      "  RequestHeader set X-Remote-User \"expr=%{REMOTE_USER}\"\n"
                      f"  ProxyPass http://127.0.0.1:{upstream_port}/\n"
                      f"  ProxyPassReverse http://127.0.0.1:{upstream_port}/\n"
                      "</Location>\n")

    def start(self):
        log = open(os.path.join(self.directory, "stderr.log"), "ab")
        self.process = subprocess.Popen([self.program, "-f", self.config, "-DFOREGROUND"],
                                        stdout=log, stderr=log)
        davtest.wait_http(self.port, self.process, "apache2")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)
            self.process = None

    def log(self):
        out = ""
        for name in ("error.log", "stderr.log"):
            path = os.path.join(self.directory, name)
            if os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as text:
                    out += text.read()
        return out


def main():
    directory = scratch_dir("summit-caldav-digest-")
    os.chmod(directory, 0o755)  # Apache's children (nobody) read the htdigest file
    radicale = davtest.Radicale(RADICALE, directory, USER, PASSWORD)
    # Radicale takes the user Apache authenticated.
    with open(radicale.config, encoding="utf-8") as text:
        config = text.read()
    config = re.sub(r"\[auth\]\n(.*\n)*?(?=\[storage\])", "[auth]\ntype = http_x_remote_user\n",
                    config)
    check("http_x_remote_user" in config and "htpasswd" not in config, config)
    with open(radicale.config, "w", encoding="utf-8") as out:
        out.write(config)
    front = DigestFront(APACHE, directory, radicale.port)
    summit = davtest.Summit(SUMMITD, SUMMIT, directory, "a")
    password = os.path.join(directory, "dav.pw")
    with open(password, "w", encoding="utf-8") as out:
        out.write(PASSWORD + "\n")
    os.chmod(password, 0o600)
    wrong = os.path.join(directory, "wrong.pw")
    with open(wrong, "w", encoding="utf-8") as out:
        out.write("not-the-password\n")
    os.chmod(wrong, 0o600)
    try:
        radicale.start()
        front.start()
        # MKCALENDAR through Radicale directly (as alice, via the header).
        status, _ = radicale.request(
            "MKCALENDAR", f"/{USER}/team/",
            '<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:caldav"/>',
            {"Content-Type": "application/xml", "X-Remote-User": USER})
        check(status == 201, f"MKCALENDAR: {status}")
        summit.start()
        url = f"http://127.0.0.1:{front.port}/{USER}/team/"
        refused = summit.run("calendar", "add", "bad", "--caldav", url, "--user", USER,
                             "--password-file", wrong, expect=None)
        check(refused.returncode != 0 and "401" in refused.stderr
              and len(refused.stderr.strip().splitlines()) == 1,
              f"a wrong password is refused in one line: {refused.stderr!r}")
        summit.run("calendar", "add", "team", "--caldav", url, "--user", USER,
                   "--password-file", password)
        summit.sync("team")
        summit.run("add", "Through Digest", "--at", "2030-04-01 09:00", "--tz", "UTC",
                   "--calendar", "team")
        pushed = summit.sync("team")
        check(pushed.get("pushed") == 1 and pushed.get("outcome") != "failed",
              f"pushed through Digest: {pushed}")
        status, _ = radicale.request(
            "PUT", f"/{USER}/team/other.ics",
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
            "UID:other-1\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300402T090000Z\r\n"
            "DURATION:PT1H\r\nSUMMARY:Written elsewhere\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            {"Content-Type": "text/calendar", "X-Remote-User": USER})
        check(status == 201, f"PUT other: {status}")
        pulled = summit.sync("team")
        check(pulled.get("added") == 1, f"pulled through Digest: {pulled}")
        titles = sorted(e["title"] for e in summit.events("team").values())
        check(titles == ["Through Digest", "Written elsewhere"], f"both: {titles}")
        check(PASSWORD not in summit.log(), "the password is not logged")
        check(stop(summit.process) == 0, "summitd stops cleanly")
    except Failure:
        print(summit.log() if os.path.exists(summit.log_path) else "", file=sys.stderr)
        print(front.log(), file=sys.stderr)
        raise
    finally:
        if summit.process is not None and summit.process.poll() is None:
            stop(summit.process)
        front.stop()
        radicale.stop()
        remove_dir(directory)


if __name__ == "__main__":
    run_test(main)
