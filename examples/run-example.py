#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs an example application against the emulator program and checks
what it printed against the sample's transcript script.

    run-example.py EMULATOR DATA_DIR COMMAND...

The emulator drops the first session at 2.5 s of audio, so the example
must also report one reconnection, and still print every turn and word
once, at the scripted times.
"""
import json
import os
import subprocess
import sys

emulator, data, *command = sys.argv[1:]
key = "example-key"
emu = subprocess.Popen(
    [emulator, "--port=0", "--quiet", "--api-key", key,
     "--script", os.path.join(data, "hello.json"),
     "--reference-audio", os.path.join(data, "hello.wav"),
     "--drop-at-audio-ms", "2500", "--fault-sessions", "1"],
    stdout=subprocess.PIPE, text=True)
try:
    url = emu.stdout.readline().strip()
    env = dict(os.environ, ASSEMBLYAI_URL=url, ASSEMBLYAI_API_KEY=key)
    p = subprocess.run(command + [os.path.join(data, "hello.wav")], env=env,
                       capture_output=True, text=True, timeout=90)
finally:
    emu.terminate()
    emu.wait(timeout=30)
print(p.stdout, end="")
print(p.stderr, end="", file=sys.stderr)

with open(os.path.join(data, "hello.json")) as f:
    script = json.load(f)
want_turns = [
    f"turn {i} [{t['words'][0]['start'] / 1000:.3f}-"
    f"{t['words'][-1]['end'] / 1000:.3f}] {t['formatted']}"
    for i, t in enumerate(script["turns"])]
want_words = [f"[{w['start'] / 1000:.3f}-{w['end'] / 1000:.3f}]"
              for t in script["turns"] for w in t["words"]]
lines = p.stdout.splitlines()
turns = [l for l in lines if l.startswith("turn ")]
words = [l.split()[2] for l in lines if l.startswith("  word ")]
reconnects = [l for l in lines if l.startswith("reconnect ")]
problems = []
if p.returncode != 0:
    problems.append(f"exit status {p.returncode}")
if turns != want_turns:
    problems.append(f"turns {turns}, expected {want_turns}")
if words != want_words:
    problems.append(f"word times {words}, expected {want_words}")
if len(reconnects) != 1 or not reconnects[0].startswith(
        "reconnect connection-lost attempt 1"):
    problems.append(f"reconnections {reconnects}")
for problem in problems:
    print("FAIL:", problem)
sys.exit(1 if problems else 0)
