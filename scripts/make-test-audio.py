#!/usr/bin/env python3
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
"""Make test audio whose word timings are known exactly.

Each word is synthesized on its own with espeak-ng, its own leading and
trailing silence is cut, it is converted to the target rate (mono S16LE),
padded with digital zero to a whole number of milliseconds and placed at a
whole-millisecond position. Everything between words is digital zero, so the
transcript script written next to the WAV is the ground truth, not an
estimate. `--verify` proves that for an existing WAV + script pair.

Usage:
  make-test-audio.py SPEC.json [--out DIR] [--voice V] [--speed WPM]
                     [--sample-rate HZ]
  make-test-audio.py --verify SCRIPT.json [SCRIPT.json ...]

SPEC format (JSON; see tests/data/README.md):
  {"description": "...", "audio": "hello.wav", "sample_rate": 16000,
   "voice": "en-us", "speed_wpm": 150,
   "lead_ms": 500, "word_gap_ms": 120, "turn_gap_ms": 1800, "trail_ms": 2000,
   "turns": [{"words": ["hello", "world"], "formatted": "Hello world.",
              "end_of_turn_confidence": 0.9, "language_code": "en",
              "language_confidence": 0.97, "speaker": "A"}]}
A word is a string (spoken and written as is) or an object
  {"text": "[Silence]", "noise_ms": 800, "noise_volume": 0.01}
for a tag word whose audio is low-level white noise instead of speech, or
  {"text": "ok", "say": "okay"} to speak something else than is written.
The script is written as <audio stem>.json in DIR.
"""

import argparse
import array
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import wave

# espeak-ng renders at this rate; word durations are measured here so that
# the same spec gives the same millisecond layout at every target rate.
ESPEAK_RATE = 22050
# |sample| below this counts as the word's own lead-in/tail silence. espeak
# fades in and out over a few hundred samples of near-zero values; cutting
# them makes "start" the first audible sample.
TRIM_THRESHOLD = 100

# Silence limits from the emulator contract: word gaps stay inside a turn,
# turn gaps are long enough for any end-of-turn detector to fire.
WORD_GAP_RANGE = (60, 250)
MIN_TURN_GAP_MS = 1600
MIN_TRAIL_MS = 1600
LEAD_MS = 500

SCRIPT_TURN_KEYS = ("formatted", "end_of_turn_confidence", "language_code",
                    "language_confidence", "speaker")


def fail(msg):
    sys.exit(f"make-test-audio: {msg}")


def run(cmd):
    # Fail loudly with the tool's stderr: a half-made sample is worse than none.
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0:
        fail(f"{' '.join(cmd)} failed: {res.stderr.decode(errors='replace')}")


def read_mono_s16(path):
    with wave.open(path, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            fail(f"{path}: expected mono 16-bit PCM")
        samples = array.array("h", w.readframes(w.getnframes()))
        if sys.byteorder == "big":
            samples.byteswap()
        return w.getframerate(), samples


def write_mono_s16(path, rate, samples):
    out = array.array("h", samples)
    if sys.byteorder == "big":
        out.byteswap()
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(out.tobytes())


def trim(samples):
    """Cut leading/trailing samples quieter than TRIM_THRESHOLD."""
    loud = [i for i, s in enumerate(samples) if abs(s) >= TRIM_THRESHOLD]
    if not loud:
        return array.array("h")
    return samples[loud[0]:loud[-1] + 1]


def sox_to(src, dst, rate):
    # -R: repeatable (fixed seeds), -D: no dither, so zeros stay zeros and the
    # output is byte-identical across runs.
    run(["sox", "-R", "-D", src, "-r", str(rate), "-c", "1", "-b", "16",
         "-e", "signed-integer", dst])


def render_word(word, voice, speed, tmp, idx):
    """Return the path of the word's raw audio at ESPEAK_RATE."""
    raw = os.path.join(tmp, f"w{idx}.wav")
    if "noise_ms" in word:
        # A bracket tag such as "[Silence]": whisper-rt reports it for quiet
        # non-speech, so the audio is faint noise, not digital zero (which
        # would be indistinguishable from the gaps).
        secs = f"{word['noise_ms'] / 1000:.3f}"
        vol = str(word.get("noise_volume", 0.01))
        run(["sox", "-R", "-D", "-n", "-r", str(ESPEAK_RATE), "-c", "1",
             "-b", "16", "-e", "signed-integer", raw,
             "synth", secs, "whitenoise", "vol", vol])
    else:
        spoken = os.path.join(tmp, f"s{idx}.wav")
        run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", spoken,
             "--", word.get("say", word["text"])])
        sox_to(spoken, raw, ESPEAK_RATE)
    return raw


def normalize_word(word):
    if isinstance(word, str):
        return {"text": word}
    if not isinstance(word, dict) or "text" not in word:
        fail(f"bad word entry {word!r}")
    return word


def check_spacing(spec):
    gap = spec.get("word_gap_ms", 120)
    if not WORD_GAP_RANGE[0] <= gap <= WORD_GAP_RANGE[1]:
        fail(f"word_gap_ms {gap} outside {WORD_GAP_RANGE}")
    if spec.get("turn_gap_ms", 1800) < MIN_TURN_GAP_MS:
        fail(f"turn_gap_ms must be >= {MIN_TURN_GAP_MS}")
    if spec.get("trail_ms", 2000) < MIN_TRAIL_MS:
        fail(f"trail_ms must be >= {MIN_TRAIL_MS}")


def build(spec, out_dir, voice, speed, rate):
    check_spacing(spec)
    if rate % 1000:
        # Whole-ms positions must be whole sample positions.
        fail(f"sample rate {rate} is not a multiple of 1000")
    spms = rate // 1000
    lead = spec.get("lead_ms", LEAD_MS)
    word_gap = spec.get("word_gap_ms", 120)
    turn_gap = spec.get("turn_gap_ms", 1800)
    trail = spec.get("trail_ms", 2000)

    pcm = array.array("h", [0] * (lead * spms))
    pos_ms = lead
    script_turns = []
    with tempfile.TemporaryDirectory() as tmp:
        idx = 0
        for t_i, turn in enumerate(spec["turns"]):
            if t_i:
                pos_ms += turn_gap
                pcm.extend([0] * (turn_gap * spms))
            words = [normalize_word(w) for w in turn["words"]]
            if "formatted" in turn and \
                    len(turn["formatted"].split(" ")) != len(words):
                fail(f"turn {t_i}: formatted text needs {len(words)} tokens")
            out_words = []
            for w_i, word in enumerate(words):
                if w_i:
                    pos_ms += word_gap
                    pcm.extend([0] * (word_gap * spms))
                raw = render_word(word, voice, speed, tmp, idx)
                # Duration from the espeak-rate clip: identical for any target.
                _, native = read_mono_s16(raw)
                dur_ms = math.ceil(len(trim(native)) * 1000 / ESPEAK_RATE)
                if dur_ms == 0:
                    fail(f"word {word['text']!r} rendered silent")
                conv = os.path.join(tmp, f"r{idx}.wav")
                sox_to(raw, conv, rate)
                _, clip = read_mono_s16(conv)
                clip = trim(clip)[:dur_ms * spms]
                # Pad to the whole-ms slot with digital zero.
                clip.extend([0] * (dur_ms * spms - len(clip)))
                pcm.extend(clip)
                out_words.append({"text": word["text"], "start": pos_ms,
                                  "end": pos_ms + dur_ms})
                pos_ms += dur_ms
                idx += 1
            st = {"words": out_words}
            st.update({k: turn[k] for k in SCRIPT_TURN_KEYS if k in turn})
            script_turns.append(st)
    pcm.extend([0] * (trail * spms))
    pos_ms += trail

    audio = spec["audio"]
    script = {
        "description": spec.get("description", ""),
        "audio": audio,
        "sample_rate": rate,
        "duration_ms": pos_ms,
        "turns": script_turns,
    }
    os.makedirs(out_dir, exist_ok=True)
    write_mono_s16(os.path.join(out_dir, audio), rate, pcm)
    script_path = os.path.join(out_dir, os.path.splitext(audio)[0] + ".json")
    with open(script_path, "w", encoding="utf-8") as f:
        f.write(format_script(script))
    return script_path


def format_script(script):
    """Indented JSON with one word per line, so diffs of timings stay readable."""
    text = json.dumps(script, indent=2)
    # Collapse each word object ({"text", "start", "end"}) onto one line.
    return re.sub(r'\{\s+("text": .*?)\s+\}',
                  lambda m: "{" + re.sub(r",\s+", ", ", m.group(1)) + "}",
                  text, flags=re.S) + "\n"


def verify(script_path):
    """Return a list of problems; empty means the ground truth is exact."""
    with open(script_path, encoding="utf-8") as f:
        script = json.load(f)
    wav = os.path.join(os.path.dirname(script_path), script["audio"])
    rate, pcm = read_mono_s16(wav)
    errs = []
    if rate != script["sample_rate"]:
        errs.append(f"WAV rate {rate} != script {script['sample_rate']}")
    spms = rate // 1000
    if len(pcm) != script["duration_ms"] * spms:
        errs.append(f"WAV has {len(pcm)} samples, script says "
                    f"{script['duration_ms']} ms")
    prev_end = 0
    for t_i, turn in enumerate(script["turns"]):
        if "formatted" in turn and \
                len(turn["formatted"].split(" ")) != len(turn["words"]):
            errs.append(f"turn {t_i}: formatted/words token count differ")
        for w in turn["words"]:
            s, e = w["start"] * spms, w["end"] * spms
            if w["start"] < prev_end // spms or e <= s:
                errs.append(f"{w['text']!r}: bad interval {w['start']}..{w['end']}")
            if any(pcm[prev_end:s]):
                errs.append(f"non-zero sample in the silence before {w['text']!r}")
            if pcm[s] == 0:
                errs.append(f"{w['text']!r}: silent at its start ({w['start']} ms)")
            # The last 5 ms must hold audio, so "end" is not padded far out.
            if not any(pcm[max(s, e - 5 * spms):e]):
                errs.append(f"{w['text']!r}: silent at its end ({w['end']} ms)")
            prev_end = e
    if any(pcm[prev_end:]):
        errs.append("non-zero sample in the trailing silence")
    return errs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", help="spec(s), or script(s) with --verify")
    ap.add_argument("--out", default=".", help="output directory")
    ap.add_argument("--voice", help="espeak-ng voice (overrides the spec)")
    ap.add_argument("--speed", type=int, help="words per minute (overrides)")
    ap.add_argument("--sample-rate", type=int, help="target Hz (overrides)")
    ap.add_argument("--verify", action="store_true",
                    help="check WAV + script pairs instead of generating")
    args = ap.parse_args()

    status = 0
    for path in args.files:
        if args.verify:
            script_path = path
        else:
            with open(path, encoding="utf-8") as f:
                spec = json.load(f)
            script_path = build(
                spec, args.out,
                args.voice or spec.get("voice", "en-us"),
                args.speed or spec.get("speed_wpm", 150),
                args.sample_rate or spec.get("sample_rate", 16000))
        errs = verify(script_path)
        for e in errs:
            print(f"{script_path}: {e}", file=sys.stderr)
        status |= bool(errs)
        if not errs:
            print(f"{script_path}: OK")
    return status


if __name__ == "__main__":
    sys.exit(main())
