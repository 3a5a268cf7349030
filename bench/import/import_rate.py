#!/usr/bin/env python3
"""Import rate and summitd's CPU per imported event (issue 17, item 5).

For each summitd given (--summitd, repeatable: "before" and "after" builds),
alternating, --rounds times: start it on an empty database in a temporary
folder, import the file `import_bench.py` generates for --events events with
`summit import`, and print the wall time of the import, events per second,
and summitd's CPU (utime + stime from /proc/PID/stat, 10 ms ticks) before
and after the import: CPU-seconds, and microseconds per event. The 1-minute
load average is printed with each run (the machine is shared).

The file is over the 16 MiB a user may stage by default at 50,000 events,
so summitd gets a configuration with limits.max_staged_bytes_per_uid =
64 MiB.

  bench/import/import_rate.py --summit build/release/cli/summit \\
      --summitd /tmp/summitd-main --summitd build/release/daemon/summitd \\
      --events 50000 --rounds 2
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from import_bench import calendar_text  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3); utime, stime are fields 14, 15.
    return (int(fields[11]) + int(fields[12])) / TICK


def wait_ready(summit: str, sock: str):
    deadline = time.time() + 60
    while time.time() < deadline:
        if subprocess.run([summit, "--socket", sock, "status"],
                          capture_output=True).returncode == 0:
            return
        time.sleep(0.05)
    raise SystemExit("summitd did not become ready within 60 s")


def one_run(summitd: str, summit: str, ics: str, events: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="summit-import-rate-") as folder:
        sock = os.path.join(folder, "summitd.sock")
        config = os.path.join(folder, "summitd.toml")
        with open(config, "w") as f:
            f.write("[limits]\nmax_staged_bytes_per_uid = 67108864\n")
        log = open(os.path.join(folder, "summitd.log"), "wb")
        daemon = subprocess.Popen([summitd, "--socket", sock, "--db",
                                   os.path.join(folder, "summit.db"), "--config", config,
                                   "--log-level", "warn"], stdout=log, stderr=log)
        try:
            wait_ready(summit, sock)
            load = os.getloadavg()[0]
            cpu_before = cpu_seconds(daemon.pid)
            started = time.perf_counter()
            done = subprocess.run([summit, "--socket", sock, "import", ics],
                                  capture_output=True, text=True)
            wall = time.perf_counter() - started
            cpu = cpu_seconds(daemon.pid) - cpu_before
            if done.returncode != 0:
                raise SystemExit(f"summit import failed: {done.stderr.strip()}")
            if f"{events} added" not in done.stdout and f"{events:,} added" not in done.stdout:
                print(f"  (report: {done.stdout.strip().splitlines()[-1]})", flush=True)
        finally:
            daemon.terminate()
            daemon.wait(timeout=60)
            log.close()
    return {"wall": wall, "cpu": cpu, "load": load}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--summit", default="build/release/cli/summit")
    parser.add_argument("--summitd", action="append", required=True)
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="summit-import-file-") as folder:
        ics = os.path.join(folder, "calendar.ics")
        with open(ics, "w", newline="") as f:
            f.write(calendar_text(args.events))
        size = os.path.getsize(ics)
        print(f"{args.events:,} events, {size / 1e6:.1f} MB")
        print("| summitd | wall | events/s | summitd CPU | CPU per event | load (1 min) |")
        print("| --- | --- | --- | --- | --- | --- |")
        for _ in range(args.rounds):
            for summitd in args.summitd:
                r = one_run(summitd, args.summit, ics, args.events)
                print(f"| {summitd} | {r['wall']:.2f} s | {args.events / r['wall']:,.0f}/s | "
                      f"{r['cpu']:.2f} s | {r['cpu'] / args.events * 1e6:.1f} µs | "
                      f"{r['load']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
