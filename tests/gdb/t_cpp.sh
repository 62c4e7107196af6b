#!/usr/bin/env bash
# C++ programs read as C++ in gdb, attach-only (issue 22): examples/cpp's cpp-bank and cpp-future
# (-O1 -g and -O2 -g), live and from a gcore core. gdb hands libtwcore its frames (pc, CFA) and
# names; libtwcore names `bob.m` (not _ZL3bob) from DWARF, finds the user's line through the
# inline chain (bank.cpp:9 in transfer(Account&, Account&, long), not gthr-default.h:749), names
# each thread after its start function (transfer, deliver) and the std::future kind future —
# the same summary as the console's (tests/attach/t_cpp.sh) and lldb's.
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so build/examples/cpp-bank build/examples/cpp-future-O2g build/examples/cpp-waits-O2
. tests/lib/cpp.sh
live() { gdb_pid "$1" 'tw deadlocks --json'; }
on_core() { gdb_core "$1" "$2" 'tw deadlocks --json'; }
for prog in cpp-bank cpp-future; do
  for v in "" -O2g; do
    start "build/examples/$prog$v"
    cpp_live_and_core $prog "$v" "$PID" live core_of on_core || fail "$CPP_ERR"
    kill -9 "$PID"
    ok "$prog$v: $CPP_SEEN"
  done
done
# C++20 waits, with and without -g (examples/cpp/waits.cpp): reader holders of a shared_mutex,
# condition_variable_any's own mutex, the barrier behind libstdc++'s wait pool; demangled names
# and the same kinds from symbols alone at -O2 (tests/lib/cpp.sh, cpp_waits_want).
for v in "" -O2; do
  start "build/examples/cpp-waits$v"
  cpp_waits_check "$v" "$PID" gdb_pid || fail "$CPP_ERR"
  kill -9 "$PID"
  ok "cpp-waits$v: $CPP_SEEN"
done
