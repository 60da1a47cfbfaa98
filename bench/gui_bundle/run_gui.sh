#!/usr/bin/env bash
# Runs a GUI command under the bundled Xvfb on a machine with no X server and no X/GL libraries
# (the device): unpacks .carry-gui/gui-bundle.tar.xz (bench/gui_bundle/make_bundle.sh) into
# /tmp/guib, starts Xvfb :99 with GLX, runs the command with DISPLAY=:99, stops Xvfb.
# From the repository root:
#   bench/gui_bundle/run_gui.sh build/app/gui/gemmscope --size 1600x1000 --report PRESET --out $OUT/shots
# It tries the GPU's GLX first (__GLX_VENDOR_LIBRARY_NAME=nvidia, when libGLX_nvidia.so.0 is
# found); if the command then fails with a GLFW/GLX error, it runs it once more on Mesa's software
# GLX (llvmpipe). build/app/gui/gemmscope is taken from the bundle when the tree has none.
# Before each attempt bin/glxprobe prints the GL_VENDOR/GL_RENDERER that attempt gets.
# Environment: OUT (default ./device-out; xvfb.log goes there), GUI_GLX=auto|nvidia|mesa,
#   GUI_DISPLAY (99), GUI_SCREEN (1600x1000x24), GUI_BUNDLE (the archive), GUI_DIR (/tmp/guib),
#   GUI_TIMEOUT (seconds per attempt, 540), GUI_LD_DEBUG=0 (skip logging which GL libraries loaded).
# Exit status: the command's, or 90-95 when the bundle, its libraries or Xvfb fail (said why).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$PWD/device-out}"
mkdir -p "$OUT"
archive="${GUI_BUNDLE:-$PWD/.carry-gui/gui-bundle.tar.xz}"
G="${GUI_DIR:-/tmp/guib}"
disp="${GUI_DISPLAY:-99}"
screen="${GUI_SCREEN:-1600x1000x24}"
mode="${GUI_GLX:-auto}"
say() { echo "run_gui: $*" >&2; }
die() { local rc="$1"; shift; say "FAILED: $*"; exit "$rc"; }
[ $# -ge 1 ] || die 90 "no command given (usage: bench/gui_bundle/run_gui.sh COMMAND [ARGS...])"

# 1. The bundle, unpacked once per archive.
[ -f "$archive" ] || die 90 "no bundle at $archive (build it with bench/gui_bundle/make_bundle.sh and carry .carry-gui)"
stamp="$(stat -c '%s %Y' "$archive")"
if [ "$(cat "$G/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$G" "$G.part"; mkdir -p "$G.part"
  if command -v xz >/dev/null; then
    tar -C "$G.part" -xJf "$archive" || die 90 "could not unpack $archive with tar/xz"
  else  # the image may lack xz; python's tarfile reads it
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$archive" "$G.part" \
      || die 90 "no xz here, and python3 could not unpack $archive"
  fi
  [ -x "$G.part/guib/bin/Xvfb" ] || die 90 "$archive has no guib/bin/Xvfb"
  mv "$G.part/guib" "$G" && rmdir "$G.part" && echo "$stamp" > "$G/.stamp"
  say "unpacked $archive ($((${stamp%% *} / 1048576)) MiB) into $G"
fi
# The bundled Xvfb runs its keymap compiler as /tmp/gxb/xkbcomp (patched from /usr/bin/xkbcomp).
ln -sfn "$G/bin" /tmp/gxb || die 90 "could not link /tmp/gxb to $G/bin (Xvfb runs xkbcomp from there)"

# 2. Library path: the bundle's X/GL stack first, then the NVIDIA driver's libraries, the
#    caller's path and the system's, the bundle's generic libraries last (a fallback only).
nv_dirs=(); nv_glx=""
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64; do
  [ -d "$d" ] || continue
  case "$d" in /usr/local/nvidia/*) nv_dirs+=("$d");; esac
  [ -z "$nv_glx" ] && [ -e "$d/libGLX_nvidia.so.0" ] && nv_glx="$d/libGLX_nvidia.so.0"
done
if [ -z "$nv_glx" ] && command -v ldconfig >/dev/null; then
  nv_glx="$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0 .*x86-64/ {print $NF; exit}')"
fi
if [ -n "$nv_glx" ]; then
  nd="$(dirname "$nv_glx")"
  case "$nd" in /usr/lib/x86_64-linux-gnu|/lib/x86_64-linux-gnu|/usr/local/nvidia/lib64|/usr/local/nvidia/lib) ;; *) nv_dirs+=("$nd");; esac
fi
lp="$G/lib"
for d in "${nv_dirs[@]}"; do lp="$lp:$d"; done
[ -n "${LD_LIBRARY_PATH:-}" ] && lp="$lp:$LD_LIBRARY_PATH"
lp="$lp:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:$G/lib/base"
export LD_LIBRARY_PATH="$lp" LIBGL_DRIVERS_PATH="$G/lib/dri"
unset WAYLAND_DISPLAY
say "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
if [ -n "$nv_glx" ]; then say "NVIDIA GLX: $nv_glx"; else say "NVIDIA GLX: libGLX_nvidia.so.0 not found (looked in /usr/local/nvidia/lib64, /usr/local/nvidia/lib, /usr/lib/x86_64-linux-gnu, ldconfig)"; fi

# 3. Every bundled program and library resolves?
app="$1"
if [ ! -e "$app" ] && [ "$(basename "$app")" = gemmscope ]; then
  mkdir -p "$(dirname "$app")" && cp "$G/bin/gemmscope" "$app" && say "installed the bundle's GUI as $app ($(sed -n 2p "$G/MANIFEST"))"
fi
command -v "$app" >/dev/null || die 91 "no such command: $app"
if command -v ldd >/dev/null; then
  missing=0
  for f in "$G"/bin/Xvfb "$G"/bin/xkbcomp "$G"/lib/dri/swrast_dri.so "$G"/lib/*.so* "$(command -v "$app")"; do
    [ "$(head -c 4 "$f" | tail -c 3)" = ELF ] || continue
    nf="$(ldd "$f" 2>&1 | grep 'not found')"
    [ -n "$nf" ] && { say "$f: missing libraries:"; echo "$nf" >&2; missing=1; }
  done
  if [ -n "$nv_glx" ]; then
    nf="$(ldd "$nv_glx" 2>&1 | grep 'not found')"
    [ -n "$nf" ] && { say "warning: $nv_glx lacks (the NVIDIA path will fail, Mesa will be tried):"; echo "$nf" >&2; }
  fi
  [ "$missing" = 0 ] || die 92 "libraries missing (above): not in $G/lib nor on the system"
else
  say "no ldd here: skipping the library check"
fi
"$G/bin/xkbcomp" -version >/dev/null 2>&1 || die 92 "the bundled xkbcomp does not run: $("$G/bin/xkbcomp" -version 2>&1 | head -3)"

# 4. Xvfb, until it accepts connections.
if [ -e "/tmp/.X$disp-lock" ]; then
  holder="$(tr -d ' ' < "/tmp/.X$disp-lock" 2>/dev/null)"
  if [ -n "$holder" ] && kill -0 "$holder" 2>/dev/null; then die 93 "display :$disp is taken by pid $holder (set GUI_DISPLAY)"; fi
  rm -f "/tmp/.X$disp-lock" "/tmp/.X11-unix/X$disp"
fi
ready="$(mktemp)"
"$G/bin/Xvfb" ":$disp" -screen 0 "$screen" +extension GLX -nolisten tcp -xkbdir "$G/share/X11/xkb" \
  -displayfd 3 3>"$ready" > "$OUT/xvfb.log" 2>&1 &
xpid=$!
stop_x() { kill "$xpid" 2>/dev/null; wait "$xpid" 2>/dev/null; rm -f "$ready"; }
trap stop_x EXIT
for _ in $(seq 1 150); do
  [ -s "$ready" ] && break
  kill -0 "$xpid" 2>/dev/null || break
  sleep 0.2
done
if [ ! -s "$ready" ]; then
  kill -0 "$xpid" 2>/dev/null && say "Xvfb did not become ready in 30 s" || say "Xvfb exited"
  tail -n 25 "$OUT/xvfb.log" >&2
  die 94 "Xvfb did not start (log: $OUT/xvfb.log)"
fi
say "Xvfb :$disp ready (pid $xpid, $screen)"
if grep -q -i -E 'GLX error|unable to load driver|GLX: could not' "$OUT/xvfb.log"; then
  say "warning: Xvfb's GLX (Mesa swrast) did not initialise; GL windows will fail:"; grep -i glx "$OUT/xvfb.log" >&2
fi

# 5. The command, on the GPU's GLX first, else on Mesa's.
export DISPLAY=":$disp"
logs="$(mktemp -d /tmp/gui-run.XXXX)"
attempt() {  # vendor: runs the command, stderr shown and kept in $logs/<vendor>.err
  local vendor="$1"; shift
  local -a env=(__GLX_VENDOR_LIBRARY_NAME="$vendor")
  [ "$vendor" = mesa ] && env+=(LIBGL_ALWAYS_SOFTWARE=1)
  [ "${GUI_LD_DEBUG:-1}" = 1 ] && env+=(LD_DEBUG=files LD_DEBUG_OUTPUT="$logs/ld-$vendor")
  say "glxprobe on $vendor GLX:"
  env "${env[@]}" LD_DEBUG= timeout 30 "$G/bin/glxprobe" 2>&1 | sed 's/^/    /' >&2
  say "running on $vendor GLX: $*"
  env "${env[@]}" timeout "${GUI_TIMEOUT:-540}" "$@" 2> >(tee "$logs/$vendor.err" >&2)
  local rc=$?
  sleep 0.2  # the tee's last lines
  return $rc
}
loaded() {  # vendor: which GL libraries the GUI's process loaded (from LD_DEBUG=files)
  cat "$logs/ld-$1".* 2>/dev/null | sed -n 's/.*calling init: //p' \
    | grep -E 'libGLX_[a-z]+\.so|libnvidia-glcore|swrast_dri|/libGL\.so|/libGLX\.so|/libX11\.so' | sort -u | tr '\n' ' '
}
glx_error() { grep -q -i -E 'GLFW error|GLX|OpenGL|context|BadValue|BadMatch|Segmentation' "$logs/$1.err"; }
rc=0; used=""
if [ "$mode" != mesa ] && { [ -n "$nv_glx" ] || [ "$mode" = nvidia ]; }; then
  attempt nvidia "$@"; rc=$?
  if [ "$rc" = 0 ]; then used=nvidia
  elif [ "$mode" = auto ] && glx_error nvidia; then say "the NVIDIA GLX attempt failed (exit $rc, GLFW/GLX error above): retrying on Mesa's software GLX"
  else used=nvidia-failed
  fi
fi
if [ -z "$used" ]; then
  attempt mesa "$@"; rc=$?
  used=mesa; [ "$rc" = 0 ] || used=mesa-failed
fi
case "$used" in
  nvidia) if loaded nvidia | grep -q libnvidia-glcore && ! loaded nvidia | grep -q swrast_dri; then
            say "OK: ran on the GPU's GLX (__GLX_VENDOR_LIBRARY_NAME=nvidia; loaded: $(loaded nvidia))"
          else
            say "OK, but NOT on the GPU: asked for the NVIDIA GLX, glvnd fell back to Mesa (loaded: $(loaded nvidia))"
          fi;;
  mesa) say "OK: ran on Mesa's software GLX (llvmpipe; __GLX_VENDOR_LIBRARY_NAME=mesa LIBGL_ALWAYS_SOFTWARE=1; loaded: $(loaded mesa))";;
  *) say "FAILED: the command exited $rc on ${used%-failed} GLX (stderr above; Xvfb log: $OUT/xvfb.log)";;
esac
# Screenshots that are one flat colour mean the GL read-back saw nothing.
outdir=""; prev=""
for a in "$@"; do [ "$prev" = --out ] && outdir="$a"; prev="$a"; done
if [ -n "$outdir" ] && [ -d "$outdir" ] && command -v python3 >/dev/null; then
  python3 - "$outdir" <<'PY' >&2
import sys, glob, zlib, struct, os
pngs = sorted(glob.glob(os.path.join(sys.argv[1], "*.png")))
flat = []
for p in pngs:
    d = open(p, "rb").read(); i = 8; idat = b""; w = h = 0
    while i < len(d):
        n, t = struct.unpack(">I4s", d[i:i + 8])
        if t == b"IHDR": w, h = struct.unpack(">II", d[i + 8:i + 16])
        if t == b"IDAT": idat += d[i + 8:i + 8 + n]
        i += 12 + n
    if len(set(zlib.decompress(idat))) <= 8: flat.append(os.path.basename(p))
print("run_gui: %d PNG(s) in %s%s" % (len(pngs), sys.argv[1], "; FLAT (blank?): " + " ".join(flat) if flat else ", none blank"))
PY
fi
if [ -n "${GUI_KEEP_LOGS:-}" ]; then say "logs kept in $logs"; else rm -rf "$logs"; fi
exit "$rc"
