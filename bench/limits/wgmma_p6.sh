#!/usr/bin/env bash
# Issue 13's wgmma step on a 9.0 GPU, in one device call: wgmma_splitk against cuBLAS on ragged
# shapes (the GPU test), its default sweep on P6, wider grids per precision, and cuBLAS beside
# them in the same process run. Everything lands in $OUT/wgmma (logs, JSON) and one archive.
#   PART="tests sweep grid" bench/limits/wgmma_p6.sh
NAME=wgmma
# shellcheck source=bench/device_lib.sh
source "$(dirname "$0")/../device_lib.sh"
if has tests; then
  step families 300 build/tests/gpu/test_gpu_families --gtest_filter='*wgmma_splitk*'
  grep -E "PASSED|FAILED|Failure|SKIPPED|rel_fro|Expected|Which is" "$D/families.txt" | head -30
fi
if has cublas; then
  for p in fp32 tf32; do
    step "p6_cublas_$p" 60 "$C" run --problem p6 --family cublas --set precision=$p --reps 20 --warmup 3
    grep -E "^time|allclose" "$D/p6_cublas_$p.txt" | head -3
  done
fi
if has sweep; then
  step p6_sweep 400 "$C" sweep --problem p6 --family wgmma_splitk --reps 10 --warmup 2 --top 12 --tag wgmma-p6 \
    --json "$D/p6_sweep.json"
  tail -n 16 "$D/p6_sweep.txt"
fi
if has grid; then
  # GRID_<prec>: the axes of a wider sweep per precision.
  for prec in ${PRECS:-tf32 tf32x3}; do
    var="GRID_${prec}"
    # shellcheck disable=SC2086
    step "p6_grid_$prec" 500 "$C" sweep --problem p6 --family wgmma_splitk ${!var:-} --axis precision=$prec --reps 5 --warmup 2 \
      --quiet --top 10 --tag "wgmma-p6-grid-$prec" --json "$D/p6_grid_$prec.json"
    grep -E "^wgmma_splitk_|points|error" "$D/p6_grid_$prec.txt" | head -12
  done
fi
if has extra; then
  IFS='|' read -ra X <<< "${EXTRA:-}"
  i=0
  for x in "${X[@]}"; do
    # shellcheck disable=SC2086
    step "${PREFIX:-}extra_$i" 120 "$C" run --problem "${PROBLEM:-p6}" --family wgmma_splitk $x --reps 20 --warmup 3
    grep -E "ms|error|allclose" "$D/${PREFIX:-}extra_$i.txt" | head -6
    i=$((i + 1))
  done
fi
if has shapes; then
  # Square, tall, wide and irregular shapes: cuBLAS fp32 against wgmma_splitk's default sweep at
  # FP32-level accuracy (tf32x3), as measure.sh's shapes part does for the other families.
  for shape in ${SHAPES:-4096x4096x4096 16384x1024x4096 1024x16384x4096 3001x2999x1537}; do
    step "shape_${shape}_cublas" 60 "$C" run --problem "$shape" --family cublas --reps 20 --warmup 3
    step "shape_${shape}_wgmma" 240 "$C" sweep --problem "$shape" --family wgmma_splitk --axis precision=tf32x3 --reps 5 \
      --warmup 2 --quiet --top 3 --tag "shape-$shape-wgmma"
    grep -h -E '^time ' "$D/shape_${shape}_cublas.txt" | sed "s/^/$shape cublas fp32: /"
    grep -h -E "^wgmma_splitk_|error:" "$D/shape_${shape}_wgmma.txt" | head -3
  done
fi
if has nsight; then
  # Nsight Compute's sections over one launch of each config (NSIGHT="--set x|..."), with the
  # stall reasons and shared-memory wavefronts.
  M="l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum,l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum,\
dram__bytes_read.sum.per_second,lts__t_sector_hit_rate.pct$STALLS"
  IFS='|' read -ra X <<< "${NSIGHT:-}"
  i=0
  for x in "${X[@]}"; do
    log "nsight_$i: $x"
    # shellcheck disable=SC2086
    timeout 150 ncu --clock-control none --target-processes all -k "regex:^wgmma_splitk$" -c 1 \
      --section SpeedOfLight --section WarpStateStats --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis \
      --section Occupancy --section LaunchStats --metrics "$M" \
      "$C" run --problem p6 --family wgmma_splitk $x --reps 1 --warmup 0 --no-verify > "$D/nsight_$i.txt" 2>&1
    echo "   rc=$?" | tee -a "$D/log.txt"
    grep -E "Duration|DRAM Throughput|Memory Throughput|L2 Hit|Issued Warp|gmma|bytes_read|bank_conflicts|issue_stalled" "$D/nsight_$i.txt" \
      | awk '$NF+0 > 0.05 || !/issue_stalled/' | sed -E 's/smsp__average_warps_issue_stalled_(.*)_per_issue_active.ratio/stall \1/' | head -40
    i=$((i + 1))
  done
fi
(cd "$OUT" && tar czf /tmp/wgmma.tgz wgmma && mv /tmp/wgmma.tgz "$OUT/wgmma.tgz")
