#!/usr/bin/env python3
"""summit and two third-party tools on one CalDAV collection (issue 14,
docs/SYNC.md): a real Radicale on loopback, a real summitd, vdirsyncer
syncing the collection to a local vdir and khal reading and writing that
vdir (Debian packages vdirsyncer, khal), each with its own temporary
configuration (-c) and XDG folders.

  1. Events summit pushes (a single event, a series) reach the vdir through
     `vdirsyncer sync`, and `khal list` shows them.
  2. An event written by `khal new` into the vdir, pushed by vdirsyncer,
     is in summit after `summit sync`.
  3. An edit and a removal made in summit reach the vdir and khal.
  A sync after the first sends summit's credentials with its first request
  (the scheme learnt, no 401 round trip; Radicale's log at level info).

    caldav_vdirsyncer.py SUMMITD SUMMIT RADICALE VDIRSYNCER KHAL
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from davtest import Radicale, Summit  # noqa: E402
from summit_testlib import Failure, check, remove_dir, run_test, scratch_dir  # noqa: E402

SUMMITD, SUMMIT, RADICALE, VDIRSYNCER, KHAL = sys.argv[1:6]
USER = "alice"
PASSWORD = "vdir-secret-otter-19"


class Tools:
    """vdirsyncer and khal, configured in `directory` for one collection."""

    def __init__(self, directory, url):
        self.directory = directory
        self.vdir = os.path.join(directory, "vdir")
        os.makedirs(self.vdir)
        home = os.path.join(directory, "home")
        os.makedirs(home)
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
                    "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                    "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
                    "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                    "TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "no_proxy": "*"}
        self.vdirsyncer_config = os.path.join(directory, "vdirsyncer.conf")
        with open(self.vdirsyncer_config, "w", encoding="utf-8") as out:
            out.write(f'[general]\nstatus_path = "{directory}/status/"\n\n'
                      '[pair team]\na = "team_local"\nb = "team_remote"\ncollections = null\n'
                      'conflict_resolution = "b wins"\n\n'
                      f'[storage team_local]\ntype = "filesystem"\npath = "{self.vdir}/"\n'
                      'fileext = ".ics"\n\n'
                      f'[storage team_remote]\ntype = "caldav"\nurl = "{url}"\n'
                      f'username = "{USER}"\npassword = "{PASSWORD}"\n')
        self.khal_config = os.path.join(directory, "khal.conf")
        with open(self.khal_config, "w", encoding="utf-8") as out:
            out.write(f"[calendars]\n[[team]]\npath = {self.vdir}\ntype = calendar\n\n"
                      "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\n"
                      "longdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
                      "longdatetimeformat = %Y-%m-%d %H:%M\n"
                      "default_timezone = UTC\nlocal_timezone = UTC\n\n"
                      f"[sqlite]\npath = {directory}/khal.db\n")

    def run(self, *command, stdin=None):
        done = subprocess.run(list(command), input=stdin, capture_output=True, text=True,
                              env=self.env, timeout=300)
        if done.returncode != 0:
            raise Failure(f"{' '.join(command)}: exit {done.returncode}\n"
                          f"stdout: {done.stdout}\nstderr: {done.stderr}")
        return done.stdout + done.stderr

    def vdirsyncer(self, *args):
        # discover asks before creating anything: answered "yes".
        return self.run(VDIRSYNCER, "-c", self.vdirsyncer_config, *args, stdin="y\n" * 20)

    def khal(self, *args):
        return self.run(KHAL, "-c", self.khal_config, *args)

    def listed(self):
        return self.khal("list", "--format", "{start} {title}", "2030-01-01", "400d")

    def files(self):
        out = {}
        for name in os.listdir(self.vdir):
            if name.endswith(".ics"):
                with open(os.path.join(self.vdir, name), encoding="utf-8") as text:
                    out[name] = text.read()
        return out


def main():
    directory = scratch_dir("summit-vdirsyncer-")
    radicale = Radicale(RADICALE, directory, USER, PASSWORD, log_level="info")
    summit = Summit(SUMMITD, SUMMIT, directory, "a")
    password = os.path.join(directory, "dav-password")
    with open(password, "w", encoding="utf-8") as out:
        out.write(PASSWORD + "\n")
    os.chmod(password, 0o600)
    url = None
    tools = None
    try:
        radicale.start()
        radicale.mkcalendar("team", "Team meetings")
        url = f"http://127.0.0.1:{radicale.port}/{USER}/team/"
        tools = Tools(os.path.join(directory, "tools"), url)
        summit.start()
        summit.run("calendar", "add", "team", "--caldav", url, "--user", USER,
                   "--password-file", password)
        summit.sync()

        # 1. summit -> Radicale -> vdirsyncer -> vdir -> khal
        summit.run("add", "Board meeting", "--at", "2030-03-10 09:00", "--tz", "UTC",
                   "--calendar", "team")
        summit.run("add", "Weekly sync", "--at", "2030-05-06 10:00", "--tz", "UTC", "--repeat",
                   "weekly count 3", "--calendar", "team")
        check(summit.sync()["pushed"] == 2, "summit pushes two events")
        tools.vdirsyncer("discover")
        tools.vdirsyncer("sync")
        check(len(tools.files()) == 2, f"two resources in the vdir: {list(tools.files())}")
        listed = tools.listed()
        check("Board meeting" in listed and listed.count("Weekly sync") == 3,
              f"khal lists summit's events, the series expanded: {listed!r}")
        check("2030-03-10 09:00" in listed, f"at the time summit gave: {listed!r}")

        # 2. khal new -> vdir -> vdirsyncer -> Radicale -> summit
        with open(radicale.log_path, encoding="utf-8", errors="replace") as text:
            mark = len(text.readlines())
        tools.khal("new", "-a", "team", "2030-03-12 14:00", "15:30", "Written by khal")
        check(len(tools.files()) == 3, "khal wrote a third file into the vdir")
        tools.vdirsyncer("sync")
        check(len(radicale.resources("team")) == 3, "vdirsyncer pushed it to Radicale")
        pulled = summit.sync()
        check(pulled["added"] == 1, f"summit receives khal's event: {pulled}")
        with open(radicale.log_path, encoding="utf-8", errors="replace") as text:
            lines = [line for line in text.readlines()[mark:] if "summitd/" in line
                     or "401" in line]
        check(lines and not any("401" in line for line in lines),
              f"a later sync sends the credentials at once (the scheme learnt): {lines}")
        khal_event = summit.by_title("Written by khal")
        check(khal_event["start"].startswith("2030-03-12T14:00"),
              f"at the time khal gave: {khal_event}")

        # 3. an edit and a removal in summit reach khal
        board = summit.by_title("Board meeting")
        summit.run("edit", str(board["id"]), "--title", "Board meeting (room 4)")
        summit.run("rm", str(khal_event["id"]))
        check(summit.sync()["pushed"] == 2, "summit pushes the edit and the removal")
        tools.vdirsyncer("sync")
        listed = tools.listed()
        check("Board meeting (room 4)" in listed, f"khal shows the edit: {listed!r}")
        check("Written by khal" not in listed, f"and not the removed event: {listed!r}")
        check(len(tools.files()) == 2, "two files left in the vdir")
        check(summit.stop() == 0, "summitd stops cleanly")
    except Failure:
        if os.path.exists(summit.log_path):
            print(summit.log()[-4000:], file=sys.stderr)
        raise
    finally:
        summit.stop()
        radicale.stop()
        remove_dir(directory)


if __name__ == "__main__":
    run_test(main)
