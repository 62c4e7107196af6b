#!/usr/bin/env bash
# Behaviour: lldb names mutexes that are locals of main ("main:mu1", "main:mutex_resource[2]")
# from the frames it collected (SBFrame pc, CFA, sp, fp) through libtwcore, attach-only, live and
# from a core, at -O0 and -O1 — the same names as gdb's and the console's. Before, addresses.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_attach
Q='" ".join(sorted(e["name"] for d in j["deadlocks"] if d["certain"] for e in d["chain"] if "resource" in e))'
for case in local_abba.O0 local_abba.O1 local_ring.O1; do
  prog=${case%.*} opt=${case#*.}
  case $prog in
    local_abba) want="main:mu1 main:mu2" ;;
    local_ring) want="main:mutex_resource[0] main:mutex_resource[1] main:mutex_resource[2]" ;;
  esac
  bin=$TW_TMP/$case
  gcc -std=gnu11 -D_GNU_SOURCE -g -$opt -pthread -o "$bin" "tests/attach/progs/$prog.c" || fail "cannot compile $prog"
  start_prog "$bin"
  for try in 1 2 3; do # a loaded machine may need a moment to bring every thread to its lock
    got=$(lldb_pid "$PROG_PID" 'tw deadlocks --json' | jsonq "$Q")
    [ "$got" = "$want" ] && break
    sleep 0.5
  done
  [ "$got" = "$want" ] || fail "$case live: resources named '$got', want '$want'"
  core=$(make_core "$PROG_PID")
  got=$(lldb_core "$bin" "$core" 'tw deadlocks --json' | jsonq "$Q")
  rm -f "$core"
  [ "$got" = "$want" ] || fail "$case core: resources named '$got', want '$want'"
  kill -9 "$PROG_PID"
  pass "$case: $want, live and core"
done
