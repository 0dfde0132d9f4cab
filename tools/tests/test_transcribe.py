#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""assemblyai-transcribe as a user and a script see it.

    test_transcribe.py CASE TRANSCRIBE EMULATOR DATA_DIR

Runs the command on the bundled samples against the emulator program
(--emulator) and checks the files it writes against the samples' transcript
scripts (the ground truth), what it prints, and its exit status. Every
wait is bounded (subprocess timeouts, a polled condition with a deadline).
"""
import json
import os
import pty
import re
import signal
import subprocess
import sys
import tempfile
import time

CASE, TOOL, EMULATOR, DATA = sys.argv[1:5]
ENV = dict(os.environ, ASSEMBLYAI_EMULATOR=EMULATOR)
TIMEOUT = 90
LEAK = re.compile(r"object-alive, type-name=\(string\)\w")
ERROR_LINE = re.compile(r"^assemblyai-transcribe: error: \S.*$")


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(*args, env=None, expect=0):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True,
                       env=env or ENV, timeout=TIMEOUT)
    print(f"$ assemblyai-transcribe {' '.join(args)}  -> {p.returncode}")
    print(p.stdout, end="")
    print(p.stderr, end="", file=sys.stderr)
    check(p.returncode == expect,
          f"exit status {p.returncode}, expected {expect}")
    # With GST_TRACERS=leaks (the default test build) every GstObject and
    # mini object left alive at exit is listed.
    check(not LEAK.search(p.stderr), "leaked objects")
    return p


def script(name):
    with open(os.path.join(DATA, name + ".json")) as f:
        return json.load(f)


def sentences(name):
    """The formatted text of each scripted turn."""
    return [t["formatted"] for t in script(name)["turns"]]


def one_error_line(p, pattern):
    lines = p.stderr.strip().splitlines()
    errors = [l for l in lines if "error:" in l]
    check(len(errors) == 1 and ERROR_LINE.match(errors[0]),
          f"expected one error line, got {errors}")
    check(re.search(pattern, errors[0], re.I),
          f"error line {errors[0]!r} does not match {pattern!r}")


def read_srt(path):
    cues = []
    with open(path) as f:
        for block in f.read().strip().split("\n\n"):
            lines = block.splitlines()
            cues.append((lines[1], "\n".join(lines[2:])))
    return cues


def ms_of(stamp):
    h, m, rest = stamp.replace(",", ".").split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(rest)) * 1000)


def case_outputs(tmp):
    outs = [os.path.join(tmp, "hello." + e) for e in ("srt", "vtt", "txt",
                                                      "json")]
    args = ["--emulator", "--fast", os.path.join(DATA, "hello.wav")]
    for o in outs:
        args += ["-o", o]
    p = run(*args)
    want = sentences("hello")
    turns = script("hello")["turns"]
    # .txt: one turn per line.
    with open(outs[2]) as f:
        check(f.read() == "".join(s + "\n" for s in want), "txt content")
    # .json: every turn and word, times in ms equal to the script's.
    with open(outs[3]) as f:
        doc = json.load(f)
    check([t["transcript"] for t in doc["turns"]] == want, "json turns")
    check(doc["text"] == " ".join(want), "json text")
    check(doc["duration"] == script("hello")["duration_ms"], "json duration")
    for got, t in zip(doc["turns"], turns):
        check(got["start"] == t["words"][0]["start"] and
              got["end"] == t["words"][-1]["end"], f"turn times {got}")
        check([(w["start"], w["end"]) for w in got["words"]] ==
              [(w["start"], w["end"]) for w in t["words"]],
              f"word times {got['words']}")
    # .srt: one cue per sentence, at the words' times.
    cues = read_srt(outs[0])
    check([c[1] for c in cues] == want, f"srt cues {cues}")
    start, end = cues[0][0].split(" --> ")
    check(ms_of(start) == turns[0]["words"][0]["start"], "srt cue start")
    check(ms_of(end) == turns[0]["words"][-1]["end"], "srt cue end")
    # .vtt: a WebVTT file with the same cues.
    with open(outs[1]) as f:
        vtt = f.read()
    check(vtt.startswith("WEBVTT"), "vtt header")
    for s in want:
        check(s in vtt, f"vtt lacks {s!r}")
    # Not a terminal: plain progress lines, the last at 100%.
    progress = [l for l in p.stderr.splitlines() if l.startswith("progress:")]
    check(progress and progress[-1].startswith("progress: 100%"),
          f"progress lines {progress}")
    check("\r" not in p.stderr, "a bar was drawn on a pipe")
    # Files were asked for: nothing on stdout.
    check(p.stdout == "", "stdout not empty")


def case_speakers(tmp):
    txt, srt = os.path.join(tmp, "c.txt"), os.path.join(tmp, "c.srt")
    run("--emulator", "--fast", "--speaker-labels",
        os.path.join(DATA, "counting.wav"), "-o", txt, "-o", srt)
    turns = script("counting")["turns"]
    with open(txt) as f:
        check(f.read().splitlines() ==
              [f"{t['speaker']}: {t['formatted']}" for t in turns],
              "txt speaker lines")
    # Each change of speaker starts a cue marked ">> ".
    check([c[1] for c in read_srt(srt)] ==
          [">> " + t["formatted"] for t in turns], "srt speaker marks")
    run("--emulator", "--fast", "--speaker-labels", "--set",
        "caption-speaker-marker=- ", os.path.join(DATA, "counting.wav"),
        "-o", srt)
    check(read_srt(srt)[1][1] == "- " + turns[1]["formatted"], "dash marker")


def case_live(tmp):
    # A source pipeline instead of a device; the turns come on stdout with
    # their time, as they complete.
    src = f"filesrc location={os.path.join(DATA, 'hello.wav')} ! wavparse"
    p = run("--live", src, "--fast", "--emulator", "--emulator-script",
            os.path.join(DATA, "hello.json"))
    lines = p.stdout.splitlines()
    check(lines == ["[0:00] Hello world.", "[0:03] This is a test."],
          f"live lines {lines}")


def case_interrupt(tmp):
    # Ctrl-C in the middle of a file (sent in real time): what was heard is
    # written, the exit status says it was interrupted.
    txt, js = os.path.join(tmp, "i.txt"), os.path.join(tmp, "i.json")
    p = subprocess.Popen([TOOL, "--emulator", os.path.join(DATA, "hello.wav"),
                          "-o", txt, "-o", js], env=ENV, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + TIMEOUT
    first = sentences("hello")[0] + "\n"
    while time.monotonic() < deadline:
        if os.path.exists(txt) and open(txt).read() == first:
            break
        check(p.poll() is None, "ended before the first turn")
        time.sleep(0.05)  # polling a file for a condition, bounded above
    else:
        fail("no first turn in time")
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=TIMEOUT)
    print(err, file=sys.stderr)
    check(p.returncode == 130, f"exit status {p.returncode}")
    with open(js) as f:
        doc = json.load(f)
    check(doc["turns"] and doc["turns"][0]["transcript"] ==
          sentences("hello")[0], "json after interrupt")


def case_tty_progress(tmp):
    # On a terminal: a bar redrawn in place with position, speed and time
    # left, ended by a newline.
    master, slave = pty.openpty()
    p = subprocess.Popen([TOOL, "--emulator", "--fast",
                          os.path.join(DATA, "hello.wav"), "-o",
                          os.path.join(tmp, "t.txt")],
                         env=ENV, stdout=slave, stderr=slave)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    check(p.wait(timeout=TIMEOUT) == 0, "exit status")
    text = data.decode(errors="replace")
    print(text)
    bars = re.findall(r"\r\x1b\[K\[[#.]{24}\] +\d+%  \d+:\d\d / 0:07  "
                      r"\d+\.\d\dx  (?:\d+:\d\d|\?:\?\?) left", text)
    check(bars, "no progress bar")
    check(re.search(r"\[#{24}\] 100%  0:07 / 0:07", text), "no final 100% bar")


def case_usage_errors(tmp):
    hello = os.path.join(DATA, "hello.wav")
    one_error_line(run(expect=2), "no INPUT")
    one_error_line(run(hello, "-o", os.path.join(tmp, "x.mp3"), expect=2),
                   r"x\.mp3: unknown output type")
    one_error_line(run("--emulator", hello, "--set", "no-such-prop=1",
                       expect=2), "no-such-prop")
    one_error_line(run("--bogus", expect=2), "bogus")
    one_error_line(run(hello, hello, expect=2), "one INPUT")


def case_input_errors(tmp):
    one_error_line(run("--emulator", os.path.join(tmp, "missing.wav"),
                       expect=3), "missing.wav: no such file")
    # A file with no audio in it.
    one_error_line(run("--emulator", "--fast",
                       os.path.join(DATA, "README.md"), expect=3),
                   "README.md")


def case_output_errors(tmp):
    hello = os.path.join(DATA, "hello.wav")
    for ext in ("txt", "srt"):
        one_error_line(run("--emulator", "--fast", hello, "-o",
                           os.path.join(tmp, "no-dir", "x." + ext), expect=4),
                       r"no-dir/x\.%s" % ext)


def case_auth_errors(tmp):
    hello = os.path.join(DATA, "hello.wav")
    # The emulator refuses a key it was not given.
    one_error_line(run("--emulator", "--fast", "--set", "api-key=wrong",
                       hello, expect=5), "key")
    # No key at all (nothing is sent anywhere: the element stops first).
    env = dict(ENV)
    env.pop("ASSEMBLYAI_API_KEY", None)
    one_error_line(run("--fast", "--url", "ws://127.0.0.1:9/v3/ws", hello,
                       env=env, expect=5), "credentials")


with tempfile.TemporaryDirectory() as tmp:
    globals()["case_" + CASE.replace("-", "_")](tmp)
print(f"ok: {CASE}")
