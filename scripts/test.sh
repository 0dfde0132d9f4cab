#!/usr/bin/env bash
# Runs the whole test suite: the default build (gst-check with the leaks
# tracer) and the AddressSanitizer build. Ends with "N passed, N failed",
# counting every gst-check test case (and every non-check test) of both runs.
#
#   scripts/test.sh                 everything (what .ci/run calls)
#   scripts/test.sh --no-asan       default build only (quicker while developing)
#   scripts/test.sh -- ARGS         extra arguments for meson test (e.g. a suite name)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

asan=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-asan) asan=0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$asan" -eq 1 ]; then
  scripts/setup.sh --asan || { echo "0 passed, 1 failed"; exit 1; }
else
  scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
fi

dirs=(build)
[ "$asan" -eq 1 ] && dirs+=(build-asan)
rc=0
for d in "${dirs[@]}"; do
  echo "=== meson test -C $d ==="
  # -v so the gst-check summary lines reach the output (meson hides them otherwise).
  meson test -C "$d" --print-errorlogs -v "${extra[@]}" >"$d/test-output.txt" 2>&1 || rc=1
  grep -E "^ *[0-9]+/[0-9]+ |Checks: |^(Ok|Fail|Expected|Unexpected|Skipped|Timeout):" \
    "$d/test-output.txt" || true
  if [ $rc -ne 0 ]; then
    echo "--- failures in $d (full log: $d/test-output.txt) ---"
    grep -E ":[EF]:|FAIL|ERROR|AddressSanitizer|LeakSanitizer|Leaks detected" \
      "$d/test-output.txt" | head -60 || true
  fi
done

python3 scripts/count-results.py "${dirs[@]}"
status=$?
[ $rc -ne 0 ] && status=1
exit $status
