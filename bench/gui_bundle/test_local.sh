#!/usr/bin/env bash
# Local test of the GUI bundle, simulating the device on this machine (root, Debian 12, no GPU):
# in a private mount namespace the system's X11/xcb/GL/Mesa/LLVM/ICU/png/sqlite/toml++/muparser
# libraries, the DRI drivers, Xvfb, xkbcomp and /usr/share/X11 are hidden; run_gui.sh then runs
# the GUI's replay mode (no GPU here) from a scrubbed environment (env -i PATH=/usr/bin:/bin).
# Checks: a PNG comes out, and every library the processes loaded came from the bundle (or is a
# generic one the device has: glibc, libstdc++, zlib, ...). Then the NVIDIA-first logic: a fake
# libGLX_nvidia.so.0 that cannot work must make run_gui.sh fall back to Mesa.
#   bench/gui_bundle/test_local.sh            (after bench/gui_bundle/make_bundle.sh)
# Leaves its screenshots in /tmp/guisim/out/shots.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
S=/tmp/guisim
[ -f .carry-gui/gui-bundle.tar.xz ] || { echo "test_local: build the bundle first (make_bundle.sh)"; exit 1; }
[ -x build/app/gui/gemmscope ] && [ -x build/app/replay_runner/gemmscope-replay-runner ] \
  || { echo "test_local: needs build/app/gui/gemmscope and build/app/replay_runner/gemmscope-replay-runner"; exit 1; }
rm -rf "$S" /tmp/guib
mkdir -p "$S/real" "$S/fake" "$S/empty" "$S/home" "$S/out"
cards=bench/results/cards-h200-2026-12-01
python3 -c 'import json, sys; json.dump([e for f in sys.argv[2:] for e in json.load(open(f))], open(sys.argv[1], "w"))' \
  "$S/cards.json" "$cards/cards_results.json" "$cards/tuned_results.json"
echo 'int not_a_glx_vendor;' | gcc -shared -fPIC -x c - -o "$S/libGLX_nvidia.so.0"

unshare -m bash -s "$S" "$root" <<'NS'
set -euo pipefail
S="$1"; cd "$2"
mount --make-rprivate /
A=/usr/lib/x86_64-linux-gnu
mount --bind "$A" "$S/real"
hide='^(libX|libxcb|libxkb|libGL|libEGL|libOpenGL|libgbm|libglapi|libGLES|libvulkan|libwayland|libdecor|libdrm|libLLVM|libz3|libxml2|libicu|libpng|libsqlite|libtomlplusplus|libmuparser|libxshmfence|libsensors|libpixman|libfontenc|libfreetype|libedit|libelf|libpciaccess|libunwind|libbrotli|libgomp)'
n_hidden=0
for e in "$S/real"/*; do
  n="$(basename "$e")"
  if [[ "$n" =~ $hide ]]; then n_hidden=$((n_hidden + 1)); continue; fi
  case "$n" in dri|xorg|vdpau|glvnd|mesa*) n_hidden=$((n_hidden + 1)); continue;; esac
  ln -s "$S/real/$n" "$S/fake/$n"
done
mount --bind "$S/fake" "$A"
for b in /usr/bin/Xvfb /usr/bin/xkbcomp /usr/bin/xvfb-run /usr/bin/glxinfo; do [ -e "$b" ] && mount --bind /dev/null "$b"; done
mount --bind "$S/empty" /usr/share/X11
[ -d /usr/share/glvnd ] && mount --bind "$S/empty" /usr/share/glvnd
echo "test_local: hid $n_hidden entries of $A, Xvfb, xkbcomp, /usr/share/X11"
echo "test_local: the system now has: libX11 $(ls $A/libX11.so.6 2>/dev/null || echo none), swrast $(ls $A/dri 2>/dev/null || echo none), /usr/bin/xkbcomp runs: $(/usr/bin/xkbcomp -version >/dev/null 2>&1 && echo yes || echo no)"
echo "test_local: the GUI without the bundle: $(build/app/gui/gemmscope --help 2>&1 | head -1)"

# (display 117: a test elsewhere on this machine may hold :99)
run() { env -i PATH=/usr/bin:/bin HOME="$S/home" OUT="$S/out" GUI_KEEP_LOGS=1 GUI_DISPLAY=117 "$@"; }
echo "=== 1. the card_p9 preset, replayed (Mesa: no libGLX_nvidia here)"
run bench/gui_bundle/run_gui.sh build/app/gui/gemmscope --size 1600x1000 --report docs/screenshots/preset_card_p9.json \
  --out "$S/out/shots" --replay "$S/cards.json" --replay-spec assets/sample/h200-measured-2026-12-01.json \
  --replay-delay-ms 5 --store "$S/card.sqlite" 2>&1 | tee "$S/run1.log" | grep -E '^run_gui|^    GL|GLFW|rror' || true
ls -la "$S/out/shots"
logs="$(sed -n 's/^run_gui: logs kept in //p' "$S/run1.log" | tail -1)"
echo "=== 2. where every loaded library came from (LD_DEBUG=files of all processes)"
cat "$logs"/ld-* | sed -n 's/.*calling init: //p' | sort | uniq -c | sort -k2 > "$S/loaded.txt"
echo "from the bundle: $(grep -c ' /tmp/guib/' "$S/loaded.txt" || true) objects; from elsewhere:"
grep -v ' /tmp/guib/' "$S/loaded.txt" || true
grep -E 'libX11|libGLX|libGL\.so|swrast|libLLVM|libxcb\.so' "$S/loaded.txt"
if grep -v ' /tmp/guib/' "$S/loaded.txt" | grep -q -E 'libX|libxcb|libGL|libOpenGL|swrast|LLVM|libdrm|libpng|sqlite|toml|muparser'; then
  echo "test_local: FAILED: an X/GL library came from outside the bundle"; exit 1
fi
echo "=== 3. NVIDIA first, falling back to Mesa: a fake libGLX_nvidia.so.0 in $A"
cp "$S/libGLX_nvidia.so.0" "$S/fake/"
run bench/gui_bundle/run_gui.sh build/app/gui/gemmscope --size 1280x720 --report docs/screenshots/preset_no_gpu.json \
  --out "$S/out/nogpu" --runner /nonexistent/gemmscope-runner --no-store 2>&1 | grep -E '^run_gui|^    GL|GLFW|rror' || true
rm -f "$S/fake/libGLX_nvidia.so.0"
ls "$S/out/nogpu"
echo "=== 4. the retry: a command that fails with a GLFW/GLX error on the NVIDIA attempt (GUI_GLX=auto)"
cp "$S/libGLX_nvidia.so.0" "$S/fake/"
run bench/gui_bundle/run_gui.sh bash -c '[ "$__GLX_VENDOR_LIBRARY_NAME" = nvidia ] && { echo "gemmscope: GLFW error 65543: GLX: Failed to create context: GLXBadFBConfig" >&2; exit 1; };
  exec build/app/gui/gemmscope --size 1280x720 --report docs/screenshots/preset_no_gpu.json --out "$0" --runner /nonexistent/gemmscope-runner --no-store' \
  "$S/out/retry" 2>&1 | grep -E '^run_gui|^    GL|GLFW|rror' || true
rm -f "$S/fake/libGLX_nvidia.so.0"
ls "$S/out/retry"
NS
