#!/usr/bin/env bash
# Issue 13's device work, in one call on a GPU machine (docs/device.md): correctness of the
# families on ragged shapes, then each step's sweeps and counter runs for the kernels at the
# H200's limits. Everything lands in $OUT/limits (text logs, JSON) and one archive.
#   PART="tests sweep ncu" bench/limits/measure.sh
NAME=limits
# shellcheck source=bench/device_lib.sh
source "$(dirname "$0")/../device_lib.sh"
if has tests; then
  step families 300 build/tests/gpu/test_gpu_families --gtest_filter="${FILTER:-*tc_store_bound*}"
  grep -E "PASSED|FAILED|Failure" "$D/families.txt" | head -20
fi
if has sweep; then
  # The family's whole default sweep on P9, 10 reps a point, then the top rows.
  step p9_tc_store_bound 300 "$C" sweep --problem p9 --family tc_store_bound --reps 10 --warmup 2 --tag limits-p9-tcsb \
    --top 12 --json "$D/p9_tc_store_bound.json"
  tail -n 16 "$D/p9_tc_store_bound.txt"
fi
if has extra; then
  # Hand-picked points: EXTRA="--set a=1 --set b=2|..." (| between configs).
  IFS='|' read -ra X <<< "${EXTRA:-}"
  i=0
  for x in "${X[@]}"; do
    # shellcheck disable=SC2086
    step "${PREFIX:-}extra_$i" 120 "$C" run --problem p9 --family tc_store_bound $x --reps 20 --warmup 3
    grep -E "ms|error|allclose" "$D/${PREFIX:-}extra_$i.txt" | head -6
    i=$((i + 1))
  done
fi
if has ncu; then
  # The roofline set and the PM sampler over the best configs (NCU="--set x|--set y").
  IFS='|' read -ra X <<< "${NCU:-}"
  i=0
  for x in "${X[@]}"; do
    # shellcheck disable=SC2086
    step "counters_$i" 120 "$C" run --problem p9 --family tc_store_bound $x --metrics roofline --timeline --advise --reps 5 \
      --json "$D/counters_$i.json"
    i=$((i + 1))
  done
fi
NCU_METRICS="l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum,l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_st.sum,\
l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum,l1tex__data_pipe_lsu_wavefronts_mem_shared_op_st.sum,\
sm__pipe_tensor_op_hmma_cycles_active.avg.pct_of_peak_sustained_elapsed,smsp__inst_executed_op_local_ld.sum,\
smsp__inst_executed_op_local_st.sum,dram__bytes_write.sum.per_second$STALLS"
if has nsight; then
  # Nsight Compute's stall and pipe sections over one launch of each config (NSIGHT="--set x|...").
  IFS='|' read -ra X <<< "${NSIGHT:-}"
  i=0
  for x in "${X[@]}"; do
    log "${PREFIX:-}nsight_$i: $x"
    # shellcheck disable=SC2086
    timeout 150 ncu --clock-control none --target-processes all -k "regex:^${KERNEL:-tc_store_bound}$" -c 1 \
      --section SpeedOfLight --section WarpStateStats --section SchedulerStats --section ComputeWorkloadAnalysis \
      --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats --metrics "$NCU_METRICS" \
      "$C" run --problem p9 --family "${FAMILY:-tc_store_bound}" $x --reps 1 --warmup 0 --no-verify > "$D/${PREFIX:-}nsight_$i.txt" 2>&1
    echo "   rc=$?" | tee -a "$D/log.txt"
    grep -E "Duration|DRAM Throughput|Issued Warp|bank_conflicts|wavefronts|hmma|op_local|bytes_write|issue_stalled" "$D/${PREFIX:-}nsight_$i.txt" \
      | awk '$NF+0 > 0.05 || !/issue_stalled/' | sed -E 's/smsp__average_warps_issue_stalled_(.*)_per_issue_active.ratio/stall \1/' | head -40
    i=$((i + 1))
  done
fi
if has shapes; then
  # Square, tall, wide and irregular shapes: cuBLAS fp32 against the best of each FP32-accurate
  # family's default sweep (SHAPES="MxNxK ...").
  for shape in ${SHAPES:-4096x4096x4096 16384x1024x4096 1024x16384x4096 3001x2999x1537}; do
    step "shape_${shape}_cublas" 60 "$C" run --problem "$shape" --family cublas --reps 20 --warmup 3
    for fam in simt_splitk tc_splitk store_bound tc_store_bound; do
      step "shape_${shape}_${fam}" 240 "$C" sweep --problem "$shape" --family "$fam" --reps 5 --warmup 2 --quiet --top 3 \
        --tag "shape-$shape-$fam"
    done
    grep -h -E '^time ' "$D/shape_${shape}_cublas.txt" | sed "s/^/$shape cublas fp32: /"
    for fam in simt_splitk tc_splitk store_bound tc_store_bound; do
      grep -h -E "^${fam}_" "$D/shape_${shape}_${fam}.txt" | head -3
      grep -h -E "^gemmscope-cli|error:" "$D/shape_${shape}_${fam}.txt" | head -2
    done
  done
fi
if has p6; then
  # P6 on tensor cores past the default sweep: deeper pipelines, smaller tiles, more slices.
  for prec in tf32 tf32x3; do
    step "p6_tc_splitk_$prec" 400 "$C" sweep --problem p6 --family tc_splitk --axis block_m=64,128 --axis block_n=128 \
      --axis block_k=32,64 --axis stages=2,3,4 --axis split_k=33,66,132,264 --axis precision=$prec --reps 5 --warmup 2 \
      --quiet --top 8 --tag "limits-p6-$prec" --json "$D/p6_tc_splitk_$prec.json"
    grep -E "^tc_splitk_|points" "$D/p6_tc_splitk_$prec.txt" | head -10
  done
fi
(cd "$OUT" && tar czf /tmp/limits.tgz limits && mv /tmp/limits.tgz "$OUT/limits.tgz")
