#!/usr/bin/env bash
# C++ programs read as C++ under the pthread adapter (issue 22): `tw run -- cpp-bank`. The adapter
# names in-process what it can: the mutexes by symbol (_ZL3bob), the threads after libstdc++'s
# trampoline (libstdc++.so.6+0xd4490), the site at the first frame of the executable
# (gthr-default.h:749 in _ZL8transferR7AccountS0_l). Every reader lends the threads' frames and
# libtwcore gives C++ names: bob.m, transfer, bank.cpp:9 in transfer(Account&, Account&, long) —
# console live and from a core, gdb, lldb. And cpp-future's threads and objects: deliver, cv, mu,
# the std::future as a `future`; cpp-waits' readers, atomic and barrier.
set -u
cd "$(dirname "$(readlink -f "$0")")/../.."
TW=build/bin/tw
GDBP=build/share/gdb/turbowish.py
LLDBP=build/lib/turbowish-lldb.so
TMP=$(mktemp -d -t twcpp.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL t-cpp: $*"; exit 1; }
for f in "$TW" build/lib/libtw-pthread.so "$GDBP" "$LLDBP" build/examples/cpp-bank build/examples/cpp-future build/examples/cpp-waits; do
  [ -e "$f" ] || fail "$f is not built"
done
. tests/lib/cpp.sh
tw_run() {
  "$TW" run -- "build/examples/$1" >"$TMP/$1.out" 2>&1 &
  pid=$!; disown "$pid"; PIDS+=("$pid")
  for _ in $(seq 1 150); do grep -q 'tw-example: ready' "$TMP/$1.out" && break; sleep 0.1; done
  grep -q 'tw-example: ready' "$TMP/$1.out" || fail "$1: not ready under tw run"
}
# readers CMDS FILTER WANT: the console, gdb and lldb each run `tw CMD` on $pid for each CMD of
# CMDS (separated by ';'; one debugger session runs them all)
readers() {
  local cmds=$1 filter=$2 want=$3 got c
  local -a each gx lx
  IFS=';' read -ra each <<<"$cmds"
  for c in "${each[@]}"; do gx+=(-ex "tw $c"); lx+=(-o "tw $c"); done
  for try in 1 2 3 4 5; do
    got=$(for c in "${each[@]}"; do timeout 60 "$TW" $c --pid "$pid"; done | $filter)
    [ "$got" = "$want" ] && break
    sleep 0.3
  done
  [ "$got" = "$want" ] || fail "console: '$got', want '$want'"
  got=$(timeout 180 gdb -batch -nx -x "$GDBP" -p "$pid" "${gx[@]}" 2>&1 | $filter)
  [ "$got" = "$want" ] || fail "gdb: '$got', want '$want'"
  got=$(timeout 300 lldb -b -o "plugin load $LLDBP" -p "$pid" "${lx[@]}" 2>&1 | $filter)
  [ "$got" = "$want" ] || fail "lldb: '$got', want '$want'"
}

tw_run cpp-bank
want=$(cpp_want cpp-bank "")
readers "deadlocks --json" cpp_summary "$want"
timeout 120 gcore -o "$TMP/core" "$pid" >/dev/null 2>&1 || fail "gcore cpp-bank"
got=$(timeout 60 "$TW" deadlocks --core "$TMP/core.$pid" --exe build/examples/cpp-bank --json | cpp_summary)
rm -f "$TMP/core.$pid"
[ "$got" = "$want" ] || fail "cpp-bank, console on a core: '$got', want '$want'"
kill -9 "$pid"
echo "ok   t-cpp: cpp-bank under tw run: $want (console live and core, gdb, lldb)"

names() { # the sorted task names, then the sorted resource names (an address "0x?"), of the JSON lines of stdin
  python3 -c 'import json,sys
ls=[json.loads(l[l.index("{"):]) for l in sys.stdin.read().splitlines() if l.lstrip().startswith("{") or l.startswith("(lldb) {")]
t=[x["name"] for j in ls for x in j.get("tasks",[])]; r=["0x?" if x["name"].startswith("0x") else x["name"] for j in ls for x in j.get("resources",[])]
print(" ".join(sorted(t)), "/", " ".join(sorted(r)))'
}
# The std::future's wait is a futex call the adapter never sees: the threads' stop saw it, and
# libtwcore makes it a wait on a `future` resource at main's line (kernel_objects.c). The region
# recorded no wait of main's, so the global deadlock is possible, never certain.
tw_run cpp-future
fut="possible cpp-future@future.cpp:21@main deliver@future.cpp:12@deliver(std::promise<int>&) 0x?(future) cv(condvar)"
readers "deadlocks --json" cpp_summary "$fut"
readers "resources --json" names " / 0x? cv mu"
timeout 120 gcore -o "$TMP/core" "$pid" >/dev/null 2>&1 || fail "gcore cpp-future"
got=$(timeout 60 "$TW" deadlocks --core "$TMP/core.$pid" --exe build/examples/cpp-future --json | cpp_summary)
rm -f "$TMP/core.$pid"
[ "$got" = "$fut" ] || fail "cpp-future, console on a core: '$got', want '$fut'"
kill -9 "$pid"
echo "ok   t-cpp: cpp-future under tw run: $fut; objects cv, mu and the future (console live and core, gdb, lldb)"

# examples/cpp/waits.cpp under the adapter, every case at once. std::shared_mutex: libstdc++'s
# shared_lock and unique_lock are glibc rwlock calls, which the adapter wraps, so both readers
# are holders and the writer waits. The C++20 waits are futex calls it never sees, named and
# kinded by attach-only's rule: flag (other), sync_point (barrier), the local atomic local_wait:word
# (other; it was "futex wait (in the kernel)"), live and from a core (console only: the readers
# above already compare frontends on the same lent facts).
tw_run cpp-waits
waited() { python3 -c 'import json,sys
ls=[json.loads(l) for l in sys.stdin if l.startswith("{")]
print(" ".join(sorted("%s(%s)w%d"%(r["name"],r["kind"],len(r["waiters"])) for j in ls for r in j.get("resources",[]) if r["kind"] in ("other","barrier","future","mutex"))))'; }
# and condition_variable_any's own mutex, on the heap, which the adapter names by its address:
# *jobs._M_mutex, as attach-only names it (kernel_waits.c)
want="*jobs._M_mutex(mutex)w0 flag(other)w1 jobs_mu(mutex)w0 local_wait:word(other)w1 mu(mutex)w0 plain_mu(mutex)w0 sync_point(barrier)w2"
for try in 1 2 3 4 5; do
  got=$(timeout 60 "$TW" resources --pid "$pid" --json | waited)
  [ "$got" = "$want" ] && break
  sleep 0.3
done
[ "$got" = "$want" ] || fail "cpp-waits C++20 waits under tw run: '$got', want '$want'"
# std::jthread stop requests (cxx_stop.c): the adapter records the joins and the condvar wait;
# the lent frames say which join is a jthread's and its memory whether a stop was requested.
# And the thread waiting on its local atomic (`local`), polling in the region since its thread
# started: that poll's time is its wait's, idle, not busy (figures.c; it was all busy), live;
# a core cannot tell when the wait began, and counts it in neither.
stops() {
  local j; j=$(cat)
  echo "$(echo "$j" | cpp_waits_summary | sed 's/.* \/ //') / $(echo "$j" | kwait) / $(echo "$j" | grep -o '{"as_of.*"resources".*' | waited)"
}
kwait() { python3 -c 'import json,sys
ls=[json.loads(l[l.index("{"):]) for l in sys.stdin.read().splitlines() if "{" in l and "\"tasks\"" in l]
for t in ls[-1]["tasks"] if ls else []:
    if t["name"]=="local_wait": print(t["state"], t["await"]["expr"], "busy<1ms" if t["busy_ns"]<1e6 else "busy", "idle" if t["idle_ns"]>t["busy_ns"] else "no-idle")'; }
jwant="cpp-waits<jthread main:cvany running worker(std::stop_token), no stop requested> owner<jthread owner:t running stubborn(std::stop_token), stop requested by its destructor> stubborn<unobserved>"
readers "tasks --json;resources --json" stops "$jwant / waiting futex_wait(&local_wait:word) busy<1ms idle / $want"
timeout 120 gcore -o "$TMP/core" "$pid" >/dev/null 2>&1 || fail "gcore cpp-waits"
got=$(timeout 60 "$TW" resources --core "$TMP/core.$pid" --exe build/examples/cpp-waits --json | waited)
jgot=$(timeout 60 "$TW" tasks --core "$TMP/core.$pid" --exe build/examples/cpp-waits --json | stops | sed 's| / $||')
rm -f "$TMP/core.$pid"
[ "$got" = "$want" ] || fail "cpp-waits C++20 waits under tw run, on a core: '$got', want '$want'"
jwant="$jwant / waiting futex_wait(&local_wait:word) busy<1ms no-idle"
[ "$jgot" = "$jwant" ] || fail "cpp-waits jthreads under tw run, on a core: '$jgot', want '$jwant'"
echo "ok   t-cpp: cpp-waits under tw run: $want; $jwant (console live and core, gdb, lldb)"
rw() { python3 -c 'import json,sys
j=json.load(sys.stdin); t={x["id"]:x["name"] for x in j.get("tasks",[])}
print(" ".join("%s(%s) held by %s, %d waiting"%(r["name"],r["kind"]," ".join(sorted(t.get(h,"?") for h in r["holders"])),len(r["waiters"])) for r in j["resources"] if r["kind"]=="rwlock"))'; }
want="table(rwlock) held by reader reader, 1 waiting"
for try in 1 2 3 4 5; do
  got=$( { timeout 60 "$TW" tasks --pid "$pid" --json; timeout 60 "$TW" resources --pid "$pid" --json; } | python3 -c 'import json,sys
ls=[json.loads(l) for l in sys.stdin if l.startswith("{")]; print(json.dumps({"tasks":ls[0]["tasks"],"resources":ls[1]["resources"]}))' | rw)
  [ "$got" = "$want" ] && break
  sleep 0.3
done
[ "$got" = "$want" ] || fail "cpp-waits readers under tw run: '$got', want '$want'"
kill -9 "$pid"
echo "ok   t-cpp: cpp-waits readers under tw run: $want"
