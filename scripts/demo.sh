#!/usr/bin/env bash
# The main job: transcribe a sample with a real pipeline into SubRip
# captions (build/<name>.srt) and print every turn. With ASSEMBLYAI_API_KEY set it talks to the real service; without,
# to the bundled emulator (started here on 127.0.0.1, stopped at the end).
#
#   scripts/demo.sh [WAV]      default: tests/data/hello.wav
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh

wav="${1:-tests/data/hello.wav}"
export GST_PLUGIN_PATH_1_0="$root/build/gst/assemblyai"
export GIO_USE_PROXY_RESOLVER="${GIO_USE_PROXY_RESOLVER:-}"

emulator_pid=""
cleanup() { [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true; }
trap cleanup EXIT

props=()
if [ -n "${ASSEMBLYAI_API_KEY:-}" ]; then
  echo "demo: using the real AssemblyAI service (ASSEMBLYAI_API_KEY is set)"
else
  script="${wav%.wav}.json"
  [ -f "$script" ] || { echo "demo: no transcript script $script for the emulator" >&2; exit 1; }
  fifo="$(mktemp -u)"; mkfifo "$fifo"
  build/tests/emulator/assemblyai-emulator --port 0 --script "$script" \
    --api-key demo-key --quiet >"$fifo" &
  emulator_pid=$!
  read -r url <"$fifo"; rm -f "$fifo"
  echo "demo: no ASSEMBLYAI_API_KEY: using the bundled emulator at $url"
  props+=(url="$url" api-key=demo-key)
  export GIO_USE_PROXY_RESOLVER=dummy
fi

# The transcriber paces the file to real time (as the service expects),
# posts every turn on the bus (-m, printed below) and writes the caption
# cues as SubRip subtitles.
srt="build/$(basename "${wav%.wav}").srt"
set +e
gst-launch-1.0 -m filesrc location="$wav" ! wavparse ! audioconvert ! \
  audioresample ! assemblyaitranscriber name=t format-turns=true "${props[@]}" \
  t.caption_src ! srtenc ! filesink location="$srt" 2>&1 |
  python3 scripts/print-turns.py
status=("${PIPESTATUS[@]}")
set -e
[ "${status[0]}" -eq 0 ] && [ "${status[1]}" -eq 0 ] || exit 1
echo "demo: captions written to $srt:"
cat "$srt"
