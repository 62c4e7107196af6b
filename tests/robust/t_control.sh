#!/usr/bin/env bash
# Point 5 of issue 11, a control area filled with garbage by another process: while the
# deadlock example runs, tests/robust/scribble writes random bytes and malformed "posted"
# requests into its control area through process_vm_writev for 1.5 s, ending with random bytes
# in every slot. The program runs on (its heartbeat keeps ticking, nothing is paused, the
# deadlock is still the same), its region stays valid, and the next legitimate `tw pause` /
# `tw resume` still gets a slot and works.
. "$(dirname "$0")/lib.sh"
launch "$TMP/deadlock.out" 'tw-example: ready' build/examples/deadlock || finish
polls() { timeout 30 $TW tasks --pid "$PID" --json | jpy "[t['polls'] for t in j['tasks'] if t['name'] == 'heartbeat'][0]"; }
chain() { timeout 30 $TW deadlocks --pid "$PID" --json | jpy "sorted(e.get('name') for e in j['deadlocks'][0]['chain'])"; }
p0=$(polls) c0=$(chain)
out=$(timeout 60 $BIN/scribble "$PID" 1.5 2>&1) && echo "    $out" || fail "scribble failed: $out"
sleep 0.5
p1=$(polls)
check "the program runs on: alive, heartbeat polls $p0 -> $p1" bash -c "kill -0 $PID && [ '${p1:-0}' -gt '${p0:-0}' ]"
check "no garbage request was applied: no task paused" \
  bash -c "timeout 30 $TW tasks --pid $PID --json | python3 -c 'import json,sys; sys.exit(any(t[\"paused\"] for t in json.load(sys.stdin)[\"tasks\"]))'"
check "the region still validates" timeout 30 $TW validate --pid "$PID"
check "the same deadlock is found" test "$(chain)" = "$c0"
hb=$(timeout 30 $TW tasks --pid "$PID" --json | jpy "[t['id'] for t in j['tasks'] if t['name'] == 'heartbeat'][0]")
paused() { timeout 30 $TW tasks --pid "$PID" --json | jpy "[t['paused'] for t in j['tasks'] if t['id'] == $hb][0] == $1" >/dev/null; }
waitfor() { for _ in $(seq 1 50); do "$@" && return 0; sleep 0.1; done; return 1; }
check "a legitimate tw pause still gets a slot and pauses the heartbeat" \
  bash -c "timeout 30 $TW pause --pid $PID $hb" && check "  ... the heartbeat is paused" waitfor paused True
check "and tw resume resumes it" bash -c "timeout 30 $TW resume --pid $PID $hb" && check "  ... the heartbeat runs again" waitfor paused False
finish
