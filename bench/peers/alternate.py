#!/usr/bin/env python3
"""bench/peers/alternate.py: whole-process wall and CPU time of commands run
side by side, alternating (A B C A B C ...), so that every command sees the
same machine in the same minute (issue 17).

    alternate.py --runs 50 --name at -- at -f job -t 202712010000 \
                 --name 'summit add' -- summit --socket S add x --at ...

Each run is one fork/exec; wall time is from just before the fork to the
child's exit, CPU time is the child's user + system time from wait4()
(microseconds, not the 10 ms of /usr/bin/time). A run that takes longer than
--limit seconds is killed and reported. Prints one JSON object per command
(name, runs, wall and CPU medians and p90 in ms, minor page faults, failures) on standard output,
one line each.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time


def parse(argv):
    commands = []
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--runs", type=int, default=50)
    options.add_argument("--limit", type=float, default=10.0)
    options.add_argument("--warmup", type=int, default=3)
    # Split "--name N -- ARGS... --name N -- ARGS..." by hand.
    head = []
    rest = list(argv)
    while rest and rest[0] != "--name":
        head.append(rest.pop(0))
    args = options.parse_args(head)
    while rest:
        if rest[0] != "--name" or len(rest) < 3 or rest[2] != "--":
            sys.exit("alternate.py: expected --name NAME -- COMMAND...")
        name = rest[1]
        rest = rest[3:]
        command = []
        while rest and rest[0] != "--name":
            command.append(rest.pop(0))
        if not command:
            sys.exit(f"alternate.py: no command for {name}")
        commands.append((name, command))
    if not commands:
        sys.exit("alternate.py: no command given")
    return args, commands


def run_once(command, limit):
    devnull = os.open(os.devnull, os.O_RDWR)
    start = time.perf_counter_ns()
    child = subprocess.Popen(command, stdin=devnull, stdout=devnull, stderr=devnull)
    deadline = start + int(limit * 1e9)
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid != 0:
            break
        if time.perf_counter_ns() > deadline:
            child.send_signal(signal.SIGKILL)
            pid, status, usage = os.wait4(child.pid, 0)
            os.close(devnull)
            return None
        time.sleep(0.0002)
    wall = time.perf_counter_ns() - start
    os.close(devnull)
    child.returncode = status
    cpu = usage.ru_utime + usage.ru_stime
    ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return wall / 1e6, cpu * 1e3, ok, usage.ru_minflt


def quantile(values, q):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    args, commands = parse(sys.argv[1:])
    results = {name: {"wall": [], "cpu": [], "faults": [], "failed": 0, "killed": 0} for name, _ in commands}
    for _ in range(args.warmup):
        for name, command in commands:
            run_once(command, args.limit)
    for _ in range(args.runs):
        for name, command in commands:
            got = run_once(command, args.limit)
            if got is None:
                results[name]["killed"] += 1
                continue
            wall, cpu, ok, faults = got
            results[name]["faults"].append(faults)
            results[name]["wall"].append(wall)
            results[name]["cpu"].append(cpu)
            if not ok:
                results[name]["failed"] += 1
    for name, _ in commands:
        r = results[name]
        print(json.dumps({
            "name": name,
            "runs": len(r["wall"]),
            "wall_p50_ms": round(quantile(r["wall"], 0.5), 3) if r["wall"] else None,
            "wall_p90_ms": round(quantile(r["wall"], 0.9), 3) if r["wall"] else None,
            "cpu_p50_ms": round(quantile(r["cpu"], 0.5), 3) if r["cpu"] else None,
            "cpu_mean_ms": round(sum(r["cpu"]) / len(r["cpu"]), 3) if r["cpu"] else None,
            "page_faults_p50": quantile(r["faults"], 0.5),
            "failed": r["failed"],
            "killed": r["killed"],
        }))


if __name__ == "__main__":
    main()
