#!/usr/bin/env bash
# Issue 12's device measurements, in one call on a GPU machine (docs/device.md):
#   guided: from each seed baseline, `tune --guided` within the seed's own family, then that
#           family's full default sweep, both with the same timing, so the tuner's best is judged
#           against the sweep's best in the same session (and the same for one kernel card);
#   ncu:    `ncu --set full` over the same launches, whose rule results bench/advisor/summarize.py
#           sets beside the advisor's findings (`run --advise --metrics all`).
# Everything lands in $OUT/advisor (JSON per step, text logs).
#   PART=guided|ncu|all [ONLY="p9_seed ..."] bench/advisor/measure_guided.sh      then, here: bench/advisor/summarize.py DIR
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$PWD/device-out}"
D="$OUT/advisor"
mkdir -p "$D"
export GEMMSCOPE_DB="$D/store.sqlite" GEMMSCOPE_JIT_CACHE="${GEMMSCOPE_JIT_CACHE:-/tmp/gemmscope-jit}"
C=build/app/cli/gemmscope-cli
PART="${PART:-all}"
log() { echo "== $(date +%T) $*" | tee -a "$D/log.txt"; }
step() { local name="$1" limit="$2"; shift 2; log "$name: $*"; timeout "$limit" "$C" "$@" > "$D/$name.txt" 2>&1; echo "   rc=$?" | tee -a "$D/log.txt"; }

# case: name, workload flags (one string), reps
CASES=(
  "p9_seed|--problem p9 --family seed_tall_skinny|10"
  "p6_seed|--problem p6 --family seed_tiled|5"
  "card_p6_splitk|--problem p6 --card examples/triton/p6_splitk.toml --set SPLIT_K=1|10"
)

if [ "$PART" = guided ] || [ "$PART" = all ]; then
  for c in "${CASES[@]}"; do
    IFS='|' read -r name flags reps <<< "$c"
    [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]] && continue
    # shellcheck disable=SC2086
    step "${name}_tune" 240 tune --guided $flags --reps "$reps" --warmup 2 --tag "guided-$name" --json "$D/${name}_tune.json"
    # shellcheck disable=SC2086
    step "${name}_sweep" 240 sweep $flags --reps "$reps" --warmup 2 --tag "sweep-$name" --quiet --top 5 --json "$D/${name}_sweep.json"
  done
fi

if [ "$PART" = ncu ] || [ "$PART" = all ]; then
  # label|workload|kernel regex
  NCU=(
    "p9_seed|--problem p9 --family seed_tall_skinny|seed_tall_skinny"
    "p6_seed|--problem p6 --family seed_tiled|tiled_gemm"
    "card_p6_splitk_sk16|--problem p6 --card examples/triton/p6_splitk.toml --set SPLIT_K=16|matmul_splitk_kernel"
    "p9_store_bound|--problem p9 --family store_bound|store_bound"
  )
  for c in "${NCU[@]}"; do
    IFS='|' read -r name flags kernel <<< "$c"
    # shellcheck disable=SC2086
    step "${name}_advise" 120 run $flags --metrics all --reps 5 --advise --json "$D/${name}_advise.json"
    log "${name}_ncu"
    # shellcheck disable=SC2086
    timeout 180 ncu --set full --clock-control none --target-processes all -k "regex:^${kernel}$" -c 1 \
      "$C" run $flags --reps 1 --warmup 0 --no-verify > "$D/${name}_ncu.txt" 2>&1
    echo "   rc=$?" | tee -a "$D/log.txt"
  done
fi
"$C" export --out "$D/results.json" >> "$D/log.txt" 2>&1
grep -c "rc=0" "$D/log.txt"; grep -B1 "rc=[1-9]" "$D/log.txt" | head -20
# The device returns at most 8 files: everything in one archive.
tar czf /tmp/advisor.tgz -C "$OUT" advisor && rm -rf "$D" && mv /tmp/advisor.tgz "$OUT/"
