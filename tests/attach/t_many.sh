#!/usr/bin/env bash
# 100 deadlocked threads (50 ABBA pairs): every cycle found, live in under 2 s (the issue's
# target for the whole answer; collection is the part that depends on the thread count).
set -u
cd "$(dirname "$0")/../.."
FX=build/tests/attach/fx
DUMP=build/tests/attach/twa_dump
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
gcc -std=gnu11 -D_GNU_SOURCE -g -O0 -pthread -o "$FX/many" tests/attach/progs/many.c || fail "cannot build many"
"$FX/many" >"$FX/many.out" 2>&1 & PID=$!; disown "$PID"
for _ in $(seq 1 100); do grep -q 'tw-example: ready' "$FX/many.out" && break; sleep 0.05; done
t0=$(date +%s%N)
out=$(timeout 20 "$DUMP" pid "$PID" 2) || fail "collector failed: $out"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "$out" | python3 tests/attach/check_facts.py many live lines || fail "many: facts"
# The target is < 2 s; contributing.md forbids asserting timings on a shared machine (this
# one runs other builds at load 50), so only a hang-sized figure fails and over 2 s warns.
[ "$ms" -lt 10000 ] || fail "collecting 101 threads (two samples) took $ms ms"
[ "$ms" -lt 2000 ] || echo "t_many: WARNING: two samples of 101 threads took $ms ms (target < 2 s; machine load $(cut -d' ' -f1 /proc/loadavg))"
kill -0 "$PID" || fail "the process did not survive"
echo "t_many: 101 threads, 50 cycles, two samples in $ms ms"
