#!/usr/bin/env bash
# One graph across tasks and threads: a runtime task that blocks its worker thread inside a poll
# (build/examples/blocking-in-poll: pthread_mutex_lock on a mutex a plain thread holds) reads,
# in the console, gdb and lldb, live and from a gcore core, as polling and "blocked in
# pthread_mutex_lock(&cfg_lock) held by thread N (cfg-reloader)", and raises blocking_in_poll
# instead of long_poll; the healthy ticker beside it raises neither.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_gdb_plugin
[ -x build/bin/tw ] || fail "build/bin/tw is not built"
start_example blocking-in-poll
pid=$EX_PID
reloader=$(grep -l cfg-reloader /proc/$pid/task/*/comm | head -1 | cut -d/ -f5)
[ -n "$reloader" ] || fail "no cfg-reloader thread in the example"

# check WHAT TASKS-JSON ALERTS-JSON [OWNER-NAME as Python] (a core keeps no thread's name: None)
check() {
  local what=$1 tasks=$2 alerts=$3 owner=${4:-"'cfg-reloader'"}
  echo "$tasks" | jsonq "any(t['name']=='config-reader' and t['state']=='polling' and t['blocked_in']
      and t['blocked_in']['call']=='pthread_mutex_lock' and t['blocked_in']['name']=='cfg_lock'
      and t['blocked_in']['owner']['thread']==$reloader and t['blocked_in']['owner']['name']==$owner
      and t['blocked_in']['file'].endswith('blocking-in-poll.c') for t in j['tasks'])" >/dev/null \
    || fail "$what: config-reader is not polling, blocked in pthread_mutex_lock(&cfg_lock) held by $reloader (cfg-reloader): $(echo "$tasks" | grep -m1 '^{' | cut -c1-900)"
  echo "$tasks" | jsonq "all(t['blocked_in'] is None for t in j['tasks'] if t['name']=='ticker')" >/dev/null \
    || fail "$what: the healthy ticker reads as blocked"
  echo "$alerts" | jsonq "[a['kind'] for a in j['alerts'] if a.get('task')==2]==['blocking_in_poll'] and not any(a['kind'] in ('long_poll','blocking_in_poll') and a.get('task')==1 for a in j['alerts'])" >/dev/null \
    || fail "$what: want blocking_in_poll (not long_poll) on config-reader alone: $(echo "$alerts" | grep -m1 '^{' | cut -c1-600)"
}

c1=$(build/bin/tw tasks --json --pid "$pid"); c2=$(build/bin/tw alerts --json --pid "$pid")
check "console live" "$c1" "$c2"
# gdb and lldb each read the process live and then its core in one session (gdb writes the core)
core=$TW_TMP/core.$pid
exe=build/examples/blocking-in-poll
CMDS3=('tw tasks --json' 'tw alerts --json' 'tw why 2 --json')
gboth=$(gdb_live_core "$pid" "$exe" "$core" "${CMDS3[@]}" | grep '^{')
check "gdb live" "$(echo "$gboth" | sed -n 1p)" "$(echo "$gboth" | sed -n 2p)"
lboth=$(lldb_live_core "$pid" "$exe" "$core" "${CMDS3[@]}" | grep '^{')
check "lldb live" "$(echo "$lboth" | sed -n 1p)" "$(echo "$lboth" | sed -n 2p)"

c1=$(build/bin/tw tasks --json --core "$core" --exe "$exe"); c2=$(build/bin/tw alerts --json --core "$core" --exe "$exe")
check "console core" "$c1" "$c2" None
g=$(echo "$gboth" | sed -n '4,$p')
check "gdb core" "$(echo "$g" | sed -n 1p)" "$(echo "$g" | sed -n 2p)" None
l=$(echo "$lboth" | sed -n '4,$p')
check "lldb core" "$(echo "$l" | sed -n 1p)" "$(echo "$l" | sed -n 2p)" None
# the same bytes in every frontend from the core (live ones differ by the moment each stops)
[ "$(echo "$g" | grep '^{' | sed -n 1p)" = "$c1" ] || fail "gdb's tasks JSON from the core differs from the console's"
[ "$(echo "$l" | grep '^{' | sed -n 1p)" = "$c1" ] || fail "lldb's tasks JSON from the core differs from the console's"
# why: the chain leaves the region at the worker thread
for w in "$(build/bin/tw why 2 --json --pid "$pid")" "$(build/bin/tw why 2 --json --core "$core" --exe "$exe")"; do
  echo "$w" | jsonq "j['end']=='blocked_in_poll' and j['blocked_in']['owner']['thread']==$reloader" >/dev/null \
    || fail "tw why 2 does not end at the blocked worker: $(echo "$w" | cut -c1-400)"
done
cw=$(build/bin/tw why 2 --json --core "$core" --exe "$exe")
[ "$(echo "$g" | grep '^{' | sed -n 3p)" = "$cw" ] || fail "gdb's tw why 2 from the core differs from the console's"
[ "$(echo "$l" | grep '^{' | sed -n 3p)" = "$cw" ] || fail "lldb's tw why 2 from the core differs from the console's"
kill -9 "$pid"; rm -f "$core"
pass "blocking-in-poll: polling, blocked in pthread_mutex_lock(&cfg_lock) held by cfg-reloader, and blocking_in_poll, live and core, console == gdb == lldb"
