#!/usr/bin/env bash
# C++ programs read as C++ in gdb, attach-only (issue 22): examples/cpp's cpp-bank and cpp-future
# (-O1 -g and -O2 -g), live and from a gcore core. gdb hands libtwcore its frames (pc, CFA) and
# names; libtwcore names `bob.m` (not _ZL3bob) from DWARF, finds the user's line through the
# inline chain (bank.cpp:9 in transfer(Account&, Account&, long), not gthr-default.h:749), names
# each thread after its start function (transfer, deliver) and the std::future kind future —
# the same summary as the console's (tests/attach/t_cpp.sh) and lldb's.
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so build/examples/cpp-bank build/examples/cpp-future-O2g
. tests/lib/cpp.sh
for prog in cpp-bank cpp-future; do
  for v in "" -O2g; do
    bin=build/examples/$prog$v
    start "$bin"; p=$PID
    want=$(cpp_want $prog "$v")
    for try in 1 2 3 4 5; do # a loaded machine may need a moment to bring every thread to its wait
      got=$(gdb_pid "$p" 'tw deadlocks --json' | cpp_summary)
      [ "$got" = "$want" ] && break
      sleep 0.3
    done
    [ "$got" = "$want" ] || fail "$prog$v live: '$got', want '$want'"
    core=$(core_of "$p")
    want=$(cpp_want $prog "$v" core)
    got=$(gdb_core "$bin" "$core" 'tw deadlocks --json' | cpp_summary)
    rm -f "$core"
    [ "$got" = "$want" ] || fail "$prog$v core: '$got', want '$want'"
    kill -9 "$p"
    ok "$prog$v: $want (live and core)"
  done
done
