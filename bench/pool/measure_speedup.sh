#!/usr/bin/env bash
# Issue 14's measurement, for a host with several GPUs (not yet run: no such machine was lent).
# A default sweep on 1, 2 and 4 GPUs with a warm JIT cache: wall time and speed-up; then the
# per-GPU spread of one config's time. Writes $OUT/pool/{log.txt,speedup.md,spread.csv}.
#   OUT=/tmp/out bench/pool/measure_speedup.sh
NAME=pool
# shellcheck source=bench/device_lib.sh
source "$(dirname "$0")/../device_lib.sh"
n=$(nvidia-smi -L | wc -l)
echo "$n GPUs: $(nvidia-smi -L | tr '\n' ';')" | tee "$D/log.txt"
sets="0"; [ "$n" -ge 2 ] && sets="$sets 0,1"; [ "$n" -ge 4 ] && sets="$sets 0,1,2,3"
echo "| problem | family | GPUs | wall (s) | speed-up |" > "$D/speedup.md"
echo "|---|---|---:|---:|---:|" >> "$D/speedup.md"
for pf in "p9 tc_store_bound" "p6 tc_splitk"; do
  set -- $pf
  # Warm every GPU's share of the JIT cache (the cache is per host, so one pass warms all).
  "$C" sweep --problem "$1" --family "$2" --devices all --db "$D/warm.sqlite" --quiet >> "$D/log.txt" 2>&1
  one=""
  for d in $sets; do
    start=$(date +%s.%N)
    "$C" sweep --problem "$1" --family "$2" --devices "$d" --db "$D/sweep-$1-$d.sqlite" --tag "pool-$1-$d" --quiet >> "$D/log.txt" 2>&1
    echo "   $1 $2 --devices $d rc=$?" | tee -a "$D/log.txt"
    wall=$(python3 -c "import time; print('%.2f' % (time.time() - $start))")
    [ -z "$one" ] && one=$wall
    gpus=$(echo "$d" | tr ',' '\n' | wc -l)
    echo "| $1 | $2 | $gpus | $wall | $(python3 -c "print('%.2fx' % ($one / $wall))") |" >> "$D/speedup.md"
  done
done
# The same config on every GPU, 100 reps each: the spread of its median time.
for d in $(seq 0 $((n - 1))); do
  "$C" run --device "$d" --problem p9 --family tc_store_bound --reps 100 --db "$D/spread.sqlite" >> "$D/log.txt" 2>&1
done
"$C" export --db "$D/spread.sqlite" --out "$D/spread.csv" >> "$D/log.txt" 2>&1
cat "$D/speedup.md"
