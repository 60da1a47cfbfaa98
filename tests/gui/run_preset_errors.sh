#!/usr/bin/env bash
# Bad report presets and a broken set-up, as a new user meets them: each is an error that names
# what is wrong and exits non-zero, or (no GPU, corrupt store) a report that says so.
#   run_preset_errors.sh GEMMSCOPE FIXTURE_TOOL WORK_DIR
set -uo pipefail
gui="$1"; fixture_tool="$2"; work="$3"
rm -rf "$work" && mkdir -p "$work"
"$fixture_tool" "$work/replay.json" > /dev/null
export LIBGL_ALWAYS_SOFTWARE=1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# expect NAME EXIT_CODE TEXT_IN_OUTPUT -- ARGS...
expect() {
  local name="$1" code="$2" text="$3"; shift 4
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$code" ]; then fail "$name: exit $rc, wanted $code"; echo "$out" | tail -n 5; return; fi
  if ! grep -qF -- "$text" <<< "$out"; then fail "$name: output lacks '$text'"; echo "$out" | tail -n 5; return; fi
  echo "ok: $name"
}
# The X authority file in the work folder: xvfb-run then makes no temporary folder of its own,
# whose removal failed once under a parallel ctest and turned an exit 1 into xvfb-run's 5.
run() { xvfb-run -a -f "$work/Xauthority" -s "-screen 0 1280x720x24" "$gui" --size 1280x720 "$@"; }

echo '{"famly": "seed_tall_skinny"}' > "$work/unknown_key.json"
expect "a misspelt key" 2 "preset.famly: unknown key" -- run --replay "$work/replay.json" --no-store --report "$work/unknown_key.json" --out "$work/r1"

echo '{"problem": "p9", "family": "seed_tall_skinny", "heatmap": {"x": "blok_m"}}' > "$work/bad_axis.json"
expect "an unknown heatmap axis" 2 "preset.heatmap.x=\"blok_m\": not a parameter of family seed_tall_skinny" -- \
  run --replay "$work/replay.json" --no-store --report "$work/bad_axis.json" --out "$work/r2"

echo '{"problem": "p9", "family": "seed_tall_skinny", "config": {"split_k": 4}}' > "$work/bad_param.json"
expect "a parameter the family does not read" 2 "block_m, block_n, threads" -- \
  run --replay "$work/replay.json" --no-store --report "$work/bad_param.json" --out "$work/r3"

# 16x16 tiles with 1024 threads: more threads than elements, on every GPU.
echo '{"problem": "p9", "family": "seed_tall_skinny", "config": {"block_m": 16, "block_n": 16, "threads": 1024}, "capture": ["window"], "timeout_s": 60}' > "$work/invalid_run.json"
expect "a preset whose run is invalid" 1 "run(s) of the preset were invalid" -- \
  run --replay "$work/replay.json" --no-store --report "$work/invalid_run.json" --out "$work/r4"

# No GPU and a corrupt store: the app comes up, the report says both, and nothing is written to the store.
head -c 8192 /dev/zero | tr '\0' 'x' > "$work/corrupt.sqlite"
echo '{"problem": "p9", "family": "seed_tall_skinny", "capture": ["window"], "timeout_s": 60}' > "$work/no_gpu.json"
expect "no GPU, corrupt store" 0 "" -- run --runner /nonexistent/gemmscope-runner --store "$work/corrupt.sqlite" --report "$work/no_gpu.json" --out "$work/r5"
for want in "No results store:" "not a gemmscope store" "Runs and sweeps are off: no GPU"; do
  grep -qF "$want" "$work/r5/report.md" || fail "no-GPU report lacks '$want'"
done
[ "$(head -c 8192 "$work/corrupt.sqlite" | tr -d x | wc -c)" = 0 ] || fail "the corrupt store was written to"

# The sample (a first start with no GPU): device-measured runs in a store of their own, replayed.
expect "--sample with --replay" 2 "cannot be combined" -- run --sample --replay "$work/replay.json" --report "$work/no_gpu.json" --out "$work/r6"
mkdir -p "$work/home"
expect "the sample" 0 "sample: 159 runs" -- env -u GEMMSCOPE_DB -u XDG_DATA_HOME HOME="$work/home" \
  xvfb-run -a -f "$work/Xauthority" -s "-screen 0 1280x720x24" "$gui" --size 1280x720 --sample --report "$work/no_gpu.json" --out "$work/r7"
[ -f "$work/home/.local/share/gemmscope/sample.sqlite" ] || fail "the sample's store is not where it says"
grep -qF "passed" "$work/r7/results.csv" || fail "the sample's run was not answered: $(head -c 300 "$work/r7/results.csv")"

if [ "$failures" -gt 0 ]; then echo "$failures failed"; exit 1; fi
echo "all preset and set-up errors behave"
