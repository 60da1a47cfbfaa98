# What the device scripts of bench/ share, sourced after they set NAME (their folder under $OUT):
# the repository root as the working folder, $D for logs, the store and JIT cache there, $C the
# CLI, $STALLS (Nsight Compute's stall-reason metrics, to append to a --metrics list) and
# has/log/step. step NAME LIMIT CMD... runs CMD under timeout into $D/NAME.txt.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${OUT:-$PWD/device-out}"
D="$OUT/$NAME"
mkdir -p "$D"
export GEMMSCOPE_DB="$D/store.sqlite" GEMMSCOPE_JIT_CACHE="${GEMMSCOPE_JIT_CACHE:-/tmp/gemmscope-jit}"
export LD_LIBRARY_PATH="$PWD/build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
C="${CLI:-build/app/cli/gemmscope-cli}"
PART="${PART:-tests sweep}"
has() { [[ " $PART " == *" $1 "* ]]; }
# Nsight Compute's stall reasons, one metric each, with a leading comma to append to a --metrics list.
STALLS=""
for r in barrier branch_resolving dispatch_stall drain imc_miss lg_throttle long_scoreboard math_pipe_throttle membar \
         mio_throttle misc no_instruction not_selected selected short_scoreboard sleeping tex_throttle wait; do
  STALLS="$STALLS,smsp__average_warps_issue_stalled_${r}_per_issue_active.ratio"
done
log() { echo "== $(date +%T) $*" | tee -a "$D/log.txt"; }
step() { local name="$1" limit="$2"; shift 2; log "$name: $*"; timeout "$limit" "$@" > "$D/$name.txt" 2>&1; echo "   rc=$?" | tee -a "$D/log.txt"; }
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv > "$D/gpu.txt" 2>&1
