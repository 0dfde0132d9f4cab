#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""Every bus message field the elements really post is documented in
docs/bus-messages.json with its type, and every field documented as
always present is there.

    check-messages.py BUS_MESSAGES_JSON EMULATOR DATA_DIR

Runs both elements against the emulator program with the options that
make the optional fields appear (speaker labels, language detection,
formatted turns, partials, u3-rt-pro's speech-started, a dropped session
for assemblyai/reconnect, a refused key for the error details) and checks
every assemblyai/* structure posted, the words inside turns included.
Needs Debian's python3-gi / python3-gst-1.0 (run with /usr/bin/python3).
"""
import os
import subprocess
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GObject, Gst  # noqa: E402
import json  # noqa: E402

doc_path, emulator, data = sys.argv[1:4]
DOC = json.load(open(doc_path))["messages"]
KEY = "messages-key"
problems = []
seen = {}


def start_emulator(script, *faults):
    p = subprocess.Popen(
        [emulator, "--port=0", "--quiet", "--api-key", KEY, "--script",
         os.path.join(data, script + ".json"), "--reference-audio",
         os.path.join(data, script + ".wav"), *faults],
        stdout=subprocess.PIPE, text=True)
    return p, p.stdout.readline().strip()


def check_structure(s, element):
    name = s.get_name()
    if not name.startswith("assemblyai/"):
        return
    seen[name] = seen.get(name, 0) + 1
    spec = DOC.get(name)
    if spec is None:
        problems.append(f"{name} (from {element}) is not documented")
        return
    if element not in spec["elements"]:
        problems.append(f"{name}: {element} is not listed in its elements")
    fields = spec["fields"]
    present = [s.nth_field_name(i) for i in range(s.n_fields())]
    for f in present:
        gtype = GObject.type_name(s.get_field_type(f))
        if f not in fields:
            problems.append(f"{name}: field {f} ({gtype}) is not documented")
        elif fields[f]["type"] != gtype:
            problems.append(f"{name}: field {f} is {gtype}, documented as "
                            f"{fields[f]['type']}")
        elif gtype == "GstValueArray":
            for item in s.get_value(f):
                check_structure(item, element)
                if item.get_name() != fields[f]["of"]:
                    problems.append(f"{name}: {f} holds {item.get_name()}")
    for f, spec_f in fields.items():
        if not spec_f.get("optional") and f not in present:
            problems.append(f"{name}: documented field {f} is missing")


def run(desc, element, want_error=False):
    pipeline = Gst.parse_launch(desc)
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    got_error = False
    while True:
        m = bus.timed_pop_filtered(
            60 * Gst.SECOND, Gst.MessageType.ELEMENT |
            Gst.MessageType.ERROR | Gst.MessageType.EOS)
        if m is None:
            problems.append(f"{desc}: no EOS or error within 60 s")
            break
        if m.type == Gst.MessageType.ELEMENT:
            check_structure(m.get_structure(), element)
            continue
        if m.type == Gst.MessageType.ERROR:
            got_error = True
            details = m.parse_error_details()
            if details is None:
                problems.append(f"{element}: an error without details")
            else:
                check_structure(details, element)
            if not want_error:
                problems.append(f"{desc}: {m.parse_error()[0].message}")
        break
    pipeline.set_state(Gst.State.NULL)
    if want_error and not got_error:
        problems.append(f"{desc}: no error")


Gst.init(None)
plain, plain_url = start_emulator("counting")
emulators = [plain]
try:
    counting = os.path.join(data, "counting.wav")
    hello = os.path.join(data, "hello.wav")
    common = f"api-key={KEY} url={plain_url}"
    rich = ("speaker-labels=true language-detection=true format-turns=true "
            "speech-model=universal-streaming-multilingual post-partials=true")
    for element, props in (("assemblyaisink", "sync=false"),
                           ("assemblyaitranscriber", "pace=false")):
        src = f"filesrc location={counting} ! wavparse ! {element} {props} "
        run(src + f"{common} {rich}", element)
        run(src + f"{common} speech-model=u3-rt-pro", element)
        run(src + f"api-key=wrong url={plain_url}", element, want_error=True)
        # The first session drops: the element reconnects.
        faulty, faulty_url = start_emulator(
            "hello", "--drop-at-audio-ms", "2500", "--fault-sessions", "1")
        emulators.append(faulty)
        run(f"filesrc location={hello} ! wavparse ! {element} {props} "
            f"api-key={KEY} url={faulty_url}", element)
finally:
    for p in emulators:
        p.terminate()
        p.wait(timeout=30)

for name in DOC:
    print(f"{name}: {seen.get(name, 0)} seen")
for name in ("assemblyai/begin", "assemblyai/turn", "assemblyai/word",
             "assemblyai/speech-started", "assemblyai/termination",
             "assemblyai/reconnect", "assemblyai/error-details"):
    if not seen.get(name):
        problems.append(f"{name} was never posted: the check did not run")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
