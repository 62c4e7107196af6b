#!/usr/bin/env bash
# Task names under `tw run` follow the threads' own names (issue 18, point 10): prctl(PR_SET_NAME)
# renames the calling thread's task — main after it was recorded under its start-up name, a
# thread after it started under its start routine's — and a thread whose start routine no
# symbol names (a static function of a stripped library) is named by its place in that library
# ("libtwtesthelper.so+0x…"), not "thread". Asked of the console and gdb.
set -u
cd "$(dirname "$(readlink -f "$0")")/../.."
TW=build/bin/tw
GDBP=build/share/gdb/turbowish.py
BIN=build/tests/pthread
TMP=$(mktemp -d -t twnames.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL t-thread-names: $*"; exit 1; }
for f in "$TW" "$BIN/renames" "$BIN/lib_waits" "$GDBP"; do [ -e "$f" ] || fail "$f is not built"; done
run() {
    "$TW" run -- "$BIN/$1" >"$TMP/$1.out" 2>&1 &
    pid=$!; disown "$pid"; PIDS+=("$pid")
    for _ in $(seq 1 150); do grep -q 'tw-example: ready' "$TMP/$1.out" && break; sleep 0.1; done
    grep -q 'tw-example: ready' "$TMP/$1.out" || fail "$1 not ready under tw run"
}
names() { python3 -c 'import json,sys,re
m=re.search(r"^\{.*\}$", sys.stdin.read(), re.M)
print(" ".join(sorted(t["name"] for t in json.loads(m.group(0))["tasks"])))'; }

run renames
want="main-renamed renamed-worker"
got=$(timeout 60 "$TW" tasks --pid "$pid" --json | names)
[ "$got" = "$want" ] || fail "console: '$got', want '$want'"
got=$(timeout 180 gdb -batch -nx -x "$GDBP" -p "$pid" -ex 'tw tasks --json' 2>&1 | names)
[ "$got" = "$want" ] || fail "gdb: '$got', want '$want'"
echo "ok   t-thread-names: prctl renames followed: $want (console, gdb)"

run lib_waits
got=$(timeout 60 "$TW" tasks --pid "$pid" --json | names)
echo "$got" | grep -Eq '(^| )libtwtesthelper\.so\+0x[0-9a-f]+( |$)' && ! echo "$got" | grep -qw thread ||
    fail "helper's thread: '$got', want one named libtwtesthelper.so+0x…"
echo "ok   t-thread-names: a static start routine of a stripped library is named by its place: $got"
