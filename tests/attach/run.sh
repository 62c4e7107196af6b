#!/usr/bin/env bash
# tests/attach/run.sh — builds the attach fixtures (hanging programs and their cores), then runs
# the Criterion unit tests and the scenario checks (tests/lib/run-scripts.sh). Called by
# `make test-attach`.
set -u
cd "$(dirname "$0")/../.."
FX=build/tests/attach/fx
mkdir -p "$FX"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# start PROG [ARGS...]: runs it with stdout to $FX/NAME.out, waits for the ready line, sets PID
start() {
  local bin=$1; shift
  local out=$FX/$(basename "$bin").out
  "$bin" "$@" >"$out" 2>&1 &
  PID=$!
  disown "$PID"
  PIDS+=("$PID")
  for _ in $(seq 1 100); do
    grep -q 'tw-example: ready' "$out" 2>/dev/null && return 0
    kill -0 "$PID" 2>/dev/null || fail "$bin exited before ready"
    sleep 0.05
  done
  fail "$bin not ready within 5 s"
}

gcc -std=gnu11 -g -O0 -o "$FX/region_holder" tests/attach/progs/region_holder.c || fail "cannot build region_holder"

# gcore core with the region dumped
start "$FX/region_holder"
grep '^addr' "$FX/region_holder.out" >"$FX/gcore.addr"
timeout 60 gcore -o "$FX/gc" "$PID" >/dev/null 2>&1 || fail "gcore failed"
mv "$FX/gc.$PID" "$FX/gcore.core"
kill -9 "$PID"

# gcore core of a process whose coredump_filter excludes shared memory: memfd not dumped
( echo 0x31 >/proc/self/coredump_filter; exec "$FX/region_holder" >"$FX/nodump.out" 2>&1 ) &
PID=$!; disown "$PID"; PIDS+=("$PID")
for _ in $(seq 1 100); do grep -q ready "$FX/nodump.out" 2>/dev/null && break; sleep 0.05; done
timeout 60 gcore -o "$FX/nd" "$PID" >/dev/null 2>&1 || fail "gcore failed"
mv "$FX/nd.$PID" "$FX/nodump.core"
kill -9 "$PID"

# kernel core: core_pattern is "core" in the cwd here, and the default limit is 0
( cd "$FX" && rm -f core core.* && ulimit -c unlimited && exec ./region_holder crash >kernel.out 2>&1 ) 2>/dev/null
k=$(ls "$FX"/core "$FX"/core.[0-9]* 2>/dev/null | head -1)
[ -n "$k" ] || fail "no kernel core written (core_pattern: $(cat /proc/sys/kernel/core_pattern))"
mv "$k" "$FX/kernel.core"
grep '^addr' "$FX/kernel.out" >"$FX/kernel.addr"

# a core of a process with no region at all: the fallback scan must answer (and quickly)
sleep 600 & PID=$!; disown "$PID"; PIDS+=("$PID")
timeout 60 gcore -o "$FX/plain" "$PID" >/dev/null 2>&1 || fail "gcore failed"
mv "$FX/plain.$PID" "$FX/plain.core"
kill -9 "$PID"

criterion_ok=1
TWA_FX=$PWD/$FX build/tests/attach/test_core --jobs 1 || criterion_ok=0
tests/lib/run-scripts.sh attach 600 tests/attach/t_*.sh; scripts=$?
[ $criterion_ok = 1 ] || fail "criterion core tests (build/tests/attach/test_core)"
[ $scripts = 0 ] || exit 1
echo "test-attach: passed"
