#!/usr/bin/env bash
# SIGINT during a run (issue 16, finding 10): the run writes a checkpoint, says so in one line,
# exits 130 and run.json says "interrupted"; `run --resume` continues it to the end, and the
# result equals an uninterrupted run's (metrics.csv byte for byte).
set -u
skinrd=$1 scenario=$2 out=$3
quick=(--set "tissue.dx=100 um" --set "tissue.layers.papillary_dermis.dz=25 um"
       --set "tissue.layers.reticular_dermis.dz=100 um" --set "tissue.layers.hypodermis.dz=250 um"
       --set "run.duration=96 h" --set "run.output_interval=1 h" --set "run.dt=30 s")
fail() { echo "FAIL: $*"; cat "$out/run.log" 2>/dev/null; exit 1; }
rm -rf "$out" && mkdir -p "$out"
"$skinrd" run "$scenario" --out "$out/whole" --backend cpu "${quick[@]}" 2> "$out/whole.log" ||
  fail "the uninterrupted run failed"
"$skinrd" run "$scenario" --out "$out/run" --backend cpu "${quick[@]}" --checkpoint-interval "0 s" \
  2> "$out/run.log" &
pid=$!
# Once the run steps (its t = 0 output is written), interrupt it.
for _ in $(seq 200); do [ -s "$out/run/metrics.csv" ] && break; sleep 0.05; done
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "exit status $rc after SIGINT, expected 130"
grep -q "SIGINT: stopped at t = .* with a checkpoint; go on with: skinrd run --resume" "$out/run.log" ||
  fail "no one-line message"
grep -q '"status": "interrupted"' "$out/run/run.json" || fail "run.json does not say interrupted"
[ -s "$out/run/checkpoint.skinrd" ] || fail "no checkpoint"
"$skinrd" run --resume "$out/run" 2>> "$out/run.log" || fail "resume failed"
grep -q '"status": "completed"' "$out/run/run.json" || fail "run.json does not say completed"
cmp "$out/whole/metrics.csv" "$out/run/metrics.csv" || fail "metrics.csv differs from the uninterrupted run's"
cmp "$out/whole/profiles.csv" "$out/run/profiles.csv" || fail "profiles.csv differs from the uninterrupted run's"
echo "interrupted at: $(grep -o 'SIGINT: stopped at t = [^ ]* [a-z]*' "$out/run.log"); resumed run equals the uninterrupted one"
