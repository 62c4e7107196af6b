#!/usr/bin/env bash
# A pthread mutex taken inside a runtime task's poll is the task's, and its release is recorded
# whichever worker thread makes it (issue 21 point 3; adapters/pthread/task_locks.c): tasks
# of the reference runtime lock mu, await a timer, and unlock it, 300 times (100 tasks), mostly on
# the other worker. Under `tw run` nobody holds mu at the end (a list kept per thread missed every release
# made on the other thread and left mu held by a worker), and no lock went unrecorded (the
# tasks' list slots are given back: 100 tasks, 64 slots).
set -u
NAME=t-migrating-lock
. "$(dirname "$0")/under_tw.sh"
need "$TW" "$BIN/rt/migrating_lock"
"$TW" run -- "$BIN/rt/migrating_lock" >"$TMP/out" 2>&1 &
pid=$!; disown "$pid"; PIDS+=("$pid")
for _ in $(seq 1 300); do grep -q 'tw-example: ready' "$TMP/out" && break; sleep 0.1; done
grep -q 'tw-example: ready' "$TMP/out" || fail "migrating_lock not ready under tw run: $(cat "$TMP/out")"
moved=$(sed -n 's/^moved \([0-9]*\) .*/\1/p' "$TMP/out")
[ "${moved:-0}" -gt 0 ] || fail "no release happened on another worker thread: $(cat "$TMP/out")"
timeout 60 "$TW" resources --json --pid "$pid" | json_lines | python3 -c 'import json,sys
j=json.loads(sys.stdin.readline()); mu=[r for r in j["resources"] if r["name"]=="mu"]
sys.exit(0 if len(mu)==1 and mu[0]["holders"]==[] and mu[0]["available"]==1 else 1)' ||
    fail "mu is still held after every task released it: $(timeout 60 "$TW" resources --pid "$pid")"
timeout 60 "$TW" alerts --json --pid "$pid" | json_lines | python3 -c 'import json,sys
j=json.loads(sys.stdin.readline()); bad=[a["kind"] for a in j["alerts"] if a["kind"].startswith("instrumentation")]
print(bad); sys.exit(1 if bad else 0)' >"$TMP/alerts" || fail "instrumentation alerts: $(cat "$TMP/alerts")"
echo "ok   $NAME: 300 locks of 100 tasks released in later polls ($moved on the other worker): mu free, none unrecorded"
