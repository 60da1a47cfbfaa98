#!/usr/bin/env bash
# The scale benchmark of issue 16, on a machine without a GPU: the GUI in a report preset on
# synthetic stores of 10k, 100k and 1M runs (History and Roofline shown), the GUI and the CLI
# through sweeps of 1k, 10k (and 100k) points answered by the replay runner. Prints one line per
# measurement and leaves every report and log under WORK.
#   bench/scale/run_scale.sh [BUILD_DIR] [WORK_DIR]
# Then the CLI's CSV and JSON exports of the largest store and the History queries over it.
# Environment: STORES="10k 100k 1m", GUI_SWEEPS="1k 10k 100k", GUI_PACED="10k" (the same sweep, the
# runner waiting 1 ms a point), CLI_SWEEPS="1k 10k 100k", EXPORTS="1m" (stores of STORES to export
# and query), REUSE=/tmp/scale
# (stores of the same generator found there as v100k.sqlite / v1m.sqlite are copied, not remade:
# a million runs take 3-7 minutes to generate), HOLD_FRAMES=300.
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$src/build-scale}"
work="${2:-/tmp/scale-gui}"
reuse="${REUSE:-/tmp/scale}"
stores="${STORES-10k 100k 1m}"
gui_sweeps="${GUI_SWEEPS-1k 10k 100k}"
gui_paced="${GUI_PACED-10k}"
cli_sweeps="${CLI_SWEEPS-1k 10k 100k}"
exports="${EXPORTS-1m}"
hold="${HOLD_FRAMES:-300}"
gui="$build/app/gui/gemmscope"
cli="$build/app/cli/gemmscope-cli"
replay="$build/app/replay_runner/gemmscope-replay-runner"
make_store="$build/bench/gemmscope-scale-store"
fixture="$build/tests/gui/gemmscope-gui-fixture"
query="$build/bench/gemmscope-scale-query"
spec="$src/assets/sample/h200-measured-2026-12-01.json"
card="$src/examples/triton/p6_splitk.toml"
card_results="$src/bench/results/cards-h200-2026-12-01/cards_results.json"
for tool in "$gui" "$cli" "$replay" "$make_store" "$fixture" "$query"; do
  [ -x "$tool" ] || { echo "missing $tool: build the tree first (cmake --build $build)"; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing (Debian package xvfb)"; exit 1; }
mkdir -p "$work"
export LIBGL_ALWAYS_SOFTWARE=1
load() { cut -d' ' -f1-3 /proc/loadavg; }
runs_of() { case "$1" in *k) echo $(( ${1%k} * 1000 ));; *m) echo $(( ${1%m} * 1000000 ));; *) echo "$1";; esac; }
count_runs() { python3 -c "import sqlite3,sys; print(sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True).execute('select count(*) from runs').fetchone()[0])" "$1" 2>/dev/null || echo 0; }

echo "# gemmscope scale benchmark: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), commit $(git -C "$src" rev-parse --short HEAD), load $(load)"

# [1] Stores: a fresh copy each time (the GUI's preset stores its live run into it).
for size in $stores; do
  n=$(runs_of "$size")
  base="$work/base-$size.sqlite"
  if [ "$(count_runs "$base")" != "$n" ]; then
    rm -f "$base" "$base-wal" "$base-shm"
    if [ -f "$reuse/v$size.sqlite" ] && [ "$(count_runs "$reuse/v$size.sqlite")" = "$n" ]; then
      cp "$reuse/v$size.sqlite" "$base"
      echo "store $size: copied from $reuse/v$size.sqlite ($(du -m "$base" | cut -f1) MB)"
    else
      /usr/bin/time -f "%e s %M KB" -o "$work/make-$size.time" "$make_store" --runs "$n" --out "$base" > "$work/make-$size.log"
      echo "store $size: made in $(cat "$work/make-$size.time") ($(du -m "$base" | cut -f1) MB)"
    fi
  fi
  # Opened once by this build, so an index it adds to older stores is made before anything is timed.
  "$query" --db "$base" --repeat 1 > /dev/null
done

"$fixture" "$work/replay.json" > /dev/null

# The report's frame-time table as one line: "all" / "while the sweep ran" / "held" rows.
frame_rows() {
  python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
part = text[text.index("## Frame time"):]
first = re.search(r"First frame (\d+) ms after start", part)
rows = re.search(r"History's first page of stored runs drawn (\d+) ms", part)
out = ["first frame %s ms" % first.group(1), "first History rows %s ms" % (rows.group(1) if rows else "-")]
for line in part.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    names = {"all": "all wall", "while the sweep ran": "sweeping wall", "held (the preset's hold steps)": "held wall",
             "all, UI thread CPU": "all cpu", "while the sweep ran, UI thread CPU": "sweeping cpu", "held, UI thread CPU": "held cpu"}
    if len(cells) == 7 and cells[0] in names:
        out.append("%s: %s frames, mean %s, p95 %s, max %s ms, %s over 8 ms" % (names[cells[0]], cells[1], cells[2], cells[3], cells[4], cells[5]))
print("; ".join(out))
EOF
}

gui_run() {  # NAME PRESET STORE [extra gemmscope args...]
  local name="$1" preset="$2" store="$3"
  shift 3
  rm -rf "$work/$name"
  mkdir -p "$work/$name"
  local load_before
  load_before=$(load)
  /usr/bin/time -f "%e s %M KB" -o "$work/$name/time" \
    xvfb-run -a -f "$work/$name/Xauthority" -s "-screen 0 1600x1000x24" "$gui" --size 1600x1000 --report "$preset" \
    --out "$work/$name/report" --store "$store" "$@" > "$work/$name/log" 2>&1 || { echo "$name: FAILED (see $work/$name/log)"; tail -5 "$work/$name/log"; return 0; }
  echo "$name: $(frame_rows "$work/$name/report/report.md"); wall and peak RSS $(cat "$work/$name/time"); load $load_before"
}

# [2] The GUI on each store: History in front (Roofline beside it), held for $hold frames.
cat > "$work/store_preset.json" <<EOF
{"title": "scale: store", "problem": "p9", "family": "seed_tall_skinny", "options": {"reps": 5, "warmup": 1, "metrics": "seed"},
 "hold": [{"panel": "history", "frames": $hold}], "capture": ["window"], "timeout_s": 300}
EOF
for size in $stores; do
  cp "$work/base-$size.sqlite" "$work/store-$size.sqlite"
  rm -f "$work/store-$size.sqlite-wal" "$work/store-$size.sqlite-shm"
  gui_run "gui-store-$size" "$work/store_preset.json" "$work/store-$size.sqlite" --replay "$work/replay.json" --replay-spec "$spec"
done

# Sweeps of the p6_splitk card (every point valid on the H200): 1k, 10k and 98k points.
axes_for() {
  case "$1" in
    1k) echo '"SPLIT_K=1..1000:1"';;
    10k) echo '"SPLIT_K=1..1250:1", "num_stages=1,2,3,4", "INPUT_PRECISION=ieee,tf32x3"';;
    100k) echo '"SPLIT_K=1..1024:1", "BLOCK_M=16,32,64,128", "BLOCK_K=16,32", "num_stages=1,2,3,4", "INPUT_PRECISION=ieee,tf32,tf32x3"';;
  esac
}
cli_axes() { axes_for "$1" | tr -d '"' | sed 's/, / --axis /g; s/^/--axis /'; }

# [3] The GUI through a sweep: frames while it streams in (replay with no delay, the hardest
# case: many results a frame), then the Sweep panel held with every result shown.
for size in $gui_sweeps; do
  cat > "$work/sweep_preset_$size.json" <<EOF
{"title": "scale: sweep $size", "problem": "p6", "card": "$card", "options": {"reps": 5, "warmup": 1, "metrics": "seed"},
 "sweep": {"axes": [$(axes_for "$size")], "tag": "scale-$size"}, "hold": [{"panel": "sweep", "frames": $hold}],
 "capture": [], "timeout_s": 590}
EOF
  rm -f "$work/gui-sweep-$size.sqlite"*
  gui_run "gui-sweep-$size" "$work/sweep_preset_$size.json" "$work/gui-sweep-$size.sqlite" --replay "$card_results" --replay-spec "$spec"
done
# ... and at 1 ms a point (a fast GPU kernel's pace: the runner then leaves the UI a core).
for size in $gui_paced; do
  rm -f "$work/gui-paced-$size.sqlite"*
  gui_run "gui-sweep-$size-paced-1ms" "$work/sweep_preset_$size.json" "$work/gui-paced-$size.sqlite" --replay "$card_results" \
    --replay-spec "$spec" --replay-delay-ms 1
done

# [4] The CLI through the same sweeps: wall / points and peak RSS.
cat > "$work/replay_runner.sh" <<EOF
#!/bin/sh
exec "$replay" --results "$card_results" --spec "$spec" --card "$card" "\$@"
EOF
chmod +x "$work/replay_runner.sh"
for size in $cli_sweeps; do
  rm -f "$work/cli-$size.sqlite"*
  load_before=$(load)
  # shellcheck disable=SC2046
  /usr/bin/time -f "%e s %M KB" -o "$work/cli-$size.time" "$cli" sweep --runner "$work/replay_runner.sh" --db "$work/cli-$size.sqlite" \
    --card "$card" --problem p6 $(cli_axes "$size") --tag "scale-$size" --quiet > "$work/cli-$size.log" 2>&1 || { echo "cli-$size: FAILED"; tail -5 "$work/cli-$size.log"; continue; }
  points=$(count_runs "$work/cli-$size.sqlite")
  wall=$(cut -d' ' -f1 "$work/cli-$size.time")
  echo "cli-sweep-$size: $points points stored, $(cat "$work/cli-$size.time") (wall, peak RSS), $(python3 -c "print('%.3f' % ($wall * 1000 / max(1, $points)))") ms a point; load $load_before"
done
# [5] Exports (wall, user and system CPU, peak RSS; the store in the OS cache, as it is after the
# GUI runs above) and History's queries over the same store.
for size in $exports; do
  n=$(runs_of "$size")
  for ext in csv json; do
    rm -f "$work/export-$size.$ext"
    load_before=$(load)
    /usr/bin/time -f "%e %U %S %M" -o "$work/export-$size.$ext.time" "$cli" export --db "$work/base-$size.sqlite" \
      --out "$work/export-$size.$ext" --no-advice > /dev/null 2>&1 || { echo "export-$size.$ext: FAILED"; continue; }
    read -r wall user sys rss < "$work/export-$size.$ext.time"
    echo "export-$size.$ext: $n runs, $wall s wall ($user user, $sys sys), $(python3 -c "print('%.0f' % ($n / max(0.001, $wall)))") runs/s," \
         "peak RSS $rss KB, $(du -m "$work/export-$size.$ext" | cut -f1) MB; load $load_before"
    rm -f "$work/export-$size.$ext"
  done
  load_before=$(load)
  "$query" --db "$work/base-$size.sqlite" --repeat 5 > "$work/query-$size.txt" 2>&1 || { echo "query-$size: FAILED"; continue; }
  echo "query-$size (load $load_before): $work/query-$size.txt"
  sed -n '3,16p' "$work/query-$size.txt"
done
echo "# done, load $(load)"
