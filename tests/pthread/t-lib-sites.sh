#!/usr/bin/env bash
# Await sites of threads that block inside a library (issue 18, point 10): under `tw run`, a
# thread blocked in poll() inside libtwtesthelper.so waits at the program's call of the library
# (lib_waits.c:16, "poll via libtwtesthelper.so"), not at a return address in the library; built
# without -g, every site is named by its function ("nanosleep in napper"). Asked of the console
# (text and JSON), gdb and lldb.
set -u
cd "$(dirname "$(readlink -f "$0")")/../.."
TW=build/bin/tw
GDBP=build/share/gdb/turbowish.py
LLDBP=build/lib/turbowish-lldb.so
BIN=build/tests/pthread
TMP=$(mktemp -d -t twlibsites.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL t-lib-sites: $*"; exit 1; }
for f in "$TW" "$BIN/lib_waits" "$BIN/lib_waits-nodebug" "$GDBP" "$LLDBP"; do [ -e "$f" ] || fail "$f is not built"; done
run() { # PROG: starts it under tw run, sets pid
    "$TW" run -- "$BIN/$1" >"$TMP/$1.out" 2>&1 &
    pid=$!; disown "$pid"; PIDS+=("$pid")
    for _ in $(seq 1 150); do grep -q 'tw-example: ready' "$TMP/$1.out" && break; sleep 0.1; done
    grep -q 'tw-example: ready' "$TMP/$1.out" || fail "$1 not ready under tw run"
}
# awaits: "NAME|FILE:LINE|EXPR" of the named threads, sorted, from tw tasks --json on stdin
awaits() { python3 -c 'import json,sys,re
txt=sys.stdin.read(); m=re.search(r"^\{.*\}$", txt, re.M)
j=json.loads(m.group(0))
print(" ".join(sorted("%s|%s:%s|%s" % (t["name"], t["await"]["file"].split("/")[-1], t["await"]["line"], t["await"]["expr"])
                      for t in j["tasks"] if t["name"] in ("through_helper", "napper") and t["await"])))'; }

run lib_waits
want="napper|lib_waits.c:25|nanosleep through_helper|lib_waits.c:16|poll via libtwtesthelper.so"
got=$(timeout 60 "$TW" tasks --pid "$pid" --json | awaits)
[ "$got" = "$want" ] || fail "console, -g: '$got', want '$want'"
timeout 60 "$TW" tasks --pid "$pid" | grep -q 'through_helper .*lib_waits.c:16 poll via libtwtesthelper.so' ||
    fail "console text, -g: $(timeout 60 "$TW" tasks --pid "$pid")"
got=$(timeout 180 gdb -batch -nx -x "$GDBP" -p "$pid" -ex 'tw tasks --json' 2>&1 | awaits)
[ "$got" = "$want" ] || fail "gdb, -g: '$got', want '$want'"
got=$(timeout 300 lldb -b -o "plugin load $LLDBP" -p "$pid" -o 'tw tasks --json' 2>&1 | awaits)
[ "$got" = "$want" ] || fail "lldb, -g: '$got', want '$want'"
echo "ok   t-lib-sites: -g build: $want (console text and JSON, gdb, lldb)"

run lib_waits-nodebug
want="napper|?:0|nanosleep in napper through_helper|?:0|poll via libtwtesthelper.so in through_helper"
got=$(timeout 60 "$TW" tasks --pid "$pid" --json | awaits)
[ "$got" = "$want" ] || fail "console, no -g: '$got', want '$want'"
got=$(timeout 180 gdb -batch -nx -x "$GDBP" -p "$pid" -ex 'tw tasks --json' 2>&1 | awaits)
[ "$got" = "$want" ] || fail "gdb, no -g: '$got', want '$want'"
echo "ok   t-lib-sites: no -g: $want (console, gdb)"
