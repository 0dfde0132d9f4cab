#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes a looped copy of a test sample and its transcript script.

    make_loop.py SRC.wav SRC.json LOOPS OUT.wav OUT.json

Each loop is the sample padded with digital zero to whole 50 ms (so the
benchmark's 50 ms frames never straddle two loops), and the script repeats
its turns at every loop's offset, so the emulator transcribes the whole
looped file. 16-bit mono PCM only.
"""
import json
import sys
import wave


def main():
    src_wav, src_json, loops, out_wav, out_json = sys.argv[1:6]
    loops = int(loops)
    with wave.open(src_wav, "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            sys.exit(f"{src_wav}: need 16-bit mono PCM")
        rate = w.getframerate()
        pcm = w.readframes(w.getnframes())
    frame = rate * 50 // 1000
    samples = len(pcm) // 2
    padded = -(-samples // frame) * frame
    pcm += b"\0" * (2 * (padded - samples))
    loop_ms = padded * 1000 // rate
    with open(src_json) as f:
        script = json.load(f)
    turns = []
    for k in range(loops):
        for t in script["turns"]:
            t = dict(t)
            t["words"] = [dict(w, start=w["start"] + k * loop_ms,
                               end=w["end"] + k * loop_ms) for w in t["words"]]
            turns.append(t)
    out = dict(script)
    out["description"] = f"{script.get('description', '')} Looped {loops} times."
    out["audio"] = out_wav.rsplit("/", 1)[-1]
    out["duration_ms"] = loops * loop_ms
    out["turns"] = turns
    with wave.open(out_wav, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm * loops)
    with open(out_json, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
