#!/usr/bin/env bash
# C++ programs read as C++ in lldb, attach-only (issue 22): examples/cpp's cpp-bank and
# cpp-future (-O1 -g and -O2 -g), live and from a gcore core: `bob.m`, the user's line through the
# inline chain (bank.cpp:9 in transfer(Account&, Account&, long)), threads named transfer and
# deliver, the std::future of kind future — the console's and gdb's summary. lldb lists inlined
# bodies as frames and gives the real frame the inline call site's address; the frames it lends
# carry the innermost inlined frame's pc, or the line would be the one before the call. And
# cpp-waits (C++20 waits) with and without -g. The checks are gdb's too (tests/lib/cpp.sh).
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb; need_attach
. tests/lib/cpp.sh
cpp_start() { start_example "$1"; CPP_PID=$EX_PID; }
cpp_debugger_checks lldb_pid lldb_core make_core pass
