#!/usr/bin/env bash
# The README's screenshots: the GUI under Xvfb, answered by gemmscope-replay-runner from results
# measured on a GPU (bench/run_on_device.sh exports them as results.json). The window's REPLAY
# banner says where the numbers come from.
# SPEC.json is the measured GPU spec (the "gpu" object of a gemmscope-bench JSON), so the roofline
# shows the measured ceilings beside the datasheet ones.
#   docs/screenshots/make_screenshots.sh RESULTS.json [SPEC.json] [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
results="$(realpath "$1")"
spec=()
[ -n "${2:-}" ] && spec=(--replay-spec "$(realpath "$2")")
build="${3:-$root/build}"
here="$root/docs/screenshots"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export LIBGL_ALWAYS_SOFTWARE=1
shoot() {  # preset name, extra gemmscope arguments...
  local name="$1"; shift
  xvfb-run -a -s "-screen 0 1600x1000x24" "$build/app/gui/gemmscope" --size 1600x1000 --report "$here/preset_$name.json" \
    --out "$work/$name" "$@" >/dev/null
  for png in "$work/$name"/*.png; do cp "$png" "$here/${name}_$(basename "$png")"; done
}
shoot p9 --replay "$results" "${spec[@]}" --replay-delay-ms 5 --store "$work/p9.sqlite"
shoot p6 --replay "$results" "${spec[@]}" --replay-delay-ms 5 --store "$work/p6.sqlite"
shoot no_gpu --runner /nonexistent/gemmscope-runner --no-store
ls -la "$here"/*.png
