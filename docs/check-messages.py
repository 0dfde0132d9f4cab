#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""Every bus message field the elements really post is documented in
docs/bus-messages.json with its type, and every field documented as
always present is there.

    check-messages.py BUS_MESSAGES_JSON EMULATOR DATA_DIR

Runs the elements against the emulator program with the options that
make the optional fields appear (speaker labels, language detection,
formatted turns, partials, u3-rt-pro's speech-started, a dropped session
for assemblyai/reconnect, a refused key for the error details; for the
voice agent a three-turn conversation with a tool call, a property change
and a dropped connection, an unknown voice and a refused key) and checks
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


def start_agent_emulator(*faults):
    """The Voice Agent API with the caller's three turns; its URL."""
    p = subprocess.Popen(
        [emulator, "--port=0", "--quiet", "--api-key", KEY, "--agent-script",
         os.path.join(data, "agent-caller.json"), *faults],
        stdout=subprocess.PIPE, text=True)
    base = p.stdout.readline().strip()
    return p, base[:base.index("/", len("ws://"))] + "/v1/ws"


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


def run(desc, element, want_error=False, setup=None, react=None):
    """setup(pipeline) before PLAYING; react(pipeline, structure) on
    every element message."""
    pipeline = Gst.parse_launch(desc)
    if setup:
        setup(pipeline)
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
            if react:
                react(pipeline, m.get_structure())
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
    # The voice agent: a tool is called in the second turn (answered from
    # the bus), the system prompt changes once the session is ready
    # (session.updated), the connection drops once (resumed).
    TOOLS = ('[{"type": "function", "name": "get_weather", "description": '
             '"The weather now", "parameters": {"type": "object", '
             '"properties": {}}}]')

    held = {}

    def agent_setup(pipeline):
        agent = pipeline.get_by_name("agent")
        agent.set_property("tools", TOOLS)
        # The caller's audio waits until the change is made, so the
        # conversation cannot end before it.
        held["pad"] = agent.get_static_pad("sink")
        held["probe"] = held["pad"].add_probe(
            Gst.PadProbeType.BLOCK | Gst.PadProbeType.BUFFER,
            lambda pad, info: Gst.PadProbeReturn.OK)

    def agent_react(pipeline, s):
        agent = pipeline.get_by_name("agent")
        name = s.get_name()
        if name == "assemblyai/agent-session-ready" and "probe" in held:
            agent.set_property("system-prompt", "Answer in one sentence.")
            held["pad"].remove_probe(held.pop("probe"))
        elif name == "assemblyai/agent-tool-call":
            agent.emit("tool-result", s.get_value("call-id"),
                       '{"forecast": "sunny"}')

    caller = os.path.join(data, "agent-caller.wav")
    agent, agent_url = start_agent_emulator("--agent-drop-at-audio-ms", "5000")
    emulators.append(agent)
    src = (f"filesrc location={caller} ! wavparse ! audioconvert ! "
           f"audioresample ! assemblyaivoiceagent "
           f"name=agent pace=false url={agent_url} ")
    run(src + f"api-key={KEY} ! fakesink", "assemblyaivoiceagent",
        setup=agent_setup, react=agent_react)
    run(src + f"api-key={KEY} voice=nobody ! fakesink",
        "assemblyaivoiceagent", want_error=True)
    run(src + "api-key=wrong ! fakesink", "assemblyaivoiceagent",
        want_error=True)
finally:
    for p in emulators:
        p.terminate()
        p.wait(timeout=30)

for name in DOC:
    print(f"{name}: {seen.get(name, 0)} seen")
for name in ("assemblyai/begin", "assemblyai/turn", "assemblyai/word",
             "assemblyai/speech-started", "assemblyai/termination",
             "assemblyai/reconnect", "assemblyai/error-details",
             "assemblyai/agent-session-ready",
             "assemblyai/agent-session-updated",
             "assemblyai/agent-session-error",
             "assemblyai/agent-session-ended",
             "assemblyai/agent-speech-started",
             "assemblyai/agent-speech-stopped",
             "assemblyai/agent-user-transcript-delta",
             "assemblyai/agent-user-transcript",
             "assemblyai/agent-reply-started", "assemblyai/agent-transcript",
             "assemblyai/agent-reply-done", "assemblyai/agent-tool-call"):
    if not seen.get(name):
        problems.append(f"{name} was never posted: the check did not run")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
