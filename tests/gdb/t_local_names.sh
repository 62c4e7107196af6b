#!/usr/bin/env bash
# Names from stack frames in gdb: mutexes that are locals of main, passed to the threads by
# pointer, are named "main:mu1" / "main:mutex_resource[2]" by libtwcore from the frames gdb
# collected (pc, CFA = the caller's rsp, sp, rbp), live and from a gcore core, at -O0 and -O1.
# Before, they were named by address. (Instrumented programs: t_local_names_region.sh.)
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so
. tests/lib/local_names.sh
for case in local_abba.O0 local_abba.O1 local_ring.O1; do
  prog=${case%.*} opt=${case#*.}
  want=$(local_names_want $prog) bin=$TMP/$case
  local_names_build $prog $opt "$bin" || fail "cannot compile $prog"
  start "$bin"; p=$PID
  for try in 1 2 3 4 5; do # a loaded machine may need a moment to bring every thread to its lock
    got=$(gdb_pid "$p" 'tw deadlocks --json' | local_names_of)
    [ "$got" = "$want" ] && break
    sleep 0.3
  done
  [ "$got" = "$want" ] || fail "$case live: resources named '$got', want '$want'"
  core=$(core_of "$p")
  got=$(gdb_core "$bin" "$core" 'tw deadlocks --json' | local_names_of)
  rm -f "$core"
  [ "$got" = "$want" ] || fail "$case core: resources named '$got', want '$want'"
  kill -9 "$p"
  ok "$case: $want, live and core"
done
