#!/usr/bin/env python3
"""System-mode access control with real users (SO_PEERCRED), as DESIGN.md
"Running" and issue 5 say:

- the socket is mode 0660, group summit; a user outside the group cannot
  connect at all (the CLI exits 3);
- an event records its owner's uid; every member of the group may list and
  read it; only the owner or root may edit or remove it, and the refusal
  (exit 1) names the owner.

With `import_uid`: importing a file cannot overwrite another user's event
through its UID (docs/PROTOCOL.md, calendar.import): bob's import of a file
with alice's UID skips that component, naming its line and the owner, and
alice's event is unchanged; alice's own import updates it; root's may.

Needs root (useradd); exits 125 (skipped) otherwise. The users and, when
this test made it, the group "summit" are removed at the end.

The test users run copies of the binaries in the test's own 0755 folder
under /tmp: the build tree may be out of their reach (a checkout in root's
0700 home, or in a `mktemp -d` folder).

    access_control.py SUMMITD_BIN SUMMIT_BIN [access|import_uid]
"""

import grp
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summit_testlib import (SKIP, NotifySocket, check, daemon_env, remove_dir,  # noqa: E402
                            run_test, scratch_dir, stop)

SUMMITD, SUMMIT = sys.argv[1], sys.argv[2]
CASE = sys.argv[3] if len(sys.argv) > 3 else "access"
GROUP = "summit"  # summitd --system gives its socket to this group by name
USERS = {
    "daemon": "summit-t-daemon",  # runs summitd, like the unit's User=summit
    "alice": "summit-t-alice",  # in group summit
    "bob": "summit-t-bob",  # in group summit
    "eve": "summit-t-eve",  # not in group summit
}

if os.geteuid() != 0:
    print("SKIP: needs root to create users (useradd)")
    sys.exit(SKIP)
for tool in ("useradd", "userdel", "groupadd", "groupdel"):
    if shutil.which(tool) is None:
        print(f"SKIP: {tool} not installed")
        sys.exit(SKIP)


def sh(*command):
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def group_exists(name):
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


class Accounts:
    def __init__(self):
        self.made_group = False

    def __enter__(self):
        for name in USERS.values():  # left over from a killed run
            if user_exists(name):
                sh("userdel", name)
        if not group_exists(GROUP):
            sh("groupadd", "--system", GROUP)
            self.made_group = True
        sh("useradd", "--system", "--no-create-home", "--no-user-group", "--gid", GROUP,
           "--shell", "/usr/sbin/nologin", USERS["daemon"])
        for who in ("alice", "bob"):
            sh("useradd", "--no-create-home", "--no-user-group", "--gid", "users",
               "--groups", GROUP, USERS[who])
        sh("useradd", "--no-create-home", "--no-user-group", "--gid", "users", USERS["eve"])
        return self

    def __exit__(self, *exc):
        for name in USERS.values():
            if user_exists(name):
                subprocess.run(["userdel", name], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        if self.made_group:
            subprocess.run(["groupdel", GROUP], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


def as_user(who):
    """subprocess arguments that run a command as one of USERS (or root)."""
    if who == "root":
        return {}
    entry = pwd.getpwnam(USERS[who])
    groups = [g.gr_gid for g in grp.getgrall() if entry.pw_name in g.gr_mem]
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": groups}


def reachable_copies(directory):
    """Copies summitd and summit to directory/bin (0755, as is directory)
    and points SUMMITD and SUMMIT at them: every test user can run those."""
    global SUMMITD, SUMMIT
    os.chmod(directory, 0o755)
    bin_dir = os.path.join(directory, "bin")
    os.mkdir(bin_dir)
    os.chmod(bin_dir, 0o755)
    copies = []
    for binary in (SUMMITD, SUMMIT):
        copy = os.path.join(bin_dir, os.path.basename(binary))
        shutil.copyfile(binary, copy)
        os.chmod(copy, 0o755)
        copies.append(copy)
    SUMMITD, SUMMIT = copies


def summit(who, socket_path, directory, *args):
    env = daemon_env(directory, SUMMIT_SOCKET=socket_path, TZ="Europe/Minsk")
    # cwd: the test's folder, not ctest's (inside the build tree).
    result = subprocess.run([SUMMIT, *args], env=env, capture_output=True, text=True,
                            timeout=60, cwd=directory, **as_user(who))
    return result.returncode, result.stdout, result.stderr


def start_system_daemon(directory):
    """summitd --system as USERS["daemon"], its socket in directory/run;
    returns (process, socket path, notify socket, log file)."""
    os.chmod(directory, 0o755)
    daemon = pwd.getpwnam(USERS["daemon"])
    summit_gid = grp.getgrnam(GROUP).gr_gid
    run_dir = os.path.join(directory, "run")
    lib_dir = os.path.join(directory, "lib")
    os.mkdir(run_dir, 0o755)
    os.mkdir(lib_dir, 0o750)
    os.chown(run_dir, daemon.pw_uid, summit_gid)
    os.chown(lib_dir, daemon.pw_uid, summit_gid)
    config = os.path.join(directory, "summitd.toml")
    open(config, "w").close()
    socket_path = os.path.join(run_dir, "summitd.sock")

    notify = NotifySocket(directory)
    log = open(os.path.join(directory, "log"), "w")
    process = subprocess.Popen(
        [SUMMITD, "--system", "--socket", socket_path, "--db", os.path.join(lib_dir, "summit.db"),
         "--config", config],
        env=daemon_env(lib_dir, NOTIFY_SOCKET=notify.path), stdout=subprocess.DEVNULL,
        stderr=log, cwd=directory, **as_user("daemon"))
    return process, socket_path, notify, log


def case(directory):
    summit_gid = grp.getgrnam(GROUP).gr_gid
    alice_uid = pwd.getpwnam(USERS["alice"]).pw_uid
    process, socket_path, notify, log = start_system_daemon(directory)
    try:
        check(notify.wait_for("READY", 60) is not None, "summitd --system is ready")
        st = os.stat(socket_path)
        check(stat.S_IMODE(st.st_mode) == 0o660, f"socket mode 0660 (got {oct(st.st_mode)})")
        check(st.st_gid == summit_gid, "socket group summit")

        # alice (in the group) adds an event; it is hers.
        code, out, err = summit("alice", socket_path, directory, "--json", "add",
                                "Council of Heads of Government of the CIS",
                                "--at", "2030-09-26 10:00", "--tz", "Europe/Minsk")
        check(code == 0, f"alice (group summit) can add: exit {code} {err.strip()}")
        event = json.loads(out)
        event_id = str(event["id"])
        check(event.get("owner_uid") == alice_uid, f"the event records alice's uid {alice_uid}")

        # bob (in the group) may read but not change it.
        code, out, err = summit("bob", socket_path, directory, "--json", "list",
                                "--from", "2030-01-01")
        check(code == 0 and event_id in [str(e["id"]) for e in json.loads(out)],
              "bob (group summit) lists alice's event")
        code, out, err = summit("bob", socket_path, directory, "show", event_id)
        check(code == 0, "bob can show it")
        code, out, err = summit("bob", socket_path, directory, "edit", event_id,
                                "--at", "2030-09-26 11:00")
        check(code == 1, f"bob cannot edit alice's event: exit {code} (1 = refused)")
        check(USERS["alice"] in err or str(alice_uid) in err,
              f"the refusal names the owner: {err.strip()!r}")
        code, out, err = summit("bob", socket_path, directory, "rm", event_id)
        check(code == 1, f"bob cannot remove alice's event: exit {code}")
        check(USERS["alice"] in err or str(alice_uid) in err, "that refusal names the owner too")
        code, out, err = summit("alice", socket_path, directory, "--json", "show", event_id)
        check(code == 0 and json.loads(out)["start"].startswith("2030-09-26T10:00"),
              "the event is unchanged after bob's attempts")

        # eve (outside the group) cannot even connect.
        code, out, err = summit("eve", socket_path, directory, "list")
        check(code == 3, f"eve (not in group summit) is refused the socket: exit {code} (3)")

        # The owner may edit; root may edit and remove anything.
        code, out, err = summit("alice", socket_path, directory, "edit", event_id,
                                "--at", "2030-09-26 11:00")
        check(code == 0, f"alice edits her own event: exit {code} {err.strip()}")
        code, out, err = summit("bob", socket_path, directory, "--json", "add", "Bob's meeting",
                                "--at", "2030-10-01 09:00", "--tz", "Europe/Minsk")
        check(code == 0, "bob adds his own event")
        bob_id = str(json.loads(out)["id"])
        code, out, err = summit("alice", socket_path, directory, "rm", bob_id)
        check(code == 1, "alice cannot remove bob's event")
        code, out, err = summit("root", socket_path, directory, "edit", bob_id,
                                "--location", "Dushanbe, Tajikistan", "--tz", "Asia/Dushanbe")
        check(code == 0, f"root edits bob's event: exit {code} {err.strip()}")
        code, out, err = summit("root", socket_path, directory, "rm", event_id)
        check(code == 0, f"root removes alice's event: exit {code} {err.strip()}")
        code, out, err = summit("bob", socket_path, directory, "rm", bob_id)
        check(code == 0, "bob removes his own event")

        check(stop(process) == 0, "summitd exits 0 on SIGTERM")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        notify.close()
        log.close()


INVITATION = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//summit tests//EN\r
BEGIN:VEVENT\r
UID:cis-2030@example.org\r
DTSTAMP:20261101T000000Z\r
SUMMARY:{summary}\r
DTSTART;TZID=Europe/Minsk:{start}\r
END:VEVENT\r
END:VCALENDAR\r
"""


def import_uid(directory):
    alice_uid = pwd.getpwnam(USERS["alice"]).pw_uid
    process, socket_path, notify, log = start_system_daemon(directory)
    files = os.path.join(directory, "files")
    os.mkdir(files, 0o755)

    def ics(name, summary, start):
        path = os.path.join(files, name)
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(INVITATION.format(summary=summary, start=start))
        os.chmod(path, 0o644)
        return path

    def alices_event():
        code, out, err = summit("alice", socket_path, directory, "--json", "list",
                                "--from", "2030-01-01")
        check(code == 0, f"alice lists her events: exit {code} {err.strip()}")
        return [(e["id"], e["title"], e["start"], e["owner_uid"]) for e in json.loads(out)]

    try:
        check(notify.wait_for("READY", 60) is not None, "summitd --system is ready")
        code, out, err = summit("alice", socket_path, directory, "import",
                                ics("alice.ics", "CIS summit", "20300926T100000"))
        check(code == 0 and ": 1 added," in out, f"alice imports her event: {out.strip()} "
                                                 f"{err.strip()}")
        before = alices_event()
        check(len(before) == 1 and before[0][1] == "CIS summit" and before[0][3] == alice_uid,
              f"it is hers: {before}")
        event_id = before[0][0]

        # bob's file carries the same UID: it cannot overwrite alice's event.
        hijack = ics("bob.ics", "Moved by bob", "20300101T090000")
        code, out, err = summit("bob", socket_path, directory, "import", hijack)
        check(code == 0, f"bob's import runs (the component is skipped): exit {code} "
                         f"{err.strip()}")
        check(": 0 added, 0 updated, 0 unchanged, 1 skipped" in out,
              f"nothing of bob's file is written: {out.strip()!r}")
        check("line 4:" in out and "cis-2030@example.org" in out,
              "the skip names the component's line and UID")
        check(USERS["alice"] in out or str(alice_uid) in out,
              f"and the owner: {out.strip()!r}")
        check(alices_event() == before, "alice's event is unchanged after bob's import")
        code, out, err = summit("bob", socket_path, directory, "import", "--dry-run", hijack)
        check(code == 0 and "1 skipped" in out, "a dry run of bob's says the same")

        # The owner may update it through the UID, and so may root.
        code, out, err = summit("alice", socket_path, directory, "import",
                                ics("alice2.ics", "CIS summit (moved)", "20300927T100000"))
        check(code == 0 and ": 0 added, 1 updated," in out, f"alice updates her own: {out.strip()}")
        after = alices_event()
        check(after == [(event_id, "CIS summit (moved)", "2030-09-27T10:00:00", alice_uid)],
              f"the update is hers, she still owns it: {after}")
        code, out, err = summit("root", socket_path, directory, "import", hijack)
        check(code == 0 and ": 0 added, 1 updated," in out, f"root may update it: {out.strip()}")
        check(alices_event()[0][1] == "Moved by bob" and alices_event()[0][3] == alice_uid,
              "root's import updated it and alice still owns it")

        check(stop(process) == 0, "summitd exits 0 on SIGTERM")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        notify.close()
        log.close()


def main():
    # Under /tmp whatever TMPDIR says: the test users must reach it.
    directory = scratch_dir("summit-access-", "/tmp")
    try:
        reachable_copies(directory)
        with Accounts():
            {"access": case, "import_uid": import_uid}[CASE](directory)
    except Exception:
        log = os.path.join(directory, "log")
        if os.path.exists(log):
            print("--- summitd log ---")
            print(open(log, encoding="utf-8", errors="replace").read()[-4000:])
        raise
    finally:
        remove_dir(directory)


run_test(main)
