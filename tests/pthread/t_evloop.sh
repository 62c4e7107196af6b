#!/usr/bin/env bash
# Event loop threads under `tw run` (issue 21, point 5): a thread that waits in epoll_wait is an
# event loop, and a wait inside its poll (between two loop waits) past the threshold is
# blocking_in_poll — named by the region (evloop lock: pthread_mutex_lock on cfg_lock held by
# cfg-holder-0, at evloop.c:LINE) or by the thread's kernel state (evloop read: a socket read the
# adapter does not wrap) — while an idle loop blocked in epoll_wait raises nothing. Console live
# and on a gcore core, gdb and lldb; then redis-server's `DEBUG SLEEP 5`: blocking_in_poll names
# nanosleep with a figure that grows while it lasts, and is gone once it ended.
set -u
NAME=t-evloop
. "$(dirname "$0")/under_tw.sh"
need "$TW" "$BIN/evloop" "$GDBP" "$LLDBP"
# run_loop MODE [pwait2]: evloop MODE under tw run (tw_run passes tw run's options, not the
# program's); pwait2: its loop waits in epoll_pwait2
run_loop() {
    local out="$TMP/evloop.$1${2:-}.out"
    "$TW" run -- "$BIN/evloop" "$@" >"$out" 2>&1 &
    pid=$!; disown "$pid"; PIDS+=("$pid")
    for _ in $(seq 1 150); do grep -qs 'tw-example: ready' "$out" && break; sleep 0.1; done
    grep -q 'tw-example: ready' "$out" || fail "evloop $* not ready under tw run"
}
line=$(grep -n 'the stall the test names' tests/pthread/progs/evloop.c | head -1 | cut -d: -f1)

# "KIND:TASK-NAME:WORDS" of each alert, from alerts JSON on stdin; WORDS are the message's
# words that must be there (call, object, holder, site), or "-" when one is missing
blocking() { python3 -c 'import json,sys
want=sys.argv[1:]
al=[json.loads(l) for l in sys.stdin if "alerts" in l][0]["alerts"]
print(" ".join(sorted("%s:%s" % (a["kind"], "+".join(w for w in want if w in a["message"]) or "-") for a in al)) or "none")' "$@"; }
lock_words() { blocking "pthread_mutex_lock" "on cfg_lock" "held by cfg-holder-0" "at evloop.c:$line" "event loop"; }

run_loop lock
sleep 0.3 # thrice the threshold
want="blocking_in_poll:pthread_mutex_lock+on cfg_lock+held by cfg-holder-0+at evloop.c:$line+event loop"
same_in "console gdb lldb" "$want" lock_words "alerts --json"
timeout 120 gcore -o "$TMP/core" "$pid" >/dev/null 2>&1 || fail "gcore"
got=$(timeout 60 "$TW" alerts --core "$TMP/core.$pid" --exe "$BIN/evloop" --json | lock_words)
[ "$got" = "$want" ] || fail "console on a core: '$got', want '$want'"
echo "ok   $NAME: lock: $want (console live and core, gdb, lldb)"

# the same loop waiting in epoll_pwait2 (glibc 2.35+) is a loop too
run_loop lock pwait2
sleep 0.3
same_in "console" "$want" lock_words "alerts --json"
echo "ok   $NAME: lock, loop in epoll_pwait2: $want (console live)"

run_loop read
sleep 0.3
read_words() { blocking "blocked in the kernel" "evloop.c:$((line + 3))" "event loop"; }
want="blocking_in_poll:blocked in the kernel+evloop.c:$((line + 3))+event loop"
same_in "console" "$want" read_words "alerts --json"
timeout 120 gcore -o "$TMP/rcore" "$pid" >/dev/null 2>&1 || fail "gcore"
got=$(timeout 60 "$TW" alerts --core "$TMP/rcore.$pid" --exe "$BIN/evloop" --json | read_words)
[ "$got" = "$want" ] || fail "read, console on a core: '$got', want '$want'"
echo "ok   $NAME: read (unwrapped): $want (console live and core)"

run_loop idle
sleep 0.3
same_in "console" "none" blocking "alerts --json"
echo "ok   $NAME: idle loop in epoll_wait: no alert"

# ---- redis-server: DEBUG SLEEP inside its event loop
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "skip $NAME: redis: redis-server or redis-cli is not installed"
    exit 0
fi
port=$((20000 + RANDOM % 20000))
"$TW" run -- redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --enable-debug-command local \
    >"$TMP/redis.out" 2>&1 &
PIDS+=($!); disown $!
rpid=
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { rpid=$(pgrep -n -f -- "redis-server.*:$port|redis-server.*$port"); break; }
    sleep 0.05
done
[ -n "$rpid" ] || fail "redis-server did not listen on 127.0.0.1:$port under tw run"
PIDS+=("$rpid")
# the figure of the nanosleep's blocking_in_poll alert in ms, or "none"
stall() { timeout 60 "$TW" alerts --pid "$rpid" --json | python3 -c 'import json,re,sys
al=[a for a in json.loads(sys.stdin.readline())["alerts"] if a["kind"] == "blocking_in_poll" and "nanosleep" in a["message"]]
print(re.search(r"for ([0-9.]+) ms", al[0]["message"]).group(1) if al else "none")'; }
[ "$(stall)" = none ] || fail "redis: blocking_in_poll before any DEBUG SLEEP"
timeout 30 redis-cli -p "$port" DEBUG SLEEP 5 >/dev/null &
cli=$!
# redis emits no event while it sleeps: a sample the reader took with the process stopped knows
# no later time than the sleep's start, so two samples must show the figure, the later larger.
# Samples are taken while the sleep lasts (a loaded host may take a second for one, and redis a
# moment to read the command), from the first of 100 ms or more.
a=none b=none
while kill -0 "$cli" 2>/dev/null && [ "$b" = none ]; do
    x=$(stall)
    if [ "$x" = none ] || ! awk "BEGIN { exit !($x >= 100) }"; then sleep 0.1; continue; fi
    if [ "$a" = none ]; then a=$x; elif awk "BEGIN { exit !($x > $a) }"; then b=$x; fi
done
[ "$a" != none ] && [ "$b" != none ] ||
    fail "redis: DEBUG SLEEP 5: blocking_in_poll naming nanosleep should grow while it lasts: '$a' then '$b'"
wait $cli 2>/dev/null
sleep 0.2
c=$(stall)
[ "$c" = none ] || fail "redis: the finished DEBUG SLEEP still shown as a stall ($c ms)"
echo "ok   $NAME: redis DEBUG SLEEP 5: blocking_in_poll naming nanosleep, $a ms then $b ms, none once it ended"
