#!/usr/bin/env bash
# Builds .carry-gui/gui-bundle.tar.xz: what the GUI needs to open a real window on the device,
# which has no X server, no Mesa and no X/GL libraries (see bench/gui_bundle/README.md):
#   bin/      Xvfb (patched: runs xkbcomp from /tmp/gxb, see below), xkbcomp, gemmscope (the GUI),
#             glxprobe (prints which GLX vendor and GL renderer a context gets)
#   lib/      the X11/xcb/GL (glvnd)/Mesa/LLVM stack, found with ldd (and what is dlopened)
#   lib/base/ every other library (zlib, selinux, sqlite, png, toml++, ...): a fallback, the device's win
#   lib/dri/  swrast_dri.so (Mesa's software rasteriser: the X server's GLX, the client's fallback)
#   share/X11/xkb  the keyboard data Xvfb compiles its default keymap from
# Run from anywhere on the build machine (Debian 12 with xvfb, x11-xkb-utils, libgl1-mesa-dri):
#   bench/gui_bundle/make_bundle.sh [GUI_BINARY]     (default build/app/gui/gemmscope)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
gui="$(realpath "${1:-$root/build/app/gui/gemmscope}")"
out="$root/.carry-gui"
arch=/usr/lib/x86_64-linux-gnu
for f in /usr/bin/Xvfb /usr/bin/xkbcomp "$gui" "$arch/dri/swrast_dri.so" "$arch/libGLX_mesa.so.0" /usr/share/X11/xkb/rules/evdev; do
  [ -e "$f" ] || { echo "make_bundle: missing $f (apt-get install xvfb x11-xkb-utils libgl1-mesa-dri libglx-mesa0)" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
b="$work/guib"
mkdir -p "$b/bin" "$b/lib/base" "$b/lib/dri" "$b/share/X11"

# Xvfb runs the keymap compiler as "<XkbBinDirectory>/xkbcomp", XkbBinDirectory being the
# compile-time "/usr/bin" (no option changes it), and the device has no /usr/bin/xkbcomp. The
# bundled copy says "/tmp/gxb" instead (same length); run_gui.sh links /tmp/gxb to the bundle's bin/.
python3 - /usr/bin/Xvfb "$b/bin/Xvfb" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
old, new = b'\x00/usr/bin\x00', b'\x00/tmp/gxb\x00'
if d.count(old) != 1:
    sys.exit("make_bundle: expected one \"/usr/bin\" string in Xvfb, found %d" % d.count(old))
open(sys.argv[2], 'wb').write(d.replace(old, new))
PY
chmod 755 "$b/bin/Xvfb"
cp -L /usr/bin/xkbcomp "$b/bin/"
cp -L "$gui" "$b/bin/gemmscope"
strip --strip-all "$b/bin/gemmscope"
cp -L "$arch/dri/swrast_dri.so" "$b/lib/dri/"
# glxprobe: opens a GLX context on $DISPLAY and prints who renders (run_gui.sh runs it first).
cat > "$work/glxprobe.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <X11/Xlib.h>
#include <GL/gl.h>
#include <GL/glx.h>
static int xerr(Display* d, XErrorEvent* e) { char t[128]; XGetErrorText(d, e->error_code, t, sizeof t); fprintf(stderr, "glxprobe: X error: %s (request %d.%d)\n", t, e->request_code, e->minor_code); exit(3); }
int main(void) {
  Display* d = XOpenDisplay(NULL);
  if (!d) { fprintf(stderr, "glxprobe: cannot open display %s\n", getenv("DISPLAY") ? getenv("DISPLAY") : "(unset)"); return 1; }
  XSetErrorHandler(xerr);
  int maj = 0, min = 0;
  if (!glXQueryVersion(d, &maj, &min)) { fprintf(stderr, "glxprobe: no GLX on the display\n"); return 2; }
  int attrs[] = {GLX_X_RENDERABLE, True, GLX_DRAWABLE_TYPE, GLX_WINDOW_BIT, GLX_RENDER_TYPE, GLX_RGBA_BIT, GLX_RED_SIZE, 8,
                 GLX_GREEN_SIZE, 8, GLX_BLUE_SIZE, 8, GLX_DOUBLEBUFFER, True, None};
  int n = 0;
  GLXFBConfig* c = glXChooseFBConfig(d, DefaultScreen(d), attrs, &n);
  if (!c || n == 0) { fprintf(stderr, "glxprobe: no RGB8 double-buffered GLX framebuffer config\n"); return 2; }
  XVisualInfo* vi = glXGetVisualFromFBConfig(d, c[0]);
  XSetWindowAttributes swa = {0};
  swa.colormap = XCreateColormap(d, RootWindow(d, vi->screen), vi->visual, AllocNone);
  Window w = XCreateWindow(d, RootWindow(d, vi->screen), 0, 0, 64, 64, 0, vi->depth, InputOutput, vi->visual, CWColormap, &swa);
  GLXContext ctx = glXCreateNewContext(d, c[0], GLX_RGBA_TYPE, NULL, True);
  if (!ctx) { fprintf(stderr, "glxprobe: glXCreateNewContext failed\n"); return 2; }
  if (!glXMakeCurrent(d, w, ctx)) { fprintf(stderr, "glxprobe: glXMakeCurrent failed\n"); return 2; }
  printf("GLX %d.%d, client vendor %s, %s context\nGL_VENDOR   %s\nGL_RENDERER %s\nGL_VERSION  %s\n", maj, min,
         glXGetClientString(d, GLX_VENDOR), glXIsDirect(d, ctx) ? "direct" : "indirect",
         (const char*)glGetString(GL_VENDOR), (const char*)glGetString(GL_RENDERER), (const char*)glGetString(GL_VERSION));
  glXMakeCurrent(d, None, NULL); glXDestroyContext(d, ctx); XDestroyWindow(d, w); XCloseDisplay(d);
  return 0;
}
C
gcc -O2 -o "$b/bin/glxprobe" "$work/glxprobe.c" -lGL -lX11 || { echo "make_bundle: cannot build glxprobe (apt-get install libgl-dev libx11-dev)" >&2; exit 1; }
cp -a /usr/share/X11/xkb "$b/share/X11/"
# The xkb data has symlinks inside (e.g. symbols/...); make it self-contained.
find "$b/share/X11/xkb" -type l | while read -r l; do t="$(readlink -f "$l")"; rm "$l"; [ -e "$t" ] && cp -a "$t" "$l" || true; done

# What is loaded with dlopen, not NEEDED: GLFW's X11 and GLX libraries, glvnd's vendor (Mesa's
# GLX), and the glvnd dispatchers themselves.
dl="libX11.so.6 libX11-xcb.so.1 libxcb.so.1 libXrandr.so.2 libXinerama.so.1 libXcursor.so.1 libXi.so.6
    libXext.so.6 libXrender.so.1 libXfixes.so.3 libXxf86vm.so.1 libGL.so.1 libGLX.so.0 libGLdispatch.so.0
    libOpenGL.so.0 libGLX_mesa.so.0 libglapi.so.0"
seeds=("$b/bin/Xvfb" "$b/bin/xkbcomp" "$b/bin/gemmscope" "$b/bin/glxprobe" "$b/lib/dri/swrast_dri.so")
for l in $dl; do seeds+=("$arch/$l"); done
# glibc's own libraries come from the device (glibc >= 2.39 there, 2.36 here).
# The C++ runtime too: the device runs the project's C++ programs already (its GCC 14 runtime is newer).
glibc='^(linux-vdso|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|libnsl|libBrokenLocale|libmvec|libthread_db|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so'
# lib/ holds the X11/xcb/glvnd/Mesa/LLVM stack, searched first; every other library (zlib, selinux,
# sqlite, png, toml++, ...) goes to lib/base, searched after the device's own, so that programs the
# GUI starts (the runner, python) keep the device's newer copies where it has them.
gfx='^(libX|libxcb|libxkbfile|libGL|libOpenGL|libglapi|libEGL|libgbm|libdrm|libLLVM|libz3|libxml2|libxshmfence|libpixman|libfontenc|libsensors|libpciaccess)'
: > "$work/libs"
for s in "${seeds[@]}"; do
  ldd "$s" > "$work/ldd" || { echo "make_bundle: ldd failed on $s" >&2; exit 1; }
  if grep -q 'not found' "$work/ldd"; then echo "make_bundle: $s:" >&2; grep 'not found' "$work/ldd" >&2; exit 1; fi
  awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' "$work/ldd" >> "$work/libs"
  case "$s" in "$arch"/*) echo "$(basename "$s") $s" >> "$work/libs";; esac
done
# libLLVM (needed by swrast_dri.so) links Z3 (its static analyser's solver) and libxml2 (its
# Windows-manifest tool, which pulls in ICU's 30 MB of data): Mesa never calls them, and with them
# the archive is 50 MiB. They are replaced by stubs of the same soname, defining the symbols
# the bundle imports from them (with the same symbol versions); a stub function, if ever called,
# says so on stderr and aborts.
stubbed='^(libz3\.so\.4|libxml2\.so\.2|libicuuc\.so\.[0-9]+|libicudata\.so\.[0-9]+)$'
make_stub() {  # soname
  local so="$1" real="$arch/$1" d="$work/stub-$1"
  mkdir -p "$d"
  python3 - "$so" "$real" "$d" "$arch/libLLVM-15.so.1" <<'PY2'
import subprocess, sys, re, collections
so, real, d, users = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
want = set()
for u in users:
    for line in subprocess.run(["nm", "-D", "--undefined-only", u], capture_output=True, text=True, check=True).stdout.splitlines():
        want.add(line.split()[-1].split("@")[0])
defs = {}   # name -> (kind, size, version)
out = subprocess.run(["readelf", "-W", "--dyn-syms", real], capture_output=True, text=True, check=True).stdout
for line in out.splitlines():
    f = line.split()
    if len(f) < 8 or not f[0].endswith(":") or f[6] == "UND": continue
    name, ver = (f[7].split("@@") + [None])[:2] if "@@" in f[7] else (f[7].split("@")[0], None)
    if name in want and f[3] in ("FUNC", "OBJECT"):
        defs[name] = (f[3], int(f[2], 0) if f[2].startswith("0x") else int(f[2]), ver)
c = ['#include <stdio.h>', '#include <stdlib.h>',
     'static void die(const char* s) { fprintf(stderr, "gui-bundle: %s called, but the bundle has a stub %s\\n", s, "' + so + '"); abort(); }']
for i, (n, (k, size, v)) in enumerate(sorted(defs.items())):
    if k == "FUNC":
        c.append('void f%d(void) __asm__("%s"); void f%d(void) { die("%s"); }' % (i, n, i, n))
    else:
        c.append('__attribute__((aligned(16))) char o%d[%d] __asm__("%s") = {0};' % (i, max(size, 8), n))
open(d + "/stub.c", "w").write("\n".join(c) + "\n")
byver = collections.defaultdict(list)
for n, (k, size, v) in defs.items(): byver[v].append(n)
if any(v for v in byver):
    vs = [f'{v} {{ global: {"; ".join(sorted(ns))}; }};' for v, ns in sorted(byver.items(), key=lambda x: str(x[0])) if v]
    if None in byver: vs.insert(0, 'GUI_BUNDLE_STUB { global: %s; };' % "; ".join(sorted(byver[None])))
    vs.append('GUI_BUNDLE_STUB_LOCAL { local: *; };')
else:
    vs = ['{ global: %s; local: *; };' % "; ".join(sorted(defs))]
open(d + "/stub.map", "w").write("\n".join(vs) + "\n")
print(f"make_bundle: stub {so}: {len(defs)} symbols", file=sys.stderr)
PY2
  gcc -shared -fPIC -O1 -o "$b/lib/$so" "$d/stub.c" -Wl,-soname,"$so" -Wl,--version-script,"$d/stub.map"
}
make_stub libz3.so.4
make_stub libxml2.so.2
sort -u "$work/libs" | while read -r name path; do
  [[ "$name" =~ $glibc ]] && continue
  [[ "$name" =~ $stubbed ]] && continue
  if [[ "$name" =~ $gfx ]]; then cp -L "$path" "$b/lib/$name"; else cp -L "$path" "$b/lib/base/$name"; fi
done
# Self-check: with only the bundle on the library path (and the system's glibc), everything
# resolves, and nothing but glibc comes from outside the bundle.
bad=0
for f in "$b"/bin/* "$b"/lib/*.so* "$b"/lib/base/*.so* "$b"/lib/dri/*.so; do
  LD_LIBRARY_PATH="$b/lib:$b/lib/base" ldd "$f" 2>&1 | F="$f" G="$glibc" B="$b" awk '
    /not found/ {print "make_bundle: " ENVIRON["F"] ": " $0; bad=1}
    $2 == "=>" && $3 ~ /^\// && index($3, ENVIRON["B"]) != 1 && $1 !~ ENVIRON["G"] {print "make_bundle: " ENVIRON["F"] ": " $1 " comes from " $3; bad=1}
    END {exit bad}' || bad=1
done
[ "$bad" = 0 ] || { echo "make_bundle: the bundle is not self-contained (above)" >&2; exit 1; }
cat > "$b/MANIFEST" <<M
gui-bundle built $(date -u +%Y-%m-%dT%H:%MZ) on $(. /etc/os-release; echo "$PRETTY_NAME")
gui: $gui ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown))
Xvfb: $(dpkg-query -W -f '${Version}' xvfb 2>/dev/null)  Mesa: $(dpkg-query -W -f '${Version}' libgl1-mesa-dri 2>/dev/null)
M
(cd "$b" && find . -type f | sort | xargs ls -l | awk '{print $5, $9}') >> "$b/MANIFEST"
echo "make_bundle: $(find "$b/lib" -name '*.so*' | wc -l) libraries, $(du -sh "$b" | cut -f1) unpacked; compressing (xz -9)..."
mkdir -p "$out"
# --x86 (the BCJ filter) packs the machine code ~10% tighter; one thread packs tightest.
tar -C "$work" --owner=0 --group=0 -cf - guib | xz --x86 --lzma2=preset=9e,dict=192MiB -T1 > "$out/gui-bundle.tar.xz.tmp"
mv "$out/gui-bundle.tar.xz.tmp" "$out/gui-bundle.tar.xz"
size=$(stat -c %s "$out/gui-bundle.tar.xz")
echo "make_bundle: $out/gui-bundle.tar.xz: $((size / 1048576)) MiB ($size bytes)"
[ "$size" -le $((35 * 1048576)) ] || { echo "make_bundle: over the 35 MiB budget" >&2; exit 1; }
