#!/usr/bin/env bash
# The kernel-card measurements of issue 11, in one call on a GPU machine (docs/device.md): the
# seed-style Triton kernels through their cards on both problems with the five seed metrics,
# beside gemmscope's CUDA ports of the same baselines; one Triton config timed by gemmscope and by
# triton.testing.do_bench on the same kernel; a card sweep of the P9 Triton kernel; the tuned
# cards, the CUDA card and cuBLAS. Everything lands in $OUT/cards (JSON per step, a log, the store).
#   bench/cards/measure_cards.sh        then, here: bench/cards/summarize_cards.py DIR
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$PWD/device-out}"
D="$OUT/cards"
mkdir -p "$D"
export GEMMSCOPE_DB="$D/store.sqlite" GEMMSCOPE_JIT_CACHE="${GEMMSCOPE_JIT_CACHE:-/tmp/gemmscope-jit}"
C=build/app/cli/gemmscope-cli
T="--timeout 600"
log() { echo "== $*" | tee -a "$D/log.txt"; }
run() { local name="$1"; shift; log "$name: $*"; timeout 300 "$C" "$@" $T --json "$D/$name.json" >> "$D/log.txt" 2>&1; echo "   rc=$?" >> "$D/log.txt"; }

# Seed baselines: the CUDA ports and the Triton kernels in the seeds' style, with the seed metrics.
run p9_cuda_seed run --problem p9 --family seed_tall_skinny --metrics seed --reps 20
run p9_triton_seed run --card examples/triton/p9_outer_product.toml --problem p9 --metrics seed --reps 20
run p6_cuda_seed run --problem p6 --family seed_tiled --metrics seed --reps 5
run p6_triton_seed_ieee run --card examples/triton/p6_tiled.toml --problem p6 --metrics seed --reps 5
run p6_triton_seed_tf32 run --card examples/triton/p6_tiled.toml --problem p6 --set INPUT_PRECISION=tf32 --metrics seed --reps 5

# The same kernel timed by gemmscope's runner and by Triton's own launcher with do_bench.
log "do_bench p9"
timeout 200 python3 bench/cards/triton_do_bench.py examples/triton/p9_outer_product.toml --problem 32768x32768x32 \
  > "$D/p9_do_bench.json" 2>> "$D/log.txt"
run p9_gemmscope_100 run --card examples/triton/p9_outer_product.toml --problem p9 --reps 100
log "do_bench p6 split-K"
timeout 200 python3 bench/cards/triton_do_bench.py examples/triton/p6_splitk.toml --problem 256x256x524288 \
  > "$D/p6_do_bench.json" 2>> "$D/log.txt"
run p6_gemmscope_100 run --card examples/triton/p6_splitk.toml --problem p6 --reps 100

# A card sweep of the P9 Triton kernel (its default sweep), and of the P6 split-K card.
run p9_sweep sweep --card examples/triton/p9_outer_product.toml --problem p9 --reps 10 --quiet --tag card-p9-outer-product
run p6_splitk_sweep sweep --card examples/triton/p6_splitk.toml --problem p6 --reps 10 --quiet --tag card-p6-splitk

# The tuned cards, the CUDA card and cuBLAS on both problems.
run p9_tuned run --card examples/triton/p9_tuned.toml --problem p9 --reps 30
run p6_tuned run --card examples/triton/p6_tuned.toml --problem p6 --reps 30
run p9_cuda_card run --card examples/cuda/sgemm_tiled.toml --problem p9 --reps 30
run p6_cuda_card run --card examples/cuda/sgemm_tiled.toml --problem p6 --reps 10
run p9_cublas run --problem p9 --family cublas --reps 30
run p6_cublas run --problem p6 --family cublas --reps 30
"$C" export --out "$D/results.json" >> "$D/log.txt" 2>&1
grep -c "rc=0" "$D/log.txt"; grep -B1 "rc=[1-9]" "$D/log.txt" | head -20
