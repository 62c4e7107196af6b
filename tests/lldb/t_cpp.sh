#!/usr/bin/env bash
# C++ programs read as C++ in lldb, attach-only (issue 22): examples/cpp's cpp-bank and
# cpp-future (-O1 -g and -O2 -g), live and from a gcore core: `bob.m`, the user's line through the
# inline chain (bank.cpp:9 in transfer(Account&, Account&, long)), threads named transfer and
# deliver, the std::future of kind future — the console's and gdb's summary. lldb lists inlined
# bodies as frames and gives the real frame the inline call site's address; the frames it lends
# carry the innermost inlined frame's pc, or the line would be the one before the call.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_attach
. tests/lib/cpp.sh
for prog in cpp-bank cpp-future; do
  for v in "" -O2g; do
    bin=build/examples/$prog$v
    [ -x "$bin" ] || fail "$bin is not built"
    start_example "$prog$v"
    want=$(cpp_want $prog "$v")
    for try in 1 2 3; do # a loaded machine may need a moment to bring every thread to its wait
      got=$(lldb_pid "$EX_PID" 'tw deadlocks --json' | cpp_summary)
      [ "$got" = "$want" ] && break
      sleep 0.5
    done
    [ "$got" = "$want" ] || fail "$prog$v live: '$got', want '$want'"
    core=$(make_core "$EX_PID")
    want=$(cpp_want $prog "$v" core)
    got=$(lldb_core "$bin" "$core" 'tw deadlocks --json' | cpp_summary)
    rm -f "$core"
    [ "$got" = "$want" ] || fail "$prog$v core: '$got', want '$want'"
    kill -9 "$EX_PID"
    pass "$prog$v: $want (live and core)"
  done
done
