#!/usr/bin/env bash
# Behaviour: lldb names mutexes that are locals of main ("main:mu1", "main:mutex_resource[2]")
# from the frames it collected (SBFrame pc, CFA, sp, fp) through libtwcore, attach-only, live and
# from a core, at -O0 and -O1 — the same names as gdb's and the console's. Before, addresses.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_attach
. tests/lib/local_names.sh
for case in local_abba.O0 local_abba.O1 local_ring.O1; do
  prog=${case%.*} opt=${case#*.}
  want=$(local_names_want $prog) bin=$TW_TMP/$case
  local_names_build $prog $opt "$bin" || fail "cannot compile $prog"
  start_prog "$bin"
  for try in 1 2 3; do # a loaded machine may need a moment to bring every thread to its lock
    got=$(lldb_pid "$PROG_PID" 'tw deadlocks --json' | local_names_of)
    [ "$got" = "$want" ] && break
    sleep 0.5
  done
  [ "$got" = "$want" ] || fail "$case live: resources named '$got', want '$want'"
  core=$(make_core "$PROG_PID")
  got=$(lldb_core "$bin" "$core" 'tw deadlocks --json' | local_names_of)
  rm -f "$core"
  [ "$got" = "$want" ] || fail "$case core: resources named '$got', want '$want'"
  kill -9 "$PROG_PID"
  pass "$case: $want, live and core"
done
