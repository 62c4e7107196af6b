#!/usr/bin/env bash
# Await sites of threads that block inside a library (issue 18, point 10): under `tw run`, a
# thread blocked in poll() inside libtwtesthelper.so waits at the program's call of the library
# (lib_waits.c:16, "poll via libtwtesthelper.so"), not at a return address in the library; built
# without -g, every site is named by its function ("nanosleep in napper"). Asked of the console
# (text and JSON), gdb and lldb.
set -u
NAME=t-lib-sites
. "$(dirname "$0")/under_tw.sh"
need "$TW" "$BIN/lib_waits" "$BIN/lib_waits-nodebug" "$GDBP" "$LLDBP"
# awaits: "NAME|FILE:LINE|EXPR" of the named threads, sorted, from tw tasks --json on stdin
awaits() { python3 -c 'import json,sys
j=json.loads(sys.stdin.readline())
print(" ".join(sorted("%s|%s:%s|%s" % (t["name"], t["await"]["file"].split("/")[-1], t["await"]["line"], t["await"]["expr"])
                      for t in j["tasks"] if t["name"] in ("through_helper", "napper") and t["await"])))'; }

tw_run lib_waits
want="napper|lib_waits.c:25|nanosleep through_helper|lib_waits.c:16|poll via libtwtesthelper.so"
same_in "console gdb lldb" "$want" awaits "tasks --json"
timeout 60 "$TW" tasks --pid "$pid" | grep -q 'through_helper .*lib_waits.c:16 poll via libtwtesthelper.so' ||
    fail "console text, -g: $(timeout 60 "$TW" tasks --pid "$pid")"
echo "ok   $NAME: -g build: $want (console text and JSON, gdb, lldb)"

tw_run lib_waits-nodebug
want="napper|?:0|nanosleep in napper through_helper|?:0|poll via libtwtesthelper.so in through_helper"
same_in "console gdb" "$want" awaits "tasks --json"
echo "ok   $NAME: no -g: $want (console, gdb)"
