#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""Reads `gst-launch-1.0 -m` output and prints each final turn as a line of
text with its time, plus errors. Exits non-zero if the pipeline failed."""
import re
import sys

failed = False
for line in sys.stdin:
    if "assemblyai/turn" in line and "end-of-turn=(boolean)true" in line:
        ts = re.search(r"timestamp=\(guint64\)(\d+)", line)
        text = re.search(r'transcript=\(string\)"((?:[^"\\]|\\.)*)"', line)
        if not text:
            text = re.search(r"transcript=\(string\)([^,]*)", line)
        t = int(ts.group(1)) / 1e9 if ts else 0.0
        words = text.group(1).replace("\\ ", " ") if text else ""
        print(f"[{t:8.3f} s] {words}")
    elif "assemblyai/begin" in line:
        sid = re.search(r"session-id=\(string\)([^,]*)", line)
        print(f"session {sid.group(1) if sid else '?'} began")
    elif "assemblyai/termination" in line:
        print("session terminated")
    elif line.startswith("ERROR") or line.startswith("Additional debug info") or "WARNING" in line:
        failed = failed or line.startswith("ERROR")
        print(line.rstrip(), file=sys.stderr)
sys.exit(1 if failed else 0)
