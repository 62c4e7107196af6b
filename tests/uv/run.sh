#!/usr/bin/env bash
# tests/uv/run.sh — the libuv adapter. uv-echo (an echo server with one slow callback, linked
# with libtw-uv) under load from local clients on 127.0.0.1: every echo must come back intact,
# and the region must show the loop, the server, the timer and the clients as tasks; with
# build/bin/tw, `tw alerts` must name the slow callback's timer in a long_poll alert. A plain
# libuv program instrumented only through LD_PRELOAD + TW_UV=1 must behave exactly as without.
set -u
cd "$(dirname "$(readlink -f "$0")")/../.."
. tests/lib/why_failed.sh
TW=build/bin/tw
DUMP=build/tests/pthread/regdump
TMP=$(mktemp -d -t twuv.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1${2:+: $2}"; }
check() {
    local name=$1; shift
    if "$@" >"$TMP/check.out" 2>&1; then ok "$name"; else bad "$name" "$(why_failed "$TMP/check.out")"; fi
}

# ---- a plain libuv program through LD_PRELOAD
same_through_preload() {
    local a b
    a=$(build/tests/uv/ticks) || return 1
    b=$(TW_UV=1 LD_PRELOAD=$PWD/build/lib/libtw-uv.so build/tests/uv/ticks) || { echo "preloaded run failed: $b"; return 1; }
    [ "$a" = "$b" ] || { echo "'$a' vs '$b'"; return 1; }
}
check "plain libuv program, LD_PRELOAD + TW_UV=1: same timer ticks, work, close and uv_loop_close results" same_through_preload

preload_records() {
    TW_UV=1 LD_PRELOAD=$PWD/build/lib/libtw-uv.so build/tests/uv/ticks stay >"$TMP/ticks.out" &
    local p=$!
    disown $p
    PIDS+=("$p")
    for _ in $(seq 50); do grep -q ready "$TMP/ticks.out" && break; sleep 0.1; done
    "$DUMP" "$p" >"$TMP/ticks.dump" || { echo "no region"; return 1; }
    grep -Eq '^task [0-9]+ 4 0 0 uv loop ' "$TMP/ticks.dump" && grep -Eq '^task [0-9]+ 4 0 0 timer on_tick ' "$TMP/ticks.dump" &&
        grep -Eq '^task [0-9]+ 4 0 0 work do_job ' "$TMP/ticks.dump" || { cat "$TMP/ticks.dump"; return 1; }
}
check "LD_PRELOAD + TW_UV=1: the loop, the timer (named after its callback) and the work item are tasks, done at the end" preload_records

# ---- uv-echo under load
build/examples/uv-echo >"$TMP/echo.out" 2>"$TMP/echo.err" &
PID=$!
disown $PID
PIDS+=("$PID")
for _ in $(seq 100); do grep -q 'tw-example: ready' "$TMP/echo.out" && break; sleep 0.1; done
PORT=$(awk '/^port/ {print $2}' "$TMP/echo.out")

check "uv-echo: 20 concurrent clients x 100 messages on 127.0.0.1 all echoed intact" \
    timeout 120 python3 tests/uv/client.py "$PORT" 20 100

during_load() {
    # clients still connected while we look: their streams are tasks with a writes resource
    python3 - "$PORT" >"$TMP/hold.out" 2>&1 <<'PY' &
import socket, sys, time
ss = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(3)]
for s in ss:
    s.sendall(b"ping\n"); s.recv(16)
print("connected", flush=True)
time.sleep(5)
PY
    local c=$!
    for _ in $(seq 50); do grep -q connected "$TMP/hold.out" && break; sleep 0.1; done
    "$DUMP" "$PID" >"$TMP/echo.dump" || return 1
    kill $c 2>/dev/null
    # (the timer may be in its 120 ms callback right now: any state; idle clients wait on I/O)
    grep -Eq '^task [0-9]+ [0-9] [0-9] [0-9]+ uv default loop ' "$TMP/echo.dump" &&
        grep -Eq "^task [0-9]+ [0-9] [0-9] [0-9]+ tcp listen 127.0.0.1:$PORT on_connection " "$TMP/echo.dump" &&
        grep -Eq '^task [0-9]+ [0-9] [0-9] [0-9]+ timer slow_housekeeping ' "$TMP/echo.dump" &&
        [ "$(grep -Ec '^task [0-9]+ 3 8 [0-9]+ tcp 127.0.0.1:[0-9]+ echo_read ' "$TMP/echo.dump")" -ge 3 ] &&
        grep -Eq '^res [0-9]+ 4 0x[0-9a-f]+ tcp 127.0.0.1:[0-9]+ writes$' "$TMP/echo.dump" &&
        grep -Eq '^task [0-9]+ 4 0 0 work compress_stats ' "$TMP/echo.dump" &&
        grep -q 'instr_errors=0 ' "$TMP/echo.dump" || { cat "$TMP/echo.dump"; return 1; }
}
check "uv-echo: loop, server, slow timer, each connected client (waiting on I/O) and work items are tasks; writes are a resource" during_load

if [ -x "$TW" ]; then
    # The alert speaks of the retained history: right after the load the ring may have wrapped
    # past the last slow callback, and the next comes within 500 ms — so look a few times.
    long_poll() {
        for _ in 1 2 3 4 5 6; do long_poll_once && return 0; sleep 0.5; done
        return 1
    }
    long_poll_once() {
        timeout 60 "$TW" alerts --pid "$PID" --json | python3 -c '
import json, sys
j = json.loads(sys.stdin.readline())
names = {t["id"]: t["name"] for t in json.loads(open(sys.argv[1]).readline())["tasks"]}
lp = [names.get(a.get("task")) for a in j["alerts"] if a["kind"] == "long_poll"]
print(lp)
sys.exit(0 if "timer slow_housekeeping" in lp and "uv default loop" in lp else 1)' <(timeout 60 "$TW" tasks --all --pid "$PID" --json)
    }
    check "uv-echo: tw alerts reports long_poll for the slow timer callback and for the loop iteration" long_poll
    no_deadlock() {
        timeout 60 "$TW" deadlocks --pid "$PID" --json | python3 -c 'import json,sys; j=json.loads(sys.stdin.readline()); sys.exit(0 if not j["deadlocks"] else 1)'
    }
    check "uv-echo: no deadlock reported for an idle event loop" no_deadlock
else
    bad "uv-echo: tw alerts long_poll, tw deadlocks" "build/bin/tw is not built (make all builds it)"
fi
if [ -x "$TW" ]; then
    # the loop waits where the program runs it (uv-echo.c's uv_run call), not in the adapter
    loop_site() {
        local line
        line=$(grep -n 'return uv_run(' adapters/uv/examples/uv-echo.c | cut -d: -f1)
        for _ in $(seq 20); do
            timeout 60 "$TW" tasks --pid "$PID" --json | python3 -c '
import json, sys
j = json.loads(sys.stdin.readline())
a = [t["await"] for t in j["tasks"] if t["name"] == "uv default loop" and t["state"] == "waiting"]
print(a)
sys.exit(0 if a and a[0]["file"].endswith("uv-echo.c") and a[0]["line"] == int(sys.argv[1]) and a[0]["expr"] == "uv_run" else 1)' "$line" && return 0
            sleep 0.2
        done
        return 1
    }
    check "uv-echo: the loop task waits at the program's uv_run call (uv-echo.c), not at the adapter's own line" loop_site
else
    bad "tw checks of uv-echo" "build/bin/tw is not built (make all builds it)"
fi
kill -0 "$PID" 2>/dev/null && ok "uv-echo still serving after the load" || bad "uv-echo died" "$(cat "$TMP/echo.err")"

# ---- both adapters: `tw run` of a program linked with libtw-uv (the pthread adapter preloaded)
if [ -x "$TW" ]; then
    one_task_per_thread() {
        TW_UV_PORT= "$TW" run -- build/examples/uv-echo >"$TMP/both.out" 2>&1 &
        local p=$! line
        disown $p
        PIDS+=("$p")
        for _ in $(seq 100); do grep -q 'tw-example: ready' "$TMP/both.out" && break; sleep 0.1; done
        line=$(grep -n 'return uv_run(' adapters/uv/examples/uv-echo.c | cut -d: -f1)
        sleep 1.2 # the 120 ms housekeeping stall has happened at least twice
        for _ in $(seq 20); do
            timeout 60 "$TW" tasks --all --pid "$p" --json >"$TMP/both.tasks" || return 1
            timeout 60 "$TW" alerts --pid "$p" --json >"$TMP/both.alerts" || return 1
            python3 - "$TMP/both.tasks" "$TMP/both.alerts" "$line" <<'PY' && { kill -9 $p; return 0; }
import json, sys
tasks = json.load(open(sys.argv[1]))["tasks"]
alerts = json.load(open(sys.argv[2]))["alerts"]
names = {t["id"]: t["name"] for t in tasks}
main = [t for t in tasks if t["name"] == "uv-echo"]
loops = [t for t in tasks if t["name"].startswith("uv ") and "loop" in t["name"]]
stalled = sorted(names.get(a.get("task")) for a in alerts if a["kind"] == "long_poll")
print("main", main[:1], "loops", loops, "long_poll", stalled)
# one stall: the timer's long_poll, never one for a second task of the main thread
ok = len(main) == 1 and not loops and "timer slow_housekeeping" in stalled and stalled.count("uv-echo") <= 1 \
     and "uv default loop" not in stalled
w = main[0]["await"] if main else None
ok = ok and main[0]["state"] == "waiting" and w["file"].endswith("uv-echo.c") and w["line"] == int(sys.argv[3]) \
     and w["expr"] in ("epoll_wait via libuv.so.1", "epoll_pwait via libuv.so.1")
sys.exit(0 if ok else 1)
PY
            sleep 0.2
        done
        kill -9 $p
        return 1
    }
    # The console lends libtwcore the threads' kernel state from its stop, then reads the region
    # a moment later: a loop thread seen in epoll_wait at the stop may be running callbacks by
    # then, and must not be shown "waiting in the kernel" (it only ever blocks in epoll_wait,
    # which the adapter records itself)
    no_stale_kernel_waits() {
        "$TW" run -- build/examples/uv-echo >"$TMP/stale.out" 2>&1 &
        local p=$! n=0 i
        disown $p
        PIDS+=("$p")
        for _ in $(seq 100); do grep -q 'tw-example: ready' "$TMP/stale.out" && break; sleep 0.1; done
        for i in $(seq 12); do
            timeout 60 "$TW" tasks --pid "$p" | grep -q '^ *1  uv-echo .*waiting in the kernel' && n=$((n + 1))
            sleep 0.15
        done
        kill -9 $p
        [ $n = 0 ] || { echo "$n of 12 samples showed the loop thread waiting in the kernel"; return 1; }
    }
    check "tw run + libtw-uv: a loop thread running callbacks is never shown by a stale kernel wait (12 samples)" no_stale_kernel_waits
    check "tw run + libtw-uv: the main thread is one task (no separate loop task), the stall is the timer's long_poll and never a loop task's, waiting at uv-echo.c's uv_run (epoll_wait via libuv.so.1)" one_task_per_thread
else
    bad "tw checks of uv-echo" "build/bin/tw is not built (make all builds it)"
fi

# ---- a callback blocked in the kernel: its task is polling, blocked in the lock (issue 21, point 5)
if [ -x "$TW" ]; then
    # uv_stall MODE: started with LD_PRELOAD + TW_UV=1; sets SPID once it is ready
    uv_stall() {
        TW_UV=1 LD_PRELOAD=$PWD/build/lib/libtw-uv.so build/tests/uv/uv_stall "$1" >"$TMP/stall.$1.out" 2>&1 &
        SPID=$!
        disown $SPID
        PIDS+=("$SPID")
        for _ in $(seq 100); do grep -q 'tw-example: ready' "$TMP/stall.$1.out" && break; sleep 0.1; done
        sleep 0.3 # thrice the threshold
    }
    # "NAME:CALL:OBJECT:OWNER" of each task polling blocked, then "alerts=" the blocking_in_poll
    # tasks; of the Nth tasks and alerts answers on stdin (blocked_of N, default the first)
    blocked_of() { python3 -c 'import json,sys
n=int(sys.argv[1]) if len(sys.argv) > 1 else 0
objs=[json.loads(l) for l in sys.stdin if l.startswith("{")]
tasks=[o for o in objs if "tasks" in o][n]["tasks"]; al=[o for o in objs if "alerts" in o][n]["alerts"]
names={t["id"]: t["name"] for t in tasks}
b=sorted("%s:%s:%s:%s" % (t["name"], t["blocked_in"]["call"], t["blocked_in"]["name"], (t["blocked_in"]["owner"] or {}).get("thread") is not None) for t in tasks if t.get("blocked_in"))
print(" ".join(b), "alerts=" + ",".join(sorted(names.get(a["task"], "?") for a in al if a["kind"] == "blocking_in_poll")))' "$@"; }
    # the loop iteration's poll runs the callback's: only the innermost poll is blocked in the
    # lock (twc__inner_poll_on_thread); the loop task is polling, waiting for it to return
    want="timer reload_config:pthread_mutex_lock:cfg_lock:True alerts=timer reload_config"
    # the debuggers' answers: gdb on the live process (gdb pid) or the core (gdb core), each in
    # one session; lldb on the live process and then on the core in one session (lldb live),
    # through tests/lldb/lib.sh's private copy of its plugin (sourced in a subshell: it sets its
    # own EXIT trap)
    GDBP=build/share/gdb/turbowish.py STALL=build/tests/uv/uv_stall
    ask() {
        local core=$TMP/stall.$SPID
        case $1 in
        gdb) if [ "$2" = pid ]; then set -- -p "$SPID"; else set -- "$STALL" "$core"; fi
             timeout 120 gdb -batch -nx -x "$GDBP" "$@" -ex 'tw tasks --json' -ex 'tw alerts --json' 2>&1 ;;
        lldb) (. tests/lldb/lib.sh; TW_DBG_TIMEOUT=300 lldb_live_core "$SPID" "$STALL" "$core" 'tw tasks --json' 'tw alerts --json') ;;
        esac
    }
    callback_blocked() {
        uv_stall lock
        local got r
        got=$( (timeout 60 "$TW" tasks --pid "$SPID" --json; timeout 60 "$TW" alerts --pid "$SPID" --json) | blocked_of)
        [ "$got" = "$want" ] || { echo "live: '$got', want '$want'"; return 1; }
        [ -f "$GDBP" ] && [ -f build/lib/turbowish-lldb.so ] || { echo "the gdb or lldb plugin is not built"; return 1; }
        got=$(ask gdb pid | blocked_of)
        [ "$got" = "$want" ] || { echo "gdb live: '$got', want '$want'"; return 1; }
        timeout 120 gcore -o "$TMP/stall" "$SPID" >/dev/null 2>&1 || { echo "gcore failed"; return 1; }
        got=$( (timeout 60 "$TW" tasks --core "$TMP/stall.$SPID" --exe "$STALL" --json
                timeout 60 "$TW" alerts --core "$TMP/stall.$SPID" --exe "$STALL" --json) | blocked_of)
        [ "$got" = "$want" ] || { echo "core: '$got', want '$want'"; return 1; }
        got=$(ask gdb core | blocked_of)
        [ "$got" = "$want" ] || { echo "gdb core: '$got', want '$want'"; return 1; }
        ask lldb live >"$TMP/lldb.out"
        got=$(blocked_of 0 <"$TMP/lldb.out")
        [ "$got" = "$want" ] || { echo "lldb live: '$got', want '$want'"; return 1; }
        got=$(blocked_of 1 <"$TMP/lldb.out")
        [ "$got" = "$want" ] || { echo "lldb core: '$got', want '$want'"; return 1; }
        kill -9 "$SPID"
    }
    check "uv callback in pthread_mutex_lock(&cfg_lock): its task polling, blocked in it, owner known (the loop's poll around it is not); one blocking_in_poll, the callback's (console, gdb and lldb, live and core)" callback_blocked
    callback_idle() {
        uv_stall idle
        local got
        got=$( (timeout 60 "$TW" tasks --pid "$SPID" --json; timeout 60 "$TW" alerts --pid "$SPID" --json) | blocked_of)
        kill -9 "$SPID"
        [ "$got" = " alerts=" ] || { echo "'$got'"; return 1; }
    }
    check "uv callbacks that return at once: nothing blocked, no blocking_in_poll" callback_idle
fi

echo "libuv adapter: $pass passed, $fail failed"
[ $fail -eq 0 ]
