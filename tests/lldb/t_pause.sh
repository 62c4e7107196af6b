#!/usr/bin/env bash
# Behaviour: `tw pause ID` from lldb reaches the runtime of a live process (the task shows
# paused once lldb detaches), `tw resume ID` undoes it; on a core file pause is refused with a
# reason in one error line, and lldb does not crash.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_attach
start_example deadlock
out=$(lldb_pid "$EX_PID" 'tw pause 1')
echo "$out" | grep -q 'error:' && fail "tw pause 1 failed: $(echo "$out" | grep error:)"
paused() { # waits up to 5 s for task 1's paused flag to become $1
  for _ in 1 2 3 4 5; do
    sleep 1
    v=$(lldb_pid "$EX_PID" 'tw task 1 --json' | jsonq 'str(j["task"]["paused"]).lower()')
    [ "$v" = "$1" ] && return 0
  done
  return 1
}
paused true || fail "task 1 is not paused after tw pause 1 (last: $v)"
lldb_pid "$EX_PID" 'tw resume 1' >/dev/null
paused false || fail "task 1 is still paused after tw resume 1"
core=$(make_core "$EX_PID")
c=$(lldb_core build/examples/deadlock "$core" 'tw pause 1')
[ "$(echo "$c" | grep -c '^error:')" = 1 ] || fail "no single error line for pause on a core: $c"
echo "$c" | grep '^error:' | grep -qi 'core' || fail "the refusal does not say why: $(echo "$c" | grep error:)"
echo "$c" | grep -qi 'segmentation\|PLEASE submit\|Stack dump' && fail "lldb crashed: $c"
pass "pause/resume reach a live runtime; a core refuses: $(echo "$c" | grep '^error:')"
