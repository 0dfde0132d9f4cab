#!/usr/bin/env bash
# Runs the whole test suite: the default build (gst-check with the leaks
# tracer), the AddressSanitizer build, a short run of each libFuzzer
# target (build-fuzz, suite "fuzz", ~20 s each) and the Debian package test
# (scripts/package-test.sh: built once, installed in a throw-away root).
# Ends with "N passed, N failed", counting every gst-check test case (and
# every other test, a fuzz run and the package test included) of all runs.
#
#   scripts/test.sh                 everything (what .ci/run calls)
#   scripts/test.sh --no-asan       without the ASan build (quicker while developing)
#   scripts/test.sh --no-fuzz       without the fuzz runs
#   scripts/test.sh --no-package    without the Debian package test
#   scripts/test.sh -- ARGS         extra arguments for meson test (e.g. a suite name)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

asan=1
fuzz=1
package=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-asan) asan=0 ;;
    --no-fuzz) fuzz=0 ;;
    --no-package) package=0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

setup_args=()
[ "$asan" -eq 1 ] && setup_args+=(--asan)
[ "$fuzz" -eq 1 ] && setup_args+=(--fuzz)
scripts/setup.sh "${setup_args[@]}" || { echo "0 passed, 1 failed"; exit 1; }

dirs=(build)
[ "$asan" -eq 1 ] && dirs+=(build-asan)
[ "$fuzz" -eq 1 ] && dirs+=(build-fuzz)
rc=0
counted=()
for d in "${dirs[@]}"; do
  echo "=== meson test -C $d ==="
  # A log left from an earlier run must not be counted again.
  rm -f "$d/meson-logs/testlog.json"
  # -v so the gst-check summary lines reach the output (meson hides them otherwise).
  dir_rc=0
  meson test -C "$d" --print-errorlogs -v "${extra[@]}" >"$d/test-output.txt" 2>&1 || dir_rc=1
  [ $dir_rc -ne 0 ] && rc=1
  # A dir none of whose tests the extra arguments select is not counted
  # (e.g. build-fuzz for "-- protocol").
  if [ -f "$d/meson-logs/testlog.json" ] ||
     ! grep -q "No suitable tests defined" "$d/test-output.txt"; then
    counted+=("$d")
  fi
  grep -E "^ *[0-9]+/[0-9]+ |Checks: |^(Ok|Fail|Expected|Unexpected|Skipped|Timeout):" \
    "$d/test-output.txt" || true
  if [ $dir_rc -ne 0 ]; then
    echo "--- failures in $d (full log: $d/test-output.txt) ---"
    grep -E ":[EF]:|FAIL|ERROR|AddressSanitizer|LeakSanitizer|Leaks detected" \
      "$d/test-output.txt" | head -60 || true
  fi
done

# The package is built once per run, after the suites (it takes both cores).
results=()
if [ "$package" -eq 1 ] && [ ${#extra[@]} -eq 0 ]; then
  echo "=== scripts/package-test.sh ==="
  if scripts/package-test.sh build/package-test.log >build/package-test.out 2>&1; then
    results+=(--result debian-package=ok)
  else
    results+=(--result debian-package=fail)
    rc=1
  fi
  grep "^package-test:" build/package-test.out || true
fi

python3 scripts/count-results.py "${results[@]}" "${counted[@]}"
status=$?
[ $rc -ne 0 ] && status=1
exit $status
