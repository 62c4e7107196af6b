#!/usr/bin/env bash
# Threads asleep in calls the adapter does not wrap (issue 18, point 10: nginx's master in
# sigsuspend showed "polling 0ns" for ever): under `tw run`, main in sigsuspend, a thread in
# pause() and one in read() of a socket are waiting — judged by libtwcore from the threads'
# kernel state each reader lends — with no long_poll, in the console (live and on a core), gdb
# and lldb.
set -u
cd "$(dirname "$(readlink -f "$0")")/../.."
TW=build/bin/tw
GDBP=build/share/gdb/turbowish.py
LLDBP=build/lib/turbowish-lldb.so
BIN=build/tests/pthread
TMP=$(mktemp -d -t twkwaits.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL t-kernel-waits: $*"; exit 1; }
for f in "$TW" "$BIN/unwrapped_waits" "$GDBP" "$LLDBP"; do [ -e "$f" ] || fail "$f is not built"; done
"$TW" run -- "$BIN/unwrapped_waits" >"$TMP/out" 2>&1 &
pid=$!; disown "$pid"; PIDS+=("$pid")
for _ in $(seq 1 150); do grep -q 'tw-example: ready' "$TMP/out" && break; sleep 0.1; done
grep -q 'tw-example: ready' "$TMP/out" || fail "not ready under tw run"
sleep 0.5 # ten times the long_poll threshold

# states: "NAME:STATE:EXPR" sorted, then "long_poll=N", from tasks and alerts JSON on stdin
states() { python3 -c 'import json,sys,re
objs=[json.loads(l) for l in re.findall(r"^\{.*\}$", sys.stdin.read(), re.M)]
tasks=[o for o in objs if "tasks" in o][0]["tasks"]; alerts=[o for o in objs if "alerts" in o][0]["alerts"]
print(" ".join(sorted("%s:%s:%s" % (t["name"], t["state"], (t["await"] or {}).get("expr")) for t in tasks)),
      "long_poll=%d" % sum(1 for a in alerts if a["kind"] == "long_poll"))'; }
want="pauser:waiting:waiting in the kernel socket_reader:waiting:waiting in the kernel unwrapped_waits:waiting:waiting in the kernel long_poll=0"
got=$( (timeout 60 "$TW" tasks --pid "$pid" --json; timeout 60 "$TW" alerts --pid "$pid" --json) | states)
[ "$got" = "$want" ] || fail "console: '$got', want '$want'"
got=$(timeout 180 gdb -batch -nx -x "$GDBP" -p "$pid" -ex 'tw tasks --json' -ex 'tw alerts --json' 2>&1 | states)
[ "$got" = "$want" ] || fail "gdb: '$got', want '$want'"
got=$(timeout 300 lldb -b -o "plugin load $LLDBP" -p "$pid" -o 'tw tasks --json' -o 'tw alerts --json' 2>&1 | states)
[ "$got" = "$want" ] || fail "lldb: '$got', want '$want'"
timeout 120 gcore -o "$TMP/core" "$pid" >/dev/null 2>&1 || fail "gcore"
got=$( (timeout 60 "$TW" tasks --core "$TMP/core.$pid" --exe "$BIN/unwrapped_waits" --json
        timeout 60 "$TW" alerts --core "$TMP/core.$pid" --exe "$BIN/unwrapped_waits" --json) | states)
[ "$got" = "$want" ] || fail "console on a core: '$got', want '$want'"
echo "ok   t-kernel-waits: $want (console live and core, gdb, lldb)"
