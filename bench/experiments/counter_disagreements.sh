#!/usr/bin/env bash
# The device experiments behind bench/results/counter-disagreements-*.md: where gemmscope's
# counters and Nsight Compute's differ, and why. Run on the device from the repository root with
# a built tree (see docs/device.md); each part writes its raw output under $OUT.
#   bench/experiments/counter_disagreements.sh [natural|carveout|passes|duration|position|sources|sampled]...
#   (default: all)
set -u
cd "$(dirname "$0")/../.."
OUT="${OUT:-$PWD/device-out}"
mkdir -p "$OUT"
C=build/app/cli/gemmscope-cli
export GEMMSCOPE_DB=/tmp/gemmscope-exp.sqlite GEMMSCOPE_JIT_CACHE=/tmp/gemmscope-jit GEMMSCOPE_CEILINGS=/tmp/gemmscope-ceilings.json
N="ncu --clock-control none --print-units base --target-processes all --csv"
parts=("${@:-natural carveout passes duration position sources sampled}")
# gemmscope's value of each metric in METRICS for one run: "name=value ..."
ours() { timeout 90 $C run --problem "$1" --family "$2" --reps 2 --metrics "$3" ${4:-} --csv /tmp/exp-ours.csv > /dev/null 2>&1
         awk -F'","' 'NR > 1 {printf "%s=%s ", $13, $15}' /tmp/exp-ours.csv | tr -d '"'; }

for part in ${parts[@]}; do case "$part" in
natural)  # every kernel of a plain run, one pass, in the cache state the run leaves: ncu flushing or not
  for cc in none all; do
    $N --cache-control $cc --metrics dram__bytes_read.sum,dram__bytes_write.sum,gpu__time_duration.sum \
       $C run --problem p6 --family seed_tiled --reps 3 --warmup 1 > "$OUT/natural-p6-$cc.csv" 2>&1
    $N --cache-control $cc --metrics dram__bytes_read.sum,dram__bytes_write.sum,gpu__time_duration.sum \
       $C run --problem p9 --family seed_tall_skinny --reps 3 --warmup 1 > "$OUT/natural-p9-$cc.csv" 2>&1
  done ;;
carveout)  # the shared memory the driver configures, over the seed and fast families' sweeps
  L=launch__shared_mem_config_size,launch__occupancy_limit_shared_mem,launch__registers_per_thread,launch__shared_mem_per_block_static,launch__shared_mem_per_block_dynamic,launch__block_size,launch__occupancy_limit_registers,launch__occupancy_limit_warps,launch__occupancy_limit_blocks
  $N --metrics $L $C sweep --problem p9 --family seed_tall_skinny --axis block_m=16,32,64,128,256 --axis block_n=32,64,128,256 \
     --axis threads=64,128,256 --reps 1 --warmup 0 --no-verify --quiet > "$OUT/carveout-p9.csv" 2>&1
  for f in splitk simt_splitk tc_splitk seed_tiled; do
    $N --metrics $L $C sweep --problem p6 --family $f --reps 1 --warmup 0 --no-verify --quiet; done > "$OUT/carveout-p6.csv" 2>&1 ;;
passes)  # the same metric in different requests (so in different replay passes), both tools
  { for i in 1 2; do
      echo "ours p9 dram__bytes_read.sum:             $(ours p9 seed_tall_skinny dram__bytes_read.sum)"
      echo "ours p9 dram__bytes_read.sum --no-flush:  $(ours p9 seed_tall_skinny dram__bytes_read.sum --no-flush)"
      echo "ours p9 all:                              $(ours p9 seed_tall_skinny all | grep -o 'dram__bytes_read.sum=[^ ]*')"
      echo "ours p6 hit rate + write:                 $(ours p6 seed_tiled lts__t_sector_hit_rate.pct,dram__bytes_write.sum)"
    done
    for m in dram__bytes_read.sum,dram__sectors_read.sum dram__bytes_read.sum,sm__throughput.avg.pct_of_peak_sustained_elapsed; do
      $N -k regex:^seed_tall_skinny$ -c 2 --metrics $m $C run --problem p9 --family seed_tall_skinny --reps 1 --warmup 1 --no-verify |
        awk -F'","' '/dram__/ {print "ncu  p9", $13, $15}'; done
    for m in lts__t_sector_hit_rate.pct,dram__bytes_write.sum lts__t_sector_hit_rate.pct,dram__bytes_write.sum,sm__throughput.avg.pct_of_peak_sustained_elapsed; do
      $N -k regex:^tiled_gemm$ -c 2 --metrics $m $C run --problem p6 --family seed_tiled --reps 1 --warmup 1 --no-verify |
        awk -F'","' '/lts__|dram__/ {print "ncu  p6 ['"$m"']", $13, $15}'; done
  } > "$OUT/passes.txt" 2>&1 ;;
duration)  # DRAM writes of the P6 seed kernel (C is 0.26 MB) at three kernel durations, both tools
  for k in 131072 524288 2097152; do
    for i in 1 2; do echo "ours K=$k: $(ours 256x256x$k seed_tiled dram__bytes_write.sum,gpu__time_duration.sum)"; done
    $N -k regex:^tiled_gemm$ -c 1 --metrics dram__bytes_write.sum,gpu__time_duration.sum $C run --problem 256x256x$k \
       --family seed_tiled --reps 1 --warmup 0 --no-verify | awk -F'","' '/dram__|gpu__/ {printf "ncu  K='"$k"': %s=%s ", $13, $15} END {print ""}'
  done > "$OUT/duration.txt" 2>&1 ;;
position)  # the same kernel at launch 1, 2 and 3 of one process, in ncu: does the first launch differ?
  W=dram__bytes_read.sum,dram__bytes_write.sum,gpu__time_duration.sum
  for cc in all none; do
    $N --cache-control $cc -k regex:^tiled_gemm$ -c 3 --metrics $W $C run --problem p6 --family seed_tiled --reps 2 --warmup 1 \
       --no-verify | awk -F'","' '/dram__|gpu__/ {printf "ncu p6 cache=%s launch %s: %s=%s\n", "'$cc'", $1, $13, $15}'
    $N --cache-control $cc -k regex:^seed_tall_skinny$ -c 3 --metrics $W $C run --problem p9 --family seed_tall_skinny --reps 2 \
       --warmup 1 --no-verify | awk -F'","' '/dram__|gpu__/ {printf "ncu p9 cache=%s launch %s: %s=%s\n", "'$cc'", $1, $13, $15}'
  done > "$OUT/position.txt" 2>&1 ;;
sources)  # who asks for the DRAM sectors: the kernel's L2 misses (per source and operation) beside DRAM's own count
  ncu --query-metrics --chip gh100 > "$OUT/gh100-metrics.txt" 2>&1
  want=""
  for m in dram__sectors_read dram__sectors_write lts__t_sectors_op_read lts__t_sectors_op_write lts__t_sectors_op_read_lookup_miss \
           lts__t_sectors_op_write_lookup_miss lts__t_sectors_srcunit_tex_op_read_lookup_miss lts__t_sectors_srcunit_tex_op_write_lookup_miss \
           lts__t_sectors_srcunit_ltcfabric lts__t_sectors_srcunit_ltcfabric_lookup_miss lts__t_sectors_srcnode_gpc_lookup_miss \
           lts__d_sectors_fill_device lts__d_sectors_fill_sysmem lts__t_sectors_lookup_miss lts__t_sectors_srcunit_tex_lookup_miss \
           lts__t_sectors_op_atom_lookup_miss lts__t_sectors_op_red_lookup_miss; do
    grep -q "^$m " "$OUT/gh100-metrics.txt" && want="$want,$m.sum"
  done
  want="dram__bytes_read.sum,dram__bytes_write.sum$want"
  echo "metrics: $want" > "$OUT/sources.txt"
  for i in 1 2; do
    echo "ours p9: $(ours p9 seed_tall_skinny $want)"
    echo "ours p6: $(ours p6 seed_tiled $want)"
  done >> "$OUT/sources.txt" 2>&1
  for cc in all none; do
    $N --cache-control $cc -k regex:^seed_tall_skinny$ -c 2 --metrics $want $C run --problem p9 --family seed_tall_skinny --reps 1 \
       --warmup 1 --no-verify | awk -F'","' '/dram__|lts__/ {printf "ncu p9 cache=%s launch %s: %s=%s\n", "'$cc'", $1, $13, $15}'
    $N --cache-control $cc -k regex:^tiled_gemm$ -c 2 --metrics $want $C run --problem p6 --family seed_tiled --reps 1 \
       --warmup 1 --no-verify | awk -F'","' '/dram__|lts__/ {printf "ncu p6 cache=%s launch %s: %s=%s\n", "'$cc'", $1, $13, $15}'
  done >> "$OUT/sources.txt" 2>&1 ;;
sampled)  # the seed kernels unreplayed under CUPTI's PM sampler, then the range profiler, in one process
  timeout 300 build/bench/gemmscope-pm-check --reps 3 > "$OUT/sampled.md" 2>&1 ;;
*) echo "unknown part '$part': natural, carveout, passes, duration, position, sources or sampled" >&2; exit 2 ;;
esac; done
ls -la "$OUT"
