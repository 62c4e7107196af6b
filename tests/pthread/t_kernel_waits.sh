#!/usr/bin/env bash
# Threads asleep in calls the adapter does not wrap (issue 18, point 10: nginx's master in
# sigsuspend showed "polling 0ns" for ever): under `tw run`, main in sigsuspend, a thread in
# pause() and one in read() of a socket are waiting — judged by libtwcore from the threads'
# kernel state each reader lends — with no long_poll, in the console (live and on a core), gdb
# and lldb.
set -u
NAME=t-kernel-waits
. "$(dirname "$0")/under_tw.sh"
need "$TW" "$BIN/unwrapped_waits" "$GDBP" "$LLDBP"
tw_run unwrapped_waits
sleep 0.5 # ten times the long_poll threshold

# states: "NAME:STATE:EXPR" sorted, then "long_poll=N", from tasks and alerts JSON on stdin
states() { python3 -c 'import json,sys
objs=[json.loads(l) for l in sys.stdin]
tasks=[o for o in objs if "tasks" in o][0]["tasks"]; alerts=[o for o in objs if "alerts" in o][0]["alerts"]
print(" ".join(sorted("%s:%s:%s" % (t["name"], t["state"], (t["await"] or {}).get("expr")) for t in tasks)),
      "long_poll=%d" % sum(1 for a in alerts if a["kind"] == "long_poll"))'; }
want="pauser:waiting:waiting in the kernel socket_reader:waiting:waiting in the kernel unwrapped_waits:waiting:waiting in the kernel long_poll=0"
same_in "console gdb lldb" "$want" states "tasks --json" "alerts --json"
timeout 120 gcore -o "$TMP/core" "$pid" >/dev/null 2>&1 || fail "gcore"
got=$( (timeout 60 "$TW" tasks --core "$TMP/core.$pid" --exe "$BIN/unwrapped_waits" --json
        timeout 60 "$TW" alerts --core "$TMP/core.$pid" --exe "$BIN/unwrapped_waits" --json) | json_lines | states)
[ "$got" = "$want" ] || fail "console on a core: '$got', want '$want'"
echo "ok   $NAME: $want (console live and core, gdb, lldb)"
