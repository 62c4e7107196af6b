#!/usr/bin/env bash
# Await sites of threads that block inside a library (issue 18, point 10): under `tw run`, a
# thread blocked in poll() inside libtwtesthelper.so waits at the program's call of the library
# ("lib_waits.c:LINE poll via libtwtesthelper.so"), not at a return address in the library; built
# without -g, every site is named by its function ("nanosleep in nap"), and stripped to its
# exported symbols by its place and the first named function further out ("nanosleep in
# lib_waits-stripped+0x… from napper"). Asked of the console (text and JSON), gdb and lldb.
set -u
NAME=t-lib-sites
. "$(dirname "$0")/under_tw.sh"
need "$TW" "$BIN/lib_waits" "$BIN/lib_waits-nodebug" "$BIN/lib_waits-stripped" "$GDBP" "$LLDBP"
src=tests/pthread/progs/lib_waits.c
helper_line=$(grep -n 'helper_wait();' $src | cut -d: -f1) nap_line=$(grep -n 'nanosleep(&ts' $src | cut -d: -f1)
# awaits: "NAME|FILE:LINE|EXPR" of the named threads, sorted, from tw tasks --json on stdin
awaits() { python3 -c 'import json,sys
j=json.loads(sys.stdin.readline())
print(" ".join(sorted("%s|%s:%s|%s" % (t["name"], t["await"]["file"].split("/")[-1], t["await"]["line"], t["await"]["expr"])
                      for t in j["tasks"] if t["name"] in ("through_helper", "napper") and t["await"])))'; }

tw_run lib_waits
want="napper|lib_waits.c:$nap_line|nanosleep through_helper|lib_waits.c:$helper_line|poll via libtwtesthelper.so"
same_in "console gdb lldb" "$want" awaits "tasks --json"
timeout 60 "$TW" tasks --pid "$pid" | grep -q "through_helper .*lib_waits.c:$helper_line poll via libtwtesthelper.so" ||
    fail "console text, -g: $(timeout 60 "$TW" tasks --pid "$pid")"
echo "ok   $NAME: -g build: $want (console text and JSON, gdb, lldb)"
# main waited 2,000 times through the helper from one call site: the program's frame behind the
# library is unwound once and then found in the thread's cache, not unwound per wait
unwinds=$(timeout 180 gdb -batch -nx -p "$pid" -ex 'p twp_outer_unwinds' 2>&1 | sed -n 's/^\$1 = //p')
[ -n "$unwinds" ] && [ "$unwinds" -lt 100 ] || fail "2,000 waits through a library from one site made '$unwinds' unwinds"
echo "ok   $NAME: 2,000 waits through a library from one site: $unwinds unwinds"

tw_run lib_waits-nodebug
want="napper|?:0|nanosleep in nap through_helper|?:0|poll via libtwtesthelper.so in through_helper"
same_in "console gdb" "$want" awaits "tasks --json"
# the text has no line to show: the adapter's words alone, not "?:0" in front of them
text=$(timeout 60 "$TW" tasks --pid "$pid")
echo "$text" | grep -q "napper .* nanosleep in nap" && ! echo "$text" | grep -q '?:0' ||
    fail "console text, no -g: want the site without ?:0: $text"
echo "ok   $NAME: no -g: $want (console, gdb; text without ?:0)"

tw_run lib_waits-stripped
want="napper|?:0|nanosleep in lib_waits-stripped+0x OFFSET from napper"
offsets() { awaits | sed -E 's/\+0x[0-9a-f]+ /+0x OFFSET /g'; }
same_in "console gdb" "$want" offsets "tasks --json"
echo "ok   $NAME: stripped to exported symbols: $want (console, gdb)"
