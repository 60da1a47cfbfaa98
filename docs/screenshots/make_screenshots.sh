#!/usr/bin/env bash
# The README's screenshots: the GUI under Xvfb, answered by gemmscope-replay-runner from results
# measured on a GPU (bench/run_on_device.sh exports them as results.json). The window's REPLAY
# banner says where the numbers come from.
# SPEC.json is the measured GPU spec (the "gpu" object of a gemmscope-bench JSON), so the roofline
# shows the measured ceilings beside the datasheet ones.
#   docs/screenshots/make_screenshots.sh RESULTS.json [SPEC.json] [BUILD_DIR]
# ONLY=name (e.g. ONLY=card_p9) renders that preset alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
results="$(realpath "$1")"
spec=()
[ -n "${2:-}" ] && spec=(--replay-spec "$(realpath "$2")")
build="${3:-$root/build}"
here="$root/docs/screenshots"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export LIBGL_ALWAYS_SOFTWARE=1
shoot() {  # preset name, extra gemmscope arguments...
  local name="$1"; shift
  [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ] && return 0
  xvfb-run -a -s "-screen 0 1600x1000x24" "$build/app/gui/gemmscope" --size 1600x1000 --report "$here/preset_$name.json" \
    --out "$work/$name" "$@" >/dev/null
  for png in "$work/$name"/*.png; do cp "$png" "$here/${name}_$(basename "$png")"; done
}
shoot p9 --replay "$results" "${spec[@]}" --replay-delay-ms 5 --store "$work/p9.sqlite"
shoot p6 --replay "$results" "${spec[@]}" --replay-delay-ms 5 --store "$work/p6.sqlite"
# Your own kernel: the example Triton cards, from the card measurements of bench/results/cards-*
# (the seed kernel's card, the tuned card's sweep and cuBLAS in one replay file).
cards="$root/bench/results/cards-h200-2026-12-01"
python3 -c 'import json, sys; json.dump([e for f in sys.argv[2:] for e in json.load(open(f))], open(sys.argv[1], "w"))' \
  "$work/cards.json" "$cards/cards_results.json" "$cards/tuned_results.json"
shoot card_p9 --replay "$work/cards.json" "${spec[@]}" --replay-delay-ms 5 --store "$work/card_p9.sqlite"
# The advisor and guided tuning: the split-K Triton card from the seed's grid of 4 programs, from
# the guided-tuning measurements of bench/results/advisor-* (the tuning's runs and the card's sweep).
adv="$root/bench/results/advisor-h200-2026-12-01"
python3 -c 'import json, sys; json.dump([e for f in sys.argv[2:] for e in json.load(open(f))], open(sys.argv[1], "w"))' \
  "$work/advisor.json" "$adv/card_p6_splitk_tune.json" "$adv/card_p6_splitk_sweep.json"
shoot advisor_p6 --replay "$work/advisor.json" "${spec[@]}" --replay-delay-ms 5 --store "$work/advisor.sqlite"
# The counter timeline (PM sampling over one launch) of the split-K card with a partial second wave.
shoot timeline_p6 --replay "$root/bench/results/timeline-h200-2026-12-01/p6_card_sk50.json" "${spec[@]}" --replay-delay-ms 5 \
  --store "$work/timeline.sqlite"
shoot no_gpu --runner /nonexistent/gemmscope-runner --no-store
ls -la "$here"/*.png
