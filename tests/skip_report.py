#!/usr/bin/env python3
"""The skipped tests of a ctest run and why, from its JUnit file.

    skip_report.py JUNIT_XML [--strict]

Prints one line per skipped test: its name and the reason it printed (a
"SKIP: ..." line from a script, or the message after GoogleTest's
"Skipped"). Every test that skips must print why; one that does not is
reported as "(no reason printed)".

--strict (scripts/test sets it when CI=true): exit 1 when a test was skipped
for anything but what scripts/deps cannot provide: root (a test that needs
root, or a mount a container refuses), the shared corpus beside the
project, or a machine without a configured zone (/etc/localtime). A missing tool or package is a failure there, since scripts/deps
installs every one of them.
"""

import re
import sys
import xml.etree.ElementTree as ElementTree

# Reasons scripts/deps cannot fix; every other skip fails under --strict.
NOT_A_PACKAGE = (
    re.compile(r"needs root"),
    re.compile(r"no corpus at"),
    re.compile(r"no /etc/localtime"),  # the machine's own zone is not configured
)


def reason_of(output):
    lines = output.splitlines()
    for line in lines:
        if line.startswith("SKIP: "):
            return line[len("SKIP: "):].strip()
    for number, line in enumerate(lines):
        # GoogleTest: "file.cpp:123: Skipped", then the message.
        if line.endswith(": Skipped") and number + 1 < len(lines) and lines[number + 1].strip():
            return lines[number + 1].strip()
    return None


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    strict = "--strict" in sys.argv[2:]
    tests = ElementTree.parse(sys.argv[1]).getroot().iter("testcase")
    skipped = []
    for test in tests:
        if test.find("skipped") is None:
            continue
        output = test.findtext("system-out") or ""
        skipped.append((test.get("name"), reason_of(output)))
    if not skipped:
        print("skipped tests: none")
        return 0
    print(f"skipped tests ({len(skipped)}):")
    not_allowed = []
    for name, reason in skipped:
        print(f"  {name}: {reason or '(no reason printed)'}")
        if reason is None or not any(pattern.search(reason) for pattern in NOT_A_PACKAGE):
            not_allowed.append(name)
    if strict and not_allowed:
        print(f"FAIL (CI): {len(not_allowed)} test(s) skipped for something scripts/deps "
              f"installs, or without saying why: {', '.join(not_allowed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
