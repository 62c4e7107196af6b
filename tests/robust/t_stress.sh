#!/usr/bin/env bash
# Point 3 of issue 11: two threads record events flat out while a separate reader process
# (`tw snapshot --pid`) copies the region in a loop — for 2 s and at least 3 snapshots, then
# the test tells the writers to stop (SIGUSR1; a loaded host makes each snapshot slow).
#  - every snapshot validates, and the history it shows for each writer's task is whole
#    (consecutive versions: nothing overwritten during the copy is mis-read as history);
#  - once the writers stop, the counters account for every event the program emitted:
#    ring heads + events_lost == emitted (the program's own count), and tw agrees:
#    recorded + dropped == emitted, retained + overwritten + dropped == emitted, with
#    retained and overwritten exactly what rings of TW_LOG_EVENTS events keep and lose.
. "$(dirname "$0")/lib.sh"
OUT=$TMP/stress.out
# TW_MAX_THREADS=3: main + 2 writers; the program's late third thread gets no ring (lost events).
# Small tables keep a snapshot small, so the reader gets many in.
launch "$OUT" 'stress: writing' TW_MAX_THREADS=3 TW_MAX_TASKS=16 TW_MAX_RESOURCES=16 TW_STRINGS_BYTES=4096 \
  $BIN/stress_writers 120 "$TMP/quiescent.tw" || finish
n=0 snapfail=0 began=$SECONDS
while ! grep -q 'tw-example: ready' "$OUT"; do
  kill -0 "$PID" 2>/dev/null || break
  [ $n -lt 400 ] || break                       # hang guard
  n=$((n + 1))
  timeout 30 $TW snapshot --pid "$PID" -o "$TMP/snap.$n.tw" >"$TMP/snap.$n.log" 2>&1 || { snapfail=$((snapfail + 1)); rm -f "$TMP/snap.$n.tw"; }
  [ $n -ge 3 ] && [ $((SECONDS - began)) -ge 2 ] && { kill -USR1 "$PID"; break; }
done
wait_line "$OUT" 'tw-example: ready' 30 || { fail "the writers did not stop: $(tail -2 "$OUT")"; finish; }
taken=$(ls "$TMP"/snap.*.tw 2>/dev/null | wc -l)
[ "$taken" -ge 3 ] && [ "$snapfail" -eq 0 ] && ok "reader took $taken snapshots while the writers ran" \
  || fail "only $taken snapshots taken, $snapfail failed: $(cat "$TMP"/snap.*.log | grep -v '^wrote' | head -2)"

echo "    e.g. $(grep -h 'overwritten while copied' "$TMP"/snap.*.log | sort -t'(' -k2 -n | tail -1)"
invalid=0
for f in "$TMP"/snap.*.tw; do
  timeout 30 $TW validate --file "$f" >"$TMP/v.out" 2>&1 || { invalid=$((invalid + 1)); echo "    $(basename "$f"): $(head -2 "$TMP/v.out")"; }
done
[ "$invalid" -eq 0 ] && ok "all $taken snapshots validate (tw validate exit 0)" || fail "$invalid of $taken snapshots failed tw validate"
if $BIN/ring_order "$TMP"/snap.*.tw >"$TMP/o.out" 2>&1; then
  ok "every ring of every snapshot in the order its thread wrote it ($(awk '{ gsub(/[(]/, ""); s += $4 } END { print s + 0 }' "$TMP/o.out") events)"
else
  fail "a snapshot holds a ring copied across a wrap: $(grep -m1 'write order' "$TMP/o.out")"
fi
if timeout 120 python3 tests/robust/history_intact.py "$TW" writer-0,writer-1 "$TMP"/snap.*.tw >"$TMP/h.out" 2>&1; then
  shown=$(awk '/intact: .* writer/ && $6 > 1 { s += $6 } END { print s + 0 }' "$TMP/h.out")
  [ "$shown" -gt 0 ] && ok "writers' history whole in every snapshot ($shown task events checked)" \
    || fail "no snapshot kept any writer event: nothing was checked"
else
  fail "a snapshot shows a writer's history with a hole: $(tail -1 "$TMP/h.out")"
fi

total=$(field "$OUT" total) late=$(field "$OUT" late) w0=$(field "$OUT" writer0) w1=$(field "$OUT" writer1)
main=$(field "$OUT" main) heads=$(field "$OUT" heads) lost=$(field "$OUT" events_lost) cap=$(field "$OUT" ring_events)
echo "    program: $(grep '^stress: emitted' "$OUT")"
echo "    region:  $(grep '^stress: region' "$OUT")"
[ -n "$total" ] && [ $((heads + lost)) -eq "$total" ] && [ "$lost" -eq "$late" ] \
  && ok "region counters: ring heads $heads + events_lost $lost == $total emitted" \
  || fail "region counters: heads $heads + lost $lost != emitted $total (late thread: $late)"

sum=$(timeout 30 $TW summary --pid "$PID" --json)
echo "    tw summary --pid: $(echo "$sum" | jpy 'j["events"]')"
check "tw summary --pid: recorded + dropped == emitted, dropped == the ringless thread's $late" \
  jpy_on "$sum" "j['events']['recorded'] + j['events']['dropped'] == $total and j['events']['dropped'] == $late and j['events']['recorded'] == $heads"
check "tw alerts --pid: dropped_events says $late events were lost" \
  bash -c "timeout 30 $TW alerts --pid $PID --json | grep -q '\"dropped_events\".*\"$late events lost'"

# The quiescent copy the program wrote itself: judged strictly (not a live snapshot). A ring
# that wrapped keeps capacity - 1 events as history: its oldest slot is where the writer puts
# its next event before publishing it, so readers never trust it (docs/region.md "Rings").
kept() { [ "$1" -ge "$cap" ] && echo $((cap - 1)) || echo "$1"; }
retained=$((main + $(kept "$w0") + $(kept "$w1")))
overwritten=$((w0 - $(kept "$w0") + w1 - $(kept "$w1")))
q=$(timeout 30 $TW summary --file "$TMP/quiescent.tw" --json)
echo "    tw summary --file quiescent: $(echo "$q" | jpy 'j["events"]')  (expected retained $retained, overwritten $overwritten, dropped $late)"
check "quiescent copy: retained $retained + overwritten $overwritten + dropped $late == emitted $total" \
  jpy_on "$q" "j['events']['retained'] == $retained and j['events']['recorded'] - j['events']['retained'] == $overwritten and j['events']['dropped'] == $late and $retained + $overwritten + $late == $total"
check "quiescent copy validates strictly" timeout 30 $TW validate --file "$TMP/quiescent.tw"
finish
