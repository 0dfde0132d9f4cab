#!/usr/bin/env bash
# Installs the Debian packages gst-assemblyai needs (only those missing, so a
# second run is fast), the JavaScript SDK used by the interop test, and
# configures and builds the default, AddressSanitizer and fuzzing build trees.
#
#   scripts/setup.sh            install + build build/
#   scripts/setup.sh --asan     also build the ASan tree build-asan/
#   scripts/setup.sh --fuzz     also build the libFuzzer targets in build-fuzz/
#                               (clang, ASan + UBSan; fuzz/README.md)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

want_asan=0
want_fuzz=0
for a in "$@"; do
  case "$a" in
    --asan) want_asan=1 ;;
    --fuzz) want_fuzz=1 ;;
    *) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

packages=(
  meson ninja-build g++ pkg-config
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libsoup-3.0-dev libjson-glib-dev glib-networking
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-x
  valgrind espeak-ng sox openssl nodejs npm
  # examples/: the Python example (GstValueArray needs the gi overrides).
  python3-gi python3-gst-1.0
  # The Debian package test (scripts/package-test.sh).
  dpkg-dev debhelper
  # The caption tests read the captions back with FFmpeg's decoder; x264enc
  # (plugins-ugly) writes them into H.264 as A/53.
  ffmpeg
)
# The fuzz targets need clang and its libFuzzer runtime (libclang_rt.fuzzer
# and <fuzzer/FuzzedDataProvider.h>, in libclang-rt-14-dev on Debian 12).
if [ "$want_fuzz" -eq 1 ]; then
  packages+=(clang libclang-rt-14-dev)
fi
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    # node/npm may come from outside Debian on some images; accept them if present.
    if { [ "$p" = nodejs ] && command -v node >/dev/null; } ||
       { [ "$p" = npm ] && command -v npm >/dev/null; }; then
      continue
    fi
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# The official AssemblyAI JavaScript SDK, for the interop test (tests/sdk).
if [ -f tests/sdk/package.json ] && [ ! -d tests/sdk/node_modules/assemblyai ]; then
  echo "setup: installing the AssemblyAI JavaScript SDK (npm)"
  (cd tests/sdk && npm ci --silent --no-audit --no-fund >/dev/null)
fi

configure() {
  local dir="$1"; shift
  local log="$dir.setup.log"
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  fi
  meson compile -C "$dir" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  rm -f "$log"
}
# The project's own builds turn warnings into errors (a user's build does
# not: a newer compiler's new warning must not break it).
configure build -Dwerror=true
if [ "$want_asan" -eq 1 ]; then
  configure build-asan -Dwerror=true -Db_sanitize=address -Dbench=disabled \
    -Dexamples=disabled -Ddoc=disabled
fi
if [ "$want_fuzz" -eq 1 ]; then
  # b_lundef=false: clang leaves the sanitizer runtime out of shared
  # libraries (the plugin), which would fail -Wl,--no-undefined.
  (
    export CC=clang CXX=clang++
    configure build-fuzz -Dwerror=true -Dfuzzing=enabled -Dtests=disabled \
      -Db_sanitize=address,undefined -Db_lundef=false \
      -Dexamples=disabled -Dbench=disabled -Ddoc=disabled -Demulator=disabled
  )
fi
