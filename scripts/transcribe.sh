#!/usr/bin/env bash
# The quickstart: installs missing Debian packages, builds, and runs the
# assemblyai-transcribe command from the build tree. With no arguments it
# transcribes the bundled sample, tests/data/hello.wav, into
# build/hello.{srt,vtt,txt,json}. With ASSEMBLYAI_API_KEY set it uses the
# real service; without, the bundled emulator (--emulator).
#
#   scripts/transcribe.sh                      the bundled sample
#   scripts/transcribe.sh [OPTIONS] INPUT...   any assemblyai-transcribe
#                                              command line (--help)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh

# The build tree's plugin and emulator (an installed system needs neither).
export GST_PLUGIN_PATH_1_0="$root/build/gst/assemblyai"
export ASSEMBLYAI_EMULATOR="$root/build/tests/emulator/assemblyai-emulator"

args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(tests/data/hello.wav -o build/hello.srt -o build/hello.vtt
        -o build/hello.txt -o build/hello.json)
fi
if [ -z "${ASSEMBLYAI_API_KEY:-}" ]; then
  echo "transcribe: no ASSEMBLYAI_API_KEY: using the bundled emulator"
  args=(--emulator "${args[@]}")
else
  echo "transcribe: using the real AssemblyAI service (ASSEMBLYAI_API_KEY is set)"
fi
set +e
build/tools/assemblyai-transcribe "${args[@]}"
status=$?
set -e
if [ $status -eq 0 ] && [ $# -eq 0 ]; then
  for f in build/hello.txt build/hello.srt; do
    echo "--- $f"
    cat "$f"
  done
  echo "--- also build/hello.vtt and build/hello.json"
fi
exit $status
