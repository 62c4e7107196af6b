#!/usr/bin/env bash
# C++ programs read as C++ in gdb, attach-only (issue 22): examples/cpp's cpp-bank and cpp-future
# (-O1 -g and -O2 -g), live and from a gcore core. gdb hands libtwcore its frames (pc, CFA) and
# names; libtwcore names `bob.m` (not _ZL3bob) from DWARF, finds the user's line through the
# inline chain (bank.cpp:9 in transfer(Account&, Account&, long), not gthr-default.h:749), names
# each thread after its start function (transfer, deliver) and the std::future kind future —
# the same summary as the console's (tests/attach/t_cpp.sh) and lldb's. And cpp-waits (C++20
# waits) with and without -g. The checks are lldb's too (tests/lib/cpp.sh).
. "$(dirname "$0")/lib.sh"
need "$PLUGIN" build/lib/libtwcore.so build/examples/cpp-bank build/examples/cpp-future-O2g build/examples/cpp-waits-O2
. tests/lib/cpp.sh
cpp_start() { start "build/examples/$1"; CPP_PID=$PID; }
cpp_debugger_checks gdb_pid gdb_core core_of ok
