#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""Fails when the committed reference (docs/reference) is not what the
built plugin generates: a property, blurb, default, pad, signal or bus
message field changed without `meson compile -C build update-reference`.

    check-reference.py GENERATOR --plugin SO --messages JSON REFDIR [--tamper]

--tamper checks the check: it changes one property blurb in a copy of the
committed reference and passes only if the comparison then fails and
names that blurb.
"""
import difflib
import re
import os
import shutil
import subprocess
import sys
import tempfile

args = sys.argv[1:]
tamper = "--tamper" in args
if tamper:
    args.remove("--tamper")
generator, *gen_args, refdir = args


def compare(committed, generated):
    """Problems (file name, unified diff) between the two directories."""
    problems = []
    names = sorted(set(os.listdir(committed)) | set(os.listdir(generated)))
    for name in names:
        a, b = os.path.join(committed, name), os.path.join(generated, name)
        if not os.path.exists(a):
            problems.append((name, "missing from the committed reference\n"))
            continue
        if not os.path.exists(b):
            problems.append((name, "no longer generated\n"))
            continue
        old, new = open(a).read(), open(b).read()
        if old != new:
            diff = difflib.unified_diff(
                old.splitlines(True), new.splitlines(True),
                f"committed/{name}", f"generated/{name}")
            problems.append((name, "".join(diff)))
    return problems


with tempfile.TemporaryDirectory() as tmp:
    if tamper:
        copy = os.path.join(tmp, "committed")
        shutil.copytree(refdir, copy)
        cache = os.path.join(copy, "gst_plugins_cache.json")
        text = open(cache).read()
        # The first property blurb, edited in place (nothing else changes).
        m = re.search(r'"blurb" *: *"', text)
        end = text.index('"', m.end())
        with open(cache, "w") as f:
            f.write(text[:end] + " (edited)" + text[end:])
        refdir = copy
    out = os.path.join(tmp, "generated")
    subprocess.run([generator, *gen_args, "--output", out], check=True,
                   timeout=60)
    problems = compare(refdir, out)

for name, diff in problems:
    print(f"--- {name}:\n{diff}")
if tamper:
    ok = any(n == "gst_plugins_cache.json" and "(edited)" in d
             for n, d in problems)
    print("ok: the edited blurb is reported" if ok
          else "FAIL: an edited blurb went unnoticed")
    sys.exit(0 if ok else 1)
if problems:
    print("FAIL: docs/reference is stale; regenerate it with "
          "`meson compile -C build update-reference` and commit it")
    sys.exit(1)
print("ok: docs/reference matches the built plugin")
