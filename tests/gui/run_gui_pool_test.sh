#!/usr/bin/env bash
# The GUI on a pool of two replay runners of different GPU models (issue 14): --devices 0 (the
# replay runner as an H200's device 0) and --runner-cmd (one as an H100's device 1); a small sweep
# through pool_preset.json; then the report must hold both GPUs' runs and the per-GPU share the
# Sweep panel showed. First the pool flags' errors, which need no display.
#   run_gui_pool_test.sh GEMMSCOPE REPLAY_RUNNER FIXTURE_TOOL WORK_DIR
set -euo pipefail
gui="$1"; replay="$2"; fixture_tool="$3"; work="$4"
here="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$work" && mkdir -p "$work"

# Bad input: exit 2 and the CLI's words, naming the value and the rule.
refused() {
  local want="$1"; shift
  set +e; "$gui" "$@" >"$work/out.txt" 2>&1; local rc=$?; set -e
  if [ "$rc" != 2 ] || ! grep -qF -- "$want" "$work/out.txt"; then
    echo "FAIL: gemmscope $* exited $rc (want 2) saying:"; cat "$work/out.txt"; echo "(want: $want)"; exit 1
  fi
}
refused "gemmscope: --devices '0,x': 'x' is not a device index" --devices 0,x
refused "device 1 is named twice" --devices 1,1
refused "gemmscope: --runner-cmd" --runner-cmd "runner | tee log"
refused "a shell operator" --runner-cmd "runner | tee log"
refused "cannot be combined with --devices" --sample --devices 0

"$fixture_tool" "$work/replay.json"
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing (Debian package xvfb; ./setup.sh installs it)"; exit 1; }
export LIBGL_ALWAYS_SOFTWARE=1
uuid1=GPU-bbbbbbbb-2222-3333-4444-555555555555
xvfb-run -a -f "$work/Xauthority" -s "-screen 0 1600x1000x24" "$gui" --replay "$work/replay.json" --replay-spec h200 \
  --replay-delay-ms 30 --devices 0 \
  --runner-cmd "$replay --results $work/replay.json --delay-ms 50 --spec h100_sxm --device-count 2 --device 1 --uuid $uuid1" \
  --store "$work/store.sqlite" --report "$here/pool_preset.json" --out "$work/report" --size 1600x1000
# --replay with --devices: the local runners are replay runners claiming devices 0 and 1.
xvfb-run -a -f "$work/Xauthority" -s "-screen 0 1600x1000x24" "$gui" --replay "$work/replay.json" --devices 0,1 --no-store \
  --report "$here/pool_preset.json" --out "$work/local" --size 1280x720 >"$work/local.log" 2>&1 || { cat "$work/local.log"; exit 1; }
grep -q "runner 1: .*(device 1)" "$work/local.log" || { echo "FAIL: --replay --devices 0,1 did not start device 1's runner:"; cat "$work/local.log"; exit 1; }
python3 - "$work/report" "$uuid1" <<'PY'
import json, pathlib, sys
out, uuid1 = pathlib.Path(sys.argv[1]), sys.argv[2]
fail = []
runs = json.loads((out / "results.json").read_text())
by_gpu = {}
for r in runs:
    by_gpu.setdefault(r.get("device_index"), set()).add((r["device"], r.get("device_uuid")))
if set(by_gpu) != {0, 1}:
    fail.append("results.json: runs of devices %s, want 0 and 1" % sorted(by_gpu, key=str))
if by_gpu.get(1) != {("NVIDIA H100 80GB HBM3 (SXM5)", uuid1)}:
    fail.append("results.json: device 1's runs say %s" % by_gpu.get(1))
if len({d for s in by_gpu.values() for d, _ in s}) != 2:
    fail.append("results.json: want two GPU models, got %s" % by_gpu)
import csv
with open(out / "results.csv", newline="") as f:
    table = list(csv.DictReader(f))
if {r.get("device_index") for r in table} != {"0", "1"} or uuid1 not in {r.get("device_uuid") for r in table}:
    fail.append("results.csv: device_index %s, want 0 and 1 with device 1's UUID" % sorted({str(r.get("device_index")) for r in table}))
md = (out / "report.md").read_text()
# The pool (Run > Devices) and the sweep's share per GPU (the Sweep panel's table).
for want in ["| 1 | gpu1 | NVIDIA H100 80GB HBM3 (SXM5) | GPU-bbbbbbbb | ready |", "Per GPU:", "On NVIDIA H200 (SXM) (", "On NVIDIA H100 80GB HBM3 (SXM5) ("]:
    if want not in md:
        fail.append("report.md lacks %r" % want)
rows = [l.split("|")[1:-1] for l in md.splitlines() if l.startswith("| gpu")]
share = {c[0].strip(): int(c[3]) for c in rows if len(c) == 8}
if set(share) != {"gpu0", "gpu1"} or min(share.values()) < 1 or sum(share.values()) != 18:
    fail.append("report.md: per-GPU points %s, want both GPUs, 18 in all" % share)
for png in ["window.png", "sweep.png"]:
    if (out / png).stat().st_size < 10000:
        fail.append(png + " is nearly empty")
print("\n".join(fail) if fail else "pool report ok: %d runs, per GPU %s" % (len(runs), share))
sys.exit(1 if fail else 0)
PY
