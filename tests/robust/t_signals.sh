#!/usr/bin/env bash
# Point 5 of issue 11, signal handlers that record: a SIGALRM handler (every 20 us) records on
# its own task while the thread it interrupts records flat out, often in the middle of a ring
# append. Nothing deadlocks, nothing is mixed: every event is recorded or counted as lost
# (ring heads + events_lost == what the program emitted), the quiescent region validates
# strictly and every ring is in write order. And when the timer runs before the first event,
# a handler that lands while its own thread creates the region does not wait for itself.
. "$(dirname "$0")/lib.sh"
# balance IN: "heads + events_lost == total" from the program's output
balance() { local t h l; t=$(field "$1" total) h=$(field "$1" heads) l=$(field "$1" events_lost)
  [ -n "$t" ] && [ $((h + l)) -eq "$t" ] && echo "heads $h + events_lost $l == emitted $t" || { echo "heads $h + events_lost $l != emitted $t"; return 1; }; }

# A ring large enough to keep every event (no wrap): any slot two appends shared would show.
launch "$TMP/steady.out" 'tw-example: ready' TW_LOG_EVENTS=2097152 $BIN/signal_events steady 1000000 "$TMP/steady.tw" || finish
echo "    $(grep '^signals' "$TMP/steady.out")"
calls=$(field "$TMP/steady.out" calls)
[ "${calls:-0}" -ge 100 ] && ok "steady: $calls signals interrupted the recording thread" || fail "steady: only ${calls:-0} signals arrived"
check "steady: $(balance "$TMP/steady.out")" balance "$TMP/steady.out"
check "steady: tw summary --pid: recorded + dropped == emitted" \
  jpy_on "$(timeout 30 $TW summary --pid "$PID" --json)" "j['events']['recorded'] + j['events']['dropped'] == $(field "$TMP/steady.out" total)"
check "steady: the quiescent region validates strictly" timeout 60 $TW validate --file "$TMP/steady.tw"
check "steady: the ring is in the order the thread wrote it" $BIN/ring_order "$TMP/steady.tw"

# Timer first: a signal may land while this thread creates the region (~200 us of calibration).
# Six runs at once; before the fix most of them hung forever in the handler.
runs=()
for i in 1 2 3 4 5 6; do
  $BIN/signal_events first 200000 "$TMP/first.$i.tw" >"$TMP/first.$i.out" 2>&1 &
  PIDS+=($!); runs+=($!); disown $! 2>/dev/null
done
hung=0 unbalanced=0 lost=0
for i in 1 2 3 4 5 6; do
  if ! wait_line "$TMP/first.$i.out" 'tw-example: ready' 30; then hung=$((hung + 1)); continue; fi
  balance "$TMP/first.$i.out" >/dev/null || { unbalanced=$((unbalanced + 1)); echo "    run $i: $(balance "$TMP/first.$i.out")"; }
  lost=$((lost + $(field "$TMP/first.$i.out" events_lost)))
done
for p in "${runs[@]}"; do kill -9 "$p" 2>/dev/null; done
[ $hung -eq 0 ] && ok "first: 6 runs with the timer armed before the first event all finished" || fail "first: $hung of 6 runs hung (a handler waiting for its own thread)"
[ $unbalanced -eq 0 ] && ok "first: every run accounts for every event ($lost handler events counted lost while the region or a ring was being set up)" \
  || fail "first: $unbalanced runs do not account for every event"
check "first: a run's region validates strictly" timeout 60 $TW validate --file "$TMP/first.1.tw"
finish
