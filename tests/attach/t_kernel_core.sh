#!/usr/bin/env bash
# A kernel-written core (not gcore): the ABBA program is killed with SIGABRT while hung, with
# core dumps enabled (core_pattern here is "core" in the cwd; the default limit is 0).
set -u
cd "$(dirname "$0")/../.."
FX=$PWD/build/tests/attach/fx
DUMP=$PWD/build/tests/attach/twa_dump
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$FX/kcore" && cd "$FX/kcore" && rm -f core core.*
gcc -std=gnu11 -D_GNU_SOURCE -g -O0 -pthread -o abba "$OLDPWD/tests/attach/progs/abba.c" || fail "cannot build abba"
( ulimit -c unlimited; exec ./abba >abba.out 2>&1 ) & PID=$!; disown "$PID"
for _ in $(seq 1 400); do grep -q 'tw-example: ready' abba.out && break; sleep 0.05; done
grep -q 'tw-example: ready' abba.out || fail "abba not ready within 20 s"
kill -ABRT "$PID"
# The kernel writes the core before the process is reaped: wait for the exit, generously
# (other builds share this machine).
for _ in $(seq 1 600); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
sleep 0.2
core=$(ls core core.[0-9]* 2>/dev/null | head -1)
[ -n "$core" ] || fail "no kernel core written"
out=$("$DUMP" core "$core" ./abba) || fail "collector failed on a kernel core: $out"
echo "$out" | python3 "$OLDPWD/tests/attach/check_facts.py" abba core lines || { echo "$out"; fail "kernel core facts"; }
out=$("$DUMP" core "$core") || fail "collector failed without --exe"
echo "$out" | python3 "$OLDPWD/tests/attach/check_facts.py" abba core lines || { echo "$out"; fail "kernel core facts (exe from the core's notes)"; }
echo "t_kernel_core: ABBA found in a kernel core, with and without the exe given"
