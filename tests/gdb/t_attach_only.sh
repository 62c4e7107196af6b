#!/usr/bin/env bash
# Attach-only via gdb: uninstrumented pthread programs that hang (mutex cycles, semaphores,
# condvars, joins, rwlocks) are diagnosed from their threads, live and from gcore cores, with
# and without -g / debug info; healthy programs never show a certain deadlock; the process
# survives being looked at.
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so
# the hanging and healthy programs are the attach-only suite's own (tests/attach/progs)
for p in abba cycle3 mutex_sem philosophers cond_lost join_forever rw_starve prodcons pool alarm_sem; do
  gcc -std=gnu11 -D_GNU_SOURCE -g -O0 -pthread -o "$TMP/$p" "tests/attach/progs/$p.c" || fail "cannot compile $p"
done
gcc -std=gnu11 -D_GNU_SOURCE -O2 -s -pthread -o "$TMP/abba-O2-stripped" tests/attach/progs/abba.c || fail "cannot compile abba -O2"

# certain_chain PID NTASKS : a certain deadlock of NTASKS threads (one JSON line on stdout)
certain_of() { # OUTPUT N
  echo "$1" | json "any(d['certain'] and len(tasks(d))==$2 for d in j['deadlocks'])" >/dev/null
}

# -- a 2-thread mutex cycle: certain, thread and mutex names, live == core == console
start "$TMP/abba"; p=$PID
live=$(gdb_pid "$p" 'tw deadlocks --json')
no_traceback "$live" || fail "abba: traceback: $live"
certain_of "$live" 2 || fail "abba live: no certain 2-thread deadlock: $(echo "$live" | tail -2)"
echo "$live" | json "sorted(e['name'] for e in j['deadlocks'][0]['chain'] if 'resource' in e)==['first','second']" >/dev/null \
  || fail "abba: mutexes not named first/second by symbol: $(echo "$live" | json "j['deadlocks'][0]['chain']")"
echo "$live" | json "sorted(e['name'] for e in j['deadlocks'][0]['chain'] if 'task' in e)==['abba-one','abba-two']" >/dev/null \
  || fail "abba: threads not named abba-one/abba-two"
echo "$live" | json "all(e['await']['file'].endswith('abba.c') and e['await']['line'] in (5,6) for e in j['deadlocks'][0]['chain'] if 'task' in e)" >/dev/null \
  || fail "abba: blocking sites are not abba.c:5/6"
lchain=$(echo "$live" | json "chain(j['deadlocks'][0])")
core=$(core_of "$p")
cout=$(gdb_core "$TMP/abba" "$core" 'tw deadlocks --json')
certain_of "$cout" 2 || fail "abba core: no certain deadlock (a mutex cycle is certain from one sample)"
cchain=$(echo "$cout" | json "chain(j['deadlocks'][0])")
# thread names are not in a core (gdb shows none): compare ids and resource names only
strip_names() { python3 -c 'import json,sys; print(json.dumps([[k,i,(n if k=="resource" else None)] for k,i,n in json.loads(sys.stdin.read())]))'; }
[ "$(echo "$lchain" | strip_names)" = "$(echo "$cchain" | strip_names)" ] || fail "abba: core chain $cchain differs from live $lchain"
# each mutex names its owner, read from glibc's owner field, in gdb as in the console
HOLDERS="sorted((e['name'], [h['name'] for h in e['holders']]) for e in j['deadlocks'][0]['chain'] if 'resource' in e)"
lhold=$(echo "$live" | json "$HOLDERS")
[ "$lhold" = '[["first", ["abba-one"]], ["second", ["abba-two"]]]' ] || fail "abba: holders in gdb are not first: abba-one, second: abba-two: $lhold"
if [ -x build/bin/tw ]; then
  tout=$(timeout 30 build/bin/tw deadlocks --pid "$p" --json 2>&1)
  [ "$(echo "$tout" | json "chain(j['deadlocks'][0])")" = "$lchain" ] || fail "abba: console chain differs from gdb's: $tout"
  [ "$(echo "$tout" | json "$HOLDERS")" = "$lhold" ] || fail "abba: console holders differ from gdb's: $tout"
fi
kill -0 "$p" 2>/dev/null || fail "abba did not survive gdb"
grep -q State:.*[SR] /proc/$p/status || fail "abba left stopped: $(grep State /proc/$p/status)"
ok "2-thread mutex cycle named (abba-one/abba-two, first/second, abba.c:5/6, each mutex held by its owner), live = core = console"

# -- the same, -O2 and stripped, and gdb without any glibc debug info
start "$TMP/abba-O2-stripped"; p=$PID
o=$(timeout 180 gdb -batch -nx -iex 'set debug-file-directory /nonexistent' -x "$PLUGIN" -p "$p" -ex 'tw deadlocks --json' 2>&1)
certain_of "$o" 2 || fail "abba -O2 stripped, no debug info: no certain deadlock: $(echo "$o" | tail -2)"
f=$(timeout 180 gdb -batch -nx -iex 'set debug-file-directory /nonexistent' -x "$PLUGIN" -p "$p" -ex 'tw facts --json' 2>&1)
echo "$f" | json "'layout table' in j['source'] and sum(1 for t in j['threads'] if t['block']=='mutex' and t['object_from']=='futex address')==2" >/dev/null \
  || fail "stripped: facts do not come from the futex address and the layout table: $(echo "$f" | tail -1 | cut -c1-300)"
ok "stripped -O2 binary, no debug info: futex addresses + glibc layout table -> certain cycle"

# -- 3-thread mutex cycle
start "$TMP/cycle3"; p=$PID
o=$(gdb_pid "$p" 'tw deadlocks --json')
certain_of "$o" 3 || fail "cycle3: no certain 3-thread deadlock"
echo "$o" | json "not any(e.get('name')=='cycle3' for e in j['deadlocks'][0]['chain'])" >/dev/null || fail "cycle3: main's join is in the knot"
core=$(core_of "$p")
certain_of "$(gdb_core "$TMP/cycle3" "$core" 'tw deadlocks --json')" 3 || fail "cycle3 core: no certain 3-thread deadlock"
ok "3-thread mutex cycle, live and core (main's join is not a member)"

# -- waits one sample cannot prove: certain live (two samples), possible from a core
for prog in mutex_sem philosophers join_forever rw_starve cond_lost; do
  start "$TMP/$prog"; p=$PID
  # one session: two samples, one sample, two again, then the core gdb writes (four JSON lines):
  # an answer kept for the stop is never served for the other kind of request
  o=$(gdb_live_core "$p" "$TMP/$prog" "$TMP/core.$p" 'tw deadlocks --json' 'tw deadlocks --json --one-sample' \
        'tw deadlocks --json' | grep '^{' | head -n 4)
  for i in 0 2; do
    echo "$o" | json --nth $i "any(d['certain'] for d in j['deadlocks'])" >/dev/null \
      || fail "$prog live (command $((i + 1))): no certain deadlock: $(echo "$o" | sed -n "$((i + 1))p" | cut -c1-200)"
  done
  echo "$o" | json --nth 1 "len(j['deadlocks'])>=1 and not any(d['certain'] for d in j['deadlocks'])" >/dev/null \
    || fail "$prog: one live sample called certain (or nothing found): $(echo "$o" | sed -n 2p | cut -c1-200)"
  echo "$o" | json --nth 3 "len(j['deadlocks'])>=1 and not any(d['certain'] for d in j['deadlocks'])" >/dev/null \
    || fail "$prog core: want a possible (not certain) deadlock from one sample: $(echo "$o" | sed -n 4p | cut -c1-200)"
  kill -0 "$p" 2>/dev/null || fail "$prog did not survive two samples"
done
start "$TMP/cond_lost"; p=$PID
gdb_pid "$p" 'tw alerts --json' | json "any(a['kind']=='lost_wakeup' for a in j['alerts'])" >/dev/null || fail "cond_lost: no lost_wakeup alert"
f=$(gdb_pid "$p" 'tw facts --json --one-sample')
echo "$f" | json "any(t['block']=='cond' and t['object2'] and t['object2_from']==\"caller's argument registers\" for t in j['threads'])" >/dev/null \
  || fail "cond_lost: condvar's mutex not read back from the caller's code: $(echo "$f" | tail -1 | cut -c1-600)"
# the wait reads as it was written, with its mutex
gdb_pid "$p" 'tw tasks --json' | json "any(t['await']['expr']=='pthread_cond_wait(&done, &lock)' for t in j['tasks'])" >/dev/null \
  || fail "cond_lost: the condvar wait does not read pthread_cond_wait(&done, &lock)"
ok "semaphore/condvar/join/rwlock hangs: certain from two live samples, possible from one or from a core; lost_wakeup"

# -- healthy programs, sampled repeatedly: never a certain deadlock
for prog in prodcons pool; do
  start "$TMP/$prog"; p=$PID
  # three samples, each a fresh attach at its own instant, then the core: one gdb session
  o=$(gdb_live_core "$p" "$TMP/$prog" "$TMP/core.$p" 'tw deadlocks --json' detach 'shell sleep 0.2' "attach $p" \
        'tw deadlocks --json' detach 'shell sleep 0.3' "attach $p" 'tw deadlocks --json' | grep '^{')
  for i in 0 1 2; do
    echo "$o" | json --nth $i "'deadlocks' in j and not any(d['certain'] for d in j['deadlocks'])" >/dev/null \
      || fail "$prog sample $((i + 1)): false certain deadlock (or no JSON): $(echo "$o" | sed -n "$((i + 1))p" | cut -c1-2000)"
  done
  echo "$o" | json --nth 3 "not any(d['certain'] for d in j['deadlocks'])" >/dev/null || fail "$prog core: false certain deadlock"
  kill -0 "$p" 2>/dev/null || fail "$prog died"
done
ok "healthy producer/consumer and thread pool: no certain deadlock in 3 live samples and a core"

# -- alike stops of a thread that ran between them (a signal handler posts its semaphore): the
#    context switches counted while the process ran say it is not stuck
start "$TMP/alarm_sem"; p=$PID
# never certain; possible when a stop finds the thread in sem_wait (a loaded host may stop it in
# its handler instead: then nothing looks stuck) — at least one of up to 6 samples must
possible=0
for i in 1 2 3 4 5 6; do
  o=$(gdb_pid "$p" 'tw deadlocks --json')
  echo "$o" | json "not any(d['certain'] for d in j['deadlocks'])" >/dev/null \
    || fail "alarm_sem sample $i: certain, or no JSON: $( (echo "$o" | grep -m1 '"deadlocks"' || echo "$o" | tail -3) | cut -c1-1000)"
  echo "$o" | json "len(j['deadlocks'])==1" >/dev/null && possible=$((possible + 1))
  [ $i -ge 3 ] && [ $possible -ge 1 ] && break
done
[ $possible -ge 1 ] || fail "alarm_sem: no sample found the thread in sem_wait (6 samples), so none tested the proof"
kill -0 "$p" 2>/dev/null || fail "alarm_sem died"
ok "alarm_sem: every stop alike, the thread ran between them: possible ($possible of $i samples), never certain"
