#!/usr/bin/env bash
# tests/pthread/run.sh — the pthread LD_PRELOAD adapter on unmodified programs.
# Adapter-level checks (no `tw` needed): same output and exit codes with and without the
# preload, and what the region records (read by regdump). Reader checks: what
# `build/bin/tw deadlocks|alerts --pid PID --json` reports — skipped, visibly, while
# build/bin/tw does not exist. Each check names the behaviour it pins down.
set -u
cd "$(dirname "$(readlink -f "$0")")/../.."
PRE=$PWD/build/lib/libtw-pthread.so
BIN=build/tests/pthread
TW=build/bin/tw
TMP=$(mktemp -d -t twpthread.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
pass=0 fail=0 skipped=0
ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1${2:+: $2}"; }
skip() { skipped=$((skipped + 1)); echo "SKIP  $1 (build/bin/tw not built yet)"; }
check() { # NAME COMMAND... : ok when the command succeeds
    local name=$1; shift
    if "$@" >"$TMP/check.out" 2>&1; then ok "$name"; else bad "$name" "$(tail -3 "$TMP/check.out" | tr '\n' ' ' | cut -c1-200)"; fi
}
# start NAME [ENV=VAL...] [-- ARGS]: runs BIN/NAME under the preload, waits for its ready line; sets PID
start() {
    local name=$1; shift
    local envs=() args=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    [ "${1:-}" = -- ] && { shift; args=("$@"); }
    env "${envs[@]}" LD_PRELOAD="$PRE" "$BIN/$name" "${args[@]}" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    PID=$!
    PIDS+=("$PID")
    for _ in $(seq 1 150); do
        grep -q 'tw-example: ready' "$TMP/$name.out" 2>/dev/null && return 0
        kill -0 "$PID" 2>/dev/null || { echo "$name exited before ready: $(cat "$TMP/$name.err")"; return 1; }
        sleep 0.1
    done
    echo "$name not ready in 15 s"
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
# regdump lines: task ID STATE WAITKIND WAITING_ON NAME [hold:RES] [attr:K=V] site:N ; res ID KIND ADDR NAME
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
    grep -Eq "attr:lock_order=r$b@s[0-9]+>r$a@s[0-9]+ t[0-9]+:r$a@s[0-9]+>r$b@s[0-9]+" "$TMP/dump" || { cat "$TMP/dump"; return 1; }
}
check "lock-order inversion that did not hang: recorded as a lock_order attribute with both pairs of sites" order_recorded
if [ -x "$TW" ]; then
    check "lock-order inversion: tw alerts reports lock_order, tw deadlocks nothing" bash -c '
        timeout 60 '"$TW"' alerts --pid '"$PID"' --json | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); sys.exit(0 if any(a[\"kind\"]==\"lock_order\" for a in j[\"alerts\"]) else 1)" || exit 1
        timeout 60 '"$TW"' deadlocks --pid '"$PID"' --json | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); sys.exit(0 if not j[\"deadlocks\"] else 1)"'
else skip "lock-order inversion: tw alerts"; fi
stop

pool_recorded() {
    # 1,000 runnable threads on a small machine: the kernel may leave one unscheduled for
    # hundreds of ms between two blocking calls, which is a real (if innocent) long poll of that
    # thread; the threshold is raised so that only the adapter's mistakes can fail this test.
    start pool TW_MAX_THREADS=1100 TW_LONG_POLL_MS=5000 -- 1 || return 1
    dump || return 1
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

if [ -x "$TW" ]; then
    check "locals of main (main:mu1, main:mutex_resource[i]) named from frames under tw run: console, core, gdb, lldb" \
        bash tests/pthread/t-local-names.sh
else skip "locals of main named from frames"; fi

echo "pthread adapter: $pass passed, $fail failed, $skipped skipped"
[ $fail -eq 0 ]
