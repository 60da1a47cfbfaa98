#!/usr/bin/env bash
# Issue 13's P9 step on a 9.0 GPU, in one device call: wgmma_store_bound against cuBLAS on ragged
# shapes (the GPU test), its default sweep on P9, gemmscope's own counters over the best config,
# and Nsight Compute's sections over one launch of each config. Everything lands in $OUT/wgmma_p9
# (logs, JSON) and one archive.
#   PART="tests sweep counters nsight" NSIGHT="--set a=1|..." bench/limits/wgmma_p9.sh
# NSIGHT_P6_FP32=1 adds the same sections over simt_splitk's best P6 config (FP32 on CUDA cores).
NAME=wgmma_p9
# shellcheck source=bench/device_lib.sh
source "$(dirname "$0")/../device_lib.sh"
if has tests; then
  step families 300 build/tests/gpu/test_gpu_families --gtest_filter='*wgmma_store_bound*'
  grep -E "PASSED|FAILED|Failure|SKIPPED|Expected|Which is" "$D/families.txt" | head -30
fi
if has sweep; then
  step p9_sweep 300 "$C" sweep --problem p9 --family wgmma_store_bound --reps 10 --warmup 2 --top 12 --tag wgmma-p9 \
    --json "$D/p9_sweep.json"
  tail -n 16 "$D/p9_sweep.txt"
fi
if has counters; then
  # The roofline set and the PM sampler over the family's defaults.
  step counters 120 "$C" run --problem p9 --family wgmma_store_bound --metrics roofline --timeline --advise --reps 5 \
    --json "$D/counters.json"
  grep -E "^time|dram__|sm__|lts__|timeline|advis" "$D/counters.txt" | head -30
fi
M="dram__bytes_write.sum.per_second,dram__bytes_read.sum.per_second,lts__t_sector_hit_rate.pct,\
l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum,l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_st.sum$STALLS"
nsight() {  # nsight NAME FAMILY PROBLEM ARGS...
  local name="$1" family="$2" problem="$3"
  shift 3
  log "$name: $family $problem $*"
  timeout 150 ncu --clock-control none --target-processes all -k "regex:^$family$" -c 1 \
    --section SpeedOfLight --section WarpStateStats --section SchedulerStats --section ComputeWorkloadAnalysis \
    --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats --metrics "$M" \
    "$C" run --problem "$problem" --family "$family" "$@" --reps 1 --warmup 0 --no-verify > "$D/$name.txt" 2>&1
  echo "   rc=$?" | tee -a "$D/log.txt"
  grep -E "Duration|DRAM Throughput|Memory Throughput|L1/TEX Cache|L2 Hit|Issued Warp|Pipe|bytes_write|bytes_read|issue_stalled" \
    "$D/$name.txt" | awk '$NF+0 > 0.05 || !/issue_stalled/' \
    | sed -E 's/smsp__average_warps_issue_stalled_(.*)_per_issue_active.ratio/stall \1/' | head -40
}
if has nsight; then
  IFS='|' read -ra X <<< "${NSIGHT:-}"
  i=0
  for x in "${X[@]}"; do
    # shellcheck disable=SC2086
    nsight "nsight_$i" wgmma_store_bound p9 $x
    i=$((i + 1))
  done
  # shellcheck disable=SC2086
  if [ "${NSIGHT_P6_FP32:-0}" = 1 ]; then nsight nsight_p6_simt_splitk simt_splitk p6 ${P6_FP32_SET:-}; fi
fi
(cd "$OUT" && tar czf /tmp/wgmma_p9.tgz "$NAME" && mv /tmp/wgmma_p9.tgz "$OUT/wgmma_p9.tgz")
