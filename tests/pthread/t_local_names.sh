#!/usr/bin/env bash
# Names from stack frames under the pthread adapter: `tw run -- ./prog`, where prog's mutexes
# are locals of main handed to threads by pointer. The adapter, in-process, names an object it
# finds no symbol for by its address; every reader (the console live and from a core, gdb,
# lldb) lends the threads' frames to libtwcore, which names it "main:mu1" /
# "main:mutex_resource[2]" (docs/design.md, "Names of objects on stacks"). -O0 and -O1.
set -u
cd "$(dirname "$(readlink -f "$0")")/../.."
TW=build/bin/tw
GDBP=build/share/gdb/turbowish.py
LLDBP=build/lib/turbowish-lldb.so
TMP=$(mktemp -d -t twlocals.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL t-local-names: $*"; exit 1; }
for f in "$TW" build/lib/libtw-pthread.so "$GDBP" "$LLDBP"; do [ -e "$f" ] || fail "$f is not built"; done
. tests/lib/local_names.sh
n=0
for case in local_abba.O0 local_abba.O1 local_ring.O1; do
  prog=${case%.*} opt=${case#*.}
  want=$(local_names_want $prog) bin=$TMP/$case
  local_names_build $prog $opt "$bin" || fail "cannot compile $prog"
  "$TW" run -- "$bin" >"$bin.out" 2>&1 &
  pid=$!; disown "$pid"; PIDS+=("$pid")
  for _ in $(seq 1 150); do grep -q 'tw-example: ready' "$bin.out" && break; sleep 0.1; done
  grep -q 'tw-example: ready' "$bin.out" || fail "$case: not ready under tw run"
  for try in 1 2 3 4 5; do
    got=$(timeout 60 "$TW" deadlocks --pid "$pid" --json | local_names_of)
    [ "$got" = "$want" ] && break
    sleep 0.3
  done
  [ "$got" = "$want" ] || fail "$case tw run, console: '$got', want '$want'"
  got=$(timeout 180 gdb -batch -nx -x "$GDBP" -p "$pid" -ex 'tw deadlocks --json' 2>&1 | local_names_of)
  [ "$got" = "$want" ] || fail "$case tw run, gdb: '$got', want '$want'"
  got=$(timeout 300 lldb -b -o "plugin load $LLDBP" -p "$pid" -o 'tw deadlocks --json' 2>&1 | local_names_of)
  [ "$got" = "$want" ] || fail "$case tw run, lldb: '$got', want '$want'"
  timeout 120 gcore -o "$TMP/core" "$pid" >/dev/null 2>&1 || fail "gcore $case"
  got=$(timeout 60 "$TW" deadlocks --core "$TMP/core.$pid" --exe "$bin" --json | local_names_of)
  rm -f "$TMP/core.$pid"
  [ "$got" = "$want" ] || fail "$case tw run, console on a core: '$got', want '$want'"
  kill -9 "$pid"
  n=$((n + 4))
  echo "ok   t-local-names: $case under tw run: $want (console live and core, gdb, lldb)"
done
echo "t-local-names: $n checks passed"
