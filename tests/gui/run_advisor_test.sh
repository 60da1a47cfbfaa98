#!/usr/bin/env bash
# The Advisor in the real GUI under Xvfb: the advisor preset (the split-K Triton card from the
# seed's grid of 4 programs, guided tuning, captures of the Advisor and the roofline), answered by
# the replay runner from the runs measured on the H200; then the report must hold the advisor's
# findings, the guided path with its reasons, and each exported run's advice.
#   run_advisor_test.sh GEMMSCOPE SOURCE_DIR WORK_DIR
set -euo pipefail
gui="$1"; src="$2"; work="$3"
rm -rf "$work" && mkdir -p "$work"
d="$src/bench/results/advisor-h200-2026-12-01"
python3 -c 'import json, sys; json.dump([e for f in sys.argv[2:] for e in json.load(open(f))], open(sys.argv[1], "w"))' \
  "$work/replay.json" "$d/card_p6_splitk_tune.json" "$d/card_p6_splitk_sweep.json"
export LIBGL_ALWAYS_SOFTWARE=1
xvfb-run -a -f "$work/Xauthority" -s "-screen 0 1280x720x24" "$gui" --size 1280x720 --replay "$work/replay.json" \
  --replay-spec "$src/assets/sample/h200-measured-2026-12-01.json" --replay-delay-ms 5 --store "$work/store.sqlite" \
  --report "$src/docs/screenshots/preset_advisor_p6.json" --out "$work/report" 2>&1 | tee "$work/log.txt"
md="$work/report/report.md"
fail=0
# The advisor reads the tuning's best once it is done; the path keeps the first step's reason.
for want in "## Advisor" "Reading \`card:p6_splitk_m64_n128_k32_sk33_w8_s4_ieee@p6\`" "## Guided tuning" \
            "SPLIT_K 1 -> 33: 4 tiles x 33 = 132 blocks" "[grid_too_small]" "moved most"; do
  grep -qF -- "$want" "$md" || { echo "report.md lacks: $want"; fail=1; }
done
grep -q '"advice"' "$work/report/results.json" || { echo "results.json has no advice"; fail=1; }
grep -q "guided tuning: no suggestion beat" "$work/log.txt" || { echo "the log does not say why the tuning stopped"; fail=1; }
for png in advisor roofline window; do  # a drawn panel compresses to 10 KB and more at this size; a blank one to a few
  size=$(stat -c %s "$work/report/$png.png" 2>/dev/null || echo 0)
  [ "$size" -gt 6000 ] || { echo "$png.png is missing or blank ($size bytes)"; fail=1; }
done
exit $fail
