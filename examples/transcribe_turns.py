#!/usr/bin/env python3
# gst-assemblyai example — SPDX-License-Identifier: LGPL-2.1-or-later
"""Embeds assemblyaitranscriber in a Python application and reads its
results from the bus: every complete turn with its words and their times,
and the reconnections the element made to keep the stream going.

    python3 transcribe_turns.py FILE

Needs Debian's python3-gi and python3-gst-1.0 (the GStreamer overrides
read the GstValueArray of words). The API key comes from
ASSEMBLYAI_API_KEY (the element reads it); ASSEMBLYAI_URL, when set,
points the element at another endpoint (the emulator, a data zone, a
proxy).
"""
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def seconds(t):
    return t / Gst.SECOND


def print_turn(s):
    # Only final turns; with format-turns the formatted copy follows the
    # raw one, so print that one.
    if not (s.get_value("end-of-turn") and s.get_value("turn-is-formatted")):
        return
    start = s.get_value("timestamp")
    end = start + s.get_value("duration")
    print(f"turn {s.get_value('turn-order')} [{seconds(start):.3f}-"
          f"{seconds(end):.3f}] {s.get_value('transcript')}")
    # `words`: a GstValueArray of `assemblyai/word` structures.
    for w in s.get_value("words"):
        print(f"  word {w.get_value('text')} [{seconds(w.get_value('start')):.3f}-"
              f"{seconds(w.get_value('end')):.3f}] "
              f"{w.get_value('confidence'):.2f}")


def print_reconnect(s):
    print(f"reconnect {s.get_value('reason')} attempt {s.get_value('attempt')}: "
          f"outage {seconds(s.get_value('outage-duration')):.3f} s, "
          f"replayed {seconds(s.get_value('audio-replayed')):.3f} s, "
          f"lost {seconds(s.get_value('audio-lost')):.3f} s")


def main():
    Gst.init(None)
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} FILE", file=sys.stderr)
        return 2
    # The text pads stay unlinked: this application only reads the bus.
    pipeline = Gst.parse_launch(
        "filesrc name=src ! decodebin ! audioconvert ! audioresample ! "
        "assemblyaitranscriber name=t format-turns=true pace=false")
    pipeline.get_by_name("src").set_property("location", sys.argv[1])
    if os.environ.get("ASSEMBLYAI_URL"):
        pipeline.get_by_name("t").set_property("url",
                                               os.environ["ASSEMBLYAI_URL"])
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    status = 0
    while True:
        m = bus.timed_pop_filtered(
            Gst.CLOCK_TIME_NONE,
            Gst.MessageType.ELEMENT | Gst.MessageType.ERROR |
            Gst.MessageType.EOS)
        if m.type == Gst.MessageType.ELEMENT:
            s = m.get_structure()
            if s.has_name("assemblyai/turn"):
                print_turn(s)
            elif s.has_name("assemblyai/reconnect"):
                print_reconnect(s)
            continue
        if m.type == Gst.MessageType.ERROR:
            err, _ = m.parse_error()
            print(f"error: {err.message}", file=sys.stderr)
            status = 1
        break  # EOS: the last turn came before it
    sys.stdout.flush()
    pipeline.set_state(Gst.State.NULL)
    return status


if __name__ == "__main__":
    sys.exit(main())
