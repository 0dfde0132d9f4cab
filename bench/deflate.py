#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""What permessage-deflate would do to the audio: every 50 ms frame of a
16 kHz S16LE WAV compressed as the extension does (raw deflate, one
compressor for the whole stream, a sync flush per message; zlib, the
library behind both libsoup's and Node's implementation), as the file is
and with a low noise floor added (a real microphone's silence is not
digital zero; the test audio's is). Prints one JSON object per case:
size ratio and CPU per frame.

    deflate.py FILE.wav
"""
import json
import random
import struct
import sys
import time
import wave
import zlib


def frames_of(pcm, size=1600):
    return [pcm[i:i + size] for i in range(0, len(pcm) - size + 1, size)]


def measure(name, frames):
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    t = time.process_time()
    out = 0
    for f in frames:
        out += len(c.compress(f) + c.flush(zlib.Z_SYNC_FLUSH))
    dt = time.process_time() - t
    size = sum(len(f) for f in frames)
    return {"audio": name, "frames": len(frames),
            "size_ratio": round(out / size, 3),
            "cpu_us_per_frame": round(dt / len(frames) * 1e6, 1)}


def main():
    with wave.open(sys.argv[1], "rb") as w:
        pcm = w.readframes(w.getnframes())
    samples = struct.unpack("<%dh" % (len(pcm) // 2), pcm)
    rnd = random.Random(1)
    noisy = struct.pack("<%dh" % len(samples), *[
        max(-32768, min(32767, s + rnd.randint(-24, 24))) for s in samples])
    for name, data in (("as is (digital silence between words)", pcm),
                       ("with a +-24 noise floor", noisy)):
        print(json.dumps(measure(name, frames_of(data))))


if __name__ == "__main__":
    main()
