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
# Debian's shared libraries the device image lacks (the card parser's TOML and expression
# libraries): carried beside the programs; put LD_LIBRARY_PATH=build/lib there.
mkdir -p .carry/build/lib
for lib in $(ldd build/runner/gemmscope-runner build/tests/gpu/test_gpu_cards | awk '/tomlplusplus|muparser/ {print $3}' | sort -u); do
  cp -L "$lib" .carry/build/lib/
done
du -sh .carry/build
