#!/usr/bin/env bash
# Integration: the tokio examples, asked through gdb (and `tw` when built).
#   tokio-deadlock (plain tokio Mutex, unmodified tokio): a certain deadlock with .rs sites
#   tokio-deadlock --wrapped: the chain carries the exact .lock().await lines
#   tokio-channel-cycle (mpsc wrappers): a certain deadlock through both channels
#   tokio-server: healthy, no deadlock
# Skips (visibly) while the gdb plugin or libtwcore are not built yet.
set -u
cd "$(dirname "$0")/../.."
PLUGIN=build/share/gdb/turbowish.py
TMP=$(mktemp -d -t twtokio.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL tokio: $*"; exit 1; }
pass() { echo "ok   tokio: $*"; }

if [ ! -f "$PLUGIN" ] || [ ! -f build/lib/libtwcore.so ]; then
  echo "SKIP tokio: gdb plugin ($PLUGIN) or build/lib/libtwcore.so not built yet"
  exit 0
fi
command -v gdb >/dev/null || { echo "SKIP tokio: gdb not installed"; exit 0; }

start() { # NAME ARGS... -> sets PID
  local name=$1; shift
  local out="$TMP/$name.$#.out"
  "build/examples/$name" "$@" >"$out" 2>&1 &
  PID=$!; disown "$PID"; PIDS+=("$PID")
  for _ in $(seq 1 200); do
    grep -q 'tw-example: ready' "$out" && return 0
    kill -0 "$PID" 2>/dev/null || fail "$name exited before ready: $(head -c 300 "$out")"
    sleep 0.1
  done
  fail "$name not ready within 20 s"
}
gdb_json() { # PID CMD -> the first JSON line
  timeout 120 gdb -batch -nx -x "$PLUGIN" -p "$1" -ex "$2" 2>&1 | grep -m1 '^{'
}
check() { # JSON-on-stdin PYTHON-EXPR MESSAGE
  python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" || fail "$2"
}

# 1. unmodified tokio: the layer alone finds the ABBA
start tokio-deadlock
J=$(gdb_json "$PID" 'tw deadlocks --json')
[ -n "$J" ] || fail "no JSON from gdb tw deadlocks on tokio-deadlock"
echo "$J" | check 'any(d["certain"] for d in j["deadlocks"])' "tokio-deadlock: no certain deadlock: $J"
echo "$J" | check 'sorted(e.get("name") for d in j["deadlocks"] for e in d["chain"] if "task" in e) == ["audit","transfer"]' "tokio-deadlock: chain is not transfer/audit: $J"
echo "$J" | check 'all(e["await"]["file"].endswith(".rs") for d in j["deadlocks"] for e in d["chain"] if "task" in e)' "tokio-deadlock: await sites are not .rs files: $J"
echo "$J" | check 'sum(1 for d in j["deadlocks"] for e in d["chain"] if e.get("kind") == "mutex") == 2' "tokio-deadlock: the two tokio Mutexes are not in the chain: $J"
pass "plain tokio Mutex ABBA is a certain deadlock with .rs sites (gdb)"
if [ -x build/bin/tw ]; then
  T=$(timeout 60 build/bin/tw deadlocks --pid "$PID" --json 2>&1 | grep -m1 '^{')
  echo "$T" | check 'any(d["certain"] for d in j["deadlocks"])' "tw deadlocks --pid on tokio-deadlock: $T"
  pass "tw deadlocks --pid agrees"
fi
if command -v gcore >/dev/null; then
  timeout 60 gcore -o "$TMP/core" "$PID" >/dev/null 2>&1 || fail "gcore failed on tokio-deadlock"
  C=$(timeout 120 gdb -batch -nx -x "$PLUGIN" build/examples/tokio-deadlock "$TMP/core.$PID" -ex 'tw deadlocks --json' 2>&1 | grep -m1 '^{')
  echo "$C" | check 'any(d["certain"] for d in j["deadlocks"]) and ".rs" in json.dumps(j)' "tokio-deadlock core: no certain deadlock with .rs sites: $C"
  pass "the same deadlock from a gcore core file (gdb)"
fi
if [ -f build/lib/turbowish-lldb.so ] && command -v lldb >/dev/null; then
  LJ=$(XDG_DATA_HOME="$TMP/xdg" timeout 120 lldb -b -o "plugin load build/lib/turbowish-lldb.so" -p "$PID" -o 'tw deadlocks --json' 2>&1 | grep -m1 '^{')
  echo "$LJ" | check 'any(d["certain"] for d in j["deadlocks"]) and ".rs" in json.dumps(j)' "tokio-deadlock via lldb: $LJ"
  pass "lldb names the same deadlock"
fi
kill -9 "$PID" 2>/dev/null

# 2. wrappers: the exact await lines
start tokio-deadlock --wrapped
J=$(gdb_json "$PID" 'tw deadlocks --json')
L1=$(grep -n 'let mut log = l1.lock().await' adapters/tokio/examples/tokio-deadlock.rs | sed -n 2p | cut -d: -f1)
L2=$(grep -n 'let bal = a2.lock().await' adapters/tokio/examples/tokio-deadlock.rs | sed -n 2p | cut -d: -f1)
echo "$J" | check "any(d['certain'] for d in j['deadlocks'])" "tokio-deadlock --wrapped: no certain deadlock: $J"
echo "$J" | check "sorted(e['await']['line'] for d in j['deadlocks'] for e in d['chain'] if 'task' in e) == sorted([$L1, $L2])" "tokio-deadlock --wrapped: await lines are not $L1/$L2: $J"
echo "$J" | check "sorted(e['name'] for d in j['deadlocks'] for e in d['chain'] if 'resource' in e) == ['accounts','audit_log']" "tokio-deadlock --wrapped: resources: $J"
pass "wrapped Mutex ABBA names the .lock().await lines $L1 and $L2"
if [ -x build/bin/tw ]; then
  # pause without blocking: a task spawned with turbowish_tokio::task::spawn_named
  TID=$(echo "$J" | python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); print([e["task"] for d in j["deadlocks"] for e in d["chain"] if e.get("name")=="transfer"][0])')
  timeout 30 build/bin/tw pause --pid "$PID" "$TID" >/dev/null || fail "tw pause $TID refused"
  ok=0
  for _ in $(seq 1 50); do
    T=$(timeout 30 build/bin/tw tasks --pid "$PID" --json | grep -m1 '^{')
    echo "$T" | python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); sys.exit(0 if any(t["id"]=='"$TID"' and t["paused"] for t in j["tasks"]) else 1)' && { ok=1; break; }
    sleep 0.1
  done
  [ $ok = 1 ] || fail "tw pause: task $TID never shows paused: $T"
  J=$(timeout 30 build/bin/tw deadlocks --pid "$PID" --json | grep -m1 '^{')
  echo "$J" | check 'any(d["certain"] for d in j["deadlocks"])' "a paused task left the deadlock: $J"
  timeout 30 build/bin/tw resume --pid "$PID" "$TID" >/dev/null || fail "tw resume $TID refused"
  ok=0
  for _ in $(seq 1 50); do
    T=$(timeout 30 build/bin/tw tasks --pid "$PID" --json | grep -m1 '^{')
    echo "$T" | python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); sys.exit(0 if any(t["id"]=='"$TID"' and not t["paused"] for t in j["tasks"]) else 1)' && { ok=1; break; }
    sleep 0.1
  done
  [ $ok = 1 ] || fail "tw resume: task $TID still paused: $T"
  pass "tw pause / resume on a spawn_named task: paused, still in the deadlock, resumed"
fi
kill -9 "$PID" 2>/dev/null

# 3. channel cycle through the mpsc wrappers
start tokio-channel-cycle
J=$(gdb_json "$PID" 'tw deadlocks --json')
echo "$J" | check 'any(d["certain"] for d in j["deadlocks"])' "tokio-channel-cycle: no certain deadlock: $J"
echo "$J" | check 'sorted(e["name"] for d in j["deadlocks"] for e in d["chain"] if "resource" in e) == ["ping_to_pong","pong_to_ping"]' "tokio-channel-cycle: channels not in the chain: $J"
echo "$J" | check 'all(e.get("wait_kind","recv") == "recv" for d in j["deadlocks"] for e in d["chain"] if "task" in e)' "tokio-channel-cycle: waits are not receives: $J"
pass "mpsc cycle is a certain deadlock through both channels"
kill -9 "$PID" 2>/dev/null

# 4. a healthy server has no deadlock, and its tasks are named
start tokio-server
sleep 0.5
J=$(gdb_json "$PID" 'tw deadlocks --json')
echo "$J" | check 'j["deadlocks"] == []' "tokio-server: a healthy server reports a deadlock: $J"
J=$(gdb_json "$PID" 'tw tasks --json')
echo "$J" | check '{"acceptor","client","worker-0"} <= {t["name"] for t in j["tasks"]}' "tokio-server: task names missing: $J"
pass "healthy server: no deadlock, tasks named"
kill -9 "$PID" 2>/dev/null
echo "tokio: all integration checks passed"
