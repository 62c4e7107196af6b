#!/usr/bin/env bash
# Cycles across tasks and threads (issue 21 point 3) on build/examples/lock-across-await: task
# m-owner holds runtime mutex M and blocks its worker in pthread_mutex_lock(&cfg); cfg-writer
# took cfg in an earlier poll and awaits M. In the console, gdb and lldb, live and from a gcore
# core:
#  - plain (no adapter): glibc names cfg's owner thread only; the deadlock is possible and its
#    chain ends at a thread entry {"thread","name","running_task"}, saying which task took cfg
#    is unknown;
#  - under `tw run` (the pthread adapter records cfg for the task whose poll took it): one chain
#    m-owner -> cfg -> cfg-writer -> M, certain; and blocking_in_poll for m-owner, whose worker
#    thread the adapter's recorded pthread_mutex_lock blocks inside its poll (TW_TF_IN_CALL).
# From a core every frontend prints the same bytes. One process and one core per mode.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_gdb_plugin
[ -x build/bin/tw ] || fail "build/bin/tw is not built"
exe=build/examples/lock-across-await

# the deadlocks --json line of a debugger's output
first_json() { echo "$1" | grep -m1 '^{"as_of"'; }
second_json() { echo "$1" | grep '^{"as_of"' | sed -n 2p; }
nth_json() { echo "$1" | grep '^{"as_of"' | sed -n "$2"p; }

# check_blocking WHAT ALERTS-JSON: under tw run the adapter recorded m-owner's pthread_mutex_lock
# inside its poll (TW_TF_IN_CALL): blocking_in_poll names the call, cfg, its holder and the site
check_blocking() {
  echo "$2" | jsonq "any(a['kind']=='blocking_in_poll' and a['message'].startswith('m-owner (')
      and 'has blocked its worker thread' in a['message']
      and 'blocked in pthread_mutex_lock on cfg held by cfg-writer (' in a['message']
      and 'at lock-across-await.c:49' in a['message'] for a in j['alerts'])" >/dev/null \
    || fail "$1: want blocking_in_poll for m-owner in pthread_mutex_lock on cfg: $(echo "$2" | cut -c1-900)"
}

# check_plain WHAT JSON OWNER-TID OWNER-NAME-as-Python
check_plain() {
  echo "$2" | jsonq "(len(j['deadlocks'])==1 and not j['deadlocks'][0]['certain']
      and [list(e)[0] for e in j['deadlocks'][0]['chain']]==['task','resource','thread']
      and j['deadlocks'][0]['chain'][0]['name']=='m-owner'
      and j['deadlocks'][0]['chain'][0]['await']['expr']=='pthread_mutex_lock(&cfg)'
      and j['deadlocks'][0]['chain'][0]['await']['file'].endswith('lock-across-await.c')
      and j['deadlocks'][0]['chain'][1]['name']=='cfg' and j['deadlocks'][0]['chain'][1]['kind']=='mutex'
      and j['deadlocks'][0]['chain'][2]['thread']==$3 and j['deadlocks'][0]['chain'][2]['name']==$4
      and 'which task took cfg is unknown without the pthread adapter' in j['deadlocks'][0]['message']
      and 'cfg-writer' in j['deadlocks'][0]['message'])" >/dev/null \
    || fail "$1: want one possible deadlock m-owner -> cfg -> thread $3: $(echo "$2" | cut -c1-900)"
}

# check_adapter WHAT JSON: one certain chain m-owner -> cfg -> cfg-writer -> M
check_adapter() {
  echo "$2" | jsonq "(len(j['deadlocks'])==1 and j['deadlocks'][0]['certain']
      and [e.get('name') for e in j['deadlocks'][0]['chain']]==['m-owner','cfg','cfg-writer','M']
      and [list(e)[0] for e in j['deadlocks'][0]['chain']]==['task','resource','task','resource']
      and [h['name'] for h in j['deadlocks'][0]['chain'][1]['holders']]==['cfg-writer']
      and [h['name'] for h in j['deadlocks'][0]['chain'][3]['holders']]==['m-owner'])" >/dev/null \
    || fail "$1: want one certain deadlock m-owner -> cfg -> cfg-writer -> M: $(echo "$2" | cut -c1-900)"
}

# ---- plain: the program's own region, no adapter
start_example lock-across-await
pid=$EX_PID
c=$(build/bin/tw deadlocks --json --pid "$pid")
otid=$(echo "$c" | jsonq "j['deadlocks'][0]['chain'][2]['thread']" 2>/dev/null)
oname=$(cat "/proc/$pid/task/$otid/comm" 2>/dev/null)
case "$oname" in twrt-worker-*) ;; *) fail "console live: cfg's owner ($otid, '$oname') is not a runtime worker: $(echo "$c" | cut -c1-600)";; esac
check_plain "console live" "$c" "$otid" "'$oname'"
# each debugger reads the process live and then its core in one session (gdb writes the core)
core=$TW_TMP/core.$pid
gboth=$(gdb_live_core "$pid" "$exe" "$core" 'tw deadlocks --json')
check_plain "gdb live" "$(first_json "$gboth")" "$otid" "'$oname'"
lboth=$(lldb_live_core "$pid" "$exe" "$core" 'tw deadlocks --json')
check_plain "lldb live" "$(first_json "$lboth")" "$otid" "'$oname'"
kill -9 "$pid"
c=$(build/bin/tw deadlocks --json --core "$core" --exe "$exe")
check_plain "console core" "$c" "$otid" None   # a core keeps no thread names
g=$(second_json "$gboth")
l=$(second_json "$lboth")
[ "$g" = "$c" ] || fail "gdb's deadlocks from the plain core differ from the console's: $g"
[ "$l" = "$c" ] || fail "lldb's deadlocks from the plain core differ from the console's: $l"
rm -f "$core"
pass "lock-across-await without the adapter: possible, the chain ends at thread $otid, live and core, console == gdb == lldb"

# ---- under `tw run`: the adapter says which task took cfg
build/bin/tw run -- "$exe" >"$TW_TMP/run.out" 2>"$TW_TMP/run.err" &
pid=$!
disown "$pid" 2>/dev/null; TW_PIDS+=("$pid")
for _ in $(seq 1 150); do grep -q 'tw-example: ready' "$TW_TMP/run.out" && break; sleep 0.1; done
grep -q 'tw-example: ready' "$TW_TMP/run.out" || fail "lock-across-await under tw run not ready: $(cat "$TW_TMP/run.err")"
c=$(build/bin/tw deadlocks --json --pid "$pid")
check_adapter "console live" "$c"
check_blocking "console live" "$(build/bin/tw alerts --json --pid "$pid")"
core=$TW_TMP/core.$pid
gboth=$(gdb_live_core "$pid" "$exe" "$core" 'tw deadlocks --json' 'tw alerts --json')
g=$(first_json "$gboth")
check_adapter "gdb live" "$g"
check_blocking "gdb live" "$(nth_json "$gboth" 2)"
check_blocking "gdb core" "$(nth_json "$gboth" 4)"
lboth=$(lldb_live_core "$pid" "$exe" "$core" 'tw deadlocks --json' 'tw alerts --json')
l=$(first_json "$lboth")
check_adapter "lldb live" "$l"
check_blocking "lldb live" "$(nth_json "$lboth" 2)"
check_blocking "lldb core" "$(nth_json "$lboth" 4)"
# the region alone holds this chain, and it no longer moves: the same bytes live too
[ "$g" = "$c" ] || fail "gdb's live deadlocks under tw run differ from the console's: $g"
[ "$l" = "$c" ] || fail "lldb's live deadlocks under tw run differ from the console's: $l"
kill -9 "$pid"
c=$(build/bin/tw deadlocks --json --core "$core" --exe "$exe")
check_adapter "console core" "$c"
check_blocking "console core" "$(build/bin/tw alerts --json --core "$core" --exe "$exe")"
g=$(nth_json "$gboth" 3)
l=$(nth_json "$lboth" 3)
[ "$g" = "$c" ] || fail "gdb's deadlocks from the tw run core differ from the console's: $g"
[ "$l" = "$c" ] || fail "lldb's deadlocks from the tw run core differ from the console's: $l"
rm -f "$core"
pass "lock-across-await under tw run: certain m-owner -> cfg -> cfg-writer -> M and blocking_in_poll, live and core, console == gdb == lldb"
