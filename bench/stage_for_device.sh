#!/usr/bin/env bash
# Copies what the GPU work needs from build/ into .carry/build/ (same layout, under the device's
# 64 MiB transfer limit): the runner, the CLI, the benchmark, the PM check and the GPU test
# programs. On the device, bench/run_on_device.sh puts them back into build/.
#   bench/stage_for_device.sh [EXTRA_FILE_IN_BUILD ...]
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .carry/build
for f in runner/gemmscope-runner app/cli/gemmscope-cli bench/gemmscope-bench bench/gemmscope-pm-check \
         tests/gpu/test_gpu_families tests/gpu/test_gpu_recovery tests/gpu/test_gpu_counters \
         tests/metrics/test_range_profiler_gpu tests/gpu/test_gpu_cards "$@"; do
  mkdir -p ".carry/build/$(dirname "$f")"
  cp -a "build/$f" ".carry/build/$f"
  strip --strip-debug ".carry/build/$f" 2>/dev/null || true
done
du -sh .carry/build
