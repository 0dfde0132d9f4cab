#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs the two-hour recording check (tests/check/test_long_file.cpp) and
records its numbers in docs/benchmarks.md, between the "long-file" markers
(one section for the scaled runs, one for the unscaled check).

    bench/long_file.py [--build build] [--time-scale 0.01] [--only TEST]
                       [--out docs/benchmarks.md]

--time-scale 1 is the unscaled long check: the emulator's throttle passes
in real time, so the realistic runs take about 96 minutes each (pick one
with --only test_two_hours_realistic). The check itself asserts the words
and the memory bound; this script only reports its times and memory.
"""
import argparse
import datetime
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LINE = re.compile(r"long-file: (.*)$")


def run(build, scale, only):
    env = dict(os.environ, ASSEMBLYAI_LONG_TIME_SCALE=str(scale))
    if only:
        env["GST_CHECKS"] = only
    cmd = ["meson", "test", "-C", build, "--no-rebuild", "--verbose",
           "--timeout-multiplier", "0", "long_file"]
    p = subprocess.run(cmd, env=env, text=True, capture_output=True)
    rows = []
    for line in p.stdout.splitlines():
        m = LINE.search(line)
        if m:
            rows.append(dict(kv.split("=", 1) for kv in m.group(1).split()))
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-4000:] + p.stderr[-2000:])
        sys.exit(f"long_file failed (exit {p.returncode})")
    return rows


def table(rows):
    out = ["| emulator | drops | audio | time scale | reconnections | wall "
           "time | throttle allows | wall / throttle | peak RSS |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        wall, thr = float(r["wall_s"]), float(r["throttle_s"])
        ratio = f"{wall / thr:.2f}" if r["mode"] != "instant" else "-"
        out.append(f"| {r['mode']} | {r['drops']} | {float(r['audio_s']) / 3600:.2f} h "
                   f"| {r['time_scale']} | {r['reconnects']} | {wall:.1f} s "
                   f"| {thr:.1f} s | {ratio} | {float(r['peak_rss_mib']):.1f} MiB |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--time-scale", type=float, default=0.01)
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    a = ap.parse_args()
    rows = run(a.build, a.time_scale, a.only)
    tag = "long-file-unscaled" if a.time_scale == 1 else "long-file-scaled"
    BEGIN, END = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"

    section = (f"{BEGIN}\nMeasured {datetime.date.today()} with "
               f"`bench/long_file.py --time-scale {a.time_scale}"
               f"{' --only ' + a.only if a.only else ''}`:\n\n{table(rows)}\n{END}")
    text = open(a.out).read() if os.path.exists(a.out) else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text += "\n" + section + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    print(table(rows))


if __name__ == "__main__":
    main()
