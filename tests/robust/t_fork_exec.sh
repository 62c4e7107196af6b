#!/usr/bin/env bash
# Point 5 of issue 11, fork without exec and exec:
#  - fork while another thread records: the child records into a region of its own (one memfd,
#    its own pid in the header, only its tasks), a parent's handle used in the child is an
#    instrumentation error there, and the parent's region holds exactly the parent's events;
#  - a thread that recorded forks and, in the child, exits without recording while a new thread
#    records: the child survives and the new thread's ring stays its own;
#  - exec: the memfd is close-on-exec, the new image starts with no region and makes its own.
. "$(dirname "$0")/lib.sh"
names() { timeout 30 $TW tasks --pid "$1" --json | jpy "sorted(t['name'] for t in j['tasks'])"; }
memfds() { ls -l /proc/"$1"/fd 2>/dev/null | grep -c 'memfd:turbowish'; }

launch "$TMP/fork.out" 'tw-example: ready' $BIN/fork_exec fork || finish
parent=$PID
wait_line "$TMP/fork.out" 'child-ready' 30 || { fail "the fork child never got ready: $(cat "$TMP/fork.out")"; finish; }
child=$(field "$TMP/fork.out" child); PIDS+=("$child")
grep -h '^parent\|^child' "$TMP/fork.out" | sed 's/^/    /'
pe=$(grep '^parent' "$TMP/fork.out" | grep -o 'emitted=[0-9]*' | cut -d= -f2)
ce=$(grep '^child' "$TMP/fork.out" | grep -o 'emitted=[0-9]*' | cut -d= -f2)
check "parent: exactly its own $pe events (recorded + dropped), its own tasks" \
  jpy_on "$(timeout 30 $TW summary --pid $parent --json)" "j['events']['recorded'] + j['events']['dropped'] == $pe"
check "parent: tasks parent-main and parent-thread only" test "$(names $parent)" = '["parent-main", "parent-thread"]'
check "parent: region valid" timeout 30 $TW validate --pid $parent
check "child: one region of its own (1 memfd), with its pid in the header" \
  bash -c "[ \$(ls -l /proc/$child/fd | grep -c memfd:turbowish) = 1 ] && timeout 30 $TW summary --pid $child | grep -q 'pid $child '"
check "child: the parent's mapping is gone (one turbowish mapping)" test "$(grep -c 'memfd:turbowish' /proc/$child/maps)" = 1
check "child: its own $ce events and tasks child-main, child-thread" bash -c "
  [ '$(names $child)' = '[\"child-main\", \"child-thread\"]' ] &&
  timeout 30 $TW summary --pid $child --json | python3 -c 'import json,sys; e=json.load(sys.stdin)[\"events\"]; sys.exit(e[\"recorded\"] + e[\"dropped\"] != $ce)'"
check "child: the parent's handle was counted as an instrumentation error" \
  bash -c "timeout 30 $TW alerts --pid $child --json | grep -q '\"instrumentation_error\"'"
check "child: region valid" timeout 30 $TW validate --pid $child

launch "$TMP/fexit.out" 'child-ready' $BIN/fork_exec fork-exit || finish
fchild=$(grep '^child-exit' "$TMP/fexit.out" | grep -o 'pid=[0-9]*' | cut -d= -f2); PIDS+=("$fchild")
check "fork-exit: the child survives its forking thread's exit, the new thread's ring still its own" \
  bash -c "grep -q 'ring_still_live=1' '$TMP/fexit.out' && kill -0 $fchild"

launch "$TMP/exec.out" 'tw-example: ready' $BIN/fork_exec exec || finish
grep -h 'exec' "$TMP/exec.out" | sed 's/^/    /'
ee=$(grep '^after-exec' "$TMP/exec.out" | grep -o 'emitted=[0-9]*' | cut -d= -f2)
check "exec: the new image started with no region (memfds_at_start=0), same pid" \
  bash -c "grep -q 'after-exec: pid=$PID memfds_at_start=0' '$TMP/exec.out'"
check "exec: one region now, holding only the new image's task and its $ee events" bash -c "
  [ \$(ls -l /proc/$PID/fd | grep -c memfd:turbowish) = 1 ] && [ '$(names $PID)' = '[\"after-exec\"]' ] &&
  timeout 30 $TW summary --pid $PID --json | python3 -c 'import json,sys; e=json.load(sys.stdin)[\"events\"]; sys.exit(e[\"recorded\"] + e[\"dropped\"] != $ee)'"
finish
