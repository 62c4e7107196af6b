#!/usr/bin/env bash
# A tokio task that blocks its worker thread inside a poll, in plain std code nobody changed:
#   tokio-lock-across-await: "reader" calls std::sync::Mutex::lock on CONFIG, whose guard
#     "updater" holds across an .await, on a current-thread runtime;
#   tokio-blocking-in-task: "mpsc-reader" in std::sync::mpsc::Receiver::recv, "napper" in
#     std::thread::sleep, a ticker healthy beside them;
#   tokio-block-on-in-task: "waiter" in a hand-written block_on's std::thread::park, on a
#     oneshot whose sender is a task of the same current-thread runtime.
# Each reads as polling and blocked in the std call its .rs line made (not futex_wait, not a
# line inside std), with
# the blocking_in_poll alert, in the console live and from a gcore core, and in gdb and lldb
# (live, one attach each); the deadlock verdict never says certain (the std Mutex keeps no
# owner); tokio-healthy raises neither. The helpers are tests/lldb's (lib.sh).
. "$(dirname "$(readlink -f "$0")")/../lldb/lib.sh"
need_lldb; need_gdb_plugin
[ -x build/bin/tw ] || fail "build/bin/tw is not built"
line_of() { grep -n -m1 -F "$2" "adapters/tokio/examples/$1.rs" | cut -d: -f1; }

# check WHAT TASKS-OUT ALERTS-OUT EXAMPLE "NAME|CALL|OBJECT-EXPR|LINE"... (blocked_check.py)
check() {
  local what=$1 tasks=$2 alerts=$3 ex=$4; shift 4
  local why; why=$(python3 tests/tokio/blocked_check.py "$tasks" "$alerts" "$ex.rs" "$@" 2>&1) || fail "$what: $why"
}

# every_way EX LIVE-DEBUGGER "NAME|CALL|OBJECT-EXPR|LINE"...: check on $pid in the console live
# (its tasks JSON left in LIVE_TASKS) and in LIVE-DEBUGGER (gdb or lldb) live, then on a gcore
# core in the console and in the other debugger, whose tasks JSON must be the console's
every_way() {
  local ex=$1 live=$2 c1 c2 d core; shift 2
  c1=$(build/bin/tw tasks --json --pid "$pid"); c2=$(build/bin/tw alerts --json --pid "$pid")
  check "$ex console live" "$c1" "$c2" $ex "$@"
  LIVE_TASKS=$c1
  d=$(${live}_pid "$pid" 'tw tasks --json' 'tw alerts --json')
  check "$ex $live live" "$(echo "$d" | grep '^{' | sed -n 1p)" "$(echo "$d" | grep '^{' | sed -n 2p)" $ex "$@"
  core=$(make_core "$pid")
  c1=$(build/bin/tw tasks --json --core "$core" --exe build/examples/$ex)
  c2=$(build/bin/tw alerts --json --core "$core" --exe build/examples/$ex)
  check "$ex console core" "$c1" "$c2" $ex "$@"
  [ "$live" = gdb ] && live=lldb || live=gdb
  d=$(${live}_core build/examples/$ex "$core" 'tw tasks --json' 'tw alerts --json')
  check "$ex $live core" "$(echo "$d" | grep '^{' | sed -n 1p)" "$(echo "$d" | grep '^{' | sed -n 2p)" $ex "$@"
  [ "$(echo "$d" | grep '^{' | sed -n 1p)" = "$c1" ] || fail "$ex: $live's tasks JSON from the core differs from the console's"
  rm -f "$core"
}

# 1. the std Mutex guard held across an await (current-thread runtime, spawn_local)
ex=tokio-lock-across-await
start_example $ex
pid=$EX_PID
R="reader|std::sync::mutex::Mutex<T>::lock|'CONFIG' in (t['blocked_in']['name'] or '')|$(line_of $ex 'let cfg = CONFIG.lock()')"
every_way $ex gdb "$R"
# the others starve behind reader; tw why ends at the blocked worker, with no owner to name;
# no deadlock is called certain (nothing proves who holds CONFIG)
rid=$(echo "$LIVE_TASKS" | grep -o '"id":[0-9]*,"name":"reader"' | grep -o '[0-9]*' | head -1)
w=$(build/bin/tw why "$rid" --json --pid "$pid"); d=$(build/bin/tw deadlocks --json --pid "$pid")
python3 - "$LIVE_TASKS" "$w" "$d" "$rid" <<'PY' || fail "$ex: updater/ticker not waiting, tw why $rid not ending at the blocked worker, or a certain deadlock: $LIVE_TASKS $w $d"
import json, sys
t, w, d = (json.loads(a) for a in sys.argv[1:4])
names = {x['id']: x['name'] for x in t['tasks']}
assert names[int(sys.argv[4])] == 'reader'
assert [x['state'] for x in t['tasks'] if x['name'] in ('updater', 'ticker')] == ['waiting', 'waiting']
assert w['end'] == 'blocked_in_poll' and w['blocked_in']['owner'] is None
assert not any(x['certain'] for x in d['deadlocks'])
PY
kill -9 "$pid"
pass "$ex: reader polling, blocked in std::sync::mutex::Mutex<T>::lock(&CONFIG) at its .lock() line, blocking_in_poll, never a certain deadlock (console live + core, gdb live, lldb core)"

# 1b. the same program with the shim off (no region): attach-only names the thread's wait by
#     the same rule, the std call at the user's line
TW_DISABLE=1 start_example $ex
a=$(build/bin/tw tasks --json --pid "$EX_PID")
kill -9 "$EX_PID"
python3 - "$a" "$(line_of $ex 'let cfg = CONFIG.lock()')" <<'PY' || fail "$ex attach-only: no thread waiting in std::sync::mutex::Mutex<T>::lock(&...CONFIG) at its line: $a"
import json, sys
t, line = json.loads(sys.argv[1]), int(sys.argv[2])
assert any(x['await'] and x['await']['expr'] == 'std::sync::mutex::Mutex<T>::lock(&tokio_lock_across_await::CONFIG)'
           and x['await']['line'] == line and x['await']['file'].endswith('tokio-lock-across-await.rs') for x in t['tasks'])
PY
pass "$ex attach-only (TW_DISABLE=1): the thread waits in std::sync::mutex::Mutex<T>::lock(&CONFIG) at its .lock() line"

# 2. blocking calls inside tasks of a multi-thread runtime
ex=tokio-blocking-in-task
start_example $ex
pid=$EX_PID
M="mpsc-reader|std::sync::mpsc::Receiver<T>::recv|t['blocked_in']['object']|$(line_of $ex 'let v = rx.recv()')"
N="napper|std::thread::sleep|True|$(line_of $ex 'std::thread::sleep(Duration::from_millis(200))')"
every_way $ex lldb "$M" "$N"
kill -9 "$pid"
pass "$ex: mpsc-reader in std::sync::mpsc::Receiver<T>::recv and napper in std::thread::sleep at their .rs lines, blocking_in_poll on both, ticker clean (console live + core, lldb live, gdb core)"

# 3. a hand-written block_on (thread::park until woken) inside a task, on a oneshot whose sender
#    is a task of the same current-thread runtime: it can never run
ex=tokio-block-on-in-task
start_example $ex
pid=$EX_PID
W="waiter|std::thread::park|t['blocked_in']['object']|$(line_of $ex 'thread::park(); // the runtime')"
every_way $ex lldb "$W"
d=$(build/bin/tw deadlocks --json --pid "$pid")
python3 - "$LIVE_TASKS" "$d" <<'PY' || fail "$ex: sender not ready, or a certain deadlock: $LIVE_TASKS $d"
import json, sys
t, d = (json.loads(a) for a in sys.argv[1:3])
assert [x['state'] for x in t['tasks'] if x['name'] == 'sender'] == ['ready']
assert not any(x['certain'] for x in d['deadlocks'])
PY
kill -9 "$pid"
pass "$ex: waiter polling, blocked in std::thread::park at block_on's park line, blocking_in_poll, sender ready, never a certain deadlock (console live + core, lldb live, gdb core)"

# 4. the healthy tokio program raises neither
h=build/tokio-target/release/examples/tokio-healthy
"$h" >"$TW_TMP/healthy.out" 2>&1 & hp=$!; disown $hp; TW_PIDS+=("$hp")
for _ in $(seq 1 150); do grep -q 'tw-example: ready' "$TW_TMP/healthy.out" && break; sleep 0.1; done
grep -q 'tw-example: ready' "$TW_TMP/healthy.out" || fail "tokio-healthy not ready within 15 s"
sleep 0.3
c1=$(build/bin/tw tasks --json --pid "$hp"); c2=$(build/bin/tw alerts --json --pid "$hp")
check "tokio-healthy" "$c1" "$c2" tokio-healthy
kill -9 "$hp"
pass "tokio-healthy: no task blocked in a poll, no blocking_in_poll"
