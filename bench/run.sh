#!/usr/bin/env bash
# gst-assemblyai — SPDX-License-Identifier: LGPL-2.1-or-later
# The benchmark in one command: builds the plugin, the emulator and the
# bench programs in build-bench/ (-O2, no sanitizer) and runs bench/run.py,
# which writes docs/benchmarks.md. Any argument goes to run.py, e.g.
#
#   bench/run.sh                 everything (about 1.5 hours on 2 cores)
#   bench/run.sh --quick         one repetition, a short sweep
#   bench/run.sh --only latency  one section (sweep, file, connect, latency,
#                                scale, real)
#
# With ASSEMBLYAI_API_KEY set it also runs a few small sessions against the
# real service (section "real"). Not a test: scripts/test.sh never runs it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Debian packages and the JavaScript SDK (tests/sdk) come from setup.sh.
if ! command -v meson >/dev/null || ! command -v node >/dev/null ||
   [ ! -d tests/sdk/node_modules/assemblyai ]; then
  scripts/setup.sh
fi
if [ ! -f build-bench/build.ninja ]; then
  meson setup build-bench --buildtype=debugoptimized -Dbench=enabled \
    -Ddoc=disabled -Dexamples=disabled >/dev/null
fi
meson compile -C build-bench gstassemblyai assemblyai-emulator:executable \
  aai-bench-plugin aai-bench-relay >/dev/null
BENCH_ARGS="$*" exec python3 bench/run.py --build build-bench "$@"
