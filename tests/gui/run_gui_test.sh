#!/usr/bin/env bash
# The GUI smoke test: the real gemmscope under Xvfb + Mesa, answered by the replay runner from a
# generated replay file, driven by smoke_preset.json (a run of P6, P9's defaults, a changed
# parameter, a sweep, the roofline, captures, a report); then checks the PNGs and the folder.
#   run_gui_test.sh GEMMSCOPE FIXTURE_TOOL WORK_DIR
set -euo pipefail
gui="$1"; fixture_tool="$2"; work="$3"
here="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$work" && mkdir -p "$work"
"$fixture_tool" "$work/replay.json"
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing (Debian package xvfb; ./setup.sh installs it)"; exit 1; }
# Mesa's software renderer: the same pixels on every machine, GPU or not.
export LIBGL_ALWAYS_SOFTWARE=1
start=$(date +%s)
xvfb-run -a -f "$work/Xauthority" -s "-screen 0 1600x1000x24" "$gui" --replay "$work/replay.json" --replay-delay-ms 40 \
  --store "$work/store.sqlite" --report "$here/smoke_preset.json" --out "$work/report" --size 1600x1000
echo "gemmscope --report took $(( $(date +%s) - start )) s"
python3 "$here/check_report.py" "$work/report"
