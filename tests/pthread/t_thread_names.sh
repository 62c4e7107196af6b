#!/usr/bin/env bash
# Task names under `tw run` follow the threads' own names (issue 18, point 10): prctl(PR_SET_NAME)
# renames the calling thread's task — main after it was recorded under its start-up name, a
# thread after it started under its start routine's — and a thread whose start routine no
# symbol names (a static function of a stripped library) is named by its place in that library
# ("libtwtesthelper.so+0x…"), not "thread". Asked of the console and gdb.
set -u
NAME=t-thread-names
. "$(dirname "$0")/under_tw.sh"
need "$TW" "$BIN/renames" "$BIN/lib_waits" "$GDBP"
names() { python3 -c 'import json,sys
print(" ".join(sorted(t["name"] for t in json.loads(sys.stdin.readline())["tasks"])))'; }

tw_run renames
want="main-renamed renamed-worker"
same_in "console gdb" "$want" names "tasks --json"
echo "ok   $NAME: prctl renames followed: $want (console, gdb)"

tw_run lib_waits
got=$(timeout 60 "$TW" tasks --pid "$pid" --json | json_lines | names)
echo "$got" | grep -Eq '(^| )libtwtesthelper\.so\+0x[0-9a-f]+( |$)' && ! echo "$got" | grep -qw thread ||
    fail "helper's thread: '$got', want one named libtwtesthelper.so+0x…"
echo "ok   $NAME: a static start routine of a stripped library is named by its place: $got"
