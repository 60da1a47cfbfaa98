#!/usr/bin/env bash
# The replay runner reads back stored runs of kernel cards only when it is given the cards:
# with --card every entry of the device-measured card sweep is served; without, hello fails and
# says which family it needed.
set -u
runner=$1 src=$2
results=$src/bench/results/cards-h200-2026-12-01/tuned_results.json
fail() { echo "FAIL: $*"; exit 1; }

with=$("$runner" --results "$results" --card "$src/examples/triton/p9_tuned.toml" \
         --card "$src/examples/triton/p6_tuned.toml" <<< '{"id":1,"op":"hello"}')
echo "$with" | grep -q '"ok":true' || fail "hello with --card did not succeed: $with"
echo "$with" | grep -q '"replay_skipped":0' || fail "hello with --card skipped entries: $with"
echo "$with" | grep -q '"replay_results":74' || fail "hello with --card did not serve all 74 entries: $with"

without=$("$runner" --results "$results" <<< '{"id":1,"op":"hello"}')
echo "$without" | grep -q '"ok":false' || fail "hello without --card succeeded: $without"
echo "$without" | grep -q 'card:p9_tuned' || fail "the error does not name the missing card family: $without"

bad=$("$runner" --results "$results" --card /nonexistent/card.toml <<< '{"id":1,"op":"hello"}')
echo "$bad" | grep -q '/nonexistent/card.toml' || fail "a missing card is not named: $bad"
echo PASS
