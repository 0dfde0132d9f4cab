#!/usr/bin/env python3
"""Counts test results of one or more meson build dirs into one line.

A gst-check binary counts as its number of test cases (its "Checks: N,
Failures: F, Errors: E" line); any other test counts as one. A test that
meson marks failed without a Check line that says so (crash, timeout, leak
found after the cases ran) counts as one failure more.
A test run outside meson counts as one: --result NAME=ok|fail.
Prints "N passed, N failed" and exits 1 if anything failed.
"""
import json
import re
import sys

CHECK = re.compile(r"Checks: (\d+), Failures: (\d+), Errors: (\d+)")

passed = failed = 0
args = sys.argv[1:]
builds = []
while args:
    a = args.pop(0)
    if a == "--result":
        name, _, result = args.pop(0).partition("=")
        if result == "ok":
            passed += 1
        else:
            failed += 1
    else:
        builds.append(a)
for build in builds:
    try:
        lines = open(f"{build}/meson-logs/testlog.json").read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        ok = t["result"] in ("OK", "EXPECTEDFAIL")
        skipped = t["result"] == "SKIP"
        m = CHECK.search(t.get("stdout", "") or "")
        if m:
            n, f, e = map(int, m.groups())
            passed += n - f - e
            failed += f + e
            if not ok and not skipped and f + e == 0:
                failed += 1
        elif skipped:
            continue
        elif ok:
            passed += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
