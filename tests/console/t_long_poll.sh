#!/usr/bin/env bash
# long_poll counts only the time a poll held its thread, not the time it was preempted:
# busy (10,000 healthy tasks) beside four spinning shell loops for 25 s raises none; long-poll's
# 200 ms blocking call in a poll and starvation's two hogs still raise theirs, the hogs' figures
# rising while they poll, and `tw task` tells a poll's wall time from its time not preempted;
# on a core, where no run-queue times exist, a hog's figure says it may include preemption.
. tests/console/lib.sh
lp_alerts() { $TW alerts "$@" --json | python3 -c '
import json, sys
print(json.dumps([a["message"] for a in json.loads(sys.stdin.read())["alerts"] if a["kind"] == "long_poll"]))'; }

start_example busy || finish
B=$EX_PID
for _ in 1 2 3 4; do bash -c 'while :; do :; done' & PIDS+=($!); done
SPIN=("${PIDS[@]: -4}")
sleep 25
a=$(lp_alerts --pid "$B")
kill "${SPIN[@]}" 2>/dev/null
[ "$a" = "[]" ] && ok "busy beside 4 spinning loops for 25 s: no long_poll" || fail "busy beside spinners: $a"
kill "$B" 2>/dev/null

start_example long-poll || finish
a=$(lp_alerts --pid "$EX_PID")
echo "$a" | grep -q 'blocking-io ([0-9]*) polled for [0-9.]* ms without yielding, not counting time preempted' \
  && ok "long-poll: $a" || fail "long-poll: no measured long_poll: $a"
id=$($TW tasks --pid "$EX_PID" --json | jpy '[t["id"] for t in j["tasks"] if t["name"]=="blocking-io"][0]')
$TW task "$id" --pid "$EX_PID" | grep -qE 'longest poll: [0-9.]+ms, at least [0-9.]+ms of it not preempted' \
  && ok "tw task tells the longest poll's wall time from its time not preempted" || fail "tw task $id: $($TW task "$id" --pid "$EX_PID" | grep poll)"
$TW task "$id" --pid "$EX_PID" --json | jpy 'j["task"]["max_poll_ran_ns"] >= 150000000' >/dev/null \
  && ok "task --json: max_poll_ran_ns >= 150 ms" || fail "task --json: $($TW task "$id" --pid "$EX_PID" --json | head -c 300)"
kill "$EX_PID" 2>/dev/null

start_example starvation || finish
S=$EX_PID
hog_ms() { echo "$1" | python3 -c '
import json, re, sys
a = json.loads(sys.stdin.read())
print(" ".join(re.search(r"(hog-\d) \(\d+\) has been polling for at least ([0-9.]+) ms", m).group(1, 2)[1] for m in sorted(a) if "hog-" in m))'; }
# the hogs' figures are lower bounds (a loaded host queues them, and each read stops them a
# while): wait until both pass the threshold, then see them rise
for _ in 1 2 3 4 5 6 7 8 9 10; do
  a1=$(lp_alerts --pid "$S"); m1=$(hog_ms "$a1")
  [ "$(echo $m1 | wc -w)" = 2 ] && break
  sleep 1
done
sleep 2; a2=$(lp_alerts --pid "$S"); m2=$(hog_ms "$a2")
set -- $m1; h0a=${1:-0}; h1a=${2:-0}; set -- $m2; h0b=${1:-0}; h1b=${2:-0}
python3 -c "import sys; sys.exit(0 if $h0b > $h0a > 50 and $h1b > $h1a > 50 else 1)" \
  && ok "starvation: both hogs flagged, rising ($h0a -> $h0b ms, $h1a -> $h1b ms)" || fail "starvation: $a1 then $a2"
$TW task 1 --pid "$S" | grep -qE 'polling for [0-9.]+s, at least [0-9.]+(s|ms) of it not preempted' \
  && ok "tw task: a hog's poll in progress, wall and not preempted" || fail "tw task 1: $($TW task 1 --pid "$S" | grep poll)"
# a core records no run-queue times (nor any moment after the hogs' last event): the figure of
# a poll in progress says so
timeout 300 gcore -o "$TMP/core" "$S" >/dev/null 2>&1 || fail "gcore failed"
c=$($TW task 1 --core "$TMP/core.$S" --exe build/examples/starvation)
echo "$c" | grep -q 'polling for .* (may include preemption: a core or snapshot records no run-queue times)' \
  && ok "core: tw task says a hog's poll in progress may include preemption" || fail "core: $(echo "$c" | grep -i poll)"
finish
