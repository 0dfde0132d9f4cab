#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs every launch line documented in README.md and docs/*.md against
the emulator, so the documentation cannot show a pipeline that does not
work.

    run-launch-lines.py EMULATOR TRANSCRIBE SOURCE_ROOT

A launch line is a `gst-launch-1.0 ...` or `assemblyai-transcribe ...`
command in a fenced code block (with its backslash continuations). Each is
rewritten by the substitution rules of docs/README.md ("Launch lines in
the docs are tested"), run without a shell, bounded to 120 s, and must
exit 0; a filesink's file must not be empty.
"""
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile

emulator, transcribe, root = sys.argv[1:4]
DATA = os.path.join(root, "tests", "data")
SAMPLE = os.path.join(DATA, "hello.wav")
# The voice agent's lines read the caller's three turns instead.
AGENT_SAMPLE = os.path.join(DATA, "agent-caller.wav")
KEY = "docs-key"
TIMEOUT = 120

# Sources that need hardware or a network peer, and the test media that
# stands in for them. An audio source is replaced with everything after it
# up to the first audioconvert (its demuxers and decoders too).
AUDIO_SOURCES = {"pulsesrc", "alsasrc", "autoaudiosrc", "pipewiresrc",
                 "jackaudiosrc", "srtsrc", "udpsrc", "rtspsrc", "souphttpsrc"}
VIDEO_SOURCES = {"v4l2src", "autovideosrc"}
# A recorded video (a filesrc of one of these) is replaced with everything
# after it up to the first videoconvert (its demuxers and decoders too).
VIDEO_FILES = (".mp4", ".mkv", ".mov", ".webm", ".ts")
VIDEO_SINKS = {"autovideosink", "xvimagesink", "ximagesink", "glimagesink",
               "waylandsink", "kmssink"}
AUDIO_SINKS = {"autoaudiosink", "pulsesink", "alsasink"}
NETWORK_SINKS = {"udpsink"}
# An RTP source (udpsrc ... ! <depayloader>) is replaced up to and with
# its depayloader by the test audio in the depayloader's format.
DEPAYLOADERS = {
    "rtppcmudepay": "audioconvert ! audioresample ! "
                    "audio/x-raw,rate=8000,channels=1 ! mulawenc",
    "rtppcmadepay": "audioconvert ! audioresample ! "
                    "audio/x-raw,rate=8000,channels=1 ! alawenc",
}
# Properties that point the elements at the real service or carry secrets;
# the emulator's URL and key replace them.
SERVICE_PROPS = ("url=", "api-key=", "token-url=", "auth-scheme=", "token=")
ELEMENTS = ("assemblyaisink", "assemblyaitranscriber", "assemblyaivoiceagent")


def launch_lines():
    files = [os.path.join(root, "README.md")] + sorted(
        glob.glob(os.path.join(root, "docs", "*.md")))
    for path in files:
        in_code = False
        pending = None
        for n, line in enumerate(open(path), 1):
            if line.lstrip().startswith("```"):
                in_code = not in_code
                continue
            if not in_code:
                continue
            text = line.rstrip("\n")
            # Comments after the command are not part of it.
            text = re.sub(r"\s+#\s.*$", "", text)
            if pending is not None:
                pending[1] += " " + text.strip().rstrip("\\").strip()
                if not text.rstrip().endswith("\\"):
                    yield pending
                    pending = None
                continue
            stripped = text.strip()
            if stripped.startswith(("gst-launch-1.0 ", "assemblyai-transcribe ")):
                cmd = stripped.rstrip("\\").strip()
                if text.rstrip().endswith("\\"):
                    pending = [f"{os.path.relpath(path, root)}:{n}", cmd]
                else:
                    yield [f"{os.path.relpath(path, root)}:{n}", cmd]


def substitute_pipeline(desc, tmp):
    """The rules for a gst-launch pipeline description."""
    chains = re.split(r"\s+!\s+", desc)
    agent = "assemblyaivoiceagent" in desc.split()
    sample = AGENT_SAMPLE if agent else SAMPLE
    out = []
    skipping = False
    skipping_video = False
    for part in chains:
        words = part.split()
        name = words[0] if words else ""
        if skipping_video:
            if name != "videoconvert":
                continue
            skipping_video = False
        video = next((i for i, w in enumerate(words[:-1]) if w == "filesrc"
                      and words[i + 1].startswith("location=")
                      and words[i + 1].lower().endswith(VIDEO_FILES)), None)
        if video is not None:
            prefix = " ".join(words[:video])
            out.append((prefix + " " if prefix else "") +
                       "videotestsrc num-buffers=300")
            skipping_video = True
            continue
        # A new chain may start inside a part ("... t.caption_src", "v4l2src").
        if skipping:
            if name in DEPAYLOADERS:
                out.append(DEPAYLOADERS[name])
                skipping = False
                continue
            if name == "audioconvert":
                skipping = False
            else:
                # The source's chain ends where a new one starts.
                tail = [w for w in words[1:] if "." in w or w in VIDEO_SOURCES]
                if not tail:
                    continue
        if name in AUDIO_SOURCES or any(w in AUDIO_SOURCES for w in words[1:]):
            idx = next(i for i, w in enumerate(words) if w in AUDIO_SOURCES)
            prefix = " ".join(words[:idx])
            out.append((prefix + " " if prefix else "") +
                       f"filesrc location={sample} ! wavparse")
            skipping = True
            continue
        new = []
        for w in words:
            if w in VIDEO_SOURCES:
                w = "videotestsrc is-live=true num-buffers=300"
            elif w in VIDEO_SINKS or w in AUDIO_SINKS or w in NETWORK_SINKS:
                w = "fakesink"
            elif name in NETWORK_SINKS and w.startswith(("host=", "port=")):
                continue
            elif w.startswith("location=") and name == "filesrc":
                w = f"location={sample}"
            elif w.startswith("location=") and name == "filesink":
                w = f"location={os.path.join(tmp, os.path.basename(w[9:]))}"
            elif w.startswith(SERVICE_PROPS) and any(
                    e in words for e in ELEMENTS):
                continue
            new.append(w)
        for e in ELEMENTS:
            if e in new:
                i = new.index(e)
                url = AGENT_URL if e == "assemblyaivoiceagent" else URL
                new[i + 1:i + 1] = [f"url={url}", f"api-key={KEY}"]
        out.append(" ".join(new))
    return " ! ".join(out).replace(" ! ! ", " ! ")


def substitute_transcribe(args, tmp):
    """The rules for an assemblyai-transcribe command line."""
    out = ["--emulator", "--fast", "--emulator-script",
           os.path.join(DATA, "hello.json")]
    it = iter(args)
    live = "--live" in args
    for a in it:
        if a in ("-o", "--output"):
            out += [a, os.path.join(tmp, os.path.basename(next(it)))]
        elif a in ("--url", "--token-url"):
            next(it)
        elif not a.startswith("-") and live:
            out.append(f"filesrc location={SAMPLE} ! wavparse")
        elif not a.startswith("-") and (
                "." in os.path.basename(a) or "://" in a):
            out.append(SAMPLE)
        elif a == "--emulator":
            continue
        else:
            out.append(a)
    if live and not any(not a.startswith("-") for a in args):
        out.append(f"filesrc location={SAMPLE} ! wavparse")
    return out


emu = subprocess.Popen([emulator, "--port=0", "--quiet", "--api-key", KEY,
                        "--script", os.path.join(DATA, "hello.json"),
                        "--agent-script",
                        os.path.join(DATA, "agent-caller.json")],
                       stdout=subprocess.PIPE, text=True)
URL = emu.stdout.readline().strip()
AGENT_URL = URL[:URL.index("/", len("ws://"))] + "/v1/ws"
env = dict(os.environ, ASSEMBLYAI_API_KEY=KEY, ASSEMBLYAI_EMULATOR=emulator)
failed = ran = 0
try:
    for where, line in launch_lines():
        with tempfile.TemporaryDirectory() as tmp:
            argv = shlex.split(line)
            if argv[0] == "gst-launch-1.0":
                opts = [a for a in argv[1:] if a.startswith("-")]
                # Words keep their quoting (a property value with spaces).
                desc = " ".join(a if a == "!" else shlex.quote(a)
                                for a in argv[1:] if not a.startswith("-"))
                cmd = ["gst-launch-1.0", *opts] + shlex.split(
                    substitute_pipeline(desc, tmp))
            else:
                cmd = [transcribe] + substitute_transcribe(argv[1:], tmp)
            print(f"{where}: {line}\n  runs: {shlex.join(cmd)}")
            try:
                p = subprocess.run(cmd, env=env, capture_output=True,
                                   text=True, timeout=TIMEOUT)
                rc, err = p.returncode, p.stderr
            except subprocess.TimeoutExpired:
                rc, err = "timeout", ""
            outputs = [os.path.join(tmp, f) for f in os.listdir(tmp)]
            empty = [f for f in outputs if os.path.getsize(f) == 0]
            ran += 1
            if rc != 0 or empty:
                failed += 1
                print(f"  FAIL: exit {rc}, empty outputs {empty}\n{err[-2000:]}")
            else:
                print(f"  ok ({len(outputs)} output files)")
finally:
    emu.terminate()
    emu.wait(timeout=30)
print(f"{ran} launch lines, {failed} failed")
sys.exit(1 if failed or ran == 0 else 0)
