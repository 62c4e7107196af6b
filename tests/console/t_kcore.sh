#!/usr/bin/env bash
# A kernel core file (the program aborted with core dumps on): the region and the parked
# tasks' stacks are read straight out of it; bt symbolises through the core's NT_FILE note.
. tests/console/lib.sh
[ -x build/examples/deadlock ] || { fail "build/examples/deadlock is not built (make all builds it)"; finish; }
[ "$(cat /proc/sys/kernel/core_pattern)" = core ] || { echo "  SKIP: core_pattern is not a plain 'core'"; finish; }
mkdir -p "$TMP/kc"
exe=$PWD/build/examples/deadlock
( cd "$TMP/kc" && ulimit -c unlimited && exec "$exe" >out 2>&1 ) & P=$!; disown $P; PIDS+=("$P")
for _ in $(seq 1 100); do grep -q 'tw-example: ready' "$TMP/kc/out" 2>/dev/null && break; sleep 0.1; done
live=$($TW deadlocks --pid "$P" --json | jpy "$NORM(j['deadlocks'][0]['chain'])")
p1=$($TW tasks --pid "$P" --json | jpy '[t["id"] for t in j["tasks"] if t["name"]=="philosopher-1"][0]')
site=$($TW tasks --pid "$P" --json | jpy "[t['await']['file'].split('/')[-1]+':'+str(t['await']['line']) for t in j['tasks'] if t['id']==$p1][0]")
[ -n "$p1" ] && [ -n "$site" ] && [ -n "$live" ] || { fail "the live process could not be read first (p1='$p1' site='$site')"; finish; }
kill -ABRT "$P"
for _ in $(seq 1 100); do [ -s "$TMP/kc/core" ] && ! kill -0 "$P" 2>/dev/null && break; sleep 0.1; done
[ -s "$TMP/kc/core" ] || { fail "no kernel core written"; finish; }
k=$($TW deadlocks --core "$TMP/kc/core" --exe "$exe" --json | jpy "$NORM(j['deadlocks'][0]['chain'])")
[ -n "$k" ] && [ "$k" = "$live" ] && ok "kernel core shows the live deadlock" || fail "kernel core chain '$k' vs live '$live'"
$TW tasks --core "$TMP/kc/core" | grep -q philosopher-1 && ok "tw tasks --core without --exe" || fail "tw tasks --core without --exe"
bt=$($TW bt --core "$TMP/kc/core" --exe "$exe" "$p1" 2>&1)
echo "$bt" | grep -q "$site" && ok "tw bt --core shows $site" || fail "tw bt --core lacks $site: $bt"
echo "$bt" | grep -q "philosopher (" && ok "tw bt --core names the task's function" || fail "no philosopher frame"
finish
