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
live() { lldb_pid "$1" 'tw deadlocks --json'; }
on_core() { lldb_core "$1" "$2" 'tw deadlocks --json'; }
for prog in cpp-bank cpp-future; do
  for v in "" -O2g; do
    start_example "$prog$v"
    cpp_live_and_core $prog "$v" "$EX_PID" live make_core on_core || fail "$CPP_ERR"
    kill -9 "$EX_PID"
    pass "$prog$v: $CPP_SEEN"
  done
done
# C++20 waits, with and without -g (examples/cpp/waits.cpp): reader holders of a shared_mutex,
# condition_variable_any's own mutex, the barrier behind libstdc++'s wait pool; demangled names
# and the same kinds from symbols alone at -O2 (tests/lib/cpp.sh, cpp_waits_want).
for v in "" -O2; do
  start_example "cpp-waits$v"
  cpp_waits_check "$v" "$EX_PID" lldb_pid || fail "$CPP_ERR"
  kill -9 "$EX_PID"
  pass "cpp-waits$v: $CPP_SEEN"
done
