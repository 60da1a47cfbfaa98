#!/usr/bin/env bash
# Everything that needs the GPU, in one call on the device machine (see docs/device.md):
#   the gpu-labelled tests, the ncu comparison, the benchmark, and the sweeps whose results the
#   README's screenshots render. Writes logs and results under $OUT (default ./device-out).
#   bench/run_on_device.sh [COMMIT]      (SHOTS=0 skips the screenshot sweeps)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/device-out}"
mkdir -p "$OUT"
commit="${1:-unknown}"
export GEMMSCOPE_DB="$OUT/store.sqlite" GEMMSCOPE_JIT_CACHE=/tmp/gemmscope-jit GEMMSCOPE_CEILINGS="$OUT/ceilings.json"
C=build/app/cli/gemmscope-cli

nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv > "$OUT/gpu.txt" 2>&1
if [ -f build/CTestTestfile.cmake ]; then
  timeout 170 ctest --test-dir build -L gpu --output-on-failure --timeout 160 > "$OUT/gpu_tests.log" 2>&1
  grep -E "tests passed|\*\*\*Failed" "$OUT/gpu_tests.log"
else
  # Only the programs were carried (bench/stage_for_device.sh): run each GPU test program itself.
  for t in tests/gpu/test_gpu_families tests/gpu/test_gpu_recovery tests/gpu/test_gpu_counters \
           tests/metrics/test_range_profiler_gpu tests/gpu/test_gpu_cards; do
    echo "== $t" >> "$OUT/gpu_tests.log"
    timeout 200 "build/$t" >> "$OUT/gpu_tests.log" 2>&1
    echo "   $t rc=$?" | tee -a "$OUT/gpu_tests.log"
  done
  grep -E "^\[  (PASSED|FAILED|SKIPPED) " "$OUT/gpu_tests.log"
fi
if [ "${NCU:-1}" = 1 ]; then
  timeout 200 python3 bench/compare_ncu.py --cli "$C" --out "$OUT" --commit "$commit" > "$OUT/compare.log" 2>&1
  grep -E "metrics agree" "$OUT/compare.log"
fi
timeout 330 build/bench/gemmscope-bench --out "$OUT" --sweep-reps 3 > "$OUT/bench.log" 2> "$OUT/bench_sweeps.log"
tail -n 40 "$OUT/bench.log"
if [ "${POOL:-1}" = 1 ]; then
  # The runner pool on this one GPU: two runners on device 0 share a sweep's points.
  R="build/runner/gemmscope-runner --device 0"
  timeout 120 $C sweep --problem p6 --family tc_splitk --runner-cmd "$R" --runner-cmd "$R" --reps 5 --tag pool-two-on-gpu0 \
    --db "$OUT/pool.sqlite" > "$OUT/pool.log" 2>&1
  echo "   pool rc=$?"; tail -n 12 "$OUT/pool.log"
fi

# Sweeps for the screenshots, with the seed counters, exported for the replay runner.
if [ "${SHOTS:-1}" = 1 ]; then
timeout 50 $C sweep --problem p9 --family seed_tall_skinny --axis block_m=32,64,128,256 --axis block_n=32,64,128,256 --axis threads=128 \
  --metrics seed --reps 10 --tag shots-p9-seed --quiet > "$OUT/shots.log" 2>&1
timeout 50 $C sweep --problem p6 --family splitk --axis block_m=64,128 --axis block_n=128 --axis threads=128,256 \
  --axis split_k=16,32,64,128 --axis reduction=atomic,two_pass --metrics seed --reps 10 --tag shots-p6-splitk --quiet >> "$OUT/shots.log" 2>&1
for f in seed_tall_skinny store_bound cublas; do $C run --problem p9 --family $f --metrics seed --reps 10 >> "$OUT/shots.log" 2>&1; done
for f in seed_tiled simt_splitk tc_splitk cublas; do $C run --problem p6 --family $f --metrics seed --reps 10 >> "$OUT/shots.log" 2>&1; done
$C export --out "$OUT/results.json" >> "$OUT/shots.log" 2>&1
tail -n 3 "$OUT/shots.log"
fi

# The device returns at most 8 files: everything in one archive, beside the result tables.
# (tar to /tmp first: archiving the folder it writes into makes tar warn "file changed" and fail.)
(cd "$OUT" && tar czf /tmp/device-results.tgz . ; find . -maxdepth 1 -type f ! -name '*.md' ! -name 'nvidia-*.json' \
   ! -name 'ncu-comparison-*.json' -delete; mv /tmp/device-results.tgz .)
ls -la "$OUT"
