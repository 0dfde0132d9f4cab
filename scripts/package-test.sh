#!/usr/bin/env bash
# Builds the Debian packages from this tree (dpkg-buildpackage -us -uc -b,
# once) and proves them in a throw-away root: installs them with dpkg and
# transcribes the packaged sample there to SRT, VTT, TXT and JSON with the
# installed command, with no build tree and no GStreamer environment
# variable.
#
# The throw-away root is this machine's own Debian 12 root filesystem seen
# through an overlay (lowerdir=/, upper on a tmpfs) in a private mount
# namespace (unshare -m), entered with chroot. Whatever dpkg writes there
# vanishes with the namespace; the host is never touched. It is a real
# dpkg install (Depends checked, files in /usr/lib/<triplet>/gstreamer-1.0
# where GStreamer looks) at the cost of a mount, instead of the minutes
# and the ~200 MB of downloads per run that a debootstrap chroot would
# cost (CI runs the suite 3 times). Needs root (CI is root).
#
#   scripts/package-test.sh [LOG]     LOG: where the build log goes
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="${1:-$root/build/package-test.log}"
work="$(mktemp -d /tmp/aai-package.XXXXXX)"
trap 'rm -rf "$work"' EXIT
say() { echo "package-test: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  say "FAIL: needs root (a mount namespace and chroot)"; exit 1
fi

# 1. The source as committed plus untracked files, without build trees.
src="$work/gst-assemblyai"
mkdir -p "$src"
(cd "$root" && git ls-files -co --exclude-standard -z |
   xargs -0 cp --parents -t "$src")
say "building the packages (log: $log)"
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
        dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
  tail -30 "$log"; say "FAIL: dpkg-buildpackage"; exit 1
fi
# The -dbgsym packages are not needed to run.
debs=()
for d in "$work"/*.deb; do
  case "$d" in *-dbgsym_*) ;; *) debs+=("$d") ;; esac
done
say "built: $(cd "$work" && echo *.deb)"

# 2. Install and run them in the throw-away root.
cat >"$work/in-root.sh" <<'INROOT'
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
check() { if "$@"; then :; else echo "package-test: FAIL: $*"; exit 1; fi; }
plugin=$(pkg-config --variable=pluginsdir gstreamer-1.0 2>/dev/null ||
         echo /usr/lib/x86_64-linux-gnu/gstreamer-1.0)
# A copy installed by hand on this machine would prove nothing.
rm -f "$plugin/libgstassemblyai.so" /usr/local/lib/*/gstreamer-1.0/libgstassemblyai.so
mkdir -p /tmp/home /tmp/out
clean=(env -i PATH=/usr/bin:/bin HOME=/tmp/home)
check test "$("${clean[@]}" gst-inspect-1.0 assemblyaitranscriber >/dev/null 2>&1; echo $?)" != 0
dpkg -i /tmp/debs/*.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; exit 1; }
check test -f "$plugin/libgstassemblyai.so"
"${clean[@]}" gst-inspect-1.0 assemblyaitranscriber >/tmp/inspect.txt
check "${clean[@]}" gst-inspect-1.0 --exists --atleast-version=0.1 assemblyaicea608enc
check "${clean[@]}" gst-inspect-1.0 --exists --atleast-version=0.1 assemblyaivoiceagent
# The file GStreamer loaded (merged /usr: /lib/... is /usr/lib/...).
loaded=$(sed -n 's/^ *Filename *//p' /tmp/inspect.txt)
[ "$(readlink -f "$loaded")" = "$(readlink -f "$plugin/libgstassemblyai.so")" ] ||
  { echo "package-test: FAIL: loaded $loaded, not the package's"; exit 1; }
s=/usr/share/gst-assemblyai/samples
"${clean[@]}" assemblyai-transcribe --emulator --fast "$s/hello.wav" \
  -o /tmp/out/hello.srt -o /tmp/out/hello.vtt -o /tmp/out/hello.txt \
  -o /tmp/out/hello.json
check test "$(cat /tmp/out/hello.txt)" = "$(printf 'Hello world.\nThis is a test.')"
check grep -q -- "--> " /tmp/out/hello.srt
check grep -q "^WEBVTT" /tmp/out/hello.vtt
check grep -q '"transcript" : "This is a test."' /tmp/out/hello.json
echo "package-test: installed: gst-inspect-1.0 finds $plugin/libgstassemblyai.so; assemblyai-transcribe wrote SRT, VTT, TXT, JSON"
INROOT
unshare -m --propagation private bash -euo pipefail -c '
  work=$1; shift
  mkdir -p "$work/ovl"
  mount -t tmpfs tmpfs "$work/ovl"
  mkdir -p "$work/ovl/upper" "$work/ovl/work" "$work/ovl/root"
  mount -t overlay overlay \
    -o lowerdir=/,upperdir="$work/ovl/upper",workdir="$work/ovl/work" \
    "$work/ovl/root"
  r="$work/ovl/root"
  mount -t proc proc "$r/proc"
  mount --rbind /dev "$r/dev"
  mount -t tmpfs tmpfs "$r/tmp"
  mkdir -p "$r/tmp/debs"
  cp "$@" "$r/tmp/debs/"
  cp "$work/in-root.sh" "$r/tmp/"
  chroot "$r" /bin/bash /tmp/in-root.sh
' package-test "$work" "${debs[@]}"
say "ok"
