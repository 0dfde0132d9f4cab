#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""Interop test: the official AssemblyAI JavaScript SDK against the emulator.

Usage: run-sdk-test.py EMULATOR_BINARY DATA_DIR SDK_DIR

For each case it starts the emulator on an ephemeral 127.0.0.1 port with
TLS (the SDK only speaks wss) and its default behaviour (realistic: the
service's throttle, a delay before each Turn, Warning and unknown-type
messages), streams tests/data/hello.wav through the SDK with
stream-sample.mjs, and checks that the SDK received exactly the scripted
turns, the Warning, and the Termination, and ignored the unknown type. A
client that nobody here wrote must accept the emulator. Exits 77 (meson's
skip code) only if node or the SDK is missing.
"""

import difflib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading

SCRIPT = "hello.json"
API_KEY = "sdk-key"
# The v3 API requires speech_model (the emulator refuses a session without
# it, as the service does); the SDK sends it as the speech_model query.
SPEECH_MODEL = "universal-streaming-english"
URL_TIMEOUT_S = 20   # emulator start-up, generous for sanitizer builds
NODE_TIMEOUT_S = 60
STOP_TIMEOUT_S = 10


class Failure(Exception):
    pass


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


def start_emulator(binary, data_dir, extra_args):
    cmd = [binary, "--port", "0", "--script", os.path.join(data_dir, SCRIPT),
           "--tls-cert", os.path.join(data_dir, "tls", "cert.pem"),
           "--tls-key", os.path.join(data_dir, "tls", "key.pem"),
           "--api-key", API_KEY, "--quiet"] + extra_args
    print("emulator:", " ".join(cmd))
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    except OSError as e:
        raise Failure(f"cannot start the emulator: {e}")
    # The emulator prints its URL as the first stdout line. Read it on a
    # thread so a hung emulator fails the test after a timeout instead of
    # blocking forever; the thread then keeps draining stdout so the
    # emulator can never block on a full pipe.
    lines = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        first = lines.get(timeout=URL_TIMEOUT_S)
    except queue.Empty:
        stop_emulator(proc)
        raise Failure(f"emulator printed no URL within {URL_TIMEOUT_S} s")
    if not first:
        stop_emulator(proc)
        raise Failure(f"emulator exited ({proc.poll()}) without printing a URL")
    url = first.strip()
    if not url.startswith("wss://127.0.0.1:"):
        stop_emulator(proc)
        raise Failure(f"emulator URL {url!r} is not wss://127.0.0.1:PORT...")
    # Accept a bare base URL as well as one that already names the endpoint.
    if not url.rstrip("/").endswith("/v3/ws"):
        url = url.rstrip("/") + "/v3/ws"
    return proc, url


def stop_emulator(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    print(f"emulator exit status: {proc.returncode}")
    return proc.returncode


def run_client(sdk_dir, url, wav, cert, format_turns):
    cmd = ["node", os.path.join(sdk_dir, "stream-sample.mjs"), "--url", url,
           "--api-key", API_KEY, "--wav", wav, "--speech-model", SPEECH_MODEL]
    if format_turns:
        cmd.append("--format-turns")
    env = dict(os.environ, NODE_EXTRA_CA_CERTS=cert)
    print("client:", " ".join(cmd))
    try:
        res = subprocess.run(cmd, cwd=sdk_dir, env=env, capture_output=True,
                             text=True, timeout=NODE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise Failure(f"node did not finish within {NODE_TIMEOUT_S} s")
    if res.stderr:
        print("client stderr:\n" + res.stderr.rstrip())
    lines = res.stdout.strip().splitlines()
    result = None
    if lines:
        try:
            result = json.loads(lines[-1])
        except json.JSONDecodeError:
            pass
    if result is None:
        raise Failure(f"node exited {res.returncode} without a JSON result; "
                      f"stdout: {res.stdout!r}")
    if res.returncode != 0 or result.get("error"):
        raise Failure(f"node exited {res.returncode}, SDK error: "
                      f"{result.get('error')!r}")
    return result


def show(turn_words):
    """One line per word so a mismatch prints as a readable diff."""
    return [f"{w['text']} {w['start']}..{w['end']}" for w in turn_words]


def expect_equal(what, expected, got):
    if expected != got:
        diff = "\n".join(difflib.unified_diff(expected, got, "script", "sdk",
                                              lineterm=""))
        raise Failure(f"{what} differs:\n{diff}")


def check_turns(script, turns, formatted_wanted):
    orders = [t["turn_order"] for t in turns]
    if orders != sorted(orders):
        raise Failure(f"turn_order goes backwards: {orders}")

    finals = [t for t in turns if t["end_of_turn"] and not t["turn_is_formatted"]]
    if len(finals) != len(script["turns"]):
        raise Failure(f"{len(finals)} unformatted final turns, script has "
                      f"{len(script['turns'])}: "
                      f"{[t['transcript'] for t in finals]}")
    for i, (want, got) in enumerate(zip(script["turns"], finals)):
        if got["turn_order"] != i:
            raise Failure(f"final turn {i} has turn_order {got['turn_order']}")
        expect_equal(f"turn {i} words", show(want["words"]),
                     show(got["words"]))
        raw = " ".join(w["text"] for w in want["words"])
        expect_equal(f"turn {i} transcript", [raw], [got["transcript"]])

    formatted = [t for t in turns if t["turn_is_formatted"]]
    if not formatted_wanted:
        if formatted:
            raise Failure("formatted turns arrived without format_turns: "
                          f"{[t['transcript'] for t in formatted]}")
        return
    if len(formatted) != len(script["turns"]):
        raise Failure(f"{len(formatted)} formatted turns, script has "
                      f"{len(script['turns'])}")
    for i, (want, got) in enumerate(zip(script["turns"], formatted)):
        if got["turn_order"] != i or not got["end_of_turn"]:
            raise Failure(f"formatted turn {i}: turn_order {got['turn_order']}"
                          f", end_of_turn {got['end_of_turn']}")
        text = want.get("formatted")
        expect_equal(f"turn {i} formatted transcript", [text],
                     [got["transcript"]])
        # Formatted words carry the formatted tokens at the scripted times.
        tokens = [dict(w, text=tok)
                  for w, tok in zip(want["words"], text.split(" "))]
        expect_equal(f"turn {i} formatted words", show(tokens),
                     show(got["words"]))


def check_extras(result):
    """The realistic default's extra messages reached the SDK: the Warning
    as its 'warning' event, the unknown type as nothing at all (no event, no
    error; the SDK's error list is checked by run_client)."""
    warnings = result.get("warnings") or []
    if not warnings:
        raise Failure("no Warning reached the SDK (the emulator's realistic "
                      "default sends one at 2.5 s of audio)")
    for w in warnings:
        if not isinstance(w.get("warning_code"), int) or \
                not isinstance(w.get("warning"), str):
            raise Failure(f"Warning without code and text: {w}")
    if "EmulatorFutureEvent" not in (result.get("other_types") or []):
        raise Failure("the unknown-type message (at 4 s of audio) did not "
                      f"reach the SDK: {result.get('other_types')}")


def run_case(name, emulator, data_dir, sdk_dir, format_turns, extra_args):
    print(f"--- case {name}")
    with open(os.path.join(data_dir, SCRIPT), encoding="utf-8") as f:
        script = json.load(f)
    wav = os.path.join(data_dir, script["audio"])
    cert = os.path.abspath(os.path.join(data_dir, "tls", "cert.pem"))
    proc, url = start_emulator(emulator, data_dir, extra_args)
    try:
        result = run_client(sdk_dir, url, wav, cert, format_turns)
    finally:
        status = stop_emulator(proc)
    # SIGTERM is handled (clean exit 0) or, if it lands before the handler is
    # installed, kills the emulator. Death by another signal means it crashed
    # or hung (killed after STOP_TIMEOUT_S). A positive status is only
    # reported: it comes from at-exit checks (LeakSanitizer) whose findings
    # belong to the emulator's own suites, while an error during the session
    # already fails the client side above.
    if status < 0 and status != -signal.SIGTERM:
        raise Failure(f"emulator died from signal {-status}")
    if status > 0:
        print(f"WARNING: emulator exit status {status} after the session "
              "(see its stderr)")
    begin = result.get("begin") or {}
    if not begin.get("id"):
        raise Failure(f"Begin without a session id: {begin}")
    if not result.get("closed") or not result.get("termination"):
        raise Failure(f"session did not end with Termination: {result}")
    check_turns(script, result["turns"], format_turns)
    check_extras(result)
    print(f"ok: session {begin['id']}, {len(result['turns'])} turn events, "
          f"termination {result['termination']}")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    emulator, data_dir, sdk_dir = (os.path.abspath(a) for a in sys.argv[1:])
    if shutil.which("node") is None:
        skip("node is not installed")
    if not os.path.isfile(os.path.join(sdk_dir, "node_modules", "assemblyai",
                                       "package.json")):
        skip(f"the AssemblyAI SDK is not installed in {sdk_dir}/node_modules "
             "(run scripts/setup.sh or `npm ci` there)")

    # The program's defaults, once in real time (7.3 s of audio: about 6 s
    # at the throttle's 1.25x) and once time-scaled 5x.
    cases = (("unformatted", False, []),
             ("format-turns, time-scaled", True, ["--time-scale", "0.2"]))
    failed = 0
    for name, fmt, extra_args in cases:
        try:
            run_case(name, emulator, data_dir, sdk_dir, fmt, extra_args)
        except Failure as e:
            print(f"FAIL ({name}): {e}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
