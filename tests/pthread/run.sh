#!/usr/bin/env bash
# tests/pthread/run.sh — the pthread LD_PRELOAD adapter on unmodified programs.
# Adapter-level checks (no `tw` needed): same output and exit codes with and without the
# preload, and what the region records (read by regdump). Reader checks: what
# `build/bin/tw deadlocks|alerts --pid PID --json` reports — failed when build/bin/tw does
# not exist (make test builds it first). Each check names the behaviour it pins down.
set -u
cd "$(dirname "$(readlink -f "$0")")/../.."
. tests/lib/why_failed.sh
PRE=$PWD/build/lib/libtw-pthread.so
BIN=build/tests/pthread
TW=build/bin/tw
TMP=$(mktemp -d -t twpthread.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1${2:+: $2}"; }
# make test builds everything first: a check that cannot run for want of tw is a failure, not a skip
skip() { bad "$1" "build/bin/tw is not built (make all builds it)"; }
check() { # NAME COMMAND... : ok when the command succeeds
    local name=$1; shift
    if "$@" >"$TMP/check.out" 2>&1; then ok "$name"; else bad "$name" "$(why_failed "$TMP/check.out")"; fi
}
# start NAME [ENV=VAL...] [-- ARGS]: runs BIN/NAME under the preload, waits for its ready line; sets PID
start() {
    local name=$1; shift
    local envs=() args=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    [ "${1:-}" = -- ] && { shift; args=("$@"); }
    # the last run of the same program left its ready line: gone before this one starts, or the
    # wait below could read it before the new process's redirection has truncated the file
    rm -f "$TMP/$name.out" "$TMP/$name.err"
    env "${envs[@]}" LD_PRELOAD="$PRE" "$BIN/$name" "${args[@]}" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    PID=$!
    PIDS+=("$PID")
    # READY_S: how long it may take (a guard against hangs; the churn programs' million requests
    # take 12-16 s on this 2-vCPU host alone, more beside other test steps)
    local tenths=$(( ${READY_S:-15} * 10 ))
    for _ in $(seq 1 "$tenths"); do
        grep -q 'tw-example: ready' "$TMP/$name.out" 2>/dev/null && return 0
        kill -0 "$PID" 2>/dev/null || { echo "$name exited before ready: $(cat "$TMP/$name.err")"; return 1; }
        sleep 0.1
    done
    echo "$name not ready in ${READY_S:-15} s"
    return 1
}
stop() { kill -9 "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
dump() { "$BIN/regdump" "$PID" >"$TMP/dump" || { echo "no region in $PID"; return 1; }; }
# py EXPR: evaluates a Python expression over j = the JSON object on the first line of stdin
py() { python3 -c 'import json,sys
j=json.loads(sys.stdin.readline())
r=eval(sys.argv[1])
print(r)
sys.exit(0 if r else 1)' "$1"; }
tw_json() { timeout 60 "$TW" "$@" --pid "$PID" --json; }

# ---------------------------------------------------------------- behaviour unchanged
semantics_same() {
    "$BIN/semantics" >"$TMP/plain" 2>&1; local a=$?
    LD_PRELOAD=$PRE "$BIN/semantics" >"$TMP/pre" 2>&1; local b=$?
    [ $a -eq 42 ] && [ $b -eq 42 ] || { echo "exit codes $a (plain) vs $b (preload)"; return 1; }
    diff "$TMP/plain" "$TMP/pre" || return 1
    grep -q 'errorcheck relock (EDEADLK) *1' "$TMP/pre" && grep -q 'errorcheck unlock by other (EPERM) *1' "$TMP/pre"
}
check "error codes, errno, results, fork, locks before main and in atexit: identical with and without the preload" semantics_same

disabled_same() {
    TW_DISABLE=1 LD_PRELOAD=$PRE "$BIN/semantics" >"$TMP/dis" 2>&1; local b=$?
    [ $b -eq 42 ] && diff "$TMP/plain" "$TMP/dis"
}
check "TW_DISABLE=1 under the preload: still identical" disabled_same

many_threads() {
    local a b
    a=$("$BIN/many") || return 1
    b=$(LD_PRELOAD=$PRE timeout 120 "$BIN/many") || { echo "preloaded run failed"; return 1; }
    [ "$a" = "$b" ] && [ "$a" = "sum 6003000" ] || { echo "'$a' vs '$b'"; return 1; }
}
check "6,000 threads (2,000 live at once, beyond the task and ring tables): all run, same result" many_threads

pool_same() {
    local a b
    a=$("$BIN/pool") && b=$(LD_PRELOAD=$PRE timeout 120 "$BIN/pool") && [ "$a" = "$b" ] || { echo "'$a' vs '$b'"; return 1; }
}
check "1,000-thread pool: same result with the preload" pool_same

# ---------------------------------------------------------------- what the region records
# regdump lines: task ID STATE WAITKIND WAITING_ON NAME [hold:RES] [attr:K=V] site:N ; res ID KIND ADDR NAME ;
#                order HELD ACQUIRED HELD_SITE ACQUIRED_SITE TASK FLAGS (the region's lock-order table)
res_id() { awk -v n="$1" '$1=="res" && $5==n {print $2; exit}' "$TMP/dump"; }

abba_recorded() {
    start abba || return 1
    dump || return 1
    local f s
    f=$(res_id first) s=$(res_id second)
    [ -n "$f" ] && [ -n "$s" ] || { echo "mutexes not named first/second:"; cat "$TMP/dump"; return 1; }
    # one thread holds first and waits (ACQUIRE=1) on second, the other the reverse; main joins (JOIN=4)
    grep -Eq "^task [0-9]+ 3 1 $s one hold:$f " "$TMP/dump" && grep -Eq "^task [0-9]+ 3 1 $f two hold:$s " "$TMP/dump" &&
        grep -Eq "^task [0-9]+ 3 4 [0-9]+ abba " "$TMP/dump" || { cat "$TMP/dump"; return 1; }
    # sites come from the return address and the DWARF line table: abba.c:7 is one()'s lock line
    grep -Eq '^site [0-9]+ [^ ]*abba.c 7 pthread_mutex_lock one$' "$TMP/dump" || { echo "no site abba.c:7 in one()"; grep ^site "$TMP/dump"; return 1; }
}
check "ABBA: threads named by start routine, each holds one of first/second and waits for the other, main waits in join; sites are file:line" abba_recorded
if [ -x "$TW" ]; then
    check "ABBA: tw deadlocks reports one certain 2-thread deadlock naming first and second" bash -c '
        out=$(timeout 60 '"$TW"' deadlocks --pid '"$PID"' --json) || exit 1
        echo "$out" | grep -q "\"first\"" && echo "$out" | grep -q "\"second\"" || { echo "$out"; exit 1; }
        echo "$out" | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); sys.exit(0 if any(d[\"certain\"] and sum(1 for e in d[\"chain\"] if \"task\" in e)==2 for d in j[\"deadlocks\"]) else 1)"'
else skip "ABBA: tw deadlocks"; fi
stop

named_at_birth_recorded() {
    start named_at_birth || return 1
    dump || return 1
    local named unnamed
    named=$(grep -Ec '^task [0-9]+ [0-9]+ [0-9]+ [0-9]+ born-[0-9]+' "$TMP/dump")
    unnamed=$(grep -Ec '^task [0-9]+ [0-9]+ [0-9]+ [0-9]+ worker' "$TMP/dump")
    [ "$named" = 400 ] && [ "$unnamed" = 0 ] || { echo "$named named born-N, $unnamed left as worker"; return 1; }
}
check "names given by the creator while each of 400 threads starts are never lost to the start routine's" named_at_birth_recorded
stop

philosophers_recorded() {
    start philosophers || return 1
    dump || return 1
    [ "$(grep -Ec '^task [0-9]+ 3 1 [0-9]+ philosopher-[0-4] hold:' "$TMP/dump")" = 5 ] || { cat "$TMP/dump"; return 1; }
    # array elements are named from DWARF
    grep -Eq '^res [0-9]+ 1 0x[0-9a-f]+ forks\[2\]$' "$TMP/dump" || { echo "forks[2] not named so:"; grep ^res "$TMP/dump"; return 1; }
}
check "dining philosophers: 5 threads named by pthread_setname_np, each holding a fork (forks[i]) and waiting for the next" philosophers_recorded
if [ -x "$TW" ]; then
    check "dining philosophers: tw deadlocks reports a certain 5-thread deadlock" bash -c \
        'timeout 60 '"$TW"' deadlocks --pid '"$PID"' --json | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); sys.exit(0 if any(d[\"certain\"] and sum(1 for e in d[\"chain\"] if \"task\" in e)==5 for d in j[\"deadlocks\"]) else 1)"'
else skip "dining philosophers: tw deadlocks"; fi
stop

missed_recorded() {
    start missed_signal || return 1
    dump || return 1
    local cv
    cv=$(res_id done_cv)
    [ -n "$cv" ] && grep -Eq "^task [0-9]+ 3 5 $cv waiter " "$TMP/dump" || { cat "$TMP/dump"; return 1; }
    # the mutex was given back while waiting: the waiter holds nothing
    ! grep -Eq "^task [0-9]+ 3 5 $cv waiter hold:" "$TMP/dump"
}
check "missed signal: the waiter waits (SIGNAL) on done_cv, its mutex given back" missed_recorded
if [ -x "$TW" ]; then
    check "missed signal: tw alerts reports lost_wakeup" bash -c \
        'timeout 60 '"$TW"' alerts --pid '"$PID"' --json | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); print(j); sys.exit(0 if any(a[\"kind\"]==\"lost_wakeup\" for a in j[\"alerts\"]) else 1)"'
else skip "missed signal: tw alerts lost_wakeup"; fi
stop

in_flight_recorded() {
    start signalled_waiter || return 1
    dump || return 1
    local cv
    cv=$(res_id go)
    [ -n "$cv" ] && grep -Eq "^task [0-9]+ 3 5 $cv waiter " "$TMP/dump" || { cat "$TMP/dump"; return 1; }
}
check "signalled waiter: still recorded waiting on go after the signal (it needs the mutex back)" in_flight_recorded
if [ -x "$TW" ]; then
    in_flight_why() {
        local w
        w=$(tw_json tasks | py '[t["id"] for t in j["tasks"] if t["name"] == "waiter"][0]') || return 1
        tw_json why "$w" | py 'j["end"] == "exit" and "a wake is in flight" in j["message"]'
    }
    check "signalled waiter: tw why says a wake is in flight, not 'a waker TurboWish cannot name'" in_flight_why
else skip "signalled waiter: tw why"; fi
stop

upgrade_recorded() {
    start rw_upgrade || return 1
    dump || return 1
    local l
    l=$(res_id table_lock)
    [ -n "$l" ] && [ "$(grep -Ec "^task [0-9]+ 3 1 $l upgrader hold:$l " "$TMP/dump")" = 2 ] || { cat "$TMP/dump"; return 1; }
}
check "reader-writer upgrade: both readers hold table_lock shared and wait to write it" upgrade_recorded
if [ -x "$TW" ]; then
    check "reader-writer upgrade: tw deadlocks reports a certain deadlock on table_lock" bash -c '
        out=$(timeout 60 '"$TW"' deadlocks --pid '"$PID"' --json) || exit 1
        echo "$out" | grep -q "\"table_lock\"" || { echo "$out"; exit 1; }
        echo "$out" | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); sys.exit(0 if any(d[\"certain\"] for d in j[\"deadlocks\"]) else 1)"'
else skip "reader-writer upgrade: tw deadlocks"; fi
stop

order_recorded() {
    start lock_order || return 1
    dump || return 1
    local a b
    a=$(res_id accounts) b=$(res_id audit)
    # both orders in the region's order table, each with the sites of both acquisitions
    grep -Eq "^order $a $b [1-9][0-9]* [1-9][0-9]* [0-9]+ 1$" "$TMP/dump" &&
        grep -Eq "^order $b $a [1-9][0-9]* [1-9][0-9]* [0-9]+ 1$" "$TMP/dump" || { cat "$TMP/dump"; return 1; }
}
check "lock-order inversion that did not hang: both orders recorded in the region's order table with their sites" order_recorded
if [ -x "$TW" ]; then
    check "lock-order inversion: tw alerts reports one lock_order naming accounts and audit with their lines, tw deadlocks nothing" bash -c '
        tw_json() { timeout 60 '"$TW"' "$@" --pid '"$PID"' --json; }
        tw_json alerts | python3 -c "import json,sys
j=json.loads(sys.stdin.readline()); lo=[a for a in j[\"alerts\"] if a[\"kind\"]==\"lock_order\"]
ok=len(lo)==1 and [r[\"name\"] for r in lo[0][\"resources\"]]==[\"accounts\",\"audit\"] and \"accounts (lock_order.c:14) then audit (lock_order.c:15)\" in lo[0][\"message\"] and \"audit (lock_order.c:23) then accounts (lock_order.c:24)\" in lo[0][\"message\"]
print(lo); sys.exit(0 if ok else 1)" || exit 1
        tw_json deadlocks | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); sys.exit(0 if not j[\"deadlocks\"] else 1)"'
else skip "lock-order inversion: tw alerts"; fi
stop

# lock_order_alerts PROG [ENV=VAL...] -- ARGS: the lock_order alerts of PROG's region as JSON on stdout
lock_order_alerts() {
    start "$@" || return 1
    tw_json alerts >"$TMP/alerts.json" || { stop; return 1; }
    stop
    python3 -c 'import json,sys
j=json.load(open(sys.argv[1])); print(json.dumps([a for a in j["alerts"] if a["kind"]=="lock_order"]))' "$TMP/alerts.json"
}
# expect_lock_order JSON N_LOCKS NAMES INSTANCES: exactly one lock_order alert, its resources named
# NAMES (space separated, in cycle order), saying INSTANCES instance cycle(s)
expect_lock_order() {
    python3 -c 'import json,sys
lo=json.loads(sys.argv[1]); names=sys.argv[2].split(); n=sys.argv[3]
ok=len(lo)==1 and [r["name"] for r in lo[0]["resources"]]==names and (" %s instance cycle" % n) in lo[0]["message"] \
   and ("a cycle of %d locks" % len(names)) in lo[0]["message"]
print(lo); sys.exit(0 if ok else 1)' "$1" "$2" "$3"
}
if [ -x "$TW" ]; then
    trylock_silent() { local j; j=$(lock_order_alerts lock_order -- try) && [ "$j" = "[]" ] || { echo "$j"; return 1; }; }
    check "trylock pair (accounts then TRY audit; audit then accounts): no lock_order — a try never closes an inversion" trylock_silent
    ring3() { local j; j=$(lock_order_alerts ring -- 3) && expect_lock_order "$j" "ring[0] ring[1] ring[2]" 1; }
    check "3-lock ring of array elements: exactly one lock_order naming ring[0] ring[1] ring[2] in order, 1 instance" ring3
    ring5() { local j; j=$(lock_order_alerts ring -- 5) && expect_lock_order "$j" "ring[0] ring[1] ring[2] ring[3] ring[4]" 1; }
    check "5-lock ring of array elements: exactly one lock_order naming ring[0] .. ring[4] in order, 1 instance" ring5
    hashed_try() { local j; j=$(lock_order_alerts hashed -- try 64) && [ "$j" = "[]" ] || { echo "$j"; return 1; }; }
    check "global lock then TRY of a hashed lock-array element, elements before the global elsewhere: no lock_order" hashed_try
    hashed_lock() { local j; j=$(lock_order_alerts hashed -- lock 64) && expect_lock_order "$j" "lru item_locks[0]" 64; }
    check "the same with both acquisitions blocking (64 elements): ONE lock_order, lru and item_locks[0], 64 instance cycles" hashed_lock
    ring_wrapped() { local j; j=$(lock_order_alerts ring TW_LOG_EVENTS=16 -- 5 3000) && expect_lock_order "$j" "ring[0] ring[1] ring[2] ring[3] ring[4]" 1; }
    check "5-lock ring still reported after every ring of events wrapped (TW_LOG_EVENTS=16, 3,000 lock/unlock per thread after it)" ring_wrapped
    hashed_folded() {
        start hashed TW_MAX_LOCK_ORDERS=1024 -- lock 4096 || return 1
        tw_json alerts >"$TMP/alerts.json" || { stop; return 1; }
        stop
        python3 -c 'import json,sys
a=json.load(open(sys.argv[1]))["alerts"]; lo=[x for x in a if x["kind"]=="lock_order"]
ovf=[x for x in a if x["kind"]=="instrumentation_overflow"]
ok=len(lo)==1 and not ovf and " 128 instance cycles" in lo[0]["message"] and "at least" in lo[0]["message"]
print([x["message"][-160:] for x in lo], ovf); sys.exit(0 if ok else 1)' "$TMP/alerts.json"
    }
    check "4,096 hashed elements both ways (8,192 edges) in a 1,024-edge table: folded by lock class, no overflow, ONE lock_order counting at least 128" hashed_folded
    order_overflow() {
        start hashed TW_MAX_LOCK_ORDERS=16 -- lock 64 || return 1
        tw_json alerts | py '[a for a in j["alerts"] if a["kind"]=="instrumentation_overflow" and "lock-order edges not recorded" in a["message"] and "TW_MAX_LOCK_ORDERS" in a["message"]]'
        local rc=$?
        stop
        return $rc
    }
    check "order table full (TW_MAX_LOCK_ORDERS=16, 128 edges): tw alerts reports instrumentation_overflow naming TW_MAX_LOCK_ORDERS" order_overflow
else
    skip "lock order: trylock, rings, hashed arrays, wrapped rings, overflow"
fi

# A server that makes and destroys a mutex and a condvar per request (and a pipe every 64th):
# a million requests, then a lock made after them all is still recorded — closed resources'
# slots are reused, so the 8,192-slot table never fills and nothing is lost.
churn_recorded() {
    READY_S=120 start churn || return 1
    local rc=0
    tw_json alerts | py '[a for a in j["alerts"] if a["kind"] in ("dropped_events", "instrumentation_overflow")] == []' || rc=1
    tw_json tasks | py '[t for t in j["tasks"] if t["name"] == "late-0" and t["state"] == "waiting" and t["waiting_on"]]' || rc=1
    tw_json deadlocks >/dev/null || rc=1
    stop
    return $rc
}
check "1,000,000 requests each making and destroying a mutex and a condvar: no table fills, a lock made after them is recorded" churn_recorded

# A mutex destroyed and made again at its address after another thread used it: that thread's
# recent-objects cache must not hand it the destroyed resource. Its wait is on the new cfg,
# which main holds while it joins it: one certain deadlock through the new, open cfg.
recycled_recorded() {
    start recycled_lock || return 1
    local rc=0
    tw_json resources >"$TMP/res.json" && tw_json deadlocks >"$TMP/dl.json" || return 1
    python3 - "$TMP/res.json" "$TMP/dl.json" <<'PY' || rc=1
import json, sys
res = json.loads(open(sys.argv[1]).readline())["resources"]
dl = json.loads(open(sys.argv[2]).readline())["deadlocks"]
cfg = [x for x in res if x["name"] == "cfg"]
live = [x["id"] for x in cfg if not x["closed"]]
print("cfg resources", [(x["id"], x["closed"], x["holders"], x["waiters"]) for x in cfg])
chain = [e.get("resource") for d in dl if d["certain"] for e in d["chain"] if "resource" in e]
print("certain deadlock resources", chain)
sys.exit(0 if len(cfg) == 2 and len(live) == 1 and live[0] in chain and all(x["waiters"] == [] for x in cfg if x["closed"]) else 1)
PY
    stop
    return $rc
}
check "a mutex destroyed and made again at its address after another thread used it: that thread waits on the new one (certain deadlock through it)" recycled_recorded

# A plain mutex keeps its resource in itself (objects.c); a kept pair must never name another
# mutex's resource. kept_locks: copies of a used mutex deadlock (the knot is between the
# copies, left and right, not the template they were copied from); a forked child deadlocks on
# mutexes its parent used (found in the child's own region, no instrumentation error).
kept_deadlock() { # EXPECTED-NAMES: the one certain deadlock of the pid printed by the program
    local want=$1 pid
    pid=$(sed -n 's/^pid //p' "$TMP/kept_locks.out" | head -1)
    [ -n "$pid" ] || { echo "no pid line"; return 1; }
    timeout 60 "$TW" deadlocks --pid "$pid" --json >"$TMP/dl.json" && timeout 60 "$TW" alerts --pid "$pid" --json >"$TMP/al.json" || return 1
    python3 - "$TMP/dl.json" "$TMP/al.json" "$want" <<'PY'
import json, sys
dl = json.loads(open(sys.argv[1]).readline())["deadlocks"]
al = json.loads(open(sys.argv[2]).readline())["alerts"]
names = sorted({e.get("name", "") for d in dl if d["certain"] for e in d["chain"] if "resource" in e})
errors = [a["message"] for a in al if a["kind"] == "instrumentation_error"]
print("certain deadlock through", names, "instrumentation errors", errors)
sys.exit(0 if names == sys.argv[3].split(",") and not errors else 1)
PY
}
kept_copied() {
    start kept_locks || return 1
    local rc=0
    kept_deadlock left,right || rc=1
    stop
    return $rc
}
check "copies of a used mutex (a struct copied by value) deadlock: the knot is through the copies, not the mutex they were copied from" kept_copied
kept_forked() {
    start kept_locks -- fork || return 1
    local rc=0 child
    kept_deadlock first,second || rc=1
    child=$(sed -n 's/^pid //p' "$TMP/kept_locks.out" | head -1)
    [ -n "$child" ] && kill -9 "$child" 2>/dev/null
    stop
    return $rc
}
check "a forked child deadlocks on mutexes its parent used: found in the child's own region, no instrumentation error" kept_forked

# The same, threaded: 4 workers share 1,000,000 requests (a mutex and a condvar each, a pipe
# every 64th), creating and destroying at once, so closed records' slots are taken back while
# other threads close theirs. Nothing is lost: no table filled; the lock main held through
# every request and the one it took after them are both recorded with their holder and
# waiter; no pipe stays open in the model; and the history, which names ids whose slots went
# to later resources, validates (it is history, not corruption).
churn_threads_recorded() {
    READY_S=120 start churn_threads || return 1
    local rc=0
    dump || return 1
    grep -q '^counts tasks_full=0 resources_full=0 ' "$TMP/dump" || { grep '^counts' "$TMP/dump"; rc=1; }
    tw_json alerts | py '[a for a in j["alerts"] if a["kind"] in ("dropped_events", "instrumentation_overflow", "instrumentation_error")] == []' || rc=1
    tw_json tasks >"$TMP/tasks.json" && tw_json resources >"$TMP/res.json" || return 1
    python3 - "$TMP/tasks.json" "$TMP/res.json" <<'PY' || rc=1
import json, sys
tasks = {t["name"]: t for t in json.loads(open(sys.argv[1]).readline())["tasks"]}
res = json.loads(open(sys.argv[2]).readline())["resources"]
main = tasks["churn_threads"]["id"]
ok = True
for lock, waiter in (("before", "waits-before-0"), ("after", "waits-after-0")):
    r = [x for x in res if x["name"] == lock and not x["closed"]]
    w = tasks[waiter]["id"]
    good = len(r) == 1 and r[0]["holders"] == [main] and r[0]["waiters"] == [w] and tasks[waiter]["waiting_on"] == [r[0]["id"]]
    print(lock, "held by", r[0]["holders"] if r else None, "waited on by", r[0]["waiters"] if r else None, "ok" if good else "WRONG")
    ok = ok and good
open_pipes = [x["name"] for x in res if x["kind"] == "pipe" and not x["closed"]]
print("open pipes", open_pipes)
sys.exit(0 if ok and not open_pipes else 1)
PY
    timeout 120 "$TW" validate --pid "$PID" || rc=1
    stop
    return $rc
}
check "4 threads, 1,000,000 requests making and destroying a mutex, a condvar (and pipes): no table fills, locks held through them are recorded, history validates" churn_threads_recorded

pool_recorded() {
    # 1,000 runnable threads on a small machine: the kernel may leave one unscheduled for
    # hundreds of ms between two blocking calls, which is a real (if innocent) long poll of that
    # thread; the threshold is raised so that only the adapter's mistakes can fail this test.
    start pool TW_MAX_THREADS=1100 TW_LONG_POLL_MS=5000 -- 1 || return 1
    # main is ready once the jobs are done; on a loaded machine a worker that got no job may not
    # have been scheduled yet at all (no task until it runs): give every worker 20 s to start
    for _ in $(seq 1 100); do
        dump || return 1
        [ "$(grep -Ec '^task [0-9]+ 3 5 [0-9]+ worker ' "$TMP/dump")" = 1000 ] && break
        sleep 0.2
    done
    [ "$(grep -Ec '^task [0-9]+ 3 5 [0-9]+ worker ' "$TMP/dump")" = 1000 ] || { grep -c '^task' "$TMP/dump"; return 1; }
    grep -q 'instr_errors=0 ' "$TMP/dump" || { tail -1 "$TMP/dump"; return 1; }
}
check "healthy pool: 1,000 worker tasks idle on the condvar, no instrumentation error" pool_recorded
if [ -x "$TW" ]; then
    check "healthy pool: tw deadlocks and tw alerts report nothing" bash -c '
        d=$(timeout 60 '"$TW"' deadlocks --pid '"$PID"' --json) && a=$(timeout 60 '"$TW"' alerts --pid '"$PID"' --json) || exit 1
        echo "$d" | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); print(j[\"deadlocks\"][:1]); sys.exit(0 if not j[\"deadlocks\"] else 1)" &&
        echo "$a" | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); print(j[\"alerts\"][:3]); sys.exit(0 if not j[\"alerts\"] else 1)"'
else skip "healthy pool: tw deadlocks/alerts"; fi
stop

server_recorded() {
    start server || return 1
    dump || return 1
    # IO = 8: the acceptor and the reader wait on the outside world; main sleeps (TIMER = 7)
    grep -Eq '^task [0-9]+ 3 8 0 acceptor ' "$TMP/dump" && grep -Eq '^task [0-9]+ 3 8 0 reader ' "$TMP/dump" &&
        grep -Eq '^task [0-9]+ 3 7 0 server ' "$TMP/dump" || { cat "$TMP/dump"; return 1; }
}
check "healthy server: threads blocked in accept and recv wait on I/O, main on time" server_recorded
if [ -x "$TW" ]; then
    check "healthy server: tw deadlocks and tw alerts report nothing" bash -c '
        sleep 0.5
        d=$(timeout 60 '"$TW"' deadlocks --pid '"$PID"' --json) && a=$(timeout 60 '"$TW"' alerts --pid '"$PID"' --json) || exit 1
        echo "$d" | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); sys.exit(0 if not j[\"deadlocks\"] else 1)" &&
        echo "$a" | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); print(j[\"alerts\"][:3]); sys.exit(0 if not j[\"alerts\"] else 1)"'
else skip "healthy server: tw deadlocks/alerts"; fi
stop

# ---------------------------------------------------------------- issue 17: holders, sites
sem_forks_recorded() {
    start sem_forks || return 1
    dump || return 1
    # each diner holds (HOLD count 1) the fork it took and waits (SIGNAL = 5) on the next one
    local i f
    for i in 0 1 2 3; do
        f=$(res_id "forks[$i]")
        grep -Eq "^task [0-9]+ 3 5 [0-9]+ diner-$i hold:$f " "$TMP/dump" || { echo "diner-$i does not hold forks[$i] ($f)"; cat "$TMP/dump"; return 1; }
    done
    # main took spare twice and posted once: it holds spare only; posting what it never
    # took (extra) is a plain post, not a release of something unheld
    grep -Eq "^task [0-9]+ 3 4 [0-9]+ sem_forks hold:$(res_id spare) site" "$TMP/dump" &&
        grep -q 'instr_errors=0 ' "$TMP/dump" || { cat "$TMP/dump"; return 1; }
}
check "semaphores: sem_wait/sem_trywait take a unit, a taker's sem_post gives one back, anyone else's post is plain" sem_forks_recorded
if [ -x "$TW" ]; then
    sem_forks_report() {
        tw_json deadlocks >"$TMP/dl.json" || return 1
        # every fork names its taker, and the chain goes on with that taker: a ring
        py '[d for d in j["deadlocks"]
             if all(e["holders"] == [{"task": e["holders"][0]["task"], "name": "diner-" + e["name"][6]}]
                    for e in d["chain"] if "resource" in e)
             and all(d["chain"][k + 1].get("task") == e["holders"][0]["task"]
                     for k, e in enumerate(d["chain"][:-1]) if "resource" in e)
             and sum(1 for e in d["chain"] if "resource" in e) == 4]' <"$TMP/dl.json" >/dev/null ||
            { cat "$TMP/dl.json"; return 1; }
        timeout 60 "$TW" deadlocks --pid "$PID" >"$TMP/dl.txt" || return 1
        grep -q -- '-> forks\[2\] (semaphore) units held by diner-2 ([0-9]*)$' "$TMP/dl.txt" || { cat "$TMP/dl.txt"; return 1; }
    }
    check "semaphores as forks: tw deadlocks names each fork's taker and reads the ring through them" sem_forks_report
else skip "semaphores as forks: tw deadlocks"; fi
stop

prodcons_sem_report() {
    start prodcons_sem || return 1
    tw_json deadlocks >"$TMP/dl.json" || return 1
    # every entry for `mutex` names one producer, the one asleep in sem_wait(&empty)
    py '[d for d in j["deadlocks"]
         if [e["holders"] for e in d["chain"] if e.get("name") == "mutex"]
         and all(len(e["holders"]) == 1 and e["holders"][0]["name"].startswith("producer-")
                 for e in d["chain"] if e.get("name") == "mutex")
         and any(e.get("task") == h["task"] and d["chain"][k + 1].get("name") == "empty"
                 for e_m in d["chain"] if e_m.get("name") == "mutex" for h in e_m["holders"]
                 for k, e in enumerate(d["chain"][:-1]))]' <"$TMP/dl.json" >/dev/null || { cat "$TMP/dl.json"; return 1; }
    timeout 60 "$TW" deadlocks --pid "$PID" >"$TMP/dl.txt" || return 1
    grep -q -- '-> mutex (mutex) held by producer-[12] ([0-9]*)$' "$TMP/dl.txt" || { cat "$TMP/dl.txt"; return 1; }
}
if [ -x "$TW" ]; then
    check "producer asleep in sem_wait holding mutex: every waiter's mutex in tw deadlocks names that producer" prodcons_sem_report
else skip "producer/consumer on semaphores: tw deadlocks"; fi
stop

fresh_sites_recorded() {
    start fresh_sites || return 1
    dump || return 1
    # 32 threads that met 49 fresh sites at once each: none waits without its site
    local n
    n=$(grep -Ec '^task [0-9]+ 3 [0-9]+ [0-9]+ consumer .*site:0$' "$TMP/dump")
    [ "$n" = 0 ] && [ "$(grep -Ec '^task [0-9]+ 3 5 [0-9]+ consumer ' "$TMP/dump")" = 32 ] ||
        { echo "$n waiting consumers have no site"; grep '^task' "$TMP/dump" | head; return 1; }
}
check "threads hitting fresh call sites at once: every waiting thread keeps its blocking site" fresh_sites_recorded
if [ -x "$TW" ]; then
    check "threads hitting fresh call sites at once: no await in tw tasks or tw log lacks its site" bash -c '
        '"$TW"' tasks --pid '"$PID"' --json | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); bad=[t[\"id\"] for t in j[\"tasks\"] if t[\"state\"]==\"waiting\" and t[\"await\"] is None]; print(bad); sys.exit(1 if bad else 0)" &&
        '"$TW"' log 100000 --pid '"$PID"' --json | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); ev=[e for e in j[\"events\"] if e[\"type\"]==\"await_begin\"]; bad=[e[\"seq\"] for e in ev if not e[\"aux\"]]; print(len(ev), bad[:5]); sys.exit(1 if bad or not ev else 0)"'
else skip "fresh call sites: tw tasks/log"; fi
stop
# Checks that run a program under `tw run` and ask tw, gdb and lldb: one script each.
tw_script() { # SCRIPT DESCRIPTION
    if [ -x "$TW" ]; then check "$2" bash "tests/pthread/$1"; else skip "$2"; fi
}
tw_script t_local_names.sh "locals of main (main:mu1, main:mutex_resource[i]) named from frames under tw run: console, core, gdb, lldb"
tw_script t_lib_sites.sh "await sites behind a library: the program's call (lib_waits.c:N poll via libtwtesthelper.so), by function without -g, by place and named caller when stripped: console, gdb, lldb"
tw_script t_thread_names.sh "task names follow prctl(PR_SET_NAME); a start routine no symbol names is named by its place, not 'thread': console, gdb"
tw_script t_no_children.sh "tw run --no-children: an exec'd child is uninstrumented (not in tw ps), a forked copy still is; without it both are"
tw_script t_cpp.sh "C++ under tw run: cpp-bank's bob.m, bank.cpp:9 in transfer(Account&, Account&, long), threads named transfer; cpp-future's deliver and cv: console live and core, gdb, lldb"
tw_script t_kernel_waits.sh "threads asleep in calls the adapter does not wrap (sigsuspend, pause, read of a socket) are waiting, no long_poll: console live and core, gdb, lldb"
tw_script t_migrating_lock.sh "a pthread mutex locked in a runtime task's poll and unlocked in a later poll on another worker: released, mu free, no lock unrecorded"
tw_script t_evloop.sh "event loop threads (epoll_wait): a mutex wait or unwrapped read inside the poll is blocking_in_poll naming call, object, holder and site, an idle loop is not; redis DEBUG SLEEP: nanosleep, growing, gone once over: console live and core, gdb, lldb"

echo "pthread adapter: $pass passed, $fail failed"
[ $fail -eq 0 ]
